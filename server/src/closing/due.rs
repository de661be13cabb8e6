//! Whether a slot closes, read in one statement inside the closing transaction: its deadline, and
//! whether everyone expected has voted. "Everyone has voted" has one definition,
//! [`still_missing`], which the ballot's own read inlines too (`plans/ballots.rs`), so a ballot
//! asks it without a statement of its own.

use std::sync::LazyLock;

use sqlx::{Any, Transaction};

use crate::db::StoreError;

/// The SQL expression counting slot `s`'s expected voters (of plan `p`) who are still members of
/// its household and have no ballot for it, leaving out the member `besides` (an SQL expression;
/// `''` leaves out nobody). Everyone has voted when it is 0.
pub(crate) fn still_missing(besides: &str) -> String {
    format!(
        r"(select cast(count(*) as bigint) from plan_voters v
          join memberships m on m.user_id = v.user_id and m.household_id = p.household_id
          where v.plan_id = p.id and v.user_id <> {besides}
            and not exists (select 1 from ballots b where b.slot_id = s.id and b.user_id = v.user_id))"
    )
}

/// A slot being closed, with its plan and what decides whether it closes.
#[derive(sqlx::FromRow)]
pub(super) struct SlotRow {
    pub id: String,
    pub plan: String,
    pub household: String,
    /// The slot's own deadline after a re-open, else the plan's.
    pub deadline_ms: i64,
    pub day: String,
    pub meal: String,
    /// 1 once the slot has a result.
    pub closed: i64,
    pub ballots: i64,
    /// [`still_missing`], nobody left out.
    pub missing: i64,
    /// The people eating: the plan's expected voters (the shopping list scales to them).
    pub eaters: i64,
}

impl SlotRow {
    /// Past its deadline at `now_ms` and still without a result.
    pub fn due(&self, now_ms: i64) -> bool {
        self.closed == 0 && self.deadline_ms <= now_ms
    }

    /// Open before its deadline, with at least one ballot and nobody expected still missing.
    pub fn everyone_voted(&self, now_ms: i64) -> bool {
        self.closed == 0 && self.deadline_ms > now_ms && self.ballots > 0 && self.missing == 0
    }
}

static SLOT: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select s.id, p.id as plan, p.household_id as household,
                 coalesce(s.deadline_at, p.deadline_at) as deadline_ms, s.day, s.meal,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 (select cast(count(*) as bigint) from ballots b where b.slot_id = s.id) as ballots,
                 {} as missing,
                 (select cast(count(*) as bigint) from plan_voters v where v.plan_id = p.id)
                     as eaters
          from slots s join plans p on p.id = s.plan_id where s.id = $1",
        still_missing("''")
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

/// Slots past their deadline without a result, soonest deadline first; `household` narrows it.
pub(super) const DUE_SLOTS: &str = r"select s.id from slots s join plans p on p.id = s.plan_id
    where coalesce(s.deadline_at, p.deadline_at) <= $1
      and ($2 = '' or p.household_id = $2)
      and not exists (select 1 from slot_results r where r.slot_id = s.id)
    order by coalesce(s.deadline_at, p.deadline_at), s.id
    limit $3";
