//! Marking out and in, and a meal's guests: each one transaction that first takes the slot's
//! turn (`closing::lock_slot`, which also moves the live pages' versions), so a change of who eats
//! and the close it may cause take turns with ballots. Nothing changes once the meal has closed:
//! its stored result, ballot file and hash are final.

use app::ids::SlotId;
use sqlx::{Any, Transaction};

use crate::{
    access::HouseholdAccess,
    closing::{self, ClosePath, Closed, close_due, close_if_everyone_voted, lock_slot},
    db::{PlanRule, Store, StoreError},
    plans::require_manager,
};

/// The slot's state as a change of attendance asks it.
#[derive(sqlx::FromRow)]
struct SlotState {
    deadline_ms: i64,
    closed: i64,
    proposed_by: String,
}

/// The slot, after its turn was taken: open, or closed (a passed deadline closes it here, as a
/// ballot would, and the change is refused).
async fn open_slot(
    tx: &mut Transaction<'_, Any>,
    slot: &SlotId,
    now_ms: i64,
) -> Result<Result<SlotState, Vec<Closed>>, StoreError> {
    let state: SlotState = sqlx::query_as(
        r"select coalesce(s.deadline_at, p.deadline_at) as deadline_ms,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 p.proposed_by
          from slots s join plans p on p.id = s.plan_id where s.id = $1",
    )
    .bind(slot.as_str())
    .fetch_one(&mut **tx)
    .await?;
    if state.closed == 1 {
        return Ok(Err(Vec::new()));
    }
    if state.deadline_ms <= now_ms {
        return Ok(Err(
            close_due(tx, slot.as_str(), ClosePath::Lazy, now_ms).await?
        ));
    }
    Ok(Ok(state))
}

impl Store {
    /// Marks the member of `access` in (`eating`) or out of an open slot of this household. Out
    /// may complete "everyone eating has ranked": the slot then closes in this transaction (the
    /// closes are returned). [`PlanRule::Closed`] once the slot has closed (or its deadline has
    /// passed, which closes it); [`StoreError::NotFound`] for a slot of another household.
    #[tracing::instrument(name = "store.set_eating", skip_all)]
    pub async fn set_eating(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        eating: bool,
        now_ms: i64,
    ) -> Result<Vec<Closed>, StoreError> {
        let mut tx = self.begin().await?;
        let household = access.household_id().as_str();
        if !lock_slot(&mut tx, slot.as_str(), Some(household)).await? {
            return Err(StoreError::NotFound);
        }
        if let Err(closed) = open_slot(&mut tx, slot, now_ms).await? {
            closing::commit(tx, &closed).await?;
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        let statement = if eating {
            r"delete from slot_absences where slot_id = $1 and user_id = $2"
        } else {
            r"insert into slot_absences (slot_id, user_id) values ($1, $2)
              on conflict (slot_id, user_id) do nothing"
        };
        sqlx::query(statement)
            .bind(slot.as_str())
            .bind(access.user_id().as_str())
            .execute(&mut *tx)
            .await?;
        let closed = if eating {
            Vec::new()
        } else {
            close_if_everyone_voted(&mut tx, slot.as_str(), now_ms).await?
        };
        closing::commit(tx, &closed).await?;
        Ok(closed)
    }

    /// Sets an open slot's guests (the caller has checked the bound); the plan's proposer only
    /// ([`PlanRule::ProposerOnly`]), [`PlanRule::Closed`] once it has closed.
    #[tracing::instrument(name = "store.set_guests", skip_all)]
    pub async fn set_guests(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        guests: u32,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let household = access.household_id().as_str();
        if !lock_slot(&mut tx, slot.as_str(), Some(household)).await? {
            return Err(StoreError::NotFound);
        }
        let state = match open_slot(&mut tx, slot, now_ms).await? {
            Ok(state) => state,
            Err(closed) => {
                closing::commit(tx, &closed).await?;
                return Err(StoreError::Rule(PlanRule::Closed));
            }
        };
        require_manager(&mut tx, access, &state.proposed_by).await?;
        sqlx::query(r"update slots set guests = $1 where id = $2")
            .bind(i64::from(guests))
            .bind(slot.as_str())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }
}
