//! Closing votes in the store, on both engines: when a slot closes, that it closes once whatever
//! races it, what is stored, and that the stored ballot file re-counts to the stored result.

use app::{
    plans::Ranking,
    tally::{self, Seed},
};
use server::{
    access::HouseholdAccess,
    closing::{ClosePath, count::BallotFile},
    db::{PlanRule, Store, StoreError},
};
use sha2::{Digest, Sha256};

use crate::support::{
    TestDatabase,
    store::{
        DEADLINE, HOUR, NOW, home, member, plan, propose, rank_first, row_count, save_ballot, vote,
    },
};

crate::on_both_engines!(
    a_slot_closes_as_soon_as_every_expected_voter_has_voted,
    a_slot_past_its_deadline_closes_at_the_deadline_whichever_path_notices,
    the_trigger_closes_due_slots_of_every_household_in_batches_and_again_does_nothing,
    many_concurrent_closes_of_one_slot_store_one_result,
    concurrent_last_ballots_are_all_counted_in_the_one_result,
    a_slot_without_ballots_has_no_winner_and_only_its_proposer_can_reopen_it,
    the_stored_ballot_file_recounts_to_the_stored_result,
    each_change_is_written_to_the_outbox_with_it,
    a_member_who_left_is_not_waited_for,
    removing_the_last_holdout_closes_the_vote_and_a_removed_members_ballot_stops_counting,
    the_last_member_leaving_deletes_the_household_with_its_plans_and_results,
);

async fn outbox_kinds(store: &Store, access: &HouseholdAccess) -> Vec<String> {
    sqlx::query_scalar(r"select kind from outbox where household_id = $1 order by created_at, id")
        .bind(access.household_id().as_str())
        .fetch_all(store.pool())
        .await
        .unwrap()
}

async fn result_rows(store: &Store, slot: &str) -> i64 {
    sqlx::query_scalar(r"select cast(count(*) as bigint) from slot_results where slot_id = $1")
        .bind(slot)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

async fn a_slot_closes_as_soon_as_every_expected_voter_has_voted(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (id, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();

    let first = vote(&store, &ada, &slot, &page, 1, NOW + 1).await;
    assert_eq!(first, None, "Bob has not voted yet");
    assert_eq!(store.slot_outcome(&ada, &slot).await.unwrap(), None);
    let closed = vote(&store, &bob, &slot, &page, 1, NOW + 2)
        .await
        .expect("the last expected ballot closes the slot");
    assert_eq!(closed.path, ClosePath::EveryoneVoted);
    assert_eq!(closed.winner.as_ref(), Some(&page.options[1].id));

    let outcome = store.slot_outcome(&bob, &slot).await.unwrap().unwrap();
    assert_eq!(
        (
            outcome.closed_at_ms,
            outcome.path.as_str(),
            outcome.ballot_count
        ),
        (NOW + 2, "everyone_voted", 2)
    );
    let view = store.plan(&ada, &id, NOW + 3).await.unwrap();
    assert!(view.slots[0].closed);
    assert_eq!(view.slots[0].winner.as_deref(), Some("B"));
    assert!(!view.slots[1].closed, "the other slot is still open");
    assert!(view.open);
    assert!(!store.ballot_page(&ada, &slot, NOW + 3).await.unwrap().open);

    // Read-only from now on, before the deadline too.
    assert!(matches!(
        save_ballot(&store, &ada, &slot, &rank_first(&page, 0), NOW + 4).await,
        Err(StoreError::Rule(PlanRule::Closed))
    ));
    let after = store.ballot_page(&ada, &slot, NOW + 4).await.unwrap();
    assert_eq!(after.mine, Some(rank_first(&page, 1)));
}

async fn a_slot_past_its_deadline_closes_at_the_deadline_whichever_path_notices(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let _bob = member(&store, &ada, "Bob").await;
    let (id, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW).await;
    // Nothing is due before the deadline.
    assert!(
        store
            .settle_household(&ada, DEADLINE - 1)
            .await
            .unwrap()
            .is_empty()
    );

    let closed = store.settle_household(&ada, DEADLINE + HOUR).await.unwrap();
    assert_eq!(closed.len(), 4, "every slot of the plan");
    assert!(closed.iter().all(|c| c.path == ClosePath::Lazy));
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(
        outcome.closed_at_ms, DEADLINE,
        "closed at the deadline, not when noticed"
    );
    assert_eq!(outcome.winner.as_ref(), Some(&page.options[0].id));

    // The other paths find nothing left to do.
    let report = store
        .finalize_due(ClosePath::Trigger, DEADLINE + 2 * HOUR, 100)
        .await
        .unwrap();
    assert_eq!((report.closed, report.remaining), (0, 0));
    assert!(!store.plan(&ada, &id, DEADLINE + HOUR).await.unwrap().open);
    assert!(!store.plans(&ada).await.unwrap()[0].open);
}

async fn the_trigger_closes_due_slots_of_every_household_in_batches_and_again_does_nothing(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let other = home(&store).await;
    store.create_plan(&ada, &plan("A\nB"), NOW).await.unwrap();
    store.create_plan(&other, &plan("C\nD"), NOW).await.unwrap();
    // Two plans of 4 slots each, due at the same deadline.
    let first = store
        .finalize_due(ClosePath::Trigger, DEADLINE, 5)
        .await
        .unwrap();
    assert_eq!(
        (first.closed, first.already_closed, first.remaining),
        (5, 0, 1)
    );
    let second = store
        .finalize_due(ClosePath::Ticker, DEADLINE, 5)
        .await
        .unwrap();
    assert_eq!((second.closed, second.remaining), (3, 0));
    let again = store
        .finalize_due(ClosePath::Trigger, DEADLINE, 5)
        .await
        .unwrap();
    assert_eq!((again.closed, again.remaining), (0, 0));
    let paths: Vec<String> =
        sqlx::query_scalar(r"select close_path from slot_results order by close_path")
            .fetch_all(store.pool())
            .await
            .unwrap();
    assert_eq!(paths.iter().filter(|p| *p == "trigger").count(), 5);
    assert_eq!(paths.iter().filter(|p| *p == "ticker").count(), 3);
}

async fn many_concurrent_closes_of_one_slot_store_one_result(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose(&store, &ada, "A\nB\nC").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &bob, &slot, &page, 2, NOW).await;

    // Sixteen closers at once: lazy readers, triggers and tickers, as two instances would.
    let closers = (0..16).map(|i| {
        let store = store.clone();
        let access = if i % 2 == 0 { ada.clone() } else { bob.clone() };
        tokio::spawn(async move {
            match i % 3 {
                0 => store
                    .settle_household(&access, DEADLINE + i)
                    .await
                    .unwrap()
                    .len() as u32,
                1 => {
                    store
                        .finalize_due(ClosePath::Trigger, DEADLINE + i, 100)
                        .await
                        .unwrap()
                        .closed
                }
                _ => {
                    store
                        .finalize_due(ClosePath::Ticker, DEADLINE + i, 100)
                        .await
                        .unwrap()
                        .closed
                }
            }
        })
    });
    let mut closed = 0;
    for closer in closers {
        closed += closer.await.unwrap();
    }
    assert_eq!(
        closed, 4,
        "each of the plan's 4 slots was closed by exactly one closer"
    );
    assert_eq!(result_rows(&store, slot.as_str()).await, 1);
    let kinds = outbox_kinds(&store, &ada).await;
    assert_eq!(kinds.iter().filter(|k| *k == "slot_closed").count(), 4);
    assert_eq!(kinds.iter().filter(|k| *k == "plan_decided").count(), 1);
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(outcome.winner.as_ref(), Some(&page.options[2].id));
}

async fn concurrent_last_ballots_are_all_counted_in_the_one_result(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let mut voters = vec![ada.clone()];
    for name in ["Bob", "Cy", "Dee", "Eve", "Fay"] {
        voters.push(member(&store, &ada, name).await);
    }
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    let casts = voters.into_iter().map(|voter| {
        let store = store.clone();
        let slot = slot.clone();
        let ranking = rank_first(&page, 0);
        tokio::spawn(async move { save_ballot(&store, &voter, &slot, &ranking, NOW + 1).await })
    });
    let mut closes = 0;
    for cast in casts {
        if cast.await.unwrap().unwrap().is_some() {
            closes += 1;
        }
    }
    assert_eq!(closes, 1, "the last of the six ballots closed the slot");
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(
        outcome.ballot_count, 6,
        "every accepted ballot is in the result"
    );
}

async fn a_slot_without_ballots_has_no_winner_and_only_its_proposer_can_reopen_it(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (id, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    let decided = store.plan(&ada, &id, NOW).await.unwrap().slots[1]
        .id
        .clone();
    vote(&store, &bob, &decided, &page, 0, NOW).await;
    store.settle_household(&ada, DEADLINE).await.unwrap();

    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!((outcome.winner, outcome.ballot_count), (None, 0));
    assert!(outcome.order.is_empty());
    let view = store.plan(&ada, &id, DEADLINE).await.unwrap();
    assert!(view.slots[0].closed && view.slots[0].winner.is_none());
    assert!(view.slots[0].reopenable, "the proposer may re-open it");
    assert!(!view.slots[1].reopenable, "a decided slot stays decided");
    assert!(!store.plan(&bob, &id, DEADLINE).await.unwrap().slots[0].reopenable);

    assert!(matches!(
        store.reopen_slot(&bob, &slot, DEADLINE + 24 * HOUR).await,
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    ));
    assert!(matches!(
        store
            .reopen_slot(&ada, &decided, DEADLINE + 24 * HOUR)
            .await,
        Err(StoreError::Rule(PlanRule::NotReopenable))
    ));
    store
        .reopen_slot(&ada, &slot, DEADLINE + 24 * HOUR)
        .await
        .unwrap();
    let page = store.ballot_page(&bob, &slot, DEADLINE + 1).await.unwrap();
    assert!(page.open);
    assert_eq!(page.deadline_ms, DEADLINE + 24 * HOUR);
    assert!(
        store
            .settle_household(&ada, DEADLINE + 2)
            .await
            .unwrap()
            .is_empty()
    );
    // Both vote: it closes early, now with a winner.
    vote(&store, &bob, &slot, &page, 1, DEADLINE + 3).await;
    let closed = vote(&store, &ada, &slot, &page, 1, DEADLINE + 4)
        .await
        .expect("closed");
    assert_eq!(closed.winner.as_ref(), Some(&page.options[1].id));
}

async fn the_stored_ballot_file_recounts_to_the_stored_result(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (_, slot) = propose(&store, &ada, "A\nB\nC\nD").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    let o = |i: usize| page.options[i].id.clone();
    // A cycle (A>B>C>A) and a tie: the explanation and the seed both matter.
    for (who, ranking) in [
        (&ada, Ranking(vec![vec![o(0)], vec![o(1)], vec![o(2)]])),
        (&bob, Ranking(vec![vec![o(1)], vec![o(2)], vec![o(0)]])),
        (&cy, Ranking(vec![vec![o(2), o(3)], vec![o(0)], vec![o(1)]])),
    ] {
        save_ballot(&store, who, &slot, &ranking, NOW + 1)
            .await
            .unwrap();
    }
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(
        outcome.digest,
        Sha256::digest(outcome.export.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    );
    let file: BallotFile = outcome.ballot_file().unwrap();
    assert_eq!(file.seed, outcome.seed);
    assert_eq!(file.options.len(), 4);
    assert_eq!(file.input.ballots.len(), 3);
    let recount = tally::recount(&file.input, None, Some(file.seed)).unwrap();
    let order: Vec<String> = recount
        .order
        .unwrap()
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect();
    let stored: Vec<String> = outcome
        .order
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect();
    assert_eq!(order, stored);
    // The seed is the documented derivation from the slot, the close time, the ballots and the
    // salt the file reveals.
    let election = tally::Election::try_from(&file.input).unwrap();
    let salt = file.salt.as_deref().expect("a new close draws a salt");
    let seed: Seed =
        tally::derive_salted_seed(slot.as_str(), outcome.closed_at_ms, &election, salt);
    assert_eq!(seed, outcome.seed);
}

async fn each_change_is_written_to_the_outbox_with_it(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(outbox_kinds(&store, &ada).await, ["plan_proposed"]);
    // Ada is the only member: her ballot closes the slot, and its winner joins the list.
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    assert_eq!(
        outbox_kinds(&store, &ada).await,
        [
            "plan_proposed",
            "ballot_cast",
            "slot_closed",
            "list_changed"
        ]
    );
    // A refused ballot writes nothing.
    let _ = save_ballot(&store, &ada, &slot, &rank_first(&page, 1), NOW + 2).await;
    store.settle_household(&ada, DEADLINE).await.unwrap();
    let kinds = outbox_kinds(&store, &ada).await;
    assert_eq!(kinds.iter().filter(|k| *k == "ballot_cast").count(), 1);
    assert_eq!(kinds.iter().filter(|k| *k == "slot_closed").count(), 4);
    assert_eq!(kinds.last().map(String::as_str), Some("plan_decided"));
    let payload: String = sqlx::query_scalar(
        r"select payload from outbox where kind = 'slot_closed' and slot_id = $1",
    )
    .bind(slot.as_str())
    .fetch_one(store.pool())
    .await
    .unwrap();
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap();
    assert_eq!(payload["type"], "slot_closed");
    assert_eq!(payload["data"]["winner"], "A");
    assert_eq!(payload["data"]["closed_by"], "everyone_voted");
}

async fn a_member_who_left_is_not_waited_for(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    store.leave_household(&bob, NOW).await.unwrap();
    let closed = vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    assert!(
        closed.is_some(),
        "Bob left, so Ada was the last expected voter"
    );
}

async fn removing_the_last_holdout_closes_the_vote_and_a_removed_members_ballot_stops_counting(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1).await;
    vote(&store, &bob, &slot, &page, 1, NOW + 2).await;

    // Cy never votes; Bob is removed: his ballot stops counting, and Ada, the only member still
    // expected, has voted, so the vote closes with her ballot alone.
    store
        .remove_member(&ada, bob.user_id(), NOW + 3)
        .await
        .unwrap();
    assert_eq!(
        result_rows(&store, slot.as_str()).await,
        0,
        "Cy is still expected"
    );
    store
        .remove_member(&ada, cy.user_id(), NOW + 4)
        .await
        .unwrap();
    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert_eq!(
        (
            outcome.path.as_str(),
            outcome.ballot_count,
            outcome.closed_at_ms
        ),
        ("everyone_voted", 1, NOW + 4)
    );
    assert_eq!(outcome.winner.as_ref(), Some(&page.options[0].id));
    let file = outcome.ballot_file().unwrap();
    assert_eq!(file.input.ballots.len(), 1, "only Ada's ballot was counted");
}

async fn the_last_member_leaving_deletes_the_household_with_its_plans_and_results(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW + 1)
        .await
        .expect("Ada is the only expected voter");
    assert_eq!(result_rows(&store, slot.as_str()).await, 1);

    store.leave_household(&ada, NOW + 2).await.unwrap();
    for table in [
        "households",
        "dishes",
        "plans",
        "slots",
        "slot_options",
        "ballots",
        "slot_results",
        "outbox",
    ] {
        assert_eq!(row_count(&store, table).await.unwrap(), 0, "{table}");
    }
}
