//! Who eats a meal, for the cook's reminder ("for 5"): one SQL function, so that attendance per
//! meal, when it exists, changes it in one place.

use crate::progress::read::expected_for_slot;

/// The SQL (a `select` of user ids) for the people eating meal `slot` of plan `plan` in household
/// `household` (SQL expressions): today the people the meal's progress counts
/// ([`expected_for_slot`]).
pub(crate) fn eaters_of_slot(slot: &str, plan: &str, household: &str) -> String {
    expected_for_slot(slot, plan, household)
}
