//! Voting progress and nudges in the store, on both engines: who of the people eating has ranked
//! a meal (never how), a nudge that reaches each missing member once, and the 12-hour rule held
//! when two members press at once.

use app::progress::{NUDGE_INTERVAL_MS, NudgeView};
use server::{access::HouseholdAccess, db::Store, progress::Nudged};

use crate::support::{
    TestDatabase,
    store::{DEADLINE, HOUR, NOW, home, member, propose, row_count, vote},
};

crate::on_both_engines!(
    the_plan_and_ballot_pages_say_who_of_the_people_eating_has_ranked,
    a_nudge_reaches_each_member_without_a_ballot_once_and_waits_twelve_hours,
    two_members_pressing_at_once_nudge_once,
    a_closed_meal_or_one_nobody_else_misses_is_not_nudged,
);

/// The member's notifications, in words.
async fn texts(store: &Store, access: &HouseholdAccess) -> Vec<String> {
    store
        .notifications(access)
        .await
        .unwrap()
        .into_iter()
        .map(|n| n.text)
        .collect()
}

async fn the_plan_and_ballot_pages_say_who_of_the_people_eating_has_ranked(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &bob, &slot, &page, 0, NOW + 1).await;

    let view = store.plan(&ada, &plan, NOW + 2).await.unwrap();
    let progress = &view.slots[0].progress;
    assert_eq!(progress.summary(), "1 of 3 eating have ranked");
    assert_eq!(progress.ranked, ["Bob"]);
    assert_eq!(progress.waiting, ["Ada", "Cy"]);
    assert_eq!(progress.nudgeable, ["Cy"], "Ada's own press leaves her out");
    assert_eq!(
        view.slots[1].progress.summary(),
        "0 of 3 eating have ranked"
    );

    let page = store.ballot_page(&cy, &slot, NOW + 2).await.unwrap();
    assert_eq!(page.progress, {
        let mut for_cy = progress.clone();
        for_cy.nudgeable = vec!["Ada".to_owned()];
        for_cy
    });

    // Each ballot moves the plan's and the slot's live version on.
    let before = (view.live.version.clone(), page.live.version.clone());
    vote(&store, &cy, &slot, &page, 1, NOW + 3).await;
    let view = store.plan(&ada, &plan, NOW + 4).await.unwrap();
    let page = store.ballot_page(&cy, &slot, NOW + 4).await.unwrap();
    assert_ne!(view.live.version, before.0);
    assert_ne!(page.live.version, before.1);
    assert_eq!(page.progress.summary(), "2 of 3 eating have ranked");
    assert_eq!(page.progress.nudgeable, ["Ada"]);
}

async fn a_nudge_reaches_each_member_without_a_ballot_once_and_waits_twelve_hours(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let dee = member(&store, &ada, "Dee").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;

    let at = NOW + HOUR;
    let nudged = store.nudge(&bob, &slot, at).await.unwrap();
    assert_eq!(
        nudged,
        Nudged::Sent(vec!["Cy".to_owned(), "Dee".to_owned()])
    );
    for person in [&cy, &dee] {
        let mine = texts(&store, person).await;
        let nudges: Vec<&String> = mine.iter().filter(|t| t.contains("nudged")).collect();
        assert_eq!(nudges, ["Bob nudged you to rank Tue 24 Nov · lunch"]);
        let link = store.notifications(person).await.unwrap()[0].href.clone();
        assert_eq!(link, Some(app::routes::ballot(ada.household_id(), &slot)));
    }
    for person in [&ada, &bob] {
        let theirs = texts(&store, person).await;
        assert!(
            !theirs.iter().any(|t| t.contains("nudged")),
            "a nudge is for the nudged alone: {theirs:?}"
        );
    }
    assert_eq!(
        store.unread_count(&ada).await.unwrap(),
        0,
        "Ada proposed and voted herself; the nudges are not hers"
    );

    // Everyone sees who was nudged, and when.
    let view = store.plan(&ada, &plan, at + 1).await.unwrap();
    let shown = NudgeView {
        names: vec!["Cy".to_owned(), "Dee".to_owned()],
        at_ms: at,
    };
    assert_eq!(view.slots[0].progress.nudge, Some(shown.clone()));
    assert!(
        view.slots[0].progress.nudgeable.is_empty(),
        "not again so soon"
    );
    let page = store.ballot_page(&cy, &slot, at + 1).await.unwrap();
    assert_eq!(page.progress.nudge, Some(shown));

    // A second press within 12 hours, by anyone, sends nothing.
    let again = store
        .nudge(&ada, &slot, at + NUDGE_INTERVAL_MS - 1)
        .await
        .unwrap();
    assert_eq!(again, Nudged::Already);
    assert_eq!(row_count(&store, "nudges").await.unwrap(), 1);
    assert_eq!(
        texts(&store, &cy)
            .await
            .iter()
            .filter(|t| t.contains("nudged"))
            .count(),
        1
    );
    // After 12 hours the meal may be nudged again (before its deadline).
    let later = store
        .nudge(&ada, &slot, at + NUDGE_INTERVAL_MS)
        .await
        .unwrap();
    assert_eq!(
        later,
        Nudged::Sent(vec!["Bob".to_owned(), "Cy".to_owned(), "Dee".to_owned()])
    );
}

async fn two_members_pressing_at_once_nudge_once(db: TestDatabase) {
    let store = db.store().await;
    let other_instance = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (_, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let (a, b) = tokio::join!(
        store.nudge(&ada, &slot, NOW + 1),
        other_instance.nudge(&bob, &slot, NOW + 1),
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|outcome| matches!(outcome, Nudged::Already));
    assert!(matches!(outcomes[0], Nudged::Sent(_)), "{outcomes:?}");
    assert_eq!(outcomes[1], Nudged::Already, "{outcomes:?}");
    assert_eq!(row_count(&store, "nudges").await.unwrap(), 1);
    let to_cy = texts(&store, &cy)
        .await
        .iter()
        .filter(|t| t.contains("nudged you"))
        .count();
    assert_eq!(to_cy, 1, "Cy hears of it once");
}

async fn a_closed_meal_or_one_nobody_else_misses_is_not_nudged(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    // Only Bob is missing: Bob cannot nudge himself.
    assert_eq!(
        store.nudge(&bob, &slot, NOW + 2).await.unwrap(),
        Nudged::NobodyWaiting
    );
    vote(&store, &bob, &slot, &page, 0, NOW + 3)
        .await
        .expect("everyone voted: closed");
    assert_eq!(
        store.nudge(&ada, &slot, NOW + 4).await.unwrap(),
        Nudged::Closed
    );
    let second = store.plan(&ada, &plan, NOW + 4).await.unwrap().slots[1]
        .id
        .clone();
    assert_eq!(
        store.nudge(&ada, &second, DEADLINE).await.unwrap(),
        Nudged::Closed,
        "past its deadline"
    );
    assert_eq!(row_count(&store, "nudges").await.unwrap(), 0);
    let view = store.plan(&ada, &plan, NOW + 4).await.unwrap();
    assert_eq!(
        view.slots[0].progress.summary(),
        "2 of 2 eating have ranked"
    );
    assert!(view.slots[0].progress.nudgeable.is_empty());
}
