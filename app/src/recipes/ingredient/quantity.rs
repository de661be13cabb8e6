//! The quantity at the start of an ingredient line: whole numbers, decimals, fractions ("1/2",
//! "1 1/2", "1½", "½", "1⁄2"), number words ("two") and ranges ("2–3", "2-3", "2 to 3").

use std::fmt;

use serde::{Deserialize, Serialize};

use super::IngredientError;
use crate::recipes::units::{Unit, format_number};

/// The largest quantity a line may hold; larger ones (1e308, a run of nines) are refused.
pub const MAX_QUANTITY: f64 = 1e6;

/// How much of a food a line asks for: one number, or a range as written.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub enum Quantity {
    Exact(f64),
    Range { from: f64, to: f64 },
}

impl Quantity {
    /// What a shopping list buys: a range's upper bound, so that there is enough.
    pub fn for_list(self) -> f64 {
        match self {
            Quantity::Exact(value) => value,
            Quantity::Range { from, to } => from.max(to),
        }
    }

    /// As written next to `unit`: "1½", "2–3", "400".
    pub fn text(self, unit: Option<Unit>) -> String {
        match self {
            Quantity::Exact(value) => format_number(value, unit),
            Quantity::Range { from, to } => {
                format!("{}–{}", format_number(from, unit), format_number(to, unit))
            }
        }
    }
}

impl fmt::Display for Quantity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text(None))
    }
}

const VULGAR_FRACTIONS: [(char, f64); 18] = [
    ('½', 1.0 / 2.0),
    ('⅓', 1.0 / 3.0),
    ('⅔', 2.0 / 3.0),
    ('¼', 1.0 / 4.0),
    ('¾', 3.0 / 4.0),
    ('⅕', 1.0 / 5.0),
    ('⅖', 2.0 / 5.0),
    ('⅗', 3.0 / 5.0),
    ('⅘', 4.0 / 5.0),
    ('⅙', 1.0 / 6.0),
    ('⅚', 5.0 / 6.0),
    ('⅐', 1.0 / 7.0),
    ('⅛', 1.0 / 8.0),
    ('⅜', 3.0 / 8.0),
    ('⅝', 5.0 / 8.0),
    ('⅞', 7.0 / 8.0),
    ('⅑', 1.0 / 9.0),
    ('⅒', 1.0 / 10.0),
];

const NUMBER_WORDS: [&str; 12] = [
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
    "twelve",
];

/// The words and dashes between a range's two numbers.
const RANGE_SEPARATORS: [&str; 5] = ["-", "–", "—", "to ", "or "];

/// The quantity `text` starts with and the bytes it takes, or `None` when it starts with none.
pub(super) fn leading_quantity(text: &str) -> Result<Option<(Quantity, usize)>, IngredientError> {
    let Some((from, mut end)) = number(text)? else {
        return Ok(None);
    };
    let mut quantity = Quantity::Exact(from);
    let after = skip_spaces(text, end);
    if let Some(separator) = RANGE_SEPARATORS
        .iter()
        .find(|s| text[after..].starts_with(*s))
    {
        let start = skip_spaces(text, after + separator.len());
        if let Some((to, length)) = number(&text[start..])? {
            quantity = Quantity::Range { from, to };
            end = start + length;
        }
    }
    Ok(Some((quantity, end)))
}

/// One number at the start of `text`: its value and the bytes it takes.
fn number(text: &str) -> Result<Option<(f64, usize)>, IngredientError> {
    if let Some((value, length)) = vulgar(text) {
        return Ok(Some((value, length)));
    }
    if let Some(found) = number_word(text) {
        return Ok(Some(found));
    }
    let Some((whole, end)) = decimal(text)? else {
        return Ok(None);
    };
    if text[end..].starts_with(['/', '⁄']) {
        // "1/0" or "1/x" is no quantity: the line is kept as written.
        return Ok(slash_fraction(text, end)?.map(|(d, length)| (whole / d, end + length)));
    }
    if let Some((part, length)) = vulgar(&text[end..]) {
        return Ok(Some((whole + part, end + length)));
    }
    // A mixed number: "1 1/2", "1 ½" (only after a whole number).
    let gap = skip_spaces(text, end);
    if gap > end && whole.fract() == 0.0 {
        if let Some((part, length)) = vulgar(&text[gap..]) {
            return Ok(Some((whole + part, gap + length)));
        }
        if let Some((numerator, n_end)) = decimal(&text[gap..])?
            && let Some((denominator, d_length)) = slash_fraction(&text[gap..], n_end)?
        {
            return Ok(Some((
                whole + numerator / denominator,
                gap + n_end + d_length,
            )));
        }
    }
    Ok(Some((whole, end)))
}

/// The denominator after a slash ("/2", "⁄2") at `at`, when it is a positive whole number.
fn slash_fraction(text: &str, at: usize) -> Result<Option<(f64, usize)>, IngredientError> {
    let rest = &text[at..];
    let Some(slash) = rest.chars().next().filter(|c| *c == '/' || *c == '⁄') else {
        return Ok(None);
    };
    let digits = &rest[slash.len_utf8()..];
    let length = digits.bytes().take_while(u8::is_ascii_digit).count();
    if length == 0 {
        return Ok(None);
    }
    let denominator = checked(&digits[..length])?;
    Ok((denominator > 0.0).then_some((denominator, slash.len_utf8() + length)))
}

/// Digits, an optional decimal part and an optional exponent ("1e308" is read, to be refused).
fn decimal(text: &str) -> Result<Option<(f64, usize)>, IngredientError> {
    let bytes = text.as_bytes();
    let digits = |from: usize| {
        bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count()
    };
    let mut end = digits(0);
    if end == 0 {
        return Ok(None);
    }
    if bytes.get(end) == Some(&b'.') && digits(end + 1) > 0 {
        end += 1 + digits(end + 1);
    }
    if matches!(bytes.get(end), Some(b'e' | b'E')) {
        let sign = usize::from(matches!(bytes.get(end + 1), Some(b'+' | b'-')));
        let exponent = digits(end + 1 + sign);
        if exponent > 0 {
            end += 1 + sign + exponent;
        }
    }
    Ok(Some((checked(&text[..end])?, end)))
}

/// The value `written` spells, refused by name when it is not finite or above [`MAX_QUANTITY`].
fn checked(written: &str) -> Result<f64, IngredientError> {
    match written.parse::<f64>() {
        Ok(value) if value.is_finite() && value <= MAX_QUANTITY => Ok(value),
        _ => Err(IngredientError::QuantityTooLarge {
            written: shortened(written),
        }),
    }
}

fn shortened(written: &str) -> String {
    const SHOWN: usize = 24;
    if written.chars().count() <= SHOWN {
        written.to_string()
    } else {
        format!("{}…", written.chars().take(SHOWN).collect::<String>())
    }
}

fn vulgar(text: &str) -> Option<(f64, usize)> {
    let first = text.chars().next()?;
    VULGAR_FRACTIONS
        .iter()
        .find(|(glyph, _)| *glyph == first)
        .map(|&(glyph, value)| (value, glyph.len_utf8()))
}

fn number_word(text: &str) -> Option<(f64, usize)> {
    NUMBER_WORDS.iter().zip(1..).find_map(|(word, value)| {
        let start = text.get(..word.len())?;
        let ends = text[word.len()..].starts_with(char::is_whitespace);
        (start.eq_ignore_ascii_case(word) && ends).then_some((f64::from(value), word.len()))
    })
}

fn skip_spaces(text: &str, from: usize) -> usize {
    from + (text[from..].len() - text[from..].trim_start().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Option<(Quantity, usize)> {
        leading_quantity(text).unwrap()
    }

    #[test]
    fn numbers_fractions_and_mixed_numbers() {
        assert_eq!(read("3 eggs"), Some((Quantity::Exact(3.0), 1)));
        assert_eq!(read("0.5 kg"), Some((Quantity::Exact(0.5), 3)));
        assert_eq!(read("1/2 cup"), Some((Quantity::Exact(0.5), 3)));
        assert_eq!(read("1 1/2 cups"), Some((Quantity::Exact(1.5), 5)));
        assert_eq!(read("1½ cups"), Some((Quantity::Exact(1.5), 3)));
        assert_eq!(read("1 ½ cups"), Some((Quantity::Exact(1.5), 4)));
        assert_eq!(read("¾ cup"), Some((Quantity::Exact(0.75), 2)));
        assert_eq!(read("1⁄2 cup"), Some((Quantity::Exact(0.5), 5)));
        assert_eq!(read("two eggs"), Some((Quantity::Exact(2.0), 3)));
        assert_eq!(read("1.5 2 eggs"), Some((Quantity::Exact(1.5), 3)));
        assert_eq!(read("rice"), None);
        assert_eq!(read("1/0 cup"), None);
        assert_eq!(
            read("1/2-1 cup"),
            Some((Quantity::Range { from: 0.5, to: 1.0 }, 5))
        );
    }

    #[test]
    fn ranges_keep_both_ends_and_the_list_buys_the_upper() {
        let range = Quantity::Range { from: 2.0, to: 3.0 };
        for text in ["2–3 cloves", "2-3 cloves", "2 to 3 cloves", "2 - 3 cloves"] {
            let (quantity, end) = read(text).unwrap();
            assert_eq!(quantity, range, "{text}");
            assert_eq!(&text[end..], " cloves", "{text}");
        }
        assert_eq!(range.for_list(), 3.0);
        assert_eq!(range.to_string(), "2–3");
        assert_eq!(read("2 tomatoes"), Some((Quantity::Exact(2.0), 1)));
    }

    #[test]
    fn huge_quantities_are_refused_by_name() {
        for written in ["1e308", "1e400", "1000001", "99999999999999999999"] {
            let error = leading_quantity(&format!("{written} g rice")).unwrap_err();
            assert_eq!(
                error,
                IngredientError::QuantityTooLarge {
                    written: written.into()
                }
            );
            assert!(error.to_string().contains(written), "{error}");
        }
        assert_eq!(read("1000000 g"), Some((Quantity::Exact(1e6), 7)));
        assert_eq!(read("1e3 g"), Some((Quantity::Exact(1000.0), 3)));
    }
}
