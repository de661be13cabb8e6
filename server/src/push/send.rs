//! Sending pushes: the background batch POSTs each due push, encrypted for its device
//! ([`super::crypto`]) and signed with the server's VAPID key ([`super::vapid`]), to the device's
//! push service. The address is checked before every attempt with the webhooks' rule
//! (`crate::webhooks::checked_address`: public addresses only, unless `PUSH_ALLOW_PRIVATE`; the
//! connection goes to the very address checked), with the same client settings: no redirects,
//! no proxy, a 5-second timeout. At most [`MAX_PER_BATCH`] per batch, [`crate::webhooks::CONCURRENCY`]
//! at a time, none started after [`crate::webhooks::BUDGET`].

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use serde::Serialize;
use tokio::{sync::Semaphore, task::JoinSet};
use tracing::Instrument;

use super::{
    crypto,
    queue::{DuePush, PushOutcome},
    vapid::Vapid,
};
use crate::{
    config::Outbound,
    db::{Store, StoreError},
    webhooks::{AfterAttempt, BUDGET, CONCURRENCY, Refused, TIMEOUT, checked_address},
};

/// At most this many pushes per batch.
pub const MAX_PER_BATCH: u32 = 64;
/// How long a claimed attempt is held before another instance may take it over.
const LEASE_MS: i64 = 60_000;
/// How long a push service keeps a push for a device that is off (`TTL`, seconds): a day.
const TTL_SECONDS: u32 = 24 * 3600;

/// What one batch's pushes did.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PushReport {
    /// Pushes queued from new events.
    pub queued: u32,
    /// Vote reminders written.
    pub reminded: u32,
    pub delivered: u32,
    pub failed: u32,
    /// Given up: retries used up, expired, or the device is gone.
    pub abandoned: u32,
    pub deferred: u32,
}

/// What sends pushes: the HTTP client, the VAPID key, and the address rules.
#[derive(Clone, Debug)]
pub struct Sender {
    vapid: Vapid,
    allow_private: bool,
    outbound: Outbound,
}

impl Sender {
    pub fn new(vapid: Vapid, allow_private: bool, outbound: Outbound) -> Self {
        Self {
            vapid,
            allow_private,
            outbound,
        }
    }
}

enum Attempted {
    Recorded(AfterAttempt),
    ClaimedElsewhere,
    Deferred,
}

/// Writes due reminders, queues the pushes of new events, then sends up to `limit` due pushes.
pub async fn run(
    store: &Store,
    sender: &Sender,
    now_ms: i64,
    limit: u32,
) -> Result<PushReport, StoreError> {
    let reminded = store.remind_voters(now_ms).await?;
    let queued = store.queue_pushes(now_ms).await?;
    let mut report = deliver_due(store, sender, now_ms, limit.min(MAX_PER_BATCH), BUDGET).await?;
    report.reminded = reminded;
    report.queued = queued;
    Ok(report)
}

/// Sends up to `limit` pushes due at `now_ms`, starting none once `budget` has passed.
pub async fn deliver_due(
    store: &Store,
    sender: &Sender,
    now_ms: i64,
    limit: u32,
    budget: Duration,
) -> Result<PushReport, StoreError> {
    let until = Instant::now() + budget;
    let permits = Arc::new(Semaphore::new(CONCURRENCY));
    let mut attempts = JoinSet::new();
    for due in store.due_pushes(now_ms, limit).await? {
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
    let mut report = PushReport::default();
    let mut failure = None;
    while let Some(joined) = attempts.join_next().await {
        match joined {
            Ok(Ok(Attempted::Recorded(AfterAttempt::Delivered))) => report.delivered += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::RetryAt(_)))) => report.failed += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::Abandoned))) => report.abandoned += 1,
            Ok(Ok(Attempted::Deferred)) => report.deferred += 1,
            Ok(Ok(Attempted::Recorded(AfterAttempt::Lost) | Attempted::ClaimedElsewhere)) => {}
            Ok(Err(error)) => failure = Some(error),
            Err(panicked) => tracing::error!(error = %panicked, "a push attempt panicked"),
        }
    }
    match failure {
        Some(error) => Err(error),
        None => Ok(report),
    }
}

async fn attempt(
    store: &Store,
    sender: &Sender,
    due: DuePush,
    now_ms: i64,
) -> Result<Attempted, StoreError> {
    let lease_until = now_ms + LEASE_MS;
    if !store.claim_push(&due, lease_until).await? {
        return Ok(Attempted::ClaimedElsewhere);
    }
    let outcome = if due.expires_at.is_some_and(|expires| expires <= now_ms) {
        PushOutcome::Expired
    } else {
        send(sender, &due, now_ms).await
    };
    if let PushOutcome::Failed(error) = &outcome {
        tracing::warn!(
            push = due.id,
            household = %due.household(),
            attempt = due.attempts + 1,
            error,
            "push failed"
        );
    }
    store
        .finish_push(&due, lease_until, &outcome, now_ms)
        .await
        .map(Attempted::Recorded)
}

/// One attempt: the message encrypted for the device, to the address checked just before.
pub async fn send(sender: &Sender, due: &DuePush, now_ms: i64) -> PushOutcome {
    let failed = |kind: &str| PushOutcome::Failed(kind.to_owned());
    let Ok(url) = url::Url::parse(&due.endpoint) else {
        return failed("address");
    };
    let address = match checked_address(&url, sender.allow_private, sender.outbound).await {
        Ok(address) => address,
        Err(Refused::NotPublic) => return failed("not a public address"),
        Err(Refused::Unresolvable) => return failed("dns"),
        Err(Refused::NoHost) => return failed("address"),
        Err(Refused::Port) => return failed("port"),
        Err(Refused::NoIpv6) => return failed(crate::webhooks::NO_IPV6),
    };
    let (Ok(public), Ok(auth)) = (
        URL_SAFE_NO_PAD.decode(due.p256dh.trim_end_matches('=')),
        URL_SAFE_NO_PAD.decode(due.auth.trim_end_matches('=')),
    ) else {
        return failed("keys");
    };
    let body = match crypto::encrypt(&public, &auth, due.payload.as_bytes()) {
        Ok(body) => body,
        Err(error) => return PushOutcome::Failed(error.to_string()),
    };
    let authorization = match sender.vapid.authorization(&url, now_ms).await {
        Ok(header) => header,
        Err(_) => return failed("vapid key"),
    };
    let mut builder = client_builder();
    if let Some(url::Host::Domain(name)) = url.host() {
        builder = builder.resolve(name, address);
    }
    let Ok(client) = builder.build() else {
        return failed("client");
    };
    let response = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
        .header(reqwest::header::CONTENT_ENCODING, "aes128gcm")
        .header("TTL", TTL_SECONDS.to_string())
        .header("Urgency", "normal")
        .header(reqwest::header::AUTHORIZATION, authorization)
        .body(body)
        .send()
        .await;
    match response {
        Ok(response) if response.status().is_success() => PushOutcome::Delivered,
        Ok(response) if matches!(response.status().as_u16(), 404 | 410) => PushOutcome::Gone,
        Ok(response) => PushOutcome::Failed(format!("status {}", response.status().as_u16())),
        Err(error) if error.is_timeout() => failed("timeout"),
        Err(error) if error.is_connect() => failed("connect"),
        Err(_) => failed("other"),
    }
}

/// The webhooks' client settings: no proxy, no redirects, [`TIMEOUT`].
fn client_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(TIMEOUT)
        .user_agent(concat!("mealvote-push/", env!("CARGO_PKG_VERSION")))
}
