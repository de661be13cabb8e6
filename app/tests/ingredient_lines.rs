//! Reading pasted ingredient lines: the fixture `data/ingredient_lines.json` (real-looking lines
//! with their expected reading) and properties every input keeps.

use app::recipes::{Ingredient, Quantity, Unit, parse_line, parse_paste};
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Case {
    line: String,
    quantity: Value,
    unit: Option<String>,
    food: String,
    note: Option<String>,
}

fn quantity_matches(read: Option<Quantity>, expected: &Value) -> bool {
    let close = |a: f64, b: &Value| b.as_f64().is_some_and(|b| (a - b).abs() < 1e-6);
    match (read, expected) {
        (None, Value::Null) => true,
        (Some(Quantity::Exact(value)), expected) => close(value, expected),
        (Some(Quantity::Range { from, to }), Value::Array(ends)) if ends.len() == 2 => {
            close(from, &ends[0]) && close(to, &ends[1])
        }
        _ => false,
    }
}

fn as_expected(read: &Ingredient, case: &Case) -> bool {
    quantity_matches(read.quantity, &case.quantity)
        && read.unit.map(Unit::code) == case.unit.as_deref()
        && read.food == case.food
        && read.note == case.note
}

#[test]
fn the_fixture_lines_read_as_expected() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("data/ingredient_lines.json")).unwrap();
    assert!(cases.len() >= 50, "the fixture holds {} lines", cases.len());
    let mut expected = 0;
    for case in &cases {
        let read = parse_line(&case.line).unwrap();
        assert_eq!(read.raw, case.line, "raw is the line as given");
        if as_expected(&read, case) {
            expected += 1;
        } else {
            println!("not as expected: {:?} read as {read:?}", case.line);
        }
    }
    println!("parsed as expected: {expected}/{}", cases.len());
    assert!(
        expected >= 47,
        "parsed as expected: {expected}/{}",
        cases.len()
    );
}

#[test]
fn the_fixture_pasted_at_once_keeps_every_line_in_order() {
    let cases: Vec<Case> =
        serde_json::from_str(include_str!("data/ingredient_lines.json")).unwrap();
    let paste: Vec<&str> = cases.iter().map(|case| case.line.as_str()).collect();
    let read = parse_paste(&paste.join("\n")).unwrap();
    let raws: Vec<&str> = read.iter().map(|line| line.raw.as_str()).collect();
    assert_eq!(raws, paste);
}

/// Lines built from the pieces real lines are made of, so the parser's branches are reached.
fn line_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("1".to_string()),
        Just("½".to_string()),
        Just("1/2".to_string()),
        Just("2–3".to_string()),
        Just("-".to_string()),
        Just("cups".to_string()),
        Just("g".to_string()),
        Just("fl oz".to_string()),
        Just("of".to_string()),
        Just("a pinch".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just(",".to_string()),
        Just("to taste".to_string()),
        Just("large".to_string()),
        Just("1e308".to_string()),
        "[a-zé ]{0,6}",
        any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..12).prop_map(|pieces| pieces.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn no_line_panics_or_is_lost(line in prop_oneof![line_like(), any::<String>()]) {
        match parse_line(&line) {
            Ok(read) => {
                prop_assert_eq!(&read.raw, &line);
                if !line.trim().is_empty() {
                    prop_assert!(!read.food.is_empty(), "{:?} lost its food", line);
                }
                if let Some(quantity) = read.quantity {
                    prop_assert!(quantity.for_list().is_finite());
                    prop_assert!(quantity.for_list() <= 1e6);
                }
            }
            Err(error) => prop_assert!(!error.to_string().is_empty()),
        }
    }

    #[test]
    fn a_paste_keeps_every_non_blank_line(lines in prop::collection::vec(line_like(), 0..30)) {
        let text = lines.join("\n");
        if let Ok(read) = parse_paste(&text) {
            let expected: Vec<&str> =
                text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
            let raws: Vec<&str> = read.iter().map(|l| l.raw.as_str()).collect();
            prop_assert_eq!(raws, expected);
        }
    }
}
