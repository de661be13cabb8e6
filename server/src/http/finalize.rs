//! `POST /internal/finalize-due`: an external scheduler (EventBridge on AWS) asks the server to
//! close every due slot and deliver pending webhooks, so results are announced even when nobody
//! visits. Guarded by `FINALIZE_SECRET` in the `X-Finalize-Secret` header, compared in constant
//! time; without a configured secret it answers 404, as for an unknown path. It is
//! outside the pages' same-origin check: the secret is the credential. Idempotent: a retried call
//! finds nothing left to close.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use secrecy::{ExposeSecret, SecretString};

use crate::{
    auth::operator::{digest, presents_secret},
    batch,
    closing::ClosePath,
    db::Store,
};

#[derive(Clone)]
pub struct FinalizeEndpoint {
    store: Store,
    batch: u32,
    /// The webhook and push clients.
    senders: batch::Senders,
    /// SHA-256 of the secret: digests compare in the same time whatever the guess's length.
    /// `None` when no secret is configured: the route then answers 404, like an unknown path.
    secret_digest: Option<[u8; 32]>,
}

impl FinalizeEndpoint {
    pub fn new(
        store: Store,
        secret: Option<&SecretString>,
        batch: u32,
        senders: batch::Senders,
    ) -> Self {
        Self {
            store,
            batch,
            senders,
            secret_digest: secret.map(|secret| digest(secret.expose_secret())),
        }
    }

    fn authorized(&self, expected: &[u8; 32], headers: &HeaderMap) -> bool {
        presents_secret(headers, expected)
    }
}

pub async fn finalize_due(
    State(endpoint): State<FinalizeEndpoint>,
    headers: HeaderMap,
) -> Response {
    let Some(expected) = &endpoint.secret_digest else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !endpoint.authorized(expected, &headers) {
        tracing::warn!("finalize-due refused: missing or wrong secret");
        return (
            StatusCode::UNAUTHORIZED,
            "missing or wrong X-Finalize-Secret",
        )
            .into_response();
    }
    run_batch(&endpoint.store, &endpoint.senders, endpoint.batch).await
}

/// Runs one trigger batch and answers its report (JSON), or 503 for the scheduler to retry.
pub(super) async fn run_batch(store: &Store, senders: &batch::Senders, batch: u32) -> Response {
    match batch::run_batch(store, senders, ClosePath::Trigger, batch).await {
        Ok(report) => Json(report).into_response(),
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "finalize-due failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "finalize-due failed; retry",
            )
                .into_response()
        }
    }
}
