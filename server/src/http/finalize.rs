//! `POST /internal/finalize-due`: an external scheduler (EventBridge on AWS) asks the server to
//! close every due slot and deliver pending webhooks, so results are announced even when nobody
//! visits. Guarded by `FINALIZE_SECRET` in the `X-Finalize-Secret` header, compared in constant
//! time; without a configured secret the route does not exist (404). Idempotent: a retried call
//! finds nothing left to close.

use axum::{
    Json,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::{closing, metrics::ClosePath, store::Store};

pub const SECRET_HEADER: &str = "x-finalize-secret";

#[derive(Clone)]
pub struct FinalizeEndpoint {
    store: Store,
    batch: u32,
    /// SHA-256 of the secret: digests compare in the same time whatever the guess's length.
    secret_digest: [u8; 32],
}

impl FinalizeEndpoint {
    pub fn new(store: Store, secret: &SecretString, batch: u32) -> Self {
        Self {
            store,
            batch,
            secret_digest: digest(secret.expose_secret()),
        }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        headers
            .get(SECRET_HEADER)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|presented| digest(presented).ct_eq(&self.secret_digest).into())
    }
}

fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}

pub async fn finalize_due(
    State(endpoint): State<FinalizeEndpoint>,
    headers: HeaderMap,
) -> Response {
    if !endpoint.authorized(&headers) {
        tracing::warn!("finalize-due refused: missing or wrong secret");
        return (
            StatusCode::UNAUTHORIZED,
            "missing or wrong X-Finalize-Secret",
        )
            .into_response();
    }
    match closing::run_batch(&endpoint.store, ClosePath::Trigger, endpoint.batch).await {
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
