//! Telling the household (`docs/notifications.md`): the outbox every change is written to, the
//! member's notification feed read from it, and the webhook settings page's service
//! ([`app::notifications::NotificationsService`]). Delivering webhooks is `crate::webhooks`'.

mod feed;
pub mod outbox;
mod service;

pub use outbox::EventKind;
