//! Secrets shown once: a new invite link, a new calendar link, a new webhook's signing secret.
//!
//! Only a hash of each is stored, so the person who creates one must see it right away. The
//! server keeps the fresh secret in the creator's session (server side, never in a URL that
//! history, logs or a `Referer` keep, and that anyone could forge to plant a secret of their
//! choosing) and the page that follows takes it out: a reload, another tab or another device
//! shows nothing. A secret nobody took is dropped after [`SHOWN_ONCE_TTL_MS`].
//!
//! The element showing a secret carries `data-shown-once`: the service worker never keeps a page
//! with it for offline use (`public/sw.js`), so a secret is not shown again from there either.

mod take;

use serde::{Deserialize, Serialize};

pub use take::{TakeNewSecret, new_secret, take_new_secret};

/// How long a fresh secret waits in the session for the page that shows it.
pub const SHOWN_ONCE_TTL_MS: i64 = 10 * 60 * 1000;

/// What kind of secret: each kind has its own place in the session, so creating an invite link
/// does not hide a webhook secret that was not shown yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewSecret {
    /// The token of an invite link (`/join/{token}`), for one household.
    InviteToken,
    /// The token of the member's calendar link (`/calendar/{token}.ics`).
    CalendarToken,
    /// The signing secret of a household's webhook.
    WebhookSecret,
}

impl NewSecret {
    /// Its key in the session.
    pub fn session_key(self) -> &'static str {
        match self {
            Self::InviteToken => "new_secret.invite_token",
            Self::CalendarToken => "new_secret.calendar_token",
            Self::WebhookSecret => "new_secret.webhook_secret",
        }
    }
}
