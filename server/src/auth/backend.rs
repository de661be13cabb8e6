//! The server's side of the account and household server functions (`app::backend::Backend`).
//!
//! Every household-scoped method starts with the one membership check, `ServerBackend::access`
//! (the signed-in member is read once per request, [`RequestMember`]), and passes its proof to
//! the store.

use app::{
    accounts::{Credentials, NewAccount, Password, Viewer},
    backend::Backend,
    error::{AppError, Field},
    households::{
        CreatedInvite, HouseholdName, HouseholdOverview, HouseholdSummary, InviteOptions,
        InvitePreview, InviteToken, Role,
    },
    ids::{HouseholdId, InviteId, OptionId, PlanId, SlotId, UserId},
    notifications::{CreatedWebhook, NotificationsPage, WebhookSettings},
    plans::{
        BallotPage, DecidedSlot, DishDetails, DishName, MealNames, MealSettings, NewPlan,
        OptionNames, PlanForm, PlanSummary, PlanView, Ranking, ResultsPage, SlotOutcome,
        SlotResult, Verdict, export_path, parse_new_deadline, parse_reopen_deadline, verdict,
        verify_command,
    },
};
use std::sync::Arc;

use http::request::Parts;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

use super::{
    client_ip::client_ip,
    invites::{hex, new_token, token_hash},
    limits::{self, Subject},
    now_ms, password,
    request_member::RequestMember,
    sessions::{self, CURRENT_HOUSEHOLD, USER_ID},
};
use crate::{
    config::Config,
    http::RequestLog,
    store::{HouseholdAccess, Member, NewInvite, PlanRule, Store, StoreError, StoredOutcome},
    telemetry::error_chain,
};

const DAY_MS: i64 = 86_400_000;

#[derive(Clone, Debug)]
pub struct ServerBackend {
    store: Store,
    behind_proxy: bool,
    https: bool,
    /// `PUBLIC_BASE_URL`'s origin, for full invite links; otherwise the request's `Host`.
    public_origin: Option<String>,
    /// `WEBHOOKS_ENABLED`: whether admins may set a webhook.
    webhooks_enabled: bool,
    /// `WEBHOOKS_ALLOW_PRIVATE`: webhooks may point at loopback and private addresses.
    webhooks_allow_private: bool,
    /// `BALLOT_SAVES_PER_MINUTE`: ballot saves per member per minute.
    ballot_saves_per_minute: i64,
}

impl ServerBackend {
    pub fn new(store: Store, config: &Config) -> Self {
        Self {
            store,
            behind_proxy: config.behind_proxy,
            webhooks_enabled: config.webhooks_enabled,
            webhooks_allow_private: config.webhooks_allow_private,
            ballot_saves_per_minute: i64::from(config.ballot_saves_per_minute),
            https: config.https(),
            public_origin: config
                .public_base_url
                .as_ref()
                .map(|url| url.origin().ascii_serialization()),
        }
    }

    fn site_origin(&self, req: &Parts) -> String {
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
    async fn signed_in(&self, req: &Parts) -> Result<UserId, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        Ok(member.id.clone())
    }

    /// The signed-in member, read once per request ([`RequestMember`]); `None` when signed out,
    /// when the account no longer exists, or when the session was ended from elsewhere (sign
    /// out everywhere, a password change): those sessions are deleted here.
    async fn member(&self, req: &Parts) -> Result<Option<Arc<Member>>, AppError> {
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

    /// The membership check for the signed-in person: the one place every household-scoped
    /// method gets its [`HouseholdAccess`].
    async fn access(
        &self,
        req: &Parts,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        let access = member.access(household)?;
        RequestLog::household(req, access.household_id());
        Ok(access)
    }

    /// [`Self::access`] after the lazy close path (docs/architecture.md, decision 2): the household's
    /// overdue slots are closed before any of its plans is read, so no page shows one as open.
    /// The member's record says whether anything is due, so this costs nothing when nothing is.
    async fn settled_access(
        &self,
        req: &Parts,
        household: &HouseholdId,
    ) -> Result<HouseholdAccess, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        let access = member.access(household)?;
        RequestLog::household(req, access.household_id());
        if member.overdue(household) {
            self.store.settle_household(&access, now_ms()).await?;
            if let Some(cached) = req.extensions.get::<RequestMember>() {
                cached.settled(household).await;
            }
        }
        Ok(access)
    }

    /// Forgets the request's member after a change to their memberships.
    async fn memberships_changed(req: &Parts) {
        if let Some(cached) = req.extensions.get::<RequestMember>() {
            cached.forget().await;
        }
    }

    /// Starts a signed-in session under a new id, so an id planted before sign-in is worthless.
    async fn start_session(&self, req: &Parts, user: &UserId) -> Result<(), AppError> {
        let session = session(req)?;
        session.cycle_id().await.map_err(session_failed)?;
        session.clear().await;
        session
            .insert(USER_ID, user.as_str())
            .await
            .map_err(session_failed)?;
        let now = now_ms();
        session
            .insert(sessions::REFRESHED_AT, now)
            .await
            .map_err(session_failed)?;
        session
            .insert(sessions::SIGNED_IN_AT, now)
            .await
            .map_err(session_failed)?;
        Ok(())
    }
}

#[async_trait::async_trait]
impl Backend for ServerBackend {
    #[tracing::instrument(name = "server_fn.get_viewer", skip_all, parent = RequestLog::span_id(req))]
    async fn viewer(&self, req: &Parts) -> Result<Option<Viewer>, AppError> {
        if signed_in_user(req).await?.is_none() {
            return Ok(None);
        }
        let session = session(req)?;
        let Some(member) = self.member(req).await? else {
            // The account no longer exists, or this session was ended from elsewhere.
            return Ok(None);
        };
        let households = summaries(&member);
        let chosen: Option<String> = session
            .get(CURRENT_HOUSEHOLD)
            .await
            .map_err(session_failed)?;
        // The chosen household may have been left since: fall back to the first one.
        let current_household = chosen
            .and_then(|id| households.iter().find(|h| h.id.as_str() == id))
            .or_else(|| households.first())
            .map(|h| h.id.clone());
        Ok(Some(Viewer {
            user_id: member.id.clone(),
            display_name: member.display_name.clone(),
            households,
            current_household,
        }))
    }

    #[tracing::instrument(name = "server_fn.sign_up", skip_all, parent = RequestLog::span_id(req))]
    async fn sign_up(&self, req: &Parts, account: NewAccount) -> Result<UserId, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.behind_proxy);
        limits::check(&self.store, limits::SIGN_UP_PER_IP, Subject::Ip(ip), now).await?;
        let hash = password::hash(account.password).await?;
        let user = self
            .store
            .create_user(&account.email, &account.display_name, &hash, now)
            .await?;
        RequestLog::user(req, &user);
        tracing::info!("account created");
        self.start_session(req, &user).await?;
        Ok(user)
    }

    #[tracing::instrument(name = "server_fn.sign_in", skip_all, parent = RequestLog::span_id(req))]
    async fn sign_in(&self, req: &Parts, credentials: Credentials) -> Result<UserId, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.behind_proxy);
        limits::check(&self.store, limits::SIGN_IN_PER_IP, Subject::Ip(ip), now).await?;
        let email = &credentials.email;
        for (limit, subject) in limits::sign_in_failures(email, ip) {
            limits::check_only(&self.store, limit, subject, now).await?;
        }
        let stored = self.store.credentials(&credentials.email).await?;
        let (user, hash) = match stored {
            Some((user, hash)) => (Some(user), Some(hash)),
            None => (None, None),
        };
        let matches = password::verify(credentials.password, hash).await?;
        let Some(user) = user.filter(|_| matches) else {
            tracing::info!("sign-in refused: wrong email or password");
            crate::metrics::sign_in_failed();
            for (limit, subject) in limits::sign_in_failures(email, ip) {
                limits::record(&self.store, limit, subject, now).await?;
            }
            return Err(AppError::WrongCredentials);
        };
        RequestLog::user(req, &user);
        self.start_session(req, &user).await?;
        tracing::info!("signed in");
        Ok(user)
    }

    #[tracing::instrument(name = "server_fn.sign_out", skip_all, parent = RequestLog::span_id(req))]
    async fn sign_out(&self, req: &Parts) -> Result<(), AppError> {
        // Deletes the record and empties the session, so the response also removes the cookie.
        session(req)?.flush().await.map_err(session_failed)
    }

    #[tracing::instrument(name = "server_fn.sign_out_everywhere", skip_all, parent = RequestLog::span_id(req))]
    async fn sign_out_everywhere(&self, req: &Parts) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        self.store.end_sessions(&user, None, now).await?;
        self.start_session(req, &user).await?;
        tracing::info!("signed out everywhere else");
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.change_password", skip_all, parent = RequestLog::span_id(req))]
    async fn change_password(
        &self,
        req: &Parts,
        current: Password,
        new: Password,
    ) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        let ip = client_ip(req, self.behind_proxy);
        let (email, hash) = self.store.password_hash(&user).await?;
        // A stolen session must not become a way to guess the password: failures count against
        // the same limits as failed sign-ins.
        for (limit, subject) in limits::sign_in_failures(&email, ip) {
            limits::check_only(&self.store, limit, subject, now).await?;
        }
        if !password::verify(current, Some(hash)).await? {
            for (limit, subject) in limits::sign_in_failures(&email, ip) {
                limits::record(&self.store, limit, subject, now).await?;
            }
            return Err(AppError::invalid(
                Field::CurrentPassword,
                "That is not your current password.",
            ));
        }
        let hash = password::hash(new).await?;
        self.store.end_sessions(&user, Some(&hash), now).await?;
        self.start_session(req, &user).await?;
        tracing::info!("password changed; other sessions ended");
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.list_households", skip_all, parent = RequestLog::span_id(req))]
    async fn households(&self, req: &Parts) -> Result<Vec<HouseholdSummary>, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        Ok(summaries(&member))
    }

    #[tracing::instrument(name = "server_fn.calendar_feed", skip_all, parent = RequestLog::span_id(req))]
    async fn calendar_feed(
        &self,
        req: &Parts,
    ) -> Result<app::households::CalendarFeedView, AppError> {
        let user = self.signed_in(req).await?;
        Ok(app::households::CalendarFeedView {
            enabled: self.store.has_calendar_feed(&user).await?,
            url_prefix: format!("{}/calendar/", self.site_origin(req)),
        })
    }

    #[tracing::instrument(name = "server_fn.create_calendar_feed", skip_all, parent = RequestLog::span_id(req))]
    async fn create_calendar_feed(&self, req: &Parts) -> Result<String, AppError> {
        let user = self.signed_in(req).await?;
        let token = new_token().map_err(internal)?;
        self.store
            .set_calendar_feed(&user, &token_hash(&token), now_ms())
            .await?;
        Ok(token.expose().to_owned())
    }

    #[tracing::instrument(name = "server_fn.delete_calendar_feed", skip_all, parent = RequestLog::span_id(req))]
    async fn delete_calendar_feed(&self, req: &Parts) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        Ok(self.store.delete_calendar_feed(&user).await?)
    }

    #[tracing::instrument(name = "server_fn.create_household", skip_all, parent = RequestLog::span_id(req))]
    async fn create_household(
        &self,
        req: &Parts,
        name: HouseholdName,
    ) -> Result<HouseholdId, AppError> {
        let user = self.signed_in(req).await?;
        let household = self.store.create_household(&user, &name, now_ms()).await?;
        Self::memberships_changed(req).await;
        RequestLog::household(req, &household);
        choose_household(req, &household).await?;
        Ok(household)
    }

    #[tracing::instrument(name = "server_fn.switch_household", skip_all, parent = RequestLog::span_id(req))]
    async fn switch_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        choose_household(req, access.household_id()).await
    }

    #[tracing::instrument(name = "server_fn.get_household_overview", skip_all, parent = RequestLog::span_id(req))]
    async fn household_overview(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<HouseholdOverview, AppError> {
        let access = self.access(req, &household).await?;
        Ok(HouseholdOverview {
            id: access.household_id().clone(),
            name: self.store.household_name(&access).await?,
            me: access.user_id().clone(),
            my_role: access.role(),
            members: self.store.members(&access).await?,
            invites: self.store.pending_invites(&access, now_ms()).await?,
            site_origin: self.site_origin(req),
        })
    }

    #[tracing::instrument(name = "server_fn.create_invite", skip_all, parent = RequestLog::span_id(req))]
    async fn create_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        options: InviteOptions,
    ) -> Result<CreatedInvite, AppError> {
        let access = self.access(req, &household).await?;
        let token = new_token().map_err(internal)?;
        let now = now_ms();
        let expires_at_ms = now + i64::from(options.expires_in_days) * DAY_MS;
        let invite = NewInvite {
            token_hash: token_hash(&token),
            expires_at_ms,
            single_use: options.single_use,
        };
        self.store.create_invite(&access, &invite, now).await?;
        Ok(CreatedInvite {
            token: token.expose().to_owned(),
            expires_at_ms,
        })
    }

    #[tracing::instrument(name = "server_fn.revoke_invite", skip_all, parent = RequestLog::span_id(req))]
    async fn revoke_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        invite: InviteId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.revoke_invite(&access, &invite, now_ms()).await?)
    }

    #[tracing::instrument(name = "server_fn.remove_member", skip_all, parent = RequestLog::span_id(req))]
    async fn remove_member(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.remove_member(&access, &member, now_ms()).await?)
    }

    #[tracing::instrument(name = "server_fn.set_member_role", skip_all, parent = RequestLog::span_id(req))]
    async fn set_member_role(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
        role: Role,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self
            .store
            .set_member_role(&access, &member, role, now_ms())
            .await?)
    }

    #[tracing::instrument(name = "server_fn.leave_household", skip_all, parent = RequestLog::span_id(req))]
    async fn leave_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.leave_household(&access, now_ms()).await?;
        Self::memberships_changed(req).await;
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.get_invite_preview", skip_all, parent = RequestLog::span_id(req))]
    async fn invite_preview(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<InvitePreview, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.behind_proxy);
        limits::check(&self.store, limits::INVITE_PER_IP, Subject::Ip(ip), now).await?;
        let invite = self
            .store
            .invite_by_token_hash(&token_hash(&token), now)
            .await?;
        let user = signed_in_user(req).await?;
        let member_of = match &user {
            Some(user) => match self
                .store
                .household_access(user, &invite.household_id)
                .await
            {
                Ok(access) => Some(access.household_id().clone()),
                Err(StoreError::NotFound) => None,
                Err(error) => return Err(error.into()),
            },
            None => None,
        };
        Ok(InvitePreview {
            household_name: invite.household_name,
            invited_by: invite.invited_by,
            signed_in: user.is_some(),
            member_of,
        })
    }

    #[tracing::instrument(name = "server_fn.join_household", skip_all, parent = RequestLog::span_id(req))]
    async fn join_household(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<HouseholdId, AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        let ip = client_ip(req, self.behind_proxy);
        limits::check(&self.store, limits::INVITE_PER_IP, Subject::Ip(ip), now).await?;
        limits::check(
            &self.store,
            limits::INVITE_PER_USER,
            Subject::User(&user),
            now,
        )
        .await?;
        let household = self
            .store
            .redeem_invite(&user, &token_hash(&token), now)
            .await?;
        Self::memberships_changed(req).await;
        RequestLog::household(req, &household);
        choose_household(req, &household).await?;
        tracing::info!("joined a household");
        Ok(household)
    }

    #[tracing::instrument(name = "server_fn.get_meal_settings", skip_all, parent = RequestLog::span_id(req))]
    async fn meal_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<MealSettings, AppError> {
        let access = self.access(req, &household).await?;
        Ok(MealSettings {
            household_id: access.household_id().clone(),
            household_name: self.store.household_name(&access).await?,
            meal_names: self.store.meal_names(&access).await?.joined(),
            dishes: self.store.dishes(&access).await?,
        })
    }

    #[tracing::instrument(name = "server_fn.add_dish", skip_all, parent = RequestLog::span_id(req))]
    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        name: DishName,
        details: DishDetails,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store
            .add_dish(&access, &name, &details, now_ms())
            .await?;
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.set_meal_names", skip_all, parent = RequestLog::span_id(req))]
    async fn set_meal_names(
        &self,
        req: &Parts,
        household: HouseholdId,
        meals: MealNames,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.set_meal_names(&access, &meals).await?)
    }

    #[tracing::instrument(name = "server_fn.list_plans", skip_all, parent = RequestLog::span_id(req))]
    async fn plans(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<Vec<PlanSummary>, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.plans(&access).await?)
    }

    #[tracing::instrument(name = "server_fn.propose_plan", skip_all, parent = RequestLog::span_id(req))]
    async fn propose_plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanForm,
    ) -> Result<PlanId, AppError> {
        let access = self.access(req, &household).await?;
        let now = now_ms();
        let plan = NewPlan::parse(&plan, now)?;
        let id = self.store.create_plan(&access, &plan, now).await?;
        crate::metrics::plan_proposed();
        tracing::info!(plan = %id, "plan proposed");
        Ok(id)
    }

    #[tracing::instrument(name = "server_fn.get_plan", skip_all, parent = RequestLog::span_id(req))]
    async fn plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<PlanView, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.plan(&access, &plan, now_ms()).await?)
    }

    #[tracing::instrument(name = "server_fn.move_deadline", skip_all, parent = RequestLog::span_id(req))]
    async fn move_deadline(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        [date, time, offset]: [String; 3],
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        let timing = self.store.plan_timing(&access, &plan).await?;
        let deadline = parse_new_deadline(
            &date,
            &time,
            &offset,
            timing.deadline_ms,
            timing.first_day,
            timing.utc_offset_minutes,
        )?;
        self.store
            .move_deadline(&access, &plan, deadline, now_ms())
            .await?;
        tracing::info!(plan = %plan, "deadline moved");
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.edit_slot_options", skip_all, parent = RequestLog::span_id(req))]
    async fn edit_slot_options(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        options: OptionNames,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self
            .store
            .replace_slot_options(&access, &slot, &options, now_ms())
            .await?)
    }

    #[tracing::instrument(name = "server_fn.get_ballot_page", skip_all, parent = RequestLog::span_id(req))]
    async fn ballot_page(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<BallotPage, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.ballot_page(&access, &slot, now_ms()).await?)
    }

    #[tracing::instrument(name = "server_fn.cast_ballot", skip_all, parent = RequestLog::span_id(req))]
    async fn cast_ballot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        ranks: std::collections::BTreeMap<String, String>,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        let now = now_ms();
        limits::check(
            &self.store,
            limits::BALLOT_SAVES_PER_MEMBER.with_max(self.ballot_saves_per_minute),
            Subject::User(access.user_id()),
            now,
        )
        .await?;
        let draft = self.store.begin_ballot(&access, &slot, now).await?;
        let options: Vec<_> = draft
            .options()
            .iter()
            .map(|option| (option.id.clone(), option.name.clone()))
            .collect();
        // A ranking that does not fit the options ends here: the draft rolls back unsaved.
        let ranking = Ranking::from_ranks(&options, &ranks)?;
        draft.save(&ranking).await?;
        crate::metrics::ballot_cast();
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.get_results", skip_all, parent = RequestLog::span_id(req))]
    async fn results(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ResultsPage, AppError> {
        let access = self.settled_access(req, &household).await?;
        let view = self.store.plan(&access, &plan, now_ms()).await?;
        let outcomes = self.store.plan_outcomes(&access, &plan).await?;
        let slots = view
            .slots
            .into_iter()
            .map(|slot| {
                let outcome = match outcomes.iter().find(|stored| stored.slot == slot.id) {
                    Some(stored) => outcome_view(access.household_id(), stored, slot.reopenable)?,
                    None => SlotOutcome::Open {
                        deadline_ms: slot.reopened_deadline_ms.unwrap_or(view.deadline_ms),
                    },
                };
                Ok(SlotResult {
                    id: slot.id,
                    label: slot.label,
                    outcome,
                })
            })
            .collect::<Result<_, AppError>>()?;
        Ok(ResultsPage {
            household_id: view.household_id,
            plan_id: view.id,
            plan_title: view.title,
            days: view.days,
            slots,
        })
    }

    #[tracing::instrument(name = "server_fn.export_slot", skip_all, parent = RequestLog::span_id(req))]
    async fn slot_export(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<String, AppError> {
        let access = self.settled_access(req, &household).await?;
        if let Some(outcome) = self.store.slot_outcome(&access, &slot).await? {
            return Ok(outcome.export);
        }
        // Not closed, or not this household's slot at all (then: not found).
        self.store.options_of_slot(&access, &slot).await?;
        Err(AppError::Conflict(
            "Voting on this meal is still open: its ballots can be downloaded once it closes."
                .to_owned(),
        ))
    }

    #[tracing::instrument(name = "server_fn.reopen_slot", skip_all, parent = RequestLog::span_id(req))]
    async fn reopen_slot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        [date, time, offset]: [String; 3],
    ) -> Result<(), AppError> {
        // Settled first, so a slot that is overdue without ballots has closed and can re-open.
        let access = self.settled_access(req, &household).await?;
        let deadline = parse_reopen_deadline(&date, &time, &offset, now_ms())?;
        self.store.reopen_slot(&access, &slot, deadline).await?;
        tracing::info!(slot = %slot, "slot re-opened");
        Ok(())
    }

    #[tracing::instrument(name = "server_fn.get_notifications", skip_all, parent = RequestLog::span_id(req))]
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

    #[tracing::instrument(name = "server_fn.get_unread_count", skip_all, parent = RequestLog::span_id(req))]
    async fn unread_count(&self, req: &Parts, household: HouseholdId) -> Result<u32, AppError> {
        let access = self.settled_access(req, &household).await?;
        Ok(self.store.unread_count(&access).await?)
    }

    #[tracing::instrument(name = "server_fn.mark_notifications_read", skip_all, parent = RequestLog::span_id(req))]
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

    #[tracing::instrument(name = "server_fn.get_webhook_settings", skip_all, parent = RequestLog::span_id(req))]
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

    #[tracing::instrument(name = "server_fn.set_webhook", skip_all, parent = RequestLog::span_id(req))]
    async fn set_webhook(
        &self,
        req: &Parts,
        household: HouseholdId,
        url: String,
    ) -> Result<CreatedWebhook, AppError> {
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
        let url = webhook_url(&url, self.webhooks_allow_private).await?;
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(internal)?;
        let secret = hex(&bytes);
        self.store
            .set_webhook(&access, &url, &secret, now_ms())
            .await?;
        // The address only: never the secret.
        tracing::info!("webhook set");
        Ok(CreatedWebhook { secret })
    }

    #[tracing::instrument(name = "server_fn.remove_webhook", skip_all, parent = RequestLog::span_id(req))]
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
async fn webhook_url(raw: &str, allow_private: bool) -> Result<String, AppError> {
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
    crate::webhooks::checked_address(&url, allow_private)
        .await
        .map_err(|refused| invalid(&refused.to_string()))?;
    Ok(url.into())
}

/// A closed slot as the results page shows it: re-counted from its stored ballot file, which
/// must match its digest, seed, order and winner. Anything else is logged and answered as an
/// internal error, so a page never shows a result that disagrees with the stored one.
fn outcome_view(
    household: &HouseholdId,
    stored: &StoredOutcome,
    reopenable: bool,
) -> Result<SlotOutcome, AppError> {
    let disagrees = |what: &str| {
        tracing::error!(slot = %stored.slot, what, "a stored result does not re-count");
        AppError::Internal
    };
    if hex(&Sha256::digest(stored.export.as_bytes())) != stored.digest {
        return Err(disagrees("the ballot file does not match its digest"));
    }
    let file = stored.ballot_file()?;
    if file.seed != stored.seed || file.slot != stored.slot {
        return Err(disagrees("the ballot file names another seed or slot"));
    }
    let order: Vec<&str> = stored.order.iter().map(OptionId::as_str).collect();
    if stored.winner.as_ref().map(OptionId::as_str) != order.first().copied() {
        return Err(disagrees("the winner is not first in the order"));
    }
    match verdict(&file.input, stored.seed, &file.options, &order) {
        Ok(Verdict::NoVotes) => Ok(SlotOutcome::NoVotes {
            closed_at_ms: stored.closed_at_ms,
            reopenable,
        }),
        Ok(Verdict::Decided(result)) => {
            let seed = stored.seed.to_string();
            Ok(SlotOutcome::Decided(Box::new(DecidedSlot {
                closed_at_ms: stored.closed_at_ms,
                digest: stored.digest.clone(),
                export_path: export_path(household, &stored.slot),
                verify_command: verify_command(&stored.slot, &seed),
                seed,
                result: *result,
            })))
        }
        Err(error) => Err(disagrees(&error.to_string())),
    }
}

/// A member's households, as lists show them.
fn summaries(member: &Member) -> Vec<HouseholdSummary> {
    member
        .households
        .iter()
        .map(|m| HouseholdSummary {
            id: m.household.id.clone(),
            name: m.household.name.clone(),
            role: m.household.role,
        })
        .collect()
}

/// The session the session layer attached to this request.
fn session(req: &Parts) -> Result<Session, AppError> {
    req.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("no session on the request: is the session layer installed?");
        AppError::Internal
    })
}

/// Who the session says is signed in, if anyone; recorded on the request's log fields. A
/// signed-in session's expiry slides ([`sessions::keep_alive`]).
async fn signed_in_user(req: &Parts) -> Result<Option<UserId>, AppError> {
    let session = session(req)?;
    let user: Option<String> = session.get(USER_ID).await.map_err(session_failed)?;
    let user = user.map(UserId::from_stored);
    if let Some(user) = &user {
        RequestLog::user(req, user);
        sessions::keep_alive(&session, now_ms())
            .await
            .map_err(session_failed)?;
    }
    Ok(user)
}

async fn choose_household(req: &Parts, household: &HouseholdId) -> Result<(), AppError> {
    session(req)?
        .insert(CURRENT_HOUSEHOLD, household.as_str())
        .await
        .map_err(session_failed)
}

fn session_failed(error: tower_sessions::session::Error) -> AppError {
    internal(error)
}

/// An unexpected failure: the details, with every cause, go to the log (inside the request's
/// span, so with its request id); the person gets a short message.
fn internal(error: impl std::error::Error + 'static) -> AppError {
    tracing::error!(error = error_chain(&error), "unexpected failure");
    AppError::Internal
}

/// A full hashing pool is the caller's cue to come back shortly; anything else is ours.
impl From<password::PasswordError> for AppError {
    fn from(error: password::PasswordError) -> Self {
        match error {
            password::PasswordError::Busy => {
                tracing::warn!("password check refused: every hashing worker is busy");
                Self::Busy {
                    retry_after_seconds: 1,
                }
            }
            other => internal(other),
        }
    }
}

/// The one mapping from storage outcomes to what a person is told.
impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => Self::NotFound,
            StoreError::EmailTaken => Self::invalid(
                Field::Email,
                "An account with this email address exists already. Sign in instead.",
            ),
            StoreError::NotAdmin => Self::AdminOnly,
            StoreError::LastAdmin => Self::LastAdmin,
            StoreError::Invite(problem) => Self::Invite(problem),
            StoreError::DishExists => Self::invalid(
                Field::DishName,
                "The dish library has a dish with this name already.",
            ),
            StoreError::Quota(quota) => Self::Quota(quota),
            StoreError::Rule(PlanRule::Closed) => Self::VotingClosed,
            StoreError::Rule(PlanRule::ProposerOnly) => Self::Conflict(
                "Only the member who proposed this plan can change it (any admin can, once they \
                 have left the household)."
                    .to_owned(),
            ),
            StoreError::Rule(PlanRule::BallotsArrived) => Self::Conflict(
                "Options are fixed once someone has voted: this plan has ballots already."
                    .to_owned(),
            ),
            StoreError::Rule(PlanRule::NotReopenable) => Self::Conflict(
                "Only a slot that closed without any ballot can be re-opened.".to_owned(),
            ),
            other => internal(other),
        }
    }
}
