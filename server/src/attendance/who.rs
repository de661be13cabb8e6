//! Who eats a meal: the one answer every reader asks ([`attendees_of_slot`]). The close counts
//! only their ballots and waits only for them (`closing::due`), the live progress and the nudges
//! list them (`progress`), and the shopping list cooks for them plus the meal's guests.

/// The SQL (a `select` of one `user_id` column) for the people eating meal `slot` of plan `plan`
/// in household `household` (SQL expressions): the household's members who either were expected
/// when the plan was proposed or have ranked the meal since, less those who said "I'm out" for it.
/// A member who marks out keeps their ballot; it stops counting until they are back in.
pub fn attendees_of_slot(slot: &str, plan: &str, household: &str) -> String {
    format!(
        r"select am.user_id from memberships am
          where am.household_id = {household}
            and (am.user_id in (select av.user_id from plan_voters av where av.plan_id = {plan})
                 or exists (select 1 from ballots ab
                            where ab.slot_id = {slot} and ab.user_id = am.user_id))
            and not exists (select 1 from slot_absences aa
                            where aa.slot_id = {slot} and aa.user_id = am.user_id)"
    )
}

/// The SQL condition that member `user` (an SQL expression) said "I'm out" for meal `slot`.
pub fn is_out(slot: &str, user: &str) -> String {
    format!(
        "exists (select 1 from slot_absences oa where oa.slot_id = {slot} and oa.user_id = {user})"
    )
}
