//! A member's private "can't eat" list (docs/cant_eat.md): foods, which rule out every dish with
//! an ingredient of that food, and dishes (for dishes without ingredients), kept per household.
//! Only the member reads or changes it. For a meal they eat, an option they can't eat is not
//! eligible ([`crate::plans::eligibility`]); everyone else hears only how many options were
//! ruled out for someone eating the meal ([`ruled_out_sentence`]), never whose or why.

mod rules;
#[cfg(feature = "ssr")]
mod service;
mod view;

#[cfg(feature = "ssr")]
pub use service::CantEatService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type CantEat = std::sync::Arc<dyn CantEatService>;

pub use rules::{
    Entry, NONE_SUITS, OptionDish, YOU_CANT_EAT, is_food, preview_note, ruled_out,
    ruled_out_sentence,
};
pub use view::{CantEatLinks, CantEatPage};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::service::{serve, serve_in};
use crate::{
    error::{AppError, Field},
    ids::{DishId, HouseholdId, UserId},
};

/// What the list page says about who sees it.
pub const PRIVACY_NOTE: &str = "Nobody else sees this list. The household only learns that an \
     option was ruled out for someone eating that meal; in a household of two the other can \
     often guess who.";

/// A food on the list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CantEatFood {
    /// Its key (lowercase, spaces collapsed): what it is removed by.
    pub key: String,
    /// As the member wrote it.
    pub food: String,
}

/// A dish, on the list or to choose from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CantEatDish {
    pub id: DishId,
    pub name: String,
}

/// A member's list in one household, as only they see it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CantEatList {
    pub household_id: HouseholdId,
    pub household_name: String,
    pub member_id: UserId,
    pub foods: Vec<CantEatFood>,
    pub dishes: Vec<CantEatDish>,
    /// The household's dishes not on the list, by name.
    pub dish_choices: Vec<CantEatDish>,
    /// Foods of the household's recipes, by name: suggestions for the food field.
    pub food_choices: Vec<String>,
}

/// Where the signed-in member keeps their list in one of their households.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CantEatLink {
    pub household_name: String,
    pub href: String,
}

/// The food field: a food named as the shopping list names one.
pub fn parse_food(text: &str) -> Result<String, AppError> {
    crate::shopping::food_name(text, Field::Food, "the food")
}

/// The signed-in member's list in household `household_id`; `member_id` must be theirs: anyone
/// else's list is not found, exactly like a household they are not in.
#[server(endpoint = "get_cant_eat")]
pub async fn get_cant_eat(
    household_id: String,
    member_id: String,
) -> Result<CantEatList, AppError> {
    serve_in(
        household_id,
        |service: CantEat, req, household| async move {
            let member = UserId::try_from(member_id).map_err(|_| AppError::NotFound)?;
            service.list(&req, household, member).await
        },
    )
    .await
}

/// The signed-in member's lists, one per household, for the account page.
#[server(endpoint = "get_cant_eat_links")]
pub async fn get_cant_eat_links() -> Result<Vec<CantEatLink>, AppError> {
    serve(|service: CantEat, req| async move { service.links(&req).await }).await
}

/// Adds a food to the signed-in member's list (a food already on it changes nothing).
#[server(endpoint = "add_cant_eat_food")]
pub async fn add_cant_eat_food(household_id: String, food: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |service: CantEat, req, household| async move {
            let food = parse_food(&food)?;
            let me = service.add_food(&req, household.clone(), food).await?;
            back_to_list(&household, &me);
            Ok(())
        },
    )
    .await
}

/// Takes a food (by its key) off the signed-in member's list.
#[server(endpoint = "remove_cant_eat_food")]
pub async fn remove_cant_eat_food(household_id: String, food_key: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |service: CantEat, req, household| async move {
            let me = service
                .remove_food(&req, household.clone(), food_key)
                .await?;
            back_to_list(&household, &me);
            Ok(())
        },
    )
    .await
}

/// Adds a dish of the household to the signed-in member's list.
#[server(endpoint = "add_cant_eat_dish")]
pub async fn add_cant_eat_dish(household_id: String, dish_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |service: CantEat, req, household| async move {
            let dish = DishId::try_from(dish_id).map_err(|_| {
                AppError::invalid(Field::DishName, "Choose one of the household's dishes.")
            })?;
            let me = service.add_dish(&req, household.clone(), dish).await?;
            back_to_list(&household, &me);
            Ok(())
        },
    )
    .await
}

/// Takes a dish off the signed-in member's list.
#[server(endpoint = "remove_cant_eat_dish")]
pub async fn remove_cant_eat_dish(household_id: String, dish_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |service: CantEat, req, household| async move {
            let dish = DishId::try_from(dish_id)?;
            let me = service.remove_dish(&req, household.clone(), dish).await?;
            back_to_list(&household, &me);
            Ok(())
        },
    )
    .await
}

/// Without JavaScript a change goes back to the list.
#[cfg(feature = "ssr")]
fn back_to_list(household: &HouseholdId, me: &UserId) {
    crate::service::go_to_after_plain_form(&crate::routes::cant_eat(household, me));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_food_is_named_in_bounded_plain_words() {
        assert_eq!(parse_food("  Peanut   butter ").unwrap(), "Peanut butter");
        let error = parse_food("   ").unwrap_err();
        assert!(error.for_field(Field::Food).is_some());
    }

    #[test]
    fn the_page_is_honest_about_a_household_of_two() {
        assert!(PRIVACY_NOTE.starts_with("Nobody else sees this list."));
        assert!(PRIVACY_NOTE.contains("in a household of two the other can often guess who"));
    }
}
