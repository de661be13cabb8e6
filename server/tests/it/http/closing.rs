//! Closing votes through the running app: the scheduler's `POST /internal/finalize-due`, the
//! in-process ticker, the lazy close by a page view, and a late ballot's refusal.

use std::time::{Duration, Instant};

use app::{
    error::AppError,
    ids::SlotId,
    plans::{NewPlan, PlanForm},
};
use reqwest::StatusCode;
use server::{access::HouseholdAccess, db::Store};

use crate::support::{
    Person, TestApp, TestDatabase, household_with_plan,
    store::{NOW, form, member, save_ballot, user},
};

const SECRET: &str = "a-finalize-secret-for-tests-0123456789";

/// Moves every deadline of the app's database into the past, as time passing would.
async fn make_everything_overdue(store: &Store) {
    sqlx::query("update plans set deadline_at = 1")
        .execute(store.pool())
        .await
        .unwrap();
}

async fn stored_results(store: &Store) -> Vec<(String, String)> {
    sqlx::query_as(r"select slot_id, close_path from slot_results order by slot_id")
        .fetch_all(store.pool())
        .await
        .unwrap()
}

/// Ada and Bob's household with a plan; Bob has voted on its first slot.
async fn plan_with_a_ballot(app: &TestApp) -> (Person, Person, String, String) {
    let (ada, bob, household, plan) = household_with_plan(app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let curry = page.options[1].id.as_str();
    bob.cast_ballot(&household, page.slot_id.as_str(), &[(curry, "1")])
        .await
        .assert_ok();
    (ada, bob, household, plan)
}

#[tokio::test]
async fn finalize_due_does_not_exist_without_a_configured_secret() {
    let app = TestApp::spawn().await;
    assert_eq!(app.finalize_due(None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        app.finalize_due(Some("anything")).await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn finalize_due_closes_due_slots_only_for_the_right_secret_and_a_retry_does_nothing() {
    let app =
        TestApp::spawn_with(TestDatabase::sqlite().await, &[("FINALIZE_SECRET", SECRET)]).await;
    let (ada, _bob, household, plan) = plan_with_a_ballot(&app).await;
    make_everything_overdue(&app.store).await;

    for wrong in [None, Some("wrong"), Some("")] {
        assert_eq!(
            app.finalize_due(wrong).await.status(),
            StatusCode::UNAUTHORIZED,
            "{wrong:?}"
        );
    }
    assert!(
        stored_results(&app.store).await.is_empty(),
        "a refused call closes nothing"
    );

    let answer = app.finalize_due(Some(SECRET)).await;
    assert_eq!(answer.status(), StatusCode::OK);
    let report: serde_json::Value = answer.json().await.unwrap();
    let slots = ada.plan(&household, &plan).await.slots.len();
    assert_eq!(
        report["closed"].as_u64(),
        Some(slots as u64),
        "every slot of the plan"
    );
    assert_eq!(report["remaining"], 0);
    let results = stored_results(&app.store).await;
    assert_eq!(results.len(), slots);
    assert!(results.iter().all(|(_, path)| path == "trigger"));

    let again: serde_json::Value = app.finalize_due(Some(SECRET)).await.json().await.unwrap();
    assert_eq!(
        (again["closed"].as_u64(), again["already_closed"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(stored_results(&app.store).await, results);

    let view = ada.plan(&household, &plan).await;
    assert!(!view.open);
    assert_eq!(view.slots[0].winner.as_deref(), Some("Curry"));
    assert!(view.slots[1].closed && view.slots[1].winner.is_none());
}

#[tokio::test]
async fn a_page_view_closes_an_overdue_plan_and_a_late_ballot_is_refused_clearly() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = plan_with_a_ballot(&app).await;
    make_everything_overdue(&app.store).await;

    let view = ada.plan(&household, &plan).await;
    assert!(!view.open, "reading the plan closed it");
    let results = stored_results(&app.store).await;
    assert_eq!(results.len(), view.slots.len());
    assert!(results.iter().all(|(_, path)| path == "lazy"));

    let page = bob.ballot_page_of_plan(&household, &plan).await;
    assert!(!page.open);
    let soup = page.options[2].id.as_str();
    let late = bob
        .cast_ballot(&household, page.slot_id.as_str(), &[(soup, "1")])
        .await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error(), AppError::VotingClosed);
    assert!(late.error().to_string().contains("has closed"));
    let after = bob.ballot_page_of_plan(&household, &plan).await;
    assert_eq!(after.mine, page.mine, "the saved ballot is unchanged");
}

#[tokio::test]
async fn a_ballot_after_an_early_close_is_refused_before_the_deadline() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = plan_with_a_ballot(&app).await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let pasta = format!("rank-{}", page.options[0].id);
    let fields = [
        ("household_id", household.as_str()),
        ("slot_id", page.slot_id.as_str()),
        (pasta.as_str(), "1"),
    ];
    ada.call("cast_ballot", &fields).await.assert_ok();
    assert_eq!(
        stored_results(&app.store).await,
        [(
            page.slot_id.as_str().to_owned(),
            "everyone_voted".to_owned()
        )]
    );
    let late = bob.call("cast_ballot", &fields).await;
    assert_eq!(late.status, StatusCode::CONFLICT);
    assert_eq!(late.error(), AppError::VotingClosed);
}

#[tokio::test]
async fn the_ticker_closes_due_slots_with_no_request_at_all() {
    let db = TestDatabase::sqlite().await;
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let household = store
        .create_household(
            &ada,
            &app::households::HouseholdName::try_from("Home".to_owned()).unwrap(),
            1,
        )
        .await
        .unwrap();
    let access = store.household_access(&ada, &household).await.unwrap();
    let plan = NewPlan::parse(&form("A\nB"), NOW).unwrap();
    store.create_plan(&access, &plan, NOW).await.unwrap();
    make_everything_overdue(&store).await;

    let app = TestApp::spawn_with(db, &[("TICKER_INTERVAL_SECS", "1")]).await;
    let deadline = Instant::now() + Duration::from_secs(10);
    while stored_results(&app.store).await.len() < 4 {
        assert!(
            Instant::now() < deadline,
            "the ticker closed nothing within 10 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let results = stored_results(&app.store).await;
    assert!(
        results.iter().all(|(_, path)| path == "ticker"),
        "{results:?}"
    );
}

/// How long the scheduler's call takes for 504 due slots with 3 ballots each (printed, not
/// asserted: docs/performance.md records it), on both engines.
async fn finalize_due_timing(db: TestDatabase, engine: &str) {
    let store = db.store().await;
    let ada = user(&store, "Ada").await;
    let (mut slots, mut households): (Vec<(HouseholdAccess, SlotId)>, Vec<HouseholdAccess>) =
        (Vec::new(), Vec::new());
    let started = Instant::now();
    for h in 0..6 {
        let id = store
            .create_household(
                &ada,
                &app::households::HouseholdName::try_from(format!("Home {h}")).unwrap(),
                1,
            )
            .await
            .unwrap();
        let admin = store.household_access(&ada, &id).await.unwrap();
        let mut voters = vec![admin.clone()];
        for name in ["Bob", "Cy", "Dee"] {
            voters.push(member(&store, &admin, &format!("{name} {h}")).await);
        }
        for _ in 0..6 {
            let plan = NewPlan::parse(
                &PlanForm {
                    days: "14".into(),
                    meals: "dinner".into(),
                    ..form("Pasta\nCurry\nSoup\nRice")
                },
                NOW,
            )
            .unwrap();
            let id = store.create_plan(&admin, &plan, NOW).await.unwrap();
            let view = store.plan(&admin, &id, NOW).await.unwrap();
            for slot in view.slots {
                let page = store.ballot_page(&admin, &slot.id, NOW).await.unwrap();
                for (i, voter) in voters.iter().skip(1).enumerate() {
                    let ranking = app::plans::Ranking(vec![
                        vec![page.options[i % 4].id.clone()],
                        vec![page.options[(i + 1) % 4].id.clone()],
                    ]);
                    save_ballot(&store, voter, &slot.id, &ranking, NOW)
                        .await
                        .unwrap();
                }
                slots.push((admin.clone(), slot.id));
            }
        }
        households.push(admin);
    }
    let set_up = started.elapsed();
    assert_eq!(slots.len(), 504);
    drop(store);

    let app = TestApp::spawn_with(db, &[("FINALIZE_SECRET", SECRET)]).await;
    make_everything_overdue(&app.store).await;
    let started = Instant::now();
    let answer = app.finalize_due(Some(SECRET)).await;
    let elapsed = started.elapsed();
    assert_eq!(answer.status(), StatusCode::OK);
    let report: serde_json::Value = answer.json().await.unwrap();
    assert_eq!(report["closed"], 504);
    println!(
        "timing finalize-due ({engine}): 504 due slots × 3 ballots closed in {:.0} ms \
         (server-side {} ms; set-up {:.1} s)",
        elapsed.as_secs_f64() * 1000.0,
        report["elapsed_ms"],
        set_up.as_secs_f64()
    );
    let (_, slot) = &slots[0];
    let outcome = app
        .store
        .slot_outcome(&households[0], slot)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(outcome.ballot_count, 3);
}

// Timing only (they print, assert nothing about time): `scripts/bench` runs them.
#[tokio::test]
#[ignore = "timing: run by scripts/bench"]
async fn timing_finalize_due_of_504_slots_on_sqlite() {
    finalize_due_timing(TestDatabase::sqlite().await, "sqlite").await;
}

#[tokio::test]
#[ignore = "timing: run by scripts/bench"]
async fn timing_finalize_due_of_504_slots_on_postgres() {
    finalize_due_timing(TestDatabase::postgres().await, "postgres").await;
}
