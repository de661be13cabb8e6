//! How every page writes a day and a moment, one format everywhere: a day is "Mon 23 Nov", a
//! moment is "Mon 23 Nov, 18:00". The server writes moments in UTC (and says so, "… 18:00 UTC");
//! the browser rewrites them in the viewer's own time zone with the same words, so a page reads
//! the same before and after hydration apart from the hour.

use time::{Date, OffsetDateTime, UtcOffset, macros::format_description};

/// A day: "Mon 23 Nov".
pub fn day_label(day: Date) -> String {
    day.format(format_description!(
        "[weekday repr:short] [day padding:none] [month repr:short]"
    ))
    .unwrap_or_default()
}

/// A moment (milliseconds since the epoch) at `offset_minutes` east of UTC: "Mon 23 Nov, 18:00".
pub fn moment_label(ms: i64, offset_minutes: i32) -> String {
    let offset =
        UtcOffset::from_whole_seconds(offset_minutes.saturating_mul(60)).unwrap_or(UtcOffset::UTC);
    instant(ms)
        .map(|t| t.to_offset(offset))
        .and_then(|t| {
            t.format(format_description!(
                "[weekday repr:short] [day padding:none] [month repr:short], [hour]:[minute]"
            ))
            .ok()
        })
        .unwrap_or_default()
}

/// A moment (milliseconds since the epoch) in UTC; `None` outside the years `time` can hold.
pub fn instant(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

/// A moment as the server writes it, before the browser knows the viewer's time zone:
/// "Mon 23 Nov, 18:00 UTC".
pub fn utc_moment_label(ms: i64) -> String {
    format!("{} UTC", moment_label(ms, 0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// 2026-11-23 18:00 UTC, a Monday.
    const MONDAY_18_UTC: i64 = 1_795_456_800_000;

    #[test]
    fn a_day_is_weekday_day_month() {
        assert_eq!(day_label(date!(2026 - 11 - 23)), "Mon 23 Nov");
        assert_eq!(day_label(date!(2027 - 01 - 05)), "Tue 5 Jan");
    }

    #[test]
    fn a_moment_reads_like_a_day_with_the_time_after_it() {
        assert_eq!(moment_label(MONDAY_18_UTC, 0), "Mon 23 Nov, 18:00");
        assert_eq!(utc_moment_label(MONDAY_18_UTC), "Mon 23 Nov, 18:00 UTC");
    }

    #[test]
    fn a_moment_moves_into_the_viewers_time_zone_even_across_midnight() {
        assert_eq!(moment_label(MONDAY_18_UTC, 60), "Mon 23 Nov, 19:00");
        assert_eq!(moment_label(MONDAY_18_UTC, 9 * 60), "Tue 24 Nov, 03:00");
        assert_eq!(
            moment_label(MONDAY_18_UTC, -(5 * 60 + 30)),
            "Mon 23 Nov, 12:30"
        );
        // An offset no place has falls back to UTC rather than failing.
        assert_eq!(moment_label(MONDAY_18_UTC, 100 * 60), "Mon 23 Nov, 18:00");
    }
}
