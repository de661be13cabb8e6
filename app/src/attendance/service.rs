//! What the attendance server functions ask of the server. The `server` crate implements it
//! (`server::attendance`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use crate::{
    error::AppError,
    ids::{HouseholdId, SlotId},
};

/// Marking out and in, and a meal's guests.
#[async_trait::async_trait]
pub trait AttendanceService: Send + Sync + 'static {
    /// Marks the viewer in (`eating`) or out of an open meal; refused with a message once it
    /// has closed. [`AppError::NotFound`] for a slot of another household.
    async fn set_eating(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        eating: bool,
    ) -> Result<(), AppError>;

    /// Sets an open meal's guests; the plan's proposer only.
    async fn set_guests(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        guests: u32,
    ) -> Result<(), AppError>;
}
