//! Web Push (`docs/notifications.md`, "Web Push"): members' subscribed devices ([`devices`]), the
//! vote reminders ([`reminders`]), the pushes queued from the outbox ([`fanout`]) and sent by the
//! background batch ([`queue`], [`send`]) encrypted for each device ([`crypto`]) and signed with
//! the server's key ([`vapid`]), never in a device's quiet hours ([`quiet`]). The account page's
//! service is [`service`]. Off when `OUTBOUND=none`.

pub mod crypto;
pub mod devices;
mod fanout;
pub mod queue;
pub mod quiet;
pub mod reminders;
pub mod send;
mod service;
pub mod vapid;

pub use devices::{Subscribed, Subscription, device_label};
pub use fanout::Message;
pub use queue::{DuePush, PushOutcome};
pub use send::{PushReport, Sender};
pub use vapid::Vapid;
