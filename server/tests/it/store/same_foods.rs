//! A household's synonymous foods in the store, on both engines: a merge folds the lists still in
//! use by compatible unit, keeps what was checked and where each part came from; later closes and
//! items use it; refusals name the problem and change nothing; other households never see it.

use app::{
    ids::PlanId,
    quotas::{MAX_FOOD_ALIASES, Quota},
    shopping::{CheckState, NewItem, OpId, SameFoodProblem},
};
use server::{
    access::HouseholdAccess,
    db::{Store, StoreError},
};

use super::shopping::{everyone_picks, give_recipe, household_of_four, lines};
use crate::support::{
    TestDatabase,
    store::{NOW, home, member, propose},
};

crate::on_both_engines!(
    a_merge_folds_open_lists_by_compatible_unit_and_keeps_what_was_checked,
    later_closes_and_items_join_the_food_merged_into_until_the_merge_is_undone,
    a_merge_that_would_chain_or_cycle_is_resolved_or_refused_and_changes_nothing,
    a_household_keeps_at_most_its_number_of_merges,
    other_households_and_lists_no_longer_in_use_are_untouched,
);

/// 2026-12-10: the plan of [`household_of_four`] (24–25 Nov) is history by then.
const LATER: i64 = NOW + 18 * 24 * 3_600_000;

async fn merge(
    store: &Store,
    access: &HouseholdAccess,
    plan: &PlanId,
    food: &str,
    same_as: &str,
) -> Result<(), StoreError> {
    store
        .merge_foods(access, plan, food, same_as, NOW + 100)
        .await
}

fn problem(result: Result<(), StoreError>) -> SameFoodProblem {
    match result {
        Err(StoreError::SameFood(problem)) => problem,
        other => panic!("expected a refused merge, got {other:?}"),
    }
}

async fn version(store: &Store, access: &HouseholdAccess, plan: &PlanId) -> i64 {
    store.shopping_list(access, plan).await.unwrap().version
}

async fn a_merge_folds_open_lists_by_compatible_unit_and_keeps_what_was_checked(db: TestDatabase) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    give_recipe(
        &store,
        &people[0],
        "Curry",
        "4",
        "3 scallion\n200 g scallion",
    )
    .await;
    give_recipe(
        &store,
        &people[0],
        "Stir-fry",
        "4",
        "2 Spring onion\n1 bunch spring onion",
    )
    .await;
    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    everyone_picks(&store, &people, &slots[1], 1, NOW + 2).await;
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    let scallions = &list.lines[0].0;
    assert_eq!(scallions.text(), "scallion 3");
    let check = CheckState::Checked {
        op: OpId::parse("op-check-scallion").unwrap(),
        seen: Some(3.0),
    };
    store
        .set_line_checked(&people[1], &plan, &scallions.id, &check, NOW + 10)
        .await
        .unwrap();
    let before = version(&store, &people[0], &plan).await;

    merge(&store, &people[2], &plan, "Scallion", "spring onion")
        .await
        .unwrap();
    let after = lines(&store, &people[0], &plan).await;
    assert_eq!(after.len(), 3, "{after:?}");
    assert!(
        after[0].starts_with("spring onion 200 g <- "),
        "grams have no spring onion line to join: renamed, not converted: {after:?}"
    );
    assert!(
        after[1].starts_with("Spring onion 5 (3 checked) <- ")
            && after[1].contains("Stir-fry / ")
            && after[1].ends_with("Curry"),
        "counts joined, Bob's check kept, both sources: {after:?}"
    );
    assert!(
        after[2].starts_with("spring onion 1 bunch <- "),
        "{after:?}"
    );
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    let joined = &list.lines[1].0;
    assert!(!joined.done, "2 more to buy");
    assert_eq!(joined.checked.as_ref().unwrap().by, "Bob");
    assert!(
        list.version > before,
        "other phones see the change: {} > {before}",
        list.version
    );
    assert_eq!(
        list.same_foods,
        [(
            "scallion".to_owned(),
            "Scallion".to_owned(),
            "spring onion".to_owned()
        )]
    );

    // Checked on both sides: the checked amounts add up, and it is done.
    let all = CheckState::Checked {
        op: OpId::parse("op-check-spring-onion").unwrap(),
        seen: Some(5.0),
    };
    store
        .set_line_checked(&people[3], &plan, &joined.id, &all, NOW + 20)
        .await
        .unwrap();
    give_recipe(&store, &people[0], "Soup", "4", "1 scallion").await;
    everyone_picks(&store, &people, &slots[2], 2, NOW + 30).await;
    let after = lines(&store, &people[0], &plan).await;
    assert!(
        after[1].starts_with("Spring onion 6 (5 checked) <- ") && after[1].ends_with("Soup"),
        "a later close joins the merged line without unchecking it: {after:?}"
    );
}

async fn later_closes_and_items_join_the_food_merged_into_until_the_merge_is_undone(
    db: TestDatabase,
) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    merge(&store, &people[0], &plan, "scallion", "spring onion")
        .await
        .unwrap();
    give_recipe(
        &store,
        &people[0],
        "Curry",
        "4",
        "2 scallion\n1 spring onion",
    )
    .await;
    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    let item = NewItem::parse("op-add-scallion", "3 Scallion").unwrap();
    store
        .add_list_item(&people[1], &plan, &item, "Bob", NOW + 2)
        .await
        .unwrap();
    let after = lines(&store, &people[0], &plan).await;
    assert_eq!(after.len(), 1, "{after:?}");
    assert!(
        after[0].starts_with("spring onion 6 <- ") && after[0].ends_with("added by Bob"),
        "{after:?}"
    );

    store.unmerge_food(&people[1], " SCALLION").await.unwrap();
    let item = NewItem::parse("op-add-scallion-2", "1 scallion").unwrap();
    store
        .add_list_item(&people[1], &plan, &item, "Bob", NOW + 3)
        .await
        .unwrap();
    let after = lines(&store, &people[0], &plan).await;
    assert_eq!(
        after,
        [after[0].clone(), "scallion 1 <- added by Bob".to_owned()],
        "undone: its own line again, the merged line stays as it was"
    );
    assert!(after[0].starts_with("spring onion 6 <- "));
    let list = store.shopping_list(&people[0], &plan).await.unwrap();
    assert!(list.same_foods.is_empty());
    // Undoing what is not merged changes nothing.
    store.unmerge_food(&people[1], "leek").await.unwrap();
}

async fn a_merge_that_would_chain_or_cycle_is_resolved_or_refused_and_changes_nothing(
    db: TestDatabase,
) {
    let store = db.store().await;
    let (people, plan, _) = household_of_four(&store).await;
    let ada = &people[0];
    assert_eq!(
        problem(merge(&store, ada, &plan, "Rice", " rice").await),
        SameFoodProblem::Itself {
            food: " rice".into()
        }
    );
    merge(&store, ada, &plan, "scallion", "spring onion")
        .await
        .unwrap();
    let cycle = problem(merge(&store, ada, &plan, "spring onion", "scallion").await);
    assert_eq!(
        cycle.message(),
        "“scallion” is already the same food as “spring onion”, so its lines join “spring \
         onion”'s. Undo that under “Same foods” to turn it round."
    );
    let elsewhere = problem(merge(&store, ada, &plan, "scallion", "leek").await);
    assert_eq!(
        elsewhere,
        SameFoodProblem::AlreadyMerged {
            food: "scallion".into(),
            into: "spring onion".into()
        }
    );
    // The same merge again is fine (it folds again); into a merged food, into its target.
    merge(&store, ada, &plan, "scallion", "Spring Onion")
        .await
        .unwrap();
    merge(&store, ada, &plan, "green onion", "scallion")
        .await
        .unwrap();
    // Merging a food others were merged into takes them along: still no chain.
    merge(&store, ada, &plan, "spring onion", "salad onion")
        .await
        .unwrap();
    let list = store.shopping_list(ada, &plan).await.unwrap();
    let same: Vec<(&str, &str)> = list
        .same_foods
        .iter()
        .map(|(_, food, target)| (food.as_str(), target.as_str()))
        .collect();
    assert_eq!(
        same,
        [
            ("green onion", "salad onion"),
            ("scallion", "salad onion"),
            ("spring onion", "salad onion")
        ],
        "merged in one millisecond: in the order of their names"
    );
    let cycle = problem(merge(&store, ada, &plan, "salad onion", "green onion").await);
    assert!(matches!(cycle, SameFoodProblem::TheOtherWay { .. }));
}

async fn a_household_keeps_at_most_its_number_of_merges(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (plan, _) = propose(&store, &ada, "Curry\nSoup").await;
    for i in 0..MAX_FOOD_ALIASES {
        merge(&store, &ada, &plan, &format!("food {i}"), "the one food")
            .await
            .unwrap();
    }
    let full = merge(&store, &ada, &plan, "one more", "the one food").await;
    assert!(
        matches!(full, Err(StoreError::Quota(Quota::FoodAliases))),
        "{full:?}"
    );
    let list = store.shopping_list(&ada, &plan).await.unwrap();
    assert_eq!(list.same_foods.len(), MAX_FOOD_ALIASES as usize);
    assert!(list.same_foods.iter().all(|(key, ..)| key != "one more"));
    // Merging one already merged again still works at the limit.
    merge(&store, &ada, &plan, "food 0", "the one food")
        .await
        .unwrap();
}

async fn other_households_and_lists_no_longer_in_use_are_untouched(db: TestDatabase) {
    let store = db.store().await;
    let (people, plan, slots) = household_of_four(&store).await;
    give_recipe(
        &store,
        &people[0],
        "Curry",
        "4",
        "3 scallion\n1 spring onion",
    )
    .await;
    everyone_picks(&store, &people, &slots[0], 0, NOW + 1).await;
    let other_ada = home(&store).await;
    let eve = member(&store, &other_ada, "Eve").await;
    let other_people = [other_ada, eve];
    let (other_plan, other_slot) = propose(&store, &other_people[0], "Curry\nSoup").await;
    give_recipe(
        &store,
        &other_people[0],
        "Curry",
        "4",
        "3 scallion\n1 spring onion",
    )
    .await;
    everyone_picks(&store, &other_people, &other_slot, 0, NOW + 1).await;
    let before = lines(&store, &people[0], &plan).await;
    let others_before = lines(&store, &other_people[0], &other_plan).await;

    // Another household's merge, even naming this household's plan, folds only its own lists.
    merge(&store, &other_people[0], &plan, "scallion", "spring onion")
        .await
        .unwrap();
    assert_eq!(lines(&store, &people[0], &plan).await, before);
    assert_eq!(lines(&store, &people[0], &plan).await.len(), 2);
    assert_eq!(
        lines(&store, &other_people[0], &other_plan).await.len(),
        1,
        "{others_before:?}"
    );
    assert!(
        store
            .shopping_list(&people[0], &plan)
            .await
            .unwrap()
            .same_foods
            .is_empty()
    );

    // Weeks later, from another list: this plan's list is history and keeps its lines.
    let (newer, _) = propose(&store, &people[0], "Curry\nSoup").await;
    store
        .merge_foods(&people[0], &newer, "scallion", "spring onion", LATER)
        .await
        .unwrap();
    assert_eq!(lines(&store, &people[0], &plan).await, before);
}
