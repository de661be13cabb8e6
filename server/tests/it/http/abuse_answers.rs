//! Answers a stranger can provoke without an account: the ones that set the session cookie are
//! never stored by a cache, and a body over the limit is refused with 413 and a message, not a
//! 500.

use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp};

#[tokio::test]
async fn answers_that_set_the_session_cookie_are_not_stored() {
    let app = TestApp::spawn().await;
    let ada = app.person("Ada");
    let signed_up = ada
        .call_response("sign_up", &ada.sign_up_fields(PASSWORD))
        .await;
    assert!(signed_up.status().is_success());
    assert_not_stored_and_sets_cookie(&signed_up, "sign-up");
    // Sign-in from a browser that has no cookie yet.
    let fresh = app.person("Ada");
    let signed_in = fresh
        .call_response("sign_in", &[("email", &ada.email), ("password", PASSWORD)])
        .await;
    assert!(signed_in.status().is_success());
    assert_not_stored_and_sets_cookie(&signed_in, "sign-in without a cookie");
}

fn assert_not_stored_and_sets_cookie(response: &reqwest::Response, what: &str) {
    assert!(
        response.headers().contains_key(header::SET_COOKIE),
        "{what} sets the session cookie"
    );
    assert_eq!(
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .and_then(|v| v.to_str().ok()),
        Some("no-store"),
        "{what}: {:?}",
        response.headers()
    );
}

#[tokio::test]
async fn a_body_over_two_mebibytes_is_refused_with_413_and_a_message() {
    let app = TestApp::spawn().await;
    let huge = "x".repeat(3 * 1024 * 1024);
    let response = app
        .client
        .post(app.url("/api/sign_in"))
        .header(header::ORIGIN, app.url(""))
        .header(header::ACCEPT, "application/json")
        .form(&[("email", "ada@example.com"), ("password", huge.as_str())])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body = response.text().await.unwrap();
    assert!(body.contains("at most 2 MiB"), "{body}");
    // And the server goes on answering.
    assert!(app.get("/healthz").await.status().is_success());
}
