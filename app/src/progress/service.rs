//! What the progress server functions ask of the server. The `server` crate implements it
//! (`server::progress`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use crate::{
    error::AppError,
    ids::{HouseholdId, SlotId},
};

/// Nudges.
#[async_trait::async_trait]
pub trait ProgressService: Send + Sync + 'static {
    /// Nudges the slot's attendees without a ballot, other than the viewer; refused with a
    /// message when the slot is closed, nobody else is missing, or it was nudged in the last 12
    /// hours. [`AppError::NotFound`] for a slot of another household.
    async fn nudge(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<(), AppError>;
}
