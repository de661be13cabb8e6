//! The calendar feed (`docs/calendar.md`): every slot of a member's households' plans as an
//! RFC 5545 event, written with the `icalendar` crate (which escapes text, folds lines at 75
//! octets and ends them with CRLF).
//!
//! - `UID` is `<slot id>@mealvote`: the same event across fetches and state changes.
//! - While voting: `STATUS:TENTATIVE`, "Dinner: Pasta, Curry or Soup?", `SEQUENCE:0`.
//! - Decided: `STATUS:CONFIRMED`, "Dinner: Curry", `SEQUENCE:1`, so calendars replace the
//!   tentative event.
//! - Closed without votes: still `TENTATIVE` ("no votes yet"), `SEQUENCE:1`: the proposer may
//!   re-open it, and a cancelled event would vanish from most phone calendars.
//! - Breakfast, lunch and dinner get a time (08:00, 12:30, 19:00 local, one hour); any other
//!   meal name is an all-day event. Local time is the plan's UTC offset, written in UTC.
//!
//! This module renders the feed; `feed.rs` serves it (`GET /calendar/{token}.ics`), `store.rs`
//! reads its slots, `feed_cache.rs` shares a rendering under way.

pub mod feed;
pub mod feed_cache;
mod store;

pub use store::{CalendarSlot, MAX_FEED_SLOTS};

use icalendar::{Calendar, Component, Event, EventLike, EventStatus};
use time::{Date, Duration, OffsetDateTime, Time, UtcOffset, macros::format_description};

/// The feed for `slots`, stamped `now_ms`; `origin` (`https://host`) adds each slot's page URL.
pub fn render(slots: &[CalendarSlot], now_ms: i64, origin: Option<&str>) -> String {
    let mut calendar = Calendar::new();
    calendar.name("mealvote");
    let stamp = utc(now_ms);
    for slot in slots {
        calendar.push(event(slot, stamp, origin));
    }
    calendar.done().to_string()
}

fn event(slot: &CalendarSlot, stamp: chrono::DateTime<chrono::Utc>, origin: Option<&str>) -> Event {
    let meal = capitalized(&slot.meal);
    let mut event = Event::new();
    event
        .uid(&format!("{}@mealvote", slot.slot))
        .timestamp(stamp)
        .sequence(u32::from(slot.closed));
    let place = format!("{} · {}", slot.household_name, slot.plan_title);
    match (&slot.winner, slot.closed) {
        (Some(winner), _) => {
            event
                .summary(&format!("{meal}: {winner}"))
                .description(&format!(
                    "{place}\nChosen by the household from: {}.",
                    slot.options.join(", ")
                ))
                .status(EventStatus::Confirmed);
        }
        (None, true) => {
            event
                .summary(&format!("{meal}: no votes yet"))
                .description(&format!(
                    "{place}\nVoting closed without votes. Options: {}.",
                    slot.options.join(", ")
                ))
                .status(EventStatus::Tentative);
        }
        (None, false) => {
            event
                .summary(&format!("{meal}: {}?", either(&slot.options)))
                .description(&format!(
                    "{place}\nOptions: {}.\nVoting closes {}.",
                    slot.options.join(", "),
                    utc(slot.deadline_ms).format("%a %-d %b %Y %H:%M UTC")
                ))
                .status(EventStatus::Tentative);
        }
    }
    if let Some(origin) = origin {
        event.url(&format!(
            "{origin}{}",
            app::routes::ballot(&slot.household, &slot.slot)
        ));
    }
    let Ok(day) = Date::parse(&slot.day, format_description!("[year]-[month]-[day]")) else {
        return event.done();
    };
    match meal_time(&slot.meal) {
        Some(at) => {
            let offset = UtcOffset::from_whole_seconds(slot.utc_offset_minutes * 60)
                .unwrap_or(UtcOffset::UTC);
            let starts = day.with_time(at).assume_offset(offset);
            let ms = |t: OffsetDateTime| {
                i64::try_from(t.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
            };
            event
                .starts(utc(ms(starts)))
                .ends(utc(ms(starts + Duration::hours(1))));
        }
        None => {
            let date = |d: Date| {
                chrono::NaiveDate::from_ymd_opt(
                    d.year(),
                    u32::from(u8::from(d.month())),
                    u32::from(d.day()),
                )
            };
            if let (Some(start), Some(end)) = (date(day), day.next_day().and_then(date)) {
                event.starts(start).ends(end);
            }
        }
    }
    event.done()
}

/// The local time a meal is eaten at, for the meal names everyone knows.
fn meal_time(meal: &str) -> Option<Time> {
    match meal.trim().to_lowercase().as_str() {
        "breakfast" => Time::from_hms(8, 0, 0).ok(),
        "lunch" => Time::from_hms(12, 30, 0).ok(),
        "dinner" | "supper" => Time::from_hms(19, 0, 0).ok(),
        _ => None,
    }
}

fn utc(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

fn capitalized(meal: &str) -> String {
    let mut chars = meal.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// "Pasta, Curry or Soup".
fn either(options: &[String]) -> String {
    match options {
        [] => String::new(),
        [only] => only.clone(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use app::ids::{HouseholdId, SlotId};

    use super::*;

    fn slot(meal: &str, closed: bool, winner: Option<&str>) -> CalendarSlot {
        CalendarSlot {
            slot: SlotId::from_stored("s1".into()),
            household: HouseholdId::from_stored("h1".into()),
            household_name: "Home; sweet, home".into(),
            plan_title: "Next week".into(),
            day: "2026-11-24".into(),
            meal: meal.into(),
            utc_offset_minutes: 60,
            options: vec!["Pasta".into(), "Curry".into(), "Soup".into()],
            deadline_ms: 1_795_435_200_000,
            closed,
            winner: winner.map(str::to_owned),
        }
    }

    #[test]
    fn an_open_dinner_is_a_tentative_hour_at_seven_local_time_listing_the_options() {
        let feed = render(
            &[slot("dinner", false, None)],
            0,
            Some("https://mealvote.example"),
        );
        assert!(feed.contains("UID:s1@mealvote\r\n"), "{feed}");
        assert!(feed.contains("STATUS:TENTATIVE\r\n"));
        assert!(
            feed.contains("SUMMARY:Dinner: Pasta\\, Curry or Soup?\r\n"),
            "{feed}"
        );
        // 19:00 at UTC+1 is 18:00 UTC.
        assert!(feed.contains("DTSTART:20261124T180000Z\r\n"), "{feed}");
        assert!(feed.contains("DTEND:20261124T190000Z\r\n"));
        assert!(feed.contains("SEQUENCE:0\r\n"));
        assert!(
            feed.contains("Home\\; sweet\\, home"),
            "text is escaped: {feed}"
        );
        assert!(
            feed.lines().all(|line| line.len() <= 76),
            "lines are folded: {feed}"
        );
    }

    #[test]
    fn a_decided_slot_is_confirmed_with_its_winner_and_a_higher_sequence() {
        let feed = render(&[slot("lunch", true, Some("Curry"))], 0, None);
        assert!(feed.contains("SUMMARY:Lunch: Curry\r\n"), "{feed}");
        assert!(feed.contains("STATUS:CONFIRMED\r\n"));
        assert!(feed.contains("SEQUENCE:1\r\n"));
        assert!(feed.contains("DTSTART:20261124T113000Z\r\n"), "{feed}");
        assert!(!feed.contains("URL"), "no absolute base, no link");
    }

    #[test]
    fn an_unknown_meal_is_an_all_day_event() {
        let feed = render(&[slot("Brunch", true, None)], 0, None);
        assert!(feed.contains("DTSTART;VALUE=DATE:20261124\r\n"), "{feed}");
        assert!(feed.contains("DTEND;VALUE=DATE:20261125\r\n"));
        assert!(feed.contains("SUMMARY:Brunch: no votes yet\r\n"));
    }
}
