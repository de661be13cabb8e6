//! Measures the `ingredient` crate on `data/ingredient_lines.json`.

use std::panic;

use ingredient::unit::Unit;
use serde_json::Value;

fn unit_code(unit: Unit) -> Option<String> {
    Some(match unit {
        Unit::Gram => "g".into(),
        Unit::Kilogram => "kg".into(),
        Unit::Ounce => "oz".into(),
        Unit::Pound => "lb".into(),
        Unit::Milliliter => "ml".into(),
        Unit::Liter => "l".into(),
        Unit::Teaspoon => "tsp".into(),
        Unit::Tablespoon => "tbsp".into(),
        Unit::Cup => "cup".into(),
        Unit::FluidOunce => "fl oz".into(),
        // Sizes count as no unit, as the fixture reads them.
        Unit::Other(s) if ["whole", "large", "medium", "small"].contains(&s.as_str()) => {
            return None;
        }
        Unit::Other(s) if s == "tin" => "can".into(),
        Unit::Other(s) => s,
        other => format!("{other:?}").to_lowercase(),
    })
}

#[test]
fn measure_ingredient_crate() {
    let cases: Vec<Value> =
        serde_json::from_str(include_str!("data/ingredient_lines.json")).unwrap();
    let (mut all, mut without_note, mut panics) = (0, 0, 0);
    for case in &cases {
        let line = case["line"].as_str().unwrap().to_string();
        let parsed = panic::catch_unwind(|| ingredient::from_str(&line));
        let Ok(parsed) = parsed else {
            panics += 1;
            println!("PANIC {line}");
            continue;
        };
        let (q, u) = match parsed.amounts.first() {
            Some(m) => {
                let (v, up) = m.values();
                let q = match up {
                    Some(up) => serde_json::json!([v, up]),
                    None => serde_json::json!(v),
                };
                (q, unit_code(m.unit()))
            }
            None => (Value::Null, None),
        };
        let q_ok = match (&q, &case["quantity"]) {
            (Value::Null, Value::Null) => true,
            (Value::Number(a), Value::Number(b)) => {
                (a.as_f64().unwrap() - b.as_f64().unwrap()).abs() < 1e-3
            }
            (a, b) => a == b || a.to_string().replace(".0", "") == b.to_string(),
        };
        let u_ok = u.as_deref() == case["unit"].as_str();
        let f_ok = parsed.name == case["food"].as_str().unwrap();
        let n_ok = parsed.modifier.as_deref().filter(|m| !m.is_empty()) == case["note"].as_str();
        if q_ok && u_ok && f_ok {
            without_note += 1;
        }
        if q_ok && u_ok && f_ok && n_ok {
            all += 1;
        } else {
            println!(
                "MISS {line:?}: q={q} u={u:?} food={:?} note={:?}",
                parsed.name, parsed.modifier
            );
        }
    }
    println!(
        "ingredient 0.3: all four fields {all}/{n}; quantity+unit+food {without_note}/{n}; panics {panics}",
        n = cases.len()
    );
}

proptest::proptest! {
    #[test]
    fn crate_panics(line in proptest::prelude::any::<String>()) {
        let result = panic::catch_unwind(|| ingredient::from_str(&line));
        proptest::prop_assert!(result.is_ok(), "panicked on {:?}", line);
    }
}
