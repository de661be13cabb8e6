//! The one mapping from the server's failures to what a person is told ([`AppError`]).

use app::error::{AppError, Field};

use crate::{
    auth::password,
    db::{PlanRule, StoreError},
    telemetry::error_chain,
};

/// An unexpected failure: the details, with every cause, go to the log (inside the request's
/// span, so with its request id); the person gets a short message.
pub fn internal(error: impl std::error::Error + 'static) -> AppError {
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
            StoreError::Ballot(problem) => Self::Ballot(problem),
            StoreError::SameFood(problem) => Self::Conflict(problem.message()),
            StoreError::Cook(problem) => problem.error(),
            // No connection within DATABASE_ACQUIRE_TIMEOUT_SECS: a paused Aurora cluster still
            // resuming, or every connection busy. Worth another try in a few seconds.
            StoreError::Database(sqlx::Error::PoolTimedOut) => {
                tracing::warn!("no database connection in time; answering busy");
                Self::Busy {
                    retry_after_seconds: 5,
                }
            }
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
                "Only a meal that closed without a winner can be re-opened.".to_owned(),
            ),
            StoreError::Rule(PlanRule::OptionExists) => Self::invalid(
                Field::Options,
                "That dish is already an option of this meal: name another.",
            ),
            other => internal(other),
        }
    }
}
