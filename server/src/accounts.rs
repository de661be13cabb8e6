//! Accounts: signing up and in, profiles, sessions' records, and the member's calendar link
//! ([`app::accounts::AccountsService`]).

mod service;
mod sessions;
mod store;

pub use sessions::StoredSession;
pub use store::User;
