//! The cooks service: what `app::cooks`'s server functions ask of the server
//! ([`CooksService`]).

use app::{
    cooks::{CookChange, CooksService},
    error::AppError,
    ids::{HouseholdId, SlotId},
};
use http::request::Parts;

use crate::service::Services;

#[async_trait::async_trait]
impl CooksService for Services {
    async fn set_cook(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        change: CookChange,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.set_cook(&access, &slot, &change).await?;
        Ok(())
    }
}
