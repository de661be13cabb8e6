//! Telling the household (`docs/notifications.md`): members' notifications are the household's
//! outbox read from where each last looked (`memberships.notifications_seen_at`), their own
//! actions left out; the household's webhook, and the queue of deliveries the background batch
//! works through.

use app::{
    ids::HouseholdId,
    notifications::{MAX_NOTIFICATIONS, Notification},
};
use sqlx::Row;

use super::{HouseholdAccess, Store, StoreError};

/// A webhook attempt is given up after this many failures.
pub const MAX_ATTEMPTS: i64 = 8;
/// The wait after the first failure; it doubles with each further one.
pub const FIRST_RETRY_MS: i64 = 60_000;
/// The longest wait between two attempts.
pub const MAX_RETRY_MS: i64 = 6 * 3_600_000;

/// When attempt `attempts + 1` is due, counting from `now_ms`, after `attempts` failures:
/// 1 min × 2^(attempts − 1), at most 6 h.
pub fn retry_at(now_ms: i64, attempts: i64) -> i64 {
    let doublings = u32::try_from((attempts - 1).clamp(0, 20)).unwrap_or(20);
    now_ms + (FIRST_RETRY_MS << doublings).min(MAX_RETRY_MS)
}

/// A household's webhook, without its secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StoredWebhook {
    pub url: String,
    pub created_at_ms: i64,
}

/// A delivery whose attempt is due, with what sending it needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DueDelivery {
    pub outbox_id: String,
    pub household: HouseholdId,
    /// The lease check: the claim only succeeds while the row still holds this value.
    pub next_attempt_at: i64,
    /// Failed attempts so far.
    pub attempts: i64,
    pub kind: String,
    /// The outbox payload, sent byte for byte as the request body.
    pub payload: String,
    pub url: String,
    pub secret: String,
}

/// How one delivery attempt went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttemptOutcome {
    Delivered,
    /// Not delivered: the status or the kind of error, never a secret.
    Failed(String),
}

/// What recording a failed attempt decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AfterAttempt {
    Delivered,
    RetryAt(i64),
    Abandoned,
    /// Another instance recorded this attempt already (the lease had moved on).
    Lost,
}

impl Store {
    /// The household's latest changes for the member, newest first (at most
    /// [`MAX_NOTIFICATIONS`]), their own actions left out.
    #[tracing::instrument(name = "store.notifications", skip_all)]
    pub async fn notifications(
        &self,
        access: &HouseholdAccess,
    ) -> Result<Vec<Notification>, StoreError> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            r"select o.kind, o.payload, o.created_at, o.plan_id, u.display_name, p.title, s.day,
                     s.meal, m.notifications_seen_at, m.joined_at
              from outbox o
              join memberships m on m.household_id = o.household_id and m.user_id = $2
              left join users u on u.id = o.actor_id
              left join plans p on p.id = o.plan_id
              left join slots s on s.id = o.slot_id
              where o.household_id = $1 and (o.actor_id is null or o.actor_id <> $2)
                and (o.admins_only = 0 or m.role = 'admin')
              order by o.created_at desc, o.id desc
              limit $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(i64::from(MAX_NOTIFICATIONS))
        .fetch_all(&mut *conn)
        .await?;
        let household = access.household_id();
        rows.into_iter()
            .map(|row| {
                let kind: String = row.try_get("kind")?;
                let payload: String = row.try_get("payload")?;
                let at_ms: i64 = row.try_get("created_at")?;
                let plan: Option<String> = row.try_get("plan_id")?;
                let actor: Option<String> = row.try_get("display_name")?;
                let title: Option<String> = row.try_get("title")?;
                let day: Option<String> = row.try_get("day")?;
                let meal: Option<String> = row.try_get("meal")?;
                let seen_at: i64 = row.try_get("notifications_seen_at")?;
                let joined_at: i64 = row.try_get("joined_at")?;
                let data = serde_json::from_str::<serde_json::Value>(&payload)
                    .ok()
                    .and_then(|payload| payload.get("data").cloned())
                    .unwrap_or_default();
                let text = app::notifications::notification_text(
                    &kind,
                    actor.as_deref(),
                    title.as_deref(),
                    day.as_deref().zip(meal.as_deref()),
                    &data,
                );
                let href = plan.map(|plan| {
                    if kind == "slot_closed" || kind == "plan_decided" {
                        app::routes::results(household, &plan)
                    } else {
                        app::routes::plan(household, &plan)
                    }
                });
                Ok(Notification {
                    text,
                    at_ms,
                    unread: at_ms > seen_at && at_ms > joined_at,
                    href,
                })
            })
            .collect()
    }

    /// How many of the household's changes since the member last marked all as read, and since
    /// they joined, are not their own: someone who joins an old household does not start with its
    /// whole history unread (the list still shows it).
    #[tracing::instrument(name = "store.unread_count", skip_all)]
    pub async fn unread_count(&self, access: &HouseholdAccess) -> Result<u32, StoreError> {
        let mut conn = self.acquire().await?;
        let unread: i64 = sqlx::query_scalar(
            r"select cast(count(*) as bigint) from outbox o
              join memberships m on m.household_id = o.household_id and m.user_id = $2
              where o.household_id = $1 and o.created_at > m.notifications_seen_at
                and o.created_at > m.joined_at and (o.actor_id is null or o.actor_id <> $2)
                and (o.admins_only = 0 or m.role = 'admin')",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .fetch_one(&mut *conn)
        .await?;
        Ok(u32::try_from(unread).unwrap_or(u32::MAX))
    }

    /// Marks everything up to `now_ms` as read for the member.
    #[tracing::instrument(name = "store.mark_notifications_read", skip_all)]
    pub async fn mark_notifications_read(
        &self,
        access: &HouseholdAccess,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        let mut conn = self.acquire().await?;
        sqlx::query(
            r"update memberships set notifications_seen_at = $3
              where household_id = $1 and user_id = $2 and notifications_seen_at < $3",
        )
        .bind(access.household_id().as_str())
        .bind(access.user_id().as_str())
        .bind(now_ms)
        .execute(&mut *conn)
        .await?;
        Ok(())
    }

    /// The household's webhook, without its secret. Admins only.
    #[tracing::instrument(name = "store.webhook", skip_all)]
    pub async fn webhook(
        &self,
        access: &HouseholdAccess,
    ) -> Result<Option<StoredWebhook>, StoreError> {
        access.require_admin()?;
        let mut conn = self.acquire().await?;
        let row: Option<(String, i64)> =
            sqlx::query_as(r"select url, created_at from webhooks where household_id = $1")
                .bind(access.household_id().as_str())
                .fetch_optional(&mut *conn)
                .await?;
        Ok(row.map(|(url, created_at_ms)| StoredWebhook { url, created_at_ms }))
    }

    /// Sets or replaces the household's webhook. Admins only. Deliveries still pending go to the
    /// new address, signed with the new secret.
    #[tracing::instrument(name = "store.set_webhook", skip_all)]
    pub async fn set_webhook(
        &self,
        access: &HouseholdAccess,
        url: &str,
        secret: &str,
        now_ms: i64,
    ) -> Result<(), StoreError> {
        access.require_admin()?;
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from webhooks where household_id = $1")
            .bind(access.household_id().as_str())
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            r"insert into webhooks (household_id, url, secret, created_at, set_by)
              values ($1, $2, $3, $4, $5)",
        )
        .bind(access.household_id().as_str())
        .bind(url)
        .bind(secret)
        .bind(now_ms)
        .bind(access.user_id().as_str())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Removes the household's webhook and drops its pending deliveries. Admins only.
    #[tracing::instrument(name = "store.remove_webhook", skip_all)]
    pub async fn remove_webhook(&self, access: &HouseholdAccess) -> Result<(), StoreError> {
        access.require_admin()?;
        let mut tx = self.begin().await?;
        sqlx::query(r"delete from webhooks where household_id = $1")
            .bind(access.household_id().as_str())
            .execute(&mut *tx)
            .await?;
        drop_pending_deliveries(&mut tx, access.household_id().as_str()).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Up to `limit` deliveries due at `now_ms`, fair across households: every household's
    /// oldest due delivery comes before any household's second, so one household's flood of
    /// events (or a dead receiver's backlog) cannot hold back another's. Within a household, in
    /// the order the events happened. Not scoped to a household: only the background batch calls
    /// this.
    #[tracing::instrument(name = "store.due_webhook_deliveries", skip_all)]
    pub async fn due_webhook_deliveries(
        &self,
        now_ms: i64,
        limit: u32,
    ) -> Result<Vec<DueDelivery>, StoreError> {
        let mut conn = self.acquire().await?;
        let rows = sqlx::query(
            r"select outbox_id, household_id, next_attempt_at, attempts, kind, payload, url, secret
              from (
                  select d.outbox_id, d.household_id, d.next_attempt_at, d.attempts, o.kind,
                         o.payload, w.url, w.secret, o.created_at, o.id,
                         row_number() over (partition by d.household_id
                                            order by o.created_at, o.id) as turn
                  from webhook_deliveries d
                  join outbox o on o.id = d.outbox_id
                  join webhooks w on w.household_id = d.household_id
                  where d.delivered_at is null and d.abandoned_at is null
                    and d.next_attempt_at <= $1
              ) due
              order by turn, created_at, id
              limit $2",
        )
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?;
        rows.into_iter()
            .map(|row| {
                Ok(DueDelivery {
                    outbox_id: row.try_get("outbox_id")?,
                    household: HouseholdId::from_stored(row.try_get("household_id")?),
                    next_attempt_at: row.try_get("next_attempt_at")?,
                    attempts: row.try_get("attempts")?,
                    kind: row.try_get("kind")?,
                    payload: row.try_get("payload")?,
                    url: row.try_get("url")?,
                    secret: row.try_get("secret")?,
                })
            })
            .collect()
    }

    /// Claims a due delivery's attempt until `lease_until`: true for exactly one caller while
    /// the row still holds `due.next_attempt_at`, so two instances never send the same attempt.
    /// The claim is its transaction's first (and only) statement.
    #[tracing::instrument(name = "store.claim_webhook_delivery", skip_all)]
    pub async fn claim_webhook_delivery(
        &self,
        due: &DueDelivery,
        lease_until: i64,
    ) -> Result<bool, StoreError> {
        let mut tx = self.begin().await?;
        let claimed = sqlx::query(
            r"update webhook_deliveries set next_attempt_at = $3
              where outbox_id = $1 and next_attempt_at = $2
                and delivered_at is null and abandoned_at is null",
        )
        .bind(&due.outbox_id)
        .bind(due.next_attempt_at)
        .bind(lease_until)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Records the claimed attempt's outcome (the row still holds `lease_until`): delivered, or
    /// failed and retried after the backoff ([`retry_at`]), or abandoned after
    /// [`MAX_ATTEMPTS`] failures.
    #[tracing::instrument(name = "store.finish_webhook_attempt", skip_all)]
    pub async fn finish_webhook_attempt(
        &self,
        due: &DueDelivery,
        lease_until: i64,
        outcome: &AttemptOutcome,
        now_ms: i64,
    ) -> Result<AfterAttempt, StoreError> {
        let mut conn = self.acquire().await?;
        let attempts = due.attempts + 1;
        let (after, query) = match outcome {
            AttemptOutcome::Delivered => (
                AfterAttempt::Delivered,
                sqlx::query(
                    r"update webhook_deliveries
                      set attempts = $3, delivered_at = $4, last_error = null
                      where outbox_id = $1 and next_attempt_at = $2",
                )
                .bind(&due.outbox_id)
                .bind(lease_until)
                .bind(attempts)
                .bind(now_ms),
            ),
            AttemptOutcome::Failed(error) if attempts >= MAX_ATTEMPTS => (
                AfterAttempt::Abandoned,
                sqlx::query(
                    r"update webhook_deliveries
                      set attempts = $3, abandoned_at = $4, last_error = $5
                      where outbox_id = $1 and next_attempt_at = $2",
                )
                .bind(&due.outbox_id)
                .bind(lease_until)
                .bind(attempts)
                .bind(now_ms)
                .bind(error.clone()),
            ),
            AttemptOutcome::Failed(error) => {
                let next = retry_at(now_ms, attempts);
                (
                    AfterAttempt::RetryAt(next),
                    sqlx::query(
                        r"update webhook_deliveries
                          set attempts = $3, next_attempt_at = $4, last_error = $5
                          where outbox_id = $1 and next_attempt_at = $2",
                    )
                    .bind(&due.outbox_id)
                    .bind(lease_until)
                    .bind(attempts)
                    .bind(next)
                    .bind(error.clone()),
                )
            }
        };
        let done = query.execute(&mut *conn).await?;
        Ok(if done.rows_affected() == 1 {
            after
        } else {
            AfterAttempt::Lost
        })
    }
}

/// Drops the household's deliveries not yet made: its webhook is gone.
pub(super) async fn drop_pending_deliveries(
    conn: &mut sqlx::AnyConnection,
    household: &str,
) -> Result<(), StoreError> {
    sqlx::query(
        r"delete from webhook_deliveries
          where household_id = $1 and delivered_at is null and abandoned_at is null",
    )
    .bind(household)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
