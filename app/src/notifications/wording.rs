//! What a change in the household's outbox says to a member, in plain words with names.

use crate::plans::slot_label;

/// A change in plain words, with names.
pub fn notification_text(
    kind: &str,
    actor: Option<&str>,
    title: Option<&str>,
    slot: Option<(&str, &str)>,
    data: &serde_json::Value,
) -> String {
    let actor = actor.unwrap_or("Someone");
    let title = title.unwrap_or("a plan");
    let slot = slot.map_or_else(|| "a meal".to_owned(), |(day, meal)| slot_label(day, meal));
    match kind {
        "plan_proposed" => format!("{actor} proposed “{title}”"),
        "ballot_cast" => format!("{actor} ranked {slot}"),
        "slot_closed" => match data.get("winner").and_then(|winner| winner.as_str()) {
            Some(winner) => format!("{slot}: {winner} won"),
            None if data.get("no_option_suits").is_some() => {
                format!("{slot}: no option suits everyone eating")
            }
            None => format!("{slot}: closed without votes"),
        },
        "no_option_suits" => {
            format!("No option suits everyone eating {slot}: add an option and re-open it")
        }
        "plan_decided" => format!("“{title}” is decided"),
        "list_changed" => {
            let dish = data
                .get("dish")
                .and_then(|dish| dish.as_str())
                .unwrap_or("The winner");
            format!("{slot}: {dish}'s ingredients joined the shopping list")
        }
        "slot_nudged" => format!("{actor} nudged you to rank {slot}"),
        "cook_reminder" => cook_reminder_text(&slot, data),
        "vote_reminder" => format!("Voting on {slot} closes within 2 hours: rank it now"),
        "admin_access_ended" => admin_access_ended_text(data),
        other => format!("{actor}: {other}"),
    }
}

/// "Tomorrow you're cooking Curry for 5 (Tue 24 Nov · dinner)".
fn cook_reminder_text(slot: &str, data: &serde_json::Value) -> String {
    let dish = data
        .get("dish")
        .and_then(|dish| dish.as_str())
        .unwrap_or("the meal");
    match data.get("eaters").and_then(serde_json::Value::as_u64) {
        Some(eaters) => format!("Tomorrow you're cooking {dish} for {eaters} ({slot})"),
        None => format!("Tomorrow you're cooking {dish} ({slot})"),
    }
}

/// Where a notification of `kind` links to: the ballot for a nudge or a reminder, the dish's
/// recipe for the cook's reminder (when it has one), the plan's results once a meal has closed,
/// otherwise the plan. `data` is the event's.
pub fn notification_link(
    kind: &str,
    household: &crate::ids::HouseholdId,
    plan: Option<&str>,
    slot: Option<&str>,
    data: &serde_json::Value,
) -> Option<String> {
    let recipe = data.get("recipe").and_then(|recipe| recipe.as_str());
    match (kind, plan, slot) {
        ("slot_nudged" | "vote_reminder", _, Some(slot)) => {
            Some(crate::routes::ballot(household, slot))
        }
        ("cook_reminder", _, _) if recipe.is_some() => recipe.map(str::to_owned),
        ("no_option_suits", Some(plan), Some(slot)) => {
            Some(crate::routes::slot_results(household, plan, slot))
        }
        ("slot_closed" | "plan_decided", Some(plan), _) => {
            Some(crate::routes::results(household, plan))
        }
        (_, plan, _) => plan.map(|plan| crate::routes::plan(household, plan)),
    }
}

/// "Sam is no longer an admin: 2 invite links withdrawn, the webhook they set switched off."
fn admin_access_ended_text(data: &serde_json::Value) -> String {
    let name = data
        .get("name")
        .and_then(|name| name.as_str())
        .unwrap_or("An admin");
    let invites = data
        .get("invites_withdrawn")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    let webhook = data
        .get("webhook_switched_off")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    let mut consequences = Vec::new();
    match invites {
        0 => {}
        1 => consequences.push("their invite link was withdrawn".to_owned()),
        n => consequences.push(format!("their {n} invite links were withdrawn")),
    }
    if webhook {
        consequences
            .push("the webhook they set is switched off until an admin sets it again".to_owned());
    }
    if consequences.is_empty() {
        format!("{name} is no longer an admin")
    } else {
        format!(
            "{name} is no longer an admin: {}",
            consequences.join(", and ")
        )
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_change_reads_as_a_sentence_with_names() {
        let none = json!({});
        let dinner = Some(("2026-11-23", "dinner"));
        assert_eq!(
            notification_text("plan_proposed", Some("Ada"), Some("Week 48"), None, &none),
            "Ada proposed “Week 48”"
        );
        assert_eq!(
            notification_text("ballot_cast", Some("Bob"), None, dinner, &none),
            "Bob ranked Mon 23 Nov · dinner"
        );
        assert_eq!(
            notification_text(
                "slot_closed",
                None,
                None,
                dinner,
                &json!({"winner": "Curry"})
            ),
            "Mon 23 Nov · dinner: Curry won"
        );
        assert_eq!(
            notification_text("slot_closed", None, None, dinner, &none),
            "Mon 23 Nov · dinner: closed without votes"
        );
        assert_eq!(
            notification_text("plan_decided", None, Some("Week 48"), None, &none),
            "“Week 48” is decided"
        );
        assert_eq!(
            notification_text("slot_nudged", Some("Ada"), None, dinner, &none),
            "Ada nudged you to rank Mon 23 Nov · dinner"
        );
        assert_eq!(
            notification_text(
                "cook_reminder",
                None,
                None,
                dinner,
                &json!({"dish": "Curry", "eaters": 5})
            ),
            "Tomorrow you're cooking Curry for 5 (Mon 23 Nov · dinner)"
        );
        assert_eq!(
            notification_text("vote_reminder", None, None, dinner, &none),
            "Voting on Mon 23 Nov · dinner closes within 2 hours: rank it now"
        );
    }

    #[test]
    fn a_meal_no_option_suits_says_so_and_takes_the_proposer_to_it() {
        let dinner = Some(("2026-11-23", "dinner"));
        assert_eq!(
            notification_text(
                "slot_closed",
                None,
                None,
                dinner,
                &json!({"winner": null, "no_option_suits": true})
            ),
            "Mon 23 Nov · dinner: no option suits everyone eating"
        );
        assert_eq!(
            notification_text("no_option_suits", None, None, dinner, &json!({})),
            "No option suits everyone eating Mon 23 Nov · dinner: add an option and re-open it"
        );
        let household =
            crate::ids::HouseholdId::try_from("00000000-0000-4000-8000-000000000000".to_owned())
                .unwrap();
        assert_eq!(
            notification_link(
                "no_option_suits",
                &household,
                Some("p"),
                Some("s"),
                &json!({})
            ),
            Some(crate::routes::slot_results(&household, "p", "s"))
        );
    }

    #[test]
    fn an_admin_who_lost_access_is_named_with_what_followed() {
        let text = |data| notification_text("admin_access_ended", None, None, None, &data);
        assert_eq!(
            text(json!({"name": "Sam", "invites_withdrawn": 2, "webhook_switched_off": true})),
            "Sam is no longer an admin: their 2 invite links were withdrawn, and the webhook \
             they set is switched off until an admin sets it again"
        );
        assert_eq!(
            text(json!({"name": "Sam", "invites_withdrawn": 1})),
            "Sam is no longer an admin: their invite link was withdrawn"
        );
        assert_eq!(text(json!({})), "An admin is no longer an admin");
    }
}
