//! A database out of reach (an Aurora cluster resuming from a pause): the server starts anyway,
//! `/healthz` answers at once, `/readyz` says `waking`, and pages and server functions answer a
//! friendly 503 without any database error's text.

use std::time::{Duration, Instant};

use reqwest::{StatusCode, header};

use crate::support::{TestDatabase, process::ServerProcess};

/// Text that would give a database error away.
const RAW: &[&str] = &[
    "sqlx",
    "pool timed out",
    "Connection refused",
    "connection refused",
    "error returned from database",
    "127.0.0.1",
    "s3cret-pw",
    "postgres",
];

fn assert_friendly(body: &str) {
    for raw in RAW {
        assert!(!body.contains(raw), "{raw:?} in {body}");
    }
}

#[tokio::test]
async fn with_the_database_out_of_reach_healthz_answers_and_readyz_says_waking() {
    // A loopback port nobody listens on: every connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("postgres://app:s3cret-pw@127.0.0.1:{port}/meals");
    let server = ServerProcess::start_on(
        TestDatabase::sqlite().await,
        &[
            ("DATABASE_URL", url.as_str()),
            ("DATABASE_ACQUIRE_TIMEOUT_SECS", "1"),
            // As on App Runner: migrations at start-up, in the background.
            ("MIGRATE_ON_START", "true"),
        ],
    )
    .await;

    let started = Instant::now();
    let health = server.get("/healthz").await;
    let waited = started.elapsed();
    assert_eq!(health.status(), StatusCode::OK);
    assert!(
        waited < Duration::from_millis(500),
        "/healthz took {waited:?}"
    );

    let ready = server.get("/readyz").await;
    assert_eq!(ready.status(), StatusCode::SERVICE_UNAVAILABLE);
    let body = ready.text().await.unwrap();
    assert!(body.starts_with("waking"), "{body}");
    assert_friendly(&body);

    // A page: the waking page, after waiting DATABASE_ACQUIRE_TIMEOUT_SECS for the database.
    let page = server
        .client
        .get(server.url("/"))
        .header(header::ACCEPT, "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.headers().contains_key(header::RETRY_AFTER));
    let body = page.text().await.unwrap();
    assert!(body.contains("waking up"), "{body}");
    assert_friendly(&body);

    // A server function, as the hydrated app calls it: the app's own Busy error.
    let ada = server.person("Ada");
    let answer = ada.sign_in_with("whatever it is").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(matches!(answer.error(), app::error::AppError::Busy { .. }));
    assert_friendly(&answer.body);

    let lines = server.stop().await;
    assert!(
        lines
            .iter()
            .any(|line| line.contains("the database is not answering yet")),
        "the wait is logged: {lines:#?}"
    );
    assert!(
        lines.iter().all(|line| !line.contains("s3cret-pw")),
        "the password never appears"
    );
}
