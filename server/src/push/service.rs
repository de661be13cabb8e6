//! The push service: what `app::push`'s server functions ask of the server
//! ([`PushService`]). Every call is the signed-in member's own (their devices, their switches).

use app::{
    error::{AppError, Field},
    push::{KindSwitch, MAX_DEVICES, NewDevice, PUSHED, PushService, PushSettings},
};
use base64::{Engine, engine::general_purpose::URL_SAFE_NO_PAD};
use http::request::Parts;

use super::{Subscribed, Subscription, device_label, quiet};
use crate::{clock::now_ms, service::Services};

/// The longest endpoint accepted (push services' are a few hundred characters).
const MAX_ENDPOINT_CHARS: usize = 2000;

#[async_trait::async_trait]
impl PushService for Services {
    async fn push_settings(&self, req: &Parts) -> Result<PushSettings, AppError> {
        let user = self.signed_in(req).await?;
        let Some(vapid) = &self.push else {
            return Ok(PushSettings {
                available: false,
                public_key: None,
                devices: Vec::new(),
                kinds: Vec::new(),
            });
        };
        let devices = self.store.push_devices(&user).await?;
        let muted = self.store.push_muted(&user).await?;
        Ok(PushSettings {
            available: true,
            public_key: Some(vapid.public_key().await?),
            devices,
            kinds: PUSHED
                .iter()
                .map(|kind| KindSwitch {
                    event: kind.event.to_owned(),
                    label: kind.label.to_owned(),
                    on: !muted.iter().any(|off| off == kind.event),
                })
                .collect(),
        })
    }

    async fn subscribe_push(&self, req: &Parts, device: NewDevice) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        if self.push.is_none() {
            return Err(invalid(app::push::UNAVAILABLE));
        }
        let user_agent = req
            .headers
            .get(http::header::USER_AGENT)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let subscription = Subscription {
            endpoint: self.push_endpoint(&device.endpoint).await?,
            p256dh: key(&device.p256dh, 65, "The device's public key")?,
            auth: key(&device.auth, 16, "The device's auth secret")?,
            label: device_label(user_agent),
            time_zone: time_zone(&device.time_zone)?,
        };
        match self
            .store
            .subscribe_push(&user, &subscription, now_ms())
            .await?
        {
            Subscribed::Added => {
                // Never the endpoint (it is the device's address) or its keys.
                tracing::info!("push device subscribed");
                Ok(())
            }
            Subscribed::Full => Err(AppError::Conflict(format!(
                "You have {MAX_DEVICES} devices getting notifications, the most one account can. \
                 Remove one you no longer use first."
            ))),
        }
    }

    async fn remove_push_device(&self, req: &Parts, device: String) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        self.store.remove_push_device(&user, &device).await?;
        Ok(())
    }

    async fn set_push_kinds(&self, req: &Parts, on: Vec<String>) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let muted: Vec<&str> = PUSHED
            .iter()
            .map(|kind| kind.event)
            .filter(|event| !on.iter().any(|kept| kept == event))
            .collect();
        self.store.set_push_muted(&user, &muted).await?;
        Ok(())
    }
}

impl Services {
    /// A push service address as stored: absolute `https` with a host and no credentials, on
    /// public addresses only (the webhooks' rule, `crate::webhooks::checked_address`); `http`
    /// to a loopback host only with `PUSH_ALLOW_PRIVATE` (tests).
    async fn push_endpoint(&self, raw: &str) -> Result<String, AppError> {
        let url = url::Url::parse(raw.trim())
            .map_err(|_| invalid("This browser gave no usable push address."))?;
        if raw.len() > MAX_ENDPOINT_CHARS {
            return Err(invalid("This browser's push address is too long."));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(invalid("This browser's push address carries a password."));
        }
        match url.scheme() {
            "https" => {}
            "http" if self.push_allow_private => {}
            _ => return Err(invalid("This browser's push service does not use https.")),
        }
        crate::webhooks::checked_address(&url, self.push_allow_private, self.outbound)
            .await
            .map_err(|_| {
                invalid(
                    "This browser's push service is not on the public internet, or this \
                     server cannot reach it.",
                )
            })?;
        Ok(url.into())
    }
}

fn invalid(message: impl Into<String>) -> AppError {
    AppError::invalid(Field::PushSubscription, message)
}

/// A base64url key of exactly `bytes` bytes, as the browser gave it (padding dropped).
fn key(raw: &str, bytes: usize, what: &str) -> Result<String, AppError> {
    let trimmed = raw.trim().trim_end_matches('=');
    match URL_SAFE_NO_PAD.decode(trimmed) {
        Ok(decoded) if decoded.len() == bytes && (bytes != 65 || decoded[0] == 4) => {
            Ok(trimmed.to_owned())
        }
        _ => Err(invalid(format!(
            "{what} is not what browsers send ({bytes} bytes, base64url)."
        ))),
    }
}

/// A time zone this server knows, or `UTC` when the browser named none.
fn time_zone(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok("UTC".to_owned());
    }
    if raw.len() > 64 || quiet::zone(raw).is_none() {
        return Err(invalid(format!(
            "“{}” is not a time zone this server knows.",
            raw.chars().take(64).collect::<String>()
        )));
    }
    Ok(raw.to_owned())
}
