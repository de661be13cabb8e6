//! What the recipes server functions ask of the server, which implements it and provides it to
//! them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{ImportSource, Recipe, RecipePage};
use crate::{
    error::AppError,
    ids::{DishId, HouseholdId},
};

/// Recipes on a household's dishes. Household-scoped like every service: an unknown household,
/// one the person is not in, and a dish of another household are all [`AppError::NotFound`].
#[async_trait::async_trait]
pub trait RecipesService: Send + Sync + 'static {
    async fn recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<RecipePage, AppError>;
    /// Replaces the dish's recipe with `recipe`.
    async fn save_recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
        recipe: Recipe,
    ) -> Result<(), AppError>;
    /// Reads a recipe from `source` (fetching an address safely: no private, loopback or
    /// link-local address, also after a redirect; at most 2 MB and 10 s) and saves it as the
    /// dish's recipe. "No recipe found on that page — paste the ingredients instead" when the
    /// page has none; nothing changes then.
    async fn import_recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
        source: ImportSource,
    ) -> Result<(), AppError>;
}
