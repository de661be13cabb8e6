//! The request's session (`tower-sessions`, stored in the database: `crate::auth::sessions`):
//! who is signed in, which household they chose, and a new session at sign-in.

use app::{
    error::AppError,
    ids::{HouseholdId, UserId},
};
use http::request::Parts;
use tower_sessions::Session;

use super::errors::internal;
use crate::{
    auth::sessions::{self, CURRENT_HOUSEHOLD, USER_ID},
    clock::now_ms,
    telemetry::RequestLog,
};

/// Starts a signed-in session under a new id, so an id planted before sign-in is worthless.
pub async fn start(req: &Parts, user: &UserId) -> Result<(), AppError> {
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

/// The session the session layer attached to this request.
pub fn session(req: &Parts) -> Result<Session, AppError> {
    req.extensions.get::<Session>().cloned().ok_or_else(|| {
        tracing::error!("no session on the request: is the session layer installed?");
        AppError::Internal
    })
}

/// Who the session says is signed in, if anyone; recorded on the request's log fields. A
/// signed-in session's expiry slides ([`sessions::keep_alive`]).
pub async fn signed_in_user(req: &Parts) -> Result<Option<UserId>, AppError> {
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

pub async fn choose_household(req: &Parts, household: &HouseholdId) -> Result<(), AppError> {
    session(req)?
        .insert(CURRENT_HOUSEHOLD, household.as_str())
        .await
        .map_err(session_failed)
}

pub fn session_failed(error: tower_sessions::session::Error) -> AppError {
    internal(error)
}
