//! Importing the schema.org Recipe of the pages in `data/recipe_pages/` (docs/recipes.md).

use app::recipes::{
    import::{ImportError, ImportedRecipe, MAX_PAGE_BYTES, from_html, from_pasted},
    parse_paste,
};

fn page(name: &str) -> String {
    let path = format!(
        "{}/tests/data/recipe_pages/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn import(name: &str) -> ImportedRecipe {
    from_html(&page(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Every imported ingredient line reads with a food, and none is lost.
fn assert_ingredients_read(recipe: &ImportedRecipe) {
    let read = parse_paste(&recipe.ingredients.join("\n")).unwrap();
    assert_eq!(read.len(), recipe.ingredients.len());
    assert!(read.iter().all(|line| !line.food.is_empty()), "{read:?}");
}

#[test]
fn a_top_level_recipe_imports_with_its_steps() {
    let recipe = import("top_level.html");
    assert_eq!(recipe.name, "Weeknight Chicken Curry");
    assert_eq!(
        recipe.url.as_deref(),
        Some("https://kitchen.example/chicken-curry")
    );
    assert_eq!(recipe.serves, Some(4));
    assert_eq!(recipe.yield_text.as_deref(), Some("4"));
    assert_eq!(recipe.ingredients.len(), 7);
    assert_eq!(recipe.ingredients[0], "400 g basmati rice");
    assert_eq!(recipe.steps.len(), 4);
    assert_eq!(recipe.steps[3], "Serve with the rice.");
    assert_ingredients_read(&recipe);
}

#[test]
fn a_recipe_inside_a_graph_imports_with_its_sections() {
    let recipe = import("graph.html");
    assert_eq!(recipe.name, "Vegetable Stir-fry");
    assert_eq!(
        recipe.url.as_deref(),
        Some("https://greenpan.example/stir-fry/")
    );
    assert_eq!(recipe.serves, Some(2));
    assert_eq!(recipe.ingredients[0], "0.5 kg rice");
    assert_eq!(
        recipe.steps,
        [
            "Rice",
            "Rinse the rice and cook it.",
            "Stir-fry",
            "Stir-fry the pepper in the sesame oil.",
            "Add soy sauce and spring onions."
        ]
    );
    assert_ingredients_read(&recipe);
}

#[test]
fn a_recipe_typed_as_an_array_imports_with_text_instructions() {
    let recipe = import("array_type.html");
    assert_eq!(recipe.name, "Shakshuka");
    assert_eq!(recipe.serves, Some(3));
    assert_eq!(recipe.ingredients.len(), 5);
    assert_eq!(recipe.steps.len(), 3);
    assert_eq!(recipe.steps[0], "Soften the onion in the oil.");
    assert_ingredients_read(&recipe);
}

#[test]
fn a_numeric_yield_is_the_servings() {
    let recipe = import("numeric_yield.html");
    assert_eq!(recipe.name, "Red Lentil Soup");
    assert_eq!(
        (recipe.serves, recipe.yield_text.as_deref()),
        (Some(6), Some("6"))
    );
    assert_eq!(recipe.url, None);
    assert_eq!(
        recipe.steps,
        ["Simmer everything for 25 minutes.", "Blend until smooth."]
    );
    assert_ingredients_read(&recipe);
}

#[test]
fn a_text_yield_gives_its_first_number_and_entities_are_decoded() {
    let recipe = import("text_yield.html");
    assert_eq!(recipe.name, "Rice Pudding & Jam");
    assert_eq!(recipe.serves, Some(4));
    assert_eq!(recipe.yield_text.as_deref(), Some("Serves 4-6"));
    assert_eq!(recipe.ingredients[1], "1 ½ cups whole milk");
    assert_eq!(recipe.steps, ["Bake everything at 150°C for 2 hours."]);
    let read = parse_paste(&recipe.ingredients.join("\n")).unwrap();
    assert_eq!(read[1].quantity.map(|q| q.for_list()), Some(1.5));
    assert_eq!(read[2].quantity.map(|q| q.for_list()), Some(0.25));
}

#[test]
fn a_page_without_a_recipe_is_refused_with_the_message() {
    let error = from_html(&page("no_recipe.html")).unwrap_err();
    assert_eq!(error, ImportError::NoRecipe);
    assert_eq!(
        error.to_string(),
        "No recipe found on that page — paste the ingredients instead"
    );
    assert_eq!(
        from_pasted("just some words").unwrap_err(),
        ImportError::NoRecipe
    );
    assert_eq!(
        from_pasted(r#"{"@type": "Article"}"#).unwrap_err(),
        ImportError::NoRecipe
    );
}

#[test]
fn a_page_over_2_mb_is_refused_by_its_size() {
    let mut big = page("top_level.html");
    big.push_str(&" ".repeat(5 * 1024 * 1024));
    let error = from_html(&big).unwrap_err();
    assert!(matches!(error, ImportError::PageTooLarge { .. }));
    assert_eq!(
        error.to_string(),
        "The page is 5.0 MB; a page to import is at most 2 MB."
    );
    assert_eq!(from_pasted(&big).unwrap_err(), error);

    let mut at_limit = page("numeric_yield.html");
    at_limit.push_str(&" ".repeat(MAX_PAGE_BYTES - at_limit.len()));
    assert_eq!(from_html(&at_limit).unwrap().name, "Red Lentil Soup");
}

/// Pages built from the pieces JSON-LD blocks are made of, cut anywhere.
fn page_like() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        Just("<script type=\"application/ld+json\">".to_string()),
        Just("<SCRIPT type=application/ld+json>".to_string()),
        Just("</script>".to_string()),
        Just("<script".to_string()),
        Just(r#"{"@type": ["Recipe"], "recipeYield": "#.to_string()),
        Just(r#""@graph": [{"@type": "Recipe", "name": "x"}]"#.to_string()),
        Just(r#""recipeInstructions": [{"itemListElement": "#.to_string()),
        Just("/*<![CDATA[*/".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("&frac12;<p>".to_string()),
        any::<String>(),
    ];
    prop::collection::vec(piece, 0..16).prop_map(|pieces| pieces.concat())
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig {
        cases: 1000,
        failure_persistence: None,
        ..proptest::prelude::ProptestConfig::default()
    })]

    #[test]
    fn no_page_panics_the_import(page in page_like()) {
        match from_pasted(&page) {
            Ok(recipe) => proptest::prop_assert!(recipe.serves.is_none_or(|s| (1..=1000).contains(&s))),
            Err(error) => proptest::prop_assert_eq!(error, ImportError::NoRecipe),
        }
    }
}
