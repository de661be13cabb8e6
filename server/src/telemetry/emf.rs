//! Metrics that reach CloudWatch without a scraper: CloudWatch embedded metric format (EMF) lines
//! on stdout, which CloudWatch Logs turns into metrics as it ingests the log group.
//!
//! `crate::metrics`' recording functions feed this module and the Prometheus recorder from the
//! same call sites; this module keeps what happened since the last flush (deltas, not totals)
//! and [`run`] writes it out every `METRICS_EMF_INTERVAL_SECS` and once more on shutdown.
//! Names, units and dimensions are the contract in `docs/operations.md` ("CloudWatch: embedded
//! metric format"), which `infra/dashboard.tf` and `infra/monitoring.tf` read.
//!
//! Counts are omitted from an interval in which they stayed at zero, so an idle copy of the app
//! sends nothing but the pool gauges and bills no request series. Distributions (latencies) are
//! sent as EMF's `Values`/`Counts` arrays, values rounded to three significant digits and at
//! most [`MAX_VALUES`] to a line (more go on further lines).

use std::{
    collections::BTreeMap,
    future::Future,
    io::Write as _,
    sync::{
        Mutex,
        atomic::{AtomicBool, Ordering},
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

/// The CloudWatch namespace of every metric.
pub const NAMESPACE: &str = "mealvote";
/// The most values one EMF distribution (and one line) may carry.
pub const MAX_VALUES: usize = 100;

/// Whether anything collects: off until [`run`] starts, so a server without `METRICS_EMF`
/// keeps nothing.
static ENABLED: AtomicBool = AtomicBool::new(false);
/// What happened since the last flush.
static INTERVAL: Mutex<Interval> = Mutex::new(Interval::new());

/// One interval's worth of observations.
#[derive(Debug, Default)]
struct Interval {
    /// By route template and status class (`2xx` …).
    requests: BTreeMap<(String, &'static str), Distribution>,
    ballots_saved: u64,
    /// By close path (`lazy`, `trigger`, `ticker`, `everyone_voted`).
    slots_closed: BTreeMap<&'static str, u64>,
    ties_broken_by_lot: u64,
    sign_in_failures: u64,
    finalize_due: Distribution,
    /// The last pool sample: (in use, idle).
    pool: Option<(u32, u32)>,
}

impl Interval {
    const fn new() -> Self {
        Self {
            requests: BTreeMap::new(),
            ballots_saved: 0,
            slots_closed: BTreeMap::new(),
            ties_broken_by_lot: 0,
            sign_in_failures: 0,
            finalize_due: Distribution::new(),
            pool: None,
        }
    }
}

/// Observed durations: how often each (rounded) value occurred, in microseconds.
#[derive(Debug, Default)]
struct Distribution {
    counts: BTreeMap<u64, u64>,
}

impl Distribution {
    const fn new() -> Self {
        Self {
            counts: BTreeMap::new(),
        }
    }

    fn record(&mut self, duration: Duration) {
        let micros = u64::try_from(duration.as_micros()).unwrap_or(u64::MAX);
        *self.counts.entry(three_digits(micros)).or_default() += 1;
    }

    fn total(&self) -> u64 {
        self.counts.values().sum()
    }

    /// The EMF value of each chunk of at most [`MAX_VALUES`] values, in milliseconds:
    /// `Values`, `Counts` and the chunk's `Min`, `Max`, `Count` and `Sum`.
    fn chunks(&self) -> Vec<Value> {
        let entries: Vec<(f64, u64)> = self
            .counts
            .iter()
            .map(|(&micros, &count)| (micros as f64 / 1000.0, count))
            .collect();
        entries
            .chunks(MAX_VALUES)
            .map(|chunk| {
                let values: Vec<f64> = chunk.iter().map(|(value, _)| *value).collect();
                let counts: Vec<u64> = chunk.iter().map(|(_, count)| *count).collect();
                json!({
                    "Values": values,
                    "Counts": counts,
                    "Min": values.first(),
                    "Max": values.last(),
                    "Count": counts.iter().sum::<u64>(),
                    "Sum": chunk.iter().map(|(v, c)| v * *c as f64).sum::<f64>(),
                })
            })
            .collect()
    }
}

/// `n` rounded to its three most significant decimal digits (1234 → 1230), so that a minute's
/// latencies fold into few distinct values at under 0.5 % error.
fn three_digits(n: u64) -> u64 {
    let mut scale = 1;
    while n / scale >= 1000 {
        scale *= 10;
    }
    (n + scale / 2) / scale * scale
}

fn record(change: impl FnOnce(&mut Interval)) {
    if ENABLED.load(Ordering::Relaxed) {
        change(
            &mut INTERVAL
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()),
        );
    }
}

/// One answered request (see `metrics::http_request`).
pub fn request(route: &str, status: StatusCode, latency: Duration) {
    record(|interval| {
        let key = (route.to_owned(), status_class(status));
        interval.requests.entry(key).or_default().record(latency);
    });
}

/// A ballot saved.
pub fn ballot_saved() {
    record(|interval| interval.ballots_saved += 1);
}

/// A slot closed, by the path's label.
pub fn slot_closed(path: &'static str) {
    record(|interval| *interval.slots_closed.entry(path).or_default() += 1);
}

/// A tie settled by lot.
pub fn tie_broken_by_lot() {
    record(|interval| interval.ties_broken_by_lot += 1);
}

/// A sign-in refused for a wrong e-mail address or password.
pub fn sign_in_failed() {
    record(|interval| interval.sign_in_failures += 1);
}

/// One finalize-due batch.
pub fn finalize_due(duration: Duration) {
    record(|interval| interval.finalize_due.record(duration));
}

/// The pool as sampled now.
pub fn pool(in_use: u32, idle: u32) {
    record(|interval| interval.pool = Some((in_use, idle)));
}

/// `2xx` … `5xx`: few values, so few CloudWatch series.
fn status_class(status: StatusCode) -> &'static str {
    match status.as_u16() {
        100..=199 => "1xx",
        200..=299 => "2xx",
        300..=399 => "3xx",
        400..=499 => "4xx",
        _ => "5xx",
    }
}

/// An EMF document: the metadata naming `metrics` (name, unit) under one dimension set, and the
/// dimension values and metric values as top-level members.
fn document(
    timestamp_ms: u64,
    dimensions: &[(&str, &str)],
    metrics: Vec<(&str, &str, Value)>,
) -> String {
    let mut root = Map::new();
    let names: Vec<&str> = dimensions.iter().map(|(name, _)| *name).collect();
    let definitions: Vec<Value> = metrics
        .iter()
        .map(|(name, unit, _)| json!({ "Name": name, "Unit": unit }))
        .collect();
    root.insert(
        "_aws".into(),
        json!({
            "Timestamp": timestamp_ms,
            "CloudWatchMetrics": [{
                "Namespace": NAMESPACE,
                "Dimensions": [names],
                "Metrics": definitions,
            }],
        }),
    );
    for (name, value) in dimensions {
        root.insert((*name).into(), json!(value));
    }
    for (name, _, value) in metrics {
        root.insert(name.into(), value);
    }
    Value::Object(root).to_string()
}

/// The interval's lines, oldest state cleared: what [`flush`] writes.
fn take_lines(timestamp_ms: u64) -> Vec<String> {
    let interval = std::mem::take(&mut *INTERVAL.lock().unwrap_or_else(|p| p.into_inner()));
    let mut lines = Vec::new();
    for ((route, class), latencies) in &interval.requests {
        let dimensions = [("Route", route.as_str()), ("StatusClass", *class)];
        for (i, chunk) in latencies.chunks().into_iter().enumerate() {
            let mut metrics = Vec::new();
            if i == 0 {
                metrics.push(("Requests", "Count", json!(latencies.total())));
            }
            metrics.push(("RequestLatency", "Milliseconds", chunk));
            lines.push(document(timestamp_ms, &dimensions, metrics));
        }
    }
    for (path, count) in &interval.slots_closed {
        let metrics = vec![("SlotsClosed", "Count", json!(count))];
        lines.push(document(timestamp_ms, &[("Path", path)], metrics));
    }
    let mut plain = Vec::new();
    for (name, count) in [
        ("BallotsSaved", interval.ballots_saved),
        ("TiesBrokenByLot", interval.ties_broken_by_lot),
        ("SignInFailures", interval.sign_in_failures),
    ] {
        if count > 0 {
            plain.push((name, "Count", json!(count)));
        }
    }
    if let Some((in_use, idle)) = interval.pool {
        plain.push(("PoolInUse", "Count", json!(in_use)));
        plain.push(("PoolIdle", "Count", json!(idle)));
    }
    let mut finalize = interval.finalize_due.chunks().into_iter();
    if let Some(first) = finalize.next() {
        plain.push(("FinalizeDueDuration", "Milliseconds", first));
    }
    if !plain.is_empty() {
        lines.push(document(timestamp_ms, &[], plain));
    }
    for chunk in finalize {
        let metrics = vec![("FinalizeDueDuration", "Milliseconds", chunk)];
        lines.push(document(timestamp_ms, &[], metrics));
    }
    lines
}

/// Samples the gauges (`sample`: the database pool), then writes the interval's lines to stdout,
/// each in one write so that no log line can land in the middle of one.
fn flush(sample: &impl Fn()) {
    sample();
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(0));
    let mut stdout = std::io::stdout().lock();
    for mut line in take_lines(now) {
        line.push('\n');
        if let Err(error) = stdout.write_all(line.as_bytes()) {
            tracing::warn!(%error, "cannot write EMF metrics");
            return;
        }
    }
    let _ = stdout.flush();
}

/// Collects from the moment it is called, and returns the task that writes every `every` until
/// `stop` completes, then once more. Collecting starts here, not when the task first runs: a
/// spawned task may start after the first requests have been answered, which would go uncounted.
pub fn run(
    sample: impl Fn(),
    every: Duration,
    stop: impl Future<Output = ()>,
) -> impl Future<Output = ()> {
    ENABLED.store(true, Ordering::Relaxed);
    async move {
        let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
        // A frozen Lambda environment or a throttled instance wakes late: one flush, not a burst.
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        tokio::pin!(stop);
        loop {
            tokio::select! {
                _ = ticks.tick() => flush(&sample),
                () = &mut stop => break,
            }
        }
        flush(&sample);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_three_significant_digits() {
        assert_eq!(three_digits(0), 0);
        assert_eq!(three_digits(999), 999);
        assert_eq!(three_digits(1234), 1230);
        assert_eq!(three_digits(1235), 1240);
        assert_eq!(three_digits(987_654), 988_000);
    }

    #[test]
    fn a_wide_distribution_is_split_into_lines_of_at_most_a_hundred_values() {
        let mut latencies = Distribution::new();
        for ms in 1..=250 {
            latencies.record(Duration::from_millis(ms));
        }
        let chunks = latencies.chunks();
        assert_eq!(chunks.len(), 3);
        for chunk in &chunks {
            let values = chunk["Values"].as_array().unwrap();
            assert!(values.len() <= MAX_VALUES);
            assert_eq!(values.len(), chunk["Counts"].as_array().unwrap().len());
        }
        let counted: u64 = chunks.iter().map(|c| c["Count"].as_u64().unwrap()).sum();
        assert_eq!(counted, 250);
        assert_eq!(chunks[0]["Min"], 1.0);
        assert_eq!(chunks[2]["Max"], 250.0);
    }

    #[test]
    fn status_classes_are_the_hundreds() {
        assert_eq!(status_class(StatusCode::OK), "2xx");
        assert_eq!(status_class(StatusCode::SEE_OTHER), "3xx");
        assert_eq!(status_class(StatusCode::NOT_FOUND), "4xx");
        assert_eq!(status_class(StatusCode::SERVICE_UNAVAILABLE), "5xx");
    }
}
