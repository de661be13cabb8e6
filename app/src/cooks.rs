//! A cook per meal (`docs/cooks.md`): a member volunteers ("I'll cook"), the plan's proposer or
//! an admin assigns someone, and the cook can step back; every page that shows the meal says
//! "Ada cooks". The evening before the meal, at 18:00 in the plan's time, the cook is reminded
//! once ("Tomorrow you're cooking Curry for 5"): the rule for when is [`reminder_due`], the sweep
//! that sends it is the server's (`server/src/cooks/reminders.rs`).

mod reminder;
mod rules;
#[cfg(feature = "ssr")]
mod service;
mod view;

#[cfg(feature = "ssr")]
pub use service::CooksService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Cooks = std::sync::Arc<dyn CooksService>;

pub use reminder::{REMINDER_HOUR, candidate_days, reminder_due, reminder_window};
pub use rules::{CookChange, CookProblem, decide, manages_cooks};
pub use view::{CookErrors, CookLine};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::{error::AppError, ids::UserId};
#[cfg(feature = "ssr")]
use crate::{ids::SlotId, service::serve_in};

/// A meal's cook as a page shows it to one viewer, with what that viewer may change.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookView {
    /// The cook's name; `None` when nobody cooks (or the cook has left the household).
    pub name: Option<String>,
    /// The viewer is the cook.
    pub mine: bool,
    /// The viewer may choose anyone, or take the cook off: the plan's proposer or an admin.
    pub i_assign: bool,
    /// Who the viewer may choose (the household's members), on the ballot page only.
    pub members: Vec<CookCandidate>,
}

/// A member who may be chosen to cook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CookCandidate {
    pub id: UserId,
    pub name: String,
}

impl CookView {
    /// The cook of a meal for `viewer`: `cook` is the stored cook's id and name, when they are
    /// still a member.
    pub fn new(cook: Option<(String, String)>, viewer: &str, i_assign: bool) -> Self {
        let mine = cook.as_ref().is_some_and(|(id, _)| id == viewer);
        Self {
            name: cook.map(|(_, name)| name),
            mine,
            i_assign,
            members: Vec::new(),
        }
    }

    /// "Ada cooks", or that nobody does yet.
    pub fn text(&self) -> String {
        match (&self.name, self.mine) {
            (Some(_), true) => "You cook".to_owned(),
            (Some(name), false) => format!("{name} cooks"),
            (None, _) => "Nobody cooks yet".to_owned(),
        }
    }
}

/// "I'll cook": the viewer becomes the meal's cook, unless someone else is already (then only
/// the proposer or an admin may take it over).
#[server(endpoint = "volunteer_to_cook")]
pub async fn volunteer_to_cook(household_id: String, slot_id: String) -> Result<(), AppError> {
    serve_in(household_id, |cooks: Cooks, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        cooks
            .set_cook(&req, household, slot, CookChange::Volunteer)
            .await
    })
    .await
}

/// The plan's proposer or an admin makes `cook_id`, a member of the household, the meal's cook.
#[server(endpoint = "assign_cook")]
pub async fn assign_cook(
    household_id: String,
    slot_id: String,
    cook_id: String,
) -> Result<(), AppError> {
    serve_in(household_id, |cooks: Cooks, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        let cook = UserId::try_from(cook_id).map_err(|_| CookProblem::NotAMember.error())?;
        cooks
            .set_cook(&req, household, slot, CookChange::Assign(cook))
            .await
    })
    .await
}

/// The cook steps back (or the proposer or an admin takes them off): nobody cooks the meal.
#[server(endpoint = "step_back_from_cooking")]
pub async fn step_back_from_cooking(household_id: String, slot_id: String) -> Result<(), AppError> {
    serve_in(household_id, |cooks: Cooks, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        cooks
            .set_cook(&req, household, slot, CookChange::StepBack)
            .await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cook_reads_by_name_or_as_you() {
        let ada = Some(("u-ada".to_owned(), "Ada".to_owned()));
        assert_eq!(
            CookView::new(ada.clone(), "u-bob", false).text(),
            "Ada cooks"
        );
        let mine = CookView::new(ada, "u-ada", false);
        assert!(mine.mine);
        assert_eq!(mine.text(), "You cook");
        assert_eq!(
            CookView::new(None, "u-bob", true).text(),
            "Nobody cooks yet"
        );
    }
}
