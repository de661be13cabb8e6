//! The vote reminder: 2 hours before a meal's voting closes, each member eating it who has not
//! ranked it, has a phone subscribed and the reminder on, gets one notification (a
//! `vote_reminder` event for them alone, pushed like any other). Once per member per meal, however
//! many instances run the batch: the `push_reminders` row's primary key makes every insert after
//! the first do nothing, and only the insert that wrote the row writes the event, in the same
//! transaction. Not in quiet hours: a member whose phones are all in theirs is reminded at 07:00
//! if voting is still open then.

use std::sync::LazyLock;

use super::quiet;
use crate::{
    db::{Store, StoreError},
    notifications::outbox::{Event, EventKind, record_event_for},
    progress::read::expected_for_slot,
};

/// How long before a deadline the reminder is sent.
pub const REMIND_BEFORE_MS: i64 = 2 * 3_600_000;
/// At most this many (meal, member, device) rows are read per batch.
const ROWS_PER_BATCH: i64 = 1000;

/// One device of one member who has not ranked a meal closing soon.
#[derive(sqlx::FromRow)]
struct Due {
    slot_id: String,
    plan_id: String,
    household_id: String,
    deadline_ms: i64,
    user_id: String,
    time_zone: String,
}

static DUE: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"select s.id as slot_id, p.id as plan_id, p.household_id,
                 coalesce(s.deadline_at, p.deadline_at) as deadline_ms, ps.user_id, ps.time_zone
          from slots s join plans p on p.id = s.plan_id
          join push_subscriptions ps on ps.user_id in ({expected})
          where coalesce(s.deadline_at, p.deadline_at) > $1
            and coalesce(s.deadline_at, p.deadline_at) <= $2
            and not exists (select 1 from slot_results r where r.slot_id = s.id)
            and not exists (select 1 from ballots b
                            where b.slot_id = s.id and b.user_id = ps.user_id)
            and not exists (select 1 from push_reminders pr
                            where pr.slot_id = s.id and pr.user_id = ps.user_id)
            and not exists (select 1 from push_muted pm
                            where pm.user_id = ps.user_id and pm.kind = 'vote_reminder')
          order by s.id, ps.user_id
          limit $3",
        expected = expected_for_slot("s.id", "p.id", "p.household_id"),
    )
});

impl Store {
    /// Writes the vote reminders due at `now_ms`: how many members were reminded. Only the
    /// background batch calls this (not household-scoped).
    #[tracing::instrument(name = "store.remind_voters", skip_all)]
    pub async fn remind_voters(&self, now_ms: i64) -> Result<u32, StoreError> {
        let due: Vec<Due> = {
            let mut conn = self.acquire().await?;
            sqlx::query_as(DUE.as_str())
                .bind(now_ms)
                .bind(now_ms + REMIND_BEFORE_MS)
                .bind(ROWS_PER_BATCH)
                .fetch_all(&mut *conn)
                .await?
        };
        // One reminder per (meal, member) with at least one device outside its quiet hours.
        let mut awake: Vec<&Due> = Vec::new();
        for row in &due {
            let quiet =
                quiet::zone(&row.time_zone).is_some_and(|zone| quiet::is_quiet(now_ms, &zone));
            let seen = awake
                .iter()
                .any(|other| other.slot_id == row.slot_id && other.user_id == row.user_id);
            if !quiet && !seen {
                awake.push(row);
            }
        }
        let mut reminded = 0;
        for row in awake {
            if self.remind(row, now_ms).await? {
                reminded += 1;
            }
        }
        Ok(reminded)
    }

    /// The reminder for one member and meal, unless another batch wrote it first.
    async fn remind(&self, due: &Due, now_ms: i64) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let written = sqlx::query(
            r"insert into push_reminders (slot_id, user_id, reminded_at) values ($1, $2, $3)
              on conflict (slot_id, user_id) do nothing",
        )
        .bind(&due.slot_id)
        .bind(&due.user_id)
        .bind(now_ms)
        .execute(&mut *tx)
        .await?;
        if written.rows_affected() != 1 {
            return Ok(false);
        }
        let event = Event {
            household: &due.household_id,
            kind: EventKind::VoteReminder,
            actor: None,
            plan: Some(&due.plan_id),
            slot: Some(&due.slot_id),
            data: serde_json::json!({ "deadline_ms": due.deadline_ms }),
        };
        record_event_for(&mut tx, event, &due.user_id, now_ms, true).await?;
        tx.commit().await?;
        Ok(true)
    }
}
