//! What the plans server functions ask of the server. The `server` crate implements it
//! (`server::service::plans`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{
    BallotPage, BallotSaved, DeadlineForm, DishDetails, DishName, MealNames, MealSettings,
    OptionNames, PlanForm, PlanSummary, PlanView, ResultsPage,
};
use crate::{
    error::AppError,
    ids::{HouseholdId, PlanId, SlotId},
};

/// Plans: meal settings and dishes, proposing, ballots, closing and results.
///
/// Every method receives the request (for its session and client address) and answers with an
/// [`AppError`] whose message is fit for a page; details go to the server's log. Household-scoped
/// methods answer [`AppError::NotFound`] alike for an unknown household and for one the
/// signed-in person does not belong to.
#[async_trait::async_trait]
pub trait PlansService: Send + Sync + 'static {
    async fn meal_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<MealSettings, AppError>;
    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        name: DishName,
        details: DishDetails,
    ) -> Result<(), AppError>;
    async fn set_meal_names(
        &self,
        req: &Parts,
        household: HouseholdId,
        meals: MealNames,
    ) -> Result<(), AppError>;
    async fn plans(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<Vec<PlanSummary>, AppError>;
    /// Validates the proposal against the server's clock and stores it with its slots.
    async fn propose_plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanForm,
    ) -> Result<PlanId, AppError>;
    async fn plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<PlanView, AppError>;
    /// `deadline` is the form as posted, parsed against the plan's rules.
    async fn move_deadline(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        deadline: DeadlineForm,
    ) -> Result<(), AppError>;
    async fn edit_slot_options(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        options: OptionNames,
    ) -> Result<(), AppError>;
    /// The board arranged like the viewer's saved ranking of meal `like`, when given (nothing
    /// saved).
    async fn ballot_page(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        like: Option<SlotId>,
    ) -> Result<BallotPage, AppError>;
    /// `ranks` is the ballot form as posted, checked against the slot's options; `everywhere`:
    /// then saved to every other open meal of the plan the viewer eats, by dish.
    async fn cast_ballot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        ranks: std::collections::BTreeMap<String, String>,
        everywhere: bool,
    ) -> Result<BallotSaved, AppError>;
    /// Every slot of a plan: open, closed without votes, or its re-counted result explained.
    /// A stored result that its own ballots do not reproduce is an internal error, never shown.
    async fn results(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ResultsPage, AppError>;
    /// The exact stored ballot file of a closed slot (the bytes its digest covers).
    async fn slot_export(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<String, AppError>;
    /// Re-opens a slot that closed without a winner; `deadline` is the form's date, time and UTC
    /// offset, which must name a time in the future; `option`, a dish added to its options
    /// first (for a meal no option suited everyone eating).
    async fn reopen_slot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        deadline: DeadlineForm,
        option: Option<super::DishName>,
    ) -> Result<(), AppError>;
}
