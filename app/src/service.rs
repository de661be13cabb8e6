//! How a server function reaches the server (server-side only).
//!
//! Each feature declares what it asks of the server as a trait beside its wire types
//! ([`AccountsService`](crate::accounts::AccountsService),
//! [`HouseholdsService`](crate::households::HouseholdsService),
//! [`PlansService`](crate::plans::PlansService),
//! [`NotificationsService`](crate::notifications::NotificationsService)). The `server` crate,
//! which depends on this one, implements them over its store and provides each as Leptos context
//! (`Arc<dyn …Service>`). A server function stays a thin adapter: [`serve`] hands its body the
//! feature's service and the request; the body parses the input, calls one method and picks where
//! to go next.

use std::{future::Future, sync::Arc};

use http::request::Parts;
use leptos::prelude::*;

use crate::{error::AppError, ids::HouseholdId};

/// The service `S` (`dyn …Service`) the server provided, for a server function or a page.
pub fn service<S: ?Sized + Send + Sync + 'static>() -> Result<Arc<S>, AppError> {
    use_context::<Arc<S>>().ok_or(AppError::Internal)
}

/// Runs a server function's `body` with its feature's service and the request, then answers as
/// [`respond`] does.
pub async fn serve<S, T, Fut>(body: impl FnOnce(Arc<S>, Parts) -> Fut) -> Result<T, AppError>
where
    S: ?Sized + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>>,
{
    let context = service::<S>().and_then(|service| {
        let req = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((service, req))
    });
    let result = match context {
        Ok((service, req)) => body(service, req).await,
        Err(error) => Err(error),
    };
    respond(result)
}

/// [`serve`] for a household-scoped server function: the household it names (`household_id`) is
/// parsed first, then handed to `body` with the service and the request.
pub async fn serve_in<S, T, Fut>(
    household_id: String,
    body: impl FnOnce(Arc<S>, Parts, HouseholdId) -> Fut,
) -> Result<T, AppError>
where
    S: ?Sized + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>>,
{
    serve(|service: Arc<S>, req| async move {
        let household = HouseholdId::try_from(household_id)?;
        body(service, req, household).await
    })
    .await
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

/// [`go_to`] for a plain form post only: a script caller (an island) stays on its page and
/// shows the answer itself.
pub fn go_to_after_plain_form(path: &str) {
    if is_plain_form_post() {
        go_to(path);
    }
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
