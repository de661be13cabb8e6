//! Reading a meal's progress: who of the people eating has ranked it and its latest nudge. One
//! statement for all of a plan's meals ([`plan_progress`], inside the plan page's read); the ballot page reads the same
//! for its one meal inside its own second statement (`plans/ballots.rs`), with the same SQL parts.

use std::{collections::HashMap, sync::LazyLock};

use app::progress::{NUDGE_INTERVAL_MS, NudgeView, SlotProgress};

use crate::{access::HouseholdAccess, attendance::attendees_of_slot, db::StoreError};

/// The SQL (a `select` of user ids) for the people eating meal `slot` of plan `plan` in household
/// `household` (SQL expressions): [`attendees_of_slot`], the same people a vote waits for
/// (`closing::still_missing`) and whose ballots it counts.
pub(crate) fn expected_for_slot(slot: &str, plan: &str, household: &str) -> String {
    attendees_of_slot(slot, plan, household)
}

/// The SQL condition that nudge `n` is its meal's latest.
pub(crate) const LATEST_NUDGE: &str = r"n.id = (select n2.id from nudges n2 where n2.slot_id = n.slot_id
                                  order by n2.nudged_at desc, n2.id desc limit 1)";

/// Someone eating a meal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Attendee {
    pub user: String,
    pub name: String,
    pub ranked: bool,
}

/// A meal's progress from its attendees (in the order to show them) and latest nudge (its
/// members' names and time), for `viewer`, who may nudge while the meal is `open`.
pub(crate) fn slot_progress(
    attendees: &[Attendee],
    nudge: Option<NudgeView>,
    viewer: &str,
    open: bool,
    now_ms: i64,
) -> SlotProgress {
    let names = |ranked: bool| -> Vec<String> {
        attendees
            .iter()
            .filter(|a| a.ranked == ranked)
            .map(|a| a.name.clone())
            .collect()
    };
    let nudged_lately = nudge
        .as_ref()
        .is_some_and(|nudge| nudge.at_ms > now_ms - NUDGE_INTERVAL_MS);
    let nudgeable = if open && !nudged_lately {
        attendees
            .iter()
            .filter(|a| !a.ranked && a.user != viewer)
            .map(|a| a.name.clone())
            .collect()
    } else {
        Vec::new()
    };
    SlotProgress {
        ranked: names(true),
        waiting: names(false),
        nudge,
        nudgeable,
    }
}

/// One row of [`plan_progress`]: an attendee (`part` 0), a member of the latest nudge (1,
/// nudged at `at`) or a member who is out (2).
#[derive(sqlx::FromRow)]
struct ProgressRow {
    slot_id: String,
    part: i64,
    user_id: String,
    name: String,
    ranked: i64,
    at: i64,
}

/// One meal's people: its attendees, its latest nudge, and who is out (id, name).
#[derive(Default)]
pub(crate) struct SlotPeople {
    pub attendees: Vec<Attendee>,
    pub nudge: Option<NudgeView>,
    pub out: Vec<(String, String)>,
}

/// Each meal's people.
pub(crate) type PlanProgress = HashMap<String, SlotPeople>;

/// Every meal of `plan`: who is eating, whether they have ranked it, its latest nudge, and who
/// is out; one statement on the caller's connection.
pub(crate) async fn plan_progress(
    conn: &mut sqlx::AnyConnection,
    access: &HouseholdAccess,
    plan: &str,
) -> Result<PlanProgress, StoreError> {
    static STATEMENT: LazyLock<String> = LazyLock::new(|| {
        format!(
            r"select s.id as slot_id, cast(0 as bigint) as part, u.id as user_id,
                 u.display_name as name, lower(u.display_name) as sort_name,
                 cast(case when exists (select 1 from ballots b
                                        where b.slot_id = s.id and b.user_id = u.id)
                      then 1 else 0 end as bigint) as ranked,
                 cast(0 as bigint) as at
          from slots s join plans p on p.id = s.plan_id
          join users u on u.id in ({expected})
          where s.plan_id = $1 and p.household_id = $2
          union all
          select n.slot_id, cast(1 as bigint), u.id, u.display_name, lower(u.display_name),
                 cast(0 as bigint), n.nudged_at
          from nudges n join slots s on s.id = n.slot_id join plans p on p.id = s.plan_id
          join nudged_members nm on nm.nudge_id = n.id join users u on u.id = nm.user_id
          where s.plan_id = $1 and p.household_id = $2 and {LATEST_NUDGE}
          union all
          select a.slot_id, cast(2 as bigint), u.id, u.display_name, lower(u.display_name),
                 cast(0 as bigint), cast(0 as bigint)
          from slot_absences a join slots s on s.id = a.slot_id join plans p on p.id = s.plan_id
          join memberships m on m.user_id = a.user_id and m.household_id = p.household_id
          join users u on u.id = a.user_id
          where s.plan_id = $1 and p.household_id = $2
          order by slot_id, part, sort_name, user_id",
            expected = expected_for_slot("s.id", "p.id", "p.household_id"),
        )
    });
    let rows: Vec<ProgressRow> = sqlx::query_as(STATEMENT.as_str())
        .bind(plan)
        .bind(access.household_id().as_str())
        .fetch_all(&mut *conn)
        .await?;
    let mut progress = PlanProgress::new();
    for row in rows {
        let people = progress.entry(row.slot_id).or_default();
        match row.part {
            0 => people.attendees.push(Attendee {
                user: row.user_id,
                name: row.name,
                ranked: row.ranked == 1,
            }),
            1 => people
                .nudge
                .get_or_insert_with(|| NudgeView {
                    names: Vec::new(),
                    at_ms: row.at,
                })
                .names
                .push(row.name),
            _ => people.out.push((row.user_id, row.name)),
        }
    }
    Ok(progress)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attendee(user: &str, ranked: bool) -> Attendee {
        Attendee {
            user: user.to_owned(),
            name: user.to_uppercase(),
            ranked,
        }
    }

    #[test]
    fn the_viewer_never_nudges_themselves_and_a_recent_nudge_waits_its_twelve_hours() {
        let people = [
            attendee("ada", true),
            attendee("bob", false),
            attendee("cy", false),
        ];
        let open = slot_progress(&people, None, "bob", true, 1_000);
        assert_eq!(open.ranked, ["ADA"]);
        assert_eq!(open.waiting, ["BOB", "CY"]);
        assert_eq!(open.nudgeable, ["CY"], "Bob is not nudged by his own press");
        let nudge = NudgeView {
            names: vec!["CY".to_owned()],
            at_ms: 0,
        };
        let soon = slot_progress(
            &people,
            Some(nudge.clone()),
            "ada",
            true,
            NUDGE_INTERVAL_MS - 1,
        );
        assert!(soon.nudgeable.is_empty(), "12 hours have not passed");
        // Twelve hours to the millisecond after the last nudge, the next one may go (the store's
        // rule in `nudge.rs` is the same: blocked while `at > now - 12 h`).
        let later = slot_progress(&people, Some(nudge), "ada", true, NUDGE_INTERVAL_MS);
        assert_eq!(later.nudgeable, ["BOB", "CY"]);
        let closed = slot_progress(&people, None, "ada", false, 1_000);
        assert!(closed.nudgeable.is_empty(), "a closed meal is not nudged");
    }
}
