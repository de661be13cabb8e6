//! Units of measure: how a unit is spelled, which family it belongs to, and conversion within a
//! family.
//!
//! Three families: mass (g, kg, oz, lb), volume (ml, l, tsp, tbsp, cup, fl oz) and counts (no
//! unit, or a count-like unit such as "clove" or "can"). Amounts convert only within a family:
//! never between mass and volume (a cup of rice weighs what the rice weighs), and never between
//! different count-like units (a can is not a clove). US customary volumes are the US ones
//! (cup = 236.6 ml): the recipes people paste from the web are mostly American.
//!
//! An [`Amount`] is a sum in one family; how it is shown is its `Display`.

use std::fmt;

use serde::{Deserialize, Serialize};

mod amount;
mod spellings;
pub use amount::{Amount, format_number};
pub use spellings::match_unit;

/// A unit a quantity can be measured in. Stored and sent by its [`code`](Unit::code).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(into = "&'static str", try_from = "String")]
pub enum Unit {
    Gram,
    Kilogram,
    Ounce,
    Pound,
    Millilitre,
    Litre,
    Teaspoon,
    Tablespoon,
    Cup,
    FluidOunce,
    Piece(Piece),
}

/// A count-like unit: things bought or counted whole.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Piece {
    Can,
    Clove,
    Bunch,
    Head,
    Slice,
    Stick,
    Sprig,
    Jar,
    Packet,
    Handful,
    Stalk,
    Pinch,
}

/// What can be added up: amounts of one family convert into each other, others never do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Family {
    /// Canonical unit: the gram.
    Mass,
    /// Canonical unit: the millilitre.
    Volume,
    /// Counted things: without a unit ("3 eggs") or in one count-like unit ("2 cloves").
    #[serde(with = "piece_code")]
    Count(Option<Piece>),
}

/// The measuring system a unit belongs to; it decides how a sum is shown.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum System {
    Metric,
    UsCustomary,
}

impl Unit {
    /// Every unit, for tests and pickers.
    pub const ALL: [Unit; 22] = [
        Unit::Gram,
        Unit::Kilogram,
        Unit::Ounce,
        Unit::Pound,
        Unit::Millilitre,
        Unit::Litre,
        Unit::Teaspoon,
        Unit::Tablespoon,
        Unit::Cup,
        Unit::FluidOunce,
        Unit::Piece(Piece::Can),
        Unit::Piece(Piece::Clove),
        Unit::Piece(Piece::Bunch),
        Unit::Piece(Piece::Head),
        Unit::Piece(Piece::Slice),
        Unit::Piece(Piece::Stick),
        Unit::Piece(Piece::Sprig),
        Unit::Piece(Piece::Jar),
        Unit::Piece(Piece::Packet),
        Unit::Piece(Piece::Handful),
        Unit::Piece(Piece::Stalk),
        Unit::Piece(Piece::Pinch),
    ];

    /// The short, stable name a unit is stored and sent as: "g", "fl oz", "clove".
    pub fn code(self) -> &'static str {
        match self {
            Unit::Gram => "g",
            Unit::Kilogram => "kg",
            Unit::Ounce => "oz",
            Unit::Pound => "lb",
            Unit::Millilitre => "ml",
            Unit::Litre => "l",
            Unit::Teaspoon => "tsp",
            Unit::Tablespoon => "tbsp",
            Unit::Cup => "cup",
            Unit::FluidOunce => "fl oz",
            Unit::Piece(piece) => piece.singular(),
        }
    }

    /// The unit whose [`code`](Unit::code) is `code`.
    pub fn from_code(code: &str) -> Option<Unit> {
        Unit::ALL.into_iter().find(|unit| unit.code() == code)
    }

    /// The unit `text` spells, as a whole ("Tablespoons", "fl. oz", "kg").
    pub fn parse(text: &str) -> Option<Unit> {
        let text = text.trim().trim_end_matches('.');
        match_unit(text)
            .filter(|&(_, length)| length == text.len())
            .map(|(unit, _)| unit)
    }

    pub fn family(self) -> Family {
        match self {
            Unit::Gram | Unit::Kilogram | Unit::Ounce | Unit::Pound => Family::Mass,
            Unit::Piece(piece) => Family::Count(Some(piece)),
            _ => Family::Volume,
        }
    }

    pub fn system(self) -> System {
        match self {
            Unit::Ounce | Unit::Pound | Unit::Teaspoon | Unit::Tablespoon | Unit::Cup => {
                System::UsCustomary
            }
            Unit::FluidOunce => System::UsCustomary,
            _ => System::Metric,
        }
    }

    /// How many of the family's canonical unit (g, ml, or one piece) one of this unit is.
    pub fn in_canonical(self) -> f64 {
        match self {
            Unit::Gram | Unit::Millilitre | Unit::Piece(_) => 1.0,
            Unit::Kilogram | Unit::Litre => 1000.0,
            Unit::Ounce => 28.349_523_125,
            Unit::Pound => 453.592_37,
            Unit::Teaspoon => 4.928_921_593_75,
            Unit::Tablespoon => 14.786_764_781_25,
            Unit::Cup => 236.588_236_5,
            Unit::FluidOunce => 29.573_529_562_5,
        }
    }

    /// The name shown after a number: "g" and "tbsp" stay as they are; "cup", "can" and "clove"
    /// take a plural above one.
    pub fn label(self, plural: bool) -> &'static str {
        match (self, plural) {
            (Unit::Cup, true) => "cups",
            (Unit::Piece(piece), true) => piece.plural(),
            _ => self.code(),
        }
    }
}

impl Family {
    /// A short, stable name for storage and keys: "mass", "volume", "count", "count:clove".
    pub fn code(self) -> String {
        match self {
            Family::Mass => "mass".into(),
            Family::Volume => "volume".into(),
            Family::Count(None) => "count".into(),
            Family::Count(Some(piece)) => format!("count:{}", piece.singular()),
        }
    }

    /// The family whose [`code`](Family::code) is `code`.
    pub fn from_code(code: &str) -> Option<Family> {
        match code {
            "mass" => Some(Family::Mass),
            "volume" => Some(Family::Volume),
            "count" => Some(Family::Count(None)),
            _ => match Unit::from_code(code.strip_prefix("count:")?)? {
                Unit::Piece(piece) => Some(Family::Count(Some(piece))),
                _ => None,
            },
        }
    }
}

/// The family of an ingredient's unit: no unit means counted things ("3 eggs").
pub fn family_of(unit: Option<Unit>) -> Family {
    unit.map_or(Family::Count(None), Unit::family)
}

/// `value` in `from` expressed in `to`, or `None` when they are not of one family.
pub fn convert(value: f64, from: Unit, to: Unit) -> Option<f64> {
    (from.family() == to.family()).then(|| value * from.in_canonical() / to.in_canonical())
}

impl Piece {
    pub fn singular(self) -> &'static str {
        match self {
            Piece::Can => "can",
            Piece::Clove => "clove",
            Piece::Bunch => "bunch",
            Piece::Head => "head",
            Piece::Slice => "slice",
            Piece::Stick => "stick",
            Piece::Sprig => "sprig",
            Piece::Jar => "jar",
            Piece::Packet => "packet",
            Piece::Handful => "handful",
            Piece::Stalk => "stalk",
            Piece::Pinch => "pinch",
        }
    }

    pub fn plural(self) -> &'static str {
        match self {
            Piece::Bunch => "bunches",
            Piece::Pinch => "pinches",
            Piece::Can => "cans",
            Piece::Clove => "cloves",
            Piece::Head => "heads",
            Piece::Slice => "slices",
            Piece::Stick => "sticks",
            Piece::Sprig => "sprigs",
            Piece::Jar => "jars",
            Piece::Packet => "packets",
            Piece::Handful => "handfuls",
            Piece::Stalk => "stalks",
        }
    }
}

impl From<Unit> for &'static str {
    fn from(unit: Unit) -> Self {
        unit.code()
    }
}

impl TryFrom<String> for Unit {
    type Error = UnknownUnit;

    fn try_from(code: String) -> Result<Self, Self::Error> {
        Unit::from_code(&code).ok_or_else(|| UnknownUnit(code.chars().take(40).collect()))
    }
}

impl fmt::Display for Unit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A unit code that names no unit.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0:?} is not a unit this app knows")]
pub struct UnknownUnit(pub String);

/// A count family's piece as its unit code (`null` for plain counts), so stored lists read well.
mod piece_code {
    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    use super::{Piece, Unit};

    pub fn serialize<S: Serializer>(piece: &Option<Piece>, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_some(&piece.map(|piece| piece.singular()))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Piece>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(code) => match Unit::from_code(&code) {
                Some(Unit::Piece(piece)) => Ok(Some(piece)),
                _ => Err(D::Error::custom(format!(
                    "{code:?} is not a count-like unit"
                ))),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_and_plurals_name_their_unit() {
        for (text, unit) in [
            ("Tablespoons", Unit::Tablespoon),
            ("tsp.", Unit::Teaspoon),
            ("fl. oz", Unit::FluidOunce),
            ("FL OZ", Unit::FluidOunce),
            ("litre", Unit::Litre),
            ("liters", Unit::Litre),
            ("lbs", Unit::Pound),
            ("grams", Unit::Gram),
            ("cloves", Unit::Piece(Piece::Clove)),
            ("tins", Unit::Piece(Piece::Can)),
            ("T", Unit::Tablespoon),
            ("t", Unit::Teaspoon),
        ] {
            assert_eq!(Unit::parse(text), Some(unit), "{text}");
        }
        assert_eq!(Unit::parse("knobs"), None);
    }

    #[test]
    fn a_unit_ends_where_a_word_ends() {
        assert_eq!(match_unit("garlic"), None);
        assert_eq!(match_unit("g rice"), Some((Unit::Gram, 1)));
        assert_eq!(match_unit("cups of rice"), Some((Unit::Cup, 4)));
        assert_eq!(match_unit("fl oz cream"), Some((Unit::FluidOunce, 5)));
        assert_eq!(match_unit("oz. cheese"), Some((Unit::Ounce, 3)));
        assert_eq!(match_unit("lemons"), None);
        assert_eq!(match_unit("T-bone steaks"), None);
        assert_eq!(match_unit("g/3.5 oz"), Some((Unit::Gram, 1)));
    }

    #[test]
    fn conversion_stays_within_a_family() {
        assert_eq!(convert(1.5, Unit::Kilogram, Unit::Gram), Some(1500.0));
        assert_eq!(
            convert(3.0, Unit::Teaspoon, Unit::Tablespoon).map(|v| v.round()),
            Some(1.0)
        );
        assert_eq!(
            convert(16.0, Unit::Ounce, Unit::Pound).map(|v| v.round()),
            Some(1.0)
        );
        assert_eq!(convert(1.0, Unit::Cup, Unit::Gram), None);
        assert_eq!(convert(1.0, Unit::Kilogram, Unit::Litre), None);
        let (can, clove) = (Unit::Piece(Piece::Can), Unit::Piece(Piece::Clove));
        assert_eq!(convert(1.0, can, clove), None);
        assert_eq!(family_of(None), Family::Count(None));
    }

    #[test]
    fn every_code_reads_back_as_its_unit() {
        for unit in Unit::ALL {
            assert_eq!(Unit::from_code(unit.code()), Some(unit));
            assert_eq!(Unit::parse(unit.code()), Some(unit));
            let json = serde_json::to_string(&unit).unwrap();
            assert_eq!(serde_json::from_str::<Unit>(&json).unwrap(), unit);
        }
        assert!(serde_json::from_str::<Unit>("\"bushel\"").is_err());
        let family = Family::Count(Some(Piece::Clove));
        let json = serde_json::to_string(&family).unwrap();
        assert_eq!(json, r#"{"Count":"clove"}"#);
        assert_eq!(serde_json::from_str::<Family>(&json).unwrap(), family);
        let families = Unit::ALL.map(Unit::family);
        for family in families.into_iter().chain([Family::Count(None)]) {
            assert_eq!(Family::from_code(&family.code()), Some(family));
        }
        assert_eq!(Family::Count(Some(Piece::Can)).code(), "count:can");
        assert_eq!(Family::from_code("count:g"), None);
        assert_eq!(Family::from_code("weight"), None);
    }
}
