//! While the database is out of reach (an Aurora cluster resuming from a pause, a database that
//! is restarting): `/readyz` says `waking`, and until the schema is known to be current the app's
//! routes answer a friendly 503 instead of failing on missing tables. `/healthz` never waits for
//! the database (it does not pass through here).

use std::time::Duration;

use axum::{
    extract::{Request, State},
    http::{HeaderValue, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use tokio::sync::watch;

use crate::db::Store;

/// How long `/readyz` waits for the database to answer.
pub const PROBE: Duration = Duration::from_secs(2);
/// What a client is told to wait before trying again.
const RETRY_AFTER_SECS: u64 = 5;

/// Whether the schema is current (the start-up migrations have run). Cheap to clone.
#[derive(Clone, Debug)]
pub struct Readiness {
    migrated: watch::Receiver<bool>,
    /// How long a request waits for the migrations: `DATABASE_ACQUIRE_TIMEOUT_SECS`.
    patience: Duration,
}

impl Readiness {
    /// A readiness that the returned sender marks migrated.
    pub fn pending(patience: Duration) -> (watch::Sender<bool>, Self) {
        let (migrated, receiver) = watch::channel(false);
        (
            migrated,
            Self {
                migrated: receiver,
                patience,
            },
        )
    }

    /// Already migrated (start-up waited for the migrations).
    pub fn migrated() -> Self {
        let (_, receiver) = watch::channel(true);
        Self {
            migrated: receiver,
            patience: Duration::ZERO,
        }
    }

    fn is_migrated(&self) -> bool {
        *self.migrated.borrow()
    }

    /// Waits for the migrations, at most `patience`.
    async fn wait(&self) -> bool {
        let mut migrated = self.migrated.clone();
        matches!(
            tokio::time::timeout(self.patience, migrated.wait_for(|done| *done)).await,
            Ok(Ok(_))
        )
    }
}

/// `GET /readyz`: 200 `ready` when the schema is current and the database answers within
/// [`PROBE`]; otherwise 503 with a body that starts with `waking`.
pub async fn readyz(
    State(store): State<Store>,
    State(readiness): State<Readiness>,
) -> impl IntoResponse {
    if !readiness.is_migrated() {
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            "waking: the database has not answered since start-up",
        );
    }
    match tokio::time::timeout(PROBE, store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready"),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "waking: the database is not answering",
            )
        }
        Err(_) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "waking: the database did not answer within 2 s",
        ),
    }
}

/// Middleware for the app's own routes: before the migrations have run, wait for them (at most
/// `DATABASE_ACQUIRE_TIMEOUT_SECS`), then answer 503 with `Retry-After`: the app's `Busy` error
/// to a server-function call, a short page to a browser. Never a database error's text.
pub async fn wait_for_the_schema(
    State(readiness): State<Readiness>,
    request: Request,
    next: Next,
) -> Response {
    if readiness.is_migrated() || readiness.wait().await {
        return next.run(request).await;
    }
    let retry_after = [(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS))];
    if request.uri().path().starts_with("/api/") {
        let error = app::error::AppError::Busy {
            retry_after_seconds: RETRY_AFTER_SECS,
        };
        let body = serde_json::to_string(&error).unwrap_or_default();
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            retry_after,
            [(header::CONTENT_TYPE, "application/json")],
            body,
        )
            .into_response();
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        retry_after,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        WAKING_PAGE,
    )
        .into_response()
}

const WAKING_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<meta http-equiv=\"refresh\" content=\"5\"><title>Waking up · mealvote</title></head>\
<body><main><h1>mealvote is waking up</h1>\
<p>The server is starting its database. This page reloads by itself in a few seconds.</p>\
</main></body></html>\n";
