//! From the outbox to the push queue: the background batch turns each pending event of a pushed
//! kind (`outbox.push_pending`, set by the event's own insert) into one push per subscribed
//! device of each member who would see it among their notifications and has the kind on.
//!
//! The meals of one plan decided in one batch make one push ("Wed 25 Nov · dinner: Curry won;
//! Thu 26 Nov · lunch: Soup won — see why"), not one per meal. Each event is claimed by an update
//! that only matches while it is still pending, so two instances never queue it twice. A push
//! queued in a device's quiet hours waits until 07:00 there ([`super::quiet`]); one about a
//! deadline (`data.deadline_ms`) is dropped unsent once the deadline has passed.

use std::collections::BTreeMap;

use app::ids::HouseholdId;

use super::quiet;
use crate::db::{Store, StoreError, placeholders};

/// At most this many pending events are read per batch; the rest wait for the next.
const EVENTS_PER_BATCH: i64 = 200;
/// Deliveries inserted per statement (8 columns each: well under SQLite's 32 766 parameters).
const ROWS_PER_INSERT: usize = 500;

/// A pending event with what its words need.
#[derive(sqlx::FromRow)]
struct Pending {
    id: String,
    household_id: String,
    kind: String,
    payload: String,
    plan_id: Option<String>,
    slot_id: Option<String>,
    actor_id: Option<String>,
    recipient_id: Option<String>,
    actor_name: Option<String>,
    title: Option<String>,
    day: Option<String>,
    meal: Option<String>,
    household_name: String,
}

/// What a device shows and opens: the push's plaintext, as JSON.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Message {
    pub title: String,
    pub body: String,
    /// A path on this site.
    pub url: String,
}

impl Pending {
    fn data(&self) -> serde_json::Value {
        serde_json::from_str::<serde_json::Value>(&self.payload)
            .ok()
            .and_then(|payload| payload.get("data").cloned())
            .unwrap_or_default()
    }

    /// The in-app notification's words.
    fn text(&self) -> String {
        app::notifications::notification_text(
            &self.kind,
            self.actor_name.as_deref(),
            self.title.as_deref(),
            self.day.as_deref().zip(self.meal.as_deref()),
            &self.data(),
        )
    }

    /// Events pushed together: a plan's meals decided in one batch; any other event alone.
    fn group(&self) -> (String, String) {
        match (self.kind.as_str(), &self.plan_id) {
            ("slot_closed", Some(plan)) => (self.kind.clone(), plan.clone()),
            _ => (self.kind.clone(), self.id.clone()),
        }
    }
}

/// What the group's one push says, and when it stops being worth sending (a deadline).
fn message(claimed: &[Pending], household: &HouseholdId) -> (Message, Option<i64>) {
    let first = &claimed[0];
    let texts: Vec<String> = claimed.iter().map(Pending::text).collect();
    let mut body = texts.join("; ");
    if first.kind == "slot_closed" {
        body.push_str(" — see why");
    }
    let message = Message {
        title: first.household_name.clone(),
        body,
        url: app::notifications::notification_link(
            &first.kind,
            household,
            first.plan_id.as_deref(),
            first.slot_id.as_deref(),
            &first.data(),
        )
        .unwrap_or_else(|| app::routes::household(household)),
    };
    let expires_at = first
        .data()
        .get("deadline_ms")
        .and_then(serde_json::Value::as_i64);
    (message, expires_at)
}

impl Store {
    /// Queues the pushes of up to [`EVENTS_PER_BATCH`] pending events at `now_ms`: how many
    /// pushes were queued. Only the background batch calls this (not household-scoped).
    #[tracing::instrument(name = "store.queue_pushes", skip_all)]
    pub async fn queue_pushes(&self, now_ms: i64) -> Result<u32, StoreError> {
        let pending: Vec<Pending> = {
            let mut conn = self.acquire().await?;
            sqlx::query_as(
                r"select o.id, o.household_id, o.kind, o.payload, o.plan_id, o.slot_id, o.actor_id,
                         o.recipient_id, u.display_name as actor_name, p.title, s.day, s.meal,
                         h.name as household_name
                  from outbox o
                  join households h on h.id = o.household_id
                  left join users u on u.id = o.actor_id
                  left join plans p on p.id = o.plan_id
                  left join slots s on s.id = o.slot_id
                  where o.push_pending = 1
                  order by o.created_at, o.id
                  limit $1",
            )
            .bind(EVENTS_PER_BATCH)
            .fetch_all(&mut *conn)
            .await?
        };
        let mut groups: BTreeMap<(String, String), Vec<Pending>> = BTreeMap::new();
        for event in pending {
            groups.entry(event.group()).or_default().push(event);
        }
        let mut queued = 0;
        for events in groups.into_values() {
            queued += self.queue_group(events, now_ms).await?;
        }
        Ok(queued)
    }

    /// Claims the events of one group and queues their one push per device.
    async fn queue_group(&self, events: Vec<Pending>, now_ms: i64) -> Result<u32, StoreError> {
        let mut tx = self.begin().await?;
        let mut claimed = Vec::with_capacity(events.len());
        for event in events {
            let claim = sqlx::query(
                r"update outbox set push_pending = 0 where id = $1 and push_pending = 1",
            )
            .bind(&event.id)
            .execute(&mut *tx)
            .await?;
            if claim.rows_affected() == 1 {
                claimed.push(event);
            }
        }
        // A plan's meals read in the order of its days.
        claimed.sort_by(|a, b| a.day.cmp(&b.day));
        let Some(first) = claimed.first() else {
            return Ok(0);
        };
        let household = HouseholdId::from_stored(first.household_id.clone());
        let (message, expires_at) = message(&claimed, &household);
        let devices: Vec<(String, String)> = sqlx::query_as(
            r"select ps.id, ps.time_zone
              from memberships m join push_subscriptions ps on ps.user_id = m.user_id
              where m.household_id = $1
                and (cast($2 as text) is null or m.user_id = cast($2 as text))
                and (cast($3 as text) is null or m.user_id <> cast($3 as text))
                and not exists (select 1 from push_muted pm
                                where pm.user_id = m.user_id and pm.kind = $4)
              order by ps.id",
        )
        .bind(household.as_str())
        .bind(first.recipient_id.as_deref())
        .bind(first.actor_id.as_deref())
        .bind(&first.kind)
        .fetch_all(&mut *tx)
        .await?;
        let payload = serde_json::to_string(&message).map_err(|_| StoreError::Corrupt("push"))?;
        for chunk in devices.chunks(ROWS_PER_INSERT) {
            let statement = format!(
                "insert into push_deliveries (id, subscription_id, household_id, kind, payload,
                                              created_at, next_attempt_at, expires_at)
                 values {}",
                placeholders(chunk.len(), 8)
            );
            let mut insert = sqlx::query(&statement);
            for (device, zone) in chunk {
                let not_before =
                    quiet::zone(zone).map_or(now_ms, |zone| quiet::not_before(now_ms, &zone));
                insert = insert
                    .bind(uuid::Uuid::now_v7().to_string())
                    .bind(device)
                    .bind(household.as_str())
                    .bind(&first.kind)
                    .bind(&payload)
                    .bind(now_ms)
                    .bind(not_before)
                    .bind(expires_at);
            }
            insert.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(u32::try_from(devices.len()).unwrap_or(u32::MAX))
    }
}
