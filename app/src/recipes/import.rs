//! Importing a recipe from a page: the schema.org `Recipe` in its JSON-LD.
//!
//! Read: the Recipe at the top level, in an array, inside `@graph` or as `mainEntity`, with
//! `@type` a string or an array; `name`, `url`, `recipeYield` (a number, a text such as
//! "4 servings", or an array of them), `recipeIngredient` (or the older `ingredients`) and
//! `recipeInstructions` (a text, a list of texts or `HowToStep`s, or `HowToSection`s with their
//! `itemListElement`). Texts are cleaned: HTML entities decoded, tags dropped, spaces collapsed.
//! The ingredient lines come back as text, to be read by [`parse_paste`](super::parse_paste)
//! and confirmed by the person.

mod scan;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The largest page (or pasted HTML) read: 2 MB.
pub const MAX_PAGE_BYTES: usize = 2 * 1024 * 1024;
/// The most servings a yield is read as; larger yields are left for the person to fill in.
const MAX_SERVES: f64 = 1000.0;
/// How deep objects are searched for a Recipe and lists for steps.
const MAX_DEPTH: usize = 6;

/// A recipe as found on a page, before the person confirms it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImportedRecipe {
    pub name: String,
    pub url: Option<String>,
    /// Servings, when the yield names a number of them ("4 servings", 4, ["4", "4 servings"]).
    pub serves: Option<u32>,
    /// The yield as the page writes it.
    pub yield_text: Option<String>,
    pub ingredients: Vec<String>,
    /// Steps in order; a section's name is a step of its own before the section's steps.
    pub steps: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("No recipe found on that page — paste the ingredients instead")]
    NoRecipe,
    #[error("The page is {}; a page to import is at most 2 MB.", megabytes(*bytes))]
    PageTooLarge { bytes: usize },
}

fn megabytes(bytes: usize) -> String {
    // Display only: the bound itself is compared in bytes.
    #[allow(clippy::cast_precision_loss)]
    let megabytes = bytes as f64 / (1024.0 * 1024.0);
    format!("{megabytes:.1} MB")
}

/// A pasted page: its HTML, or its JSON-LD on its own.
pub fn from_pasted(text: &str) -> Result<ImportedRecipe, ImportError> {
    check_size(text)?;
    let trimmed = text.trim_start();
    if trimmed.starts_with(['{', '['])
        && let Ok(value) = serde_json::from_str::<Value>(trimmed)
    {
        return from_json_ld(&[value]);
    }
    from_html(text)
}

/// An HTML page: the Recipe in its `<script type="application/ld+json">` blocks.
pub fn from_html(html: &str) -> Result<ImportedRecipe, ImportError> {
    check_size(html)?;
    from_json_ld(&scan::json_ld_values(html))
}

/// The first Recipe among JSON-LD values.
pub fn from_json_ld(values: &[Value]) -> Result<ImportedRecipe, ImportError> {
    let recipe = values
        .iter()
        .find_map(|value| find_recipe(value, 0))
        .ok_or(ImportError::NoRecipe)?;
    let (serves, yield_text) = read_yield(recipe.get("recipeYield"));
    let ingredients = recipe
        .get("recipeIngredient")
        .or_else(|| recipe.get("ingredients"));
    let mut steps = Vec::new();
    if let Some(instructions) = recipe.get("recipeInstructions") {
        read_steps(instructions, 0, &mut steps);
    }
    Ok(ImportedRecipe {
        name: recipe.get("name").and_then(text).unwrap_or_default(),
        url: recipe.get("url").and_then(text),
        serves,
        yield_text,
        ingredients: ingredients.map(lines).unwrap_or_default(),
        steps,
    })
}

fn check_size(page: &str) -> Result<(), ImportError> {
    if page.len() > MAX_PAGE_BYTES {
        return Err(ImportError::PageTooLarge { bytes: page.len() });
    }
    Ok(())
}

fn find_recipe(value: &Value, depth: usize) -> Option<&Map<String, Value>> {
    if depth > MAX_DEPTH {
        return None;
    }
    match value {
        Value::Array(items) => items.iter().find_map(|item| find_recipe(item, depth + 1)),
        Value::Object(object) if is_recipe(object) => Some(object),
        Value::Object(object) => ["@graph", "mainEntity"]
            .iter()
            .filter_map(|key| object.get(*key))
            .find_map(|inner| find_recipe(inner, depth + 1)),
        _ => None,
    }
}

fn is_recipe(object: &Map<String, Value>) -> bool {
    let is_recipe_type = |value: &Value| {
        value.as_str().is_some_and(|name| {
            name == "Recipe" || name.ends_with("/Recipe") || name.ends_with(":Recipe")
        })
    };
    match object.get("@type") {
        Some(Value::Array(types)) => types.iter().any(is_recipe_type),
        Some(one) => is_recipe_type(one),
        None => false,
    }
}

/// Servings and the yield as written; an array gives its first number and its first text.
fn read_yield(value: Option<&Value>) -> (Option<u32>, Option<String>) {
    let items: Vec<&Value> = match value {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one) => vec![one],
        None => Vec::new(),
    };
    let serves = items.iter().find_map(|item| match item {
        Value::Number(number) => number.as_f64().and_then(servings),
        Value::String(text) => first_number(text).and_then(servings),
        _ => None,
    });
    let written = items.iter().find_map(|item| match item {
        Value::Number(number) => Some(number.to_string()),
        other => text(other),
    });
    (serves, written)
}

fn servings(value: f64) -> Option<u32> {
    // Bounded above, so the cast cannot overflow.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    (value.is_finite() && (1.0..=MAX_SERVES).contains(&value)).then(|| value.round() as u32)
}

/// The first run of digits in `text`: "Serves 4-6" is 4.
fn first_number(text: &str) -> Option<f64> {
    let start = text.find(|c: char| c.is_ascii_digit())?;
    let digits: String = text[start..]
        .chars()
        .take_while(char::is_ascii_digit)
        .take(7)
        .collect();
    digits.parse().ok()
}

/// A list of texts, or one text of several lines.
fn lines(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items.iter().filter_map(text).collect(),
        Value::String(block) => block.lines().filter_map(clean).collect(),
        _ => Vec::new(),
    }
}

fn read_steps(value: &Value, depth: usize, steps: &mut Vec<String>) {
    if depth > MAX_DEPTH {
        return;
    }
    match value {
        Value::String(block) => steps.extend(block.lines().filter_map(clean)),
        Value::Array(items) => {
            for item in items {
                read_steps(item, depth + 1, steps);
            }
        }
        Value::Object(object) => {
            if let Some(list) = object.get("itemListElement") {
                // A HowToSection (or an ItemList): its name heads its steps.
                steps.extend(object.get("name").and_then(text));
                read_steps(list, depth + 1, steps);
            } else {
                steps.extend(
                    object
                        .get("text")
                        .or_else(|| object.get("name"))
                        .and_then(text),
                );
            }
        }
        _ => {}
    }
}

/// A JSON text cleaned for reading; `None` when it is not a text or holds nothing.
fn text(value: &Value) -> Option<String> {
    value.as_str().and_then(clean)
}

/// Entities decoded, tags dropped, spaces collapsed.
fn clean(text: &str) -> Option<String> {
    let decoded = html_escape::decode_html_entities(text);
    let mut plain = String::with_capacity(decoded.len());
    let mut in_tag = false;
    for c in decoded.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                plain.push(' ');
            }
            c if !in_tag => plain.push(c),
            _ => {}
        }
    }
    let words: Vec<&str> = plain.split_whitespace().collect();
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn yields_read_as_numbers_texts_and_arrays() {
        let serves = |value: Value| read_yield(Some(&value));
        assert_eq!(serves(json!(4)), (Some(4), Some("4".into())));
        assert_eq!(
            serves(json!("4 servings")),
            (Some(4), Some("4 servings".into()))
        );
        assert_eq!(serves(json!("Serves 4-6")).0, Some(4));
        assert_eq!(
            serves(json!(["6", "6 portions"])),
            (Some(6), Some("6".into()))
        );
        assert_eq!(
            serves(json!("a dozen cookies")),
            (None, Some("a dozen cookies".into()))
        );
        assert_eq!(serves(json!(0)).0, None);
        assert_eq!(serves(json!(1e308)).0, None);
        assert_eq!(serves(json!("99999999999999 servings")).0, None);
    }

    #[test]
    fn instructions_read_as_text_steps_and_sections() {
        let read = |value: Value| {
            let mut steps = Vec::new();
            read_steps(&value, 0, &mut steps);
            steps
        };
        assert_eq!(
            read(json!("Boil.\n\nServe &amp; eat.")),
            ["Boil.", "Serve & eat."]
        );
        assert_eq!(
            read(json!([{"@type": "HowToStep", "text": "<p>Chop  onions</p>"}, "Fry."])),
            ["Chop onions", "Fry."]
        );
        let sections = json!([{
            "@type": "HowToSection", "name": "Sauce",
            "itemListElement": [{"@type": "HowToStep", "text": "Stir."}]
        }]);
        assert_eq!(read(sections), ["Sauce", "Stir."]);
    }

    #[test]
    fn a_pasted_json_ld_block_imports_too() {
        let pasted = r#" {"@context": "https://schema.org", "@type": "Recipe", "name": "Dal",
            "recipeIngredient": ["200 g red lentils", " "]} "#;
        let recipe = from_pasted(pasted).unwrap();
        assert_eq!(recipe.name, "Dal");
        assert_eq!(recipe.ingredients, ["200 g red lentils"]);
    }

    #[test]
    fn the_size_message_names_the_size() {
        let error = ImportError::PageTooLarge {
            bytes: 5 * 1024 * 1024,
        };
        assert_eq!(
            error.to_string(),
            "The page is 5.0 MB; a page to import is at most 2 MB."
        );
    }
}
