//! The shopping-list service: what `app::shopping`'s server functions ask of the server
//! ([`ShoppingService`]).

use app::{
    error::AppError,
    ids::{AisleId, HouseholdId, LineId, PlanId},
    shopping::{
        AisleView, CheckState, LineView, ListPage, NewItem, SameFoodView, SameFoods,
        ShoppingService,
    },
};
use http::request::Parts;

use super::reading::StoredList;
use crate::{clock::now_ms, live::Subject, service::Services};

#[async_trait::async_trait]
impl ShoppingService for Services {
    async fn list(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ListPage, AppError> {
        // Settled first: a meal past its deadline has closed, and its lines are on the list.
        let access = self.settled_access(req, &household).await?;
        let mut stored = self.store.shopping_list(&access, &plan).await?;
        if stored.aisles.is_empty() {
            stored.aisles = self.store.lay_out_aisles(&access).await?;
        }
        let same_foods = SameFoods::new(
            stored
                .same_foods
                .iter()
                .map(|(key, _, target)| (key.clone(), target.clone())),
        );
        let probably = self
            .store
            .probable_meals(&access, &plan, &same_foods)
            .await?;
        let poll_key = self
            .live_key(req, &access, Subject::List, plan.as_str())
            .await?;
        Ok(lay_out(
            household,
            plan,
            stored,
            &same_foods,
            probably,
            poll_key,
        ))
    }

    async fn set_checked(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        line: LineId,
        state: CheckState,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .set_line_checked(&access, &plan, &line, &state, now_ms())
            .await?;
        Ok(())
    }

    async fn add_item(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        item: NewItem,
    ) -> Result<(), AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        let access = self.access(req, &household).await?;
        self.store
            .add_list_item(&access, &plan, &item, &member.display_name, now_ms())
            .await?;
        Ok(())
    }

    async fn move_to_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        line: LineId,
        aisle: AisleId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .move_line_to_aisle(&access, &plan, &line, &aisle)
            .await?;
        Ok(())
    }

    async fn rename_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        aisle: AisleId,
        name: String,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.rename_aisle(&access, &aisle, &name).await?;
        Ok(())
    }

    async fn reorder_aisle(
        &self,
        req: &Parts,
        household: HouseholdId,
        aisle: AisleId,
        up: bool,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.reorder_aisle(&access, &aisle, up).await?;
        Ok(())
    }

    async fn set_staple(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
        staple: bool,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.set_staple(&access, &food, staple).await?;
        Ok(())
    }

    async fn merge_foods(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        food: String,
        same_as: String,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .merge_foods(&access, &plan, &food, &same_as, now_ms())
            .await?;
        Ok(())
    }

    async fn unmerge_food(
        &self,
        req: &Parts,
        household: HouseholdId,
        food: String,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.unmerge_food(&access, &food).await?;
        Ok(())
    }
}

/// The stored list laid out for its page: each line under its food's aisle ("Other", the last
/// aisle, when the household has not placed it), pantry staples apart (a staple that was merged
/// is its target's: "we always have scallions" keeps spring onions at home).
fn lay_out(
    household: HouseholdId,
    plan: PlanId,
    stored: StoredList,
    same_foods: &SameFoods,
    probably: Vec<app::shopping::ProbableMeal>,
    poll_key: String,
) -> ListPage {
    let staple_keys: Vec<String> = stored
        .staples
        .iter()
        .map(|(_, food)| same_foods.key(food))
        .collect();
    let mut aisles: Vec<AisleView> = stored
        .aisles
        .iter()
        .map(|(id, name, _)| AisleView {
            id: id.clone(),
            name: name.clone(),
            lines: Vec::new(),
        })
        .collect();
    let mut at_home: Vec<LineView> = Vec::new();
    for (line, food_key, aisle) in stored.lines {
        if staple_keys.contains(&food_key) {
            at_home.push(line);
            continue;
        }
        let index = aisle
            .and_then(|aisle| aisles.iter().position(|a| a.id == aisle))
            .unwrap_or(aisles.len().saturating_sub(1));
        if let Some(target) = aisles.get_mut(index) {
            target.lines.push(line);
        }
    }
    ListPage {
        household_id: household,
        plan_id: plan,
        plan_title: stored.title,
        version: stored.version.to_string(),
        poll_key,
        aisles,
        at_home,
        probably,
        staples: stored.staples.into_iter().map(|(_, food)| food).collect(),
        same_foods: stored
            .same_foods
            .into_iter()
            .map(|(_, food, same_as)| SameFoodView { food, same_as })
            .collect(),
    }
}
