//! How long the store keeps what only grows (docs/security.md, "Retention"): each background batch
//! deletes, at most [`PRUNE_BATCH`] rows per table, what is past its retention. Nothing a person
//! reads is pruned before it has stopped being shown: notifications list the latest 50 changes,
//! and a delivery is retried for less than a day.

use serde::Serialize;

use crate::db::{Store, StoreError};

const DAY_MS: i64 = 86_400_000;
/// Household events (notifications, webhook bodies) are kept this long.
pub const OUTBOX_RETENTION_MS: i64 = 90 * DAY_MS;
/// Finished webhook deliveries and pushes (delivered or abandoned) are kept this long, for the
/// record.
pub const DELIVERY_RETENTION_MS: i64 = 30 * DAY_MS;
/// Rate-limit counters outlive their longest window (one hour) by this much.
pub const RATE_LIMIT_RETENTION_MS: i64 = DAY_MS;
/// Invites that can no longer be used (expired or withdrawn) are kept this long.
pub const INVITE_RETENTION_MS: i64 = 90 * DAY_MS;
/// The most rows of one table one batch deletes, so a batch stays short after a long pause.
pub const PRUNE_BATCH: i64 = 1_000;

/// Rows one [`Store::prune`] deleted, per table.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PruneReport {
    pub outbox: u64,
    pub webhook_deliveries: u64,
    pub sessions: u64,
    pub rate_limits: u64,
    pub invites: u64,
    pub push_deliveries: u64,
}

/// `(table, key column, condition)`: a row is past its retention when the condition holds with
/// the table's cutoff as `$1`.
const RULES: [(&str, &str, &str); 6] = [
    ("outbox", "id", "created_at < $1"),
    (
        "webhook_deliveries",
        "outbox_id",
        "coalesce(delivered_at, abandoned_at) < $1",
    ),
    ("sessions", "id_hash", "expires_at < $1"),
    ("rate_limits", "key", "window_start < $1"),
    ("invites", "id", "coalesce(revoked_at, expires_at) < $1"),
    (
        "push_deliveries",
        "id",
        "coalesce(delivered_at, abandoned_at) < $1",
    ),
];

impl Store {
    /// Deletes what is past its retention at `now_ms`, at most [`PRUNE_BATCH`] rows per table.
    #[tracing::instrument(name = "store.prune", skip_all)]
    pub async fn prune(&self, now_ms: i64) -> Result<PruneReport, StoreError> {
        let cutoffs = [
            now_ms - OUTBOX_RETENTION_MS,
            now_ms - DELIVERY_RETENTION_MS,
            now_ms,
            now_ms - RATE_LIMIT_RETENTION_MS,
            now_ms - INVITE_RETENTION_MS,
            now_ms - DELIVERY_RETENTION_MS,
        ];
        let mut deleted = [0_u64; 6];
        let mut conn = self.acquire().await?;
        for (((table, key, condition), cutoff), count) in
            RULES.iter().zip(cutoffs).zip(&mut deleted)
        {
            let sql = format!(
                "delete from {table} where {key} in
                     (select {key} from {table} where {condition} limit $2)"
            );
            *count = sqlx::query(&sql)
                .bind(cutoff)
                .bind(PRUNE_BATCH)
                .execute(&mut *conn)
                .await?
                .rows_affected();
        }
        let [
            outbox,
            webhook_deliveries,
            sessions,
            rate_limits,
            invites,
            push_deliveries,
        ] = deleted;
        Ok(PruneReport {
            outbox,
            webhook_deliveries,
            sessions,
            rate_limits,
            invites,
            push_deliveries,
        })
    }
}
