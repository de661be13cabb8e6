//! `DATABASE_IAM_AUTH=true` end to end, as far as a machine without AWS goes: the deploy step
//! (`mealvote migrate`) and `serve` sign a token from the environment's credentials and connect
//! with it. The local PostgreSQL trusts every local connection, so this proves the wiring (a
//! token is signed and the pool connects with it), not that RDS accepts the token: the token's
//! format is checked against the AWS SDK's own vector in `server/src/store/iam.rs`.

use std::process::Command;

use crate::support::{TestDatabase, mealvote_bin};

/// Fixed, fake credentials for the default chain's environment provider: no network call (the
/// instance metadata service is switched off, so nothing leaves loopback).
const AWS: &[(&str, &str)] = &[
    ("AWS_EC2_METADATA_DISABLED", "true"),
    ("AWS_REGION", "eu-west-1"),
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    (
        "AWS_SECRET_ACCESS_KEY",
        "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
    ),
    ("AWS_SESSION_TOKEN", "session-token-example"),
];

#[tokio::test]
async fn migrate_signs_a_token_and_never_logs_it_or_the_keys() {
    let db = TestDatabase::postgres().await;
    let output = Command::new(mealvote_bin())
        .arg("migrate")
        .env_clear()
        .env("DATABASE_URL", &db.url)
        .env("DATABASE_IAM_AUTH", "true")
        .env("RUST_LOG", "debug")
        .envs(AWS.iter().copied())
        .output()
        .expect("run mealvote migrate");
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{everything}");
    assert!(
        everything.contains("signed a database token"),
        "{everything}"
    );
    for secret in ["X-Amz-Signature", "wJalrXUtnFEMI", "session-token-example"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
    let store = server::store::Store::connect(&db.config()).await.unwrap();
    let applied: i64 = sqlx::query_scalar("select cast(count(*) as bigint) from _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let shipped = i64::try_from(server::store::MIGRATOR.migrations.len()).unwrap();
    assert_eq!(applied, shipped);
}

#[test]
fn without_a_region_the_failure_names_it() {
    let output = Command::new(mealvote_bin())
        .arg("migrate")
        .env_clear()
        .env("DATABASE_URL", "postgres://mealvote@127.0.0.1:1/meals")
        .env("DATABASE_IAM_AUTH", "true")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI-K7MDENG-bPxRfiCYEXAMPLEKEY",
        )
        .output()
        .expect("run mealvote migrate");
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("AWS_REGION"), "{stderr}");
}
