//! Who is asking, and how much they may: password hashing, database sessions, rate limits, the
//! client's address, invite tokens, the member read once per request, and secrets shown once.
//! The services (`crate::service`) build on these. Flows and numbers: `docs/accounts.md`.

pub mod client_ip;
pub mod invites;
pub mod limits;
pub mod operator;
pub mod password;
mod rate_limits;
pub mod request_member;
pub mod server_keys;
pub mod sessions;
pub mod shown_once;
