//! The storage conformance suite: every test runs on SQLite and on PostgreSQL.

use server::db::Store;
use sqlx::migrate::Migrator;

use crate::support::{TestDatabase, store::row_count};

crate::on_both_engines!(
    migrations_create_the_schema_and_can_run_again,
    the_store_answers_a_ping,
    foreign_keys_are_enforced,
    a_failing_migration_leaves_nothing_half_applied,
    every_instance_hashes_rate_limit_keys_under_the_same_stored_secret,
);

async fn migrations_create_the_schema_and_can_run_again(db: TestDatabase) {
    let store = db.store().await;
    store
        .migrate()
        .await
        .expect("a second run applies nothing and succeeds");
    for table in [
        "users",
        "sessions",
        "households",
        "memberships",
        "invites",
        "rate_limits",
        "dishes",
        "plans",
        "plan_deadline_changes",
        "plan_voters",
        "slots",
        "slot_options",
        "ballots",
        "slot_results",
        "outbox",
        "webhooks",
        "webhook_deliveries",
        "calendar_feeds",
        "removals",
        "server_keys",
    ] {
        let count = row_count(&store, table)
            .await
            .unwrap_or_else(|e| panic!("table {table} is missing: {e}"));
        assert_eq!(count, 0, "{table} starts empty");
    }
}

async fn every_instance_hashes_rate_limit_keys_under_the_same_stored_secret(db: TestDatabase) {
    let first = db.store().await;
    let second = db.store().await;
    let (a, b) = tokio::join!(first.rate_limit_key(), second.rate_limit_key());
    let (a, b) = (a.unwrap().to_owned(), b.unwrap().to_owned());
    assert_eq!(a, b, "two instances racing agree on one key");
    assert_eq!(a.len(), 64, "32 random bytes in hex");
    assert_eq!(db.store().await.rate_limit_key().await.unwrap(), a, "kept");
}

async fn the_store_answers_a_ping(db: TestDatabase) {
    db.store().await.ping().await.expect("ping");
}

async fn foreign_keys_are_enforced(db: TestDatabase) {
    let store = db.store().await;
    let result = sqlx::query(
        "insert into memberships (household_id, user_id, role, joined_at) values ($1, $2, 'admin', 0)",
    )
    .bind("no-such-household")
    .bind("no-such-user")
    .execute(store_pool(&store))
    .await;
    assert!(
        result.is_err(),
        "a membership of nobody in nothing must be refused"
    );
}

async fn a_failing_migration_leaves_nothing_half_applied(db: TestDatabase) {
    let store = db.store().await;
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("9000_broken.sql"),
        "create table half_done (id text primary key);\ninsert into no_such_table values (1);\n",
    )
    .unwrap();
    let broken = Migrator::new(dir.path()).await.unwrap();
    assert!(broken.run(store_pool(&store)).await.is_err());
    let leftover = sqlx::query("select id from half_done")
        .fetch_all(store_pool(&store))
        .await;
    assert!(
        leftover.is_err(),
        "the failed migration's table must be rolled back"
    );
}

fn store_pool(store: &Store) -> &sqlx::AnyPool {
    store.pool()
}

#[tokio::test]
async fn sqlite_runs_in_wal_mode_with_foreign_keys_on() {
    let db = TestDatabase::sqlite().await;
    let store = db.store().await;
    let mode: String = sqlx::query_scalar("pragma journal_mode")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let foreign_keys: i64 = sqlx::query_scalar("pragma foreign_keys")
        .fetch_one(store.pool())
        .await
        .unwrap();
    assert_eq!(foreign_keys, 1);
}
