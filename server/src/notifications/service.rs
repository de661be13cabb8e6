//! The notifications service: what `app::notifications`'s server functions ask of the server
//! ([`NotificationsService`]).

use app::{
    error::{AppError, Field},
    households::Role,
    ids::HouseholdId,
    notifications::{NotificationsPage, NotificationsService, WebhookSettings},
    shown_once::NewSecret,
};
use http::request::Parts;

use crate::service::{
    Services, internal,
    session::{session, session_failed},
};
use crate::{auth::shown_once, clock::now_ms, digest::hex};

#[async_trait::async_trait]
impl NotificationsService for Services {
    async fn notifications(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<NotificationsPage, AppError> {
        // Settled first, so a meal whose deadline has passed is announced as closed.
        let access = self.settled_access(req, &household).await?;
        Ok(NotificationsPage {
            household_id: access.household_id().clone(),
            household_name: self.store.household_name(&access).await?,
            unread: self.store.unread_count(&access).await?,
            items: self.store.notifications(&access).await?,
        })
    }

    async fn unread_count(&self, req: &Parts, household: HouseholdId) -> Result<u32, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.unread_count(&access).await?)
    }

    async fn mark_notifications_read(
        &self,
        req: &Parts,
        household: HouseholdId,
        up_to: Option<i64>,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        let now = now_ms();
        let up_to = up_to.map_or(now, |up_to| up_to.min(now));
        self.store.mark_notifications_read(&access, up_to).await?;
        Ok(())
    }

    async fn webhook_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<WebhookSettings, AppError> {
        let access = self.access(req, &household).await?;
        let admin = access.role() == Role::Admin;
        let webhook = if admin {
            self.store.webhook(&access).await?
        } else {
            None
        };
        Ok(WebhookSettings {
            available: self.webhooks_enabled,
            created_at_ms: webhook.as_ref().map(|webhook| webhook.created_at_ms),
            url: webhook.map(|webhook| webhook.url),
            admin,
        })
    }

    async fn set_webhook(
        &self,
        req: &Parts,
        household: HouseholdId,
        url: String,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        if access.role() != Role::Admin {
            return Err(AppError::AdminOnly);
        }
        if !self.webhooks_enabled {
            return Err(AppError::invalid(
                Field::WebhookUrl,
                "Webhooks are unavailable on this server.",
            ));
        }
        let url = webhook_url(&url, self.webhooks_allow_private, self.outbound).await?;
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(internal)?;
        let secret = hex(&bytes);
        let now = now_ms();
        self.store.set_webhook(&access, &url, &secret, now).await?;
        // The address only: never the secret.
        tracing::info!("webhook set");
        let session = session(req)?;
        shown_once::keep(
            &session,
            NewSecret::WebhookSecret,
            Some(&household),
            secret,
            now,
        )
        .await
        .map_err(session_failed)
    }

    async fn remove_webhook(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.remove_webhook(&access).await?;
        tracing::info!("webhook removed");
        Ok(())
    }
}

/// A webhook address as stored: absolute `http` or `https` with a host and no credentials;
/// `https` unless the host is loopback (a receiver on the same machine, only with
/// `WEBHOOKS_ALLOW_PRIVATE`); a host that resolves to public addresses only, unless private ones
/// are allowed ([`crate::webhooks::checked_address`], checked again before every delivery).
async fn webhook_url(
    raw: &str,
    allow_private: bool,
    outbound: crate::config::Outbound,
) -> Result<String, AppError> {
    let invalid = |message: &str| AppError::invalid(Field::WebhookUrl, message);
    let url = url::Url::parse(raw.trim())
        .map_err(|_| invalid("Enter a full address such as https://example.com/hooks/mealvote."))?;
    let loopback = match url.host() {
        Some(url::Host::Domain(domain)) => domain.eq_ignore_ascii_case("localhost"),
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => return Err(invalid("The address needs a host name.")),
    };
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "Leave user names and passwords out of the address.",
        ));
    }
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => return Err(invalid("Use an https:// address.")),
        _ => return Err(invalid("Use an https:// address.")),
    }
    if url.as_str().len() > 2000 {
        return Err(invalid("The address is too long."));
    }
    crate::webhooks::checked_address(&url, allow_private, outbound)
        .await
        .map_err(|refused| invalid(&refused.to_string()))?;
    Ok(url.into())
}
