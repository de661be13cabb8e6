//! A plan's shopping list: it forms as each slot's vote closes (the winner's ingredients, scaled
//! to the people eating, join it in the close's own transaction), and members shop it together
//! on their phones, also with no signal. The rules a person meets are in `docs/shopping.md`.
//!
//! Every change names its household (`household_id`) and is checked for membership before
//! anything else, like every household-scoped server function; a check-off is a state set by an
//! operation id, so a phone sending it again changes nothing.

mod changes;
mod foods;
pub mod merge;
#[cfg(feature = "ssr")]
mod service;
mod view;

#[cfg(feature = "ssr")]
pub use service::ShoppingService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Shopping = std::sync::Arc<dyn ShoppingService>;

pub use changes::{CheckState, DEFAULT_AISLES, MAX_AISLE_CHARS, NewItem, OpId, aisle_name};
pub use foods::{SameFoodProblem, SameFoodView, SameFoods, food_name};
pub use merge::{
    Addition, ListLine, Provenance, ShoppingList, addition_by_member, additions_for_winner,
    food_key, split_pantry,
};
pub use view::{AisleView, CheckedView, LineView, ListPage, ProbableMeal};

use leptos::prelude::*;

use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::{
    ids::{AisleId, LineId, PlanId},
    service::serve_in,
};

#[server(endpoint = "get_shopping_list")]
pub async fn get_shopping_list(
    household_id: String,
    plan_id: String,
) -> Result<ListPage, AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            shopping.list(&req, household, plan).await
        },
    )
    .await
}

/// Checks a line (`state=checked`, up to the amount `seen`) or unchecks it
/// (`state=unchecked`). `op` is the phone's operation id.
#[server(endpoint = "set_item_checked")]
pub async fn set_item_checked(
    household_id: String,
    plan_id: String,
    line_id: String,
    op: String,
    state: String,
    seen: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let line = LineId::try_from(line_id)?;
            let state = CheckState::parse(&op, &state, &seen)?;
            shopping
                .set_checked(&req, household.clone(), plan.clone(), line, state)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "add_shopping_item")]
pub async fn add_shopping_item(
    household_id: String,
    plan_id: String,
    op: String,
    item: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let item = NewItem::parse(&op, &item)?;
            shopping
                .add_item(&req, household.clone(), plan.clone(), item)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "move_item_to_aisle")]
pub async fn move_item_to_aisle(
    household_id: String,
    plan_id: String,
    line_id: String,
    aisle_id: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let line = LineId::try_from(line_id)?;
            let aisle = AisleId::try_from(aisle_id)?;
            shopping
                .move_to_aisle(&req, household.clone(), plan.clone(), line, aisle)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

/// Renames an aisle of the household (from a plan's list page, where the answer goes back to).
#[server(endpoint = "rename_aisle")]
pub async fn rename_aisle(
    household_id: String,
    plan_id: String,
    aisle_id: String,
    aisle_name: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let aisle = AisleId::try_from(aisle_id)?;
            let name = changes::aisle_name(&aisle_name)?;
            shopping
                .rename_aisle(&req, household.clone(), aisle, name)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

/// Moves an aisle one place `up` or `down` in the household's store order.
#[server(endpoint = "reorder_aisle")]
pub async fn reorder_aisle(
    household_id: String,
    plan_id: String,
    aisle_id: String,
    direction: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let aisle = AisleId::try_from(aisle_id)?;
            let up = match direction.as_str() {
                "up" => true,
                "down" => false,
                _ => return Err(AppError::BadRequest),
            };
            shopping
                .reorder_aisle(&req, household.clone(), aisle, up)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

/// Marks a food as a pantry staple (`staple=true`) or not.
#[server(endpoint = "set_pantry_staple")]
pub async fn set_pantry_staple(
    household_id: String,
    plan_id: String,
    food: String,
    staple: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let food = food_name(&food, crate::error::Field::Item, "the food")?;
            shopping
                .set_staple(&req, household.clone(), food, staple == "true")
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

/// Says that `food` is the same food as `same_as` ("scallion" is "spring onion") for the
/// household's lists: its lines on the lists still in use join `same_as`'s, and later additions
/// of it do too. From a plan's list page (`plan_id`), where the answer goes back to.
#[server(endpoint = "merge_foods")]
pub async fn merge_foods(
    household_id: String,
    plan_id: String,
    food: String,
    same_as: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let food = food_name(&food, crate::error::Field::Food, "the food to merge")?;
            let same_as = food_name(&same_as, crate::error::Field::SameAs, "the food it is")?;
            shopping
                .merge_foods(&req, household.clone(), plan.clone(), food, same_as)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}

/// Undoes a merge: later additions of `food` are its own lines again (lines merged already stay
/// merged).
#[server(endpoint = "unmerge_food")]
pub async fn unmerge_food(
    household_id: String,
    plan_id: String,
    food: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |shopping: Shopping, req, household| async move {
            let plan = PlanId::try_from(plan_id)?;
            let food = food_name(&food, crate::error::Field::Food, "the food")?;
            shopping.unmerge_food(&req, household.clone(), food).await?;
            crate::service::go_to_after_plain_form(&crate::routes::shopping_list(
                &household, &plan,
            ));
            Ok(())
        },
    )
    .await
}
