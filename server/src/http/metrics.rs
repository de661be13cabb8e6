//! `GET /metrics`: the Prometheus text format, for holders of the `METRICS_TOKEN` bearer token.
//! Without a configured token the route does not exist (404), so a deployment that forgot the
//! token exposes nothing.

use axum::{
    extract::State,
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Response},
};
use metrics_exporter_prometheus::PrometheusHandle;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::db::Store;

/// What the endpoint needs: the recorder to render, the pool to sample, the token to check.
#[derive(Clone)]
pub struct MetricsEndpoint {
    handle: PrometheusHandle,
    store: Store,
    /// SHA-256 of the token: comparing digests takes the same time whatever the length of the
    /// guess.
    token_digest: [u8; 32],
}

impl MetricsEndpoint {
    pub fn new(handle: PrometheusHandle, store: Store, token: &SecretString) -> Self {
        Self {
            handle,
            store,
            token_digest: digest(token.expose_secret()),
        }
    }

    fn authorized(&self, headers: &HeaderMap) -> bool {
        let Some(presented) = headers
            .get(header::AUTHORIZATION)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.strip_prefix("Bearer "))
        else {
            return false;
        };
        digest(presented.trim()).ct_eq(&self.token_digest).into()
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

/// Samples the pool, then renders every metric.
pub async fn scrape(State(endpoint): State<MetricsEndpoint>, headers: HeaderMap) -> Response {
    if !endpoint.authorized(&headers) {
        return (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))],
        )
            .into_response();
    }
    endpoint.store.sample_pool_metrics();
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
        )],
        endpoint.handle.render(),
    )
        .into_response()
}
