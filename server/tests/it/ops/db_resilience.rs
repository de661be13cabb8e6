//! The database ends the app's connections while it is idle (Aurora's 2-minute idle-session
//! timeout, a restart, a failover): the next signed-in page, ballot save and finalize trigger
//! still answer 2xx, never a 500 from a dead pooled connection.

use app::routes;
use std::time::Duration;

use reqwest::StatusCode;
use sqlx::{Connection, postgres::PgConnection};

use crate::support::{Person, TestApp, TestDatabase, household_with_plan, postgres_admin_url};

const SECRET: &str = "finalize-secret-0123456789abcdef-0123";

/// Ends every session of the app's database but the admin's own, as Aurora's idle-session
/// timeout does, and waits until the server has let them go. Returns how many it ended.
async fn end_every_connection(app: &TestApp) -> i64 {
    let database: String = sqlx::query_scalar("select cast(current_database() as text)")
        .fetch_one(app.store.pool())
        .await
        .expect("the app's database");
    let mut admin = PgConnection::connect(&postgres_admin_url())
        .await
        .expect("admin connection");
    // Materialized first: in one WHERE clause PostgreSQL may call pg_terminate_backend before
    // filtering by database, ending other tests' sessions too.
    let ended: i64 = sqlx::query_scalar(
        r"with app as materialized (
              select pid from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()
          )
          select cast(count(*) as bigint) from app where pg_terminate_backend(pid)",
    )
    .bind(&database)
    .fetch_one(&mut admin)
    .await
    .expect("terminate");
    // pg_terminate_backend only signals: wait until every ended session is gone.
    let gone = tokio::time::timeout(Duration::from_secs(10), async {
        loop {
            let left: i64 = sqlx::query_scalar(
                r"select cast(count(*) as bigint) from pg_stat_activity
                  where datname = $1 and pid <> pg_backend_pid()",
            )
            .bind(&database)
            .fetch_one(&mut admin)
            .await
            .expect("count sessions");
            if left == 0 {
                return;
            }
            tokio::task::yield_now().await;
        }
    })
    .await;
    assert!(gone.is_ok(), "the ended sessions did not go away in time");
    ended
}

/// Ada and Bob share a plan; the pool holds connections from their requests. After each of the
/// database's purges a signed-in page, a ballot save and the finalize trigger all succeed.
async fn every_request_after_a_purge_succeeds(app: TestApp) {
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let first = page.options[0].id.to_string();

    assert!(end_every_connection(&app).await >= 1, "the pool was warm");
    let opened = app.store.connections_opened();
    let page = ada.open_response(&routes::plan(&household, &plan)).await;
    assert_eq!(page.status(), StatusCode::OK, "a signed-in page");
    assert!(
        app.store.connections_opened() > opened,
        "the page ran on a new connection"
    );

    assert!(end_every_connection(&app).await >= 1);
    vote(&bob, &household, &slot, &first).await;

    assert!(end_every_connection(&app).await >= 1);
    let trigger = app.finalize_due(Some(SECRET)).await;
    assert_eq!(trigger.status(), StatusCode::OK, "the finalize trigger");
    let report: serde_json::Value = trigger.json().await.expect("a batch report");
    assert!(report.get("closed").is_some(), "{report}");
    app.shut_down().await.expect("clean shutdown");
}

async fn vote(person: &Person, household: &str, slot: &str, option: &str) {
    let answer = person.cast_ballot(household, slot, &[(option, "1")]).await;
    answer.assert_ok();
    let saved = person.ballot_page(household, slot).await;
    assert!(saved.mine.is_some(), "the ballot was saved");
}

/// With the idle check effectively off, every purged connection is met by a statement: the
/// request retries once on a fresh connection.
#[tokio::test]
async fn a_dead_pooled_connection_is_retried_on_a_fresh_one() {
    let db = TestDatabase::postgres().await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("FINALIZE_SECRET", SECRET),
            ("DATABASE_IDLE_TIMEOUT_SECS", "3600"),
            ("DATABASE_CHECK_AFTER_IDLE_SECS", "3600"),
        ],
    )
    .await;
    every_request_after_a_purge_succeeds(app).await;
}

/// With every idle connection checked before use, a dead one never reaches a statement.
#[tokio::test]
async fn idle_connections_are_checked_before_use() {
    let db = TestDatabase::postgres().await;
    let app = TestApp::spawn_with(
        db,
        &[
            ("FINALIZE_SECRET", SECRET),
            ("DATABASE_CHECK_AFTER_IDLE_SECS", "0"),
        ],
    )
    .await;
    every_request_after_a_purge_succeeds(app).await;
}

/// On Lambda the schema is current from the start (no migration at start-up), so a request that
/// needs a database that does not answer in time (a cluster still resuming) is told to try again,
/// never handed a 500.
#[tokio::test]
async fn a_database_that_does_not_answer_in_time_is_busy_not_broken() {
    use crate::support::process::ServerProcess;
    // A loopback port nobody listens on: every connection is refused.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let url = format!("postgres://app@127.0.0.1:{port}/meals");
    let server = ServerProcess::start_on(
        TestDatabase::sqlite().await,
        &[
            ("DATABASE_URL", url.as_str()),
            ("DATABASE_ACQUIRE_TIMEOUT_SECS", "1"),
            ("MIGRATE_ON_START", "false"),
        ],
    )
    .await;
    let ada = server.person("Ada");
    let answer = ada.sign_in_with("whatever it is").await;
    assert_eq!(answer.status, StatusCode::SERVICE_UNAVAILABLE, "{answer:?}");
    assert!(matches!(
        answer.error(),
        app::error::AppError::Busy {
            retry_after_seconds: 5
        }
    ));
    assert!(!answer.body.contains("127.0.0.1"), "{}", answer.body);
    server.stop().await;
}
