//! Dish, meal and option names, each parsed once at the edge (and checked by `crate::names`).

use serde::{Deserialize, Serialize};

use crate::error::{AppError, Field};

pub const MAX_DISH_NAME_CHARS: usize = 60;
pub const MAX_DISH_NOTE_CHARS: usize = 200;
pub const MAX_MEAL_NAME_CHARS: usize = 24;
pub const MAX_MEALS: usize = 6;
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 20;
/// The meals a household plans until it names its own.
pub const DEFAULT_MEALS: [&str; 3] = ["breakfast", "lunch", "dinner"];

/// A dish's name, trimmed; dishes are told apart by [`DishName::key`], case-insensitively.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DishName(String);

impl DishName {
    pub fn parse(value: &str, field: Field) -> Result<Self, AppError> {
        let name = value.trim();
        if name.is_empty() {
            return Err(AppError::invalid(field, "Give the dish a name."));
        }
        crate::names::check(name, field)?;
        if name.chars().count() > MAX_DISH_NAME_CHARS {
            return Err(AppError::invalid(
                field,
                format!(
                    "“{name}” is too long: a dish name has at most {MAX_DISH_NAME_CHARS} characters."
                ),
            ));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as the library compares it: one dish per name, whatever its case.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

/// A dish's optional note and link, as entered in the dish library.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DishDetails {
    pub note: Option<String>,
    pub link: Option<String>,
}

impl DishDetails {
    pub fn parse(note: &str, link: &str) -> Result<Self, AppError> {
        let note = note.trim();
        if note.chars().count() > MAX_DISH_NOTE_CHARS {
            return Err(AppError::invalid(
                Field::DishNote,
                format!("Keep the note to {MAX_DISH_NOTE_CHARS} characters."),
            ));
        }
        let link = link.trim();
        if !link.is_empty()
            && (!(link.starts_with("https://") || link.starts_with("http://"))
                || link.len() > 500
                || link.chars().any(char::is_whitespace))
        {
            return Err(AppError::invalid(
                Field::DishLink,
                "A link must be a web address starting with https:// (or http://).",
            ));
        }
        Ok(Self {
            note: (!note.is_empty()).then(|| note.to_owned()),
            link: (!link.is_empty()).then(|| link.to_owned()),
        })
    }
}

/// The meals a household plans, in the order of a day: "breakfast, lunch, dinner" by default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MealNames(Vec<String>);

impl MealNames {
    /// Names separated by commas or line breaks; at least one, at most [`MAX_MEALS`], distinct.
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let mut names: Vec<String> = Vec::new();
        for name in text
            .split([',', '\n'])
            .map(str::trim)
            .filter(|n| !n.is_empty())
        {
            crate::names::check(name, Field::Meals)?;
            if name.chars().count() > MAX_MEAL_NAME_CHARS {
                return Err(AppError::invalid(
                    Field::Meals,
                    format!(
                        "“{name}” is too long: a meal name has at most {MAX_MEAL_NAME_CHARS} characters."
                    ),
                ));
            }
            if names
                .iter()
                .any(|n| n.to_lowercase() == name.to_lowercase())
            {
                return Err(AppError::invalid(
                    Field::Meals,
                    format!("“{name}” is listed twice."),
                ));
            }
            names.push(name.to_owned());
        }
        if names.is_empty() {
            return Err(AppError::invalid(
                Field::Meals,
                "Name at least one meal, such as dinner.",
            ));
        }
        if names.len() > MAX_MEALS {
            return Err(AppError::invalid(
                Field::Meals,
                format!("Name at most {MAX_MEALS} meals."),
            ));
        }
        Ok(Self(names))
    }

    /// The defaults, [`DEFAULT_MEALS`].
    pub fn defaults() -> Self {
        Self(DEFAULT_MEALS.iter().map(|m| (*m).to_owned()).collect())
    }

    /// As stored and as shown in a form: comma-separated.
    pub fn joined(&self) -> String {
        self.0.join(", ")
    }

    pub fn names(&self) -> &[String] {
        &self.0
    }
}

/// A slot's options, one dish name per line: [`MIN_OPTIONS`] to [`MAX_OPTIONS`], distinct.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionNames(Vec<DishName>);

impl OptionNames {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let mut dishes: Vec<DishName> = Vec::new();
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let dish = DishName::parse(line, Field::Options)?;
            if dishes.iter().any(|d| d.key() == dish.key()) {
                return Err(AppError::invalid(
                    Field::Options,
                    format!("“{}” is listed twice.", dish.as_str()),
                ));
            }
            dishes.push(dish);
        }
        if dishes.len() < MIN_OPTIONS {
            return Err(AppError::invalid(
                Field::Options,
                format!("Give at least {MIN_OPTIONS} options, one per line."),
            ));
        }
        if dishes.len() > MAX_OPTIONS {
            return Err(AppError::invalid(
                Field::Options,
                format!(
                    "Give at most {MAX_OPTIONS} options ({} were given).",
                    dishes.len()
                ),
            ));
        }
        Ok(Self(dishes))
    }

    pub fn dishes(&self) -> &[DishName] {
        &self.0
    }

    /// One dish alone: the option added to a meal before re-opening it.
    pub fn one(dish: DishName) -> Self {
        Self(vec![dish])
    }
}
