//! Any form input, of any length and in any script, to every parser of a ballot, a plan, a dish,
//! a household or an account never panics, and a refusal is always a clear 4xx: a status between
//! 400 and 499 and a message a person can read. (The server functions answer exactly these
//! errors, so this is what a stranger posting random forms gets; docs/security.md.)
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use app::{
    accounts::{Credentials, NewAccount},
    error::AppError,
    households::{HouseholdName, InviteOptions, InviteToken, Role},
    ids::OptionId,
    plans::{
        DishDetails, DishName, MealNames, NewPlan, OptionNames, PlanForm, Ranking, parse_day,
        parse_new_deadline, parse_reopen_deadline, rank_field,
    },
};
use proptest::{collection::vec, prelude::*};

const NOW: i64 = 1_795_348_800_000;

/// Any text: mostly short, sometimes long, from all of Unicode, with the characters forms
/// trip on (digits, separators, controls, bidi and zero-width marks) over-represented.
fn text() -> impl Strategy<Value = String> {
    let tricky = prop_oneof![
        Just('0'),
        Just('9'),
        Just('-'),
        Just(':'),
        Just(','),
        Just('\n'),
        Just('\r'),
        Just('\u{0}'),
        Just('\u{202e}'),
        Just('\u{200b}'),
        Just('é'),
        Just('😀'),
        any::<char>(),
    ];
    prop_oneof![
        4 => vec(tricky.clone(), 0..40).prop_map(|c| c.into_iter().collect()),
        1 => vec(tricky, 0..3000).prop_map(|c| c.into_iter().collect()),
        1 => "[0-9]{1,25}",
        1 => "-?[0-9]{1,4}-[0-9]{1,2}-[0-9]{1,2}",
    ]
}

/// A refusal a person can act on.
fn clear(result: Result<impl Sized, AppError>) -> Result<(), TestCaseError> {
    if let Err(error) = result {
        prop_assert!(
            (400..500).contains(&error.status()),
            "{error:?} answers {}",
            error.status()
        );
        prop_assert!(
            !error.to_string().trim().is_empty(),
            "{error:?} says nothing"
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_plan_form_of_anything(
        title in text(), first_day in text(), days in text(), meals in text(),
        options in text(), deadline_date in text(), deadline_time in text(), offset in text(),
        allow_repeats in text(),
    ) {
        let form = PlanForm {
            title, first_day, days, meals, options, deadline_date, deadline_time,
            utc_offset_minutes: offset, allow_repeats,
        };
        clear(NewPlan::parse(&form, NOW))?;
        clear(parse_new_deadline(
            &form.deadline_date, &form.deadline_time, &form.utc_offset_minutes, NOW,
            time::macros::date!(2026 - 11 - 30), 0,
        ))?;
        clear(parse_reopen_deadline(
            &form.deadline_date, &form.deadline_time, &form.utc_offset_minutes, NOW,
        ))?;
        clear(parse_day(&form.first_day, app::error::Field::FirstDay))?;
    }

    #[test]
    fn dish_meal_and_option_fields_of_anything(a in text(), b in text()) {
        clear(DishName::parse(&a, app::error::Field::DishName))?;
        clear(DishDetails::parse(&a, &b))?;
        clear(MealNames::parse(&a))?;
        clear(OptionNames::parse(&b))?;
    }

    #[test]
    fn a_ballot_form_of_anything(
        pairs in vec((text(), text()), 0..30),
        named in vec(text(), 0..5),
        options in 1_usize..6,
    ) {
        let options: Vec<(OptionId, String)> = (0..options)
            .map(|i| {
                let id: OptionId = serde_json::from_value(format!("option-{i}").into()).unwrap();
                (id, format!("Dish {i}"))
            })
            .collect();
        let mut ranks: BTreeMap<String, String> = pairs.into_iter().collect();
        // Real field names with any value, beside fields that name nothing.
        for ((id, _), value) in options.iter().zip(named) {
            ranks.insert(rank_field(id), value);
        }
        clear(Ranking::from_ranks(&options, &ranks))?;
    }

    #[test]
    fn household_and_account_fields_of_anything(a in text(), b in text(), c in text()) {
        clear(HouseholdName::try_from(a.clone()))?;
        clear(Role::try_from(b.clone()))?;
        clear(InviteToken::try_from(c.clone()))?;
        clear(InviteOptions::parse(&a, Some(&b)))?;
        clear(NewAccount::parse(a.clone(), b.clone(), c.clone()))?;
        clear(Credentials::parse(b, c))?;
    }
}
