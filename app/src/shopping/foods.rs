//! A household's synonymous foods: "scallion" is the same food as "spring onion". Lines merge
//! by [`food_key`], so a merged food's additions are renamed to the food it joins before they
//! merge; a merge names a food that is not itself merged (merging into a merged food resolves to
//! its target), so one look-up resolves any name.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::merge::{Addition, food_key};
use crate::{
    error::{AppError, Field},
    names,
    recipes::ingredient::MAX_LINE_CHARS,
};

/// The household's merged foods: each merged food's key, with the food it joins as written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SameFoods {
    targets: BTreeMap<String, String>,
}

impl SameFoods {
    /// From (merged food's key, the food it joins) pairs.
    pub fn new(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        Self {
            targets: pairs.into_iter().collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.targets.is_empty()
    }

    /// The food `food` is the same as, if it was merged.
    pub fn target(&self, food: &str) -> Option<&str> {
        self.targets.get(&food_key(food)).map(String::as_str)
    }

    /// The key lines of `food` merge by: its target's when it was merged.
    pub fn key(&self, food: &str) -> String {
        food_key(self.target(food).unwrap_or(food))
    }

    /// The additions with each merged food renamed to the food it joins, so that they merge
    /// with that food's lines.
    pub fn resolve(&self, additions: Vec<Addition>) -> Vec<Addition> {
        additions
            .into_iter()
            .map(|addition| match self.target(&addition.food) {
                Some(target) => Addition {
                    food: target.to_owned(),
                    ..addition
                },
                None => addition,
            })
            .collect()
    }
}

/// Why a merge was refused; nothing was changed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SameFoodProblem {
    /// Both names are the same food already ("Rice" and "rice ").
    Itself { food: String },
    /// `food` is merged into `into` already; merging it elsewhere needs an undo first.
    AlreadyMerged { food: String, into: String },
    /// `target` is merged into `food` already: the other way round would be a cycle.
    TheOtherWay { food: String, target: String },
}

impl SameFoodProblem {
    /// What the person is told.
    pub fn message(&self) -> String {
        match self {
            Self::Itself { food } => format!("“{food}” is that food already."),
            Self::AlreadyMerged { food, into } => format!(
                "“{food}” is already the same food as “{into}”. Undo that under “Same foods” to \
                 merge it with another."
            ),
            Self::TheOtherWay { food, target } => format!(
                "“{target}” is already the same food as “{food}”, so its lines join “{food}”'s. \
                 Undo that under “Same foods” to turn it round."
            ),
        }
    }
}

/// A merge as the list page shows it: "scallion is the same food as spring onion".
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SameFoodView {
    pub food: String,
    pub same_as: String,
}

/// A food named in a form: 1 to [`MAX_LINE_CHARS`] characters; the message names `what`.
pub fn food_name(text: &str, field: Field, what: &str) -> Result<String, AppError> {
    let food = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if food.is_empty() || food.chars().count() > MAX_LINE_CHARS {
        return Err(AppError::invalid(
            field,
            format!("Name {what} in 1 to {MAX_LINE_CHARS} characters."),
        ));
    }
    names::check(&food, field)?;
    Ok(food)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        recipes::parse_paste,
        shopping::{ShoppingList, additions_for_winner},
    };

    fn scallions() -> SameFoods {
        SameFoods::new([("scallion".to_owned(), "spring onion".to_owned())])
    }

    #[test]
    fn a_merged_foods_additions_join_the_line_of_the_food_it_is_the_same_as() {
        let lines =
            parse_paste("2 Scallions\n3 spring onion\n1 bunch scallion\n100 g scallion").unwrap();
        // "Scallions" is its own food (the app does not guess plurals): only "scallion" merges.
        let additions = additions_for_winner("Wed dinner", "Curry", &lines, 4, 4);
        let mut list = ShoppingList::default();
        list.add(scallions().resolve(additions));
        let texts: Vec<String> = list.lines.iter().map(ToString::to_string).collect();
        assert_eq!(
            texts,
            [
                "Scallions 2",
                "spring onion 3",
                "spring onion 1 bunch",
                "spring onion 100 g"
            ],
            "merged by compatible unit, never converted between families"
        );
    }

    #[test]
    fn a_name_resolves_in_one_look_up_whatever_its_spelling() {
        let foods = scallions();
        assert_eq!(foods.target(" Scallion "), Some("spring onion"));
        assert_eq!(foods.key("SCALLION"), "spring onion");
        assert_eq!(foods.key("leek"), "leek");
        assert_eq!(foods.target("spring onion"), None);
    }

    #[test]
    fn refusals_name_both_foods_and_how_to_go_on() {
        let cycle = SameFoodProblem::TheOtherWay {
            food: "spring onion".into(),
            target: "scallion".into(),
        };
        assert_eq!(
            cycle.message(),
            "“scallion” is already the same food as “spring onion”, so its lines join “spring \
             onion”'s. Undo that under “Same foods” to turn it round."
        );
        let again = SameFoodProblem::AlreadyMerged {
            food: "scallion".into(),
            into: "spring onion".into(),
        };
        assert!(again.message().contains("Undo that"));
    }

    #[test]
    fn a_food_name_is_trimmed_and_bounded() {
        assert_eq!(
            food_name("  spring   onion ", Field::SameAs, "the food").unwrap(),
            "spring onion"
        );
        for bad in ["", "   ", &"x".repeat(MAX_LINE_CHARS + 1)] {
            let error = food_name(bad, Field::SameAs, "the food").unwrap_err();
            assert!(error.for_field(Field::SameAs).is_some(), "{bad:?}");
        }
    }
}
