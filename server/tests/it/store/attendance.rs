//! Who eats, and no repeats within a plan, in the store on both engines: marking out completes
//! "everyone eating has ranked" and closes; an out member's kept ballot does not count; nudges
//! and progress follow the attendees; after the close nothing about attendance changes the
//! result; in a no-repeat plan a later meal waits for the earlier ones, whichever path closes
//! them, and never goes to an earlier winner.

use app::{ids::SlotId, plans::Ranking};
use server::{
    closing::{ClosePath, count::BallotFile},
    db::{PlanRule, Store, StoreError},
    progress::Nudged,
};

use crate::support::{
    TestDatabase,
    store::{
        DEADLINE, HOUR, NOW, form, home, member, propose, rank_first, row_count, save_ballot, vote,
    },
};

crate::on_both_engines!(
    marking_out_completes_the_vote_and_an_out_members_ballot_is_kept_but_not_counted,
    progress_and_nudges_follow_the_people_eating,
    attendance_after_the_close_changes_nothing_stored,
    a_later_meal_of_a_no_repeat_plan_waits_for_the_earlier_one_and_skips_its_winner,
    a_deadline_batch_closes_a_no_repeat_plans_meals_in_order,
    a_plan_that_allows_repeats_closes_each_meal_on_its_own,
);

async fn slots(
    store: &Store,
    access: &server::access::HouseholdAccess,
    plan: &app::ids::PlanId,
) -> Vec<SlotId> {
    store
        .plan(access, plan, NOW)
        .await
        .unwrap()
        .slots
        .into_iter()
        .map(|s| s.id)
        .collect()
}

async fn file(
    store: &Store,
    access: &server::access::HouseholdAccess,
    slot: &SlotId,
) -> BallotFile {
    store
        .slot_outcome(access, slot)
        .await
        .unwrap()
        .expect("closed")
        .ballot_file()
        .unwrap()
}

async fn winner_name(
    store: &Store,
    access: &server::access::HouseholdAccess,
    slot: &SlotId,
) -> Option<String> {
    let file = file(store, access, slot).await;
    let outcome = store.slot_outcome(access, slot).await.unwrap().unwrap();
    outcome.winner.map(|w| file.options[w.as_str()].clone())
}

async fn marking_out_completes_the_vote_and_an_out_members_ballot_is_kept_but_not_counted(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (_, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(vote(&store, &bob, &slot, &page, 1, NOW + 1).await, None);
    assert_eq!(vote(&store, &ada, &slot, &page, 0, NOW + 2).await, None);
    // Bob marks out: his Soup ballot stays, but Cy is still missing.
    let closed = store.set_eating(&bob, &slot, false, NOW + 3).await.unwrap();
    assert!(closed.is_empty());
    // Cy is out too: everyone eating (Ada) has ranked, so it closes now.
    let closed = store.set_eating(&cy, &slot, false, NOW + 4).await.unwrap();
    assert_eq!(closed.len(), 1);
    assert_eq!(closed[0].path, ClosePath::EveryoneVoted);
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    let file = outcome.ballot_file().unwrap();
    assert_eq!(file.input.ballots.len(), 1, "only Ada's ballot counts");
    assert_eq!(file.options[outcome.winner.unwrap().as_str()], "Curry");
    let attendance = file.attendance.expect("format 2");
    assert_eq!(attendance.attendees, [ada.user_id().to_string()]);
    // Keyed by member id: the names in any order.
    let mut out: Vec<_> = attendance.out.values().cloned().collect();
    out.sort();
    assert_eq!(out, ["Bob", "Cy"]);
    assert_eq!(
        row_count(&store, "ballots").await.unwrap(),
        2,
        "Bob's ballot is kept"
    );
}

async fn progress_and_nudges_follow_the_people_eating(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    store.set_eating(&bob, &slot, false, NOW + 1).await.unwrap();
    let view = store.plan(&cy, &plan, NOW + 2).await.unwrap();
    assert_eq!(
        view.slots[0].progress.summary(),
        "0 of 2 eating have ranked"
    );
    assert_eq!(view.slots[0].attendance.out, ["Bob"]);
    assert_eq!(
        view.slots[1].progress.summary(),
        "0 of 3 eating have ranked"
    );
    match store.nudge(&cy, &slot, NOW + 3).await.unwrap() {
        Nudged::Sent(names) => assert_eq!(names, ["Ada"], "Bob is out, Cy pressed"),
        other => panic!("{other:?}"),
    }
    // Back in: counted and waited for again.
    store.set_eating(&bob, &slot, true, NOW + 4).await.unwrap();
    let page = store.ballot_page(&bob, &slot, NOW + 5).await.unwrap();
    assert_eq!(page.progress.summary(), "0 of 3 eating have ranked");
    assert!(!page.attendance.me_out);
    assert!(page.attendance.out.is_empty());
}

async fn attendance_after_the_close_changes_nothing_stored(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (plan, slot) = propose(&store, &ada, "Curry\nSoup").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    vote(&store, &bob, &slot, &page, 1, NOW + 2)
        .await
        .expect("closes");
    let before = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    for (who, eating) in [(&bob, false), (&ada, false), (&bob, true)] {
        let refused = store.set_eating(who, &slot, eating, NOW + 3).await;
        assert!(matches!(refused, Err(StoreError::Rule(PlanRule::Closed))));
    }
    let refused = store.set_guests(&ada, &slot, 3, NOW + 3).await;
    assert!(matches!(refused, Err(StoreError::Rule(PlanRule::Closed))));
    let after = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(after.digest, before.digest);
    assert_eq!(after.export, before.export);
    assert_eq!(after.order, before.order);
    assert_eq!(row_count(&store, "slot_absences").await.unwrap(), 0);
    // An open slot's guests are the proposer's to set.
    let open = slots(&store, &ada, &plan).await[1].clone();
    assert!(matches!(
        store.set_guests(&bob, &open, 2, NOW + 4).await,
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    ));
    store.set_guests(&ada, &open, 2, NOW + 4).await.unwrap();
}

async fn a_later_meal_of_a_no_repeat_plan_waits_for_the_earlier_one_and_skips_its_winner(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (plan, _) = propose(&store, &ada, "Curry\nSoup\nPasta").await;
    let slots = slots(&store, &ada, &plan).await;
    let page = store.ballot_page(&ada, &slots[1], NOW).await.unwrap();
    // Both rank Curry first on the second meal: complete, but held by the first.
    let curry = Ranking(vec![
        vec![page.options[0].id.clone()],
        vec![page.options[1].id.clone()],
    ]);
    save_ballot(&store, &ada, &slots[1], &curry, NOW + 1)
        .await
        .unwrap();
    let held = save_ballot(&store, &bob, &slots[1], &curry, NOW + 2)
        .await
        .unwrap();
    assert_eq!(held, None, "the first meal has no result yet");
    // The preview on the second meal leaves nothing out yet.
    assert!(
        store
            .ballot_page(&ada, &slots[1], NOW + 2)
            .await
            .unwrap()
            .excluded
            .is_empty()
    );
    let first = store.ballot_page(&ada, &slots[0], NOW).await.unwrap();
    vote(&store, &ada, &slots[0], &first, 0, NOW + 3).await;
    let closed = vote(&store, &bob, &slots[0], &first, 0, NOW + 4).await;
    assert!(closed.is_some(), "the first meal closes");
    assert_eq!(
        winner_name(&store, &ada, &slots[0]).await.as_deref(),
        Some("Curry")
    );
    // … and the second closed right after it, in the same transaction, without Curry.
    assert_eq!(
        winner_name(&store, &ada, &slots[1]).await.as_deref(),
        Some("Soup")
    );
    let record = file(&store, &ada, &slots[1]).await.eligibility.unwrap();
    assert_eq!(record.repeats_excluded, [page.options[0].id.to_string()]);
    assert!(!record.fell_back);
    // The third meal's ballot page now leaves Curry and Soup out of the preview.
    let third = store.ballot_page(&ada, &slots[2], NOW + 5).await.unwrap();
    let excluded: Vec<&str> = third
        .excluded
        .iter()
        .map(|id| {
            third
                .options
                .iter()
                .find(|o| &o.id == id)
                .unwrap()
                .name
                .as_str()
        })
        .collect();
    assert_eq!(excluded, ["Curry", "Soup"]);
}

async fn a_deadline_batch_closes_a_no_repeat_plans_meals_in_order(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (plan, _) = propose(&store, &ada, "Curry\nSoup").await;
    let slots = slots(&store, &ada, &plan).await;
    // Ranked last meal first, all for Curry: the deadline closes them in day and meal order.
    for slot in slots.iter().rev() {
        let page = store.ballot_page(&ada, slot, NOW).await.unwrap();
        let ranking = rank_first(&page, 0);
        save_ballot(&store, &ada, slot, &ranking, NOW + 1)
            .await
            .unwrap();
    }
    // Ada is the only one eating: each vote was complete, but each meal waits for the first,
    // which closed at Ada's first ballot on it, then took the others along.
    let mut winners = Vec::new();
    for slot in &slots {
        winners.push(winner_name(&store, &ada, slot).await);
    }
    assert_eq!(
        winners,
        [Some("Curry"), Some("Soup"), Some("Curry"), Some("Curry")].map(|w| w.map(str::to_owned)),
        "once both have won, every later meal falls back to both"
    );
    let third = file(&store, &ada, &slots[2]).await.eligibility.unwrap();
    assert!(third.fell_back);

    // A second plan, nobody voting early: the batch at the deadline closes them in order.
    // Bob joins: the second plan waits for him, so only its deadline closes it.
    let _bob = member(&store, &ada, "Bob").await;
    let second = store
        .create_plan(&ada, &crate::support::store::plan("Curry\nSoup"), NOW)
        .await
        .unwrap();
    let later = self::slots(&store, &ada, &second).await;
    for slot in later.iter().rev() {
        let page = store.ballot_page(&ada, slot, NOW).await.unwrap();
        save_ballot(&store, &ada, slot, &rank_first(&page, 0), NOW + 1)
            .await
            .unwrap();
    }
    let report = store
        .finalize_due(ClosePath::Trigger, DEADLINE + HOUR, 100)
        .await
        .unwrap();
    assert_eq!(report.closed, 4);
    let mut winners = Vec::new();
    for slot in &later {
        winners.push(winner_name(&store, &ada, slot).await);
    }
    assert_eq!(
        winners,
        [Some("Curry"), Some("Soup"), Some("Curry"), Some("Curry")].map(|w| w.map(str::to_owned))
    );
}

async fn a_plan_that_allows_repeats_closes_each_meal_on_its_own(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let mut allowing = form("Curry\nSoup");
    allowing.allow_repeats = "on".into();
    let plan = store
        .create_plan(
            &ada,
            &app::plans::NewPlan::parse(&allowing, NOW).unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let slots = slots(&store, &ada, &plan).await;
    for slot in slots.iter().rev() {
        let page = store.ballot_page(&ada, slot, NOW).await.unwrap();
        let closed = save_ballot(&store, &ada, slot, &rank_first(&page, 0), NOW + 1)
            .await
            .unwrap();
        assert!(closed.is_some(), "nothing waits");
        assert_eq!(
            winner_name(&store, &ada, slot).await.as_deref(),
            Some("Curry")
        );
    }
}
