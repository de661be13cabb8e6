//! The webhook delivery queue and its retry policy: which deliveries are due, claiming one
//! attempt, and recording how it went (delivered, retried after a backoff, or abandoned).

use app::ids::HouseholdId;
use sqlx::Row;

use crate::db::{Store, StoreError};

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
pub(crate) async fn drop_pending_deliveries(
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
