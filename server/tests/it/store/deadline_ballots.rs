//! A vote past its deadline is over even when nothing has closed it yet: a removal or a member
//! leaving after the deadline must not change which ballots it counts (docs/closing.md, "A
//! deadline is final"). Both engines.

use app::ids::SlotId;
use server::{access::HouseholdAccess, db::Store};

use crate::support::{
    TestDatabase,
    store::{DEADLINE, HOUR, NOW, home, member, propose, vote},
};

crate::on_both_engines!(
    a_removal_after_the_deadline_keeps_the_removed_members_ballot_in_the_count,
    leaving_after_the_deadline_keeps_the_leavers_ballot_in_the_count,
    a_removal_before_the_deadline_still_drops_the_ballot,
);

/// Ada (admin, who does not vote, so nothing closes early), Bob and Cy for Y, Dee for X, all
/// before the deadline: Y leads 2–1 when voting ends. Returns the slot and everyone's access.
async fn y_ahead_two_to_one(store: &Store) -> (SlotId, String, [HouseholdAccess; 4]) {
    let ada = home(store).await;
    let bob = member(store, &ada, "Bob").await;
    let cy = member(store, &ada, "Cy").await;
    let dee = member(store, &ada, "Dee").await;
    let (_, slot) = propose(store, &ada, "X\nY").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(page.options[1].name, "Y");
    let y = page.options[1].id.as_str().to_owned();
    for (who, option) in [(&bob, 1), (&cy, 1), (&dee, 0)] {
        assert_eq!(vote(store, who, &slot, &page, option, NOW + 1).await, None);
    }
    (slot, y, [ada, bob, cy, dee])
}

/// The slot's stored result: winner, ballots counted, close time, and the member ids whose
/// ballots are in its ballot file.
async fn result_of(
    store: &Store,
    access: &HouseholdAccess,
    slot: &SlotId,
) -> (String, u32, i64, Vec<String>) {
    let outcome = store
        .slot_outcome(access, slot)
        .await
        .unwrap()
        .expect("the slot has closed");
    let file = outcome.ballot_file().unwrap();
    let mut voters: Vec<String> = file
        .input
        .ballots
        .iter()
        .map(|b| b.id.clone().unwrap())
        .collect();
    voters.sort();
    let winner = outcome.winner.expect("somebody voted").as_str().to_owned();
    (winner, outcome.ballot_count, outcome.closed_at_ms, voters)
}

fn ids(people: &[&HouseholdAccess]) -> Vec<String> {
    let mut ids: Vec<String> = people
        .iter()
        .map(|p| p.user_id().as_str().to_owned())
        .collect();
    ids.sort();
    ids
}

async fn a_removal_after_the_deadline_keeps_the_removed_members_ballot_in_the_count(
    db: TestDatabase,
) {
    let store = db.store().await;
    let (slot, y, [ada, bob, cy, dee]) = y_ahead_two_to_one(&store).await;
    // Nothing has closed the slot (no page was read since the deadline) when Ada removes Cy.
    store
        .remove_member(&ada, cy.user_id(), DEADLINE + HOUR)
        .await
        .unwrap();
    store
        .settle_household(&ada, DEADLINE + 2 * HOUR)
        .await
        .unwrap();
    let (winner, counted, closed_at, voters) = result_of(&store, &ada, &slot).await;
    assert_eq!(winner, y, "Y led 2–1 at the deadline");
    assert_eq!(counted, 3);
    assert_eq!(
        voters,
        ids(&[&bob, &cy, &dee]),
        "Cy's in-time ballot counts"
    );
    assert_eq!(closed_at, DEADLINE);
}

async fn leaving_after_the_deadline_keeps_the_leavers_ballot_in_the_count(db: TestDatabase) {
    let store = db.store().await;
    let (slot, y, [ada, bob, cy, dee]) = y_ahead_two_to_one(&store).await;
    store.leave_household(&bob, DEADLINE + 1).await.unwrap();
    let (winner, counted, closed_at, voters) = result_of(&store, &ada, &slot).await;
    assert_eq!(winner, y);
    assert_eq!(counted, 3);
    assert_eq!(
        voters,
        ids(&[&bob, &cy, &dee]),
        "Bob's in-time ballot counts"
    );
    assert_eq!(closed_at, DEADLINE, "closed at the deadline, when Bob left");
}

async fn a_removal_before_the_deadline_still_drops_the_ballot(db: TestDatabase) {
    let store = db.store().await;
    let (slot, _, [ada, bob, cy, dee]) = y_ahead_two_to_one(&store).await;
    store
        .remove_member(&ada, cy.user_id(), DEADLINE - 1)
        .await
        .unwrap();
    assert_eq!(
        store.slot_outcome(&ada, &slot).await.unwrap(),
        None,
        "still open: Ada has not voted"
    );
    store.settle_household(&ada, DEADLINE).await.unwrap();
    let (_, counted, closed_at, voters) = result_of(&store, &ada, &slot).await;
    assert_eq!((counted, closed_at), (2, DEADLINE));
    assert_eq!(voters, ids(&[&bob, &dee]), "Cy's ballot stopped counting");
}
