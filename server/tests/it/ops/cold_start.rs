//! A cold start wakes no database: `serve` opens no connection until a request needs one, and
//! `/healthz`, signed-out pages, static files and 404s never need one (each wake-up of a paused
//! Aurora cluster is billed for at least 5 minutes). The in-process ticker never runs before the
//! start-up migration has made the schema current.

use std::time::Duration;

use reqwest::{StatusCode, header};

use crate::support::{TestApp, TestDatabase, process::ServerProcess};

/// Static files as the server serves them without a CDN (`/pkg`).
fn site_with_a_stylesheet() -> tempfile::TempDir {
    let site = tempfile::tempdir().expect("site directory");
    std::fs::create_dir_all(site.path().join("pkg")).unwrap();
    std::fs::write(site.path().join("pkg/mealvote.css"), "body { margin: 0 }\n").unwrap();
    site
}

async fn nothing_a_stranger_asks_for_opens_a_connection(db: TestDatabase) {
    let site = site_with_a_stylesheet();
    let root = site.path().display().to_string();
    let app = TestApp::spawn_cold(
        db,
        &[("MIGRATE_ON_START", "false"), ("LEPTOS_SITE_ROOT", &root)],
    )
    .await;
    assert_eq!(app.store.connections_opened(), 0, "start-up opened none");

    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    let css = app.get("/pkg/mealvote.css").await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(css.text().await.unwrap(), "body { margin: 0 }\n");
    assert_eq!(
        app.get("/no/such/page").await.status(),
        StatusCode::NOT_FOUND
    );
    for page in ["/", "/signin", "/signup"] {
        let response = app
            .client
            .get(app.url(page))
            .header(header::ACCEPT, "text/html")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{page}");
        assert!(response.text().await.unwrap().contains("<html"), "{page}");
    }
    assert_eq!(
        app.store.connections_opened(),
        0,
        "a signed-out visitor, a health check, a file and a 404 open no connection"
    );

    // The count is real: the first thing that needs the database opens a connection.
    app.signed_up("Ada").await;
    assert!(app.store.connections_opened() >= 1);
    app.shut_down().await.expect("clean shutdown");
}

crate::on_both_engines!(nothing_a_stranger_asks_for_opens_a_connection);

/// On PostgreSQL migrating is a deploy step: `serve` alone leaves the schema as it finds it, so a
/// cold start after a deploy wakes nothing. (`spawn_cold` migrates first, as the deploy does.)
#[tokio::test]
async fn postgres_serves_without_migrating_unless_asked() {
    let app = TestApp::spawn_cold(TestDatabase::postgres().await, &[]).await;
    assert_eq!(app.store.connections_opened(), 0);
    app.signed_up("Ada").await;
    app.shut_down().await.expect("clean shutdown");
}

const TOKEN: &str = "metrics-token-0123456789abcdef-0123";

/// How many finalize batches the server has run, from `/metrics`.
async fn batches(server: &ServerProcess) -> f64 {
    let exposition = server
        .client
        .get(server.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("exposition");
    crate::support::prometheus::value(
        &exposition,
        &format!("{}_count", server::metrics::FINALIZE_DUE_BATCH),
        &[],
    )
    .unwrap_or(0.0)
}

/// On a fresh SQLite file the ticker's first batch used to run while the schema was still being
/// created, and failed on missing tables. It now starts after the migration.
#[tokio::test]
async fn the_ticker_waits_for_the_schema_on_a_fresh_sqlite_file() {
    let server =
        ServerProcess::start(&[("TICKER_INTERVAL_SECS", "1"), ("METRICS_TOKEN", TOKEN)]).await;
    // The first tick runs at once; wait (bounded) until one batch has completed.
    let ran = tokio::time::timeout(Duration::from_secs(20), async {
        while batches(&server).await < 1.0 {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    })
    .await;
    assert!(ran.is_ok(), "no finalize batch ran within 20 s");
    let lines = server.stop().await;
    let failed: Vec<&String> = lines
        .iter()
        .filter(|line| line.contains("finalize tick failed"))
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let current = lines
        .iter()
        .position(|line| line.contains("database schema is current"));
    let listening = lines.iter().position(|line| line.contains("listening on"));
    assert!(
        current.is_some() && current < listening,
        "migrated before serving: {lines:#?}"
    );
}
