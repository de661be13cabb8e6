//! Telling the household (`docs/notifications.md`): in-app notifications read from the
//! household's data-changes outbox, and an optional webhook per household that admins set.
//!
//! Nothing here waits for a webhook: deliveries are queued with each change and sent by the
//! background batch (`POST /internal/finalize-due` or the ticker).

mod wording;

pub use wording::{notification_link, notification_text};

#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::NotificationsService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Notifications = std::sync::Arc<dyn NotificationsService>;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::service::serve_in;

use crate::{error::AppError, ids::HouseholdId};

/// At most this many notifications are listed, newest first.
pub const MAX_NOTIFICATIONS: u32 = 50;

/// One change in the household, in plain words ("Ada proposed “Next week”").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    pub text: String,
    pub at_ms: i64,
    /// Newer than the last "Mark all as read".
    pub unread: bool,
    /// Where to read more: the plan, or its results once a meal has closed.
    pub href: Option<String>,
}

/// `/households/:id/notifications`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsPage {
    pub household_id: HouseholdId,
    pub household_name: String,
    pub unread: u32,
    pub items: Vec<Notification>,
}

/// The household's webhook as an admin sees it: never its secret.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WebhookSettings {
    /// False when the server does not deliver webhooks (`WEBHOOKS_ENABLED=false`).
    pub available: bool,
    /// Only admins see the settings; for others this is always `None`.
    pub url: Option<String>,
    pub created_at_ms: Option<i64>,
    pub admin: bool,
}

#[server(endpoint = "get_notifications")]
pub async fn get_notifications(household_id: String) -> Result<NotificationsPage, AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            notifications.notifications(&req, household).await
        },
    )
    .await
}

/// The unread count shown in the household's navigation.
#[server(endpoint = "get_unread_count")]
pub async fn get_unread_count(household_id: String) -> Result<u32, AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            notifications.unread_count(&req, household).await
        },
    )
    .await
}

/// Marks the member's notifications read up to `seen_up_to` (the newest one the page listed, in
/// ms), so a change that arrived while the page was open stays unread; without it, up to now.
#[server(endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read(
    household_id: String,
    seen_up_to: Option<String>,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            let up_to = seen_up_to
                .filter(|raw| !raw.is_empty())
                .map(|raw| raw.parse::<i64>())
                .transpose()
                .map_err(|_| AppError::BadRequest)?;
            notifications
                .mark_notifications_read(&req, household.clone(), up_to)
                .await?;
            crate::service::go_to(&crate::routes::notifications(household));
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "get_webhook_settings")]
pub async fn get_webhook_settings(household_id: String) -> Result<WebhookSettings, AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            notifications.webhook_settings(&req, household).await
        },
    )
    .await
}

/// Sets (or replaces) the household's webhook with a new secret, shown once on the page it
/// returns to (`crate::shown_once`).
#[server(endpoint = "set_webhook")]
pub async fn set_webhook(household_id: String, url: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            notifications
                .set_webhook(&req, household.clone(), url)
                .await?;
            crate::service::go_to(&crate::routes::household_at(household, "webhook-heading"));
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "remove_webhook")]
pub async fn remove_webhook(household_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |notifications: Notifications, req, household| async move {
            notifications.remove_webhook(&req, household).await
        },
    )
    .await
}
