//! One ranking for the week as a browser without JavaScript sends it: "Use this ranking for all
//! meals" is a checkbox of the plain ballot form, and the page it comes back to says how many
//! other meals were saved; "Same as …" is a plain GET of the ballot page that arranges the form
//! and saves nothing.

use app::routes;

use crate::support::{TestApp, household_with_plan};

#[tokio::test]
async fn the_plain_form_saves_one_ranking_for_all_meals_and_same_as_saves_nothing() {
    let app = TestApp::spawn().await;
    let (_ada, bob, household, plan) = household_with_plan(&app).await;
    let view = bob.plan(&household, &plan).await;
    assert!(view.slots.len() >= 2, "a plan of two dinners");
    let (first, second) = (view.slots[0].id.to_string(), view.slots[1].id.to_string());
    let page = bob.ballot_page(&household, &first).await;
    let curry = page
        .options
        .iter()
        .find(|o| o.name == "Curry")
        .expect("Curry")
        .id
        .to_string();
    let ballot = routes::ballot(&household, &first);
    let rank = format!("rank-{curry}");
    let fields = [
        ("household_id", household.as_str()),
        ("slot_id", first.as_str()),
        (rank.as_str(), "1"),
        ("same_for_all", "on"),
    ];
    let answer = bob.submit(&ballot, "cast_ballot", &fields).await;
    let back = answer.location.expect("back to the ballot page");
    assert!(back.ends_with("?saved=1&also=1"), "{back}");
    let shown = bob.open(&back).await.body;
    assert!(
        shown.contains("The same ranking was saved for 1 other meal."),
        "{shown}"
    );
    let other = bob.ballot_page(&household, &second).await;
    let carried: Vec<Vec<String>> = other
        .mine
        .expect("saved")
        .tiers()
        .iter()
        .map(|tier| {
            tier.iter()
                .map(|id| {
                    other
                        .options
                        .iter()
                        .find(|o| &o.id == id)
                        .unwrap()
                        .name
                        .clone()
                })
                .collect()
        })
        .collect();
    assert_eq!(carried, [["Curry"]], "the same dish, by name");

    // "Same as": the first dinner's page lists the second to copy from; the GET arranges it.
    let second_page = routes::ballot(&household, &second);
    let shown = bob.open(&format!("{second_page}?like={first}")).await.body;
    assert!(shown.contains("Arranged like your ranking of"), "{shown}");
    let shown = bob.open(&ballot).await.body;
    assert!(shown.contains("Same as"), "{shown}");
    assert!(
        !shown.contains("Arranged"),
        "Bob's own saved ballot: {shown}"
    );
}
