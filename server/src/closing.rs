//! The background half of closing votes (`docs/closing.md`): one batch closes every due slot and
//! delivers pending webhooks. `POST /internal/finalize-due` runs a batch for an external
//! scheduler; the in-process ticker runs one every `TICKER_INTERVAL_SECS` on local and
//! self-hosted runs. Neither is needed for correctness: pages close overdue slots lazily and a
//! ballot closes its slot when everyone has voted (DESIGN.md, decision 2).

use std::time::{Duration, Instant};

use serde::Serialize;

use crate::{
    auth::now_ms,
    metrics::ClosePath,
    store::{FinalizeReport, Store, StoreError},
};

/// What one batch did: `POST /internal/finalize-due` answers it as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BatchReport {
    #[serde(flatten)]
    pub slots: FinalizeReport,
    pub elapsed_ms: u64,
}

/// Closes up to `limit` due slots of every household.
pub async fn run_batch(
    store: &Store,
    path: ClosePath,
    limit: u32,
) -> Result<BatchReport, StoreError> {
    let started = Instant::now();
    let slots = store.finalize_due(path, now_ms(), limit).await?;
    let elapsed = started.elapsed();
    crate::metrics::finalize_due_batch(elapsed);
    if slots.closed > 0 || slots.remaining > 0 {
        tracing::info!(
            closed = slots.closed,
            already_closed = slots.already_closed,
            remaining = slots.remaining,
            elapsed_ms = elapsed.as_millis(),
            path = path.label(),
            "finalize batch"
        );
    }
    Ok(BatchReport {
        slots,
        elapsed_ms: u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX),
    })
}

/// Runs a batch now and then every `interval` until `stop` completes. A failed batch is logged
/// and retried at the next tick; a batch that overruns delays the next tick instead of piling up.
pub async fn ticker(store: Store, interval: Duration, limit: u32, stop: impl Future<Output = ()>) {
    let mut ticks = tokio::time::interval(interval);
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let run = async {
        loop {
            ticks.tick().await;
            if let Err(error) = run_batch(&store, ClosePath::Ticker, limit).await {
                tracing::warn!(error = format!("{error:#}"), "finalize tick failed");
            }
        }
    };
    tokio::select! {
        () = run => {},
        () = stop => {},
    }
}
