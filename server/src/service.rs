//! The services' shared state: what the app's server functions ask of the server. Each feature's
//! folder implements its trait from the `app` crate on [`Services`] (`plans/service.rs`, ...);
//! [`Services::provide`] hands them to a request.
//!
//! Every household-scoped method starts with [`Services::access`], which asks the one membership
//! check, [`Member::access`] (the signed-in member is read once per request, [`RequestMember`]),
//! and passes its proof ([`HouseholdAccess`]) to the store. The request path and the files a new feature touches:
//! `docs/architecture.md`.

mod errors;
pub(crate) mod session;

use std::sync::Arc;

use app::{
    accounts::AccountsService,
    error::AppError,
    households::HouseholdsService,
    ids::{HouseholdId, UserId},
    notifications::NotificationsService,
    plans::PlansService,
};
use http::request::Parts;
use leptos::prelude::provide_context;
use secrecy::ExposeSecret;

pub use errors::internal;
use session::{session, session_failed, signed_in_user};

use crate::{
    access::{HouseholdAccess, Member},
    auth::{request_member::RequestMember, sessions},
    clock::now_ms,
    config::Config,
    db::Store,
    telemetry::RequestLog,
};

#[derive(Clone, Debug)]
pub struct Services {
    pub(crate) store: Store,
    /// The rate limits' counters and key (`auth::limits`).
    pub(crate) limits: crate::auth::limits::RateLimits,
    /// This server's bounded password hashing (`auth::password`).
    pub(crate) hasher: Arc<crate::auth::password::Hasher>,
    pub(crate) client_ip_source: crate::auth::client_ip::ClientIpSource,
    pub(crate) https: bool,
    /// `PUBLIC_BASE_URL`'s origin, for full invite links; otherwise the request's `Host`.
    pub(crate) public_origin: Option<String>,
    /// `WEBHOOKS_ENABLED`: whether admins may set a webhook.
    pub(crate) webhooks_enabled: bool,
    /// `WEBHOOKS_ALLOW_PRIVATE`: webhooks may point at loopback and private addresses.
    pub(crate) webhooks_allow_private: bool,
    /// `OUTBOUND`: which addresses a webhook's host must have for this server to reach it.
    pub(crate) outbound: crate::config::Outbound,
    /// `BALLOT_SAVES_PER_MINUTE`: ballot saves per member per minute.
    pub(crate) ballot_saves_per_minute: i64,
    /// `MIN_DEADLINE_LEAD_SECS`, in milliseconds.
    pub(crate) min_deadline_lead_ms: i64,
    /// SHA-256 of `FINALIZE_SECRET`: a proposal carrying it (the operator's prober) may set a
    /// deadline closer than the minimum lead.
    pub(crate) operator_secret: Option<[u8; 32]>,
    /// Signs live pages' poll keys (`live`).
    pub(crate) live: crate::live::Keys,
    /// The VAPID key pushes are signed with; `None` when this server sends no pushes
    /// (`OUTBOUND=none`).
    pub(crate) push: Option<crate::push::Vapid>,
    /// `PUSH_ALLOW_PRIVATE`: devices may name a push service on loopback (tests only).
    pub(crate) push_allow_private: bool,
    /// Fetches recipe pages from their addresses; `None` unless `RECIPE_FETCH` is on.
    pub(crate) page_fetcher: Option<crate::recipes::fetch::PageFetcher>,
}

impl Services {
    pub fn new(store: Store, config: &Config) -> Self {
        Self {
            limits: crate::auth::limits::RateLimits::new(store.clone()),
            live: crate::live::Keys::new(store.clone()),
            push: config
                .push_enabled
                .then(|| crate::push::Vapid::new(store.clone(), config.push_subject())),
            push_allow_private: config.push_allow_private,
            page_fetcher: config
                .recipe_fetch
                .then(|| crate::recipes::fetch::PageFetcher::default().over(config.outbound)),
            store,
            hasher: crate::auth::password::Hasher::for_this_machine(),
            client_ip_source: config.client_ip_source,
            webhooks_enabled: config.webhooks_enabled,
            webhooks_allow_private: config.webhooks_allow_private,
            outbound: config.outbound,
            ballot_saves_per_minute: i64::from(config.ballot_saves_per_minute),
            min_deadline_lead_ms: i64::try_from(config.min_deadline_lead.as_millis())
                .unwrap_or(i64::MAX),
            operator_secret: config
                .finalize_secret
                .as_ref()
                .map(|secret| crate::auth::operator::digest(secret.expose_secret())),
            https: config.https(),
            public_origin: config
                .public_base_url
                .as_ref()
                .map(|url| url.origin().ascii_serialization()),
        }
    }

    pub(crate) fn site_origin(&self, req: &Parts) -> String {
        self.public_origin.clone().unwrap_or_else(|| {
            let host = req
                .headers
                .get(http::header::HOST)
                .and_then(|h| h.to_str().ok())
                .unwrap_or("localhost");
            let scheme = if self.https { "https" } else { "http" };
            format!("{scheme}://{host}")
        })
    }

    /// The signed-in person's id, or [`AppError::SignedOut`].
    pub(crate) async fn signed_in(&self, req: &Parts) -> Result<UserId, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        Ok(member.id.clone())
    }

    /// The signed-in member, read once per request ([`RequestMember`]); `None` when signed out,
    /// when the account no longer exists, or when the session was ended from elsewhere (sign
    /// out everywhere, a password change): those sessions are deleted here.
    pub(crate) async fn member(&self, req: &Parts) -> Result<Option<Arc<Member>>, AppError> {
        let Some(user) = signed_in_user(req).await? else {
            return Ok(None);
        };
        let member = match req.extensions.get::<RequestMember>() {
            Some(cached) => cached.get(&self.store, &user, now_ms()).await?,
            None => self.store.member(&user, now_ms()).await?.map(Arc::new),
        };
        let session = session(req)?;
        let signed_in_at: i64 = session
            .get(sessions::SIGNED_IN_AT)
            .await
            .map_err(session_failed)?
            .unwrap_or(0);
        match member {
            Some(member) if signed_in_at >= member.sessions_valid_from => Ok(Some(member)),
            _ => {
                session.flush().await.map_err(session_failed)?;
                Ok(None)
            }
        }
    }

    /// The signed-in person's [`HouseholdAccess`], from the one membership check
    /// ([`Member::access`]).
    pub(crate) async fn access(
        &self,
        req: &Parts,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, AppError> {
        let (_, access) = self.member_access(req, household).await?;
        Ok(access)
    }

    /// [`Self::access`] after the lazy close path (docs/architecture.md, decision 2): the household's
    /// overdue slots are closed before any of its plans is read, so no page shows one as open.
    /// The member's record says whether anything is due, so this costs nothing when nothing is.
    pub(crate) async fn settled_access(
        &self,
        req: &Parts,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, AppError> {
        let (member, access) = self.member_access(req, household).await?;
        if member.overdue(household) {
            self.store.settle_household(&access, now_ms()).await?;
            if let Some(cached) = req.extensions.get::<RequestMember>() {
                cached.settled(household).await;
            }
        }
        Ok(access)
    }

    /// The signed-in member and their access to `household`, which the request's log records.
    pub(crate) async fn member_access(
        &self,
        req: &Parts,
        household: &HouseholdId,
    ) -> Result<(Arc<Member>, HouseholdAccess), AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        let access = member.access(household)?;
        RequestLog::household(req, access.household_id());
        Ok((member, access))
    }

    /// A poll key for the member of `access` to watch `subject` `id` of their household from a
    /// live page (`crate::live`), tied to when their session signed in.
    pub(crate) async fn live_key(
        &self,
        req: &Parts,
        access: &HouseholdAccess,
        subject: crate::live::Subject,
        id: &str,
    ) -> Result<String, AppError> {
        let signed_in_at: i64 = session(req)?
            .get(sessions::SIGNED_IN_AT)
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        let watched = crate::live::key::Watched {
            subject,
            household: access.household_id(),
            id,
        };
        Ok(self
            .live
            .issue(access.user_id().as_str(), &watched, signed_in_at, now_ms())
            .await)
    }

    /// Forgets the request's member after a change to their memberships.
    pub(crate) async fn memberships_changed(req: &Parts) {
        if let Some(cached) = req.extensions.get::<RequestMember>() {
            cached.forget().await;
        }
    }
}

impl Services {
    /// Provides every feature's service to the server functions and pages of one request.
    pub fn provide(self: &Arc<Self>) {
        provide_context::<Arc<dyn AccountsService>>(self.clone());
        provide_context::<Arc<dyn HouseholdsService>>(self.clone());
        provide_context::<Arc<dyn PlansService>>(self.clone());
        provide_context::<Arc<dyn NotificationsService>>(self.clone());
        provide_context::<Arc<dyn app::recipes::RecipesService>>(self.clone());
        provide_context::<Arc<dyn app::shopping::ShoppingService>>(self.clone());
        provide_context::<Arc<dyn app::progress::ProgressService>>(self.clone());
        provide_context::<Arc<dyn app::cooks::CooksService>>(self.clone());
        provide_context::<Arc<dyn app::push::PushService>>(self.clone());
        provide_context::<Arc<dyn app::attendance::AttendanceService>>(self.clone());
        provide_context::<Arc<dyn app::cant_eat::CantEatService>>(self.clone());
    }
}
