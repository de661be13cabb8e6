//! The attendance service: what `app::attendance`'s server functions ask of the server
//! ([`AttendanceService`]).

use app::{
    attendance::AttendanceService,
    error::AppError,
    ids::{HouseholdId, SlotId},
};
use http::request::Parts;

use crate::{
    clock::now_ms,
    db::{PlanRule, StoreError},
    service::Services,
};

/// What a change of attendance after the close is told.
const CLOSED: &str = "Voting for this meal has closed: who eats it can no longer change.";

fn closed_is_final(error: StoreError) -> AppError {
    match error {
        StoreError::Rule(PlanRule::Closed) => AppError::Conflict(CLOSED.to_owned()),
        error => error.into(),
    }
}

#[async_trait::async_trait]
impl AttendanceService for Services {
    async fn set_eating(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        eating: bool,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .set_eating(&access, &slot, eating, now_ms())
            .await
            .map_err(closed_is_final)?;
        Ok(())
    }

    async fn set_guests(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        guests: u32,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .set_guests(&access, &slot, guests, now_ms())
            .await
            .map_err(closed_is_final)
    }
}
