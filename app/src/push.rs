//! Web Push from the installed app (`docs/notifications.md`, "Web Push"): a member subscribes a
//! phone on the account section of the households page ("Notify me on this phone"), sees and
//! removes their devices, and turns kinds of notification off. The server pushes what the in-app
//! notification says, through the outbox and a delivery queue like the webhooks'.

mod devices;
pub mod kinds;

pub use devices::{PushDevices, UNAVAILABLE};
pub use kinds::{PUSHED, PushKind, pushed};

#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::PushService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Push = std::sync::Arc<dyn PushService>;

use std::collections::BTreeMap;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A member subscribes at most this many devices (browsers on phones or computers).
pub const MAX_DEVICES: usize = 10;

/// One of the member's subscribed devices.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushDevice {
    pub id: String,
    /// "Chrome on Android", from the browser's user agent when it subscribed.
    pub label: String,
    pub created_at_ms: i64,
}

/// A kind of push and whether the member has it on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindSwitch {
    pub event: String,
    pub label: String,
    pub on: bool,
}

/// The account page's push section.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushSettings {
    /// False when this server sends no pushes (`OUTBOUND=none`).
    pub available: bool,
    /// The server's VAPID public key (base64url) the page subscribes with.
    pub public_key: Option<String>,
    pub devices: Vec<PushDevice>,
    pub kinds: Vec<KindSwitch>,
}

/// What a browser's push subscription hands over (`PushSubscription.toJSON()`), and its zone.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewDevice {
    pub endpoint: String,
    /// The device's P-256 public key, base64url.
    pub p256dh: String,
    /// The device's auth secret, base64url.
    pub auth: String,
    /// The device's IANA time zone, for quiet hours.
    pub time_zone: String,
}

/// The form field naming a kind switch that is on: `kind-<event>`.
pub fn kind_field(event: &str) -> String {
    format!("kind-{event}")
}

#[server(endpoint = "get_push_settings")]
pub async fn get_push_settings() -> Result<PushSettings, AppError> {
    crate::service::serve(|push: Push, req| async move { push.push_settings(&req).await }).await
}

/// Subscribes this device; sent by `/push.js` once the browser has made its subscription.
#[server(endpoint = "subscribe_push")]
pub async fn subscribe_push(
    endpoint: String,
    p256dh: String,
    auth: String,
    time_zone: String,
) -> Result<(), AppError> {
    crate::service::serve(|push: Push, req| async move {
        let device = NewDevice {
            endpoint,
            p256dh,
            auth,
            time_zone,
        };
        push.subscribe_push(&req, device).await?;
        crate::service::go_to_after_plain_form(&crate::routes::push_section());
        Ok(())
    })
    .await
}

#[server(endpoint = "remove_push_device")]
pub async fn remove_push_device(device_id: String) -> Result<(), AppError> {
    crate::service::serve(|push: Push, req| async move {
        push.remove_push_device(&req, device_id).await?;
        crate::service::go_to(&crate::routes::push_section());
        Ok(())
    })
    .await
}

/// Saves the kind switches: a checked box is a `kind-<event>` field; an unchecked one is absent.
#[server(endpoint = "set_push_kinds")]
pub async fn set_push_kinds(
    #[server(flatten)] fields: BTreeMap<String, String>,
) -> Result<(), AppError> {
    crate::service::serve(|push: Push, req| async move {
        let on = PUSHED
            .iter()
            .filter(|kind| fields.contains_key(&kind_field(kind.event)))
            .map(|kind| kind.event.to_owned())
            .collect();
        push.set_push_kinds(&req, on).await?;
        crate::service::go_to(&crate::routes::push_section());
        Ok(())
    })
    .await
}
