//! The operator's secret (`FINALIZE_SECRET`), presented in the `X-Finalize-Secret` header: it
//! guards `POST /internal/finalize-due`, and lets the operator's prober propose a plan whose
//! deadline is closer than the minimum lead.

use axum::http::HeaderMap;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

pub const SECRET_HEADER: &str = "x-finalize-secret";

/// Whether `headers` carry the secret whose digest is `expected` in [`SECRET_HEADER`].
pub fn presents_secret(headers: &HeaderMap, expected: &[u8; 32]) -> bool {
    headers
        .get(SECRET_HEADER)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|presented| digest(presented).ct_eq(expected).into())
}

/// SHA-256 of a secret, compared instead of the secret itself.
pub fn digest(secret: &str) -> [u8; 32] {
    Sha256::digest(secret.as_bytes()).into()
}
