//! Which notifications are pushed to phones: one table, read by the server (which events queue
//! pushes, what each says) and by the account page (a switch per kind). A new kind is one line.

/// A kind of notification a member can have pushed to their phones, named by the outbox event
/// that carries it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PushKind {
    /// The outbox event (`outbox.kind`), also the switch's name on the account page.
    pub event: &'static str,
    /// The switch's label on the account page.
    pub label: &'static str,
}

/// Every pushed kind, in the order the account page lists them. Each push says what the in-app
/// notification says ([`crate::notifications::notification_text`]) and opens where it links.
pub const PUSHED: &[PushKind] = &[
    PushKind {
        event: "plan_proposed",
        label: "A new plan to vote on",
    },
    PushKind {
        event: "vote_reminder",
        label: "A reminder 2 hours before voting on a meal closes, if you have not ranked it",
    },
    PushKind {
        event: "slot_closed",
        label: "Meals decided (one push for the meals of a plan decided together)",
    },
    PushKind {
        event: "slot_nudged",
        label: "Someone nudging you to rank a meal",
    },
    PushKind {
        event: "cook_reminder",
        label: "Your turn to cook, the evening before",
    },
];

/// The pushed kind of outbox event `event`, if it is pushed.
pub fn pushed(event: &str) -> Option<&'static PushKind> {
    PUSHED.iter().find(|kind| kind.event == event)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_pushed_event_is_listed_once_and_others_are_not_pushed() {
        for kind in PUSHED {
            assert_eq!(pushed(kind.event), Some(kind));
            assert_eq!(PUSHED.iter().filter(|k| k.event == kind.event).count(), 1);
        }
        assert_eq!(pushed("ballot_cast"), None);
        assert_eq!(pushed("plan_decided"), None, "slot_closed's push says it");
    }
}
