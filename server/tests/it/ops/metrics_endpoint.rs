//! `/metrics`: who may read it, and what it counts. Exact counts come from a server in a child
//! process, whose recorder no other test shares; the in-process checks use deltas.

use reqwest::{StatusCode, header};
use server::{closing::ClosePath, metrics as m};

use crate::support::{TestApp, TestDatabase, process::ServerProcess, prometheus::value};

const TOKEN: &str = "test-scrape-token-5b1e-0123456789abcdef";

async fn scrape(client: &reqwest::Client, url: String, token: &str) -> String {
    let response = client
        .get(url)
        .bearer_auth(token)
        .send()
        .await
        .expect("scrape");
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers()[header::CONTENT_TYPE],
        "text/plain; version=0.0.4; charset=utf-8"
    );
    response.text().await.expect("exposition")
}

#[tokio::test]
async fn without_a_configured_token_there_is_no_metrics_endpoint() {
    let app = TestApp::spawn().await;
    let response = app.get("/metrics").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_missing_or_wrong_bearer_token_is_refused() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("METRICS_TOKEN", TOKEN)]).await;
    let url = app.url("/metrics");
    let attempts = [
        None,
        Some("Bearer wrong-token".to_owned()),
        Some(format!("Bearer {TOKEN}x")),
        Some(format!("Basic {TOKEN}")),
        Some(TOKEN.to_owned()),
    ];
    for authorization in attempts {
        let mut request = app.client.get(&url);
        if let Some(value) = &authorization {
            request = request.header(header::AUTHORIZATION, value);
        }
        let response = request.send().await.unwrap();
        assert_eq!(
            response.status(),
            StatusCode::UNAUTHORIZED,
            "{authorization:?}"
        );
        assert_eq!(response.headers()[header::WWW_AUTHENTICATE], "Bearer");
        assert!(!response.text().await.unwrap().contains("mealvote_"));
    }
    let exposition = scrape(&app.client, url, TOKEN).await;
    assert!(
        exposition.contains("# HELP mealvote_http_requests_total"),
        "{exposition}"
    );
}

#[tokio::test]
async fn a_domain_counter_counts_through_its_function() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("METRICS_TOKEN", TOKEN)]).await;
    let read = |exposition: &str, name: &str, labels: &[(&str, &str)]| {
        value(exposition, name, labels).unwrap_or_else(|| panic!("{name} {labels:?}: {exposition}"))
    };
    // Only this test records these, so the deltas are exact even with other apps in the process.
    let before = scrape(&app.client, app.url("/metrics"), TOKEN).await;
    m::plan_proposed();
    m::plan_proposed();
    m::slot_closed(ClosePath::EveryoneVoted);
    let after = scrape(&app.client, app.url("/metrics"), TOKEN).await;
    assert_eq!(
        read(&after, m::PLANS_PROPOSED, &[]) - read(&before, m::PLANS_PROPOSED, &[]),
        2.0
    );
    let everyone = [("path", "everyone_voted")];
    assert_eq!(
        read(&after, m::SLOTS_CLOSED, &everyone) - read(&before, m::SLOTS_CLOSED, &everyone),
        1.0
    );
    let lazy = [("path", "lazy")];
    assert_eq!(
        read(&after, m::SLOTS_CLOSED, &lazy),
        read(&before, m::SLOTS_CLOSED, &lazy)
    );
}

#[tokio::test]
async fn after_a_scripted_flow_each_route_and_status_is_counted_exactly() {
    let server =
        ServerProcess::start(&[("METRICS_TOKEN", TOKEN), ("DATABASE_MAX_CONNECTIONS", "3")]).await;
    server.three_health_checks_and_two_missing_pages().await;
    let alice = server.person("Alice");
    alice.sign_up().await.assert_ok();
    alice.create_household("Flat 3").await;

    let exposition = scrape(&server.client, server.url("/metrics"), TOKEN).await;
    let read = |name: &str, labels: &[(&str, &str)]| {
        value(&exposition, name, labels)
            .unwrap_or_else(|| panic!("{name} {labels:?}: {exposition}"))
    };
    let healthz = [("route", "/healthz"), ("method", "GET"), ("status", "200")];
    assert_eq!(read(m::HTTP_REQUESTS, &healthz), 3.0);
    let unknown = [
        ("route", "(unmatched)"),
        ("method", "GET"),
        ("status", "404"),
    ];
    assert_eq!(read(m::HTTP_REQUESTS, &unknown), 2.0);
    for function in ["sign_up", "create_household"] {
        let route = format!("/api/{function}");
        let labels = [
            ("route", route.as_str()),
            ("method", "POST"),
            ("status", "200"),
        ];
        assert_eq!(read(m::HTTP_REQUESTS, &labels), 1.0, "{route}");
    }
    let duration_count = format!("{}_count", m::HTTP_REQUEST_DURATION);
    assert_eq!(read(&duration_count, &healthz), 3.0);
    let mut infinite_bucket = healthz.to_vec();
    infinite_bucket.push(("le", "+Inf"));
    let duration_bucket = format!("{}_bucket", m::HTTP_REQUEST_DURATION);
    assert_eq!(read(&duration_bucket, &infinite_bucket), 3.0);

    assert_eq!(read(m::DB_POOL_MAX_CONNECTIONS, &[]), 3.0);
    let open = read(m::DB_POOL_CONNECTIONS, &[("state", "idle")])
        + read(m::DB_POOL_CONNECTIONS, &[("state", "in_use")]);
    assert!((1.0..=3.0).contains(&open), "{open} connections open");
    let acquired = read(&format!("{}_count", m::DB_POOL_ACQUIRE), &[]);
    assert!(acquired >= 2.0, "{acquired} pool waits measured");

    // Domain counters exist, at zero, before the features that record them are used.
    assert_eq!(read(m::BALLOTS_CAST, &[]), 0.0);
    assert_eq!(read(m::TIE_BREAKS_BY_LOT, &[]), 0.0);
    for name in [
        m::HTTP_REQUESTS,
        m::HTTP_REQUEST_DURATION,
        m::DB_POOL_ACQUIRE,
        m::SLOTS_CLOSED,
    ] {
        assert!(exposition.contains(&format!("# HELP {name} ")), "{name}");
    }
    server.stop().await;
}
