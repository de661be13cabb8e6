//! The recipes service: what `app::recipes`' server functions ask of the server
//! ([`RecipesService`]).

use app::{
    error::{AppError, Field},
    ids::{DishId, HouseholdId},
    recipes::{ImportSource, Recipe, RecipePage, RecipesService, import, parse_paste},
};
use http::request::Parts;

use crate::service::Services;

#[async_trait::async_trait]
impl RecipesService for Services {
    async fn recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
    ) -> Result<RecipePage, AppError> {
        let access = self.access(req, &household).await?;
        let stored = self.store.dish_recipe(&access, &dish).await?;
        Ok(RecipePage {
            household_id: household,
            dish_id: dish,
            name: stored.name,
            note: stored.note,
            recipe: stored.recipe,
            fetches_addresses: self.page_fetcher.is_some(),
        })
    }

    async fn save_recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
        recipe: Recipe,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.save_recipe(&access, &dish, &recipe).await?;
        Ok(())
    }

    async fn import_recipe(
        &self,
        req: &Parts,
        household: HouseholdId,
        dish: DishId,
        source: ImportSource,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        // The dish must be the household's before anything is fetched for it.
        self.store.dish_recipe(&access, &dish).await?;
        let refused = |message: String| AppError::invalid(Field::RecipeSource, message);
        let (page, address) = match source {
            ImportSource::Pasted(page) => (page, None),
            ImportSource::Address(address) => {
                let fetcher = self
                    .page_fetcher
                    .as_ref()
                    .ok_or_else(|| refused(super::fetch::FetchError::Disabled.to_string()))?;
                let page = fetcher
                    .fetch(&address)
                    .await
                    .map_err(|error| refused(error.to_string()))?;
                (page, Some(address))
            }
        };
        let imported = import::from_pasted(&page).map_err(|error| refused(error.to_string()))?;
        let ingredients = parse_paste(&imported.ingredients.join("\n"))
            .map_err(|error| AppError::invalid(Field::Ingredients, error.to_string()))?;
        let steps = imported.steps.join("\n\n");
        let recipe = Recipe::parse(
            &imported.serves.map(|n| n.to_string()).unwrap_or_default(),
            imported
                .url
                .as_deref()
                .or(address.as_deref())
                .unwrap_or_default(),
            "",
            &steps,
        )
        .map(|recipe| Recipe {
            ingredients,
            ..recipe
        })?;
        self.store.save_recipe(&access, &dish, &recipe).await?;
        Ok(())
    }
}
