//! The one error type of every server function: a short message fit for a page and, for invalid
//! input, the form field it belongs to. Internal details stay in the server's logs.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// A form field an error belongs to; `id()` is the input's `id` and `name`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Field {
    DisplayName,
    Email,
    Password,
    CurrentPassword,
    NewPassword,
    HouseholdName,
    ExpiresInDays,
    PlanTitle,
    FirstDay,
    Days,
    Meals,
    Options,
    DeadlineDate,
    DeadlineTime,
    DishName,
    DishNote,
    DishLink,
    WebhookUrl,
    Serves,
    Ingredients,
    Steps,
    RecipeSource,
    Item,
    AisleName,
    Food,
    SameAs,
    /// A device subscribing to push notifications (`crate::push`).
    PushSubscription,
    Guests,
}

impl Field {
    pub fn id(self) -> &'static str {
        match self {
            Self::DisplayName => "display_name",
            Self::Email => "email",
            Self::Password => "password",
            Self::CurrentPassword => "current_password",
            Self::NewPassword => "new_password",
            Self::HouseholdName => "name",
            Self::ExpiresInDays => "expires_in_days",
            Self::PlanTitle => "title",
            Self::FirstDay => "first_day",
            Self::Days => "days",
            Self::Meals => "meals",
            Self::Options => "options",
            Self::DeadlineDate => "deadline_date",
            Self::DeadlineTime => "deadline_time",
            Self::DishName => "dish_name",
            Self::DishNote => "note",
            Self::DishLink => "link",
            Self::WebhookUrl => "url",
            Self::Serves => "serves",
            Self::Ingredients => "ingredients",
            Self::Steps => "steps",
            Self::RecipeSource => "source",
            Self::Item => "item",
            Self::AisleName => "aisle_name",
            Self::Food => "food",
            Self::SameAs => "same_as",
            Self::PushSubscription => "push_subscription",
            Self::Guests => "guests",
        }
    }
}

/// Why an invite link cannot be used (an unknown link is [`AppError::NotFound`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InviteProblem {
    Expired,
    Revoked,
    Used,
    /// The person was removed from the household after this invite was made: only a newer
    /// invite, which an admin makes knowingly, lets them back.
    RemovedSince,
    /// Someone under this account's name was removed from the household after this invite was
    /// made: a new account does not undo a removal; a newer invite, made knowingly, lets them in.
    RemovedName,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    #[error("{message}")]
    Invalid { field: Field, message: String },
    /// The only answer to a failed sign-in, whether the email or the password was wrong.
    #[error("Email or password is incorrect.")]
    WrongCredentials,
    #[error("Please sign in to continue.")]
    SignedOut,
    /// Also the answer for things that exist but belong to a household the person is not in.
    #[error("Not found.")]
    NotFound,
    #[error("Only an admin of this household can do that.")]
    AdminOnly,
    #[error("You are the last admin: make someone else an admin first.")]
    LastAdmin,
    #[error("{}", invite_message(*.0))]
    Invite(InviteProblem),
    #[error("Too many attempts. Please wait {retry_after_minutes} minutes and try again.")]
    RateLimited { retry_after_minutes: u64 },
    /// The server is at its limit for this kind of work (password checks); nothing was changed.
    #[error("The server is busy. Please try again in {retry_after_seconds} seconds.")]
    Busy { retry_after_seconds: u64 },
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    #[error("The server could not be reached. Check your connection and try again.")]
    Unreachable,
    #[error("The form could not be read. Please reload the page and try again.")]
    BadRequest,
    /// A ballot that cannot be saved; the message names the option or the rule.
    #[error("{0}")]
    Ballot(String),
    /// A ballot that ranks no option, sent without saying that is meant: with "no opinion" on
    /// every dish it still counts as a ballot (and may be the last one expected).
    #[error("Save with no opinion on any dish? Your ballot would rank nothing.")]
    EmptyBallot,
    /// The vote is over: nothing about it can change any more.
    #[error("Voting for this meal has closed; your ballot was not changed.")]
    VotingClosed,
    /// A plan's options are fixed once the first ballot has arrived.
    #[error("{0}")]
    Conflict(String),
    /// A household's or an account's limit was reached (`crate::quotas`); nothing was changed.
    #[error("{}", .0.message())]
    Quota(crate::quotas::Quota),
}

fn invite_message(problem: InviteProblem) -> &'static str {
    match problem {
        InviteProblem::Expired => "This invite link has expired. Ask for a new one.",
        InviteProblem::Revoked => "This invite link was withdrawn. Ask for a new one.",
        InviteProblem::Used => "This invite link has already been used. Ask for a new one.",
        InviteProblem::RemovedSince => {
            "You were removed from this household after this invite was made. Ask an admin for a new one."
        }
        InviteProblem::RemovedName => {
            "Someone of your name was removed from this household after this invite was made. Ask an admin for a new one."
        }
    }
}

impl AppError {
    pub fn invalid(field: Field, message: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            message: message.into(),
        }
    }

    /// The message for `field`, if this error is about that field.
    pub fn for_field(&self, field: Field) -> Option<String> {
        match self {
            Self::Invalid { field: f, message } if *f == field => Some(message.clone()),
            _ => None,
        }
    }

    /// The message for the form as a whole: everything that is not about one field.
    pub fn for_form(&self) -> Option<String> {
        match self {
            Self::Invalid { .. } => None,
            other => Some(other.to_string()),
        }
    }

    /// The HTTP status a server function answers with for this error.
    pub fn status(&self) -> u16 {
        match self {
            Self::Invalid { .. } | Self::BadRequest | Self::Ballot(_) | Self::EmptyBallot => 400,
            Self::WrongCredentials | Self::SignedOut => 401,
            Self::AdminOnly => 403,
            Self::NotFound => 404,
            Self::LastAdmin | Self::VotingClosed | Self::Conflict(_) | Self::Quota(_) => 409,
            Self::Invite(_) => 410,
            Self::RateLimited { .. } => 429,
            Self::Internal => 500,
            Self::Unreachable => 502,
            Self::Busy { .. } => 503,
        }
    }

    /// How long a caller should wait before trying again (`Retry-After`, seconds), if at all.
    pub fn retry_after_seconds(&self) -> Option<u64> {
        match self {
            Self::RateLimited {
                retry_after_minutes,
            } => Some(retry_after_minutes.saturating_mul(60)),
            Self::Busy {
                retry_after_seconds,
            } => Some(*retry_after_seconds),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Request(_) => Self::Unreachable,
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => Self::BadRequest,
            _ => Self::Internal,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_error_shows_next_to_its_field_only() {
        let error = AppError::invalid(Field::Email, "Enter an email address.");
        assert_eq!(
            error.for_field(Field::Email).as_deref(),
            Some("Enter an email address.")
        );
        assert_eq!(error.for_field(Field::Password), None);
        assert_eq!(error.for_form(), None);
    }

    #[test]
    fn other_errors_show_once_for_the_whole_form() {
        assert_eq!(
            AppError::WrongCredentials.for_form().as_deref(),
            Some("Email or password is incorrect.")
        );
        assert_eq!(AppError::WrongCredentials.for_field(Field::Email), None);
    }

    #[test]
    fn an_error_survives_the_round_trip_through_a_redirect_url() {
        let error = AppError::Invite(InviteProblem::Expired);
        assert_eq!(AppError::de(error.ser()), error);
    }
}
