//! Webhooks (`docs/notifications.md`): a household's setting ([`settings`]), the delivery queue
//! and its retry policy ([`queue`]), and delivery here: the background batch (`POST
//! /internal/finalize-due` or the ticker, never a request) POSTs each due outbox event to its
//! household's webhook, signed with HMAC-SHA256, and retries failures with backoff.
//!
//! Each attempt is claimed first ([`Store::claim_webhook_delivery`]): the delivery's
//! `next_attempt_at` moves to a lease only if it still holds the value read, so two instances
//! never send the same attempt twice. A process that dies mid-attempt leaves the lease, which
//! expires and is retried.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use hmac::{Hmac, Mac};
use serde::Serialize;
use sha2::Sha256;
use tokio::{sync::Semaphore, task::JoinSet};
use tracing::Instrument;

use crate::{
    config::Outbound,
    db::{Store, StoreError},
};

mod queue;
mod settings;
mod target;
pub(crate) use queue::drop_pending_deliveries;
pub use queue::{AfterAttempt, AttemptOutcome, DueDelivery, MAX_ATTEMPTS, retry_at};
pub use settings::StoredWebhook;
pub use target::{Refused, checked_address, is_public};

/// A receiver that has not answered in this long has failed the attempt.
pub const TIMEOUT: Duration = Duration::from_secs(5);
/// At most this many attempts are in flight at once.
pub const CONCURRENCY: usize = 8;
/// At most this many deliveries per batch.
pub const MAX_PER_BATCH: u32 = 64;
/// No attempt starts later than this after a batch's deliveries began; the ones not started stay
/// due for the next batch. With [`TIMEOUT`], a batch of unresponsive receivers ends its
/// deliveries within 20 s, so `POST /internal/finalize-due` answers well inside
/// `REQUEST_TIMEOUT_SECS` (30 s by default) instead of being cut off mid-attempt.
pub const BUDGET: Duration = Duration::from_secs(15);
/// How long a claimed attempt is held before another instance may take it over: well past
/// [`TIMEOUT`].
const LEASE_MS: i64 = 60_000;

/// What one batch's deliveries did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DeliveryReport {
    pub delivered: u32,
    /// Failed attempts that will be retried.
    pub failed: u32,
    /// Failed attempts that used up the retries.
    pub abandoned: u32,
    /// Due but not started within the batch's [`BUDGET`]: still due, for the next batch.
    pub deferred: u32,
}

/// What became of one due delivery in a batch.
enum Attempted {
    Recorded(AfterAttempt),
    /// Another instance claimed it first.
    ClaimedElsewhere,
    /// Not started: the batch's budget ran out.
    Deferred,
}

/// What sends deliveries: the HTTP client, whether private addresses are allowed
/// (`WEBHOOKS_ALLOW_PRIVATE`, see [`target`](self::target)) and which addresses this server
/// reaches (`OUTBOUND`).
#[derive(Clone, Debug)]
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    outbound: Outbound,
}

impl Sender {
    pub fn new(allow_private: bool, outbound: Outbound) -> Self {
        Self {
            client: client_builder()
                .build()
                .expect("the webhook client's settings are valid"),
            allow_private,
            outbound,
        }
    }
}

/// `last_error` of an attempt whose receiver has no IPv6 address on a server that reaches the
/// internet over IPv6 only (`OUTBOUND=ipv6`): the cause, in words the household's admin can act on.
pub const NO_IPV6: &str = "no IPv6 address (this server reaches the internet over IPv6 only)";

/// The HTTP client's settings: rustls, no redirects (a receiver's redirect is a failed attempt,
/// so a webhook cannot be bounced to another address), no proxy from the environment
/// (`HTTP(S)_PROXY`: the connection must go to the address that was checked, not to whatever
/// the proxy would reach), a [`TIMEOUT`] per attempt.
fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("mealvote-webhooks/", env!("CARGO_PKG_VERSION")))
}

/// `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the `X-Mealvote-Signature` header.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!(
        "sha256={}",
        crate::digest::hex(&mac.finalize().into_bytes())
    )
}

/// Sends up to `limit` deliveries due at `now_ms`, [`CONCURRENCY`] at a time, and records each
/// outcome. `now_ms` is the batch's clock (tests pass their own). Events may therefore reach a
/// receiver out of order (a retried one always does): receivers order by `at_ms`, then `id`.
pub async fn deliver_due(
    store: &Store,
    sender: &Sender,
    now_ms: i64,
    limit: u32,
) -> Result<DeliveryReport, StoreError> {
    deliver_due_within(store, sender, now_ms, limit, BUDGET).await
}

/// [`deliver_due`], starting no attempt once `budget` has passed (the rest stay due, unclaimed).
pub async fn deliver_due_within(
    store: &Store,
    sender: &Sender,
    now_ms: i64,
    limit: u32,
    budget: Duration,
) -> Result<DeliveryReport, StoreError> {
    let until = Instant::now() + budget;
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut attempts = JoinSet::new();
    for due in store.due_webhook_deliveries(now_ms, limit).await? {
        let (store, sender, permits) = (store.clone(), sender.clone(), permits.clone());
        attempts.spawn(
            async move {
                let _permit = permits.acquire_owned().await;
                if Instant::now() >= until {
                    return Ok(Attempted::Deferred);
                }
                attempt(&store, &sender, due, now_ms).await
            }
            .in_current_span(),
        );
    }
    let mut report = DeliveryReport::default();
    let mut failure = None;
    while let Some(joined) = attempts.join_next().await {
        match joined {
            Ok(Ok(Attempted::Recorded(AfterAttempt::Delivered))) => report.delivered += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::RetryAt(_)))) => report.failed += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::Abandoned))) => report.abandoned += 1,
            Ok(Ok(Attempted::Deferred)) => report.deferred += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::Lost) | Attempted::ClaimedElsewhere)) => {}
            Ok(Err(error)) => failure = Some(error),
            Err(panicked) => tracing::error!(error = %panicked, "a webhook attempt panicked"),
        }
    }
    match failure {
        // The other attempts were recorded; this one's lease expires and it is tried again.
        Some(error) => Err(error),
        None => Ok(report),
    }
}

/// Claims, sends and records one delivery, unless another instance claimed it first.
async fn attempt(
    store: &Store,
    sender: &Sender,
    due: DueDelivery,
    now_ms: i64,
) -> Result<Attempted, StoreError> {
    let lease_until = now_ms + LEASE_MS;
    if !store.claim_webhook_delivery(&due, lease_until).await? {
        return Ok(Attempted::ClaimedElsewhere);
    }
    let outcome = send(sender, &due, now_ms).await;
    crate::metrics::webhook_delivery(outcome == AttemptOutcome::Delivered);
    if let AttemptOutcome::Failed(error) = &outcome {
        tracing::warn!(
            delivery = due.outbox_id,
            household = %due.household,
            attempt = due.attempts + 1,
            error,
            "webhook delivery failed"
        );
    }
    store
        .finish_webhook_attempt(&due, lease_until, &outcome, now_ms)
        .await
        .map(Attempted::Recorded)
}

/// One attempt: the stored payload as the body, signed with the household's secret, sent to the
/// address checked just before (a name is resolved once, here, and the connection goes to what
/// was checked). A stored address that is no longer allowed fails without any connection.
pub async fn send(sender: &Sender, due: &DueDelivery, now_ms: i64) -> AttemptOutcome {
    let Ok(url) = url::Url::parse(&due.url) else {
        return AttemptOutcome::Failed("address".to_owned());
    };
    let address = match checked_address(&url, sender.allow_private, sender.outbound).await {
        Ok(address) => address,
        Err(Refused::NotPublic) => return AttemptOutcome::Failed("not a public address".into()),
        Err(Refused::Unresolvable) => return AttemptOutcome::Failed("dns".to_owned()),
        Err(Refused::NoHost) => return AttemptOutcome::Failed("address".to_owned()),
        Err(Refused::Port) => return AttemptOutcome::Failed("port".to_owned()),
        Err(Refused::NoIpv6) => return AttemptOutcome::Failed(NO_IPV6.to_owned()),
    };
    let client = match url.host() {
        Some(url::Host::Domain(name)) => match client_builder().resolve(name, address).build() {
            Ok(pinned) => pinned,
            Err(_) => return AttemptOutcome::Failed("client".to_owned()),
        },
        // An IP address in the URL is connected to as it is: nothing to resolve again.
        _ => sender.client.clone(),
    };
    let timestamp = now_ms.div_euclid(1000);
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header("X-Mealvote-Event", &due.kind)
        .header("X-Mealvote-Delivery", &due.outbox_id)
        .header("X-Mealvote-Timestamp", timestamp.to_string())
        .header(
            "X-Mealvote-Signature",
            signature(&due.secret, timestamp, &due.payload),
        )
        .body(due.payload.clone())
        .send()
        .await;
    match response {
        Ok(response) if response.status().is_success() => AttemptOutcome::Delivered,
        Ok(response) => AttemptOutcome::Failed(format!("status {}", response.status().as_u16())),
        Err(error) => AttemptOutcome::Failed(error_kind(&error).to_owned()),
    }
}

/// The kind of a transport error, without the URL (it may carry a token) or the secret.
fn error_kind(error: &reqwest::Error) -> &'static str {
    if error.is_timeout() {
        "timeout"
    } else if error.is_connect() {
        "connect"
    } else if error.is_redirect() {
        "redirect"
    } else if error.is_body() || error.is_decode() {
        "body"
    } else if error.is_request() {
        "request"
    } else {
        "other"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_is_hmac_sha256_of_timestamp_dot_body() {
        // printf '1700000000.{}' | openssl dgst -sha256 -hmac key
        assert_eq!(
            signature("key", 1_700_000_000, "{}"),
            "sha256=9d713ed406bb7076d4123f0dc2c39d2df5c654ed4b0cd56b52c8b4c940bd63ae"
        );
    }
}
