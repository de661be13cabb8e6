//! One pasted ingredient line read into quantity, unit, food and note:
//! "2–3 cloves garlic, crushed" is 2–3 · clove · garlic · crushed.
//!
//! The reading, in order: a leading bullet is dropped; text in parentheses becomes a note
//! ("1 (400 g) can tomatoes"); a leading "a pinch of", "a dash of" … is a note with no quantity;
//! then a [quantity](Quantity), a [unit](Unit) and an optional "of"; a size word (small, medium,
//! large) is a note; what follows the first comma is a note, and so is a trailing "to taste" or
//! "as needed". A line that yields no food is kept as written: the whole line is the food, with
//! no quantity. Nothing is ever dropped, and [`Ingredient::raw`] is always the line as given.
//!
//! Hand-written rather than the `ingredient` crate: measured on `tests/data/ingredient_lines.json`
//! (docs/recipes.md, "Choosing the parser").

mod quantity;

use serde::{Deserialize, Serialize};

pub use quantity::{MAX_QUANTITY, Quantity};

use super::units::{Unit, match_unit};

/// The most characters an ingredient line may have.
pub const MAX_LINE_CHARS: usize = 500;
/// The most ingredient lines one paste (or one recipe) may have.
pub const MAX_LINES: usize = 200;

/// An ingredient line as read; `raw` is the line exactly as given.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Ingredient {
    pub quantity: Option<Quantity>,
    pub unit: Option<Unit>,
    pub food: String,
    pub note: Option<String>,
    pub raw: String,
}

/// Why a paste or a line cannot be read; each message names the problem.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IngredientError {
    #[error("An ingredient line holds at most {MAX_LINE_CHARS} characters; this one has {chars}.")]
    LineTooLong { chars: usize },
    #[error("A recipe holds at most {MAX_LINES} ingredient lines; this paste has {lines}.")]
    TooManyLines { lines: usize },
    #[error("The quantity {written} is too large: a quantity is at most 1,000,000.")]
    QuantityTooLarge { written: String },
    #[error("Line {number}: {problem}")]
    OnLine {
        number: usize,
        problem: Box<IngredientError>,
    },
}

/// Words that open a line with no quantity: "a pinch of salt" is salt, noted "a pinch".
const NO_QUANTITY_OPENINGS: [&str; 10] = [
    "a pinch",
    "pinch",
    "a dash",
    "dash",
    "a splash",
    "splash",
    "a drizzle",
    "drizzle",
    "a handful",
    "handful",
];

/// Sizes that describe a food rather than name it: "1 large onion" is an onion, noted "large".
const SIZES: [&str; 6] = [
    "extra-large",
    "extra large",
    "small",
    "medium",
    "large",
    "big",
];

/// Endings that are a note, not part of the food: "salt and pepper to taste".
const NOTE_ENDINGS: [&str; 3] = ["to taste", "as needed", "optional"];

/// Reads every non-blank line of a paste, refusing more than [`MAX_LINES`] lines.
pub fn parse_paste(text: &str) -> Result<Vec<Ingredient>, IngredientError> {
    let lines: Vec<(usize, &str)> = (1..)
        .zip(text.lines())
        .map(|(number, line)| (number, line.trim()))
        .filter(|(_, line)| !line.is_empty())
        .collect();
    if lines.len() > MAX_LINES {
        return Err(IngredientError::TooManyLines { lines: lines.len() });
    }
    lines
        .into_iter()
        .map(|(number, line)| {
            parse_line(line).map_err(|problem| IngredientError::OnLine {
                number,
                problem: Box::new(problem),
            })
        })
        .collect()
}

/// Reads one line. Refuses only a line over [`MAX_LINE_CHARS`] characters and a quantity over
/// [`MAX_QUANTITY`]; a line it cannot read is kept as written.
pub fn parse_line(line: &str) -> Result<Ingredient, IngredientError> {
    let chars = line.chars().count();
    if chars > MAX_LINE_CHARS {
        return Err(IngredientError::LineTooLong { chars });
    }
    let read = read(line)?;
    Ok(read.unwrap_or_else(|| Ingredient {
        quantity: None,
        unit: None,
        food: line.trim().to_string(),
        note: None,
        raw: line.to_string(),
    }))
}

fn read(line: &str) -> Result<Option<Ingredient>, IngredientError> {
    let mut notes = Vec::new();
    let text = without_parentheses(strip_bullet(line.trim()), &mut notes);
    let text = text.trim();
    let (quantity, unit, rest) = match opening(text, &mut notes) {
        Some(rest) => (None, None, rest),
        None => measure(text)?,
    };
    let rest = rest.trim_start();
    let rest = strip_word(rest, "of").unwrap_or(rest);
    let rest = match SIZES.iter().find_map(|size| strip_word(rest, size)) {
        Some(after) if quantity.is_some() => {
            notes.insert(0, rest[..rest.len() - after.len()].trim().to_string());
            after
        }
        _ => rest,
    };
    let (food, after_comma) = match rest.split_once(',') {
        Some((food, note)) => (food, Some(note.trim())),
        None => (rest, None),
    };
    let food = note_ending(food.trim(), &mut notes);
    notes.extend(after_comma.filter(|n| !n.is_empty()).map(str::to_string));
    let food = food.split_whitespace().collect::<Vec<_>>().join(" ");
    if food.is_empty() {
        return Ok(None);
    }
    let note = (!notes.is_empty()).then(|| notes.join(", "));
    Ok(Some(Ingredient {
        quantity,
        unit,
        food,
        note,
        raw: line.to_string(),
    }))
}

type Measured<'a> = (Option<Quantity>, Option<Unit>, &'a str);

/// The quantity and unit `text` opens with ("2 cups", "a can"), and the rest.
fn measure(text: &str) -> Result<Measured<'_>, IngredientError> {
    let (quantity, rest) = match quantity::leading_quantity(text)? {
        Some((quantity, end)) => (Some(quantity), &text[end..]),
        None => match ["a", "an"].iter().find_map(|word| strip_word(text, word)) {
            // "a can of tomatoes" is one can; "a little oil" stays as written.
            Some(after) if match_unit(after).is_some() => (Some(Quantity::Exact(1.0)), after),
            _ => return Ok((None, None, text)),
        },
    };
    let rest = rest.trim_start();
    match match_unit(rest) {
        Some((unit, length)) => Ok((quantity, Some(unit), &rest[length..])),
        None => Ok((quantity, None, rest)),
    }
}

/// The rest of `text` after an opening such as "a pinch of", which becomes a note.
fn opening<'a>(text: &'a str, notes: &mut Vec<String>) -> Option<&'a str> {
    NO_QUANTITY_OPENINGS.iter().find_map(|opening| {
        let rest = strip_word(text, opening)?;
        let rest = strip_word(rest, "of")?;
        notes.push(text[..opening.len()].to_string());
        Some(rest)
    })
}

/// `food` without a trailing "to taste" (or the like), which becomes a note.
fn note_ending<'a>(food: &'a str, notes: &mut Vec<String>) -> &'a str {
    for ending in NOTE_ENDINGS {
        let Some(start) = food.len().checked_sub(ending.len()) else {
            continue;
        };
        let tail = food
            .get(start..)
            .filter(|tail| tail.eq_ignore_ascii_case(ending));
        if tail.is_some() && (start == 0 || food[..start].ends_with(char::is_whitespace)) {
            notes.push(food[start..].to_string());
            return food[..start].trim_end();
        }
    }
    food
}

/// `text` after the whole word `word` (ignoring ASCII case) and the spaces after it.
fn strip_word<'a>(text: &'a str, word: &str) -> Option<&'a str> {
    let start = text.get(..word.len())?;
    let rest = &text[word.len()..];
    let ends = rest.is_empty() || rest.starts_with(char::is_whitespace);
    (start.eq_ignore_ascii_case(word) && ends).then(|| rest.trim_start())
}

/// A line copied from a web page often starts with a list bullet or a checkbox.
fn strip_bullet(line: &str) -> &str {
    match line.strip_prefix(['-', '*', '•', '·', '▢', '□', '☐']) {
        Some(rest) if rest.starts_with(char::is_whitespace) => rest.trim_start(),
        _ => line,
    }
}

/// `line` with each balanced "(…)" taken out into `notes`.
fn without_parentheses(line: &str, notes: &mut Vec<String>) -> String {
    let mut kept = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('(') {
        let Some(close) = rest[open..].find(')') else {
            break;
        };
        kept.push_str(&rest[..open]);
        kept.push(' ');
        let inside = rest[open + 1..open + close].trim();
        if !inside.is_empty() {
            notes.push(inside.to_string());
        }
        rest = &rest[open + close + 1..];
    }
    kept.push_str(rest);
    kept
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::units::Piece;

    fn line(text: &str) -> Ingredient {
        parse_line(text).unwrap()
    }

    #[test]
    fn pasted_examples_read_into_quantity_unit_food_and_note() {
        let rice = line("1½ cups rice");
        assert_eq!(
            (rice.quantity, rice.unit, rice.food.as_str()),
            (Some(Quantity::Exact(1.5)), Some(Unit::Cup), "rice")
        );
        let garlic = line("2–3 cloves garlic, crushed");
        assert_eq!(
            garlic.quantity,
            Some(Quantity::Range { from: 2.0, to: 3.0 })
        );
        assert_eq!(garlic.unit, Some(Unit::Piece(Piece::Clove)));
        assert_eq!(
            (garlic.food.as_str(), garlic.note.as_deref()),
            ("garlic", Some("crushed"))
        );
        let eggs = line("3 eggs");
        assert_eq!(
            (eggs.quantity, eggs.unit),
            (Some(Quantity::Exact(3.0)), None)
        );
        let salt = line("salt to taste");
        assert_eq!((salt.quantity, salt.food.as_str()), (None, "salt"));
        assert_eq!(salt.note.as_deref(), Some("to taste"));
    }

    #[test]
    fn an_unreadable_line_is_kept_as_written() {
        for text in [
            "400 g",
            "  ",
            "(optional)",
            "a pinch of",
            "Juice of 1 lemon",
            "1/0 cup x",
        ] {
            let read = line(text);
            assert_eq!(read.raw, text);
            assert!(
                text.contains(read.food.as_str()),
                "{text:?} lost into {read:?}"
            );
        }
        assert_eq!(line("400 g").food, "400 g");
        assert_eq!(line("400 g").quantity, None);
        let unknown = line("3 knobs butter");
        assert_eq!(
            (unknown.unit, unknown.food.as_str()),
            (None, "knobs butter")
        );
    }

    #[test]
    fn a_can_and_a_little_are_told_apart() {
        let can = line("a can of chickpeas");
        assert_eq!(
            (can.quantity, can.unit),
            (Some(Quantity::Exact(1.0)), Some(Unit::Piece(Piece::Can)))
        );
        assert_eq!(can.food, "chickpeas");
        let little = line("a little oil");
        assert_eq!(
            (little.quantity, little.food.as_str()),
            (None, "a little oil")
        );
    }

    #[test]
    fn bounds_are_refused_with_a_message_naming_them() {
        let long = "a".repeat(10_000);
        let error = parse_line(&long).unwrap_err();
        assert_eq!(error, IngredientError::LineTooLong { chars: 10_000 });
        assert_eq!(
            error.to_string(),
            "An ingredient line holds at most 500 characters; this one has 10000."
        );
        assert!(
            parse_line(&"é".repeat(500)).is_ok(),
            "500 characters (1000 bytes) fit"
        );

        let paste = "1 egg\n".repeat(1000);
        let error = parse_paste(&paste).unwrap_err();
        assert_eq!(
            error.to_string(),
            "A recipe holds at most 200 ingredient lines; this paste has 1000."
        );
        assert_eq!(parse_paste(&"1 egg\n\n".repeat(200)).unwrap().len(), 200);

        let error = parse_paste("3 eggs\n\n1e308 g rice").unwrap_err();
        assert_eq!(
            error.to_string(),
            "Line 3: The quantity 1e308 is too large: a quantity is at most 1,000,000."
        );
    }

    #[test]
    fn a_paste_keeps_every_non_blank_line_in_order() {
        let read = parse_paste("- 2 onions\r\n\n  ▢ 1 tsp salt  \n*not a bullet").unwrap();
        let raws: Vec<_> = read.iter().map(|i| i.raw.as_str()).collect();
        assert_eq!(raws, ["- 2 onions", "▢ 1 tsp salt", "*not a bullet"]);
        assert_eq!(read[0].food, "onions");
        assert_eq!(
            (read[1].unit, read[1].food.as_str()),
            (Some(Unit::Teaspoon), "salt")
        );
        assert_eq!(read[2].food, "*not a bullet");
    }
}
