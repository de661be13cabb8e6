//! Live voting progress and nudges: each open meal shows how many of the people eating have
//! ranked it, who has and who has not (participation, never ballot content), on the plan page and
//! the ballot page; and any member can nudge the ones who have not, once per meal per 12 hours
//! (`docs/plans.md`, "Live progress and nudges").

#[cfg(feature = "ssr")]
mod service;
mod view;

#[cfg(feature = "ssr")]
pub use service::ProgressService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Progress = std::sync::Arc<dyn ProgressService>;

pub use view::{LiveRoot, SlotProgressView};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{ids::SlotId, service::serve_in};

/// What a live page hands its script (`/live.js`): where its version is polled, the poll key
/// (who is asking, signed by the server, good for 15 minutes) and the version it shows.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveKey {
    pub url: String,
    pub key: String,
    pub version: String,
}

/// How long after a nudge a meal cannot be nudged again, whoever asks.
pub const NUDGE_INTERVAL_MS: i64 = 12 * 60 * 60 * 1000;

/// One meal's participation: the people eating (its attendees, `crate::attendance`), by name,
/// split into those who have ranked it and those who have not.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotProgress {
    pub ranked: Vec<String>,
    pub waiting: Vec<String>,
    /// The meal's latest nudge.
    pub nudge: Option<NudgeView>,
    /// Who a nudge by the viewer would ask now: the people eating without a ballot, the viewer
    /// left out; empty when the meal is closed or was nudged in the last 12 hours.
    pub nudgeable: Vec<String>,
}

/// A nudge as everyone sees it: "Nudged Sam and Lee at 18:02".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NudgeView {
    pub names: Vec<String>,
    pub at_ms: i64,
}

impl SlotProgress {
    pub fn eating(&self) -> usize {
        self.ranked.len() + self.waiting.len()
    }

    /// "2 of 3 eating have ranked".
    pub fn summary(&self) -> String {
        format!(
            "{} of {} eating have ranked",
            self.ranked.len(),
            self.eating()
        )
    }
}

/// Names as a sentence says them: "Sam", "Sam and Lee", "Sam, Lee and Kim".
pub fn names_text(names: &[String]) -> String {
    match names {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

/// Nudges the people eating a meal who have not ranked it yet (the viewer left out): each gets
/// one notification linking to the ballot. Once per meal per 12 hours, whoever presses first; a
/// second press in that time changes nothing and says so. Without JavaScript the form goes back
/// to the page it was sent from, which names who was nudged.
#[server(endpoint = "nudge_slot")]
pub async fn nudge_slot(household_id: String, slot_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |progress: Progress, req, household| async move {
            let slot = SlotId::try_from(slot_id)?;
            progress.nudge(&req, household, slot).await
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn names_read_as_a_sentence() {
        assert_eq!(names_text(&[]), "");
        assert_eq!(names_text(&names(&["Sam"])), "Sam");
        assert_eq!(names_text(&names(&["Sam", "Lee"])), "Sam and Lee");
        assert_eq!(
            names_text(&names(&["Sam", "Lee", "Kim"])),
            "Sam, Lee and Kim"
        );
    }

    #[test]
    fn the_summary_counts_the_people_eating() {
        let progress = SlotProgress {
            ranked: names(&["Ada", "Bob"]),
            waiting: names(&["Cy"]),
            ..SlotProgress::default()
        };
        assert_eq!(progress.summary(), "2 of 3 eating have ranked");
    }
}
