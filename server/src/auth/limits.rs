//! Rate limits: fixed windows counted in the shared database (`Store::hit_rate_limit`), so they
//! hold however many instances run. A refused attempt does no further work (no password hashing).
//!
//! Per address, every attempt counts. Per account, only **failed** sign-ins count, and they count
//! per client network (an IPv4 address, an IPv6 /64): an attacker guessing someone's password
//! from their own network locks out only themselves, never the owner signing in from elsewhere.
//! A much higher ceiling per account across all networks stops a distributed guessing flood.
//!
//! Every password hash is counted before it runs, whatever its outcome: a sign-in or a password
//! change against its client network's budget, a password change also against its account's,
//! and a sign-up against its address's. Failures are *reserved* before the hash (counted as if
//! the attempt failed) and given back when the password was right, so concurrent wrong guesses
//! cannot all pass the check before any of them is counted.
//!
//! | what | per | limit |
//! |---|---|---|
//! | sign-in and password change | client network | 20 attempts per 15 minutes |
//! | password change | account | 20 per 15 minutes |
//! | sign-in | account email and client network | 5 failures per 15 minutes |
//! | sign-in | account email, all networks | 100 failures per 15 minutes |
//! | sign-up | client IP | 20 per hour |
//! | invite look-up and redemption | client IP | 30 per 15 minutes |
//! | invite redemption | account | 10 per 15 minutes |
//! | ballot save | member | 30 per minute |

use std::net::IpAddr;

use app::{accounts::Email, error::AppError, ids::UserId};

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{
    auth::server_keys::ServerKey,
    db::{Store, StoreError},
};

const MINUTE_MS: i64 = 60_000;

/// The shared counters, and the key that subjects (addresses, emails) are hashed under: made at
/// random by the first instance that needs it and stored, so every instance counts under the
/// same keys; read once per process.
#[derive(Clone, Debug)]
pub struct RateLimits {
    store: Store,
    key: ServerKey,
}

impl RateLimits {
    pub fn new(store: Store) -> Self {
        Self {
            key: ServerKey::new(store.clone(), "rate_limits"),
            store,
        }
    }

    async fn key(&self) -> Result<&str, StoreError> {
        self.key.get().await
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    scope: &'static str,
    pub max: i64,
    pub window_ms: i64,
}

/// Password hashes per client network: sign-ins and password changes, whatever their outcome.
pub const SIGN_IN_PER_IP: Limit = Limit::new("sign-in:ip", 20, 15);
/// Password changes per account, whatever their outcome (each hashes up to twice): bounds what
/// a session, even one used from many networks, can make the server hash.
pub const PASSWORD_CHANGES_PER_ACCOUNT: Limit = Limit::new("password-change:user", 20, 15);
/// Failed sign-ins per account from one client network.
pub const SIGN_IN_FAILURES_PER_EMAIL_AND_NETWORK: Limit =
    Limit::new("sign-in-failures:email-network", 5, 15);
/// Failed sign-ins per account from anywhere: only a distributed flood reaches it.
pub const SIGN_IN_FAILURES_PER_EMAIL: Limit = Limit::new("sign-in-failures:email", 100, 15);
pub const SIGN_UP_PER_IP: Limit = Limit::new("sign-up:ip", 20, 60);
pub const INVITE_PER_IP: Limit = Limit::new("invite:ip", 30, 15);
/// Ballot saves per member, across all meals (`app::quotas`).
pub const BALLOT_SAVES_PER_MEMBER: Limit = Limit::new(
    "ballot:user",
    app::quotas::MAX_BALLOT_SAVES_PER_MINUTE as i64,
    1,
);
pub const INVITE_PER_USER: Limit = Limit::new("invite:user", 10, 15);

impl Limit {
    /// At most `max` attempts per `scope` and subject in each window of `minutes`.
    const fn new(scope: &'static str, max: i64, minutes: i64) -> Self {
        Self {
            scope,
            max,
            window_ms: minutes * MINUTE_MS,
        }
    }

    /// This limit with another maximum (a configured one).
    pub const fn with_max(self, max: i64) -> Self {
        Self { max, ..self }
    }
}

/// The per-account limits on failed sign-ins, with what each counts against.
pub fn sign_in_failures(email: &Email, ip: IpAddr) -> [(Limit, Subject<'_>); 2] {
    [
        (
            SIGN_IN_FAILURES_PER_EMAIL_AND_NETWORK,
            Subject::EmailFrom(email, ip),
        ),
        (SIGN_IN_FAILURES_PER_EMAIL, Subject::Email(email)),
    ]
}

/// Who an attempt is counted against. The key stores a hash of it, never the address itself.
pub enum Subject<'a> {
    Ip(IpAddr),
    Email(&'a Email),
    /// An account, as seen from one client network ([`network`]).
    EmailFrom(&'a Email, IpAddr),
    User(&'a UserId),
}

/// The network a client address stands for: an IPv4 address itself, and an IPv6 address's /64
/// (one household's or one phone's allocation; counting single IPv6 addresses would give anyone
/// 2^64 tries).
pub fn network(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

impl Subject<'_> {
    /// `scope:HMAC-SHA256(secret, subject)` in hex: a keyed hash, so the table cannot be
    /// reversed by hashing every IPv4 address or a list of emails.
    fn key(&self, limit: &Limit, secret: &str) -> String {
        let subject = match self {
            Self::Ip(ip) => network(*ip),
            Self::Email(email) => email.as_str().to_owned(),
            Self::EmailFrom(email, ip) => format!("{}\n{}", email.as_str(), network(*ip)),
            Self::User(user) => user.as_str().to_owned(),
        };
        let mut mac =
            Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
        mac.update(subject.as_bytes());
        let digest = crate::digest::hex(&mac.finalize().into_bytes());
        format!("{}:{digest}", limit.scope)
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
    limits: &RateLimits,
    limit: Limit,
    subject: Subject<'_>,
    now_ms: i64,
) -> Result<(), LimitError> {
    let (hits, window_start) = count(limits, &limit, &subject, now_ms).await?;
    refuse_beyond(limit, hits, window_start, now_ms)
}

/// Failures counted before the password is checked ([`reserve_failures`]); give them back with
/// [`Reservation::release`] when the password was right.
#[must_use = "a reservation is kept as a failure unless released"]
pub struct Reservation {
    held: Vec<(String, i64)>,
}

/// Counts one failure against every per-account limit on failed sign-ins *before* the password
/// is hashed, refusing when a window is already full: counting and checking are one atomic
/// statement, so twenty guesses at once cannot all slip past a limit of five.
pub async fn reserve_failures(
    limits: &RateLimits,
    email: &Email,
    ip: IpAddr,
    now_ms: i64,
) -> Result<Reservation, LimitError> {
    let mut reservation = Reservation { held: Vec::new() };
    for (limit, subject) in sign_in_failures(email, ip) {
        let key = subject.key(&limit, limits.key().await?);
        let (hits, window_start) = limits
            .store
            .hit_rate_limit(&key, limit.window_ms, now_ms)
            .await?;
        reservation.held.push((key, window_start));
        if let Err(refused) = refuse_beyond(limit, hits, window_start, now_ms) {
            // A refused attempt hashes nothing: it is no failure either.
            reservation.release(limits).await?;
            return Err(refused);
        }
    }
    Ok(reservation)
}

impl Reservation {
    /// The password was right (or the attempt was refused): the reserved failures are given back.
    pub async fn release(self, limits: &RateLimits) -> Result<(), StoreError> {
        for (key, window_start) in &self.held {
            limits.store.release_rate_limit(key, *window_start).await?;
        }
        Ok(())
    }
}

/// Counts one attempt: the window's count (this attempt included) and when the window started.
async fn count(
    limits: &RateLimits,
    limit: &Limit,
    subject: &Subject<'_>,
    now_ms: i64,
) -> Result<(i64, i64), StoreError> {
    let key = subject.key(limit, limits.key().await?);
    limits
        .store
        .hit_rate_limit(&key, limit.window_ms, now_ms)
        .await
}

/// `Reached` when `hits` (this attempt included) is over the limit.
fn refuse_beyond(
    limit: Limit,
    hits: i64,
    window_start: i64,
    now_ms: i64,
) -> Result<(), LimitError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_a_keyed_hash_that_names_no_address() {
        let ip: IpAddr = "192.0.2.7".parse().unwrap();
        let key = Subject::Ip(ip).key(&SIGN_IN_PER_IP, "secret one");
        assert!(key.starts_with("sign-in:ip:"), "{key}");
        assert!(!key.contains("192.0.2.7"));
        assert_eq!(key, Subject::Ip(ip).key(&SIGN_IN_PER_IP, "secret one"));
        assert_ne!(
            key,
            Subject::Ip(ip).key(&SIGN_IN_PER_IP, "secret two"),
            "without the server's secret nobody can recompute a key"
        );
        let plain_sha256 = crate::digest::sha256_hex(b"192.0.2.7");
        assert!(!key.ends_with(&plain_sha256));
    }

    #[test]
    fn an_ipv6_client_counts_per_64_and_an_ipv4_client_per_address() {
        let ip = |text: &str| text.parse::<IpAddr>().unwrap();
        assert_eq!(
            network(ip("2001:db8:1:2:aaaa::1")),
            network(ip("2001:db8:1:2:ffff:ffff:ffff:ffff"))
        );
        assert_ne!(
            network(ip("2001:db8:1:2::1")),
            network(ip("2001:db8:1:3::1"))
        );
        assert_ne!(network(ip("192.0.2.1")), network(ip("192.0.2.2")));
        assert_eq!(network(ip("::ffff:192.0.2.1")), network(ip("192.0.2.1")));
    }
}
