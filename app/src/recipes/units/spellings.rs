//! How units are spelled in pasted lines: the spellings and plurals of each unit, and finding the
//! unit a text starts with.

use super::{Piece, Unit};

/// The spellings a pasted line may use, matched ignoring ASCII case unless listed in
/// [`CASE_SENSITIVE`]. Longer spellings are tried first, so "fl oz" wins over "fl".
const SPELLINGS: &[(&str, Unit)] = &[
    ("g", Unit::Gram),
    ("gr", Unit::Gram),
    ("gram", Unit::Gram),
    ("grams", Unit::Gram),
    ("gramme", Unit::Gram),
    ("grammes", Unit::Gram),
    ("kg", Unit::Kilogram),
    ("kgs", Unit::Kilogram),
    ("kilo", Unit::Kilogram),
    ("kilos", Unit::Kilogram),
    ("kilogram", Unit::Kilogram),
    ("kilograms", Unit::Kilogram),
    ("kilogramme", Unit::Kilogram),
    ("kilogrammes", Unit::Kilogram),
    ("oz", Unit::Ounce),
    ("ounce", Unit::Ounce),
    ("ounces", Unit::Ounce),
    ("lb", Unit::Pound),
    ("lbs", Unit::Pound),
    ("pound", Unit::Pound),
    ("pounds", Unit::Pound),
    ("ml", Unit::Millilitre),
    ("millilitre", Unit::Millilitre),
    ("millilitres", Unit::Millilitre),
    ("milliliter", Unit::Millilitre),
    ("milliliters", Unit::Millilitre),
    ("l", Unit::Litre),
    ("litre", Unit::Litre),
    ("litres", Unit::Litre),
    ("liter", Unit::Litre),
    ("liters", Unit::Litre),
    ("tsp", Unit::Teaspoon),
    ("tsps", Unit::Teaspoon),
    ("teaspoon", Unit::Teaspoon),
    ("teaspoons", Unit::Teaspoon),
    ("tbsp", Unit::Tablespoon),
    ("tbsps", Unit::Tablespoon),
    ("tbs", Unit::Tablespoon),
    ("tbl", Unit::Tablespoon),
    ("tablespoon", Unit::Tablespoon),
    ("tablespoons", Unit::Tablespoon),
    ("c", Unit::Cup),
    ("cup", Unit::Cup),
    ("cups", Unit::Cup),
    ("fl oz", Unit::FluidOunce),
    ("fl. oz", Unit::FluidOunce),
    ("fl.oz", Unit::FluidOunce),
    ("fluid ounce", Unit::FluidOunce),
    ("fluid ounces", Unit::FluidOunce),
    ("can", Unit::Piece(Piece::Can)),
    ("cans", Unit::Piece(Piece::Can)),
    ("tin", Unit::Piece(Piece::Can)),
    ("tins", Unit::Piece(Piece::Can)),
    ("clove", Unit::Piece(Piece::Clove)),
    ("cloves", Unit::Piece(Piece::Clove)),
    ("bunch", Unit::Piece(Piece::Bunch)),
    ("bunches", Unit::Piece(Piece::Bunch)),
    ("head", Unit::Piece(Piece::Head)),
    ("heads", Unit::Piece(Piece::Head)),
    ("slice", Unit::Piece(Piece::Slice)),
    ("slices", Unit::Piece(Piece::Slice)),
    ("stick", Unit::Piece(Piece::Stick)),
    ("sticks", Unit::Piece(Piece::Stick)),
    ("sprig", Unit::Piece(Piece::Sprig)),
    ("sprigs", Unit::Piece(Piece::Sprig)),
    ("jar", Unit::Piece(Piece::Jar)),
    ("jars", Unit::Piece(Piece::Jar)),
    ("packet", Unit::Piece(Piece::Packet)),
    ("packets", Unit::Piece(Piece::Packet)),
    ("package", Unit::Piece(Piece::Packet)),
    ("packages", Unit::Piece(Piece::Packet)),
    ("handful", Unit::Piece(Piece::Handful)),
    ("handfuls", Unit::Piece(Piece::Handful)),
    ("stalk", Unit::Piece(Piece::Stalk)),
    ("stalks", Unit::Piece(Piece::Stalk)),
    ("pinch", Unit::Piece(Piece::Pinch)),
    ("pinches", Unit::Piece(Piece::Pinch)),
];

/// American cookbook shorthand where case decides: "1 T butter" is a tablespoon, "1 t" a teaspoon.
const CASE_SENSITIVE: &[(&str, Unit)] = &[("T", Unit::Tablespoon), ("t", Unit::Teaspoon)];

/// The unit spelled at the start of `text` and the bytes it takes, including a trailing full
/// stop ("tsp."). The spelling must end where a word ends: "g" in "garlic" is no gram.
pub fn match_unit(text: &str) -> Option<(Unit, usize)> {
    let insensitive = SPELLINGS.iter().filter(|(spelling, _)| {
        text.get(..spelling.len())
            .is_some_and(|start| start.eq_ignore_ascii_case(spelling))
    });
    let sensitive = CASE_SENSITIVE
        .iter()
        .filter(|(spelling, _)| text.starts_with(spelling));
    let (spelling, unit) = insensitive
        .chain(sensitive)
        .filter(|(spelling, _)| ends_word(&text[spelling.len()..]))
        .max_by_key(|(spelling, _)| spelling.len())?;
    let mut length = spelling.len();
    if text[length..].starts_with('.') {
        length += 1;
    }
    Some((*unit, length))
}

/// A unit is followed by a space, a number ("100g/3.5oz"), punctuation that ends it, or nothing;
/// "T-bone" is no tablespoon.
fn ends_word(rest: &str) -> bool {
    rest.chars()
        .next()
        .is_none_or(|c| c.is_whitespace() || c.is_ascii_digit() || ".,;:/()".contains(c))
}
