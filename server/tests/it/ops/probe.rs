//! `mealvote probe`, the real binary, against a freshly started server on each engine: closing
//! the deadline slot through the trigger (with the finalize secret, reusing its accounts) and
//! lazily (without, with fresh accounts); and how it fails.

use std::{process::Output, time::Duration};

use sqlx::Row;

use crate::support::{TestApp, TestDatabase, mealvote_bin};

const SECRET: &str = "probe-test-finalize-secret-0123456789";

/// Runs `mealvote probe --base-url <app> ARGS`, with `FINALIZE_SECRET` only as given.
async fn probe(base_url: &str, args: &[&str], env_secret: Option<&str>) -> Output {
    let mut command = tokio::process::Command::new(mealvote_bin());
    command
        .args(["probe", "--base-url", base_url])
        .args(args)
        .env_remove("FINALIZE_SECRET")
        .kill_on_drop(true);
    if let Some(secret) = env_secret {
        command.env("FINALIZE_SECRET", secret);
    }
    tokio::time::timeout(Duration::from_secs(240), command.output())
        .await
        .expect("the probe ends within its own timeout")
        .expect("run mealvote probe")
}

fn text(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

fn assert_passed(output: &Output) -> String {
    let (stdout, stderr) = text(output);
    // Shown when a later assertion fails (or with --nocapture).
    println!("{stdout}");
    assert_eq!(
        output.status.code(),
        Some(0),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    assert!(stdout.contains("mealvote probe: passed in"), "{stdout}");
    assert!(!stdout.contains(SECRET) && !stderr.contains(SECRET));
    stdout
}

/// One stored result per slot of the probe's plan: (meal, close path, ballots, winning dish,
/// closed at the deadline).
async fn results(app: &TestApp) -> Vec<(String, String, i64, Option<String>, bool)> {
    let rows = sqlx::query(
        r"select s.meal, r.close_path, r.ballot_count, d.name,
                 cast(case when r.closed_at = p.deadline_at then 1 else 0 end as bigint) as at_deadline,
                 (select cast(count(*) as bigint) from slot_results x where x.slot_id = s.id) as stored
          from slots s
          join plans p on p.id = s.plan_id
          join slot_results r on r.slot_id = s.id
          left join slot_options o on o.id = r.winner_option_id
          left join dishes d on d.id = o.dish_id
          order by s.position",
    )
    .fetch_all(app.store.pool())
    .await
    .expect("results");
    rows.iter()
        .map(|row| {
            assert_eq!(
                row.get::<i64, _>("stored"),
                1,
                "exactly one result per slot"
            );
            (
                row.get("meal"),
                row.get("close_path"),
                row.get("ballot_count"),
                row.get("name"),
                row.get::<i64, _>("at_deadline") == 1,
            )
        })
        .collect()
}

fn expected(dinner_path: &str) -> Vec<(String, String, i64, Option<String>, bool)> {
    vec![
        (
            "lunch".into(),
            "everyone_voted".into(),
            4,
            Some("Probe curry".into()),
            false,
        ),
        (
            "dinner".into(),
            dinner_path.into(),
            3,
            Some("Probe pasta".into()),
            true,
        ),
    ]
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(app.store.pool())
        .await
        .expect("count")
}

/// With the secret: the deadline slot closes through the trigger, and a second run signs in to
/// the same four accounts, removes the first run's household and leaves nothing behind.
async fn through_the_trigger_with_reused_accounts(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[("FINALIZE_SECRET", SECRET)]).await;
    let first = probe(&app.url(""), &["--keep", "--timeout", "120"], Some(SECRET)).await;
    let stdout = assert_passed(&first);
    assert!(stdout.contains("signed up (new account, reused from now on)"));
    assert!(stdout.contains("closed 1 due slot(s)"), "{stdout}");
    assert_eq!(results(&app).await, expected("trigger"));
    let probe_users =
        "select cast(count(*) as bigint) from users where email like '%@probe.mealvote.invalid'";
    assert_eq!(count(&app, probe_users).await, 4);

    let second = probe(
        &app.url(""),
        &["--finalize-secret", SECRET, "--timeout", "120"],
        None,
    )
    .await;
    let stdout = assert_passed(&second);
    assert_eq!(stdout.matches("signed in (reused account)").count(), 4);
    assert!(stdout.contains("remove what earlier runs left: 1 household(s) removed"));
    assert!(stdout.contains("everyone left; 1 household(s) deleted"));
    assert_eq!(
        count(&app, "select cast(count(*) as bigint) from users").await,
        4
    );
    assert_eq!(
        count(&app, "select cast(count(*) as bigint) from households").await,
        0
    );
    assert_eq!(
        count(&app, "select cast(count(*) as bigint) from slot_results").await,
        0
    );
    assert_eq!(
        count(&app, "select cast(count(*) as bigint) from sessions").await,
        0,
        "every probe session ended"
    );
}

/// Without the secret: the deadline slot closes when the prober reads the plan. Without the
/// secret the prober is not exempt from the minimum deadline lead: this server's is 8 s (a local
/// run's choice, `MIN_DEADLINE_LEAD_SECS`), longer than the prober's own 5 s, and
/// `--deadline-lead` keeps the plan beyond it, as Lambda's deploy step does with 15 minutes.
async fn lazily_with_fresh_accounts(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[("MIN_DEADLINE_LEAD_SECS", "8")]).await;
    let args = ["--keep", "--timeout", "120", "--deadline-lead", "9"];
    let output = probe(&app.url(""), &args, None).await;
    let stdout = assert_passed(&output);
    let lead: f64 = stdout
        .split(" s ahead;")
        .next()
        .and_then(|before| before.rsplit('(').next())
        .and_then(|seconds| seconds.parse().ok())
        .unwrap_or_else(|| panic!("no deadline lead in {stdout}"));
    assert!(lead >= 9.0, "the deadline was {lead} s ahead: {stdout}");
    assert_eq!(
        stdout
            .matches("signed up (new account for this run)")
            .count(),
        4
    );
    assert!(
        stdout.contains("closed lazily, on reading the plan"),
        "{stdout}"
    );
    assert_eq!(results(&app).await, expected("lazy"));
}

crate::on_both_engines!(
    through_the_trigger_with_reused_accounts,
    lazily_with_fresh_accounts
);

#[tokio::test]
async fn a_wrong_secret_fails_at_the_trigger_with_one_line_that_hides_it() {
    // The minimum deadline lead lowered: a wrong secret does not exempt the proposal from it,
    // and this test is about the trigger.
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("FINALIZE_SECRET", SECRET), ("MIN_DEADLINE_LEAD_SECS", "0")],
    )
    .await;
    let wrong = "not-the-secret-4242";
    let output = probe(&app.url(""), &["--timeout", "120"], Some(wrong)).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    assert!(
        lines[0].starts_with("mealvote probe: FAILED at \u{201c}POST /internal/finalize-due\u{201d}: expected 200, found HTTP 401"),
        "{stderr}"
    );
    assert!(lines[0].contains("--finalize-secret"), "{stderr}");
    for output in [&stdout, &stderr] {
        assert!(!output.contains(wrong) && !output.contains(SECRET));
    }
    // Even a failed run removes its household.
    assert!(
        stdout.contains("everyone left; 1 household(s) deleted"),
        "{stdout}"
    );
    assert_eq!(
        count(&app, "select cast(count(*) as bigint) from households").await,
        0
    );
}

#[tokio::test]
async fn a_run_longer_than_its_timeout_fails_naming_the_step_under_way() {
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("MIN_DEADLINE_LEAD_SECS", "0")],
    )
    .await;
    // The deadline alone is 5 s away.
    let output = probe(&app.url(""), &["--timeout", "1"], None).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.starts_with("mealvote probe: FAILED at \u{201c}")
            && stderr.contains("\u{201d}: expected to finish within --timeout 1 s"),
        "{stderr}"
    );
}

#[tokio::test]
async fn an_unreachable_site_fails_at_the_health_check() {
    // Port 1 on the loopback: nothing listens there.
    let output = probe("http://127.0.0.1:1", &["--timeout", "20"], None).await;
    let (stdout, stderr) = text(&output);
    assert_eq!(output.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(
        stderr.starts_with(
            "mealvote probe: FAILED at \u{201c}health check\u{201d}: /healthz: no answer"
        ),
        "{stderr}"
    );
}

#[tokio::test]
async fn bad_arguments_exit_with_status_2() {
    for args in [
        vec!["probe"],
        vec!["probe", "--base-url", "mealvote.example.com"],
        vec!["probe", "--base-url", "https://mealvote.example.com/app"],
        vec![
            "probe",
            "--base-url",
            "https://mealvote.example.com",
            "--timeout",
            "0",
        ],
    ] {
        let output = tokio::process::Command::new(mealvote_bin())
            .args(&args)
            .output()
            .await
            .expect("run mealvote");
        assert_eq!(output.status.code(), Some(2), "{args:?}");
    }
}
