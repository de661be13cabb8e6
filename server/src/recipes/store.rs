//! A dish's recipe in the library: read with the dish, replaced as a whole.

use app::{
    ids::DishId,
    recipes::{Ingredient, Recipe},
};

use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

#[derive(sqlx::FromRow)]
struct RecipeRow {
    name: String,
    note: Option<String>,
    link: Option<String>,
    serves: Option<i64>,
    ingredients: Option<String>,
    steps: Option<String>,
}

/// A dish and, once one was saved, its recipe.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDish {
    pub name: String,
    pub note: Option<String>,
    pub recipe: Option<Recipe>,
}

impl Store {
    /// The dish with its recipe; [`StoreError::NotFound`] for a dish of another household.
    #[tracing::instrument(name = "store.dish_recipe", skip_all)]
    pub async fn dish_recipe(
        &self,
        access: &HouseholdAccess,
        dish: &DishId,
    ) -> Result<StoredDish, StoreError> {
        let row: RecipeRow = sqlx::query_as(
            r"select name, note, link, cast(serves as bigint) as serves, ingredients, steps
              from dishes where id = $1 and household_id = $2",
        )
        .bind(dish.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *self.acquire().await?)
        .await?
        .ok_or(StoreError::NotFound)?;
        let has_recipe = row.serves.is_some() || row.ingredients.is_some() || row.steps.is_some();
        let recipe = if has_recipe {
            let ingredients: Vec<Ingredient> = match &row.ingredients {
                Some(json) => serde_json::from_str(json)
                    .map_err(|_| StoreError::Corrupt("dishes.ingredients"))?,
                None => Vec::new(),
            };
            Some(Recipe {
                serves: row.serves.and_then(|n| u32::try_from(n).ok()),
                link: row.link,
                ingredients,
                steps: row.steps,
            })
        } else {
            None
        };
        Ok(StoredDish {
            name: row.name,
            note: row.note,
            recipe,
        })
    }

    /// Replaces the dish's recipe (its link too); [`StoreError::NotFound`] for a dish of another
    /// household.
    #[tracing::instrument(name = "store.save_recipe", skip_all)]
    pub async fn save_recipe(
        &self,
        access: &HouseholdAccess,
        dish: &DishId,
        recipe: &Recipe,
    ) -> Result<(), StoreError> {
        let ingredients = serde_json::to_string(&recipe.ingredients)
            .map_err(|_| StoreError::Corrupt("dishes.ingredients"))?;
        let saved = sqlx::query(
            r"update dishes set serves = $3, link = $4, ingredients = $5, steps = $6
              where id = $1 and household_id = $2",
        )
        .bind(dish.as_str())
        .bind(access.household_id().as_str())
        .bind(recipe.serves.map(i64::from))
        .bind(recipe.link.as_deref())
        .bind(ingredients)
        .bind(recipe.steps.as_deref())
        .execute(&mut *self.acquire().await?)
        .await?;
        if saved.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }
}
