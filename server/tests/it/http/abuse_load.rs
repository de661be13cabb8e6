//! What one free account (or one stranger) can make the server spend, each attack sent and each
//! bound checked: plans made per day and how soon their deadline may be, password hashing on every
//! path, failed sign-ins raced at once, and the calendar feed's conditional answer. Answers that
//! set a cookie and oversized bodies are in `abuse_answers.rs`; connections that never finish
//! their headers in `ops/slow_connections.rs`.

use app::{
    error::{AppError, Field},
    quotas::{MAX_PLANS_PER_DAY, MIN_DEADLINE_LEAD_MINUTES, Quota},
    routes,
};
use reqwest::{StatusCode, header};

use crate::{
    on_both_engines,
    support::{PASSWORD, Person, TestApp, TestDatabase, day_from_now},
};

on_both_engines!(
    plans_past_the_days_bound_are_refused_and_those_made_stay,
    proposals_sent_at_once_cannot_pass_the_days_bound,
);

/// A proposal of two dinners starting in three days, voting until `deadline` (`date`, `HH:MM[:SS]`
/// UTC).
fn proposal<'a>(household: &'a str, deadline: &'a (String, String)) -> Vec<(&'a str, &'a str)> {
    vec![
        ("household_id", household),
        ("title", ""),
        ("first_day", DAY_AFTER_NEXT.as_str()),
        ("days", "2"),
        ("meals", "dinner"),
        ("options", "Pasta\nCurry"),
        ("deadline_date", &deadline.0),
        ("deadline_time", &deadline.1),
        ("utc_offset_minutes", "0"),
    ]
}

static DAY_AFTER_NEXT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| day_from_now(3));

/// Tomorrow at 18:00 UTC: always more than the minimum lead away.
fn tomorrow() -> (String, String) {
    (day_from_now(1), "18:00".to_owned())
}

/// `minutes` from now, in whole seconds, UTC.
fn in_minutes(minutes: i64) -> (String, String) {
    let at = time::OffsetDateTime::now_utc() + time::Duration::minutes(minutes);
    (
        app::plans::day_iso(at.date()),
        format!("{:02}:{:02}:{:02}", at.hour(), at.minute(), at.second()),
    )
}

async fn plan_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("select cast(count(*) as bigint) from plans")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Closes every plan so far (their deadline long past, settled by the next page view), so that
/// only the plans-per-day bound stands in the way, not the bound on open plans.
async fn close_every_plan(app: &TestApp, person: &Person, household: &str) {
    sqlx::query("update plans set deadline_at = 1")
        .execute(app.store.pool())
        .await
        .unwrap();
    person
        .call("list_plans", &[("household_id", household)])
        .await
        .assert_ok();
}

async fn plans_past_the_days_bound_are_refused_and_those_made_stay(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let deadline = tomorrow();
    for made in 0..MAX_PLANS_PER_DAY {
        if made == MAX_PLANS_PER_DAY / 2 {
            close_every_plan(&app, &ada, &household).await;
        }
        ada.call("propose_plan", &proposal(&household, &deadline))
            .await
            .assert_ok();
    }
    close_every_plan(&app, &ada, &household).await;
    let refused = ada
        .call("propose_plan", &proposal(&household, &deadline))
        .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{refused:?}");
    assert_eq!(refused.error(), AppError::Quota(Quota::PlansPerDay));
    assert!(
        refused
            .error()
            .to_string()
            .contains(&format!("{MAX_PLANS_PER_DAY} plans in the last 24 hours")),
        "the message names the bound: {}",
        refused.error()
    );
    assert_eq!(plan_count(&app).await, i64::from(MAX_PLANS_PER_DAY));
    // A plan made more than a day ago no longer counts.
    sqlx::query("update plans set created_at = created_at - 86400001")
        .execute(app.store.pool())
        .await
        .unwrap();
    ada.call("propose_plan", &proposal(&household, &deadline))
        .await
        .assert_ok();
}

async fn proposals_sent_at_once_cannot_pass_the_days_bound(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let deadline = tomorrow();
    for _ in 0..MAX_PLANS_PER_DAY - 2 {
        ada.call("propose_plan", &proposal(&household, &deadline))
            .await
            .assert_ok();
    }
    close_every_plan(&app, &ada, &household).await;
    let fields = proposal(&household, &deadline);
    let burst = (0..8).map(|_| ada.call("propose_plan", &fields));
    let answers = futures_join_all(burst).await;
    let made = answers.iter().filter(|a| a.status.is_success()).count();
    assert_eq!(made, 2, "only the two left in the day's bound: {answers:?}");
    assert!(
        answers
            .iter()
            .filter(|a| !a.status.is_success())
            .all(|a| a.error() == AppError::Quota(Quota::PlansPerDay)),
        "{answers:?}"
    );
    assert_eq!(plan_count(&app).await, i64::from(MAX_PLANS_PER_DAY));
}

/// Runs the futures concurrently on this task and returns their outputs in order.
async fn futures_join_all<F: std::future::Future>(
    futures: impl Iterator<Item = F>,
) -> Vec<F::Output> {
    let mut pinned: Vec<_> = futures.map(Box::pin).collect();
    let mut outputs: Vec<Option<F::Output>> = pinned.iter().map(|_| None).collect();
    std::future::poll_fn(|cx| {
        let mut pending = false;
        for (future, output) in pinned.iter_mut().zip(outputs.iter_mut()) {
            if output.is_none() {
                match future.as_mut().poll(cx) {
                    std::task::Poll::Ready(value) => *output = Some(value),
                    std::task::Poll::Pending => pending = true,
                }
            }
        }
        if pending {
            std::task::Poll::Pending
        } else {
            std::task::Poll::Ready(())
        }
    })
    .await;
    outputs.into_iter().map(Option::unwrap).collect()
}

const SECRET: &str = "abuse-load-finalize-secret-0123456789";

#[tokio::test]
async fn a_deadline_closer_than_the_minimum_lead_is_refused_unless_the_operator_asks() {
    let app =
        TestApp::spawn_with(TestDatabase::sqlite().await, &[("FINALIZE_SECRET", SECRET)]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let close = in_minutes(i64::from(MIN_DEADLINE_LEAD_MINUTES) - 1);
    let refused = ada
        .call("propose_plan", &proposal(&household, &close))
        .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{refused:?}");
    assert_eq!(
        refused.error().for_field(Field::DeadlineTime).as_deref(),
        Some(
            format!(
                "Give people time to vote: the deadline must be at least \
                 {MIN_DEADLINE_LEAD_MINUTES} minutes after the plan is proposed."
            )
            .as_str()
        )
    );
    assert_eq!(plan_count(&app).await, 0, "nothing was stored");
    let seconds_away = in_minutes(1);
    let wrong_secret = ada
        .call_with_header(
            "propose_plan",
            &proposal(&household, &seconds_away),
            ("x-finalize-secret", "not-the-secret-0123456789012345678901"),
        )
        .await;
    assert_eq!(wrong_secret.status, StatusCode::BAD_REQUEST);
    // The operator's prober watches a plan close seconds after proposing it.
    ada.call_with_header(
        "propose_plan",
        &proposal(&household, &seconds_away),
        ("x-finalize-secret", SECRET),
    )
    .await
    .assert_ok();
    let far_enough = in_minutes(i64::from(MIN_DEADLINE_LEAD_MINUTES) + 1);
    ada.call("propose_plan", &proposal(&household, &far_enough))
        .await
        .assert_ok();
}

/// Behind a proxy, so that each request can come from the address its `X-Forwarded-For` names.
async fn behind_proxy() -> TestApp {
    TestApp::spawn_with(TestDatabase::sqlite().await, &[("BEHIND_PROXY", "true")]).await
}

const ATTACKER: &str = "203.0.113.7";
const NEIGHBOUR: &str = "198.51.100.9";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_correct_password_changes_is_metered_and_others_still_sign_in() {
    let app = behind_proxy().await;
    let mallory = app.signed_up("Mallory").await;
    let ada = app.signed_up("Ada").await;
    ada.sign_out().await.assert_ok();
    let fields = [("current_password", PASSWORD), ("new_password", PASSWORD)];
    // One after another (each change starts this session anew), as fast as they are answered.
    for change in 0..20 {
        let answer = mallory
            .call_with_header("change_password", &fields, ("x-forwarded-for", ATTACKER))
            .await;
        assert!(answer.status.is_success(), "change {change}: {answer:?}");
    }
    let burst = (0..4).map(|_| {
        mallory.call_with_header("change_password", &fields, ("x-forwarded-for", ATTACKER))
    });
    let sign_in = [("email", ada.email.as_str()), ("password", PASSWORD)];
    let (limited, neighbour) = tokio::join!(
        futures_join_all(burst),
        ada.call_with_header("sign_in", &sign_in, ("x-forwarded-for", NEIGHBOUR))
    );
    assert!(
        limited
            .iter()
            .all(|a| a.status == StatusCode::TOO_MANY_REQUESTS
                && matches!(
                    a.error(),
                    AppError::RateLimited { retry_after_minutes } if retry_after_minutes >= 1
                )),
        "past the bound every change is refused before hashing: {limited:?}"
    );
    assert!(
        limited[0]
            .error()
            .to_string()
            .starts_with("Too many attempts."),
        "a clear message: {}",
        limited[0].error()
    );
    assert!(
        neighbour.status.is_success(),
        "someone else's sign-in from their own address is not refused: {neighbour:?}"
    );
    // The account's own budget holds from any address.
    let elsewhere = mallory
        .call_with_header("change_password", &fields, ("x-forwarded-for", NEIGHBOUR))
        .await;
    assert_eq!(
        elsewhere.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{elsewhere:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_wrong_passwords_at_once_reach_the_password_check_at_most_five_times() {
    let app = behind_proxy().await;
    let ada = app.signed_up("Ada").await;
    let guesser = app.person("Mallory");
    let fields = [
        ("email", ada.email.as_str()),
        ("password", "a wrong password 123"),
    ];
    let burst = (0..20)
        .map(|_| guesser.call_with_header("sign_in", &fields, ("x-forwarded-for", ATTACKER)));
    let answers = futures_join_all(burst).await;
    let checked = answers
        .iter()
        .filter(|a| a.status == StatusCode::UNAUTHORIZED)
        .count();
    assert!(
        checked <= 5,
        "{checked} wrong passwords were checked: {answers:?}"
    );
    assert!(
        answers.iter().all(|a| [
            StatusCode::UNAUTHORIZED,
            StatusCode::TOO_MANY_REQUESTS,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(&a.status)),
        "{answers:?}"
    );
    // The owner, on their own network, still signs in; and a right password gives its
    // reservation back, so the guesser's failures are what counted.
    let owner = ada
        .call_with_header(
            "sign_in",
            &[("email", &ada.email), ("password", PASSWORD)],
            ("x-forwarded-for", NEIGHBOUR),
        )
        .await;
    owner.assert_ok();
}

#[tokio::test]
async fn the_calendar_feed_answers_304_to_a_calendar_that_has_it() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    ada.call("propose_plan", &proposal(&household, &tomorrow()))
        .await
        .assert_ok();
    ada.call("create_calendar_feed", &[]).await.assert_ok();
    let token = ada
        .take_new_secret("calendar_token", None)
        .await
        .expect("the new link's token is waiting to be shown");
    let path = routes::calendar_feed(&token);
    let first = app.get(&path).await;
    assert_eq!(first.status(), StatusCode::OK);
    let etag = first
        .headers()
        .get(header::ETAG)
        .cloned()
        .expect("the feed carries an entity tag");
    let again = app
        .client
        .get(app.url(&path))
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), StatusCode::NOT_MODIFIED);
    assert_eq!(again.headers().get(header::ETAG), Some(&etag));
    assert!(again.text().await.unwrap().is_empty());
    // A change to what the feed lists is a new tag, sent whole.
    ada.call("propose_plan", &proposal(&household, &tomorrow()))
        .await
        .assert_ok();
    let changed = app
        .client
        .get(app.url(&path))
        .header(header::IF_NONE_MATCH, etag.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_ne!(changed.headers().get(header::ETAG), Some(&etag));
}
