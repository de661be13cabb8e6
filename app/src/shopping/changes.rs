//! The changes a phone sends to a list, read and checked: each carries an operation id the phone
//! chose, so that sending it again (after the connection came back) changes nothing.

use serde::{Deserialize, Serialize};

use crate::{
    error::{AppError, Field},
    names,
    recipes::{Ingredient, parse_line},
};

/// The aisles a household's lists start with, in a typical store's order; "Other" stays last.
pub const DEFAULT_AISLES: [&str; 12] = [
    "Produce",
    "Bakery",
    "Meat & fish",
    "Dairy & eggs",
    "Dry goods",
    "Tins & jars",
    "Spices & baking",
    "Frozen",
    "Drinks",
    "Snacks",
    "Household",
    "Other",
];
/// The longest aisle name, in characters.
pub const MAX_AISLE_CHARS: usize = 40;

/// An operation id: 8 to 64 characters of letters, digits and `-` (a UUID from the phone).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpId(String);

impl OpId {
    pub fn parse(text: &str) -> Result<Self, AppError> {
        let ok = (8..=64).contains(&text.len())
            && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(AppError::BadRequest)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A line's state as a phone sets it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum CheckState {
    /// Checked, up to the amount `seen` (canonical unit; what the phone showed), or all of it
    /// for a line without an amount.
    Checked {
        op: OpId,
        seen: Option<f64>,
    },
    Unchecked {
        op: OpId,
    },
}

impl CheckState {
    /// `state` is `checked` or `unchecked`, as the form's button says; `seen` the amount the
    /// line showed ([`super::LineView::seen`]).
    pub fn parse(op: &str, state: &str, seen: &str) -> Result<Self, AppError> {
        let op = OpId::parse(op)?;
        match state {
            "checked" => {
                let seen = match seen.trim() {
                    "" => None,
                    amount => Some(
                        amount
                            .parse::<f64>()
                            .ok()
                            .filter(|a| a.is_finite() && *a >= 0.0)
                            .ok_or(AppError::BadRequest)?,
                    ),
                };
                Ok(Self::Checked { op, seen })
            }
            "unchecked" => Ok(Self::Unchecked { op }),
            _ => Err(AppError::BadRequest),
        }
    }

    pub fn op(&self) -> &OpId {
        match self {
            Self::Checked { op, .. } | Self::Unchecked { op } => op,
        }
    }
}

/// An item a member adds by hand ("2 l milk"), read like an ingredient line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewItem {
    pub op: OpId,
    pub line: Ingredient,
}

impl NewItem {
    pub fn parse(op: &str, item: &str) -> Result<Self, AppError> {
        let op = OpId::parse(op)?;
        let text = item.trim();
        if text.is_empty() {
            return Err(AppError::invalid(
                Field::Item,
                "Write what to add, such as “2 l milk”.",
            ));
        }
        names::check(text, Field::Item)?;
        let line =
            parse_line(text).map_err(|error| AppError::invalid(Field::Item, error.to_string()))?;
        Ok(Self { op, line })
    }
}

/// An aisle's new name: 1 to [`MAX_AISLE_CHARS`] characters.
pub fn aisle_name(name: &str) -> Result<String, AppError> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > MAX_AISLE_CHARS {
        return Err(AppError::invalid(
            Field::AisleName,
            format!("An aisle's name is 1 to {MAX_AISLE_CHARS} characters."),
        ));
    }
    names::check(name, Field::AisleName)?;
    Ok(name.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_check_is_a_state_with_the_revision_seen_never_a_toggle() {
        let op = "0190a3c1-aaaa-7bbb-8ccc-123456789abc";
        assert_eq!(
            CheckState::parse(op, "checked", "400").unwrap(),
            CheckState::Checked {
                op: OpId::parse(op).unwrap(),
                seen: Some(400.0)
            }
        );
        assert!(matches!(
            CheckState::parse(op, "unchecked", "").unwrap(),
            CheckState::Unchecked { .. }
        ));
        assert_eq!(
            CheckState::parse(op, "toggle", "3"),
            Err(AppError::BadRequest)
        );
        assert_eq!(
            CheckState::parse(op, "checked", "NaN"),
            Err(AppError::BadRequest)
        );
        assert_eq!(
            CheckState::parse(op, "checked", "-1"),
            Err(AppError::BadRequest)
        );
        assert_eq!(
            CheckState::parse("x", "checked", "3"),
            Err(AppError::BadRequest)
        );
        assert_eq!(
            CheckState::parse("'; drop table --", "checked", "3"),
            Err(AppError::BadRequest)
        );
    }

    #[test]
    fn an_item_is_read_like_an_ingredient_and_bad_ones_are_named() {
        let item = NewItem::parse("op-123456", "2 l milk").unwrap();
        assert_eq!(item.line.food, "milk");
        let field = |e: AppError| match e {
            AppError::Invalid { field, .. } => field,
            other => panic!("{other:?}"),
        };
        assert_eq!(
            field(NewItem::parse("op-123456", "  ").unwrap_err()),
            Field::Item
        );
        assert_eq!(
            field(NewItem::parse("op-123456", &"x".repeat(10_000)).unwrap_err()),
            Field::Item
        );
        assert_eq!(field(aisle_name("").unwrap_err()), Field::AisleName);
        assert_eq!(aisle_name(" Deli ").unwrap(), "Deli");
        assert_eq!(DEFAULT_AISLES.last(), Some(&"Other"));
    }
}
