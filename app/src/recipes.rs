//! Recipes on dishes: reading pasted ingredient lines, units and amounts, and importing a
//! schema.org `Recipe` from a page. The reading is pure code, the same on the server and in the
//! browser; the rules a person meets are in `docs/recipes.md`.
//!
//! A dish with a name only keeps working everywhere: a recipe is optional, and so is each of its
//! parts.

mod form;
pub mod import;
pub mod ingredient;
#[cfg(feature = "ssr")]
mod service;
pub mod units;

#[cfg(feature = "ssr")]
pub use service::RecipesService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Recipes = std::sync::Arc<dyn RecipesService>;

pub use form::{ImportSource, MAX_SERVES, MAX_STEPS_CHARS, Recipe};
pub use ingredient::{Ingredient, IngredientError, Quantity, parse_line, parse_paste};
pub use units::{Amount, Family, Piece, Unit};

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::service::serve_in;
use crate::{
    error::AppError,
    ids::{DishId, HouseholdId},
};

/// `/households/:id/dishes/:dish`: a dish and its recipe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RecipePage {
    pub household_id: HouseholdId,
    pub dish_id: DishId,
    pub name: String,
    pub note: Option<String>,
    /// `None` until a recipe was saved or imported.
    pub recipe: Option<Recipe>,
    /// Whether this server fetches a recipe page from its address (it may have no internet).
    pub fetches_addresses: bool,
}

#[server(endpoint = "get_recipe")]
pub async fn get_recipe(household_id: String, dish_id: String) -> Result<RecipePage, AppError> {
    serve_in(
        household_id,
        |recipes: Recipes, req, household| async move {
            let dish = DishId::try_from(dish_id)?;
            recipes.recipe(&req, household, dish).await
        },
    )
    .await
}

/// Saves a dish's recipe as posted: every ingredient line is kept (one that does not parse, as
/// written). A refused form changes nothing.
#[server(endpoint = "save_recipe")]
pub async fn save_recipe(
    household_id: String,
    dish_id: String,
    serves: String,
    link: String,
    ingredients: String,
    steps: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |recipes: Recipes, req, household| async move {
            let dish = DishId::try_from(dish_id)?;
            let recipe = Recipe::parse(&serves, &link, &ingredients, &steps)?;
            recipes
                .save_recipe(&req, household.clone(), dish.clone(), recipe)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::dish(&household, &dish));
            Ok(())
        },
    )
    .await
}

/// Imports a recipe from a page's address, HTML or JSON-LD into the dish (its lines then shown
/// for the person to correct). A page without a recipe changes nothing.
#[server(endpoint = "import_recipe")]
pub async fn import_recipe(
    household_id: String,
    dish_id: String,
    source: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |recipes: Recipes, req, household| async move {
            let dish = DishId::try_from(dish_id)?;
            let source = ImportSource::parse(&source)?;
            recipes
                .import_recipe(&req, household.clone(), dish.clone(), source)
                .await?;
            crate::service::go_to_after_plain_form(&crate::routes::dish(&household, &dish));
            Ok(())
        },
    )
    .await
}
