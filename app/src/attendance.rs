//! Who eats each meal (docs/plans.md, "Who eats"): everyone the plan expects is eating a meal
//! unless they say "I'm out" for it (and can say "I'm back in") while it is open; the plan's
//! proposer says how many guests come. Only the people eating have their ballots counted and are
//! waited for, and the shopping list cooks for them and the guests. Attendance is not private:
//! the household sees who is out.

#[cfg(feature = "ssr")]
mod service;
mod view;

#[cfg(feature = "ssr")]
pub use service::AttendanceService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Attendance = std::sync::Arc<dyn AttendanceService>;

pub use view::AttendanceView;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::service::serve_in;
use crate::{
    error::{AppError, Field},
    ids::{HouseholdId, SlotId},
};

/// The most guests a meal can have.
pub const MAX_GUESTS: u32 = 20;

/// One meal's attendance as a page shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotAttendance {
    pub household_id: HouseholdId,
    pub slot_id: SlotId,
    /// The members who are out, by name, sorted.
    pub out: Vec<String>,
    /// The viewer is out.
    pub me_out: bool,
    pub guests: u32,
    /// Voting is open: attendance can still change.
    pub open: bool,
    /// The viewer proposed the plan (and voting is open): they set the guests.
    pub guests_editable: bool,
}

impl SlotAttendance {
    /// "Out: Bob. 2 guests." (empty when nobody is out and no guest comes).
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if !self.out.is_empty() {
            parts.push(format!("Out: {}.", crate::progress::names_text(&self.out)));
        }
        match self.guests {
            0 => {}
            1 => parts.push("1 guest.".to_owned()),
            n => parts.push(format!("{n} guests.")),
        }
        parts.join(" ")
    }
}

/// The guests field: a whole number from 0 to [`MAX_GUESTS`].
pub fn parse_guests(text: &str) -> Result<u32, AppError> {
    text.trim()
        .parse::<u32>()
        .ok()
        .filter(|guests| *guests <= MAX_GUESTS)
        .ok_or_else(|| {
            AppError::invalid(
                Field::Guests,
                format!("Guests must be a whole number from 0 to {MAX_GUESTS}."),
            )
        })
}

/// The `eating` field of [`set_attendance`]: `out` or `in`.
pub fn parse_eating(text: &str) -> Result<bool, AppError> {
    match text {
        "in" => Ok(true),
        "out" => Ok(false),
        _ => Err(AppError::BadRequest),
    }
}

/// "I'm out for this meal" (`eating` = `out`) or "I'm back in" (`in`), while the meal is open.
/// Marking out can complete "everyone eating has ranked" and close the vote at once. Without
/// JavaScript the form goes back to the page it was sent from.
#[server(endpoint = "set_attendance")]
pub async fn set_attendance(
    household_id: String,
    slot_id: String,
    eating: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |attendance: Attendance, req, household| async move {
            let slot = SlotId::try_from(slot_id)?;
            let eating = parse_eating(&eating)?;
            attendance.set_eating(&req, household, slot, eating).await
        },
    )
    .await
}

/// Sets a meal's guests (the plan's proposer, while the meal is open).
#[server(endpoint = "set_guests")]
pub async fn set_guests(
    household_id: String,
    slot_id: String,
    guests: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |attendance: Attendance, req, household| async move {
            let slot = SlotId::try_from(slot_id)?;
            let guests = parse_guests(&guests)?;
            attendance.set_guests(&req, household, slot, guests).await
        },
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guests_are_a_bounded_whole_number_and_the_message_names_the_bound() {
        assert_eq!(parse_guests(" 2 ").unwrap(), 2);
        assert_eq!(parse_guests("0").unwrap(), 0);
        assert_eq!(parse_guests("20").unwrap(), 20);
        for bad in ["21", "-1", "two", "", "1.5"] {
            let error = parse_guests(bad).unwrap_err();
            assert_eq!(
                error.to_string(),
                "Guests must be a whole number from 0 to 20.",
                "{bad}"
            );
            assert!(error.for_field(Field::Guests).is_some());
        }
    }

    #[test]
    fn the_summary_names_who_is_out_and_the_guests() {
        let attendance = SlotAttendance {
            household_id: HouseholdId::try_from("00000000-0000-4000-8000-000000000000".to_owned())
                .unwrap(),
            slot_id: SlotId::try_from("00000000-0000-4000-8000-000000000001".to_owned()).unwrap(),
            out: vec!["Bob".to_owned()],
            me_out: false,
            guests: 2,
            open: true,
            guests_editable: false,
        };
        assert_eq!(attendance.summary(), "Out: Bob. 2 guests.");
    }
}
