//! Recipes on dishes as a person gives them: pasted lines are kept (one that does not read, as
//! written), a pasted page is imported, and a page without a recipe, one too large, or an
//! address the server must not fetch is refused by name and changes nothing.

use app::{
    error::Field,
    recipes::{GetRecipe, RecipePage},
};
use reqwest::StatusCode;

use crate::support::{Person, TestApp, household_with_plan};

const GRAPH_PAGE: &str = include_str!("../../../../app/tests/data/recipe_pages/graph.html");
const NO_RECIPE_PAGE: &str = include_str!("../../../../app/tests/data/recipe_pages/no_recipe.html");

async fn curry(app: &TestApp) -> (Person, String, String) {
    let (ada, _bob, household, _plan) = household_with_plan(app).await;
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    let dish = settings.dishes.iter().find(|d| d.name == "Curry").unwrap();
    (ada, household, dish.id.to_string())
}

async fn recipe(ada: &Person, household: &str, dish: &str) -> RecipePage {
    ada.fetch_fn(GetRecipe {
        household_id: household.to_owned(),
        dish_id: dish.to_owned(),
    })
    .await
}

async fn import(ada: &Person, household: &str, dish: &str, source: &str) -> crate::support::Answer {
    ada.call(
        "import_recipe",
        &[
            ("household_id", household),
            ("dish_id", dish),
            ("source", source),
        ],
    )
    .await
}

#[tokio::test]
async fn pasted_lines_are_read_and_a_line_that_does_not_read_is_kept_as_written() {
    let app = TestApp::spawn().await;
    let (ada, household, dish) = curry(&app).await;
    assert_eq!(
        recipe(&ada, &household, &dish).await.recipe,
        None,
        "a name only"
    );
    let lines =
        "1½ cups rice\n2–3 cloves garlic, crushed\n3 eggs\nsalt to taste\na handful of love";
    ada.call(
        "save_recipe",
        &[
            ("household_id", household.as_str()),
            ("dish_id", dish.as_str()),
            ("serves", "4"),
            ("link", "https://example.com/curry"),
            ("ingredients", lines),
            ("steps", "Cook."),
        ],
    )
    .await
    .assert_ok();
    let saved = recipe(&ada, &household, &dish).await.recipe.unwrap();
    assert_eq!(saved.serves, Some(4));
    assert_eq!(saved.ingredients_text(), lines, "every line kept, in order");
    assert_eq!(saved.ingredients[0].food, "rice");
    assert_eq!(saved.ingredients[1].food, "garlic");
    assert_eq!(saved.ingredients[1].note.as_deref(), Some("crushed"));
    assert_eq!(saved.ingredients[4].raw, "a handful of love");
}

#[tokio::test]
async fn a_pasted_page_is_imported_and_one_without_a_recipe_changes_nothing() {
    let app = TestApp::spawn().await;
    let (ada, household, dish) = curry(&app).await;
    import(&ada, &household, &dish, GRAPH_PAGE)
        .await
        .assert_ok();
    let imported = recipe(&ada, &household, &dish).await.recipe.unwrap();
    assert_eq!(imported.serves, Some(2));
    assert_eq!(imported.ingredients.len(), 5);
    assert_eq!(imported.ingredients[0].raw, "0.5 kg rice");
    assert!(
        imported
            .steps
            .as_deref()
            .unwrap()
            .contains("Rinse the rice")
    );

    let refused = import(&ada, &household, &dish, NO_RECIPE_PAGE).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        refused.error().for_field(Field::RecipeSource).as_deref(),
        Some("No recipe found on that page — paste the ingredients instead")
    );
    assert_eq!(
        recipe(&ada, &household, &dish).await.recipe.unwrap(),
        imported
    );
}

#[tokio::test]
async fn bad_recipes_are_refused_by_name_and_the_saved_one_stays() {
    let app = TestApp::spawn().await;
    let (ada, household, dish) = curry(&app).await;
    import(&ada, &household, &dish, GRAPH_PAGE)
        .await
        .assert_ok();
    let before = recipe(&ada, &household, &dish).await.recipe;
    let long_line = "x".repeat(10_000);
    let many_lines = "1 egg\n".repeat(1_000);
    for (ingredients, serves) in [
        (long_line.as_str(), "4"),
        (many_lines.as_str(), "4"),
        ("1e308 g rice", "4"),
        ("1 egg", "0"),
    ] {
        let answer = ada
            .call(
                "save_recipe",
                &[
                    ("household_id", household.as_str()),
                    ("dish_id", dish.as_str()),
                    ("serves", serves),
                    ("link", ""),
                    ("ingredients", ingredients),
                    ("steps", ""),
                ],
            )
            .await;
        assert_eq!(
            answer.status,
            StatusCode::BAD_REQUEST,
            "{serves} {}",
            &ingredients[..10.min(ingredients.len())]
        );
        let named = answer
            .error()
            .for_field(Field::Ingredients)
            .or(answer.error().for_field(Field::Serves));
        assert!(named.is_some(), "{answer:?}");
    }
    // A pasted page of 5 MB is refused before anything reads it.
    let huge = format!("<html>{}</html>", "x".repeat(5 * 1024 * 1024));
    let answer = import(&ada, &household, &dish, &huge).await;
    assert_eq!(answer.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(answer.body.contains("at most 2 MiB"), "{}", answer.body);
    // This server fetches no addresses (RECIPE_FETCH is off): it says so.
    let answer = import(&ada, &household, &dish, "https://example.com/recipe").await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer
            .error()
            .for_field(Field::RecipeSource)
            .unwrap()
            .contains("paste the page"),
        "{answer:?}"
    );
    assert_eq!(recipe(&ada, &household, &dish).await.recipe, before);
}

#[tokio::test]
async fn an_address_into_the_servers_own_network_is_never_fetched() {
    let app = TestApp::spawn_with(
        crate::support::TestDatabase::sqlite().await,
        &[("RECIPE_FETCH", "true")],
    )
    .await;
    let (ada, household, dish) = curry(&app).await;
    for address in [
        app.url("/healthz"),
        "http://10.0.0.1/recipe".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
    ] {
        let answer = import(&ada, &household, &dish, &address).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{address}");
        assert!(
            answer
                .error()
                .for_field(Field::RecipeSource)
                .unwrap()
                .contains("private or local"),
            "{address}: {answer:?}"
        );
    }
    assert_eq!(recipe(&ada, &household, &dish).await.recipe, None);
}
