//! Sessions cost a write only when something changed: a signed-in page view neither updates the
//! session row nor re-sends the cookie, until the expiry was last pushed back over an hour ago.

use app::routes;
use reqwest::header::SET_COOKIE;
use sqlx::Row;

use crate::support::TestApp;

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

fn now_ms() -> i64 {
    server::clock::now_ms()
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

    let page = ada.get(routes::HOUSEHOLDS).await;
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

    let page = ada.get(routes::HOUSEHOLDS).await;
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

#[tokio::test]
async fn sign_out_everywhere_ends_every_other_session_and_keeps_this_one() {
    let app = TestApp::spawn().await;
    let phone = app.signed_up("Ada").await;
    let laptop = app.second_device(&phone).await;

    let answer = phone.call("sign_out_everywhere", &[]).await;
    answer.assert_ok();
    assert!(
        answer
            .location
            .as_deref()
            .unwrap_or("")
            .contains("signed_out_elsewhere"),
        "{answer:?}"
    );
    assert_eq!(phone.signed_in_as().await.as_deref(), Some("Ada"));
    assert_eq!(laptop.signed_in_as().await, None, "the other session ended");
    let page = laptop.open_response(routes::HOUSEHOLDS).await;
    assert!(page.status().is_redirection(), "{}", page.status());
    // The laptop can sign in again.
    laptop.sign_in().await.assert_ok();
    assert_eq!(laptop.signed_in_as().await.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn changing_the_password_asks_for_the_current_one_and_ends_other_sessions() {
    let app = TestApp::spawn().await;
    let phone = app.signed_up("Ada").await;
    let laptop = app.second_device(&phone).await;
    let new_password = "a brand new passphrase";

    let wrong = phone
        .call(
            "change_password",
            &[
                ("current_password", "not my password"),
                ("new_password", new_password),
            ],
        )
        .await;
    assert_eq!(wrong.status.as_u16(), 400);
    assert_eq!(
        wrong.error().for_field(app::error::Field::CurrentPassword),
        Some("That is not your current password.".to_owned())
    );
    let short = phone
        .call(
            "change_password",
            &[
                ("current_password", crate::support::PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert!(
        short
            .error()
            .for_field(app::error::Field::NewPassword)
            .is_some_and(|m| m.contains("at least 10")),
        "{short:?}"
    );
    assert_eq!(
        laptop.signed_in_as().await.as_deref(),
        Some("Ada"),
        "nothing changed yet"
    );

    phone
        .call(
            "change_password",
            &[
                ("current_password", crate::support::PASSWORD),
                ("new_password", new_password),
            ],
        )
        .await
        .assert_ok();
    assert_eq!(phone.signed_in_as().await.as_deref(), Some("Ada"));
    assert_eq!(laptop.signed_in_as().await, None);
    assert_eq!(
        laptop.sign_in().await.status.as_u16(),
        401,
        "the old password is gone"
    );
    laptop.sign_in_with(new_password).await.assert_ok();
}
