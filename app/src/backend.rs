//! What the server functions need from the server (server-side only).
//!
//! The storage layer, sessions and password hashing live in the `server` crate, which depends on
//! this one; it implements [`Backend`] and provides it through Leptos context. Server functions
//! stay thin adapters: parse the input, call one method, pick where to go next.

use std::sync::Arc;

use http::request::Parts;
use leptos::prelude::*;

use crate::{
    accounts::{Credentials, NewAccount, Password, Viewer},
    error::AppError,
    households::{
        CreatedInvite, HouseholdName, HouseholdOverview, HouseholdSummary, InviteOptions,
        InvitePreview, InviteToken, Role,
    },
    ids::{HouseholdId, InviteId, PlanId, SlotId, UserId},
    notifications::{CreatedWebhook, NotificationsPage, WebhookSettings},
    plans::{
        BallotPage, DishDetails, DishName, MealNames, MealSettings, OptionNames, PlanForm,
        PlanSummary, PlanView, ResultsPage,
    },
};

/// Every method receives the request (for its session and client address) and answers with an
/// [`AppError`] whose message is fit for a page; details go to the server's log.
///
/// Household-scoped methods answer [`AppError::NotFound`] alike for an unknown household and for
/// one the signed-in person does not belong to.
#[async_trait::async_trait]
pub trait Backend: Send + Sync + 'static {
    /// The signed-in person, or `None`.
    async fn viewer(&self, req: &Parts) -> Result<Option<Viewer>, AppError>;
    /// Creates the account and signs it in.
    async fn sign_up(&self, req: &Parts, account: NewAccount) -> Result<UserId, AppError>;
    async fn sign_in(&self, req: &Parts, credentials: Credentials) -> Result<UserId, AppError>;
    async fn sign_out(&self, req: &Parts) -> Result<(), AppError>;
    /// Ends every other session of the account; this one goes on under a new id.
    async fn sign_out_everywhere(&self, req: &Parts) -> Result<(), AppError>;
    /// Checks `current`, sets `new` and ends every other session of the account.
    async fn change_password(
        &self,
        req: &Parts,
        current: Password,
        new: Password,
    ) -> Result<(), AppError>;

    async fn households(&self, req: &Parts) -> Result<Vec<HouseholdSummary>, AppError>;
    /// The signed-in member's calendar feed: on or off, and where its URL starts.
    async fn calendar_feed(
        &self,
        req: &Parts,
    ) -> Result<crate::households::CalendarFeedView, AppError>;
    /// A new calendar feed token for the signed-in member (the old one stops working).
    async fn create_calendar_feed(&self, req: &Parts) -> Result<String, AppError>;
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
    async fn create_invite(
        &self,
        req: &Parts,
        household: HouseholdId,
        options: InviteOptions,
    ) -> Result<CreatedInvite, AppError>;
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

    async fn meal_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<MealSettings, AppError>;
    async fn add_dish(
        &self,
        req: &Parts,
        household: HouseholdId,
        name: DishName,
        details: DishDetails,
    ) -> Result<(), AppError>;
    async fn set_meal_names(
        &self,
        req: &Parts,
        household: HouseholdId,
        meals: MealNames,
    ) -> Result<(), AppError>;
    async fn plans(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<Vec<PlanSummary>, AppError>;
    /// Validates the proposal against the server's clock and stores it with its slots.
    async fn propose_plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanForm,
    ) -> Result<PlanId, AppError>;
    async fn plan(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<PlanView, AppError>;
    /// `deadline` is the form's date, time and UTC offset, parsed against the plan's rules.
    async fn move_deadline(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
        deadline: [String; 3],
    ) -> Result<(), AppError>;
    async fn edit_slot_options(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        options: OptionNames,
    ) -> Result<(), AppError>;
    async fn ballot_page(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<BallotPage, AppError>;
    /// `ranks` is the ballot form as posted, checked against the slot's options.
    async fn cast_ballot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        ranks: std::collections::BTreeMap<String, String>,
    ) -> Result<(), AppError>;
    /// Every slot of a plan: open, closed without votes, or its re-counted result explained.
    /// A stored result that its own ballots do not reproduce is an internal error, never shown.
    async fn results(
        &self,
        req: &Parts,
        household: HouseholdId,
        plan: PlanId,
    ) -> Result<ResultsPage, AppError>;
    /// The exact stored ballot file of a closed slot (the bytes its digest covers).
    async fn slot_export(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
    ) -> Result<String, AppError>;
    /// Re-opens a slot that closed without ballots; `deadline` is the form's date, time and UTC
    /// offset, which must name a time in the future.
    async fn reopen_slot(
        &self,
        req: &Parts,
        household: HouseholdId,
        slot: SlotId,
        deadline: [String; 3],
    ) -> Result<(), AppError>;

    /// The household's latest changes for the signed-in member, their own left out.
    async fn notifications(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<NotificationsPage, AppError>;
    async fn unread_count(&self, req: &Parts, household: HouseholdId) -> Result<u32, AppError>;
    /// Marks everything up to `up_to` (ms; never later than now, `None`: now) as read.
    async fn mark_notifications_read(
        &self,
        req: &Parts,
        household: HouseholdId,
        up_to: Option<i64>,
    ) -> Result<(), AppError>;
    /// Any member may ask; only admins see the URL.
    async fn webhook_settings(
        &self,
        req: &Parts,
        household: HouseholdId,
    ) -> Result<WebhookSettings, AppError>;
    /// Admins only. `url` is checked here (absolute http(s), `https` unless loopback); the secret
    /// is generated by the server and returned this once.
    async fn set_webhook(
        &self,
        req: &Parts,
        household: HouseholdId,
        url: String,
    ) -> Result<CreatedWebhook, AppError>;
    /// Admins only; pending deliveries are dropped.
    async fn remove_webhook(&self, req: &Parts, household: HouseholdId) -> Result<(), AppError>;
}

/// The server's [`Backend`], as Leptos context.
#[derive(Clone)]
pub struct BackendHandle(pub Arc<dyn Backend>);

/// The backend and the current request, for a server function.
pub fn context() -> Result<(Arc<dyn Backend>, Parts), AppError> {
    let backend = use_context::<BackendHandle>().ok_or(AppError::Internal)?;
    let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
    Ok((backend.0, parts))
}

/// Finishes a server function. A script caller gets the error's HTTP status; a plain form post
/// (no JavaScript) keeps the redirect back to its page that carries the error in the URL.
pub fn respond<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result
        && !is_plain_form_post()
        && let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status())
    {
        response.set_status(status);
        if let Some(seconds) = error.retry_after_seconds() {
            response.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(seconds));
        }
    }
    result
}

/// Sends the browser to `path` when the server function succeeds.
pub fn go_to(path: &str) {
    leptos_axum::redirect(path);
}

fn is_plain_form_post() -> bool {
    use_context::<Parts>().is_some_and(|parts| {
        parts
            .headers
            .get(http::header::ACCEPT)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|accept| accept.contains("text/html"))
    })
}
