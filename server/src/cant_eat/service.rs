//! The "can't eat" service: what `app::cant_eat`'s server functions ask of the server
//! ([`CantEatService`]). Every method works on the signed-in member's own list only.

use app::{
    cant_eat::{CantEatLink, CantEatList, CantEatService},
    error::{AppError, Field},
    ids::{DishId, HouseholdId, UserId},
};
use http::request::Parts;

use crate::{clock::now_ms, db::StoreError, service::Services};

#[async_trait::async_trait]
impl CantEatService for Services {
    async fn links(&self, req: &Parts) -> Result<Vec<CantEatLink>, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        Ok(member
            .households
            .iter()
            .map(|m| CantEatLink {
                household_name: m.household.name.clone(),
                href: app::routes::cant_eat(&m.household.id, &member.id),
            })
            .collect())
    }

    async fn list(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
    ) -> Result<CantEatList, AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.cant_eat_list(&access, &member).await?)
    }

    async fn add_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
    ) -> Result<UserId, AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .add_cant_eat_food(&access, &food, now_ms())
            .await?;
        Ok(access.user_id().clone())
    }

    async fn remove_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food_key: String,
    ) -> Result<UserId, AppError> {
        let access = self.access(req, &household).await?;
        self.store.remove_cant_eat_food(&access, &food_key).await?;
        Ok(access.user_id().clone())
    }

    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<UserId, AppError> {
        let access = self.access(req, &household).await?;
        match self.store.add_cant_eat_dish(&access, &dish, now_ms()).await {
            Ok(()) => Ok(access.user_id().clone()),
            Err(StoreError::NotFound) => Err(AppError::invalid(
                Field::DishName,
                "Choose one of the household's dishes.",
            )),
            Err(error) => Err(error.into()),
        }
    }

    async fn remove_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<UserId, AppError> {
        let access = self.access(req, &household).await?;
        self.store.remove_cant_eat_dish(&access, &dish).await?;
        Ok(access.user_id().clone())
    }
}
