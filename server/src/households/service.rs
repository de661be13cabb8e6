//! The households service: what `app::households`'s server functions ask of the server
//! ([`HouseholdsService`]). Invites and the calendar link are
//! secrets shown once (`app::shown_once`).

use app::{
    error::AppError,
    households::{
        CalendarFeedView, HouseholdName, HouseholdOverview, HouseholdSummary, HouseholdsService,
        InviteOptions, InvitePreview, InviteToken, Role,
    },
    ids::{HouseholdId, InviteId, UserId},
    shown_once::NewSecret,
};
use http::request::Parts;

use super::NewInvite;
use crate::service::{
    Services, internal,
    session::{choose_household, session, session_failed, signed_in_user},
};
use crate::{
    access::Member,
    auth::{
        client_ip::client_ip,
        invites::{new_token, token_hash},
        limits::{self, Subject},
        shown_once,
    },
    clock::now_ms,
    db::StoreError,
    telemetry::RequestLog,
};

const DAY_MS: i64 = 86_400_000;

#[async_trait::async_trait]
impl HouseholdsService for Services {
    async fn households(&self, req: &Parts) -> Result<Vec<HouseholdSummary>, AppError> {
        let member = self.member(req).await?.ok_or(AppError::SignedOut)?;
        Ok(summaries(&member))
    }

    async fn calendar_feed(&self, req: &Parts) -> Result<CalendarFeedView, AppError> {
        let user = self.signed_in(req).await?;
        Ok(CalendarFeedView {
            enabled: self.store.has_calendar_feed(&user).await?,
            origin: self.site_origin(req),
        })
    }

    async fn create_calendar_feed(&self, req: &Parts) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        let token = new_token().map_err(internal)?;
        let now = now_ms();
        self.store
            .set_calendar_feed(&user, &token_hash(&token), now)
            .await?;
        let token = token.expose().to_owned();
        shown_once::keep(&session(req)?, NewSecret::CalendarToken, None, token, now)
            .await
            .map_err(session_failed)
    }

    async fn delete_calendar_feed(&self, req: &Parts) -> Result<(), AppError> {
        let user = self.signed_in(req).await?;
        Ok(self.store.delete_calendar_feed(&user).await?)
    }

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

    async fn switch_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        choose_household(req, access.household_id()).await
    }

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

    async fn create_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        options: InviteOptions,
    ) -> Result<(), AppError> {
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
        let token = token.expose().to_owned();
        let session = session(req)?;
        shown_once::keep(
            &session,
            NewSecret::InviteToken,
            Some(&household),
            token,
            now,
        )
        .await
        .map_err(session_failed)
    }

    async fn revoke_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        invite: InviteId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.revoke_invite(&access, &invite, now_ms()).await?)
    }

    async fn remove_member(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
    ) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        Ok(self.store.remove_member(&access, &member, now_ms()).await?)
    }

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

    async fn leave_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError> {
        let access = self.access(req, &household).await?;
        self.store.leave_household(&access, now_ms()).await?;
        Self::memberships_changed(req).await;
        Ok(())
    }

    async fn invite_preview(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<InvitePreview, AppError> {
        let now = now_ms();
        let ip = client_ip(req, self.client_ip_source);
        limits::check(&self.limits, limits::INVITE_PER_IP, Subject::Ip(ip), now).await?;
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

    async fn join_household(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<HouseholdId, AppError> {
        let user = self.signed_in(req).await?;
        let now = now_ms();
        let ip = client_ip(req, self.client_ip_source);
        limits::check(&self.limits, limits::INVITE_PER_IP, Subject::Ip(ip), now).await?;
        limits::check(
            &self.limits,
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
}

/// A member's households, as lists show them.
pub(crate) fn summaries(member: &Member) -> Vec<HouseholdSummary> {
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
