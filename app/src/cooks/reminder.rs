//! When a cook is reminded: at 18:00 the evening before the meal, in the plan's time (the
//! offset from UTC its proposer had when proposing, `plans.utc_offset_minutes`: households keep
//! no time zone of their own), and only until the meal's day begins, so that "Tomorrow you're
//! cooking" stays true. A meal decided after 18:00 the evening before is reminded by the next
//! sweep after it is decided, if that is still before midnight; one decided later is not.

use time::{Date, OffsetDateTime, Time};

use crate::{
    error::Field,
    plans::{day_iso, parse_day},
};

/// The hour of the evening before the meal at which its cook is reminded.
pub const REMINDER_HOUR: i64 = 18;

const HOUR_MS: i64 = 3_600_000;
/// The furthest any plan's offset reaches from UTC (±14 hours, as the forms accept).
const MAX_OFFSET_MS: i64 = 14 * HOUR_MS;

/// When the cook of a meal on `day` (ISO, as stored) may be reminded, in a plan whose times are
/// `utc_offset_minutes` east of UTC: from 18:00 the evening before (inclusive) to the meal day's
/// midnight (exclusive), in milliseconds since the epoch. `None` for a day that does not parse.
pub fn reminder_window(day: &str, utc_offset_minutes: i64) -> Option<(i64, i64)> {
    let day = parse_day(day, Field::FirstDay).ok()?;
    let midnight_utc = day.with_time(Time::MIDNIGHT).assume_utc().unix_timestamp() * 1000;
    let midnight = midnight_utc - utc_offset_minutes * 60_000;
    Some((midnight - (24 - REMINDER_HOUR) * HOUR_MS, midnight))
}

/// Whether the cook of a meal on `day` is due a reminder at `now_ms` ([`reminder_window`]).
pub fn reminder_due(day: &str, utc_offset_minutes: i64, now_ms: i64) -> bool {
    reminder_window(day, utc_offset_minutes).is_some_and(|(from, to)| from <= now_ms && now_ms < to)
}

/// The first and last meal days (ISO, inclusive) whose reminder can be due at `now_ms` in any
/// plan's offset: the sweep reads only these days' meals, then asks [`reminder_due`] of each.
pub fn candidate_days(now_ms: i64) -> (String, String) {
    // Due when midnight of the day, in UTC, is in (now + offset, now + offset + 6 h].
    let day_of = |ms: i64| -> Date {
        OffsetDateTime::from_unix_timestamp(ms.div_euclid(1000))
            .map_or(Date::MIN, OffsetDateTime::date)
    };
    let first = day_of(now_ms - MAX_OFFSET_MS);
    let last = day_of(now_ms + MAX_OFFSET_MS + (24 - REMINDER_HOUR) * HOUR_MS);
    (day_iso(first), day_iso(last))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2026-11-23T18:00:00Z.
    const EVENING: i64 = 1_795_456_800_000;

    #[test]
    fn the_cook_is_reminded_from_six_the_evening_before_until_the_day_begins() {
        assert!(
            !reminder_due("2026-11-24", 0, EVENING - 1),
            "not before 18:00"
        );
        assert!(reminder_due("2026-11-24", 0, EVENING));
        assert!(reminder_due("2026-11-24", 0, EVENING + 6 * HOUR_MS - 1));
        assert!(
            !reminder_due("2026-11-24", 0, EVENING + 6 * HOUR_MS),
            "the day has begun"
        );
        assert!(
            !reminder_due("2026-11-25", 0, EVENING),
            "the day after tomorrow"
        );
        assert!(!reminder_due("someday", 0, EVENING));
    }

    #[test]
    fn the_evening_is_the_plan_s_own() {
        // At UTC+1 (Paris in winter) 18:00 is 17:00 UTC; at UTC-5 it is 23:00 UTC.
        assert!(reminder_due("2026-11-24", 60, EVENING - HOUR_MS));
        assert!(!reminder_due("2026-11-24", 60, EVENING - HOUR_MS - 1));
        assert!(!reminder_due("2026-11-24", -300, EVENING + 5 * HOUR_MS - 1));
        assert!(reminder_due("2026-11-24", -300, EVENING + 5 * HOUR_MS));
    }

    #[test]
    fn the_candidate_days_hold_every_due_meal_in_any_offset() {
        for now in [EVENING - 20 * HOUR_MS, EVENING, EVENING + 7 * HOUR_MS] {
            let (first, last) = candidate_days(now);
            for offset in (-14 * 60..=14 * 60).step_by(15) {
                for day in [
                    "2026-11-22",
                    "2026-11-23",
                    "2026-11-24",
                    "2026-11-25",
                    "2026-11-26",
                ] {
                    if reminder_due(day, offset, now) {
                        assert!(
                            first.as_str() <= day && day <= last.as_str(),
                            "{day} at {offset} min due at {now}: outside {first}..{last}"
                        );
                    }
                }
            }
            assert!(first <= last);
        }
    }
}
