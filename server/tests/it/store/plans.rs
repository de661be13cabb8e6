//! Conformance of the meal-plan store methods (dishes, plans, slots, options, ballots), on both
//! engines.

use app::{
    error::Field,
    plans::{DishDetails, DishName, MealNames, OptionNames, Ranking},
};
use server::db::{PlanRule, StoreError};

use crate::support::{
    TestDatabase,
    store::{
        DEADLINE, HOUR, NOW, first_slot, home, member, plan, propose, rank_first, save_ballot, vote,
    },
};

crate::on_both_engines!(
    meal_names_default_until_the_household_names_its_own,
    the_dish_library_refuses_a_name_it_has_in_any_case,
    a_proposal_makes_one_slot_per_day_and_meal_and_fills_the_library,
    expected_voters_are_the_members_when_the_plan_was_proposed,
    a_ballot_is_saved_replaced_and_shown_to_every_member,
    a_ballot_after_the_deadline_is_refused_and_changes_nothing,
    another_households_plan_and_slot_are_not_found,
    options_can_change_only_before_the_first_ballot_and_only_by_the_proposer,
    the_deadline_moves_later_and_the_change_is_recorded,
);

async fn meal_names_default_until_the_household_names_its_own(db: TestDatabase) {
    let store = db.store().await;
    let access = home(&store).await;
    assert_eq!(
        store.meal_names(&access).await.unwrap(),
        MealNames::defaults()
    );
    let mine = MealNames::parse("Brunch, Supper").unwrap();
    store.set_meal_names(&access, &mine).await.unwrap();
    assert_eq!(
        store.meal_names(&access).await.unwrap().names(),
        ["Brunch", "Supper"]
    );
}

async fn the_dish_library_refuses_a_name_it_has_in_any_case(db: TestDatabase) {
    let store = db.store().await;
    let access = home(&store).await;
    let details = DishDetails::parse("Grandma's", "https://example.com/r").unwrap();
    let soup = DishName::parse("Lentil soup", Field::DishName).unwrap();
    store.add_dish(&access, &soup, &details, NOW).await.unwrap();
    let again = DishName::parse("LENTIL SOUP", Field::DishName).unwrap();
    assert!(matches!(
        store
            .add_dish(&access, &again, &DishDetails::default(), NOW)
            .await,
        Err(StoreError::DishExists)
    ));
    let dishes = store.dishes(&access).await.unwrap();
    assert_eq!(dishes.len(), 1);
    assert_eq!(dishes[0].note.as_deref(), Some("Grandma's"));
    assert_eq!(dishes[0].link.as_deref(), Some("https://example.com/r"));
}

async fn a_proposal_makes_one_slot_per_day_and_meal_and_fills_the_library(db: TestDatabase) {
    let store = db.store().await;
    let access = home(&store).await;
    let soup = DishName::parse("Soup", Field::DishName).unwrap();
    store
        .add_dish(&access, &soup, &DishDetails::default(), NOW)
        .await
        .unwrap();
    let id = store
        .create_plan(&access, &plan("Curry\nsoup\nPasta"), NOW)
        .await
        .unwrap();

    let view = store.plan(&access, &id, NOW).await.unwrap();
    assert_eq!(view.title, "Next week");
    assert_eq!(view.days, "Tue 24 Nov – Wed 25 Nov");
    assert_eq!(view.deadline_ms, DEADLINE);
    assert!(view.open && view.options_editable && view.deadline_movable);
    let labels: Vec<&str> = view.slots.iter().map(|s| s.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "Tue 24 Nov · lunch",
            "Tue 24 Nov · dinner",
            "Wed 25 Nov · lunch",
            "Wed 25 Nov · dinner"
        ]
    );
    // The library's "Soup" is reused (not "soup" added again); the others join it.
    assert_eq!(view.slots[0].options, ["Curry", "Soup", "Pasta"]);
    let names: Vec<String> = store
        .dishes(&access)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert_eq!(names, ["Curry", "Pasta", "Soup"]);

    let list = store.plans(&access).await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].slots, list[0].my_ballots, list[0].open),
        (4, 0, true)
    );
    // Past the deadline, once settled (as every page does), the plan is closed.
    store.settle_household(&access, DEADLINE).await.unwrap();
    assert!(!store.plans(&access).await.unwrap()[0].open);
}

async fn expected_voters_are_the_members_when_the_plan_was_proposed(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let id = store.create_plan(&ada, &plan("A\nB"), NOW).await.unwrap();
    let cy = member(&store, &ada, "Cy").await;
    let slot = first_slot(&store, &ada, &id).await;
    let page = store.ballot_page(&cy, &slot, NOW).await.unwrap();
    let expected: Vec<(&str, bool)> = page
        .voters
        .iter()
        .map(|v| (v.name.as_str(), v.expected))
        .collect();
    assert_eq!(expected, [("Ada", true), ("Bob", true), ("Cy", false)]);
    assert_eq!(page.still_expected, 2);
    // A late joiner may vote; only the expected voters' ballots count towards an early close.
    vote(&store, &cy, &slot, &page, 0, NOW).await;
    vote(&store, &bob, &slot, &page, 1, NOW).await;
    let view = store.plan(&ada, &id, NOW).await.unwrap();
    assert_eq!(view.expected_voters, 2);
    assert_eq!(
        (view.slots[0].ballots, view.slots[0].expected_ballots),
        (2, 1)
    );
    assert_eq!(
        store
            .ballot_page(&ada, &slot, NOW)
            .await
            .unwrap()
            .still_expected,
        1
    );
}

async fn a_ballot_is_saved_replaced_and_shown_to_every_member(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose(&store, &ada, "A\nB\nC").await;
    let page = store.ballot_page(&bob, &slot, NOW).await.unwrap();
    assert_eq!(page.mine, None);
    let tied = Ranking(vec![vec![
        page.options[2].id.clone(),
        page.options[0].id.clone(),
    ]]);
    vote(&store, &bob, &slot, &page, 1, NOW).await;
    save_ballot(&store, &bob, &slot, &tied, NOW + 1)
        .await
        .unwrap();

    let bobs = store.ballot_page(&bob, &slot, NOW).await.unwrap();
    assert_eq!(bobs.mine, Some(tied.clone()));
    assert!(bobs.others.is_empty());
    let adas = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert_eq!(adas.mine, None);
    assert_eq!(adas.others.len(), 1);
    assert_eq!(
        (adas.others[0].member.as_str(), &adas.others[0].ranking),
        ("Bob", &tied)
    );
    let voted: Vec<bool> = adas.voters.iter().map(|v| v.voted).collect();
    assert_eq!(voted, [false, true]);
    assert_eq!(store.plans(&bob).await.unwrap()[0].my_ballots, 1);
}

async fn a_ballot_after_the_deadline_is_refused_and_changes_nothing(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let (_, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    vote(&store, &ada, &slot, &page, 0, NOW).await;
    assert!(matches!(
        save_ballot(&store, &ada, &slot, &rank_first(&page, 1), DEADLINE).await,
        Err(StoreError::Rule(PlanRule::Closed))
    ));
    let after = store.ballot_page(&ada, &slot, DEADLINE).await.unwrap();
    assert!(!after.open);
    assert_eq!(after.mine, Some(rank_first(&page, 0)));
}

async fn another_households_plan_and_slot_are_not_found(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let eve = home(&store).await;
    let (id, slot) = propose(&store, &ada, "A\nB").await;
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    assert!(matches!(
        store.plan(&eve, &id, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.plan_timing(&eve, &id).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.ballot_page(&eve, &slot, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.options_of_slot(&eve, &slot).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        save_ballot(&store, &eve, &slot, &rank_first(&page, 0), NOW).await,
        Err(StoreError::NotFound)
    ));
    let options = OptionNames::parse("X\nY").unwrap();
    assert!(matches!(
        store.replace_slot_options(&eve, &slot, &options, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        store.move_deadline(&eve, &id, DEADLINE + HOUR, NOW).await,
        Err(StoreError::NotFound)
    ));
    assert!(store.plans(&eve).await.unwrap().is_empty());
    assert!(
        store
            .ballot_page(&ada, &slot, NOW)
            .await
            .unwrap()
            .mine
            .is_none()
    );
}

async fn options_can_change_only_before_the_first_ballot_and_only_by_the_proposer(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (id, slot) = propose(&store, &ada, "A\nB").await;
    let new = OptionNames::parse("A\nC\nD").unwrap();
    assert!(matches!(
        store.replace_slot_options(&bob, &slot, &new, NOW).await,
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    ));
    store
        .replace_slot_options(&ada, &slot, &new, NOW)
        .await
        .unwrap();
    let view = store.plan(&ada, &id, NOW).await.unwrap();
    assert_eq!(view.slots[0].options, ["A", "C", "D"]);
    assert_eq!(view.slots[1].options, ["A", "B"], "other slots keep theirs");

    let page = store.ballot_page(&bob, &slot, NOW).await.unwrap();
    vote(&store, &bob, &slot, &page, 2, NOW).await;
    assert!(matches!(
        store
            .replace_slot_options(&ada, &slot, &OptionNames::parse("E\nF").unwrap(), NOW)
            .await,
        Err(StoreError::Rule(PlanRule::BallotsArrived))
    ));
    assert!(!store.plan(&ada, &id, NOW).await.unwrap().options_editable);
    assert_eq!(
        store.plan(&ada, &id, NOW).await.unwrap().slots[0].options,
        ["A", "C", "D"]
    );
}

async fn the_deadline_moves_later_and_the_change_is_recorded(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let id = store.create_plan(&ada, &plan("A\nB"), NOW).await.unwrap();
    assert!(matches!(
        store.move_deadline(&bob, &id, DEADLINE + HOUR, NOW).await,
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    ));
    store
        .move_deadline(&ada, &id, DEADLINE + HOUR, NOW + 5)
        .await
        .unwrap();
    let view = store.plan(&bob, &id, NOW).await.unwrap();
    assert_eq!(view.deadline_ms, DEADLINE + HOUR);
    assert_eq!(view.deadline_changes.len(), 1);
    let change = &view.deadline_changes[0];
    assert_eq!(
        (
            change.by.as_str(),
            change.at_ms,
            change.from_ms,
            change.to_ms
        ),
        ("Ada", NOW + 5, DEADLINE, DEADLINE + HOUR)
    );
    // After the (new) deadline nothing moves it any more.
    assert!(matches!(
        store
            .move_deadline(&ada, &id, DEADLINE + 2 * HOUR, DEADLINE + HOUR)
            .await,
        Err(StoreError::Rule(PlanRule::Closed))
    ));
}
