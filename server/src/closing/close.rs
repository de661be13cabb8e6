//! The ways into a close. A slot closes when its deadline has passed (its own after a re-open,
//! else its plan's), or earlier, as soon as every expected voter who is still a member has a
//! ballot for it. Closing runs in one transaction whose first write bumps the slot's `revision`
//! ([`lock_slot`]), so ballots and closes of one slot take turns on both engines; the result row's
//! primary key makes a second close a no-op. The result is reproducible: the stored ballot file,
//! re-counted with the stored seed, gives the stored order (`mealvote tally FILE --seed SEED`).
//!
//! The paths (docs/architecture.md, decision 2): [`Store::settle_household`] runs before a
//! household's pages are read (lazy), [`Store::finalize_due`] serves `POST /internal/finalize-due`
//! and the ticker, and a ballot or a departure closes early in its own transaction
//! ([`close_if_everyone_voted`]).

use serde::Serialize;
use sqlx::{Any, Transaction};

use super::{
    ClosePath, Closed, commit,
    due::{DUE_SLOTS, read_slot},
    outcome,
};
use crate::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

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
pub(crate) async fn lock_slot(
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

/// Closes the slot at its deadline if that has passed, inside the caller's transaction, which has
/// taken the slot's turn ([`lock_slot`]), with the ballots and options it had then. `path` says
/// who noticed ([`ClosePath::Lazy`], [`ClosePath::Trigger`] or [`ClosePath::Ticker`]); the seed
/// does not depend on it. Empty: not due (or held by an earlier slot of a no-repeat plan), or
/// closed already; otherwise this slot first, then any it let close ([`then_ready`]).
pub(crate) async fn close_due(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
    path: ClosePath,
    now_ms: i64,
) -> Result<Vec<Closed>, StoreError> {
    debug_assert!(
        path != ClosePath::EveryoneVoted,
        "a deadline close says who noticed"
    );
    let row = read_slot(tx, slot).await?;
    if !row.due(now_ms) {
        return Ok(Vec::new());
    }
    let closed_at_ms = row.deadline_ms;
    let mut closed = vec![outcome::store(tx, &row, path, closed_at_ms, now_ms).await?];
    then_ready(tx, row.next_ready, now_ms, &mut closed).await?;
    Ok(closed)
}

/// Closes the slot now, before its deadline, if every expected voter who is still a member has a
/// ballot for it ([`ClosePath::EveryoneVoted`]); inside the caller's transaction, which has taken
/// the slot's turn. A slot nobody voted on does not close early. `None`: still open, past its
/// deadline (that close is [`close_due`]'s), held by an earlier slot of a no-repeat plan, or
/// closed already. Otherwise this slot first, then any it let close ([`then_ready`]).
pub(crate) async fn close_if_everyone_voted(
    tx: &mut Transaction<'_, Any>,
    slot: &str,
    now_ms: i64,
) -> Result<Vec<Closed>, StoreError> {
    let row = read_slot(tx, slot).await?;
    if !row.everyone_voted(now_ms) {
        return Ok(Vec::new());
    }
    let path = ClosePath::EveryoneVoted;
    let mut closed = vec![outcome::store(tx, &row, path, now_ms, now_ms).await?];
    then_ready(tx, row.next_ready, now_ms, &mut closed).await?;
    Ok(closed)
}

/// The closes a close lets happen, in the same transaction: in a no-repeat plan a later slot
/// that every attendee has ranked waits for the earlier ones (`due.rs`, `HELD`), so once this
/// one has its result the next such slot closes early, counted knowing this winner, and so on
/// down the plan. Slot turns are taken in the plan's order, as every closing path takes them,
/// so two closes never wait on each other.
async fn then_ready(
    tx: &mut Transaction<'_, Any>,
    mut next: Option<String>,
    now_ms: i64,
    closed: &mut Vec<Closed>,
) -> Result<(), StoreError> {
    while let Some(slot) = next.take() {
        lock_slot(tx, &slot, None).await?;
        let row = read_slot(tx, &slot).await?;
        if !row.everyone_voted(now_ms) {
            break;
        }
        let path = ClosePath::EveryoneVoted;
        closed.push(outcome::store(tx, &row, path, now_ms, now_ms).await?);
        next = row.next_ready;
    }
    Ok(())
}

/// Closes every slot of `household` that is past its deadline and has no result yet, inside the
/// caller's transaction (which has taken the household's turn, so its slot turns follow it), with
/// the ballots and options it had at the deadline. A vote past its deadline is over even if no
/// request has noticed yet: every write that changes who votes or which ballots stand (a removal,
/// leaving) calls this before changing anything, so the change cannot reach back into it.
pub(crate) async fn settle_due_in(
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
        closed.extend(close_due(tx, slot, ClosePath::Lazy, now_ms).await?);
    }
    Ok(closed)
}

impl Store {
    /// Closes one slot if it is due, in a transaction of its own (with any it let close).
    async fn close_slot(
        &self,
        slot: &str,
        path: ClosePath,
        now_ms: i64,
    ) -> Result<Vec<Closed>, StoreError> {
        let mut tx = self.begin().await?;
        if !lock_slot(&mut tx, slot, None).await? {
            return Ok(Vec::new());
        }
        let closed = close_due(&mut tx, slot, path, now_ms).await?;
        commit(tx, &closed).await?;
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
            match self.close_slot(slot, path, now_ms).await?.len() {
                0 => report.already_closed += 1,
                n => report.closed += u32::try_from(n).unwrap_or(u32::MAX),
            }
        }
        tracing::Span::current().record("closed", report.closed);
        Ok(report)
    }
}
