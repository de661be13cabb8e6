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

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

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

/// The secret of `kind` this session has just created (for `household_id`, when the kind
/// belongs to a household), or nothing. Taking it removes it from the session.
#[server(endpoint = "take_new_secret")]
pub async fn take_new_secret(
    kind: NewSecret,
    household_id: Option<String>,
) -> Result<Option<String>, AppError> {
    use crate::ids::HouseholdId;
    crate::service::serve(
        |accounts: std::sync::Arc<dyn crate::accounts::AccountsService>, req| async move {
            let household = household_id.map(HouseholdId::try_from).transpose()?;
            accounts.take_new_secret(&req, kind, household).await
        },
    )
    .await
}

/// The page's fresh secret of `kind`, when this session has just created one. A failure to read
/// it shows nothing rather than breaking the page around it. Call it once per page, where the
/// page component starts: content inside a `Suspense` may be built more than once while the page
/// renders, and only the first take gets the secret.
pub fn new_secret(kind: NewSecret, household: Option<String>) -> Resource<Option<String>> {
    Resource::new(
        || (),
        move |()| {
            let household = household.clone();
            async move { take_new_secret(kind, household).await.ok().flatten() }
        },
    )
}
