//! What the services record on the request's span (`crate::http::observe` opens it and keeps it
//! in the request as [`RequestSpan`]): who is asking and which household, once known.

use app::{
    ids::{HouseholdId, UserId},
    service::RequestSpan,
};
use http::request::Parts;

/// Records on the request's span, for the code that finds out who is asking (the services,
/// `crate::service`). Records ids only: never names, e-mail addresses or anything a person typed.
#[derive(Clone, Copy, Debug)]
pub struct RequestLog;

impl RequestLog {
    /// The signed-in member making the request.
    pub fn user(request: &Parts, user: &UserId) {
        if let Some(RequestSpan(span)) = request.extensions.get() {
            span.record("user_id", user.as_str());
        }
    }

    /// The household the request is about, once membership has been checked.
    pub fn household(request: &Parts, household: &HouseholdId) {
        if let Some(RequestSpan(span)) = request.extensions.get() {
            span.record("household_id", household.as_str());
        }
    }
}
