//! A member's private "can't eat" list (`app::cant_eat`, docs/cant_eat.md): the member's own
//! reads and changes ([`store`], always through their own [`crate::access::HouseholdAccess`]),
//! the service, and the one SQL the close and the ballot page read the lists of a meal's eaters
//! with ([`entries_of`]), inside statements they make anyway.

mod service;
pub mod store;

use app::{cant_eat::Entry, ids::OptionId};
use std::collections::BTreeSet;

/// The SQL (a `select` of `user_id`, `entry`) for the "can't eat" entries of the members
/// `users` (an SQL `select` of user ids) in household `household` (an SQL expression). An entry
/// is `f:<food key>` or `d:<dish id>` ([`parse_entry`]).
pub fn entries_of(users: &str, household: &str) -> String {
    format!(
        r"select cf.user_id, 'f:' || cf.food_key as entry from cant_eat_foods cf
          where cf.household_id = {household} and cf.user_id in ({users})
          union all
          select cd.user_id, 'd:' || cd.dish_id from cant_eat_dishes cd
          where cd.household_id = {household} and cd.user_id in ({users})"
    )
}

/// An entry as [`entries_of`] spells it.
pub fn parse_entry(entry: &str) -> Option<Entry> {
    if let Some(food) = entry.strip_prefix("f:") {
        Some(Entry::Food(food.to_owned()))
    } else {
        entry
            .strip_prefix("d:")
            .map(|dish| Entry::Dish(dish.to_owned()))
    }
}

/// The options ruled out by the entries of `users` among `entries` (member, entry).
pub fn ruled_out_for(
    options: &[app::cant_eat::OptionDish],
    entries: &[(String, Entry)],
    users: impl Fn(&str) -> bool,
) -> BTreeSet<OptionId> {
    let chosen: Vec<&Entry> = entries
        .iter()
        .filter(|(user, _)| users(user))
        .map(|(_, entry)| entry)
        .collect();
    app::cant_eat::ruled_out(options, chosen.iter().copied())
}
