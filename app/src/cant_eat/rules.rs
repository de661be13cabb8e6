//! Which of a meal's options someone eating it can't eat (docs/cant_eat.md): pure, so the close
//! and the ballot page rule out exactly the same options. A dish is ruled out by one of its
//! ingredients' foods or by itself; the eligibility rules ([`crate::plans::eligibility`]) take
//! the ruled-out options as their vetoes.

use std::collections::BTreeSet;

use crate::{ids::OptionId, recipes::Ingredient, shopping::food_key};

/// One entry of a "can't eat" list, as the close and the ballot page read it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Entry {
    /// A food, by its key (lowercase, spaces collapsed).
    Food(String),
    /// A dish, by its id.
    Dish(String),
}

/// One option of a meal: its dish and the foods of the dish's ingredients.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionDish {
    pub option: OptionId,
    pub dish: String,
    /// The foods of the dish's ingredient lines, as written.
    pub foods: Vec<String>,
}

impl OptionDish {
    /// The option with its dish's stored ingredient lines (`dishes.ingredients`, JSON); lines
    /// that do not read count as none (the recipe page refuses to show them either).
    pub fn from_stored(option: OptionId, dish: String, ingredients: Option<&str>) -> Self {
        let foods = ingredients
            .and_then(|json| serde_json::from_str::<Vec<Ingredient>>(json).ok())
            .unwrap_or_default()
            .into_iter()
            .map(|ingredient| ingredient.food)
            .collect();
        Self {
            option,
            dish,
            foods,
        }
    }
}

/// Whether an ingredient of food `ingredient` is food `food` (a key): the ingredient's words hold
/// the food's words in a row, each word as written or with a plural `s`/`es`. "Roasted peanuts"
/// and "peanut butter" are peanut; "eggplant" is not egg, nor "peanut" nut. Erring towards
/// "can't eat" is the safe side for an allergy.
pub fn is_food(ingredient: &str, food: &str) -> bool {
    let words: Vec<String> = food_key(ingredient)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_owned)
        .collect();
    let wanted: Vec<&str> = food
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .collect();
    if wanted.is_empty() || wanted.len() > words.len() {
        return false;
    }
    let same = |word: &str, wanted: &str| {
        word == wanted
            || word.strip_suffix('s') == Some(wanted)
            || word.strip_suffix("es") == Some(wanted)
    };
    words.windows(wanted.len()).any(|window| {
        window
            .iter()
            .zip(&wanted)
            .all(|(word, wanted)| same(word, wanted))
    })
}

/// The options `entries` rule out: a dish on the list, or a dish with an ingredient of a food on
/// it ([`is_food`]).
pub fn ruled_out<'a>(
    options: &[OptionDish],
    entries: impl IntoIterator<Item = &'a Entry> + Clone,
) -> BTreeSet<OptionId> {
    options
        .iter()
        .filter(|option| {
            entries.clone().into_iter().any(|entry| match entry {
                Entry::Dish(dish) => *dish == option.dish,
                Entry::Food(food) => option.foods.iter().any(|f| is_food(f, food)),
            })
        })
        .map(|option| option.option.clone())
        .collect()
}

/// What everyone is told about options ruled out for someone eating a meal: how many, never
/// whose or why. `None` when none was.
pub fn ruled_out_sentence(count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 option was ruled out for someone eating this meal.".to_owned()),
        n => Some(format!(
            "{n} options were ruled out for someone eating this meal."
        )),
    }
}

/// What an open meal's preview says: [`ruled_out_sentence`], and when that is every one of its
/// `options`, that it will close without a winner unless something changes.
pub fn preview_note(ruled_out: usize, options: usize) -> Option<String> {
    let sentence = ruled_out_sentence(ruled_out)?;
    Some(if ruled_out >= options {
        format!(
            "{sentence} No option suits everyone eating it: unless that changes, it closes \
             without a winner."
        )
    } else {
        sentence
    })
}

/// A meal that closed with every option ruled out.
pub const NONE_SUITS: &str = "No option suits everyone eating this meal.";

/// What a member's own board says on an option they can't eat (their own list only).
pub const YOU_CANT_EAT: &str = "You can't eat this";

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: u8) -> OptionId {
        OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap()
    }

    fn dish(i: u8, foods: &[&str]) -> OptionDish {
        OptionDish {
            option: id(i),
            dish: format!("dish-{i}"),
            foods: foods.iter().map(|f| (*f).to_owned()).collect(),
        }
    }

    #[test]
    fn a_food_is_found_as_whole_words_and_plurals_but_not_inside_a_word() {
        assert!(is_food("Peanut", "peanut"));
        assert!(is_food("roasted  Peanuts", "peanut"));
        assert!(is_food("peanut butter", "peanut"));
        assert!(is_food("crushed tomatoes", "tomato"));
        assert!(is_food("Soy sauce", "soy sauce"));
        assert!(!is_food("eggplant", "egg"));
        assert!(!is_food("peanut", "nut"));
        assert!(!is_food("soy", "soy sauce"));
        assert!(!is_food("anything", ""));
    }

    #[test]
    fn a_dish_is_ruled_out_by_an_ingredient_or_by_itself() {
        let options = [
            dish(1, &["chicken", "peanut butter"]),
            dish(2, &["rice"]),
            dish(3, &[]),
        ];
        let entries = [Entry::Food("peanut".into()), Entry::Dish("dish-3".into())];
        assert_eq!(ruled_out(&options, &entries), [id(1), id(3)].into());
        assert!(ruled_out(&options, &[]).is_empty());
    }

    #[test]
    fn stored_ingredients_give_their_foods_and_unreadable_ones_none() {
        let json =
            r#"[{"quantity":null,"unit":null,"food":"peanuts","note":null,"raw":"peanuts"}]"#;
        let read = OptionDish::from_stored(id(1), "d".into(), Some(json));
        assert_eq!(read.foods, ["peanuts"]);
        assert!(
            OptionDish::from_stored(id(1), "d".into(), Some("{"))
                .foods
                .is_empty()
        );
    }

    #[test]
    fn others_hear_only_how_many_options_were_ruled_out() {
        assert_eq!(ruled_out_sentence(0), None);
        assert_eq!(
            ruled_out_sentence(1).unwrap(),
            "1 option was ruled out for someone eating this meal."
        );
        assert_eq!(
            ruled_out_sentence(3).unwrap(),
            "3 options were ruled out for someone eating this meal."
        );
        assert_eq!(preview_note(0, 3), None);
        assert_eq!(preview_note(1, 3), ruled_out_sentence(1));
        assert_eq!(
            preview_note(2, 2).unwrap(),
            "2 options were ruled out for someone eating this meal. No option suits everyone \
             eating it: unless that changes, it closes without a winner."
        );
    }
}
