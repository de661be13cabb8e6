//! A recipe as the person posts it (serves, source link, pasted ingredient lines, steps), read
//! into what is stored; and where an import comes from. Each refusal names its field.

use serde::{Deserialize, Serialize};

use super::{Ingredient, import::MAX_PAGE_BYTES, parse_paste};
use crate::{
    error::{AppError, Field},
    plans::DishDetails,
};

/// The most servings a recipe may say it makes.
pub const MAX_SERVES: u32 = 100;
/// The longest method (free text) kept with a recipe, in characters.
pub const MAX_STEPS_CHARS: usize = 20_000;

/// A recipe, checked and ready to store.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Recipe {
    /// `None`: not said (the list then uses the recipe's amounts as written).
    pub serves: Option<u32>,
    pub link: Option<String>,
    pub ingredients: Vec<Ingredient>,
    pub steps: Option<String>,
}

impl Recipe {
    /// Reads the posted form. The ingredient lines are read one per line (blank lines dropped);
    /// a line that does not parse is kept as written.
    pub fn parse(
        serves: &str,
        link: &str,
        ingredients: &str,
        steps: &str,
    ) -> Result<Self, AppError> {
        let serves = parse_serves(serves)?;
        let link = DishDetails::parse("", link)?.link;
        let ingredients = parse_paste(ingredients)
            .map_err(|error| AppError::invalid(Field::Ingredients, error.to_string()))?;
        let steps = steps.trim();
        if steps.chars().count() > MAX_STEPS_CHARS {
            return Err(AppError::invalid(
                Field::Steps,
                format!("Keep the method to {MAX_STEPS_CHARS} characters."),
            ));
        }
        Ok(Self {
            serves,
            link,
            ingredients,
            steps: (!steps.is_empty()).then(|| steps.to_owned()),
        })
    }

    /// The ingredient lines as the person wrote them, one per line: what the edit form shows.
    pub fn ingredients_text(&self) -> String {
        self.ingredients
            .iter()
            .map(|line| line.raw.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn parse_serves(serves: &str) -> Result<Option<u32>, AppError> {
    let serves = serves.trim();
    if serves.is_empty() {
        return Ok(None);
    }
    match serves.parse::<u32>() {
        Ok(n) if (1..=MAX_SERVES).contains(&n) => Ok(Some(n)),
        _ => Err(AppError::invalid(
            Field::Serves,
            format!("Serves is a whole number from 1 to {MAX_SERVES}."),
        )),
    }
}

/// Where an imported recipe comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportSource {
    /// A page's address, fetched by the server (where it can reach the internet).
    Address(String),
    /// A page's HTML, or its JSON-LD, pasted.
    Pasted(String),
}

impl ImportSource {
    /// One line starting with `https://` or `http://` is an address; anything else is a page.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(AppError::invalid(
                Field::RecipeSource,
                "Paste a recipe page's address, its HTML or its JSON-LD.",
            ));
        }
        if trimmed.len() > MAX_PAGE_BYTES {
            return Err(AppError::invalid(
                Field::RecipeSource,
                super::import::ImportError::PageTooLarge {
                    bytes: trimmed.len(),
                }
                .to_string(),
            ));
        }
        let is_address = (trimmed.starts_with("https://") || trimmed.starts_with("http://"))
            && !trimmed.contains(char::is_whitespace);
        if is_address {
            let link = DishDetails::parse("", trimmed)
                .map_err(|e| AppError::invalid(Field::RecipeSource, e.to_string()))?
                .link
                .unwrap_or_default();
            return Ok(Self::Address(link));
        }
        Ok(Self::Pasted(trimmed.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recipe_form_is_read_and_every_line_is_kept() {
        let recipe = Recipe::parse(
            " 4 ",
            "https://example.com/curry",
            "400 g rice\n\n2–3 cloves garlic, crushed\nsalt to taste\n",
            "Cook the rice.",
        )
        .unwrap();
        assert_eq!(recipe.serves, Some(4));
        assert_eq!(recipe.ingredients.len(), 3);
        assert_eq!(
            recipe.ingredients_text(),
            "400 g rice\n2–3 cloves garlic, crushed\nsalt to taste"
        );
        assert_eq!(recipe.steps.as_deref(), Some("Cook the rice."));
    }

    #[test]
    fn each_bad_field_is_named() {
        let field = |e: AppError| match e {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(Recipe::parse("0", "", "", "").unwrap_err()),
            Field::Serves
        );
        assert_eq!(
            field(Recipe::parse("lots", "", "", "").unwrap_err()),
            Field::Serves
        );
        assert_eq!(
            field(Recipe::parse("", "ftp://x", "", "").unwrap_err()),
            Field::DishLink
        );
        let long_line = "x".repeat(10_000);
        assert_eq!(
            field(Recipe::parse("", "", &long_line, "").unwrap_err()),
            Field::Ingredients
        );
        let many = "1 egg\n".repeat(1_000);
        assert_eq!(
            field(Recipe::parse("", "", &many, "").unwrap_err()),
            Field::Ingredients
        );
        assert_eq!(
            field(Recipe::parse("", "", "1e308 g rice", "").unwrap_err()),
            Field::Ingredients
        );
        let steps = "s".repeat(MAX_STEPS_CHARS + 1);
        assert_eq!(
            field(Recipe::parse("", "", "", &steps).unwrap_err()),
            Field::Steps
        );
    }

    #[test]
    fn an_address_is_one_web_address_and_anything_else_is_a_page() {
        assert_eq!(
            ImportSource::parse(" https://example.com/r ").unwrap(),
            ImportSource::Address("https://example.com/r".into())
        );
        assert!(matches!(
            ImportSource::parse("<html><script type=\"application/ld+json\">{}</script>").unwrap(),
            ImportSource::Pasted(_)
        ));
        let huge = "x".repeat(MAX_PAGE_BYTES + 1);
        let error = ImportSource::parse(&huge).unwrap_err();
        assert!(error.to_string().contains("MB"), "{error}");
        assert!(ImportSource::parse("   ").is_err());
    }
}
