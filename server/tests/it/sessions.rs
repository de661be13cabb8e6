//! Sessions cost a write only when something changed: a signed-in page view neither updates the
//! session row nor re-sends the cookie, until the expiry was last pushed back over an hour ago.

use reqwest::header::SET_COOKIE;
use sqlx::Row;

use crate::support::TestApp;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    server::auth::now_ms()
}

/// The only session's (data, expiry).
async fn session_row(app: &TestApp) -> (serde_json::Value, i64) {
    let row = sqlx::query("select data, expires_at from sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    let data: String = row.get(0);
    (serde_json::from_str(&data).unwrap(), row.get(1))
}

#[tokio::test]
async fn a_page_view_writes_nothing_until_the_expiry_is_an_hour_old_then_slides_it() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let (data, expires) = session_row(&app).await;
    assert!(data["refreshed_at"].is_i64(), "{data}");

    let page = ada.get("/households").await;
    assert!(page.status().is_success());
    assert!(
        page.headers().get(SET_COOKIE).is_none(),
        "no cookie re-sent"
    );
    assert_eq!(session_row(&app).await.1, expires, "no write");

    // As if the last extension was two hours ago.
    let mut data = data;
    data["refreshed_at"] = serde_json::json!(now_ms() - 2 * HOUR_MS);
    let old_expiry = now_ms() + 30 * DAY_MS - 2 * HOUR_MS;
    sqlx::query("update sessions set data = $1, expires_at = $2")
        .bind(data.to_string())
        .bind(old_expiry)
        .execute(app.store.pool())
        .await
        .unwrap();

    let page = ada.get("/households").await;
    assert!(page.status().is_success());
    let cookie = page
        .headers()
        .get(SET_COOKIE)
        .expect("the cookie is re-sent with its new expiry")
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("Max-Age="), "{cookie}");
    let (data, expires) = session_row(&app).await;
    assert!(
        expires >= old_expiry + HOUR_MS,
        "the expiry slid: {expires}"
    );
    assert!(data["refreshed_at"].as_i64().unwrap() > now_ms() - HOUR_MS);
    assert_eq!(ada.signed_in_as().await.as_deref(), Some("Ada"));
}
