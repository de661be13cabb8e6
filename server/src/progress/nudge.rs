//! Nudging a meal's attendees who have not ranked it: one transaction that first takes the slot's
//! turn (`closing::lock_slot`, which also moves the plan's and slot's live version), so two
//! members pressing at once nudge once: the second sees the first's nudge and sends nothing.

use std::sync::LazyLock;

use app::{ids::SlotId, progress::NUDGE_INTERVAL_MS};

use super::read::expected_for_slot;
use crate::{
    access::HouseholdAccess,
    closing::lock_slot,
    db::{Store, StoreError, placeholders},
    notifications::outbox::{Event, EventKind, record_event_for},
};

/// What a press of "Nudge" did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Nudged {
    /// These members (by name) were nudged, one notification each.
    Sent(Vec<String>),
    /// The meal was nudged less than 12 hours ago: nothing was sent.
    Already,
    /// Everyone eating, other than the one pressing, has ranked it.
    NobodyWaiting,
    /// Voting on the meal has closed (or its deadline has passed).
    Closed,
}

/// The slot and who a nudge would ask, in one read: one row per attendee without a ballot, the
/// member `$3` left out (or one row with no attendee when there is none).
#[derive(sqlx::FromRow)]
struct NudgeRow {
    plan_id: String,
    deadline_ms: i64,
    closed: i64,
    webhook: i64,
    last_nudge_at: Option<i64>,
    user_id: Option<String>,
    name: Option<String>,
}

static WAITING: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select p.id as plan_id, coalesce(s.deadline_at, p.deadline_at) as deadline_ms,
                 cast(case when exists (select 1 from slot_results r where r.slot_id = s.id)
                      then 1 else 0 end as bigint) as closed,
                 cast(case when exists (select 1 from webhooks w
                                        where w.household_id = p.household_id)
                      then 1 else 0 end as bigint) as webhook,
                 (select max(n.nudged_at) from nudges n where n.slot_id = s.id) as last_nudge_at,
                 u.id as user_id, u.display_name as name
          from slots s join plans p on p.id = s.plan_id
          left join users u on u.id in ({expected}) and u.id <> $3
               and not exists (select 1 from ballots b where b.slot_id = s.id and b.user_id = u.id)
          where s.id = $1 and p.household_id = $2
          order by lower(u.display_name), u.id",
        expected = expected_for_slot("s.id", "p.id", "p.household_id"),
    )
});

impl Store {
    /// Nudges the attendees of a slot of this household who have no ballot, the member of
    /// `access` left out: a nudge row, its members, and one notification each (an outbox event
    /// for that member alone). [`StoreError::NotFound`] for a slot of another household.
    #[tracing::instrument(name = "store.nudge", skip_all)]
    pub async fn nudge(
        &self,
        access: &HouseholdAccess,
        slot: &SlotId,
        now_ms: i64,
    ) -> Result<Nudged, StoreError> {
        let mut tx = self.begin().await?;
        let household = access.household_id().as_str();
        if !lock_slot(&mut tx, slot.as_str(), Some(household)).await? {
            return Err(StoreError::NotFound);
        }
        let rows: Vec<NudgeRow> = sqlx::query_as(WAITING.as_str())
            .bind(slot.as_str())
            .bind(household)
            .bind(access.user_id().as_str())
            .fetch_all(&mut *tx)
            .await?;
        // Nothing is written on the ways out below: dropping the transaction rolls the turn back.
        let first = rows.first().ok_or(StoreError::NotFound)?;
        if first.closed == 1 || first.deadline_ms <= now_ms {
            return Ok(Nudged::Closed);
        }
        if first
            .last_nudge_at
            .is_some_and(|at| at > now_ms - NUDGE_INTERVAL_MS)
        {
            return Ok(Nudged::Already);
        }
        let (plan, webhook) = (first.plan_id.clone(), first.webhook == 1);
        let waiting: Vec<(String, String)> = rows
            .into_iter()
            .filter_map(|row| Some((row.user_id?, row.name?)))
            .collect();
        if waiting.is_empty() {
            return Ok(Nudged::NobodyWaiting);
        }
        let nudge = uuid::Uuid::now_v7().to_string();
        sqlx::query(
            r"insert into nudges (id, slot_id, nudged_by, nudged_at) values ($1, $2, $3, $4)",
        )
        .bind(&nudge)
        .bind(slot.as_str())
        .bind(access.user_id().as_str())
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        let statement = format!(
            "insert into nudged_members (nudge_id, user_id) values {}",
            placeholders(waiting.len(), 2)
        );
        let mut members = sqlx::query(&statement);
        for (user, _) in &waiting {
            members = members.bind(&nudge).bind(user);
        }
        members.execute(&mut *tx).await?;
        for (user, name) in &waiting {
            let event = Event {
                household,
                kind: EventKind::SlotNudged,
                actor: Some(access.user_id().as_str()),
                plan: Some(&plan),
                slot: Some(slot.as_str()),
                data: serde_json::json!({ "member": name }),
            };
            record_event_for(&mut tx, event, user, now_ms, webhook).await?;
        }
        tx.commit().await?;
        Ok(Nudged::Sent(
            waiting.into_iter().map(|(_, name)| name).collect(),
        ))
    }
}
