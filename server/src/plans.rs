//! Meal plans: dishes, proposing and editing a plan, ballots, results and the ballot-file
//! download ([`app::plans::PlansService`]). Closing a slot is `crate::closing`'s.

mod ballots;
mod dishes;
pub mod export;
mod outcomes;
mod service;
mod store;
mod views;

pub use ballots::SavedBallot;
pub use outcomes::StoredOutcome;
pub use store::PlanTiming;
pub(crate) use store::require_manager;
