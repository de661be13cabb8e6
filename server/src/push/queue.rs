//! The push delivery queue, run like the webhooks' (`crate::webhooks::queue`, whose retry policy
//! it shares): due pushes fair across households, each attempt claimed with a lease first, then
//! recorded as delivered, retried after a backoff, or abandoned. A device the push service says
//! is gone (404, 410) is deleted with its pending pushes and never tried again; a push whose
//! moment has passed (`expires_at`) is dropped unsent.

use app::ids::HouseholdId;

use crate::{
    db::{Store, StoreError},
    webhooks::{AfterAttempt, MAX_ATTEMPTS, retry_at},
};

/// A push whose attempt is due, with what sending it needs.
#[derive(Clone, Debug, PartialEq, Eq, sqlx::FromRow)]
pub struct DuePush {
    pub id: String,
    pub household_id: String,
    pub subscription_id: String,
    /// The lease check: the claim only succeeds while the row still holds this value.
    pub next_attempt_at: i64,
    pub attempts: i64,
    pub expires_at: Option<i64>,
    /// The message (JSON), encrypted for the device when sent.
    pub payload: String,
    pub endpoint: String,
    pub p256dh: String,
    pub auth: String,
}

impl DuePush {
    pub fn household(&self) -> HouseholdId {
        HouseholdId::from_stored(self.household_id.clone())
    }
}

/// How one push attempt went.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PushOutcome {
    Delivered,
    /// The push service no longer knows the device (404 or 410): it is deleted.
    Gone,
    /// Past `expires_at`: dropped unsent.
    Expired,
    /// Not delivered: the status or the kind of error, never the address or a key.
    Failed(String),
}

impl Store {
    /// Up to `limit` pushes due at `now_ms`, every household's oldest before any household's
    /// second (as `due_webhook_deliveries`). Only the background batch calls this.
    #[tracing::instrument(name = "store.due_pushes", skip_all)]
    pub async fn due_pushes(&self, now_ms: i64, limit: u32) -> Result<Vec<DuePush>, StoreError> {
        let mut conn = self.acquire().await?;
        Ok(sqlx::query_as(
            r"select id, household_id, subscription_id, next_attempt_at, attempts, expires_at,
                     payload, endpoint, p256dh, auth
              from (
                  select d.id, d.household_id, d.subscription_id, d.next_attempt_at, d.attempts,
                         d.expires_at, d.payload, ps.endpoint, ps.p256dh, ps.auth, d.created_at,
                         row_number() over (partition by d.household_id
                                            order by d.created_at, d.id) as turn
                  from push_deliveries d
                  join push_subscriptions ps on ps.id = d.subscription_id
                  where d.delivered_at is null and d.abandoned_at is null
                    and d.next_attempt_at <= $1
              ) due
              order by turn, created_at, id
              limit $2",
        )
        .bind(now_ms)
        .bind(i64::from(limit))
        .fetch_all(&mut *conn)
        .await?)
    }

    /// Claims a due push's attempt until `lease_until`: true for exactly one caller.
    #[tracing::instrument(name = "store.claim_push", skip_all)]
    pub async fn claim_push(&self, due: &DuePush, lease_until: i64) -> Result<bool, StoreError> {
        let mut conn = self.acquire().await?;
        let claimed = sqlx::query(
            r"update push_deliveries set next_attempt_at = $3
              where id = $1 and next_attempt_at = $2
                and delivered_at is null and abandoned_at is null",
        )
        .bind(&due.id)
        .bind(due.next_attempt_at)
        .bind(lease_until)
        .execute(&mut *conn)
        .await?;
        Ok(claimed.rows_affected() == 1)
    }

    /// Records the claimed attempt's outcome (the row still holds `lease_until`).
    #[tracing::instrument(name = "store.finish_push", skip_all)]
    pub async fn finish_push(
        &self,
        due: &DuePush,
        lease_until: i64,
        outcome: &PushOutcome,
        now_ms: i64,
    ) -> Result<AfterAttempt, StoreError> {
        let mut conn = self.acquire().await?;
        if *outcome == PushOutcome::Gone {
            // Its deliveries go with it (`on delete cascade`): nothing is retried.
            sqlx::query(r"delete from push_subscriptions where id = $1")
                .bind(&due.subscription_id)
                .execute(&mut *conn)
                .await?;
            return Ok(AfterAttempt::Abandoned);
        }
        let attempts = due.attempts + 1;
        // What the attempt settles: the column that ends the push, if it ends, and when the
        // next attempt is due otherwise.
        let (after, ends, error) = match outcome {
            PushOutcome::Delivered => (AfterAttempt::Delivered, Some("delivered_at"), None),
            PushOutcome::Expired => (
                AfterAttempt::Abandoned,
                Some("abandoned_at"),
                Some("expired".to_owned()),
            ),
            PushOutcome::Failed(error) if attempts >= MAX_ATTEMPTS => (
                AfterAttempt::Abandoned,
                Some("abandoned_at"),
                Some(error.clone()),
            ),
            PushOutcome::Failed(error) => (
                AfterAttempt::RetryAt(retry_at(now_ms, attempts)),
                None,
                Some(error.clone()),
            ),
            PushOutcome::Gone => unreachable!("handled above"),
        };
        let next = match after {
            AfterAttempt::RetryAt(next) => next,
            _ => lease_until,
        };
        let statement = format!(
            "update push_deliveries set attempts = $3, next_attempt_at = $4, last_error = $5{}
             where id = $1 and next_attempt_at = $2",
            ends.map(|column| format!(", {column} = $6"))
                .unwrap_or_default()
        );
        let mut query = sqlx::query(&statement)
            .bind(&due.id)
            .bind(lease_until)
            .bind(attempts)
            .bind(next)
            .bind(error);
        if ends.is_some() {
            query = query.bind(now_ms);
        }
        let done = query.execute(&mut *conn).await?;
        Ok(if done.rows_affected() == 1 {
            after
        } else {
            AfterAttempt::Lost
        })
    }
}
