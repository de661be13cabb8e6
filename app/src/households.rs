//! Households: create, switch, overview, invites, members and roles, joining by link.
//!
//! Every household-scoped server function names its household explicitly (`household_id`) and the
//! server checks membership in one place before anything else; a household someone does not
//! belong to is "not found", exactly like one that does not exist.

mod domain;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::HouseholdsService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Households = std::sync::Arc<dyn HouseholdsService>;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
use crate::service::serve_in;

pub use domain::{
    DEFAULT_INVITE_DAYS, HouseholdName, InviteOptions, InviteToken, MAX_HOUSEHOLD_NAME_CHARS,
    MAX_INVITE_DAYS, Role,
};

use crate::{
    error::AppError,
    ids::{HouseholdId, InviteId, UserId},
};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdSummary {
    pub id: HouseholdId,
    pub name: String,
    pub role: Role,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HouseholdOverview {
    pub id: HouseholdId,
    pub name: String,
    /// The signed-in person.
    pub me: UserId,
    pub my_role: Role,
    pub members: Vec<MemberView>,
    pub invites: Vec<InviteView>,
    /// The site's address, to show invite links in full.
    pub site_origin: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: UserId,
    pub display_name: String,
    pub role: Role,
}

/// A pending invite: not revoked, not expired, not used up. Its link cannot be shown again (only
/// a hash of the token is stored).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InviteView {
    pub id: InviteId,
    pub created_by: String,
    pub expires_at_ms: i64,
    pub single_use: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitePreview {
    pub household_name: String,
    pub invited_by: String,
    pub signed_in: bool,
    /// Set when the signed-in person already belongs to the household.
    pub member_of: Option<HouseholdId>,
}

#[server(endpoint = "list_households")]
pub async fn list_households() -> Result<Vec<HouseholdSummary>, AppError> {
    crate::service::serve(
        |households: Households, req| async move { households.households(&req).await },
    )
    .await
}

#[server(endpoint = "create_household")]
pub async fn create_household(name: String) -> Result<(), AppError> {
    crate::service::serve(|households: Households, req| async move {
        let name = HouseholdName::try_from(name)?;
        let household = households.create_household(&req, name).await?;
        crate::service::go_to(&crate::routes::household(household));
        Ok(())
    })
    .await
}

/// Makes `household_id` the current household; the browser stays where it was.
#[server(endpoint = "switch_household")]
pub async fn switch_household(household_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            households.switch_household(&req, household).await
        },
    )
    .await
}

#[server(endpoint = "get_household_overview")]
pub async fn get_household_overview(household_id: String) -> Result<HouseholdOverview, AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            households.household_overview(&req, household).await
        },
    )
    .await
}

/// Creates an invite link and shows it once, on the household's page (`crate::shown_once`):
/// only its hash is kept, so it cannot be shown again later.
#[server(endpoint = "create_invite")]
pub async fn create_invite(
    household_id: String,
    expires_in_days: String,
    single_use: Option<String>,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            let options = InviteOptions::parse(&expires_in_days, single_use.as_deref())?;
            households
                .create_invite(&req, household.clone(), options)
                .await?;
            crate::service::go_to(&crate::routes::household_at(
                household,
                "new-invite-heading",
            ));
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "revoke_invite")]
pub async fn revoke_invite(household_id: String, invite_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            let invite = InviteId::try_from(invite_id)?;
            households.revoke_invite(&req, household, invite).await
        },
    )
    .await
}

#[server(endpoint = "remove_member")]
pub async fn remove_member(household_id: String, user_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            let member = UserId::try_from(user_id)?;
            households.remove_member(&req, household, member).await
        },
    )
    .await
}

/// Promotes a member to admin or demotes an admin to member.
#[server(endpoint = "set_member_role")]
pub async fn set_member_role(
    household_id: String,
    user_id: String,
    role: String,
) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            let member = UserId::try_from(user_id)?;
            let role = Role::try_from(role)?;
            households
                .set_member_role(&req, household, member, role)
                .await
        },
    )
    .await
}

#[server(endpoint = "leave_household")]
pub async fn leave_household(household_id: String) -> Result<(), AppError> {
    serve_in(
        household_id,
        |households: Households, req, household| async move {
            households.leave_household(&req, household).await?;
            crate::service::go_to(crate::routes::HOUSEHOLDS);
            Ok(())
        },
    )
    .await
}

#[server(endpoint = "get_invite_preview")]
pub async fn get_invite_preview(token: String) -> Result<InvitePreview, AppError> {
    crate::service::serve(|households: Households, req| async move {
        let token = InviteToken::try_from(token)?;
        households.invite_preview(&req, token).await
    })
    .await
}

#[server(endpoint = "join_household")]
pub async fn join_household(token: String) -> Result<(), AppError> {
    crate::service::serve(|households: Households, req| async move {
        let token = InviteToken::try_from(token)?;
        let household = households.join_household(&req, token).await?;
        crate::service::go_to(&crate::routes::household(household));
        Ok(())
    })
    .await
}

/// The signed-in member's calendar feed (`docs/calendar.md`): whether it is on, and the site's
/// origin (`https://host`) that its URL ([`crate::routes::calendar_feed`]) starts with. The URL's
/// token is shown only when it is created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CalendarFeedView {
    pub enabled: bool,
    pub origin: String,
}

#[server(endpoint = "get_calendar_feed")]
pub async fn get_calendar_feed() -> Result<CalendarFeedView, AppError> {
    crate::service::serve(|households: Households, req| async move {
        households.calendar_feed(&req).await
    })
    .await
}

/// Creates the member's calendar link, replacing (revoking) any earlier one, and shows it once
/// on the households page (`crate::shown_once`): only its hash is kept.
#[server(endpoint = "create_calendar_feed")]
pub async fn create_calendar_feed() -> Result<(), AppError> {
    crate::service::serve(|households: Households, req| async move {
        households.create_calendar_feed(&req).await?;
        crate::service::go_to(&crate::routes::calendar_section());
        Ok(())
    })
    .await
}

/// Turns the member's calendar link off: it answers 404 from now on.
#[server(endpoint = "delete_calendar_feed")]
pub async fn delete_calendar_feed() -> Result<(), AppError> {
    crate::service::serve(|households: Households, req| async move {
        households.delete_calendar_feed(&req).await?;
        crate::service::go_to(&crate::routes::calendar_section());
        Ok(())
    })
    .await
}
