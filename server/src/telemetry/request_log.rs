//! What the services record on the request's span (`crate::http::observe` opens it): who is
//! asking and which household, once known.

use app::ids::{HouseholdId, UserId};
use http::request::Parts;
use tracing::Span;

/// A handle on the request's span, for the code that finds out who is asking (the services,
/// `crate::service`). Records ids only: never names, e-mail addresses or anything a person typed.
#[derive(Clone, Debug)]
pub struct RequestLog(pub(crate) Span);

impl RequestLog {
    /// The signed-in member making the request.
    pub fn user(request: &Parts, user: &UserId) {
        if let Some(log) = request.extensions.get::<Self>() {
            log.0.record("user_id", user.as_str());
        }
    }

    /// The request's span, as the explicit parent of a server function's span: a function
    /// called while a page renders runs in a task of its own, outside the request's span.
    pub fn span_id(request: &Parts) -> Option<tracing::span::Id> {
        request.extensions.get::<Self>().and_then(|log| log.0.id())
    }

    /// The household the request is about, once membership has been checked.
    pub fn household(request: &Parts, household: &HouseholdId) {
        if let Some(log) = request.extensions.get::<Self>() {
            log.0.record("household_id", household.as_str());
        }
    }
}
