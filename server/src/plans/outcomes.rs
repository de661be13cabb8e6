//! Stored outcomes of closed slots, as pages and downloads read them, and re-opening a slot
//! that closed without a winner. Closing itself: `crate::closing`.

use app::ids::{OptionId, PlanId, SlotId};
use app::tally::Seed;

use app::plans::{DishName, OptionNames};

use super::{dishes::library_dishes, store::require_manager};
use crate::{
    access::HouseholdAccess,
    closing::{count::BallotFile, lock_slot},
    db::{PlanRule, Store, StoreError},
};

/// A closed slot's stored outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredOutcome {
    pub slot: SlotId,
    pub closed_at_ms: i64,
    /// [`ClosePath::label`](crate::closing::ClosePath::label) of the path that closed it.
    pub path: String,
    pub ballot_count: u32,
    /// SHA-256 (hex) of [`Self::export`].
    pub digest: String,
    pub seed: Seed,
    /// `None` when nobody voted.
    pub winner: Option<OptionId>,
    /// Every option, best first; empty when nobody voted.
    pub order: Vec<OptionId>,
    /// The tie-break record as JSON (`null` when nobody voted).
    pub tie_break: String,
    /// The ballot file ([`BallotFile`]) as served for download.
    pub export: String,
}

impl StoredOutcome {
    pub fn ballot_file(&self) -> Result<BallotFile, StoreError> {
        serde_json::from_str(&self.export).map_err(|_| StoreError::Corrupt("slot_results.export"))
    }
}

/// A `slot_results` row as read.
#[derive(sqlx::FromRow)]
struct OutcomeRow {
    slot_id: String,
    closed_at: i64,
    close_path: String,
    ballot_count: i64,
    ballots_digest: String,
    seed: String,
    winner_option_id: Option<String>,
    final_order: String,
    tie_break: String,
    export: String,
}

impl OutcomeRow {
    fn outcome(self) -> Result<StoredOutcome, StoreError> {
        Ok(StoredOutcome {
            slot: SlotId::from_stored(self.slot_id),
            closed_at_ms: self.closed_at,
            path: self.close_path,
            ballot_count: u32::try_from(self.ballot_count).unwrap_or(u32::MAX),
            digest: self.ballots_digest,
            seed: self
                .seed
                .parse()
                .map_err(|_| StoreError::Corrupt("slot_results.seed"))?,
            winner: self.winner_option_id.map(OptionId::from_stored),
            order: serde_json::from_str(&self.final_order)
                .map_err(|_| StoreError::Corrupt("slot_results.final_order"))?,
            tie_break: self.tie_break,
            export: self.export,
        })
    }
}

impl Store {
    /// A closed slot's stored outcome, for a slot of this household; `None` while it is open.
    #[tracing::instrument(name = "store.slot_outcome", skip_all)]
    pub async fn slot_outcome(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
    ) -> Result<Option<StoredOutcome>, StoreError> {
        let mut outcomes = self.outcomes(access, None, Some(slot)).await?;
        Ok(outcomes.pop())
    }

    /// The stored outcomes of a plan's closed slots, in slot order.
    #[tracing::instrument(name = "store.plan_outcomes", skip_all)]
    pub async fn plan_outcomes(
        &self,
        access: &HouseholdAccess,
        plan: &PlanId,
    ) -> Result<Vec<StoredOutcome>, StoreError> {
        self.outcomes(access, Some(plan), None).await
    }

    async fn outcomes(
        &self,
        access: &HouseholdAccess,
        plan: Option<&PlanId>,
        slot: Option<&SlotId>,
    ) -> Result<Vec<StoredOutcome>, StoreError> {
        let rows: Vec<OutcomeRow> = sqlx::query_as(
            r"select r.slot_id, r.closed_at, r.close_path, r.ballot_count, r.ballots_digest, r.seed,
                     r.winner_option_id, r.final_order, r.tie_break, r.export
              from slot_results r join slots s on s.id = r.slot_id join plans p on p.id = s.plan_id
              where p.household_id = $1 and ($2 = '' or p.id = $2) and ($3 = '' or s.id = $3)
              order by s.position",
        )
        .bind(access.household_id().as_str())
        .bind(plan.map_or("", PlanId::as_str))
        .bind(slot.map_or("", SlotId::as_str))
        .fetch_all(&mut *self.acquire().await?)
        .await?;
        rows.into_iter().map(OutcomeRow::outcome).collect()
    }

    /// Re-opens a slot that closed without a winner (nobody voted, or no option suited everyone
    /// eating), with a new deadline: only its plan's manager may (the proposer, or an admin once
    /// they have left), and only while no result stands.
    pub async fn reopen_slot(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        deadline_ms: i64,
    ) -> Result<(), StoreError> {
        self.reopen_slot_adding(access, slot, None, deadline_ms, crate::clock::now_ms())
            .await
    }

    /// [`Self::reopen_slot`] for a slot that closed without a winner (no ballots, or no option
    /// suited everyone eating, `app::cant_eat`), adding the dish `added` (from the library, or new
    /// to it) as its last option first. The ballots already cast are kept: they have no opinion on
    /// the new option. A dish that is an option already is [`PlanRule::OptionExists`].
    #[tracing::instrument(name = "store.reopen_slot", skip_all)]
    pub async fn reopen_slot_adding(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        added: Option<&DishName>,
        deadline_ms: i64,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        if !lock_slot(&mut tx, slot.as_str(), Some(access.household_id().as_str())).await? {
            return Err(StoreError::NotFound);
        }
        let owner: Option<(String,)> = sqlx::query_as(
            r"select p.proposed_by from slots s join plans p on p.id = s.plan_id
              where s.id = $1 and p.household_id = $2",
        )
        .bind(slot.as_str())
        .bind(access.household_id().as_str())
        .fetch_optional(&mut *tx)
        .await?;
        let (proposed_by,) = owner.ok_or(StoreError::NotFound)?;
        require_manager(&mut tx, access, &proposed_by).await?;
        let removed = sqlx::query(
            r"delete from slot_results where slot_id = $1 and winner_option_id is null",
        )
        .bind(slot.as_str())
        .execute(&mut *tx)
        .await?;
        if removed.rows_affected() == 0 {
            return Err(StoreError::Rule(PlanRule::NotReopenable));
        }
        if let Some(dish) = added {
            let names = OptionNames::one(dish.clone());
            let household = access.household_id().as_str();
            let dishes = library_dishes(&mut tx, household, &names, now_ms).await?;
            let inserted = sqlx::query(
                r"insert into slot_options (id, slot_id, dish_id, position)
                  select $1, $2, $3, coalesce(max(position), -1) + 1 from slot_options
                  where slot_id = $2
                  on conflict (slot_id, dish_id) do nothing",
            )
            .bind(OptionId::generate().as_str())
            .bind(slot.as_str())
            .bind(dishes.first().map(String::as_str).unwrap_or_default())
            .execute(&mut *tx)
            .await?;
            if inserted.rows_affected() == 0 {
                return Err(StoreError::Rule(PlanRule::OptionExists));
            }
        }
        sqlx::query(r"update slots set deadline_at = $1 where id = $2")
            .bind(deadline_ms)
            .bind(slot.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
