//! Who eats a meal, for the cook's reminder ("for 5", with the meal's guests added there) and for
//! "Use this ranking for all meals": the meal's attendees, asked in the one place attendance is.

/// The SQL (a `select` of user ids) for the people eating meal `slot` of plan `plan` in household
/// `household` (SQL expressions): its attendees ([`crate::attendance::attendees_of_slot`]).
pub(crate) fn eaters_of_slot(slot: &str, plan: &str, household: &str) -> String {
    crate::attendance::attendees_of_slot(slot, plan, household)
}
