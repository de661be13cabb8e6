//! What the accounts server functions ask of the server. The `server` crate implements it
//! (`server::service::accounts`) and provides it to them as Leptos context ([`crate::service`]).

use http::request::Parts;

use super::{Credentials, NewAccount, Password, Viewer};
use crate::{
    error::AppError,
    ids::{HouseholdId, UserId},
    shown_once::NewSecret,
};

/// Accounts: signing up, in and out, sessions, and the secrets a session is shown once.
///
/// Every method receives the request (for its session and client address) and answers with an
/// [`AppError`] whose message is fit for a page; details go to the server's log. Household-scoped
/// methods answer [`AppError::NotFound`] alike for an unknown household and for one the
/// signed-in person does not belong to.
#[async_trait::async_trait]
pub trait AccountsService: Send + Sync + 'static {
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
    /// The secret of `kind` this session just created (for `household`), taken out of the
    /// session: it is shown once (`crate::shown_once`).
    async fn take_new_secret(
        &self,
        req: &Parts,
        kind: NewSecret,
        household: Option<HouseholdId>,
    ) -> Result<Option<String>, AppError>;
}
