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

/// Runs `mealvote migrate` on `db` with IAM authentication and the fake credentials, plus `env`;
/// asserts it succeeded and returns everything it printed.
fn migrate_with_iam(db: &TestDatabase, env: &[(&str, &str)]) -> String {
    let output = Command::new(mealvote_bin())
        .arg("migrate")
        .env_clear()
        .env("DATABASE_URL", &db.url)
        .env("DATABASE_IAM_AUTH", "true")
        .envs(AWS.iter().copied())
        .envs(env.iter().copied())
        .output()
        .expect("run mealvote migrate");
    let everything = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{everything}");
    everything
}

#[tokio::test]
async fn migrate_signs_a_token_and_never_logs_it_or_the_keys() {
    let db = TestDatabase::postgres().await;
    let everything = migrate_with_iam(&db, &[("RUST_LOG", "debug")]);
    assert!(
        everything.contains("signed a database token"),
        "{everything}"
    );
    for secret in ["X-Amz-Signature", "wJalrXUtnFEMI", "session-token-example"] {
        assert!(!everything.contains(secret), "{secret} in {everything}");
    }
    let store = server::db::Store::connect(&db.config()).await.unwrap();
    let applied: i64 = sqlx::query_scalar("select cast(count(*) as bigint) from _sqlx_migrations")
        .fetch_one(store.pool())
        .await
        .unwrap();
    let shipped = i64::try_from(server::db::MIGRATOR.migrations.len()).unwrap();
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

/// The deploy step's one-time `rds_iam` grant: with a bootstrap password, `mealvote migrate`
/// connects once with it, grants `rds_iam` when the server has that role (RDS and Aurora do; a
/// plain PostgreSQL does not, and the step then carries on), and migrates over IAM tokens. The
/// password never reaches the output.
#[tokio::test]
async fn migrate_grants_rds_iam_once_with_the_bootstrap_password() {
    const PASSWORD: &str = "bootstrap-password-0123456789abcdefXYZ";
    let db = TestDatabase::postgres().await;
    let migrate = || {
        let everything = migrate_with_iam(
            &db,
            &[
                ("DATABASE_BOOTSTRAP_PASSWORD", PASSWORD),
                ("RUST_LOG", "info"),
            ],
        );
        assert!(
            !everything.contains(PASSWORD),
            "the password in {everything}"
        );
        everything
    };
    let admin = server::db::Store::connect(&db.config()).await.unwrap();
    let role_exists = || async {
        sqlx::query_scalar::<_, i64>(
            "select cast(count(*) as bigint) from pg_roles where rolname = 'rds_iam'",
        )
        .fetch_one(admin.pool())
        .await
        .unwrap()
            == 1
    };
    // This machine's PostgreSQL has no rds_iam role unless a test made one: then it is not ours
    // to create or drop, and only the grant half below is checked.
    let ours = !role_exists().await;
    if ours {
        let first = migrate();
        assert!(first.contains("no rds_iam role"), "{first}");
        sqlx::query("create role rds_iam")
            .execute(admin.pool())
            .await
            .unwrap();
    }
    let second = migrate();
    let granted: i64 = sqlx::query_scalar(
        "select cast(count(*) as bigint) from pg_auth_members m \
         join pg_roles r on r.oid = m.roleid where r.rolname = 'rds_iam' \
         and m.member = (select oid from pg_roles where rolname = current_user)",
    )
    .fetch_one(admin.pool())
    .await
    .unwrap();
    if ours {
        sqlx::query("revoke rds_iam from current_user")
            .execute(admin.pool())
            .await
            .unwrap();
        sqlx::query("drop role rds_iam")
            .execute(admin.pool())
            .await
            .unwrap();
    }
    assert!(second.contains("granted rds_iam"), "{second}");
    assert_eq!(granted, 1, "the user holds rds_iam after the bootstrap");
}
