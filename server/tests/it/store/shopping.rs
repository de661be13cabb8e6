//! The shopping list in the store, on both engines: it forms as slots close (scaled to the
//! people eating, merged by food and compatible unit, with where each part came from), exactly
//! once whatever races the close, and check-offs are states set by operation id. "Probably
//! needed" finds each open meal's leader as the close would, no repeats included.

use app::{
    ids::{DishId, PlanId},
    plans::BallotPage,
    recipes::Recipe,
    shopping::{CheckState, NewItem, OpId},
};
use server::{
    access::HouseholdAccess,
    closing::ClosePath,
    db::{Store, StoreError},
};

use crate::support::{
    TestDatabase,
    store::{DEADLINE, NOW, home, member, propose, propose_allowing_repeats, save_ballot, vote},
};

crate::on_both_engines!(
    the_list_forms_as_each_slot_closes_scaled_and_merged_by_compatible_unit,
    closes_racing_each_other_add_each_slots_lines_exactly_once,
    a_winner_without_ingredients_adds_one_line_saying_so,
    a_check_is_a_state_a_replay_changes_nothing_and_an_addition_never_unchecks,
    a_list_of_another_household_is_not_found,
    probably_needed_leaves_out_what_an_earlier_meal_wins_first,
);

/// The id of the household's dish named `name`.
pub(super) async fn dish(store: &Store, access: &HouseholdAccess, name: &str) -> DishId {
    store
        .dishes(access)
        .await
        .unwrap()
        .into_iter()
        .find(|dish| dish.name == name)
        .unwrap()
        .id
}

pub(super) async fn give_recipe(
    store: &Store,
    access: &HouseholdAccess,
    name: &str,
    serves: &str,
    lines: &str,
) {
    let recipe = Recipe::parse(serves, "", lines, "").unwrap();
    let id = dish(store, access, name).await;
    store.save_recipe(access, &id, &recipe).await.unwrap();
}

/// The list's lines as "food amount (checked part) <- sources", in order.
pub(super) async fn lines(store: &Store, access: &HouseholdAccess, plan: &PlanId) -> Vec<String> {
    let list = store.shopping_list(access, plan).await.unwrap();
    list.lines
        .iter()
        .map(|(line, _, _)| format!("{} <- {}", line.text(), line.sources))
        .collect()
}

/// Four people; a plan of Curry, Stir-fry and Soup (2 days × lunch, dinner).
pub(super) async fn household_of_four(
    store: &Store,
) -> (Vec<HouseholdAccess>, PlanId, Vec<app::ids::SlotId>) {
    let ada = home(store).await;
    let bob = member(store, &ada, "Bob").await;
    let cy = member(store, &ada, "Cy").await;
    let di = member(store, &ada, "Di").await;
    // Repeats allowed: every slot may go to Curry.
    let (plan, _) = propose_allowing_repeats(store, &ada, "Curry\nStir-fry\nSoup").await;
    let slots = store
        .plan(&ada, &plan, NOW)
        .await
        .unwrap()
        .slots
        .into_iter()
        .map(|slot| slot.id)
        .collect();
    (vec![ada, bob, cy, di], plan, slots)
}

/// Everyone ranks option `i` first on `slot`: the last ballot closes it.
pub(super) async fn everyone_picks(
    store: &Store,
    people: &[HouseholdAccess],
    slot: &app::ids::SlotId,
    i: usize,
    at: i64,
) {
    let page: BallotPage = store.ballot_page(&people[0], slot, at).await.unwrap();
    for person in people {
        vote(store, person, slot, &page, i, at).await;
    }
    assert!(
        store
            .slot_outcome(&people[0], slot)
            .await
            .unwrap()
            .is_some()
    );
}

async fn the_list_forms_as_each_slot_closes_scaled_and_merged_by_compatible_unit(db: TestDatabase) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    give_recipe(&store, &people[0], "Curry", "4", "400 g rice").await;
    give_recipe(&store, &people[0], "Stir-fry", "2", "0.5 kg rice").await;
    give_recipe(&store, &people[0], "Soup", "4", "1 cup rice").await;
    assert!(lines(&store, &people[0], &plan).await.is_empty());

    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    let after_curry = lines(&store, &people[0], &plan).await;
    assert_eq!(after_curry.len(), 1, "{after_curry:?}");
    assert!(
        after_curry[0].starts_with("rice 400 g <- "),
        "{after_curry:?}"
    );
    assert!(after_curry[0].ends_with("· Curry"), "{after_curry:?}");

    everyone_picks(&store, &people, &slots[1], 1, NOW + 2).await;
    let after_stir_fry = lines(&store, &people[0], &plan).await;
    assert_eq!(after_stir_fry.len(), 1, "one rice line: {after_stir_fry:?}");
    assert!(
        after_stir_fry[0].starts_with("rice 1.4 kg <- "),
        "{after_stir_fry:?}"
    );
    assert!(
        after_stir_fry[0].contains("Curry / ") && after_stir_fry[0].ends_with("Stir-fry"),
        "both sources: {after_stir_fry:?}"
    );

    everyone_picks(&store, &people, &slots[2], 2, NOW + 3).await;
    let after_soup = lines(&store, &people[0], &plan).await;
    assert_eq!(
        after_soup.len(),
        2,
        "cups never merge with grams: {after_soup:?}"
    );
    assert!(
        after_soup[1].starts_with("rice 1 cup <- "),
        "{after_soup:?}"
    );
    let events: i64 = sqlx::query_scalar(
        "select cast(count(*) as bigint) from outbox where kind = 'list_changed' and plan_id = $1",
    )
    .bind(plan.as_str())
    .fetch_one(store.pool())
    .await
    .unwrap();
    assert_eq!(events, 3, "each close tells the household the list changed");
}

async fn closes_racing_each_other_add_each_slots_lines_exactly_once(db: TestDatabase) {
    let store = db.store().await;
    let other_instance = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    give_recipe(&store, &people[0], "Curry", "4", "400 g rice\n2 onions").await;
    // Everyone ranks Curry first on every slot, but not everyone votes: the deadline closes them.
    for slot in &slots {
        let page = store.ballot_page(&people[0], slot, NOW).await.unwrap();
        vote(&store, &people[0], slot, &page, 0, NOW).await;
    }
    let (a, b, c) = tokio::join!(
        store.finalize_due(ClosePath::Trigger, DEADLINE, 100),
        other_instance.finalize_due(ClosePath::Ticker, DEADLINE, 100),
        store.finalize_due(ClosePath::Trigger, DEADLINE, 100),
    );
    let closed = a.unwrap().closed + b.unwrap().closed + c.unwrap().closed;
    assert_eq!(closed, 4, "four slots, each closed once");
    let again = store
        .finalize_due(ClosePath::Trigger, DEADLINE + 1, 100)
        .await
        .unwrap();
    assert_eq!(again.closed, 0);
    let list = lines(&store, &people[0], &plan).await;
    assert_eq!(list.len(), 2, "{list:?}");
    assert!(
        list[0].starts_with("rice 1.6 kg <- "),
        "4 slots × 400 g: {list:?}"
    );
    assert!(list[1].starts_with("onions 8 <- "), "4 slots × 2: {list:?}");
}

async fn a_winner_without_ingredients_adds_one_line_saying_so(db: TestDatabase) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    let list = lines(&store, &people[0], &plan).await;
    assert_eq!(list.len(), 1);
    assert!(
        list[0].starts_with("Curry (no ingredients yet) <- "),
        "{list:?}"
    );
}

async fn a_check_is_a_state_a_replay_changes_nothing_and_an_addition_never_unchecks(
    db: TestDatabase,
) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    give_recipe(&store, &people[0], "Curry", "4", "400 g rice").await;
    give_recipe(&store, &people[0], "Stir-fry", "2", "0.5 kg rice").await;
    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    let (line, ..) = &list.lines[0];
    let op = OpId::parse("op-check-rice-1").unwrap();
    let check = CheckState::Checked {
        op: op.clone(),
        seen: Some(400.0),
    };
    store
        .set_line_checked(&people[1], &plan, &line.id, &check, NOW + 10)
        .await
        .unwrap();
    let unchecked = CheckState::Unchecked {
        op: OpId::parse("op-uncheck-rice-1").unwrap(),
    };
    store
        .set_line_checked(&people[2], &plan, &line.id, &unchecked, NOW + 11)
        .await
        .unwrap();
    // Bob's check arrives again (his phone lost the answer): nothing changes.
    store
        .set_line_checked(&people[1], &plan, &line.id, &check, NOW + 12)
        .await
        .unwrap();
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    assert_eq!(
        list.lines[0].0.checked, None,
        "the replay did not check it again"
    );

    let again = CheckState::Checked {
        op: OpId::parse("op-check-rice-2").unwrap(),
        seen: Some(400.0),
    };
    store
        .set_line_checked(&people[1], &plan, &line.id, &again, NOW + 13)
        .await
        .unwrap();
    everyone_picks(&store, &people, &slots[1], 1, NOW + 14).await;
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    let (line, ..) = &list.lines[0];
    assert_eq!(line.text(), "rice 1.4 kg (400 g checked)");
    assert!(!line.done);
    assert_eq!(line.checked.as_ref().unwrap().by, "Bob");

    let item = NewItem::parse("op-add-milk-1", "2 l milk").unwrap();
    store
        .add_list_item(&people[3], &plan, &item, "Di", NOW + 15)
        .await
        .unwrap();
    store
        .add_list_item(&people[3], &plan, &item, "Di", NOW + 16)
        .await
        .unwrap();
    let all = lines(&store, &people[0], &plan).await;
    assert_eq!(all.len(), 2, "{all:?}");
    assert_eq!(all[1], "milk 2 l <- added by Di", "added once");
}

async fn a_list_of_another_household_is_not_found(db: TestDatabase) {
    let store = db.store().await;
    let (people, plan, _) = household_of_four(&store).await;
    let stranger = home(&store).await;
    assert!(matches!(
        store.shopping_list(&stranger, &plan).await,
        Err(StoreError::NotFound)
    ));
    let item = NewItem::parse("op-stranger-1", "1 kg sugar").unwrap();
    assert!(matches!(
        store
            .add_list_item(&stranger, &plan, &item, "Eve", NOW)
            .await,
        Err(StoreError::NotFound)
    ));
    assert!(lines(&store, &people[0], &plan).await.is_empty());
}

/// The open meals' leaders on the list page's "Probably needed": (meal, dish).
async fn probably(store: &Store, access: &HouseholdAccess, plan: &PlanId) -> Vec<(String, String)> {
    store
        .probable_meals(access, plan, &app::shopping::SameFoods::default())
        .await
        .unwrap()
        .into_iter()
        .map(|meal| (meal.slot, meal.dish))
        .collect()
}

async fn probably_needed_leaves_out_what_an_earlier_meal_wins_first(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    for (plan, no_repeats) in [
        (propose(&store, &ada, "Curry\nSoup\nPasta").await.0, true),
        (
            propose_allowing_repeats(&store, &ada, "Curry\nSoup\nPasta")
                .await
                .0,
            false,
        ),
    ] {
        let slots = store.plan(&ada, &plan, NOW).await.unwrap().slots;
        let (lunch, dinner) = (&slots[0].id, &slots[1].id);
        // Ada likes Curry best at both meals, Soup next at dinner; Bob has not ranked yet.
        let page = store.ballot_page(&ada, lunch, NOW).await.unwrap();
        vote(&store, &ada, lunch, &page, 0, NOW + 1).await;
        let page = store.ballot_page(&ada, dinner, NOW).await.unwrap();
        let curry_then_soup = app::plans::Ranking(vec![
            vec![page.options[0].id.clone()],
            vec![page.options[1].id.clone()],
        ]);
        save_ballot(&store, &ada, dinner, &curry_then_soup, NOW + 2)
            .await
            .unwrap();
        let dinner_leads = if no_repeats { "Soup" } else { "Curry" };
        let expected = vec![
            ("Tue 24 Nov · lunch".to_owned(), "Curry".to_owned()),
            ("Tue 24 Nov · dinner".to_owned(), dinner_leads.to_owned()),
        ];
        assert_eq!(
            probably(&store, &ada, &plan).await,
            expected,
            "lunch would close first and take Curry (no repeats: {no_repeats})"
        );
        // Bob agrees at lunch: it closes with Curry, and dinner still cannot have it.
        let page = store.ballot_page(&bob, lunch, NOW).await.unwrap();
        assert!(vote(&store, &bob, lunch, &page, 0, NOW + 3).await.is_some());
        assert_eq!(
            probably(&store, &ada, &plan).await,
            expected[1..],
            "lunch decided (no repeats: {no_repeats})"
        );
    }
}
