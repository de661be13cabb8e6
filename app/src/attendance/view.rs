//! One meal's attendance on the plan and ballot pages: who is out, the guests, "I'm out for this
//! meal" / "I'm back in", and the proposer's guests field. Plain forms: no JavaScript needed.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{MAX_GUESTS, SetAttendance, SetGuests, SlotAttendance};

/// The meal's attendance and its forms (the forms only while it is open).
#[component]
pub fn AttendanceView(attendance: SlotAttendance) -> impl IntoView {
    let summary = attendance.summary();
    let household = attendance.household_id.to_string();
    let slot = attendance.slot_id.to_string();
    let toggle = attendance.open.then(|| {
        let (eating, label) = if attendance.me_out {
            ("in", "I'm back in")
        } else {
            ("out", "I'm out for this meal")
        };
        view! {
            <form method="post" action=SetAttendance::PATH class="attendance-toggle">
                <input type="hidden" name="household_id" value=household.clone() />
                <input type="hidden" name="slot_id" value=slot.clone() />
                <input type="hidden" name="eating" value=eating />
                <button type="submit" class="secondary">{label}</button>
            </form>
        }
    });
    let guests = attendance.guests_editable.then(|| {
        let id = format!("guests-{slot}");
        view! {
            <form method="post" action=SetGuests::PATH class="guests">
                <input type="hidden" name="household_id" value=household.clone() />
                <input type="hidden" name="slot_id" value=slot.clone() />
                <label for=id.clone()>"Guests"</label>
                <input type="number" id=id name="guests" min="0" max=MAX_GUESTS.to_string()
                    step="1" value=attendance.guests.to_string() inputmode="numeric" />
                <button type="submit" class="secondary">"Save guests"</button>
            </form>
        }
    });
    view! {
        <div class="attendance">
            {(!summary.is_empty()).then(|| view! { <p class="attendance-summary">{summary}</p> })}
            {toggle}
            {guests}
        </div>
    }
}
