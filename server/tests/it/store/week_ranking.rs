//! One ranking for the week in the store, on both engines: a ranking saved to every other open
//! meal the member eats, by dish, through the one ballot save (so the last expected ballot still
//! closes a meal); "Same as" another meal and a new ballot arranged from past rankings, which
//! save nothing.

use app::plans::{ArrangedFrom, BallotPage, Ranking};
use server::closing::ClosePath;

use crate::support::{
    TestDatabase,
    store::{DEADLINE, NOW, home, member, propose_allowing_repeats, row_count, save_ballot},
};

crate::on_both_engines!(
    a_ranking_is_saved_to_every_other_open_meal_by_dish_and_closes_what_it_completes,
    same_as_and_past_rankings_arrange_the_board_and_save_nothing,
);

/// The option of `page` named `name`.
fn option(page: &BallotPage, name: &str) -> app::ids::OptionId {
    page.options
        .iter()
        .find(|o| o.name == name)
        .unwrap_or_else(|| panic!("no {name}"))
        .id
        .clone()
}

/// A ranking of `page`'s options by name, tier by tier.
fn ranked(page: &BallotPage, tiers: &[&[&str]]) -> Ranking {
    Ranking(
        tiers
            .iter()
            .map(|tier| tier.iter().map(|name| option(page, name)).collect())
            .collect(),
    )
}

async fn a_ranking_is_saved_to_every_other_open_meal_by_dish_and_closes_what_it_completes(
    db: TestDatabase,
) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    // Repeats allowed, so each meal closes on its own (no-repeat plans close in day × meal order).
    let (plan, lunch) = propose_allowing_repeats(&store, &ada, "Curry\nSoup\nPasta").await;
    let slots: Vec<_> = store.plan(&ada, &plan, NOW).await.unwrap().slots;
    assert_eq!(slots.len(), 4);
    // The second day's lunch offers other dishes: Soup, Salad and Rice (no Curry, no Pasta).
    store
        .replace_slot_options(
            &ada,
            &slots[2].id,
            &app::plans::OptionNames::parse("Soup\nSalad\nRice").unwrap(),
            NOW,
        )
        .await
        .unwrap();
    // Bob has ranked the first day's dinner already.
    let dinner = store.ballot_page(&bob, &slots[1].id, NOW).await.unwrap();
    save_ballot(
        &store,
        &bob,
        &slots[1].id,
        &ranked(&dinner, &[&["Pasta"]]),
        NOW,
    )
    .await
    .unwrap();

    let page = store.ballot_page(&ada, &lunch, NOW).await.unwrap();
    let mine = ranked(&page, &[&["Curry"], &["Pasta", "Soup"]]);
    save_ballot(&store, &ada, &lunch, &mine, NOW + 1)
        .await
        .unwrap();
    let saved = store.save_everywhere(&ada, &lunch, NOW + 2).await.unwrap();
    assert_eq!(
        saved, 3,
        "the first dinner, the second day's lunch and dinner"
    );

    let mon_dinner = store
        .ballot_page(&ada, &slots[1].id, NOW + 3)
        .await
        .unwrap();
    assert_eq!(
        mon_dinner.mine,
        Some(ranked(&mon_dinner, &[&["Curry"], &["Soup", "Pasta"]])),
        "the same dishes, the same tiers (a tie in the meal's own order)"
    );
    let tue_lunch = store
        .ballot_page(&ada, &slots[2].id, NOW + 3)
        .await
        .unwrap();
    assert_eq!(
        tue_lunch.mine,
        Some(ranked(&tue_lunch, &[&["Soup"]])),
        "Curry and Pasta dropped; Salad and Rice no opinion"
    );
    // Bob and Ada both have a ballot on the first dinner now: it closed early, as any save does.
    assert!(!mon_dinner.open, "closed by the carried ballot");
    let closed: i64 = row_count(&store, "slot_results").await.unwrap();
    assert_eq!(closed, 1);

    // After the deadline nothing is carried (every meal is closed).
    store
        .finalize_due(ClosePath::Ticker, DEADLINE, 100)
        .await
        .unwrap();
    assert_eq!(
        store
            .save_everywhere(&ada, &lunch, DEADLINE + 1)
            .await
            .unwrap(),
        0
    );
}

async fn same_as_and_past_rankings_arrange_the_board_and_save_nothing(db: TestDatabase) {
    let store = db.store().await;
    let ada = home(&store).await;
    let bob = member(&store, &ada, "Bob").await;
    // Repeats allowed, so each meal closes on its own (no-repeat plans close in day × meal order).
    let (plan, lunch) = propose_allowing_repeats(&store, &ada, "Curry\nSoup\nPasta").await;
    let page = store.ballot_page(&ada, &lunch, NOW).await.unwrap();
    assert_eq!(page.draft, None, "no past ranking to go on");
    assert!(page.my_meals.is_empty());
    save_ballot(
        &store,
        &ada,
        &lunch,
        &ranked(&page, &[&["Soup"], &["Curry"]]),
        NOW + 1,
    )
    .await
    .unwrap();

    // "Same as" the first lunch, on the first dinner: arranged, named, and nothing saved.
    let dinner = store.plan(&ada, &plan, NOW).await.unwrap().slots[1]
        .id
        .clone();
    let plain = store.ballot_page(&ada, &dinner, NOW + 2).await.unwrap();
    assert_eq!(plain.my_meals.len(), 1);
    assert_eq!(plain.my_meals[0].0, lunch);
    let like = store
        .ballot_page_like(&ada, &dinner, Some(&lunch), NOW + 2)
        .await
        .unwrap();
    let (draft, from) = like.draft.clone().expect("arranged");
    assert_eq!(draft, ranked(&like, &[&["Soup"], &["Curry"]]));
    assert_eq!(from, ArrangedFrom::Meal(plain.my_meals[0].1.clone()));
    assert_eq!(like.mine, None, "nothing saved");
    assert_eq!(row_count(&store, "ballots").await.unwrap(), 1);

    // A later plan: a new ballot starts from the past rankings of the same dishes.
    let next = store
        .create_plan(
            &ada,
            &app::plans::NewPlan::parse(
                &app::plans::PlanForm {
                    first_day: "2026-11-30".into(),
                    ..crate::support::store::form("Pasta\nCurry\nSoup\nSalad")
                },
                NOW,
            )
            .unwrap(),
            NOW,
        )
        .await
        .unwrap();
    let first = store.plan(&ada, &next, NOW).await.unwrap().slots[0]
        .id
        .clone();
    let fresh = store.ballot_page(&ada, &first, NOW + 3).await.unwrap();
    let (draft, from) = fresh.draft.clone().expect("arranged from the past");
    assert_eq!(from, ArrangedFrom::Past);
    assert_eq!(draft, ranked(&fresh, &[&["Soup"], &["Curry"]]));
    assert_eq!(
        row_count(&store, "ballots").await.unwrap(),
        1,
        "nothing saved"
    );
    // Bob, who never ranked anything, starts with no opinion.
    let bob_page = store.ballot_page(&bob, &first, NOW + 3).await.unwrap();
    assert_eq!(bob_page.draft, None);
}
