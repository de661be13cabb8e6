//! The progress service: what `app::progress`'s server functions ask of the server
//! ([`ProgressService`]).

use app::{
    error::AppError,
    ids::{HouseholdId, SlotId},
    progress::ProgressService,
};
use http::request::Parts;

use super::Nudged;
use crate::{clock::now_ms, service::Services};

#[async_trait::async_trait]
impl ProgressService for Services {
    async fn nudge(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        match self.store.nudge(&access, &slot, now_ms()).await? {
            Nudged::Sent(_) => Ok(()),
            Nudged::Already => Err(AppError::Conflict(
                "They were nudged less than 12 hours ago: a meal can be nudged once every 12 hours."
                    .to_owned(),
            )),
            Nudged::NobodyWaiting => Err(AppError::Conflict(
                "Everyone else has ranked this meal: there is nobody to nudge.".to_owned(),
            )),
            Nudged::Closed => Err(AppError::Conflict(
                "Voting for this meal has closed: there is nobody to nudge.".to_owned(),
            )),
        }
    }
}
