//! Quiet hours: no push between 22:00 and 07:00 on the phone's clock. A push queued in them waits
//! until 07:00 in the phone's time zone (the zone its browser reported when it subscribed), on
//! the day that 07:00 falls on, whatever daylight saving time does in the night.

use jiff::{Timestamp, tz::TimeZone};

/// The first quiet hour (22:00) and the first one that is not (07:00), local time.
pub const QUIET_FROM: i8 = 22;
pub const QUIET_UNTIL: i8 = 7;

/// The time zone named `name` (IANA, "Europe/Berlin"), if this server knows it.
pub fn zone(name: &str) -> Option<TimeZone> {
    TimeZone::get(name).ok()
}

/// When a push queued at `at_ms` may be sent to a phone in `zone`: `at_ms` itself outside quiet
/// hours, otherwise the next 07:00 there.
pub fn not_before(at_ms: i64, zone: &TimeZone) -> i64 {
    let Ok(at) = Timestamp::from_millisecond(at_ms) else {
        return at_ms;
    };
    let local = at.to_zoned_datetime(zone.clone());
    let hour = local.hour();
    if (QUIET_UNTIL..QUIET_FROM).contains(&hour) {
        return at_ms;
    }
    let day = if hour >= QUIET_FROM {
        match local.date().tomorrow() {
            Ok(day) => day,
            Err(_) => return at_ms,
        }
    } else {
        local.date()
    };
    day.at(QUIET_UNTIL, 0, 0, 0)
        .to_zoned_datetime(zone.clone())
        .map_or(at_ms, |morning| morning.timestamp().as_millisecond())
}

/// Whether `at_ms` is in quiet hours in `zone`.
pub fn is_quiet(at_ms: i64, zone: &TimeZone) -> bool {
    not_before(at_ms, zone) != at_ms
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(text: &str) -> i64 {
        text.parse::<Timestamp>().unwrap().as_millisecond()
    }

    #[test]
    fn daytime_pushes_go_at_once_and_night_ones_wait_for_seven() {
        let berlin = zone("Europe/Berlin").unwrap();
        // 2026-11-23: Berlin is UTC+1.
        for now in [
            "2026-11-23T06:00:00Z",
            "2026-11-23T12:00:00Z",
            "2026-11-23T20:59:59Z",
        ] {
            assert_eq!(not_before(ms(now), &berlin), ms(now), "{now}");
        }
        // 22:00 local is the first quiet minute: held to 07:00 local the next day.
        assert_eq!(
            not_before(ms("2026-11-23T21:00:00Z"), &berlin),
            ms("2026-11-24T06:00:00Z")
        );
        // 03:30 local waits for 07:00 the same day; 06:59:59 for a second.
        assert_eq!(
            not_before(ms("2026-11-24T02:30:00Z"), &berlin),
            ms("2026-11-24T06:00:00Z")
        );
        assert_eq!(
            not_before(ms("2026-11-24T05:59:59Z"), &berlin),
            ms("2026-11-24T06:00:00Z")
        );
        assert!(is_quiet(ms("2026-11-23T22:30:00Z"), &berlin));
        assert!(!is_quiet(ms("2026-11-24T06:00:00Z"), &berlin));
    }

    #[test]
    fn the_night_clocks_change_still_ends_at_seven_local() {
        // Berlin springs forward on 2026-03-29 (02:00 -> 03:00): 23:00 on the 28th (UTC+1) is
        // held to 07:00 on the 29th, which is UTC+2 by then: seven hours later, not eight.
        let berlin = zone("Europe/Berlin").unwrap();
        assert_eq!(
            not_before(ms("2026-03-28T22:00:00Z"), &berlin),
            ms("2026-03-29T05:00:00Z")
        );
        // New York falls back on 2026-11-01 (02:00 EDT -> 01:00 EST): 22:30 EDT on Oct 31 is
        // held to 07:00 EST, 9 h 30 min later.
        let new_york = zone("America/New_York").unwrap();
        assert_eq!(
            not_before(ms("2026-11-01T02:30:00Z"), &new_york),
            ms("2026-11-01T12:00:00Z")
        );
        // 01:30 happens twice that night; both are quiet and both wait for the same 07:00.
        for twice in ["2026-11-01T05:30:00Z", "2026-11-01T06:30:00Z"] {
            assert_eq!(not_before(ms(twice), &new_york), ms("2026-11-01T12:00:00Z"));
        }
    }

    #[test]
    fn unknown_zones_are_refused_and_utc_has_no_daylight_saving() {
        assert!(zone("Mars/Olympus_Mons").is_none());
        let utc = zone("UTC").unwrap();
        assert_eq!(
            not_before(ms("2026-06-01T23:00:00Z"), &utc),
            ms("2026-06-02T07:00:00Z")
        );
    }
}
