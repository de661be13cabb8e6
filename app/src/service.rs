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
//! to go next. [`serve`] also runs the body in the function's span (`server_fn.<name>`), named from
//! the function itself, so no span name is ever typed by hand.

use std::{future::Future, sync::Arc};

use http::request::Parts;
use leptos::prelude::*;
use tracing::Instrument;

use crate::{error::AppError, ids::HouseholdId};

/// The request's span, which the server opens for every request and keeps in the request's
/// extensions: the parent of each server function's span. A function called while a page
/// renders runs in a task of its own, outside the request's span, so the parent is named
/// explicitly rather than taken from the task.
#[derive(Clone, Debug)]
pub struct RequestSpan(pub tracing::Span);

/// The service `S` (`dyn …Service`) the server provided, for a server function or a page.
pub fn service<S: ?Sized + Send + Sync + 'static>() -> Result<Arc<S>, AppError> {
    use_context::<Arc<S>>().ok_or(AppError::Internal)
}

/// Runs a server function's `body` with its feature's service and the request, in the
/// function's span, then answers as [`respond`] does.
pub async fn serve<S, T, F, Fut>(body: F) -> Result<T, AppError>
where
    S: ?Sized + Send + Sync + 'static,
    F: FnOnce(Arc<S>, Parts) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    serve_as(function_name::<F>(), body).await
}

/// [`serve`] for the server function called `function`.
async fn serve_as<S, T, Fut>(
    function: &'static str,
    body: impl FnOnce(Arc<S>, Parts) -> Fut,
) -> Result<T, AppError>
where
    S: ?Sized + Send + Sync + 'static,
    Fut: Future<Output = Result<T, AppError>>,
{
    let context = service::<S>().and_then(|service| {
        let req = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((service, req))
    });
    let result = match context {
        Ok((service, req)) => {
            let span = function_span(&req, function);
            body(service, req).instrument(span).await
        }
        Err(error) => Err(error),
    };
    respond(result)
}

/// The span a server function's body runs in: `server_fn.<function>` as traces export it, under
/// the request's span.
fn function_span(req: &Parts, function: &'static str) -> tracing::Span {
    let parent = req
        .extensions
        .get::<RequestSpan>()
        .and_then(|request| request.0.id());
    tracing::info_span!(
        parent: parent,
        "server_fn",
        otel.name = format!("server_fn.{function}"),
        function,
    )
}

/// The name of the server function whose body is the closure `F`, from the closure's type
/// (`app::plans::__server_get_plan::{{closure}}::{{closure}}`): the function the `#[server]`
/// macro moved the body into, without the macro's prefix.
fn function_name<F>() -> &'static str {
    let path = std::any::type_name::<F>();
    let function = path
        .rsplit("::")
        .find(|segment| !segment.starts_with('{'))
        .unwrap_or(path);
    function.strip_prefix("__server_").unwrap_or(function)
}

/// [`serve`] for a household-scoped server function: the household it names (`household_id`) is
/// parsed first, then handed to `body` with the service and the request.
pub async fn serve_in<S, T, F, Fut>(household_id: String, body: F) -> Result<T, AppError>
where
    S: ?Sized + Send + Sync + 'static,
    F: FnOnce(Arc<S>, Parts, HouseholdId) -> Fut,
    Fut: Future<Output = Result<T, AppError>>,
{
    serve_as(function_name::<F>(), |service: Arc<S>, req| async move {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn name_of<F>(_: &F) -> &'static str {
        function_name::<F>()
    }

    /// Stands in for a server function: `#[server]` moves the body into `__server_<name>`, an
    /// `async fn`, whose closures are named after it.
    async fn __server_get_plan() -> &'static str {
        name_of(&|_: ()| async {})
    }

    #[test]
    fn a_server_function_s_span_is_named_from_the_function() {
        let mut body = std::pin::pin!(__server_get_plan());
        let mut context = std::task::Context::from_waker(std::task::Waker::noop());
        assert_eq!(
            body.as_mut().poll(&mut context),
            std::task::Poll::Ready("get_plan")
        );
    }

    #[test]
    fn a_closure_elsewhere_is_named_from_its_function() {
        fn list_households() -> &'static str {
            name_of(&|| ())
        }
        assert_eq!(list_households(), "list_households");
    }
}
