//! A cook per meal (`docs/cooks.md`): changing a meal's cook ([`Store::set_cook`](crate::db::Store),
//! `store.rs`), and the evening-before reminder the background batch sends
//! ([`Store::remind_cooks`](crate::db::Store), `reminders.rs`), counting the people eating through
//! one function (`eaters.rs`).

mod eaters;
pub(crate) use eaters::eaters_of_slot;
mod reminders;
mod service;
mod store;

pub use reminders::RemindReport;
