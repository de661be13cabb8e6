//! Rate limits: fixed windows counted in the shared database (`Store::hit_rate_limit`), so they
//! hold however many instances run. Every attempt counts, successful or not; a refused attempt
//! does no further work (no password hashing).
//!
//! | what | per | limit |
//! |---|---|---|
//! | sign-in | client IP | 20 per 15 minutes |
//! | sign-in | account email | 5 per 15 minutes |
//! | sign-up | client IP | 20 per hour |
//! | invite look-up and redemption | client IP | 30 per 15 minutes |
//! | invite redemption | account | 10 per 15 minutes |

use std::net::IpAddr;

use app::{accounts::Email, error::AppError, ids::UserId};

use super::invites::hex_sha256;
use crate::store::{Store, StoreError};

const MINUTE_MS: i64 = 60_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    scope: &'static str,
    pub max: i64,
    pub window_ms: i64,
}

pub const SIGN_IN_PER_IP: Limit = Limit {
    scope: "sign-in:ip",
    max: 20,
    window_ms: 15 * MINUTE_MS,
};
pub const SIGN_IN_PER_EMAIL: Limit = Limit {
    scope: "sign-in:email",
    max: 5,
    window_ms: 15 * MINUTE_MS,
};
pub const SIGN_UP_PER_IP: Limit = Limit {
    scope: "sign-up:ip",
    max: 20,
    window_ms: 60 * MINUTE_MS,
};
pub const INVITE_PER_IP: Limit = Limit {
    scope: "invite:ip",
    max: 30,
    window_ms: 15 * MINUTE_MS,
};
pub const INVITE_PER_USER: Limit = Limit {
    scope: "invite:user",
    max: 10,
    window_ms: 15 * MINUTE_MS,
};

/// Who an attempt is counted against. The key stores a hash of it, never the address itself.
pub enum Subject<'a> {
    Ip(IpAddr),
    Email(&'a Email),
    User(&'a UserId),
}

impl Subject<'_> {
    fn key(&self, limit: &Limit) -> String {
        let subject = match self {
            Self::Ip(ip) => ip.to_string(),
            Self::Email(email) => email.as_str().to_owned(),
            Self::User(user) => user.as_str().to_owned(),
        };
        format!("{}:{}", limit.scope, hex_sha256(subject.as_bytes()))
    }
}

#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("rate limit reached")]
    Reached { retry_after_minutes: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<LimitError> for AppError {
    fn from(error: LimitError) -> Self {
        match error {
            LimitError::Reached {
                retry_after_minutes,
            } => AppError::RateLimited {
                retry_after_minutes,
            },
            LimitError::Store(error) => error.into(),
        }
    }
}

/// Counts one attempt; refuses it when the window already holds `max` attempts.
pub async fn check(
    store: &Store,
    limit: Limit,
    subject: Subject<'_>,
    now_ms: i64,
) -> Result<(), LimitError> {
    let (hits, window_start) = store
        .hit_rate_limit(&subject.key(&limit), limit.window_ms, now_ms)
        .await?;
    if hits > limit.max {
        let remaining_ms = u64::try_from(window_start + limit.window_ms - now_ms).unwrap_or(0);
        let retry_after_minutes = remaining_ms.div_ceil(60_000).max(1);
        tracing::warn!(scope = limit.scope, hits, "rate limit reached");
        return Err(LimitError::Reached {
            retry_after_minutes,
        });
    }
    Ok(())
}
