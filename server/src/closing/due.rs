//! Whether a slot closes, read in one statement inside the closing transaction: its deadline, and
//! whether everyone expected has voted. "Everyone has voted" has one definition,
//! [`still_missing`], which the ballot's own read inlines too (`plans/ballots.rs`), so a ballot
//! asks it without a statement of its own.

use std::sync::LazyLock;

use sqlx::{Any, Transaction};

use crate::{attendance::attendees_of_slot, db::StoreError};

/// The SQL expression counting slot `s`'s attendees (of plan `p`,
/// [`attendees_of_slot`]) who have no ballot for it, leaving out the member `besides` (an SQL
/// expression; `''` leaves out nobody). Everyone has voted when it is 0.
pub(crate) fn still_missing(besides: &str) -> String {
    format!(
        r"(select cast(count(*) as bigint) from ({attendees}) mv
          where mv.user_id <> {besides}
            and not exists (select 1 from ballots b where b.slot_id = s.id and b.user_id = mv.user_id))",
        attendees = attendees_of_slot("s.id", "p.id", "p.household_id"),
    )
}

/// The SQL condition that slot `s` of plan `p` waits for an earlier slot: the plan forbids
/// repeats and an earlier slot (by day, then meal) has no result and a deadline no later than
/// `s`'s. Such a slot closes neither early nor at its deadline until the earlier one has, so it
/// is counted knowing every earlier winner (docs/closing.md, "No repeats within a plan").
const HELD: &str = r"p.no_repeats = 1 and exists (
      select 1 from slots e where e.plan_id = p.id and e.position < s.position
        and coalesce(e.deadline_at, p.deadline_at) <= coalesce(s.deadline_at, p.deadline_at)
        and not exists (select 1 from slot_results er where er.slot_id = e.id))";

/// A slot being closed, with its plan and what decides whether it closes.
#[derive(sqlx::FromRow)]
pub(super) struct SlotRow {
    pub id: String,
    pub plan: String,
    pub household: String,
    /// The plan's proposer, told when no option suits everyone eating.
    pub proposer: String,
    /// The slot's own deadline after a re-open, else the plan's.
    pub deadline_ms: i64,
    pub day: String,
    pub meal: String,
    /// 1 once the slot has a result.
    pub closed: i64,
    /// Ballots that count: the attendees'.
    pub ballots: i64,
    /// [`still_missing`], nobody left out.
    pub missing: i64,
    /// The people eating: the attendees and the meal's guests (the shopping list scales to them).
    pub eaters: i64,
    /// 1 when the plan forbids a dish winning twice.
    pub no_repeats: i64,
    /// The slot's place in its plan (day, then meal).
    pub position: i64,
    /// 1 while an earlier slot holds it ([`HELD`]).
    pub held: i64,
    /// The plan's next open slot, when every attendee of it has ranked it already: it closes
    /// right after this one ([`super::close`]'s cascade). Only in a no-repeat plan.
    pub next_ready: Option<String>,
}

impl SlotRow {
    /// Past its deadline at `now_ms` and still without a result.
    pub fn due(&self, now_ms: i64) -> bool {
        self.closed == 0 && self.deadline_ms <= now_ms && self.held == 0
    }

    /// Open before its deadline, with at least one ballot and nobody expected still missing.
    pub fn everyone_voted(&self, now_ms: i64) -> bool {
        self.closed == 0
            && self.deadline_ms > now_ms
            && self.ballots > 0
            && self.missing == 0
            && self.held == 0
    }
}

static SLOT: LazyLock<String> = LazyLock::new(|| {
    let attendees = attendees_of_slot("s.id", "p.id", "p.household_id");
    let next_attendees = attendees_of_slot("n.id", "p.id", "p.household_id");
    format!(
        r"select s.id, p.id as plan, p.household_id as household, p.proposed_by as proposer,
                 coalesce(s.deadline_at, p.deadline_at) as deadline_ms, s.day, s.meal,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 (select cast(count(*) as bigint) from ballots b
                  where b.slot_id = s.id and b.user_id in ({attendees})) as ballots,
                 {missing} as missing,
                 (select cast(count(*) as bigint) from ({attendees}) ea) + s.guests as eaters,
                 cast(p.no_repeats as bigint) as no_repeats, s.position,
                 cast(case when {HELD} then 1 else 0 end as bigint) as held,
                 (select n.id from slots n
                  where p.no_repeats = 1 and n.plan_id = p.id and n.position > s.position
                    and not exists (select 1 from slot_results nr where nr.slot_id = n.id)
                    and exists (select 1 from ballots nb where nb.slot_id = n.id
                                and nb.user_id in ({next_attendees}))
                    and not exists (select 1 from ({next_attendees}) nv
                                    where not exists (select 1 from ballots nb2
                                                      where nb2.slot_id = n.id
                                                        and nb2.user_id = nv.user_id))
                    and n.position = (select min(n2.position) from slots n2
                                      where n2.plan_id = p.id and n2.position > s.position
                                        and not exists (select 1 from slot_results nr2
                                                        where nr2.slot_id = n2.id))) as next_ready
          from slots s join plans p on p.id = s.plan_id where s.id = $1",
        missing = still_missing("''"),
    )
});

/// The slot, read after its turn was taken ([`super::lock_slot`]).
pub(super) async fn read_slot(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
) -> Result<SlotRow, StoreError> {
    sqlx::query_as(SLOT.as_str())
        .bind(slot)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Slots past their deadline without a result, soonest deadline first, then each plan's in day
/// and meal order (so that a no-repeat plan's earlier slot closes first); `household` narrows it.
pub(super) const DUE_SLOTS: &str = r"select s.id from slots s join plans p on p.id = s.plan_id
    where coalesce(s.deadline_at, p.deadline_at) <= $1
      and ($2 = '' or p.household_id = $2)
      and not exists (select 1 from slot_results r where r.slot_id = s.id)
    order by coalesce(s.deadline_at, p.deadline_at), p.id, s.position, s.id
    limit $3";
