//! Who may change a meal's cook, and to whom: one pure rule, which the server applies inside the
//! change's own transaction (`server/src/cooks/store.rs`).
//!
//! - Any member may volunteer while nobody cooks the meal (or cooks it already).
//! - The plan's proposer and the household's admins may make any member the cook, replacing
//!   whoever cooked, and may take the cook off.
//! - The cook may step back; nobody else but the proposer or an admin may take them off.
//! - Only a current member of the household can be the cook.

use serde::{Deserialize, Serialize};

use crate::{error::AppError, ids::UserId};

/// What a member asks of a meal's cook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CookChange {
    /// "I'll cook".
    Volunteer,
    /// Make this member the cook.
    Assign(UserId),
    /// Nobody cooks: the cook stepping back, or taken off.
    StepBack,
}

/// Why a change of cook was refused; nothing was changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CookProblem {
    /// Someone else cooks the meal already.
    Taken,
    /// Only the proposer or an admin may choose someone else.
    AssignOthers,
    /// Only the cook, the proposer or an admin may take the cook off.
    NotYours,
    /// The chosen person is not a member of the household.
    NotAMember,
}

impl CookProblem {
    /// What the member is told.
    pub fn message(self) -> &'static str {
        match self {
            Self::Taken => {
                "Someone else cooks this meal already: they can step back, or the plan's \
                 proposer or an admin can change the cook."
            }
            Self::AssignOthers => {
                "Only the plan's proposer or an admin can choose someone else to cook."
            }
            Self::NotYours => {
                "Only the cook, the plan's proposer or an admin can take the cook off this meal."
            }
            Self::NotAMember => "Only a member of this household can cook its meals.",
        }
    }

    /// The refusal as a server function answers it (409, the message above).
    pub fn error(self) -> AppError {
        AppError::Conflict(self.message().to_owned())
    }
}

/// Whether a member may choose anyone as a plan's cooks: its proposer, or an admin.
pub fn manages_cooks(is_proposer: bool, is_admin: bool) -> bool {
    is_proposer || is_admin
}

/// The meal's cook after `change` by `actor` (who [`manages_cooks`] or not), given the current
/// cook (`None` for nobody, or a cook who has left) and whether the chosen person is a member.
/// `Ok(None)`: nobody cooks.
pub fn decide(
    change: &CookChange,
    actor: &str,
    manages: bool,
    current: Option<&str>,
    chosen_is_member: bool,
) -> Result<Option<String>, CookProblem> {
    match change {
        CookChange::Volunteer => match current {
            Some(cook) if cook != actor && !manages => Err(CookProblem::Taken),
            _ => Ok(Some(actor.to_owned())),
        },
        CookChange::Assign(chosen) if chosen.as_str() == actor => {
            decide(&CookChange::Volunteer, actor, manages, current, true)
        }
        CookChange::Assign(chosen) => {
            if !manages {
                Err(CookProblem::AssignOthers)
            } else if !chosen_is_member {
                Err(CookProblem::NotAMember)
            } else {
                Ok(Some(chosen.to_string()))
            }
        }
        CookChange::StepBack => match current {
            Some(cook) if cook != actor && !manages => Err(CookProblem::NotYours),
            _ => Ok(None),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assign(who: &str) -> CookChange {
        CookChange::Assign(UserId::try_from(who.to_owned()).unwrap())
    }

    #[test]
    fn a_member_volunteers_only_while_nobody_else_cooks() {
        let volunteer = CookChange::Volunteer;
        assert_eq!(
            decide(&volunteer, "bob", false, None, true),
            Ok(Some("bob".into()))
        );
        assert_eq!(
            decide(&volunteer, "bob", false, Some("bob"), true),
            Ok(Some("bob".into()))
        );
        assert_eq!(
            decide(&volunteer, "bob", false, Some("ada"), true),
            Err(CookProblem::Taken)
        );
        assert_eq!(
            decide(&volunteer, "cy", true, Some("ada"), true),
            Ok(Some("cy".into()))
        );
    }

    #[test]
    fn only_the_proposer_or_an_admin_assigns_someone_else_and_only_a_member() {
        let bob = "0192f0a0-0000-7000-8000-00000000000b";
        assert_eq!(
            decide(&assign(bob), "ada", true, None, true),
            Ok(Some(bob.into()))
        );
        assert_eq!(
            decide(&assign(bob), "cy", false, None, true),
            Err(CookProblem::AssignOthers)
        );
        assert_eq!(
            decide(&assign(bob), "ada", true, None, false),
            Err(CookProblem::NotAMember)
        );
        // Assigning oneself is volunteering.
        assert_eq!(
            decide(&assign(bob), bob, false, None, true),
            Ok(Some(bob.into()))
        );
    }

    #[test]
    fn the_cook_steps_back_and_only_a_manager_takes_someone_else_off() {
        let back = CookChange::StepBack;
        assert_eq!(decide(&back, "ada", false, Some("ada"), true), Ok(None));
        assert_eq!(
            decide(&back, "bob", false, Some("ada"), true),
            Err(CookProblem::NotYours)
        );
        assert_eq!(decide(&back, "cy", true, Some("ada"), true), Ok(None));
        assert_eq!(decide(&back, "bob", false, None, true), Ok(None));
    }
}
