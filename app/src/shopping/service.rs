//! What the shopping-list server functions ask of the server, which implements it and provides
//! it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{CheckState, ListPage, NewItem};
use crate::{
    error::AppError,
    ids::{AisleId, HouseholdId, LineId, PlanId},
};

/// A plan's shopping list, shopped together. Household-scoped like every service. Every change
/// carries an operation id chosen by the phone: a replayed operation (a phone sending again
/// after it lost its connection) changes nothing.
#[async_trait::async_trait]
pub trait ShoppingService: Send + Sync + 'static {
    async fn list(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ListPage, AppError>;
    /// Sets a line's state (never a toggle): checked by the person now, up to the revision they
    /// saw, or not checked.
    async fn set_checked(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        line: LineId,
        state: CheckState,
    ) -> Result<(), AppError>;
    async fn add_item(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        item: NewItem,
    ) -> Result<(), AppError>;
    /// Puts the line's food under `aisle`, for this list and the household's later ones.
    async fn move_to_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        line: LineId,
        aisle: AisleId,
    ) -> Result<(), AppError>;
    async fn rename_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        aisle: AisleId,
        name: String,
    ) -> Result<(), AppError>;
    /// Moves an aisle one place earlier (`up`) or later in the household's store order.
    async fn reorder_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        aisle: AisleId,
        up: bool,
    ) -> Result<(), AppError>;
    /// Adds or removes a pantry staple ("we always have salt").
    async fn set_staple(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
        staple: bool,
    ) -> Result<(), AppError>;
    /// Says `food` is the same food as `same_as` for the household's lists; the lists still in
    /// use (and `plan`'s, where it was said) fold its lines into `same_as`'s.
    async fn merge_foods(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        food: String,
        same_as: String,
    ) -> Result<(), AppError>;
    /// Undoes a merge for later additions; nothing when `food` was not merged.
    async fn unmerge_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
    ) -> Result<(), AppError>;
}
