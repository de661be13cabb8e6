//! One span per request, and when the request completes, one log line and one metrics sample.
//!
//! The span is named by the route template (never the raw path, which holds ids). The member and
//! household are learned only once the server function has checked the session and membership:
//! [`RequestLog`](crate::telemetry::RequestLog) lets that code record them on the request's span,
//! which the request carries as [`RequestSpan`], the parent of its server functions' spans.

use std::time::Instant;

use axum::{
    extract::{MatchedPath, Request},
    middleware::Next,
    response::Response,
};
use tracing::{Instrument, Span, field::Empty};

use super::REQUEST_ID;
use app::service::RequestSpan;

/// The route label of requests no route matched (the pages' fallback: unknown pages, files).
const UNMATCHED: &str = "(unmatched)";

/// The middleware: wraps the request in its span, then logs and counts the response.
pub async fn observe(mut request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let span = request_span(&request, &route);
    request.extensions_mut().insert(RequestSpan(span.clone()));
    let started = Instant::now();
    let response = next.run(request).instrument(span.clone()).await;
    let latency = started.elapsed();
    let status = response.status();
    span.record("status", status.as_u16());
    span.record(
        "latency_ms",
        u64::try_from(latency.as_millis()).unwrap_or(u64::MAX),
    );
    if let Some(statements) = crate::telemetry::statements_in(&span) {
        span.record("sql_statements", statements);
    }
    if status.is_server_error() {
        span.record("otel.status_code", "ERROR");
        // The cause was logged, with its chain, where it happened, inside this same span.
        span.in_scope(|| tracing::error!("request failed"));
    } else {
        span.in_scope(|| tracing::info!("request completed"));
    }
    crate::metrics::http_request(&method, &route, status, latency);
    response
}

/// The request's span. Its fields are on every log line of the request; the empty ones are
/// filled in later. Never add headers, cookies, query strings or form fields here.
fn request_span(request: &Request, route: &str) -> Span {
    let method = request.method();
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        otel.name = format!("{method} {route}"),
        otel.kind = "server",
        otel.status_code = Empty,
        %method,
        route,
        request_id,
        user_id = Empty,
        household_id = Empty,
        status = Empty,
        latency_ms = Empty,
        sql_statements = Empty,
    )
}
