//! Cross-site form posts are refused: every state-changing request must come from the site.

use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp};

fn sign_up_form() -> [(&'static str, &'static str); 3] {
    [
        ("display_name", "Mallory"),
        ("email", "mallory@example.com"),
        ("password", PASSWORD),
    ]
}

#[tokio::test]
async fn a_post_from_another_site_is_refused_with_a_clear_message() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/sign_up"))
        .header(header::ORIGIN, "https://evil.example")
        .form(&sign_up_form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(
        response
            .text()
            .await
            .unwrap()
            .contains("cross-site request"),
        "a clear message"
    );
    let users: i64 = sqlx::query_scalar("select cast(count(*) as bigint) from users")
        .fetch_one(app.store.pool())
        .await
        .unwrap();
    assert_eq!(users, 0, "nothing was written");
}

#[tokio::test]
async fn a_server_function_post_without_origin_or_referer_is_refused() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/sign_up"))
        .form(&sign_up_form())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_signed_in_persons_cookie_does_not_help_a_cross_site_post() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let home = ada.create_household("Home").await;
    let response = ada
        .submit_from(
            "https://evil.example/page",
            "leave_household",
            &[("household_id", &home)],
        )
        .await;
    assert_eq!(response.status, StatusCode::FORBIDDEN);
    assert_eq!(ada.overview(&home).await.members.len(), 1);
}

#[tokio::test]
async fn a_same_site_referer_is_enough_when_origin_is_missing() {
    let app = TestApp::spawn().await;
    let response = app
        .client
        .post(app.url("/api/sign_up"))
        .header(header::REFERER, app.url("/signup"))
        .form(&sign_up_form())
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{}", response.status());
}

#[tokio::test]
async fn reading_pages_needs_no_origin() {
    let app = TestApp::spawn().await;
    assert_eq!(app.get("/signin").await.status(), StatusCode::OK);
}
