//! The calendar feed of a household filled to its bounds, timed (`scripts/bench` runs it in
//! release; left out of `scripts/test`): its latency alone, and `/healthz`'s while three members'
//! feeds are requested at once. Prints the figures; asserts only that every answer is right.

use std::time::{Duration, Instant};

use app::{
    ids::HouseholdId,
    plans::{NewPlan, PlanForm},
    quotas::{MAX_OPEN_PLANS, MAX_PLANS_PER_DAY},
    routes,
};
use server::{access::HouseholdAccess, calendar::MAX_FEED_SLOTS, db::Store};

use crate::support::{Person, TestApp, TestDatabase, day_from_now};

const DAY_MS: i64 = 86_400_000;
/// Plans in the feed's window: more than its slot bound holds (40 × 28 = 1,120 > 1,000).
const PLANS: u32 = 40;

fn form(first_day: &str) -> PlanForm {
    let options: Vec<String> = (1..=20).map(|n| format!("Dish number {n}")).collect();
    PlanForm {
        title: String::new(),
        first_day: first_day.to_owned(),
        days: "14".into(),
        meals: "lunch, dinner".into(),
        options: options.join("\n"),
        deadline_date: day_from_now(1),
        deadline_time: "12:00".into(),
        utc_offset_minutes: "0".into(),
        allow_repeats: String::new(),
    }
}

/// Proposes [`PLANS`] plans of 28 meals with 20 options each, as the bounds allow: at most
/// [`MAX_PLANS_PER_DAY`] a day (made on earlier days, oldest first), each batch closed before the
/// next so that the bound on open plans never stops it.
async fn fill(store: &Store, access: &HouseholdAccess) {
    let now = server::clock::now_ms();
    let batches = PLANS.div_ceil(MAX_PLANS_PER_DAY);
    let mut made = 0;
    for batch in (0..batches).rev() {
        let created = now - i64::from(batch) * DAY_MS;
        for _ in 0..MAX_PLANS_PER_DAY.min(MAX_OPEN_PLANS).min(PLANS - made) {
            let first_day = day_from_now(2 + i64::from(made % 30));
            let plan = NewPlan::parse(&form(&first_day), now).expect("a valid proposal");
            store
                .create_plan(access, &plan, created)
                .await
                .expect("within the bounds");
            made += 1;
        }
        sqlx::query("update plans set deadline_at = 1 where household_id = $1")
            .bind(access.household_id().as_str())
            .execute(store.pool())
            .await
            .unwrap();
        store.settle_household(access, now).await.unwrap();
    }
}

async fn feed_token(person: &Person) -> String {
    person.call("create_calendar_feed", &[]).await.assert_ok();
    person
        .take_new_secret("calendar_token", None)
        .await
        .expect("the new link's token")
}

async fn fetch(client: reqwest::Client, url: String) -> Duration {
    let started = Instant::now();
    let response = client.get(url).send().await.expect("answered");
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    let body = response.text().await.unwrap();
    assert_eq!(
        body.matches("BEGIN:VEVENT").count(),
        MAX_FEED_SLOTS,
        "the whole feed, to its bound"
    );
    started.elapsed()
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

async fn feed_timing(db: TestDatabase, engine: &str) {
    let app = TestApp::spawn_with(db, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let cat = app.joined(&ada, &household, "Cat").await;
    let access = app
        .store
        .household_access(
            &ada.viewer().await.user_id,
            &HouseholdId::from_stored(household.clone()),
        )
        .await
        .unwrap();
    fill(&app.store, &access).await;
    let mut tokens = Vec::new();
    for person in [&ada, &bob, &cat] {
        tokens.push(feed_token(person).await);
    }
    let url = |token: &str| app.url(&routes::calendar_feed(token));
    let mut alone = Vec::new();
    for _ in 0..5 {
        alone.push(fetch(app.client.clone(), url(&tokens[0])).await);
    }
    alone.sort();
    let feeds: Vec<_> = tokens
        .iter()
        .map(|token| tokio::spawn(fetch(app.client.clone(), url(token))))
        .collect();
    let mut health = Duration::ZERO;
    while !feeds.iter().all(tokio::task::JoinHandle::is_finished) {
        let started = Instant::now();
        assert!(app.get("/healthz").await.status().is_success());
        health = health.max(started.elapsed());
    }
    let mut together = Duration::ZERO;
    for feed in feeds {
        together = together.max(feed.await.unwrap());
    }
    println!(
        "timing calendar feed ({engine}): {PLANS} plans, {MAX_FEED_SLOTS} slots × 20 options; feed alone \
         p50 {:.0} ms (max {:.0} ms); three at once {:.0} ms; /healthz meanwhile max {:.1} ms",
        ms(alone[alone.len() / 2]),
        ms(alone[alone.len() - 1]),
        ms(together),
        ms(health)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: run by scripts/bench"]
async fn timing_calendar_feed_at_the_bound_on_sqlite() {
    feed_timing(TestDatabase::sqlite().await, "sqlite").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "timing: run by scripts/bench"]
async fn timing_calendar_feed_at_the_bound_on_postgres() {
    feed_timing(TestDatabase::postgres().await, "postgres").await;
}
