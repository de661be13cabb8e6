//! The background batch (`docs/closing.md`): one batch closes every due slot, delivers pending
//! webhooks and pushes (`crate::push`: vote reminders, pushes queued from new events, due ones
//! sent) and prunes what is past its retention. `POST /internal/finalize-due` runs a batch for
//! an external scheduler; the in-process ticker runs one every `TICKER_INTERVAL_SECS` on local and
//! self-hosted runs. Neither is needed for correctness: pages close overdue slots lazily and a
//! ballot closes its slot when everyone has voted (docs/architecture.md, decision 2).

pub mod retention;

use std::time::{Duration, Instant};

use serde::Serialize;

pub use retention::{
    DELIVERY_RETENTION_MS, INVITE_RETENTION_MS, OUTBOX_RETENTION_MS, PRUNE_BATCH, PruneReport,
};

use crate::{
    clock::now_ms,
    closing::{ClosePath, FinalizeReport},
    cooks::RemindReport,
    db::{Store, StoreError},
    push::{self, PushReport},
    webhooks::{self, DeliveryReport},
};

/// What a batch sends out with: the webhook client, `None` when `WEBHOOKS_ENABLED=false`, and
/// the push client, `None` when `OUTBOUND=none`. One of each per process: the finalize endpoint,
/// Lambda's events and the ticker share them.
#[derive(Clone, Debug, Default)]
pub struct Senders {
    pub webhooks: Option<webhooks::Sender>,
    pub push: Option<push::Sender>,
}

/// What one batch did: `POST /internal/finalize-due` answers it as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    #[serde(flatten)]
    pub slots: FinalizeReport,
    /// Cooks reminded of tomorrow's meal (`cooks/reminders.rs`).
    pub cooks: RemindReport,
    /// Webhook deliveries attempted after closing (all zero when `WEBHOOKS_ENABLED=false`).
    pub webhooks: DeliveryReport,
    /// Vote reminders written, pushes queued and sent (all zero when `OUTBOUND=none`).
    pub push: PushReport,
    /// Rows past their retention that this batch deleted.
    pub pruned: PruneReport,
    pub elapsed_ms: u64,
}

/// Closes up to `limit` due slots of every household, then sends up to `limit` (at most
/// [`webhooks::MAX_PER_BATCH`], within [`webhooks::BUDGET`]) due webhook deliveries, the closes'
/// own events included, then writes vote reminders and sends due pushes, with `senders`.
pub async fn run_batch(
    store: &Store,
    senders: &Senders,
    path: ClosePath,
    limit: u32,
) -> Result<BatchReport, StoreError> {
    let started = Instant::now();
    let slots = store.finalize_due(path, now_ms(), limit).await?;
    // After closing, so that a meal decided in this batch is reminded in it.
    let cooks = store.remind_cooks(now_ms(), limit).await?;
    let deliveries = match &senders.webhooks {
        Some(client) => {
            webhooks::deliver_due(store, client, now_ms(), limit.min(webhooks::MAX_PER_BATCH))
                .await?
        }
        None => DeliveryReport::default(),
    };
    let pushes = match &senders.push {
        Some(sender) => push::send::run(store, sender, now_ms(), limit).await?,
        None => PushReport::default(),
    };
    let pruned = store.prune(now_ms()).await?;
    let elapsed = started.elapsed();
    crate::metrics::finalize_due_batch(elapsed);
    if slots.closed > 0
        || slots.remaining > 0
        || cooks.reminded > 0
        || deliveries != DeliveryReport::default()
        || pushes != PushReport::default()
        || pruned != PruneReport::default()
    {
        tracing::info!(
            closed = slots.closed,
            already_closed = slots.already_closed,
            remaining = slots.remaining,
            cooks_reminded = cooks.reminded,
            webhooks_delivered = deliveries.delivered,
            webhooks_failed = deliveries.failed,
            webhooks_abandoned = deliveries.abandoned,
            webhooks_deferred = deliveries.deferred,
            push_reminded = pushes.reminded,
            push_queued = pushes.queued,
            push_delivered = pushes.delivered,
            push_failed = pushes.failed,
            push_abandoned = pushes.abandoned,
            pruned_outbox = pruned.outbox,
            elapsed_ms = elapsed.as_millis(),
            path = path.label(),
            "finalize batch"
        );
    }
    Ok(BatchReport {
        slots,
        cooks,
        webhooks: deliveries,
        push: pushes,
        pruned,
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    })
}

/// Runs a batch now and then every `interval` until `stop` completes. A failed batch is logged
/// and retried at the next tick; a batch that overruns delays the next tick instead of piling up.
pub async fn ticker(
    store: Store,
    senders: Senders,
    interval: Duration,
    limit: u32,
    stop: impl Future<Output = ()>,
) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let run = async {
        loop {
            ticks.tick().await;
            if let Err(error) = run_batch(&store, &senders, ClosePath::Ticker, limit).await {
                tracing::warn!(error = format!("{error:#}"), "finalize tick failed");
            }
        }
    };
    tokio::select! {
        () = run => {},
        () = stop => {},
    }
}
