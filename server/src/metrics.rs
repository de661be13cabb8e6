//! Every metric the server exports, named in this one place, and the process-wide Prometheus
//! recorder that `/metrics` renders (see `http::metrics`). What each one means, for operators:
//! `docs/operations.md`.
//!
//! Code elsewhere records through the small functions below, never through metric names, so a
//! name cannot be misspelt and every metric has one documented meaning. Each function also feeds
//! the CloudWatch embedded-metric-format lines (`telemetry::emf`, with `METRICS_EMF=true`), so
//! `/metrics` and CloudWatch count the very same events.

use std::{sync::OnceLock, time::Duration};

use axum::http::{Method, StatusCode};
use metrics::{
    Unit, counter, describe_counter, describe_gauge, describe_histogram, gauge, histogram,
};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};

use crate::telemetry::emf;

/// Requests answered, by `route` template (`/households/{id}`, never the raw path; `(unmatched)`
/// for the fallback), `method` and `status`. Counter.
pub const HTTP_REQUESTS: &str = "mealvote_http_requests_total";
/// Time from receiving a request to sending its response headers, by the same labels as
/// [`HTTP_REQUESTS`]. Histogram, seconds.
pub const HTTP_REQUEST_DURATION: &str = "mealvote_http_request_duration_seconds";
/// Open database connections, by `state` (`idle`, `in_use`), sampled when `/metrics` is read.
/// Gauge.
pub const DB_POOL_CONNECTIONS: &str = "mealvote_db_pool_connections";
/// The pool's limit (`DATABASE_MAX_CONNECTIONS`), sampled when `/metrics` is read. Gauge.
pub const DB_POOL_MAX_CONNECTIONS: &str = "mealvote_db_pool_max_connections";
/// Time the store waited for a pooled connection; for a transaction this includes its `begin`
/// round trip. Failed waits (timeouts) are counted too. Histogram, seconds.
pub const DB_POOL_ACQUIRE: &str = "mealvote_db_pool_acquire_seconds";
/// Meal plans proposed. Counter.
pub const PLANS_PROPOSED: &str = "mealvote_plans_proposed_total";
/// Ballots cast (a changed ballot counts again). Counter.
pub const BALLOTS_CAST: &str = "mealvote_ballots_cast_total";
/// Slots closed, by the `path` that closed them (see [`ClosePath`](crate::closing::reason::ClosePath)). Counter.
pub const SLOTS_CLOSED: &str = "mealvote_slots_closed_total";
/// Ties the Schulze method could not break, settled by lot with the stored seed. Counter.
pub const TIE_BREAKS_BY_LOT: &str = "mealvote_tie_breaks_by_lot_total";
/// How long one `POST /internal/finalize-due` batch took. Histogram, seconds.
pub const FINALIZE_DUE_BATCH: &str = "mealvote_finalize_due_batch_seconds";
/// Webhook deliveries attempted, by `outcome` (`ok`, `failed`). Counter.
pub const WEBHOOK_DELIVERIES: &str = "mealvote_webhook_deliveries_total";
/// Sign-ins refused for a wrong e-mail address or password (not those refused by a rate
/// limit). Counter.
pub const SIGN_IN_FAILURES: &str = "mealvote_sign_in_failures_total";
/// Sign-ups and sign-ins turned away because every password-hashing worker was busy and the
/// queue was full (answered 503). Counter.
pub const PASSWORD_HASHES_REFUSED: &str = "mealvote_password_hashes_refused_total";

/// Request latencies: from a health check (well under 5 ms) to the 30 s request timeout.
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
/// Pool waits: zero while connections are free, up to the 5 s acquire timeout when they are not.
const ACQUIRE_BUCKETS: &[f64] = &[0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1.0, 5.0];
/// How often histogram samples are folded in when nothing reads `/metrics` (reading does it too).
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// The process-wide recorder's handle, installed on first use. The `metrics` facade has one
/// global recorder per process, so every application in a process (the tests run many) shares it.
pub fn handle() -> PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(install).clone()
}

fn install() -> PrometheusHandle {
    let handle = PrometheusBuilder::new()
        .set_buckets_for_metric(Matcher::Full(HTTP_REQUEST_DURATION.into()), LATENCY_BUCKETS)
        .and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full(DB_POOL_ACQUIRE.into()), ACQUIRE_BUCKETS)
        })
        .and_then(|b| {
            b.set_buckets_for_metric(Matcher::Full(FINALIZE_DUE_BATCH.into()), LATENCY_BUCKETS)
        })
        .expect("bucket lists are non-empty")
        .install_recorder()
        .expect("no other metrics recorder is installed in this process");
    describe();
    // Without scrapes, histogram samples would pile up in memory; fold them in regularly.
    let upkeep = handle.clone();
    std::thread::Builder::new()
        .name("metrics-upkeep".into())
        .spawn(move || {
            loop {
                std::thread::sleep(UPKEEP_INTERVAL);
                upkeep.run_upkeep();
            }
        })
        .expect("spawn the metrics upkeep thread");
    handle
}

/// The HELP lines, and every domain counter at zero so that its series exists (and a `rate()`
/// over it works) before the first event.
fn describe() {
    describe_counter!(
        HTTP_REQUESTS,
        "Requests answered, by route template, method and status."
    );
    describe_histogram!(
        HTTP_REQUEST_DURATION,
        Unit::Seconds,
        "Time to response headers, by route template, method and status."
    );
    describe_gauge!(
        DB_POOL_CONNECTIONS,
        "Open database connections, by state (idle, in_use)."
    );
    describe_gauge!(
        DB_POOL_MAX_CONNECTIONS,
        "The database pool's connection limit."
    );
    describe_histogram!(
        DB_POOL_ACQUIRE,
        Unit::Seconds,
        "Time waiting for a pooled database connection (for a transaction, with its begin)."
    );
    describe_counter!(PLANS_PROPOSED, "Meal plans proposed.");
    describe_counter!(BALLOTS_CAST, "Ballots cast.");
    describe_counter!(
        SLOTS_CLOSED,
        "Slots closed, by path (lazy, trigger, ticker, everyone_voted)."
    );
    describe_counter!(
        TIE_BREAKS_BY_LOT,
        "Ties settled by lot with the stored seed."
    );
    describe_histogram!(
        FINALIZE_DUE_BATCH,
        Unit::Seconds,
        "Duration of one finalize-due batch."
    );
    describe_counter!(
        WEBHOOK_DELIVERIES,
        "Webhook deliveries attempted, by outcome (ok, failed)."
    );

    describe_counter!(
        SIGN_IN_FAILURES,
        "Sign-ins refused for a wrong e-mail address or password."
    );
    describe_counter!(
        PASSWORD_HASHES_REFUSED,
        "Password checks refused because the hashing workers and queue were full."
    );

    for name in [
        PLANS_PROPOSED,
        BALLOTS_CAST,
        TIE_BREAKS_BY_LOT,
        SIGN_IN_FAILURES,
        PASSWORD_HASHES_REFUSED,
    ] {
        counter!(name).absolute(0);
    }
    for path in crate::closing::reason::ClosePath::ALL {
        counter!(SLOTS_CLOSED, "path" => path.label()).absolute(0);
    }
    for ok in [true, false] {
        counter!(WEBHOOK_DELIVERIES, "outcome" => outcome(ok)).absolute(0);
    }
}

/// A password check turned away (see `auth::password`).
pub fn password_hash_refused() {
    counter!(PASSWORD_HASHES_REFUSED).increment(1);
}

/// A sign-in refused: wrong e-mail address or password.
pub fn sign_in_failed() {
    counter!(SIGN_IN_FAILURES).increment(1);
    emf::sign_in_failed();
}

/// One answered request. `route` is the matched route template.
pub fn http_request(method: &Method, route: &str, status: StatusCode, latency: Duration) {
    let labels = [
        ("route", route.to_owned()),
        ("method", method_label(method).to_owned()),
        ("status", status.as_u16().to_string()),
    ];
    counter!(HTTP_REQUESTS, &labels).increment(1);
    histogram!(HTTP_REQUEST_DURATION, &labels).record(latency);
    emf::request(route, status, latency);
}

/// The pool as it is now: open connections, how many of them are idle, and the limit.
pub fn db_pool(open: u32, idle: usize, max: u32) {
    let idle = u32::try_from(idle).unwrap_or(u32::MAX).min(open);
    gauge!(DB_POOL_CONNECTIONS, "state" => "idle").set(idle);
    gauge!(DB_POOL_CONNECTIONS, "state" => "in_use").set(open - idle);
    gauge!(DB_POOL_MAX_CONNECTIONS).set(max);
    emf::pool(open - idle, idle);
}

/// One wait for a pooled connection.
pub fn db_pool_acquired(waited: Duration) {
    histogram!(DB_POOL_ACQUIRE).record(waited);
}

/// A member proposed a meal plan.
pub fn plan_proposed() {
    counter!(PLANS_PROPOSED).increment(1);
}

/// A member cast (or changed) a ballot.
pub fn ballot_cast() {
    counter!(BALLOTS_CAST).increment(1);
    emf::ballot_saved();
}

/// A slot was closed and its winner finalized.
pub fn slot_closed(path: crate::closing::reason::ClosePath) {
    counter!(SLOTS_CLOSED, "path" => path.label()).increment(1);
    emf::slot_closed(path.label());
}

/// A tie was settled by lot.
pub fn tie_broken_by_lot() {
    counter!(TIE_BREAKS_BY_LOT).increment(1);
    emf::tie_broken_by_lot();
}

/// One finalize-due batch finished after `duration`.
pub fn finalize_due_batch(duration: Duration) {
    histogram!(FINALIZE_DUE_BATCH).record(duration);
    emf::finalize_due(duration);
}

/// One webhook delivery attempt, successful or not.
pub fn webhook_delivery(ok: bool) {
    counter!(WEBHOOK_DELIVERIES, "outcome" => outcome(ok)).increment(1);
}

fn outcome(ok: bool) -> &'static str {
    if ok { "ok" } else { "failed" }
}

/// Methods as labels; anything unusual is `other`, so clients cannot mint new series.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unusual_methods_share_one_label() {
        assert_eq!(method_label(&Method::GET), "GET");
        assert_eq!(method_label(&Method::from_bytes(b"BREW").unwrap()), "other");
    }
}
