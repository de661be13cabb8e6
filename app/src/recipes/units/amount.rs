//! An amount of one family, kept in the family's canonical unit (g, ml, pieces), and the one rule
//! for showing it.
//!
//! Shown in the system it was written in: metric while any part of it was metric, US customary
//! when every part was. Metric switches to the larger unit at 1000 ("1.4 kg", "400 g", "1.5 l"),
//! with at most two decimals for kg and l, whole grams and millilitres from 10 up and one decimal
//! below. US mass is oz below a pound, then lb; US volume is tsp below a tablespoon, tbsp below a
//! quarter cup, then cups. US amounts and counts are shown as a whole and a common fraction
//! ("1½ cups", "¾ can") when one is within 0.02, otherwise with at most two decimals.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Family, System, Unit};

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Amount {
    pub family: Family,
    /// In the family's canonical unit: grams, millilitres or pieces.
    pub canonical: f64,
    pub system: System,
}

/// The fractions a US amount or a count is shown with, by their value.
const FRACTIONS: [(f64, &str); 11] = [
    (0.0, ""),
    (1.0 / 8.0, "⅛"),
    (0.25, "¼"),
    (1.0 / 3.0, "⅓"),
    (3.0 / 8.0, "⅜"),
    (0.5, "½"),
    (5.0 / 8.0, "⅝"),
    (2.0 / 3.0, "⅔"),
    (0.75, "¾"),
    (7.0 / 8.0, "⅞"),
    (1.0, ""),
];

impl Amount {
    /// `value` of `unit`; no unit means a plain count.
    pub fn new(value: f64, unit: Option<Unit>) -> Amount {
        match unit {
            Some(unit) => Amount {
                family: unit.family(),
                canonical: value * unit.in_canonical(),
                system: unit.system(),
            },
            None => Amount {
                family: Family::Count(None),
                canonical: value,
                system: System::Metric,
            },
        }
    }

    /// The sum of two amounts of one family; `None` for different families (never converts
    /// mass into volume, nor cans into cloves).
    pub fn plus(self, other: Amount) -> Option<Amount> {
        (self.family == other.family).then(|| Amount {
            family: self.family,
            canonical: self.canonical + other.canonical,
            system: if self.system == other.system {
                self.system
            } else {
                System::Metric
            },
        })
    }

    pub fn scaled(self, factor: f64) -> Amount {
        Amount {
            canonical: self.canonical * factor,
            ..self
        }
    }

    /// The number and unit this amount is shown in.
    pub fn shown(self) -> (f64, Option<Unit>) {
        let value = self.canonical;
        let unit = match (self.family, self.system) {
            (Family::Count(piece), _) => return (value, piece.map(Unit::Piece)),
            (Family::Mass, System::Metric) => larger_from_1000(value, Unit::Gram, Unit::Kilogram),
            (Family::Volume, System::Metric) => {
                larger_from_1000(value, Unit::Millilitre, Unit::Litre)
            }
            (Family::Mass, System::UsCustomary) if value < Unit::Pound.in_canonical() => {
                Unit::Ounce
            }
            (Family::Mass, System::UsCustomary) => Unit::Pound,
            (Family::Volume, System::UsCustomary) => us_volume_unit(value),
        };
        (value / unit.in_canonical(), Some(unit))
    }
}

fn larger_from_1000(value: f64, small: Unit, large: Unit) -> Unit {
    // 999.6 g would round to "1000 g": it is shown as "1 kg".
    if value >= 999.5 { large } else { small }
}

fn us_volume_unit(millilitres: f64) -> Unit {
    // A little slack, so that 3 tsp (a tablespoon, give or take float rounding) reads "1 tbsp".
    let slack = 0.999;
    if millilitres < Unit::Tablespoon.in_canonical() * slack {
        Unit::Teaspoon
    } else if millilitres < Unit::Cup.in_canonical() / 4.0 * slack {
        Unit::Tablespoon
    } else {
        Unit::Cup
    }
}

/// `value` as shown with `unit`: "400", "1.4", "2.5", "1½", "0.05".
pub fn format_number(value: f64, unit: Option<Unit>) -> String {
    let value = if value.is_finite() {
        value.max(0.0)
    } else {
        0.0
    };
    match unit {
        Some(Unit::Gram | Unit::Millilitre) if value >= 10.0 => decimals(value, 0),
        Some(Unit::Gram | Unit::Millilitre) => decimals(value, 1),
        Some(Unit::Kilogram | Unit::Litre) => decimals(value, 2),
        _ => fraction(value),
    }
}

/// At most `places` decimals, without trailing zeros: no float noise such as 1.4000000001.
fn decimals(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

fn fraction(value: f64) -> String {
    let whole = value.floor();
    let (part, glyph) = FRACTIONS
        .iter()
        .copied()
        .min_by(|a, b| {
            (value - whole - a.0)
                .abs()
                .total_cmp(&(value - whole - b.0).abs())
        })
        .unwrap_or((0.0, ""));
    if (value - whole - part).abs() > 0.02 {
        return decimals(value, 2);
    }
    let whole = if part == 1.0 { whole + 1.0 } else { whole };
    match (whole == 0.0, glyph.is_empty()) {
        (true, false) => glyph.to_string(),
        (_, true) => decimals(whole, 0),
        (false, false) => format!("{}{glyph}", decimals(whole, 0)),
    }
}

impl fmt::Display for Amount {
    /// "1.4 kg", "1½ cups", "3 cloves", "3" (a plain count).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (value, unit) = self.shown();
        let number = format_number(value, unit);
        match unit {
            None => f.write_str(&number),
            Some(unit) => write!(f, "{number} {}", unit.label(value > 1.02)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recipes::units::Piece;

    fn shown(value: f64, unit: Option<Unit>) -> String {
        Amount::new(value, unit).to_string()
    }

    #[test]
    fn metric_switches_to_the_larger_unit_at_1000() {
        assert_eq!(shown(400.0, Some(Unit::Gram)), "400 g");
        assert_eq!(shown(1400.0, Some(Unit::Gram)), "1.4 kg");
        assert_eq!(shown(0.5, Some(Unit::Kilogram)), "500 g");
        assert_eq!(shown(999.7, Some(Unit::Gram)), "1 kg");
        assert_eq!(shown(2.5, Some(Unit::Gram)), "2.5 g");
        assert_eq!(shown(1250.0, Some(Unit::Millilitre)), "1.25 l");
        assert_eq!(shown(30.0, Some(Unit::Millilitre)), "30 ml");
    }

    #[test]
    fn sums_show_no_float_noise() {
        let sum = Amount::new(0.1, Some(Unit::Kilogram))
            .plus(Amount::new(1.3, Some(Unit::Kilogram)))
            .unwrap();
        assert_eq!(sum.to_string(), "1.4 kg");
        let third = Amount::new(1.0, None).scaled(1.0 / 3.0).scaled(3.0);
        assert_eq!(third.to_string(), "1");
        assert_eq!(shown(1.0 / 3.0, Some(Unit::Kilogram)), "333 g");
    }

    #[test]
    fn us_amounts_use_fractions_and_the_readable_unit() {
        assert_eq!(shown(1.5, Some(Unit::Cup)), "1½ cups");
        assert_eq!(shown(0.75, Some(Unit::Cup)), "¾ cup");
        assert_eq!(shown(1.0, Some(Unit::Cup)), "1 cup");
        assert_eq!(shown(3.0, Some(Unit::Teaspoon)), "1 tbsp");
        assert_eq!(shown(2.0, Some(Unit::Teaspoon)), "2 tsp");
        assert_eq!(shown(4.0, Some(Unit::Tablespoon)), "¼ cup");
        assert_eq!(shown(8.0, Some(Unit::Ounce)), "8 oz");
        assert_eq!(shown(24.0, Some(Unit::Ounce)), "1½ lb");
        assert_eq!(shown(8.0, Some(Unit::FluidOunce)), "1 cup");
        assert_eq!(shown(1.37, Some(Unit::Cup)), "1⅜ cups");
        assert_eq!(shown(1.45, Some(Unit::Cup)), "1.45 cups");
    }

    #[test]
    fn counts_keep_their_piece_and_plural() {
        assert_eq!(shown(3.0, None), "3");
        assert_eq!(shown(1.5, None), "1½");
        assert_eq!(shown(3.0, Some(Unit::Piece(Piece::Clove))), "3 cloves");
        assert_eq!(shown(1.0, Some(Unit::Piece(Piece::Can))), "1 can");
        assert_eq!(shown(0.5, Some(Unit::Piece(Piece::Bunch))), "½ bunch");
        assert_eq!(shown(2.0, Some(Unit::Piece(Piece::Bunch))), "2 bunches");
    }

    #[test]
    fn mixed_systems_sum_in_metric_and_families_never_mix() {
        let pound = Amount::new(1.0, Some(Unit::Pound));
        let sum = pound.plus(Amount::new(100.0, Some(Unit::Gram))).unwrap();
        assert_eq!(sum.to_string(), "554 g");
        assert_eq!(pound.plus(Amount::new(1.0, Some(Unit::Cup))), None);
        let can = Amount::new(1.0, Some(Unit::Piece(Piece::Can)));
        assert_eq!(can.plus(Amount::new(1.0, None)), None);
    }
}
