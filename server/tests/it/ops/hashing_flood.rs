//! A flood of sign-ins cannot eat the server: password hashes run a few at a time in reused
//! memory (`auth::password`), the rest wait in a short queue or are told to come back (503 with
//! `Retry-After`), and the health check answers throughout.

use reqwest::{StatusCode, header::RETRY_AFTER};

use crate::support::{PASSWORD, TestApp};

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_four_sign_ins_at_once_from_one_address_leave_the_health_check_answering() {
    let app = TestApp::spawn().await;
    let victim = app.signed_up("Ada").await;
    let client = reqwest::Client::new();
    let attempts = (0..64).map(|i| {
        let client = client.clone();
        let url = app.url("/api/sign_in");
        let origin = app.url("");
        let email = victim.email.clone();
        tokio::spawn(async move {
            let password = if i % 2 == 0 {
                PASSWORD
            } else {
                "a wrong password 123"
            };
            let response = client
                .post(url)
                .header("Origin", origin)
                .header("Accept", "application/json")
                .form(&[("email", email.as_str()), ("password", password)])
                .send()
                .await
                .expect("answered");
            (
                response.status(),
                response.headers().get(RETRY_AFTER).cloned(),
            )
        })
    });
    let attempts: Vec<_> = attempts.collect();
    // While they run, the health check answers.
    for _ in 0..5 {
        assert!(app.get("/healthz").await.status().is_success());
    }
    let mut busy = 0;
    for attempt in attempts {
        let (status, retry_after) = attempt.await.unwrap();
        match status {
            StatusCode::SERVICE_UNAVAILABLE => {
                busy += 1;
                assert!(retry_after.is_some(), "503 says when to come back");
            }
            StatusCode::OK | StatusCode::UNAUTHORIZED => {}
            StatusCode::TOO_MANY_REQUESTS => assert!(retry_after.is_some()),
            other => panic!("unexpected answer {other}"),
        }
    }
    eprintln!("{busy} of 64 sign-ins were told to come back");
    assert!(app.get("/healthz").await.status().is_success());
}
