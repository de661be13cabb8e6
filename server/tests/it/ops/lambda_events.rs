//! `POST /internal/events` (`INTERNAL_EVENTS=lambda`): what the Lambda Web Adapter passes
//! through from the deploy step and the scheduler. Anything that came through API Gateway
//! (`x-amzn-request-context`) is refused; with the setting off the route does not exist.

use reqwest::StatusCode;
use server::clock::now_ms;

use crate::support::{TestApp, TestDatabase, household_with_plan};

const CONTEXT: &str =
    r#"{"http":{"method":"POST","path":"/internal/events","sourceIp":"198.51.100.23"}}"#;

async fn event(app: &TestApp, body: &str, through_api_gateway: bool) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url("/internal/events"))
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(body.to_owned());
    if through_api_gateway {
        request = request.header("x-amzn-request-context", CONTEXT);
    }
    request.send().await.expect("request")
}

/// The scheduler's event closes an overdue slot; the same event from the internet closes nothing.
#[tokio::test]
async fn a_finalize_event_closes_an_overdue_slot_and_the_internet_cannot_send_one() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("INTERNAL_EVENTS", "lambda")]).await;
    let (ada, _bob, household, plan) = household_with_plan(&app).await;
    let slots = ada.plan(&household, &plan).await.slots.len();
    sqlx::query("update plans set deadline_at = $1 where id = $2")
        .bind(now_ms() - 60_000)
        .bind(&plan)
        .execute(app.store.pool())
        .await
        .unwrap();
    let finalize = r#"{"mealvote":"finalize-due"}"#;

    let forged = event(&app, finalize, true).await;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert_eq!(closed(&app).await, 0, "a refused event closes nothing");

    let scheduled = event(&app, finalize, false).await;
    assert_eq!(scheduled.status(), StatusCode::OK);
    let report: serde_json::Value = scheduled.json().await.unwrap();
    assert_eq!(report["closed"], slots, "{report}");
    assert_eq!(closed(&app).await, i64::try_from(slots).unwrap());
    app.shut_down().await.expect("clean shutdown");
}

/// Slots with a stored result, and by the trigger.
async fn closed(app: &TestApp) -> i64 {
    sqlx::query_scalar(
        "select cast(count(*) as bigint) from slot_results where close_path = 'trigger'",
    )
    .fetch_one(app.store.pool())
    .await
    .unwrap()
}

/// The deploy step's migration event brings an empty database to the current schema.
#[tokio::test]
async fn a_migrate_event_applies_the_schema() {
    let db = TestDatabase::postgres().await;
    let app = TestApp::spawn_cold(db, &[("INTERNAL_EVENTS", "lambda")]).await;
    // spawn_cold migrated already, as a deploy would; the event is idempotent and says so.
    let migrated = event(&app, r#"{"mealvote":"migrate"}"#, false).await;
    assert_eq!(migrated.status(), StatusCode::OK);
    assert_eq!(
        migrated.json::<serde_json::Value>().await.unwrap(),
        serde_json::json!({ "ok": true, "migrated": true })
    );
    let refused = event(&app, r#"{"mealvote":"migrate"}"#, true).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    app.shut_down().await.expect("clean shutdown");
}

#[tokio::test]
async fn an_unknown_event_is_named_and_the_route_is_off_by_default() {
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("INTERNAL_EVENTS", "lambda")],
    )
    .await;
    let unknown = event(&app, r#"{"mealvote":"drop-tables"}"#, false).await;
    assert_eq!(unknown.status(), StatusCode::BAD_REQUEST);
    let body = unknown.json::<serde_json::Value>().await.unwrap();
    assert_eq!(body["ok"], false, "{body}");
    let error = body["error"].as_str().unwrap();
    assert!(error.contains("\"drop-tables\""), "{error}");
    assert!(error.contains("finalize-due"), "{error}");
    let garbage = event(&app, "not json", false).await;
    assert_eq!(garbage.status(), StatusCode::BAD_REQUEST);
    app.shut_down().await.expect("clean shutdown");

    let plain = TestApp::spawn().await;
    let off = event(&plain, r#"{"mealvote":"finalize-due"}"#, false).await;
    // No such route: the pages' fallback answers (their same-origin check refuses a bare POST).
    assert!(
        matches!(off.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        off.status()
    );
    plain.shut_down().await.expect("clean shutdown");
}
