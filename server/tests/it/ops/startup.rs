//! Start-up failures: the process exits non-zero with one line that names the problem.

use std::process::{Command, Output};

use crate::support::{TestDatabase, mealvote_bin};

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(mealvote_bin());
    command.args(args).env_clear().env("PORT", "0");
    for (name, value) in env {
        command.env(name, value);
    }
    command.output().expect("run mealvote")
}

fn stderr_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|line| line.starts_with("error:"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn a_malformed_database_url_stops_start_up_with_one_clear_line() {
    let output = run(&["serve"], &[("DATABASE_URL", "mysql://localhost/meals")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&output),
        [
            "error: invalid configuration: DATABASE_URL: unsupported scheme \"mysql\": use sqlite: or postgres:"
        ]
    );
}

#[test]
fn an_unsupported_otlp_protocol_stops_start_up_naming_the_variable() {
    let output = run(&["serve"], &[("OTEL_EXPORTER_OTLP_PROTOCOL", "http/json")]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr_lines(&output),
        [
            "error: invalid configuration: OTEL_EXPORTER_OTLP_PROTOCOL: \"http/json\" is not \
             supported: use grpc or http/protobuf"
        ]
    );
}

/// `serve` keeps running and waits for the database (see `waking.rs`); `migrate` gives up.
#[test]
fn an_unreachable_database_is_named_without_its_password() {
    let output = run(
        &["migrate"],
        &[("DATABASE_URL", "postgres://app:s3cret-pw@127.0.0.1:1/meals")],
    );
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].starts_with(
            "error: cannot connect to the database at postgres://app:***@127.0.0.1:1/meals"
        ),
        "{lines:?}"
    );
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!everything.contains("s3cret-pw"));
}

#[tokio::test]
async fn a_database_whose_migrations_were_tampered_with_is_refused() {
    let db = TestDatabase::sqlite().await;
    let store = db.store().await;
    sqlx::query("update _sqlx_migrations set checksum = $1")
        .bind(vec![0_u8; 48])
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let output = run(&["serve"], &[("DATABASE_URL", &db.url)]);
    assert_eq!(output.status.code(), Some(1));
    let lines = stderr_lines(&output);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].contains("database migration failed"), "{lines:?}");
}

#[tokio::test]
async fn migrate_applies_the_schema_and_exits() {
    let db = TestDatabase::postgres().await;
    let output = run(&["migrate"], &[("DATABASE_URL", &db.url)]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let store = server::db::Store::connect(&db.config()).await.unwrap();
    let applied: i64 = sqlx::query_scalar("select cast(count(*) as bigint) from _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let shipped = i64::try_from(server::db::MIGRATOR.migrations.len()).unwrap();
    assert_eq!(applied, shipped, "every embedded migration is applied");
}
