//! Meal plans: the dish library, proposing a plan, and ranking each slot's options.
//!
//! Like every household-scoped server function, these name their household (`household_id`)
//! and the server checks membership once, before anything else; a plan, slot or dish of another
//! household is "not found". A ballot arrives as a rank number per option (`rank-<option id>`),
//! the same shape from the plain no-JavaScript form and from the ranking board.

mod arrange;
mod ballots;
mod board;
mod domain;
mod eligibility;
mod explain;
mod names;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::PlansService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Plans = std::sync::Arc<dyn PlansService>;
mod preview;
mod results;
mod timing;
mod verdict;

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use arrange::{ArrangedFrom, PAST_BALLOTS, PastBallot, carry_over, from_past};
pub use ballots::{
    BallotPage, BallotSaved, CONFIRM_EMPTY_FIELD, MemberBallot, OptionView, SAME_FOR_ALL_FIELD,
    VoterView,
};
pub use board::{Board, Row};
pub use domain::{DEFAULT_DAYS, MAX_DAYS, NewPlan, PlanForm, Ranking, rank_field};
pub use eligibility::{
    Eligibility, EligibilityInput, FELL_BACK_SENTENCE, annotate, counted_sentence, eligibility,
    repeats_sentence,
};
pub use names::{
    DEFAULT_MEALS, DishDetails, DishName, MAX_OPTIONS, MIN_OPTIONS, MealNames, OptionNames,
};
pub use preview::preview;
pub use results::{
    Decided, DecidedSlot, HeadToHeadRow, NO_VOTES_EXPLANATION, PathView, Placed, ResultsPage,
    Score, SlotOutcome, SlotResult, Step, WinnerPaths, export_file_name, verify_command,
};
pub use timing::{
    DeadlineForm, day_iso, days_label, parse_day, parse_new_deadline, parse_reopen_deadline,
    slot_label,
};
pub use verdict::{ResultsError, Verdict, verdict};

#[cfg(feature = "ssr")]
use crate::service::serve_in;
use crate::{
    error::AppError,
    ids::{DishId, HouseholdId, PlanId, SlotId},
};

/// A household's meal names and dish library, for the dishes page and the proposal form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealSettings {
    pub household_id: HouseholdId,
    pub household_name: String,
    /// Comma-separated, in the order of a day.
    pub meal_names: String,
    pub dishes: Vec<DishView>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DishView {
    pub id: DishId,
    pub name: String,
    pub note: Option<String>,
    pub link: Option<String>,
}

/// A plan in the household's list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanSummary {
    pub id: PlanId,
    pub title: String,
    pub days: String,
    pub deadline_ms: i64,
    pub open: bool,
    pub slots: u32,
    /// Slots the viewer has a ballot for.
    pub my_ballots: u32,
    /// Each slot's state, in slot order.
    pub slot_states: Vec<SlotBrief>,
}

/// One slot in a plan list: open, closed without votes, or won by a dish.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotBrief {
    /// "Mon 23 Nov · dinner".
    pub label: String,
    pub closed: bool,
    /// The winning dish, once closed with ballots.
    pub winner: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanView {
    pub household_id: HouseholdId,
    pub id: PlanId,
    pub title: String,
    pub days: String,
    pub proposed_by: String,
    pub deadline_ms: i64,
    /// Before the deadline.
    pub open: bool,
    /// The viewer proposed the plan and no ballot has arrived yet.
    pub options_editable: bool,
    /// The viewer proposed the plan and voting is open.
    pub deadline_movable: bool,
    pub deadline_changes: Vec<DeadlineChange>,
    /// How many members the plan waits for (those who belonged when it was proposed).
    pub expected_voters: u32,
    pub slots: Vec<SlotSummary>,
    /// The page's poll: its progress changes with every ballot, close and nudge.
    pub live: crate::progress::LiveKey,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineChange {
    pub by: String,
    pub at_ms: i64,
    pub from_ms: i64,
    pub to_ms: i64,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotSummary {
    pub id: SlotId,
    /// "Mon 23 Nov · dinner".
    pub label: String,
    pub options: Vec<String>,
    /// Ballots from expected voters.
    pub expected_ballots: u32,
    pub ballots: u32,
    pub i_voted: bool,
    /// The slot has its result (or closed without ballots).
    pub closed: bool,
    /// The winning dish, once closed with ballots.
    pub winner: Option<String>,
    /// The viewer proposed the plan and the slot closed without a winner (no ballots, or no
    /// option suited everyone eating).
    pub reopenable: bool,
    /// The slot's own deadline, after a re-open.
    pub reopened_deadline_ms: Option<i64>,
    /// Who of the people eating has ranked it, and its latest nudge.
    pub progress: crate::progress::SlotProgress,
    /// Who cooks it.
    pub cook: crate::cooks::CookView,
    /// Who is out, the guests, and whether the viewer eats.
    pub attendance: crate::attendance::SlotAttendance,
}

#[server(endpoint = "get_meal_settings")]
pub async fn get_meal_settings(household_id: String) -> Result<MealSettings, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        plans.meal_settings(&req, household).await
    })
    .await
}

/// Adds a dish to the library (a dish named like an existing one, in any case, is refused).
#[server(endpoint = "add_dish")]
pub async fn add_dish(
    household_id: String,
    dish_name: String,
    note: String,
    link: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    serve_in(household_id, |plans: Plans, req, household| async move {
        let name = DishName::parse(&dish_name, Field::DishName)?;
        let details = DishDetails::parse(&note, &link)?;
        plans.add_dish(&req, household, name, details).await
    })
    .await
}

#[server(endpoint = "set_meal_names")]
pub async fn set_meal_names(household_id: String, meals: String) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let meals = MealNames::parse(&meals)?;
        plans.set_meal_names(&req, household, meals).await
    })
    .await
}

#[server(endpoint = "list_plans")]
pub async fn list_plans(household_id: String) -> Result<Vec<PlanSummary>, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        plans.plans(&req, household).await
    })
    .await
}

/// Proposes a plan: one slot per day and meal, each with the same options to start with.
#[server(endpoint = "propose_plan")]
pub async fn propose_plan(
    household_id: String,
    #[server(flatten)] plan: PlanForm,
) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let plan = plans.propose_plan(&req, household.clone(), plan).await?;
        crate::service::go_to(&crate::routes::plan(household, plan));
        Ok(())
    })
    .await
}

#[server(endpoint = "get_plan")]
pub async fn get_plan(household_id: String, plan_id: String) -> Result<PlanView, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        plans
            .plan(&req, household, PlanId::try_from(plan_id)?)
            .await
    })
    .await
}

/// Moves a plan's deadline later (the proposer only; recorded and shown to members).
#[server(endpoint = "move_deadline")]
pub async fn move_deadline(
    household_id: String,
    plan_id: String,
    #[server(flatten)] deadline: DeadlineForm,
) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let plan = PlanId::try_from(plan_id)?;
        plans.move_deadline(&req, household, plan, deadline).await
    })
    .await
}

/// Replaces a slot's options (the proposer only, until the plan's first ballot).
#[server(endpoint = "edit_slot_options")]
pub async fn edit_slot_options(
    household_id: String,
    slot_id: String,
    options: String,
) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        let options = OptionNames::parse(&options)?;
        plans
            .edit_slot_options(&req, household, slot, options)
            .await
    })
    .await
}

/// A slot's ballot page; `like`, another meal the viewer has ranked ("Same as …"), arranges the
/// board like that ranking, saving nothing.
#[server(endpoint = "get_ballot_page")]
pub async fn get_ballot_page(
    household_id: String,
    slot_id: String,
    #[server(default)] like: Option<String>,
) -> Result<BallotPage, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let like = like
            .filter(|like| !like.is_empty())
            .map(SlotId::try_from)
            .transpose()?;
        plans
            .ballot_page(&req, household, SlotId::try_from(slot_id)?, like)
            .await
    })
    .await
}

/// Saves the viewer's ballot for a slot, replacing an earlier one, until the slot closes.
/// A refused ballot changes nothing. A ballot that ranks nothing needs `confirm_empty` (the
/// page asks first). Without JavaScript the form goes back to the ballot page, which confirms
/// the save (`?saved=1`) or says the vote closed with it (`?saved=closed`).
#[server(endpoint = "cast_ballot")]
pub async fn cast_ballot(
    household_id: String,
    slot_id: String,
    /// Every other field: `rank-<option id>` → a rank number, or empty for no opinion; and
    /// `confirm_empty` when a ballot that ranks nothing is meant, and `same_for_all` to save the
    /// same ranking to every other open meal of the plan the viewer eats.
    #[server(flatten)]
    ranks: BTreeMap<String, String>,
) -> Result<BallotSaved, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        let mut ranks = ranks;
        let confirmed_empty = ranks.remove(CONFIRM_EMPTY_FIELD).is_some();
        let everywhere = ranks.remove(SAME_FOR_ALL_FIELD).is_some();
        if !confirmed_empty && ranks.values().all(|rank| rank.trim().is_empty()) {
            return Err(AppError::EmptyBallot);
        }
        let page = crate::routes::ballot(&household, &slot);
        let saved = plans
            .cast_ballot(&req, household, slot, ranks, everywhere)
            .await?;
        let outcome = if saved.closed { "closed" } else { "1" };
        let also = match saved.also_saved {
            0 => String::new(),
            n => format!("&also={n}"),
        };
        crate::service::go_to_after_plain_form(&format!("{page}?saved={outcome}{also}"));
        Ok(saved)
    })
    .await
}

/// A plan's results: every slot's winner and why, or that it is open or closed without votes.
#[server(endpoint = "get_results")]
pub async fn get_results(household_id: String, plan_id: String) -> Result<ResultsPage, AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        plans
            .results(&req, household, PlanId::try_from(plan_id)?)
            .await
    })
    .await
}

/// Re-opens a slot that closed without a winner, with a new deadline in the future (the plan's
/// proposer only).
#[server(endpoint = "reopen_slot")]
pub async fn reopen_slot(
    household_id: String,
    slot_id: String,
    #[server(flatten)] deadline: DeadlineForm,
) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        plans
            .reopen_slot(&req, household, slot, deadline, None)
            .await
    })
    .await
}

/// Re-opens a slot that closed without a winner, adding the dish `option` to its options first
/// when one is named: a meal no option suited everyone eating (`crate::cant_eat`) gets one that
/// may. The ballots already cast have no opinion on it. Without JavaScript the form goes back to
/// the plan's results.
#[server(endpoint = "reopen_slot_adding")]
pub async fn reopen_slot_adding(
    household_id: String,
    slot_id: String,
    option: String,
    #[server(flatten)] deadline: DeadlineForm,
) -> Result<(), AppError> {
    serve_in(household_id, |plans: Plans, req, household| async move {
        let slot = SlotId::try_from(slot_id)?;
        let option = match option.trim() {
            "" => None,
            name => Some(DishName::parse(name, crate::error::Field::Options)?),
        };
        plans
            .reopen_slot(&req, household, slot, deadline, option)
            .await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// How Leptos reads a form post into a server function's arguments.
    fn decode<T: serde::de::DeserializeOwned>(body: &str) -> Result<T, String> {
        serde_qs::Config::new(5, false)
            .deserialize_str::<T>(body)
            .map_err(|e| e.to_string())
    }

    #[test]
    fn the_ballot_form_decodes_a_rank_per_option_as_browsers_encode_it() {
        let option = "5f0e8b7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b";
        let body = format!(
            "household_id=h&slot_id=s&rank-{option}=2&rank-0a0e8b7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b="
        );
        let args: CastBallot = decode(&body).unwrap();
        assert_eq!(
            (args.household_id.as_str(), args.slot_id.as_str()),
            ("h", "s")
        );
        assert_eq!(
            args.ranks
                .get(&format!("rank-{option}"))
                .map(String::as_str),
            Some("2")
        );
        assert_eq!(args.ranks.len(), 2);
        let none: CastBallot = decode("household_id=h&slot_id=s").unwrap();
        assert!(none.ranks.is_empty());
    }

    #[test]
    fn the_proposal_form_decodes_flat_fields() {
        let args: ProposePlan =
            decode("household_id=h&first_day=2026-11-23&days=7&options=A%0D%0AB").unwrap();
        assert_eq!(args.plan.first_day, "2026-11-23");
        assert_eq!(args.plan.options, "A\r\nB");
        assert_eq!(args.plan.title, "");
    }
}
