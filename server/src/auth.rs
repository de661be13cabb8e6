//! What stands behind the account and household server functions: password hashing, database
//! sessions, rate limits, the client's address, invite tokens, and the [`ServerBackend`] that the
//! app's server functions call (see `app::backend`). Flows and numbers: `docs/accounts.md`.

mod backend;
pub mod client_ip;
pub mod invites;
pub mod limits;
pub mod password;
pub mod request_member;
pub mod sessions;

pub use backend::ServerBackend;

/// Milliseconds since the Unix epoch: how the store keeps time on both engines.
pub fn now_ms() -> i64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
}
