//! Households: creating one, members and roles, invites, and what a departure ends
//! ([`app::households::HouseholdsService`]). Who belongs to a household is decided in
//! `crate::access`.

mod departures;
mod invites;
mod service;
mod store;

pub use invites::{NewInvite, StoredInvite};
pub(crate) use service::summaries;
pub(crate) use store::lock_household;
