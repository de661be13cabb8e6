//! `POST /internal/events` (`INTERNAL_EVENTS=lambda`): the events the Lambda Web Adapter passes
//! through (`AWS_LWA_PASS_THROUGH_PATH`), as a `POST` whose body is the event's JSON:
//! `{"mealvote":"migrate"}` from the deploy step, `{"mealvote":"finalize-due"}` from the
//! EventBridge Scheduler, which invokes the function directly with IAM. No shared secret: the
//! adapter adds `x-amzn-request-context` to every request that came through API Gateway and to
//! none of these, so a request carrying it came from the internet and is refused.

use axum::{
    Json, Router,
    body::Bytes,
    extract::State,
    http::{HeaderMap, StatusCode},
    response::{IntoResponse, Response},
};
use secrecy::SecretString;
use serde::Deserialize;

use crate::{auth::client_ip::LAMBDA_REQUEST_CONTEXT, config::Config, db::Store};

pub const ROUTE: &str = "/internal/events";

#[derive(Clone)]
struct LambdaEvents {
    store: Store,
    batch: u32,
    /// The webhook and push clients.
    senders: crate::batch::Senders,
}

/// The route, outside the wait for the schema: the migration event is what makes it current.
pub fn routes<S>(config: &Config, store: Store, senders: crate::batch::Senders) -> Router<S> {
    Router::new()
        .route(ROUTE, axum::routing::post(receive))
        .with_state(LambdaEvents {
            store,
            batch: config.finalize_batch,
            senders,
        })
}

/// An event this server understands: `{"mealvote": "<verb>"}`; the deploy step's migrate event
/// may carry the one-time `bootstrap_password` for the `rds_iam` grant (`store::iam_bootstrap`).
/// No `Debug`: the password must never reach a log.
#[derive(Deserialize)]
struct Event {
    mealvote: String,
    #[serde(default)]
    bootstrap_password: Option<String>,
}

const EXPECTED: &str = r#"expected {"mealvote":"migrate"} or {"mealvote":"finalize-due"}"#;

async fn receive(State(events): State<LambdaEvents>, headers: HeaderMap, body: Bytes) -> Response {
    if headers.contains_key(LAMBDA_REQUEST_CONTEXT) {
        tracing::warn!("internal event refused: it came through API Gateway");
        return refused(
            StatusCode::FORBIDDEN,
            "internal events come from the Lambda runtime, never over HTTP",
        );
    }
    let Ok(event) = serde_json::from_slice::<Event>(&body) else {
        return refused(StatusCode::BAD_REQUEST, EXPECTED);
    };
    match event.mealvote.as_str() {
        "migrate" => {
            let password = event.bootstrap_password.map(SecretString::from);
            migrate(&events.store, password.as_ref()).await
        }
        "finalize-due" => {
            super::finalize::run_batch(&events.store, &events.senders, events.batch).await
        }
        other => refused(
            StatusCode::BAD_REQUEST,
            &format!("unknown event {other:?}: {EXPECTED}"),
        ),
    }
}

/// The answer to an event that did not run: `{"ok": false, "error": …}`. The Web Adapter hands
/// the body back as the invocation's result and a status alone would be lost, so the deploy step
/// reads `ok`.
fn refused(status: StatusCode, error: &str) -> Response {
    (
        status,
        Json(serde_json::json!({ "ok": false, "error": error })),
    )
        .into_response()
}

/// The deploy step's migration: 200 `{"ok": true, "migrated": true}` when the schema is current;
/// 500 `{"ok": false, …}` with the reason in the log (the deploy script fails and shows the
/// function's log) otherwise.
async fn migrate(store: &Store, bootstrap_password: Option<&SecretString>) -> Response {
    match store.migrate_bootstrapped(bootstrap_password).await {
        Ok(()) => {
            tracing::info!("migrations applied");
            Json(serde_json::json!({ "ok": true, "migrated": true })).into_response()
        }
        Err(error) => {
            tracing::error!(error = format!("{error:#}"), "database migration failed");
            refused(
                StatusCode::INTERNAL_SERVER_ERROR,
                "database migration failed",
            )
        }
    }
}
