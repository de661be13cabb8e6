//! Who eats each meal (`app::attendance`, docs/plans.md "Who eats"): the one answer to "who
//! attends slot S" ([`attendees_of_slot`], used by closing, progress, nudges and the shopping
//! list), marking out and in and a meal's guests ([`store`]), and the service.

mod service;
pub mod store;
mod who;

pub use who::{attendees_of_slot, is_out};
