//! "Can't eat" in the store on both engines (docs/cant_eat.md): an attendee's food rules out
//! every option with an ingredient of it, and Schulze runs over the rest with every ballot
//! restricted to them; the same member out of the meal rules nothing out; a dish on the list
//! rules out a dish without ingredients; a meal whose every option is ruled out closes with no
//! winner, tells its proposer and adds nothing to the list, and re-opens with a new option.
//! Only the member reads their list.

use app::{
    ids::{OptionId, SlotId},
    plans::{DishName, Ranking, SlotOutcome},
    quotas::{MAX_CANT_EAT, Quota},
    recipes::{Recipe, parse_paste},
    tally::{Election, Variant},
};
use server::{
    access::HouseholdAccess,
    closing::recount::outcome_view,
    db::{PlanRule, Store, StoreError},
};

use super::shopping::dish;
use crate::support::{
    TestDatabase,
    store::{DEADLINE, HOUR, NOW, home, member, propose_allowing_repeats, row_count, save_ballot},
};

crate::on_both_engines!(
    an_attendees_food_rules_an_option_out_and_schulze_runs_over_the_rest,
    a_dish_on_the_list_rules_out_a_dish_without_ingredients,
    every_option_ruled_out_closes_without_a_winner_and_reopens_with_a_new_option,
    only_the_member_reads_their_list_and_it_is_bounded,
    additions_at_once_never_pass_the_bound,
);

async fn give_recipe(store: &Store, access: &HouseholdAccess, name: &str, lines: &str) {
    let recipe = Recipe {
        serves: Some(4),
        link: None,
        ingredients: parse_paste(lines).unwrap(),
        steps: None,
    };
    let id = dish(store, access, name).await;
    store.save_recipe(access, &id, &recipe).await.unwrap();
}

async fn slots(store: &Store, access: &HouseholdAccess, plan: &app::ids::PlanId) -> Vec<SlotId> {
    let view = store.plan(access, plan, NOW).await.unwrap();
    view.slots.into_iter().map(|s| s.id).collect()
}

fn ranking(order: &[&OptionId]) -> Ranking {
    Ranking(order.iter().map(|id| vec![(*id).clone()]).collect())
}

/// The name of the stored winner of `slot`, if any.
async fn winner(store: &Store, access: &HouseholdAccess, slot: &SlotId) -> Option<String> {
    let outcome = store
        .slot_outcome(access, slot)
        .await
        .unwrap()
        .expect("closed");
    let file = outcome.ballot_file().unwrap();
    outcome.winner.map(|w| file.options[w.as_str()].clone())
}

async fn an_attendees_food_rules_an_option_out_and_schulze_runs_over_the_rest(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let cy = member(&store, &ada, "Cy").await;
    let dee = member(&store, &ada, "Dee").await;
    let (plan, _) = propose_allowing_repeats(&store, &ada, "Satay\nCurry\nPasta").await;
    give_recipe(
        &store,
        &ada,
        "Satay",
        "200 g roasted peanuts\n400 g chicken thighs",
    )
    .await;
    give_recipe(&store, &ada, "Curry", "400 g chickpeas\n1 onion").await;
    store.add_cant_eat_food(&ada, "Peanut", NOW).await.unwrap();
    let slots = slots(&store, &ada, &plan).await;
    let (wednesday, thursday) = (&slots[0], &slots[1]);

    let page = store.ballot_page(&ada, wednesday, NOW).await.unwrap();
    let [satay, curry, pasta] = [0, 1, 2].map(|i| page.options[i].id.clone());
    assert_eq!(
        page.cant_eat_mine,
        std::slice::from_ref(&satay),
        "Ada sees her own"
    );
    assert_eq!(page.ruled_out, std::slice::from_ref(&satay));
    let bobs = store.ballot_page(&bob, wednesday, NOW).await.unwrap();
    assert!(bobs.cant_eat_mine.is_empty(), "never another's list");
    assert_eq!(
        bobs.ruled_out,
        std::slice::from_ref(&satay),
        "only that it was ruled out"
    );
    assert_eq!(
        bobs.ruled_out_note().unwrap(),
        "1 option was ruled out for someone eating this meal."
    );

    // With everyone, Satay beats both others 3–1: the Schulze winner if it could win.
    let ballots = [
        (&ada, ranking(&[&satay, &curry, &pasta])),
        (&bob, ranking(&[&satay, &pasta, &curry])),
        (&cy, ranking(&[&satay, &pasta, &curry])),
        (&dee, ranking(&[&pasta, &curry, &satay])),
    ];
    for (i, (who, ranking)) in (1..).zip(&ballots) {
        save_ballot(&store, who, wednesday, ranking, NOW + i)
            .await
            .unwrap();
    }
    let outcome = store
        .slot_outcome(&ada, wednesday)
        .await
        .unwrap()
        .expect("closed");
    let file = outcome.ballot_file().unwrap();
    let record = file.eligibility.clone().unwrap();
    assert_eq!(record.eligible, [curry.to_string(), pasta.to_string()]);
    assert_eq!(record.vetoed_count, 1);
    assert_eq!(
        file.input.ballots.len(),
        4,
        "Ada's ballot counts for the rest"
    );
    // Schulze over the ballots restricted to Curry and Pasta, the profile restricted first.
    let restricted = file.input.restricted_to(&[curry.as_str(), pasta.as_str()]);
    let expected = Election::try_from(&restricted)
        .unwrap()
        .tally(Variant::WinningLex)
        .finalize(outcome.seed);
    assert_eq!(
        outcome.winner.as_ref().map(OptionId::as_str),
        Some(expected.order[0].as_str())
    );
    assert_eq!(
        winner(&store, &ada, wednesday).await.as_deref(),
        Some("Pasta")
    );
    assert!(
        !outcome.export.to_lowercase().contains("peanut"),
        "no food in the file"
    );
    match outcome_view(ada.household_id(), &outcome, false).unwrap() {
        SlotOutcome::Decided(decided) => assert!(
            decided
                .result
                .explanation
                .contains(&"1 option was ruled out for someone eating this meal.".to_owned()),
            "{:?}",
            decided.result.explanation
        ),
        other => panic!("{other:?}"),
    }

    // Ada out of Thursday: her list rules nothing out there, and Satay wins.
    store
        .set_eating(&ada, thursday, false, NOW + 10)
        .await
        .unwrap();
    let page = store.ballot_page(&ada, thursday, NOW + 11).await.unwrap();
    assert!(page.ruled_out.is_empty());
    assert_eq!(page.cant_eat_mine.len(), 1, "still her own to see");
    let thursday_page = store.ballot_page(&bob, thursday, NOW + 11).await.unwrap();
    let ids: Vec<OptionId> = thursday_page.options.iter().map(|o| o.id.clone()).collect();
    for (i, (who, order)) in (12..).zip([(&bob, [0, 2, 1]), (&cy, [0, 2, 1]), (&dee, [2, 1, 0])]) {
        let order = order.map(|j| &ids[j]);
        save_ballot(&store, who, thursday, &ranking(&order), NOW + i)
            .await
            .unwrap();
    }
    assert_eq!(
        winner(&store, &ada, thursday).await.as_deref(),
        Some("Satay")
    );
    let file = store
        .slot_outcome(&ada, thursday)
        .await
        .unwrap()
        .unwrap()
        .ballot_file()
        .unwrap();
    assert_eq!(file.eligibility.unwrap().vetoed_count, 0);
}

async fn a_dish_on_the_list_rules_out_a_dish_without_ingredients(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose_allowing_repeats(&store, &ada, "Soup\nCurry").await;
    let soup = dish(&store, &ada, "Soup").await;
    store.add_cant_eat_dish(&bob, &soup, NOW).await.unwrap();
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    let [soup_option, curry] = [0, 1].map(|i| page.options[i].id.clone());
    assert_eq!(page.ruled_out, std::slice::from_ref(&soup_option));
    assert!(page.cant_eat_mine.is_empty());
    assert_eq!(
        store
            .ballot_page(&bob, &slot, NOW)
            .await
            .unwrap()
            .cant_eat_mine,
        std::slice::from_ref(&soup_option)
    );
    for (i, who) in (1..).zip([&ada, &bob]) {
        save_ballot(
            &store,
            who,
            &slot,
            &ranking(&[&soup_option, &curry]),
            NOW + i,
        )
        .await
        .unwrap();
    }
    assert_eq!(winner(&store, &ada, &slot).await.as_deref(), Some("Curry"));
}

async fn every_option_ruled_out_closes_without_a_winner_and_reopens_with_a_new_option(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, slot) = propose_allowing_repeats(&store, &ada, "Satay\nPeanut noodles").await;
    give_recipe(&store, &ada, "Satay", "200 g peanuts").await;
    give_recipe(
        &store,
        &ada,
        "Peanut noodles",
        "200 g noodles\n3 tbsp peanut butter",
    )
    .await;
    store.add_cant_eat_food(&bob, "peanut", NOW).await.unwrap();
    let page = store.ballot_page(&ada, &slot, NOW).await.unwrap();
    let [satay, noodles] = [0, 1].map(|i| page.options[i].id.clone());
    save_ballot(&store, &ada, &slot, &ranking(&[&satay]), NOW + 1)
        .await
        .unwrap();
    let closed = save_ballot(&store, &bob, &slot, &ranking(&[&noodles]), NOW + 2)
        .await
        .unwrap()
        .expect("everyone eating has ranked");
    assert_eq!(closed.winner, None);

    let outcome = store.slot_outcome(&ada, &slot).await.unwrap().unwrap();
    assert!(outcome.order.is_empty());
    match outcome_view(ada.household_id(), &outcome, true).unwrap() {
        SlotOutcome::NoneSuits {
            ruled_out,
            reopenable,
            ..
        } => assert_eq!((ruled_out, reopenable), (2, true)),
        other => panic!("{other:?}"),
    }
    assert_eq!(row_count(&store, "shopping_lines").await.unwrap(), 0);
    let texts = |list: Vec<app::notifications::Notification>| -> Vec<String> {
        list.into_iter().map(|n| n.text).collect()
    };
    let adas = texts(store.notifications(&ada).await.unwrap());
    assert!(
        adas.iter()
            .any(|t| t.starts_with("No option suits everyone eating")),
        "the proposer is told: {adas:?}"
    );
    let bobs = texts(store.notifications(&bob).await.unwrap());
    assert!(
        !bobs.iter().any(|t| t.starts_with("No option suits")),
        "only the proposer: {bobs:?}"
    );
    assert!(
        bobs.iter()
            .any(|t| t.ends_with("no option suits everyone eating"))
    );
    for text in adas.iter().chain(&bobs) {
        assert!(!text.contains("Bob can") && !text.to_lowercase().contains("peanut butter"));
    }

    // Only the proposer re-opens it, and a dish already an option is no new option.
    let pasta = DishName::parse("Pasta", app::error::Field::Options).unwrap();
    let later = DEADLINE + 24 * HOUR;
    assert!(matches!(
        store
            .reopen_slot_adding(&bob, &slot, Some(&pasta), later, NOW + 3)
            .await,
        Err(StoreError::Rule(PlanRule::ProposerOnly))
    ));
    let satay_name = DishName::parse("satay", app::error::Field::Options).unwrap();
    assert!(matches!(
        store
            .reopen_slot_adding(&ada, &slot, Some(&satay_name), later, NOW + 3)
            .await,
        Err(StoreError::Rule(PlanRule::OptionExists))
    ));
    assert!(
        store.slot_outcome(&ada, &slot).await.unwrap().is_some(),
        "nothing changed"
    );
    store
        .reopen_slot_adding(&ada, &slot, Some(&pasta), later, NOW + 3)
        .await
        .unwrap();
    let page = store.ballot_page(&bob, &slot, NOW + 4).await.unwrap();
    assert!(page.open);
    let names: Vec<&str> = page.options.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Satay", "Peanut noodles", "Pasta"]);
    assert_eq!(
        page.mine,
        Some(ranking(&[&noodles])),
        "the ballots are kept"
    );
    // Bob ranks again, and the new option can win.
    let closed = save_ballot(
        &store,
        &bob,
        &slot,
        &ranking(&[&page.options[2].id]),
        NOW + 5,
    )
    .await
    .unwrap()
    .expect("everyone eating has ranked");
    assert!(closed.winner.is_some());
    assert_eq!(winner(&store, &ada, &slot).await.as_deref(), Some("Pasta"));
    assert!(
        row_count(&store, "shopping_lines").await.unwrap() > 0,
        "the decided meal joins the list, as the unsuited one did not"
    );
}

async fn only_the_member_reads_their_list_and_it_is_bounded(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    let (_, _) = propose_allowing_repeats(&store, &ada, "Satay\nCurry").await;
    give_recipe(&store, &ada, "Satay", "200 g peanuts\n1 lime").await;
    let satay = dish(&store, &ada, "Satay").await;
    store.add_cant_eat_food(&ada, "Peanut", NOW).await.unwrap();
    store.add_cant_eat_food(&ada, "peanut ", NOW).await.unwrap();
    store.add_cant_eat_dish(&ada, &satay, NOW).await.unwrap();
    let list = store.cant_eat_list(&ada, ada.user_id()).await.unwrap();
    assert_eq!(list.foods.len(), 1, "the same food once");
    assert_eq!(list.foods[0].food, "Peanut");
    assert_eq!(list.dishes.len(), 1);
    assert_eq!(list.household_name, "Home");
    assert!(list.dish_choices.iter().all(|d| d.name != "Satay"));
    assert!(list.food_choices.contains(&"peanuts".to_owned()));
    // Bob asks for Ada's list: not found, as for a household he is not in.
    assert!(matches!(
        store.cant_eat_list(&bob, ada.user_id()).await,
        Err(StoreError::NotFound)
    ));
    assert!(
        store
            .cant_eat_list(&bob, bob.user_id())
            .await
            .unwrap()
            .foods
            .is_empty()
    );
    // Removing takes it off; a full list takes nothing more and says why.
    store.remove_cant_eat_food(&ada, "peanut").await.unwrap();
    store.remove_cant_eat_dish(&ada, &satay).await.unwrap();
    let list = store.cant_eat_list(&ada, ada.user_id()).await.unwrap();
    assert!(list.foods.is_empty() && list.dishes.is_empty());
    for i in 0..MAX_CANT_EAT {
        store
            .add_cant_eat_food(&ada, &format!("food {i}"), NOW)
            .await
            .unwrap();
    }
    assert!(matches!(
        store.add_cant_eat_food(&ada, "one more", NOW).await,
        Err(StoreError::Quota(Quota::CantEatFoods))
    ));
    store.add_cant_eat_food(&ada, "food 1", NOW).await.unwrap();
    // Leaving the household takes the list with it.
    store.add_cant_eat_food(&bob, "celery", NOW).await.unwrap();
    store.leave_household(&bob, NOW).await.unwrap();
    assert_eq!(
        row_count(&store, "cant_eat_foods").await.unwrap(),
        i64::from(MAX_CANT_EAT)
    );
}

/// Eight additions at once with one place left: one is added, the others are refused (the
/// member's membership row is taken first; without it PostgreSQL could let two through).
async fn additions_at_once_never_pass_the_bound(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    for i in 0..MAX_CANT_EAT - 1 {
        store
            .add_cant_eat_food(&ada, &format!("food {i}"), NOW)
            .await
            .unwrap();
    }
    let at_once: Vec<_> = (0..8)
        .map(|i| {
            let (store, ada) = (store.clone(), ada.clone());
            tokio::spawn(async move {
                store
                    .add_cant_eat_food(&ada, &format!("late {i}"), NOW)
                    .await
            })
        })
        .collect();
    let mut added = 0;
    for joined in at_once {
        match joined.await.unwrap() {
            Ok(()) => added += 1,
            Err(StoreError::Quota(Quota::CantEatFoods)) => {}
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!(added, 1);
    assert_eq!(
        row_count(&store, "cant_eat_foods").await.unwrap(),
        i64::from(MAX_CANT_EAT)
    );
}
