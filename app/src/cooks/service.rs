//! What the cook server functions ask of the server. The `server` crate implements it
//! (`server::cooks`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::CookChange;
use crate::{
    error::AppError,
    ids::{HouseholdId, SlotId},
};

/// Changing a meal's cook.
#[async_trait::async_trait]
pub trait CooksService: Send + Sync + 'static {
    /// Applies `change` to the slot's cook by the rules of [`super::decide`]; refused with a
    /// message (nothing changed) when the rules say no. [`AppError::NotFound`] for a slot of
    /// another household.
    async fn set_cook(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        change: CookChange,
    ) -> Result<(), AppError>;
}
