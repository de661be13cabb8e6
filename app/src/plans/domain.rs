//! Meal-plan values, each parsed once at the edge: dish and meal names, the proposal form, and a
//! ballot given as a rank number per option.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::{
    names::{MAX_OPTIONS, MealNames, OptionNames},
    timing::{UtcOffsetMinutes, day_start_ms, parse_day, parse_deadline},
};
use crate::{
    dates::day_label,
    error::{AppError, Field},
    ids::OptionId,
    quotas::MAX_SLOTS_PER_PLAN,
};

pub const MAX_TITLE_CHARS: usize = 60;
pub const MAX_DAYS: u32 = 14;
pub const DEFAULT_DAYS: u32 = 7;

/// The proposal form as posted; every field is text, parsed by [`NewPlan::parse`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct PlanForm {
    pub title: String,
    pub first_day: String,
    pub days: String,
    pub meals: String,
    pub options: String,
    pub deadline_date: String,
    pub deadline_time: String,
    /// The proposer's offset from UTC in minutes (east positive), filled in by the browser;
    /// empty without JavaScript, which means UTC.
    pub utc_offset_minutes: String,
    /// The "Let a dish win more than one meal" checkbox: `on` when ticked. Unticked (absent),
    /// a dish that won an earlier meal of the plan cannot win a later one.
    pub allow_repeats: String,
}

/// A valid proposal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewPlan {
    pub title: String,
    pub first_day: Date,
    pub last_day: Date,
    pub meals: MealNames,
    pub options: OptionNames,
    pub deadline_ms: i64,
    pub utc_offset_minutes: i32,
    /// A dish that won an earlier meal of the plan cannot win a later one.
    pub no_repeats: bool,
}

impl NewPlan {
    /// Checks the proposal against the rules: 1 to [`MAX_DAYS`] days, 2 to 20 options, and a
    /// deadline in the future that falls before the first day begins (in the proposer's time).
    pub fn parse(form: &PlanForm, now_ms: i64) -> Result<Self, AppError> {
        let offset = UtcOffsetMinutes::parse(&form.utc_offset_minutes)?;
        let first_day = parse_day(&form.first_day, Field::FirstDay)?;
        let days: u32 = form
            .days
            .trim()
            .parse()
            .ok()
            .filter(|d| (1..=MAX_DAYS).contains(d))
            .ok_or_else(|| {
                AppError::invalid(Field::Days, format!("Plan from 1 to {MAX_DAYS} days."))
            })?;
        let last_day = first_day
            .checked_add(Duration::days(i64::from(days) - 1))
            .ok_or_else(|| AppError::invalid(Field::FirstDay, "Pick an earlier first day."))?;
        let meals = MealNames::parse(&form.meals)?;
        let slots = days * u32::try_from(meals.names().len()).unwrap_or(u32::MAX);
        if slots > MAX_SLOTS_PER_PLAN {
            return Err(AppError::invalid(
                Field::Days,
                format!(
                    "A plan has at most {MAX_SLOTS_PER_PLAN} meals to vote on; {days} days of {} \
                     meals a day would be {slots}. Plan fewer days or meals.",
                    meals.names().len()
                ),
            ));
        }
        let options = OptionNames::parse(&form.options)?;
        let title = form.title.trim();
        crate::names::check(title, Field::PlanTitle)?;
        if title.chars().count() > MAX_TITLE_CHARS {
            return Err(AppError::invalid(
                Field::PlanTitle,
                format!("Use at most {MAX_TITLE_CHARS} characters."),
            ));
        }
        let title = if title.is_empty() {
            format!("Week of {}", day_label(first_day))
        } else {
            title.to_owned()
        };
        let deadline_ms = parse_deadline(&form.deadline_date, &form.deadline_time, offset)?;
        if deadline_ms <= now_ms {
            return Err(AppError::invalid(
                Field::DeadlineDate,
                "The deadline has passed already: pick a time in the future.",
            ));
        }
        if deadline_ms > day_start_ms(first_day, offset) {
            return Err(AppError::invalid(
                Field::DeadlineDate,
                format!(
                    "Voting must close before the first meal: pick a deadline before {}.",
                    day_label(first_day)
                ),
            ));
        }
        Ok(Self {
            title,
            first_day,
            last_day,
            meals,
            options,
            deadline_ms,
            utc_offset_minutes: offset.0,
            no_repeats: form.allow_repeats.trim().is_empty(),
        })
    }
}

/// The form field holding an option's rank: `rank-<option id>`.
pub fn rank_field(option: &OptionId) -> String {
    format!("{RANK_FIELD_PREFIX}{option}")
}

const RANK_FIELD_PREFIX: &str = "rank-";

/// A ballot: tiers of option ids, best first. Options left out are "no opinion": they tie below
/// every ranked option. An empty ranking is a valid ballot with no opinion at all.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ranking(pub Vec<Vec<OptionId>>);

impl Ranking {
    /// Reads the ballot form: a rank number per option ([`rank_field`]), where equal numbers
    /// tie, smaller is better, gaps do not matter and an empty rank means no opinion. `options`
    /// are the slot's options with their names (for messages).
    pub fn from_ranks(
        options: &[(OptionId, String)],
        ranks: &BTreeMap<String, String>,
    ) -> Result<Self, AppError> {
        let mut ranked: BTreeMap<u32, Vec<OptionId>> = BTreeMap::new();
        for (key, value) in ranks {
            let option = key.strip_prefix(RANK_FIELD_PREFIX);
            let Some((id, name)) = options.iter().find(|(id, _)| Some(id.as_str()) == option)
            else {
                return Err(AppError::Ballot(
                    "The ballot names an option this meal does not have. Reload the page and rank again."
                        .to_owned(),
                ));
            };
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            let rank = value
                .parse::<u32>()
                .ok()
                .filter(|r| (1..=MAX_OPTIONS as u32).contains(r))
                .ok_or_else(|| {
                    AppError::Ballot(format!(
                        "The rank for “{name}” must be a whole number from 1 to {MAX_OPTIONS}, or empty for no opinion."
                    ))
                })?;
            ranked.entry(rank).or_default().push(id.clone());
        }
        Ok(Self(ranked.into_values().collect()))
    }

    /// The ballot form's fields: the rank number of each ranked option (1 = best; tied options
    /// share a number).
    pub fn ranks(&self) -> BTreeMap<String, String> {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(i, tier)| {
                tier.iter()
                    .map(move |id| (rank_field(id), (i + 1).to_string()))
            })
            .collect()
    }

    pub fn tiers(&self) -> &[Vec<OptionId>] {
        &self.0
    }

    /// Whether `option` is ranked at all.
    pub fn contains(&self, option: &OptionId) -> bool {
        self.0.iter().any(|tier| tier.contains(option))
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;
    use crate::plans::timing::*;

    fn form() -> PlanForm {
        PlanForm {
            title: String::new(),
            first_day: "2026-11-23".into(),
            days: "7".into(),
            meals: "dinner".into(),
            options: "Spaghetti\nCurry\nSoup".into(),
            deadline_date: "2026-11-22".into(),
            deadline_time: "18:00".into(),
            utc_offset_minutes: "60".into(),
            allow_repeats: String::new(),
        }
    }

    /// 2026-11-22T12:00:00Z.
    const NOON_BEFORE: i64 = 1_795_348_800_000;

    #[test]
    fn a_week_of_dinners_parses_with_a_default_title_and_a_local_deadline() {
        let plan = NewPlan::parse(&form(), NOON_BEFORE).unwrap();
        assert_eq!(plan.title, "Week of Mon 23 Nov");
        assert_eq!(plan.first_day, date!(2026 - 11 - 23));
        assert_eq!(plan.last_day, date!(2026 - 11 - 29));
        assert_eq!(plan.meals.names(), ["dinner"]);
        assert_eq!(plan.options.dishes().len(), 3);
        // 18:00 at UTC+1 is 17:00 UTC.
        assert_eq!(plan.deadline_ms, NOON_BEFORE + 5 * 3_600_000);
    }

    #[test]
    fn a_plan_has_at_most_28_meals_to_vote_on() {
        let mut fortnight = form();
        fortnight.days = "14".into();
        fortnight.meals = "lunch, dinner".into();
        assert!(
            NewPlan::parse(&fortnight, NOON_BEFORE).is_ok(),
            "14 × 2 = 28"
        );
        fortnight.meals = "breakfast, lunch, dinner".into();
        let error = NewPlan::parse(&fortnight, NOON_BEFORE).unwrap_err();
        assert_eq!(
            error.for_field(Field::Days).unwrap(),
            "A plan has at most 28 meals to vote on; 14 days of 3 meals a day would be 42. Plan \
             fewer days or meals."
        );
    }

    #[test]
    fn the_deadline_must_be_in_the_future_and_before_the_first_day() {
        let mut late = form();
        late.deadline_date = "2026-11-23".into();
        late.deadline_time = "08:00".into();
        let error = NewPlan::parse(&late, NOON_BEFORE).unwrap_err();
        assert_eq!(
            error.for_field(Field::DeadlineDate).unwrap(),
            "Voting must close before the first meal: pick a deadline before Mon 23 Nov."
        );
        let mut past = form();
        past.deadline_time = "09:00".into();
        assert!(
            NewPlan::parse(&past, NOON_BEFORE)
                .unwrap_err()
                .for_field(Field::DeadlineDate)
                .unwrap()
                .contains("passed")
        );
    }

    #[test]
    fn a_deadline_time_may_carry_seconds() {
        let mut exact = form();
        exact.deadline_time = "18:00:42".into();
        let plan = NewPlan::parse(&exact, NOON_BEFORE).unwrap();
        assert_eq!(plan.deadline_ms, NOON_BEFORE + 5 * 3_600_000 + 42_000);
        exact.deadline_time = " 18:00:00 ".into();
        let plan = NewPlan::parse(&exact, NOON_BEFORE).unwrap();
        assert_eq!(plan.deadline_ms, NOON_BEFORE + 5 * 3_600_000);
        for bad in [
            "18:00:60",
            "18:00:5",
            "18:00:",
            "18:00:00:00",
            "18:00:00.5",
            "18:60",
            "8:00",
        ] {
            let mut f = form();
            f.deadline_time = bad.into();
            let error = NewPlan::parse(&f, NOON_BEFORE).unwrap_err();
            assert_eq!(
                error.for_field(Field::DeadlineTime).as_deref(),
                Some("Enter a time such as 18:00."),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_new_deadline_may_carry_seconds_too() {
        // The plan starts on 23 Nov at UTC+1; its deadline is 22 Nov 17:00 UTC.
        let current = NOON_BEFORE + 5 * 3_600_000;
        let moved = parse_new_deadline(
            "2026-11-22",
            "18:30:15",
            "60",
            current,
            date!(2026 - 11 - 23),
            60,
        )
        .unwrap();
        assert_eq!(moved, current + 30 * 60_000 + 15_000);
    }

    #[test]
    fn a_reopened_slot_needs_a_deadline_in_the_future_in_the_proposers_time() {
        // 13:30 at UTC+1 is 12:30 UTC, half an hour after NOON_BEFORE.
        assert_eq!(
            parse_reopen_deadline("2026-11-22", "13:30", "60", NOON_BEFORE).unwrap(),
            NOON_BEFORE + 1_800_000
        );
        let past = parse_reopen_deadline("2026-11-22", "12:30", "60", NOON_BEFORE).unwrap_err();
        assert!(
            past.for_field(Field::DeadlineDate)
                .unwrap()
                .contains("passed")
        );
        let garbled = parse_reopen_deadline("2026-11-22", "noon", "", NOON_BEFORE).unwrap_err();
        assert!(garbled.for_field(Field::DeadlineTime).is_some());
    }

    #[test]
    fn options_need_two_to_twenty_distinct_names() {
        let mut one = form();
        one.options = "Spaghetti\n\n".into();
        assert_eq!(
            NewPlan::parse(&one, NOON_BEFORE)
                .unwrap_err()
                .for_field(Field::Options)
                .unwrap(),
            "Give at least 2 options, one per line."
        );
        let mut twice = form();
        twice.options = "Soup\nsoup ".into();
        assert_eq!(
            NewPlan::parse(&twice, NOON_BEFORE)
                .unwrap_err()
                .for_field(Field::Options)
                .unwrap(),
            "“soup” is listed twice."
        );
        let mut many = form();
        many.options = (0..21).map(|i| format!("Dish {i}\n")).collect();
        assert!(NewPlan::parse(&many, NOON_BEFORE).is_err());
    }

    #[test]
    fn days_meals_and_dates_are_checked_with_a_message_for_their_field() {
        for (edit, field) in [
            (("days", "0"), Field::Days),
            (("days", "15"), Field::Days),
            (("meals", " , "), Field::Meals),
            (("meals", "lunch, Lunch"), Field::Meals),
            (("first_day", "23/11/2026"), Field::FirstDay),
            (("deadline_time", "6pm"), Field::DeadlineTime),
        ] {
            let mut f = form();
            match edit.0 {
                "days" => f.days = edit.1.into(),
                "meals" => f.meals = edit.1.into(),
                "first_day" => f.first_day = edit.1.into(),
                _ => f.deadline_time = edit.1.into(),
            }
            let error = NewPlan::parse(&f, NOON_BEFORE).unwrap_err();
            assert!(error.for_field(field).is_some(), "{edit:?}: {error:?}");
        }
    }

    fn options() -> Vec<(OptionId, String)> {
        ["a", "b", "c"]
            .iter()
            .map(|c| {
                let id = format!("{}-0000-4000-8000-000000000000", c.repeat(8));
                (OptionId::try_from(id).unwrap(), c.to_uppercase())
            })
            .collect()
    }

    #[test]
    fn rank_numbers_become_tiers_with_ties_and_no_opinion() {
        let options = options();
        let ranks: BTreeMap<String, String> = [
            (rank_field(&options[0].0), "2".to_owned()),
            (rank_field(&options[1].0), "5".to_owned()),
            (rank_field(&options[2].0), " ".to_owned()),
        ]
        .into();
        let ranking = Ranking::from_ranks(&options, &ranks).unwrap();
        assert_eq!(
            ranking.tiers(),
            [vec![options[0].0.clone()], vec![options[1].0.clone()]]
        );
        let tied: BTreeMap<String, String> = [
            (rank_field(&options[0].0), "1".to_owned()),
            (rank_field(&options[2].0), "1".to_owned()),
        ]
        .into();
        let ranking = Ranking::from_ranks(&options, &tied).unwrap();
        assert_eq!(ranking.tiers().len(), 1);
        assert_eq!(
            Ranking::from_ranks(&options, &ranking.ranks()).unwrap(),
            ranking
        );
    }

    #[test]
    fn a_bad_rank_or_an_unknown_option_is_refused_by_name() {
        let options = options();
        let bad: BTreeMap<String, String> =
            [(rank_field(&options[1].0), "first".to_owned())].into();
        assert_eq!(
            Ranking::from_ranks(&options, &bad).unwrap_err().to_string(),
            "The rank for “B” must be a whole number from 1 to 20, or empty for no opinion."
        );
        let unknown: BTreeMap<String, String> = [("x".to_owned(), "1".to_owned())].into();
        assert!(matches!(
            Ranking::from_ranks(&options, &unknown),
            Err(AppError::Ballot(_))
        ));
    }
}
