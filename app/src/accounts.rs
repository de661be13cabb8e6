//! Accounts: sign up, sign in, sign out, and who is signed in.
//!
//! The server functions are thin: parse the form into domain values, call the server's
//! [`AccountsService`], choose where the browser goes next.

mod domain;
#[cfg(feature = "ssr")]
mod service;
#[cfg(feature = "ssr")]
pub use service::AccountsService;
/// The service this module's server functions call.
#[cfg(feature = "ssr")]
type Accounts = std::sync::Arc<dyn AccountsService>;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

pub use domain::{
    Credentials, DisplayName, Email, MAX_DISPLAY_NAME_CHARS, MIN_PASSWORD_CHARS, NewAccount,
    Password,
};

use crate::{
    error::AppError,
    households::HouseholdSummary,
    ids::{HouseholdId, UserId},
};

/// The signed-in person, as the header shows them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub user_id: UserId,
    pub display_name: String,
    pub households: Vec<HouseholdSummary>,
    /// The household chosen in the switcher (one of `households`).
    pub current_household: Option<HouseholdId>,
}

#[server(endpoint = "get_viewer")]
pub async fn get_viewer() -> Result<Option<Viewer>, AppError> {
    crate::service::serve(|accounts: Accounts, req| async move { accounts.viewer(&req).await })
        .await
}

/// Creates an account and signs it in. With `invite` (from an invite link) the new person joins
/// that household and lands in it.
#[server(endpoint = "sign_up")]
pub async fn sign_up(
    display_name: String,
    email: String,
    password: String,
    invite: Option<String>,
) -> Result<(), AppError> {
    crate::service::serve(|accounts: Accounts, req| async move {
        let account = NewAccount::parse(display_name, email, password)?;
        accounts.sign_up(&req, account).await?;
        let households = crate::service::service::<dyn crate::households::HouseholdsService>()?;
        land_after_sign_up(&*households, &req, invite).await
    })
    .await
}

#[server(endpoint = "sign_in")]
pub async fn sign_in(
    email: String,
    password: String,
    invite: Option<String>,
) -> Result<(), AppError> {
    crate::service::serve(|accounts: Accounts, req| async move {
        let credentials = Credentials::parse(email, password)?;
        accounts.sign_in(&req, credentials).await?;
        land_after_sign_in(invite);
        Ok(())
    })
    .await
}

#[server(endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), AppError> {
    crate::service::serve(|accounts: Accounts, req| async move {
        accounts.sign_out(&req).await?;
        crate::service::go_to(crate::routes::HOME);
        Ok(())
    })
    .await
}

/// Ends every other session of the account (a phone left somewhere, a shared computer); this
/// one stays signed in.
#[server(endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    crate::service::serve(|accounts: Accounts, req| async move {
        accounts.sign_out_everywhere(&req).await?;
        crate::service::go_to(&crate::routes::signed_out_elsewhere());
        Ok(())
    })
    .await
}

/// Changes the password after checking the current one, and ends every other session.
#[server(endpoint = "change_password")]
pub async fn change_password(
    current_password: String,
    new_password: String,
) -> Result<(), AppError> {
    use crate::error::Field;
    crate::service::serve(|accounts: Accounts, req| async move {
        let current = Password::attempt(current_password).map_err(|_| {
            AppError::invalid(Field::CurrentPassword, "Enter your current password.")
        })?;
        let new = Password::new_choice(new_password).map_err(|error| match error {
            AppError::Invalid { message, .. } => AppError::invalid(Field::NewPassword, message),
            other => other,
        })?;
        accounts.change_password(&req, current, new).await?;
        crate::service::go_to(&crate::routes::password_changed());
        Ok(())
    })
    .await
}

/// After signing in: to the invite's page, which asks "Join <household>?" (an existing account
/// is never joined to a household by a link alone: the link may be someone else's), or to the
/// household list.
#[cfg(feature = "ssr")]
fn land_after_sign_in(invite: Option<String>) {
    use crate::{households::InviteToken, routes, service::go_to};
    match invite.and_then(|raw| InviteToken::try_from(raw).ok()) {
        Some(token) => go_to(&routes::join(token.expose())),
        None => go_to(routes::HOUSEHOLDS),
    }
}

/// After signing up through an invite: a new account was made to join, so it joins and lands in
/// the household. An invite that cannot be used any more sends the person to its page, which
/// says why. Without an invite: the household list.
#[cfg(feature = "ssr")]
async fn land_after_sign_up(
    households: &dyn crate::households::HouseholdsService,
    req: &http::request::Parts,
    invite: Option<String>,
) -> Result<(), AppError> {
    use crate::{households::InviteToken, routes, service::go_to};
    let Some(token) = invite.and_then(|raw| InviteToken::try_from(raw).ok()) else {
        go_to(routes::HOUSEHOLDS);
        return Ok(());
    };
    match households.join_household(req, token.clone()).await {
        Ok(household) => go_to(&routes::household(household)),
        Err(_) => go_to(&routes::join(token.expose())),
    }
    Ok(())
}
