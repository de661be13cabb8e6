//! Closing votes (`docs/closing.md`): one function closes a slot, whichever path calls it.
//!
//! A slot closes when its deadline has passed (its own after a re-open, else its plan's), or
//! earlier, as soon as every expected voter who is still a member has a ballot for it. Closing
//! runs in one transaction whose first write bumps the slot's `revision`, so ballots and closes
//! of one slot take turns on both engines; the result row's primary key makes a second close a
//! no-op. The result is reproducible: the stored ballot file, re-counted with the stored seed,
//! gives the stored order (`mealvote tally FILE --seed SEED`).
//!
//! The paths (docs/architecture.md, decision 2): [`Store::settle_household`] runs before a household's pages
//! are read (lazy), [`Store::finalize_due`] serves `POST /internal/finalize-due` and the ticker,
//! and [`super::BallotDraft::save`] closes early in the ballot's own transaction.

use app::ids::{HouseholdId, OptionId, SlotId};
use serde::Serialize;
use sqlx::{Any, Transaction};

use super::{
    HouseholdAccess, Store, StoreError,
    outbox::{Event, EventKind, record_event},
};
use crate::closing::{
    ClosePath,
    count::{count_ballots, new_salt},
    count_closed,
};

/// One slot this call closed (a slot someone else closed first is not reported).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Closed {
    pub slot: SlotId,
    pub household: HouseholdId,
    pub path: ClosePath,
    pub winner: Option<OptionId>,
    /// The Schulze method left a tie that the seeded lot broke.
    pub by_lot: bool,
}

/// What one [`Store::finalize_due`] batch did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct FinalizeReport {
    /// Slots this batch closed.
    pub closed: u32,
    /// Due slots that another request closed first.
    pub already_closed: u32,
    /// Due slots left for the next batch (the batch size was reached).
    pub remaining: u32,
}

/// Takes the slot's turn: must be the transaction's first statement, so ballots and closes of one
/// slot are serialized. (On SQLite a transaction that reads before it writes can fail with "database
/// is locked" when another writer commits in between; writing first waits its turn instead.)
/// `household`, when given, must own the slot. False when there is no such slot.
pub(super) async fn lock_slot(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
    household: Option<&str>,
) -> Result<bool, StoreError> {
    let locked = sqlx::query(
        r"update slots set revision = revision + 1
          where id = $1 and ($2 = '' or plan_id in (select id from plans where household_id = $2))",
    )
    .bind(slot)
    .bind(household.unwrap_or(""))
    .execute(&mut **tx)
    .await?;
    Ok(locked.rows_affected() == 1)
}

/// Whether the slot has a stored result.
pub(super) async fn is_closed(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
) -> Result<bool, StoreError> {
    let found: Option<i64> =
        sqlx::query_scalar(r"select cast(1 as bigint) from slot_results where slot_id = $1")
            .bind(slot)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.is_some())
}

/// The slot being closed, with its plan.
#[derive(sqlx::FromRow)]
struct SlotRow {
    plan: String,
    household: String,
    /// The slot's own deadline after a re-open, else the plan's.
    deadline_ms: i64,
    day: String,
    meal: String,
}

/// Closes the slot if it is due, inside the caller's transaction, which has taken the slot's
/// turn ([`lock_slot`]). `path` names the caller for a close at the deadline; an early close is
/// always [`ClosePath::EveryoneVoted`]. `None`: not due, or closed already.
pub(super) async fn close_if_due(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
    path: ClosePath,
    now_ms: i64,
) -> Result<Option<Closed>, StoreError> {
    if is_closed(tx, slot).await? {
        return Ok(None);
    }
    let SlotRow {
        plan,
        household,
        deadline_ms,
        day,
        meal,
    } = sqlx::query_as(
        r"select p.id as plan, p.household_id as household,
                 coalesce(s.deadline_at, p.deadline_at) as deadline_ms, s.day, s.meal
          from slots s join plans p on p.id = s.plan_id where s.id = $1",
    )
    .bind(slot)
    .fetch_optional(&mut **tx)
    .await?
    .ok_or(StoreError::NotFound)?;
    let ballots: Vec<(String, String)> =
        sqlx::query_as(r"select user_id, ranking from ballots where slot_id = $1 order by user_id")
            .bind(slot)
            .fetch_all(&mut **tx)
            .await?;
    let (closed_at_ms, path) = if deadline_ms <= now_ms {
        // Closed at the deadline, whichever path noticed: the seed does not depend on it.
        (deadline_ms, path)
    } else {
        let missing: i64 = sqlx::query_scalar(
            r"select cast(count(*) as bigint) from plan_voters v
              join memberships m on m.user_id = v.user_id and m.household_id = $2
              where v.plan_id = $1
                and not exists (select 1 from ballots b where b.slot_id = $3 and b.user_id = v.user_id)",
        )
        .bind(&plan)
        .bind(&household)
        .bind(slot)
        .fetch_one(&mut **tx)
        .await?;
        if missing > 0 || ballots.is_empty() {
            return Ok(None);
        }
        (now_ms, ClosePath::EveryoneVoted)
    };

    let options: Vec<(String, String)> = sqlx::query_as(
        r"select o.id, d.name from slot_options o join dishes d on d.id = o.dish_id
          where o.slot_id = $1 order by o.position",
    )
    .bind(slot)
    .fetch_all(&mut **tx)
    .await?;
    let counted = count_ballots(slot, closed_at_ms, &new_salt()?, &options, &ballots)?;
    let winner = counted.order.first().cloned();
    let order_json = serde_json::to_string(&counted.order)
        .map_err(|_| StoreError::Corrupt("slot_results.final_order"))?;
    sqlx::query(
        r"insert into slot_results (slot_id, closed_at, close_path, ballot_count, ballots_digest,
                                    seed, winner_option_id, final_order, tie_break, export)
          values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(slot)
    .bind(closed_at_ms)
    .bind(path.label())
    .bind(i64::try_from(ballots.len()).unwrap_or(i64::MAX))
    .bind(&counted.digest)
    .bind(counted.seed.to_string())
    .bind(winner.as_ref().map(OptionId::as_str))
    .bind(&order_json)
    .bind(&counted.tie_break)
    .bind(&counted.export)
    .execute(&mut **tx)
    .await?;

    let winner_name = winner.as_ref().and_then(|id| {
        options
            .iter()
            .find(|(option, _)| option == id.as_str())
            .map(|(_, name)| name.clone())
    });
    record_event(
        tx,
        Event {
            household: &household,
            kind: EventKind::SlotClosed,
            actor: None,
            plan: Some(&plan),
            slot: Some(slot),
            data: serde_json::json!({
                "day": day,
                "meal": meal,
                "winner": winner_name,
                "ballots": ballots.len(),
                "closed_by": path.label(),
                "by_lot": counted.by_lot,
            }),
        },
        now_ms,
    )
    .await?;
    let open_slots: i64 = sqlx::query_scalar(
        r"select cast(count(*) as bigint) from slots s
          where s.plan_id = $1 and not exists (select 1 from slot_results r where r.slot_id = s.id)",
    )
    .bind(&plan)
    .fetch_one(&mut **tx)
    .await?;
    if open_slots == 0 {
        record_event(
            tx,
            Event {
                household: &household,
                kind: EventKind::PlanDecided,
                actor: None,
                plan: Some(&plan),
                slot: None,
                data: serde_json::json!({}),
            },
            now_ms,
        )
        .await?;
    }
    Ok(Some(Closed {
        slot: SlotId::from_stored(slot.to_owned()),
        household: HouseholdId::from_stored(household),
        path,
        winner,
        by_lot: counted.by_lot,
    }))
}

/// Slots past their deadline without a result, soonest deadline first; `household` narrows it.
const DUE_SLOTS: &str = r"select s.id from slots s join plans p on p.id = s.plan_id
    where coalesce(s.deadline_at, p.deadline_at) <= $1
      and ($2 = '' or p.household_id = $2)
      and not exists (select 1 from slot_results r where r.slot_id = s.id)
    order by coalesce(s.deadline_at, p.deadline_at), s.id
    limit $3";

/// Closes every slot of `household` that is past its deadline and has no result yet, inside the
/// caller's transaction (which has taken the household's turn, so its slot turns follow it), with
/// the ballots and options it had at the deadline. A vote past its deadline is over even if no
/// request has noticed yet: every write that changes who votes or which ballots stand (a removal,
/// leaving) calls this before changing anything, so the change cannot reach back into it.
pub(super) async fn settle_due_in(
    tx: &mut Transaction<'_, Any>,
    household: &str,
    now_ms: i64,
) -> Result<Vec<Closed>, StoreError> {
    let due: Vec<String> = sqlx::query_scalar(DUE_SLOTS)
        .bind(now_ms)
        .bind(household)
        .bind(i64::MAX)
        .fetch_all(&mut **tx)
        .await?;
    let mut closed = Vec::new();
    for slot in &due {
        lock_slot(tx, slot, None).await?;
        closed.extend(close_if_due(tx, slot, ClosePath::Lazy, now_ms).await?);
    }
    Ok(closed)
}

impl Store {
    /// Closes one slot if it is due, in a transaction of its own.
    async fn close_slot(
        &self,
        slot: &str,
        path: ClosePath,
        now_ms: i64,
    ) -> Result<Option<Closed>, StoreError> {
        let mut tx = self.begin().await?;
        if !lock_slot(&mut tx, slot, None).await? {
            return Ok(None);
        }
        let closed = close_if_due(&mut tx, slot, path, now_ms).await?;
        tx.commit().await?;
        if let Some(closed) = &closed {
            count_closed(closed);
        }
        Ok(closed)
    }

    /// The lazy path: closes this household's slots whose deadline has passed. Pages call it
    /// before they read, so nobody sees an overdue slot as open. One indexed query when nothing
    /// is due.
    #[tracing::instrument(name = "store.settle_household", skip_all)]
    pub async fn settle_household(
        &self,
        access: &HouseholdAccess,
        now_ms: i64,
    ) -> Result<Vec<Closed>, StoreError> {
        let due: Vec<String> = sqlx::query_scalar(DUE_SLOTS)
            .bind(now_ms)
            .bind(access.household_id().as_str())
            .bind(1000_i64)
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let mut closed = Vec::new();
        for slot in due {
            closed.extend(self.close_slot(&slot, ClosePath::Lazy, now_ms).await?);
        }
        Ok(closed)
    }

    /// The trigger and ticker path: closes up to `limit` due slots of every household. Retried
    /// once on a connection the database had ended: closing is idempotent, so slots a first
    /// attempt closed are simply not due any more.
    #[tracing::instrument(name = "store.finalize_due", skip_all, fields(closed))]
    pub async fn finalize_due(
        &self,
        path: ClosePath,
        now_ms: i64,
        limit: u32,
    ) -> Result<FinalizeReport, StoreError> {
        self.retry_once(|| self.finalize_due_once(path, now_ms, limit))
            .await
    }

    async fn finalize_due_once(
        &self,
        path: ClosePath,
        now_ms: i64,
        limit: u32,
    ) -> Result<FinalizeReport, StoreError> {
        let due: Vec<String> = sqlx::query_scalar(DUE_SLOTS)
            .bind(now_ms)
            .bind("")
            .bind(i64::from(limit) + 1)
            .fetch_all(&mut *self.acquire().await?)
            .await?;
        let mut report = FinalizeReport {
            remaining: u32::from(due.len() > limit as usize),
            ..FinalizeReport::default()
        };
        for slot in due.iter().take(limit as usize) {
            match self.close_slot(slot, path, now_ms).await? {
                Some(_) => report.closed += 1,
                None => report.already_closed += 1,
            }
        }
        tracing::Span::current().record("closed", report.closed);
        Ok(report)
    }
}
