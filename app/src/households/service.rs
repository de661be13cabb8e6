//! What the households server functions ask of the server. The `server` crate implements it
//! (`server::service::households`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{
    CalendarFeedView, HouseholdName, HouseholdOverview, HouseholdSummary, InviteOptions,
    InvitePreview, InviteToken, Role,
};
use crate::{
    error::AppError,
    ids::{HouseholdId, InviteId, UserId},
};

/// Households: membership, invites, roles, joining by link, and the member's calendar link.
///
/// Every method receives the request (for its session and client address) and answers with an
/// [`AppError`] whose message is fit for a page; details go to the server's log. Household-scoped
/// methods answer [`AppError::NotFound`] alike for an unknown household and for one the
/// signed-in person does not belong to.
#[async_trait::async_trait]
pub trait HouseholdsService: Send + Sync + 'static {
    async fn households(&self, req: &Parts) -> Result<Vec<HouseholdSummary>, AppError>;
    /// The signed-in member's calendar feed: on or off, and where its URL starts.
    async fn calendar_feed(&self, req: &Parts) -> Result<CalendarFeedView, AppError>;
    /// A new calendar feed token for the signed-in member (the old one stops working), kept in
    /// the session for [`crate::accounts::AccountsService::take_new_secret`].
    async fn create_calendar_feed(&self, req: &Parts) -> Result<(), AppError>;
    async fn delete_calendar_feed(&self, req: &Parts) -> Result<(), AppError>;
    /// Creates a household with the signed-in person as its admin, and makes it the current one.
    async fn create_household(
        &self,
        req: &Parts,
        name: HouseholdName,
    ) -> Result<HouseholdId, AppError>;
    async fn switch_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError>;
    async fn household_overview(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<HouseholdOverview, AppError>;
    /// A new invite link, kept in the session for [`crate::accounts::AccountsService::take_new_secret`].
    async fn create_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        options: InviteOptions,
    ) -> Result<(), AppError>;
    async fn revoke_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        invite: InviteId,
    ) -> Result<(), AppError>;
    async fn remove_member(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
    ) -> Result<(), AppError>;
    async fn set_member_role(
        &self,
        req: &Parts,
        household: HouseholdId,
        member: UserId,
        role: Role,
    ) -> Result<(), AppError>;
    async fn leave_household(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError>;
    /// What an invite link leads to; works signed out too.
    async fn invite_preview(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<InvitePreview, AppError>;
    /// Joins the signed-in person to the invite's household (a member already is simply let in).
    async fn join_household(
        &self,
        req: &Parts,
        token: InviteToken,
    ) -> Result<HouseholdId, AppError>;
}
