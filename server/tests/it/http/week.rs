//! The week as a household of four lives it, over HTTP on both engines (docs/closing.md, "Who
//! eats" and "No repeats within a plan"): Bob is out for Wednesday dinner, so it closes once the
//! other three have ranked it, says so, and the list cooks for three and the guests; five dinners
//! with the same rankings each go to a dish that has not won yet, Friday falls back; every
//! result re-counts from its downloaded ballot file with the real `mealvote tally`.

use app::{
    error::{AppError, Field},
    plans::{DecidedSlot, FELL_BACK_SENTENCE, PlanForm, ProposePlan, ResultsPage, SlotOutcome},
    routes,
    shopping::{GetShoppingList, ListPage},
};
use reqwest::StatusCode;

use crate::support::{Person, TestApp, TestDatabase, day_from_now, mealvote_bin};

crate::on_both_engines!(
    bob_out_for_wednesday_dinner_closes_it_on_the_other_three_and_the_list_cooks_for_them,
    five_dinners_go_to_five_dishes_until_every_option_has_won_and_each_recounts,
);

/// Ada's household of four, and a plan of `days` dinners of `options` proposed by Ada.
async fn four_and_a_plan(
    app: &TestApp,
    days: &str,
    options: &str,
    allow_repeats: &str,
) -> (Vec<Person>, String, String) {
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let mut people = vec![ada];
    for name in ["Bob", "Cy", "Dee"] {
        let member = app.joined(&people[0], &household, name).await;
        people.push(member);
    }
    let answer = people[0]
        .call_fn(ProposePlan {
            household_id: household.clone(),
            plan: PlanForm {
                title: String::new(),
                first_day: day_from_now(3),
                days: days.to_owned(),
                meals: "dinner".to_owned(),
                options: options.to_owned(),
                deadline_date: day_from_now(1),
                deadline_time: "18:00".to_owned(),
                utc_offset_minutes: "0".to_owned(),
                allow_repeats: allow_repeats.to_owned(),
            },
        })
        .await;
    answer.assert_ok();
    let plan = answer.location.expect("goes to the plan");
    let plan = plan.rsplit('/').next().unwrap().to_owned();
    (people, household, plan)
}

/// `who` ranks `dishes` on `slot`, best first.
async fn rank(who: &Person, household: &str, slot: &str, dishes: &[&str]) {
    let page = who.ballot_page(household, slot).await;
    let ranks: Vec<(String, String)> = dishes
        .iter()
        .enumerate()
        .map(|(rank, dish)| {
            let option = page.options.iter().find(|o| o.name == *dish).expect(dish);
            (option.id.to_string(), (rank + 1).to_string())
        })
        .collect();
    let ranks: Vec<(&str, &str)> = ranks
        .iter()
        .map(|(o, r)| (o.as_str(), r.as_str()))
        .collect();
    who.cast_ballot(household, slot, &ranks).await.assert_ok();
}

async fn attend(who: &Person, household: &str, slot: &str, eating: &str) -> crate::support::Answer {
    who.call(
        "set_attendance",
        &[
            ("household_id", household),
            ("slot_id", slot),
            ("eating", eating),
        ],
    )
    .await
}

async fn results(who: &Person, household: &str, plan: &str) -> ResultsPage {
    let answer = who
        .call(
            "get_results",
            &[("household_id", household), ("plan_id", plan)],
        )
        .await;
    serde_json::from_str(&answer.assert_ok().body).expect("results")
}

fn decided(page: &ResultsPage, slot: usize) -> &DecidedSlot {
    match &page.slots[slot].outcome {
        SlotOutcome::Decided(decided) => decided,
        other => panic!("slot {slot} is not decided: {other:?}"),
    }
}

/// The slot's ballot file, downloaded, re-counted by the real binary with the seed the page
/// shows: the order it prints, as dish names.
async fn recount_with_the_binary(
    who: &Person,
    household: &str,
    slot: &str,
    seed: &str,
) -> Vec<String> {
    let download = who.get(&routes::export(household, slot)).await;
    assert_eq!(download.status(), StatusCode::OK);
    let bytes = download.bytes().await.unwrap();
    let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert_eq!(file["format"], 2);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ballots.json");
    std::fs::write(&path, &bytes).unwrap();
    for flags in [vec!["--seed", seed], vec!["--derive-seed"]] {
        let output = tokio::process::Command::new(mealvote_bin())
            .arg("tally")
            .arg(&path)
            .args(&flags)
            .output()
            .await
            .expect("run mealvote tally");
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let recount: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        if flags.len() == 1 {
            assert_eq!(
                recount["tie_break"]["seed"], seed,
                "the seed derives from the file"
            );
            continue;
        }
        return recount["order"]
            .as_array()
            .unwrap()
            .iter()
            .map(|id| {
                file["options"][id.as_str().unwrap()]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
    }
    unreachable!("the --seed run returns")
}

async fn bob_out_for_wednesday_dinner_closes_it_on_the_other_three_and_the_list_cooks_for_them(
    db: TestDatabase,
) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (people, household, plan) = four_and_a_plan(&app, "5", "Curry\nPasta\nSoup", "on").await;
    let (ada, bob, cy, dee) = (&people[0], &people[1], &people[2], &people[3]);
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    let curry = settings.dishes.iter().find(|d| d.name == "Curry").unwrap();
    ada.call(
        "save_recipe",
        &[
            ("household_id", household.as_str()),
            ("dish_id", curry.id.as_str()),
            ("serves", "4"),
            ("link", ""),
            ("ingredients", "400 g rice\n8 onions"),
            ("steps", ""),
        ],
    )
    .await
    .assert_ok();
    let wednesday = ada.plan(&household, &plan).await.slots[2].id.to_string();

    // Bob's ballot, cast before he marks out, is kept and not counted.
    rank(bob, &household, &wednesday, &["Pasta", "Curry"]).await;
    attend(bob, &household, &wednesday, "out").await.assert_ok();
    let page = cy.ballot_page(&household, &wednesday).await;
    assert_eq!(
        page.attendance.out,
        ["Bob"],
        "the household sees who is out"
    );
    assert!(!page.attendance.me_out);
    assert_eq!(page.progress.summary(), "0 of 3 eating have ranked");
    assert!(
        bob.ballot_page(&household, &wednesday)
            .await
            .attendance
            .me_out
    );

    // Guests: the proposer's, a bounded whole number, with a message naming the problem.
    let too_many = ada
        .call(
            "set_guests",
            &[
                ("household_id", &household),
                ("slot_id", &wednesday),
                ("guests", "21"),
            ],
        )
        .await;
    assert_eq!(too_many.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        too_many.error(),
        AppError::invalid(Field::Guests, "Guests must be a whole number from 0 to 20.")
    );
    let not_proposer = bob
        .call(
            "set_guests",
            &[
                ("household_id", &household),
                ("slot_id", &wednesday),
                ("guests", "2"),
            ],
        )
        .await;
    assert_eq!(not_proposer.status, StatusCode::CONFLICT);
    ada.call(
        "set_guests",
        &[
            ("household_id", &household),
            ("slot_id", &wednesday),
            ("guests", "2"),
        ],
    )
    .await
    .assert_ok();
    assert_eq!(
        ada.ballot_page(&household, &wednesday)
            .await
            .attendance
            .guests,
        2
    );

    rank(ada, &household, &wednesday, &["Curry", "Pasta"]).await;
    rank(cy, &household, &wednesday, &["Curry", "Soup"]).await;
    let view = ada.plan(&household, &plan).await;
    assert!(!view.slots[2].closed, "Dee has not ranked yet");
    assert_eq!(
        view.slots[2].progress.summary(),
        "2 of 3 eating have ranked"
    );
    rank(dee, &household, &wednesday, &["Pasta", "Curry"]).await;
    let view = ada.plan(&household, &plan).await;
    assert!(view.slots[2].closed, "the third of three eating closed it");
    assert_eq!(view.slots[2].winner.as_deref(), Some("Curry"));

    let page = results(bob, &household, &plan).await;
    let wednesday_result = decided(&page, 2).clone();
    assert_eq!(wednesday_result.result.ballots, 3);
    assert_eq!(
        wednesday_result.result.explanation[0],
        "3 ballots were counted (Bob is out)."
    );

    // Serves 4, for 3 eating and 2 guests: × 5/4 (not × 4/4 for the four expected).
    let list: ListPage = ada
        .fetch_fn(GetShoppingList {
            household_id: household.clone(),
            plan_id: plan.clone(),
        })
        .await;
    let texts: Vec<String> = list.lines().map(|l| l.text()).collect();
    assert_eq!(texts, ["rice 500 g", "onions 10"]);

    // After the close attendance is final, and the stored result and its hash do not move.
    let back = attend(bob, &household, &wednesday, "in").await;
    assert_eq!(back.status, StatusCode::CONFLICT);
    assert_eq!(
        back.error().to_string(),
        "Voting for this meal has closed: who eats it can no longer change."
    );
    let late_out = attend(cy, &household, &wednesday, "out").await;
    assert_eq!(late_out.status, StatusCode::CONFLICT);
    let again = results(ada, &household, &plan).await;
    assert_eq!(decided(&again, 2), &wednesday_result);
    let order = recount_with_the_binary(ada, &household, &wednesday, &wednesday_result.seed).await;
    assert_eq!(order[0], "Curry");
}

async fn five_dinners_go_to_five_dishes_until_every_option_has_won_and_each_recounts(
    db: TestDatabase,
) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (people, household, plan) =
        four_and_a_plan(&app, "5", "Curry\nPasta\nSoup\nRisotto", "").await;
    let slots: Vec<String> = people[0]
        .plan(&household, &plan)
        .await
        .slots
        .iter()
        .map(|s| s.id.to_string())
        .collect();
    assert_eq!(slots.len(), 5);
    // The same rankings every night: Curry > Pasta > Soup > Risotto for three, the reverse for
    // one, so every pair is 3–1.
    let liked = ["Curry", "Pasta", "Soup", "Risotto"];
    let reverse = ["Risotto", "Soup", "Pasta", "Curry"];
    for who in &people[..3] {
        for slot in &slots {
            rank(who, &household, slot, &liked).await;
        }
    }
    // Dee ranks Friday first: every night waits for the ones before it, and her Monday ballot
    // closes Monday and, after it, each later night in turn.
    for slot in slots.iter().rev() {
        let view = people[0].plan(&household, &plan).await;
        assert!(
            view.slots.iter().all(|s| !s.closed),
            "nothing closes before Monday"
        );
        rank(&people[3], &household, slot, &reverse).await;
    }
    let view = people[0].plan(&household, &plan).await;
    let winners: Vec<Option<&str>> = view.slots.iter().map(|s| s.winner.as_deref()).collect();
    assert_eq!(
        winners,
        [
            Some("Curry"),
            Some("Pasta"),
            Some("Soup"),
            Some("Risotto"),
            Some("Curry")
        ]
    );
    // Tuesday's preview had left Curry out: the ballot page says what cannot win.
    let page = results(&people[1], &household, &plan).await;
    let tuesday = decided(&page, 1);
    assert!(
        tuesday
            .result
            .explanation
            .contains(&"Curry could not win: it already won an earlier meal this week.".to_owned()),
        "{:?}",
        tuesday.result.explanation
    );
    let friday = decided(&page, 4);
    assert!(
        friday
            .result
            .explanation
            .contains(&FELL_BACK_SENTENCE.to_owned()),
        "{:?}",
        friday.result.explanation
    );
    for (i, slot) in slots.iter().enumerate() {
        let shown = decided(&page, i);
        let order = recount_with_the_binary(&people[2], &household, slot, &shown.seed).await;
        let shown_order: Vec<&str> = shown.result.order.iter().map(|p| p.dish.as_str()).collect();
        assert_eq!(order, shown_order, "night {i} re-counts from its file");
        assert_eq!(order[0], shown.result.winner);
    }
    assert_eq!(
        decided(&page, 3).result.order.len(),
        1,
        "only Risotto was left on Thursday"
    );
}
