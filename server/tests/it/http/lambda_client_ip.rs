//! Behind API Gateway and the Lambda Web Adapter (`CLIENT_IP_SOURCE=lambda-request-context`),
//! per-IP limits count the address API Gateway saw, from the adapter's `x-amzn-request-context`
//! header: the socket's peer is the adapter for everyone, and `X-Forwarded-For` is whatever a
//! client sent.

use reqwest::{StatusCode, header};

use crate::support::{TestApp, TestDatabase};

/// The request context the adapter forwards for an HTTP API request from `ip`.
fn context(ip: &str) -> String {
    format!(r#"{{"http":{{"method":"POST","path":"/api/sign_in","sourceIp":"{ip}"}}}}"#)
}

#[tokio::test]
async fn wrong_passwords_are_counted_against_the_address_api_gateway_saw() {
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("CLIENT_IP_SOURCE", "lambda-request-context")],
    )
    .await;
    let ada = app.signed_up("Ada").await;
    ada.sign_out().await.assert_ok();
    // Each attempt claims another address in X-Forwarded-For; API Gateway saw the same one.
    let attempt = |n: u8| {
        app.client
            .post(app.url("/api/sign_in"))
            .header(header::ORIGIN, app.url(""))
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", format!("203.0.{n}.9"))
            .header("x-amzn-request-context", context("198.51.100.23"))
            .form(&[
                ("email", ada.email.as_str()),
                ("password", "wrong password"),
            ])
            .send()
    };
    let mut statuses = Vec::new();
    for n in 0..7 {
        statuses.push(attempt(n).await.unwrap().status());
    }
    assert_eq!(
        statuses,
        [
            [StatusCode::UNAUTHORIZED; 5].as_slice(),
            &[StatusCode::TOO_MANY_REQUESTS; 2]
        ]
        .concat(),
        "a forged X-Forwarded-For does not spread the attempts over many networks"
    );
    // The owner, from another address API Gateway saw, still gets in.
    let owner = app
        .client
        .post(app.url("/api/sign_in"))
        .header(header::ORIGIN, app.url(""))
        .header(header::ACCEPT, "application/json")
        .header("x-amzn-request-context", context("192.0.2.44"))
        .form(&[
            ("email", ada.email.as_str()),
            ("password", crate::support::PASSWORD),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(owner.status(), StatusCode::OK);
    app.shut_down().await.expect("clean shutdown");
}
