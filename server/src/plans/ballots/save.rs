//! Saving a member's ballot: one transaction, from taking the slot's turn to the close it may
//! cause. The rules about the slot are checked here (it is this household's, and open); the
//! ballot is made from the slot's options inside the transaction by the caller's `ranking`
//! (the service's is [`Ranking::from_ranks`], the one check of a ballot form).

use std::sync::LazyLock;

use app::{
    ids::{OptionId, PlanId, SlotId},
    plans::Ranking,
};

use crate::{
    access::HouseholdAccess,
    closing::{self, ClosePath, Closed, close_due, close_if_everyone_voted, lock_slot},
    db::{PlanRule, Store, StoreError},
    notifications::outbox::{Event, EventKind, record_event_to},
};

/// A saved ballot: its slot's plan, and the close it caused, if any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedBallot {
    pub plan: PlanId,
    pub closed: Option<Closed>,
}

/// The slot, the questions a ballot asks about it, and its options (one row per option).
#[derive(sqlx::FromRow)]
struct SlotRow {
    plan_id: String,
    deadline_ms: i64,
    closed: i64,
    webhook: i64,
    /// Expected voters, other than this member, who still have no ballot
    /// ([`closing::still_missing`]).
    others_missing: i64,
    option_id: Option<String>,
    name: Option<String>,
}

/// The slot with its options in their order, for the member `$3`, in one statement.
static SLOT: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select p.id as plan_id, coalesce(s.deadline_at, p.deadline_at) as deadline_ms,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 cast(case when exists (select 1 from webhooks w
                                        where w.household_id = p.household_id)
                      then 1 else 0 end as bigint) as webhook,
                 {} as others_missing,
                 o.id as option_id, d.name
          from slots s join plans p on p.id = s.plan_id
          left join slot_options o on o.slot_id = s.id
          left join dishes d on d.id = o.dish_id
          where s.id = $1 and p.household_id = $2
          order by o.position",
        closing::still_missing("$3")
    )
});

impl Store {
    /// Saves the member's ballot on a slot of this household, replacing an earlier one, while
    /// the slot is open; then closes the slot if every expected voter has voted. The slot's turn
    /// is taken first, so a ballot is either counted in the result or refused, never lost between
    /// the two. `ranking` makes the ballot from the slot's options (id and dish name, in order),
    /// without I/O; its error refuses the ballot with nothing written. A ballot that arrives past
    /// the deadline closes the slot (lazily) and is refused. [`StoreError::NotFound`] for a slot
    /// of another household.
    #[tracing::instrument(name = "store.save_ballot", skip_all)]
    pub async fn save_ballot(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        ranking: impl FnOnce(&[(OptionId, String)]) -> Result<Ranking, StoreError>,
        now_ms: i64,
    ) -> Result<SavedBallot, StoreError> {
        let mut tx = self.begin().await?;
        let household = access.household_id().as_str();
        if !lock_slot(&mut tx, slot.as_str(), Some(household)).await? {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<SlotRow> = sqlx::query_as(SLOT.as_str())
            .bind(slot.as_str())
            .bind(household)
            .bind(access.user_id().as_str())
            .fetch_all(&mut *tx)
            .await?;
        let first = rows.first().ok_or(StoreError::NotFound)?;
        let plan = first.plan_id.clone();
        let (deadline_ms, webhook, others_missing) =
            (first.deadline_ms, first.webhook == 1, first.others_missing);
        if first.closed == 1 {
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        if deadline_ms <= now_ms {
            let closed = close_due(&mut tx, slot.as_str(), ClosePath::Lazy, now_ms).await?;
            closing::commit(tx, &closed).await?;
            return Err(StoreError::Rule(PlanRule::Closed));
        }
        let options: Vec<(OptionId, String)> = rows
            .into_iter()
            .filter_map(|row| Some((OptionId::from_stored(row.option_id?), row.name?)))
            .collect();
        let ranking = ranking(&options)?;
        let json =
            serde_json::to_string(&ranking).map_err(|_| StoreError::Corrupt("ballots.ranking"))?;
        sqlx::query(
            r"insert into ballots (slot_id, user_id, ranking, cast_at, updated_at)
              values ($1, $2, $3, $4, $4)
              on conflict (slot_id, user_id)
              do update set ranking = excluded.ranking, updated_at = excluded.updated_at",
        )
        .bind(slot.as_str())
        .bind(access.user_id().as_str())
        .bind(&json)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let event = Event {
            household,
            kind: EventKind::BallotCast,
            actor: Some(access.user_id().as_str()),
            plan: Some(&plan),
            slot: Some(slot.as_str()),
            data: serde_json::json!({}),
        };
        record_event_to(&mut tx, event, now_ms, webhook).await?;
        // This ballot is in: the vote is complete when nobody else expected is missing.
        let closed = if others_missing == 0 {
            close_if_everyone_voted(&mut tx, slot.as_str(), now_ms).await?
        } else {
            Vec::new()
        };
        closing::commit(tx, &closed).await?;
        Ok(SavedBallot {
            plan: PlanId::from_stored(plan),
            closed: closed.into_iter().next(),
        })
    }
}
