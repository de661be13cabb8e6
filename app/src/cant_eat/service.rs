//! What the "can't eat" server functions ask of the server. The `server` crate implements it
//! (`server::cant_eat`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{CantEatLink, CantEatList};
use crate::{
    error::AppError,
    ids::{DishId, HouseholdId, UserId},
};

/// Reading and changing the signed-in member's own list. Each change answers the member's id,
/// for the way back to their list.
#[async_trait::async_trait]
pub trait CantEatService: Send + Sync + 'static {
    /// Where the signed-in member's list is kept in each of their households.
    async fn links(&self, req: &Parts) -> Result<Vec<CantEatLink>, AppError>;

    /// `member`'s list, when `member` is the signed-in member; [`AppError::NotFound`] otherwise.
    async fn list(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
    ) -> Result<CantEatList, AppError>;

    async fn add_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
    ) -> Result<UserId, AppError>;

    async fn remove_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food_key: String,
    ) -> Result<UserId, AppError>;

    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<UserId, AppError>;

    async fn remove_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<UserId, AppError>;
}
