//! A meal's cook and the evening-before reminder in the store, on both engines: two sweeps at
//! once (two store handles, as two server instances) remind the cook exactly once; a meal closed
//! without a winner, or not yet decided, is not reminded; nothing before 18:00 the evening
//! before, nothing once the meal's day has begun; a cook who takes over after the reminder is
//! reminded in their turn.

use app::{
    cooks::{CookChange, CookProblem},
    plans::{NewPlan, PlanForm},
};
use server::{
    access::HouseholdAccess,
    closing::ClosePath,
    db::{Store, StoreError},
};

use crate::support::{
    TestDatabase,
    store::{HOUR, NOW, form, home, member, propose, row_count, vote},
};

crate::on_both_engines!(
    two_sweeps_at_once_remind_the_cook_once_from_six_the_evening_before,
    a_meal_closed_without_a_winner_is_not_reminded,
    a_meal_decided_after_six_is_reminded_once_decided_until_midnight,
    the_cook_changes_by_the_rules_and_only_members_cook,
    a_cook_chosen_after_the_reminder_is_reminded_too,
);

/// 2026-11-23T18:00:00Z: the evening before the plan's first day (its offset is UTC).
const EVENING: i64 = NOW + 30 * HOUR;

/// The member's cook reminders, in words, with their links.
async fn reminders(store: &Store, access: &HouseholdAccess) -> Vec<(String, Option<String>)> {
    store
        .notifications(access)
        .await
        .unwrap()
        .into_iter()
        .filter(|n| n.text.starts_with("Tomorrow you're cooking"))
        .map(|n| (n.text, n.href))
        .collect()
}

async fn two_sweeps_at_once_remind_the_cook_once_from_six_the_evening_before(db: TestDatabase) {
    let store = db.store().await;
    let other_instance = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose(&store, &ada, "Curry\nSoup").await;
    store
        .set_cook(&bob, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(page.cook.text(), "Bob cooks");
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    assert!(
        vote(&store, &bob, &slot, &page, 0, NOW + 2).await.is_some(),
        "everyone voted: Curry won"
    );

    let early = store.remind_cooks(EVENING - 1, 100).await.unwrap();
    assert_eq!(early.reminded, 0, "not before 18:00 the evening before");
    let (a, b) = tokio::join!(
        store.remind_cooks(EVENING + 1, 100),
        other_instance.remind_cooks(EVENING + 1, 100),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.reminded + b.reminded, 1, "{a:?} {b:?}");
    assert_eq!(row_count(&store, "cook_reminders").await.unwrap(), 1);
    assert_eq!(
        reminders(&store, &bob).await,
        [(
            "Tomorrow you're cooking Curry for 2 (Tue 24 Nov · lunch)".to_owned(),
            Some(app::routes::plan(ada.household_id(), &page.plan_id)),
        )],
        "Curry has no recipe: the reminder links to the plan"
    );
    assert!(
        reminders(&store, &ada).await.is_empty(),
        "for the cook alone"
    );
    let later = store.remind_cooks(EVENING + 2 * HOUR, 100).await.unwrap();
    assert_eq!(later.reminded, 0, "once per meal");
    assert_eq!(reminders(&store, &bob).await.len(), 1);
}

async fn a_meal_closed_without_a_winner_is_not_reminded(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (_, slot) = propose(&store, &ada, "Curry\nSoup").await;
    store
        .set_cook(&ada, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    let closed = store
        .finalize_due(ClosePath::Ticker, EVENING, 100)
        .await
        .unwrap();
    assert!(closed.closed >= 1, "{closed:?}");
    let report = store.remind_cooks(EVENING + 1, 100).await.unwrap();
    assert_eq!(report.reminded, 0);
    assert_eq!(row_count(&store, "cook_reminders").await.unwrap(), 0);
    assert!(reminders(&store, &ada).await.is_empty());
}

async fn a_meal_decided_after_six_is_reminded_once_decided_until_midnight(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    // Voting closes at 23:00 the evening before the first day.
    let late = PlanForm {
        deadline_time: "23:00".into(),
        ..form("Curry\nSoup")
    };
    let plan = store
        .create_plan(&ada, &NewPlan::parse(&late, NOW).unwrap(), NOW)
        .await
        .unwrap();
    let view = store.plan(&ada, &plan, NOW).await.unwrap();
    let (lunch, dinner) = (view.slots[0].id.clone(), view.slots[1].id.clone());
    for slot in [&lunch, &dinner] {
        store
            .set_cook(&bob, slot, &CookChange::Volunteer)
            .await
            .unwrap();
    }
    let open = store.remind_cooks(EVENING + 1, 100).await.unwrap();
    assert_eq!(open.reminded, 0, "not before the meal is decided");

    let page = store.ballot_page(&ada, &lunch, EVENING).await.unwrap();
    vote(&store, &ada, &lunch, &page, 1, EVENING + 2).await;
    vote(&store, &bob, &lunch, &page, 1, EVENING + 3)
        .await
        .expect("decided at 18:00");
    let decided = store.remind_cooks(EVENING + 4, 100).await.unwrap();
    assert_eq!(decided.reminded, 1);
    assert_eq!(
        reminders(&store, &bob).await[0].0,
        "Tomorrow you're cooking Soup for 2 (Tue 24 Nov · lunch)"
    );

    // Dinner is decided at its deadline, 23:00, and swept only after midnight: too late to say
    // "tomorrow".
    let page = store.ballot_page(&ada, &dinner, EVENING).await.unwrap();
    vote(&store, &ada, &dinner, &page, 0, EVENING + 5).await;
    store
        .finalize_due(ClosePath::Ticker, EVENING + 6 * HOUR, 100)
        .await
        .unwrap();
    let after_midnight = store.remind_cooks(EVENING + 6 * HOUR, 100).await.unwrap();
    assert_eq!(after_midnight.reminded, 0);
    assert_eq!(row_count(&store, "cook_reminders").await.unwrap(), 1);
}

async fn the_cook_changes_by_the_rules_and_only_members_cook(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let refused = |result: Result<(), StoreError>| match result {
        Err(StoreError::Cook(problem)) => problem,
        other => panic!("expected a refusal: {other:?}"),
    };
    store
        .set_cook(&bob, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    assert_eq!(
        refused(store.set_cook(&cy, &slot, &CookChange::Volunteer).await),
        CookProblem::Taken
    );
    assert_eq!(
        refused(store.set_cook(&cy, &slot, &CookChange::StepBack).await),
        CookProblem::NotYours
    );
    let cy_id = cy.user_id().clone();
    assert_eq!(
        refused(
            store
                .set_cook(&bob, &slot, &CookChange::Assign(cy_id.clone()))
                .await
        ),
        CookProblem::AssignOthers
    );
    // Ada proposed the plan (and is an admin): she chooses Cy instead.
    store
        .set_cook(&ada, &slot, &CookChange::Assign(cy_id))
        .await
        .unwrap();
    let view = store.plan(&bob, &plan, NOW).await.unwrap();
    assert_eq!(view.slots[0].cook.text(), "Cy cooks");
    assert!(!view.slots[0].cook.i_assign);
    assert_eq!(view.slots[1].cook.text(), "Nobody cooks yet");

    // Someone outside the household cannot be chosen.
    let stranger = home(&store).await;
    assert_eq!(
        refused(
            store
                .set_cook(&ada, &slot, &CookChange::Assign(stranger.user_id().clone()))
                .await
        ),
        CookProblem::NotAMember
    );
    // A slot of another household is not found.
    assert!(matches!(
        store
            .set_cook(&stranger, &slot, &CookChange::Volunteer)
            .await,
        Err(StoreError::NotFound)
    ));
    store
        .set_cook(&cy, &slot, &CookChange::StepBack)
        .await
        .unwrap();
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(page.cook.name, None);
    let names: Vec<&str> = page.cook.members.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(names, ["Ada", "Bob", "Cy"], "who Ada may choose");
}

async fn a_cook_chosen_after_the_reminder_is_reminded_too(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose(&store, &ada, "Curry\nSoup").await;
    store
        .set_cook(&bob, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    assert!(vote(&store, &bob, &slot, &page, 0, NOW + 2).await.is_some());
    assert_eq!(
        store.remind_cooks(EVENING + 1, 100).await.unwrap().reminded,
        1
    );

    // Bob cannot cook after all: Ada takes the meal over at eight.
    store
        .set_cook(&bob, &slot, &CookChange::StepBack)
        .await
        .unwrap();
    store
        .set_cook(&ada, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    let sweep = store.remind_cooks(EVENING + 2 * HOUR, 100).await.unwrap();
    assert_eq!(sweep.reminded, 1, "the new cook's reminder");
    assert_eq!(reminders(&store, &ada).await.len(), 1);
    assert_eq!(
        reminders(&store, &bob).await.len(),
        1,
        "Bob's first, no more"
    );
    // Volunteering again changes nothing, and reminds nobody twice.
    store
        .set_cook(&ada, &slot, &CookChange::Volunteer)
        .await
        .unwrap();
    let again = store.remind_cooks(EVENING + 3 * HOUR, 100).await.unwrap();
    assert_eq!(again.reminded, 0, "{again:?}");
    assert_eq!(reminders(&store, &ada).await.len(), 1);
}
