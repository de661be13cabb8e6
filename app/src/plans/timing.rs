//! Days and deadlines: parsing what the forms send (in the proposer's offset from UTC), and
//! writing days and slots the way people read them.

use serde::{Deserialize, Serialize};
use time::{Date, PrimitiveDateTime, Time, UtcOffset, macros::format_description};

use crate::{
    dates::day_label,
    error::{AppError, Field},
};

/// A deadline as its form posts it, for moving a plan's deadline or re-opening a slot: every
/// field is text, parsed by [`parse_new_deadline`] or [`parse_reopen_deadline`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineForm {
    pub deadline_date: String,
    pub deadline_time: String,
    /// The sender's offset from UTC in minutes (east positive), filled in by the browser; empty
    /// without JavaScript, which means UTC.
    pub utc_offset_minutes: String,
}

/// A new, later deadline for a plan.
pub fn parse_new_deadline(
    date: &str,
    time: &str,
    utc_offset_minutes: &str,
    current_deadline_ms: i64,
    first_day: Date,
    plan_offset_minutes: i32,
) -> Result<i64, AppError> {
    let offset = UtcOffsetMinutes::parse(utc_offset_minutes)?;
    let deadline_ms = parse_deadline(date, time, offset)?;
    if deadline_ms <= current_deadline_ms {
        return Err(AppError::invalid(
            Field::DeadlineDate,
            "A deadline can only move later.",
        ));
    }
    if deadline_ms > day_start_ms(first_day, UtcOffsetMinutes(plan_offset_minutes)) {
        return Err(AppError::invalid(
            Field::DeadlineDate,
            format!(
                "Voting must close before the first meal: pick a deadline before {}.",
                day_label(first_day)
            ),
        ));
    }
    Ok(deadline_ms)
}

/// The new deadline of a slot being re-opened: any time in the future.
pub fn parse_reopen_deadline(
    date: &str,
    time: &str,
    utc_offset_minutes: &str,
    now_ms: i64,
) -> Result<i64, AppError> {
    let offset = UtcOffsetMinutes::parse(utc_offset_minutes)?;
    let deadline_ms = parse_deadline(date, time, offset)?;
    if deadline_ms <= now_ms {
        return Err(AppError::invalid(
            Field::DeadlineDate,
            "The new deadline has passed already: pick a time in the future.",
        ));
    }
    Ok(deadline_ms)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct UtcOffsetMinutes(pub(super) i32);

impl UtcOffsetMinutes {
    pub(super) fn parse(value: &str) -> Result<Self, AppError> {
        let value = value.trim();
        if value.is_empty() {
            return Ok(Self(0));
        }
        value
            .parse::<i32>()
            .ok()
            .filter(|m| (-14 * 60..=14 * 60).contains(m))
            .map(Self)
            .ok_or(AppError::BadRequest)
    }

    fn offset(self) -> UtcOffset {
        UtcOffset::from_whole_seconds(self.0 * 60).unwrap_or(UtcOffset::UTC)
    }
}

/// Parses an ISO day (`2026-11-23`, what `<input type="date">` sends).
pub fn parse_day(value: &str, field: Field) -> Result<Date, AppError> {
    Date::parse(value.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| AppError::invalid(field, "Enter a date such as 2026-11-23."))
}

/// An ISO day as stored (`2026-11-23`).
pub fn day_iso(day: Date) -> String {
    day.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// A deadline from a date and a time of day in the proposer's offset. The time is `HH:MM`, or
/// `HH:MM:SS` as `<input type="time">` sends it when its `step` is under a minute (and as the
/// prober uses for a deadline a few seconds away).
pub(super) fn parse_deadline(
    date: &str,
    time: &str,
    offset: UtcOffsetMinutes,
) -> Result<i64, AppError> {
    let date = parse_day(date, Field::DeadlineDate)?;
    let time = time.trim();
    let time = Time::parse(time, format_description!("[hour]:[minute]"))
        .or_else(|_| Time::parse(time, format_description!("[hour]:[minute]:[second]")))
        .map_err(|_| AppError::invalid(Field::DeadlineTime, "Enter a time such as 18:00."))?;
    let instant = PrimitiveDateTime::new(date, time).assume_offset(offset.offset());
    Ok(i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX))
}

pub(super) fn day_start_ms(day: Date, offset: UtcOffsetMinutes) -> i64 {
    let start = PrimitiveDateTime::new(day, Time::MIDNIGHT).assume_offset(offset.offset());
    start.unix_timestamp() * 1000
}

/// "Mon 23 Nov", or the stored text itself if it is not an ISO day.
fn pretty_day(iso: &str) -> String {
    parse_day(iso, Field::FirstDay).map_or_else(|_| iso.to_owned(), day_label)
}

/// A slot as people read it: "Mon 23 Nov · dinner".
pub fn slot_label(day: &str, meal: &str) -> String {
    format!("{} · {meal}", pretty_day(day))
}

/// A plan's days: "Mon 23 Nov – Sun 29 Nov", or one day.
pub fn days_label(first: &str, last: &str) -> String {
    if first == last {
        pretty_day(first)
    } else {
        format!("{} – {}", pretty_day(first), pretty_day(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_and_plans_read_as_days_and_meals() {
        assert_eq!(slot_label("2026-11-23", "dinner"), "Mon 23 Nov · dinner");
        assert_eq!(
            days_label("2026-11-23", "2026-11-29"),
            "Mon 23 Nov – Sun 29 Nov"
        );
        assert_eq!(days_label("2026-11-23", "2026-11-23"), "Mon 23 Nov");
        assert_eq!(slot_label("someday", "lunch"), "someday · lunch");
    }
}
