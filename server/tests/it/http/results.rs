//! Results over HTTP, through the real app on both engines: the results page, the ballot file
//! download re-counted by the real `mealvote tally`, and re-opening a slot nobody voted on.

use app::routes;
use app::{
    error::{AppError, Field},
    ids::{HouseholdId, SlotId},
    plans::{DecidedSlot, ResultsPage, SlotOutcome},
};
use reqwest::{StatusCode, header};
use sha2::{Digest, Sha256};

use crate::support::{Answer, Person, TestApp, TestDatabase, day_from_now, mealvote_bin};

crate::on_both_engines!(
    the_results_page_shows_the_winner_why_and_the_head_to_head_scores,
    the_downloaded_ballot_file_recounts_to_the_stored_result_with_the_real_binary,
    only_the_proposer_reopens_a_slot_nobody_voted_on_and_only_with_a_future_deadline,
);

/// Ada's household with one more member per name in `others`, all in it before Ada proposes a
/// plan (so all are expected voters) with `options` for two dinners.
async fn household(
    app: &TestApp,
    others: &[&str],
    options: &str,
) -> (Person, Vec<Person>, String, String) {
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let mut members = Vec::new();
    for name in others {
        let member = app.joined(&ada, &household, name).await;
        members.push(member);
    }
    let plan = ada.propose_plan(&household, options).await;
    (ada, members, household, plan)
}

/// Casts `who`'s ballot on `slot`: the dishes named, best first, ranks 1, 2, …; others unranked.
async fn vote(who: &Person, household: &str, slot: &str, dishes: &[&str]) {
    let page = who.ballot_page(household, slot).await;
    let fields: Vec<(String, String)> = dishes
        .iter()
        .enumerate()
        .map(|(rank, dish)| {
            let option = page
                .options
                .iter()
                .find(|o| o.name == *dish)
                .unwrap_or_else(|| panic!("no option {dish}"));
            (format!("rank-{}", option.id), (rank + 1).to_string())
        })
        .collect();
    let mut form = vec![("household_id", household), ("slot_id", slot)];
    form.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    who.call("cast_ballot", &form).await.assert_ok();
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

/// A page's HTML without the renderer's `<!>` markers between text pieces, for `contains`.
async fn page_html(who: &Person, path: &str) -> String {
    let page = who.open(path).await;
    assert_eq!(page.status, StatusCode::OK, "{path}");
    page.body.replace("<!>", "")
}

async fn the_results_page_shows_the_winner_why_and_the_head_to_head_scores(db: TestDatabase) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, others, household, plan) =
        household(&app, &["Bob", "Cy", "Dee"], "Spaghetti\nFried rice\nSalad").await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    vote(
        &ada,
        &household,
        &slot,
        &["Spaghetti", "Fried rice", "Salad"],
    )
    .await;
    vote(
        &others[0],
        &household,
        &slot,
        &["Spaghetti", "Salad", "Fried rice"],
    )
    .await;
    vote(
        &others[1],
        &household,
        &slot,
        &["Fried rice", "Spaghetti", "Salad"],
    )
    .await;
    // The last expected ballot closes the slot at once.
    vote(&others[2], &household, &slot, &["Spaghetti", "Fried rice"]).await;

    let page = results(&others[0], &household, &plan).await;
    let first = decided(&page, 0);
    assert_eq!(first.result.winner, "Spaghetti");
    assert_eq!(
        first.result.explanation,
        [
            "4 ballots were counted.",
            "Spaghetti beat Fried rice 3–1 and Salad 4–0."
        ]
    );
    assert!(matches!(page.slots[1].outcome, SlotOutcome::Open { .. }));

    let path = routes::results(&household, &plan);
    let html = page_html(&others[1], &path).await;
    assert!(
        html.contains("Winner: <strong>Spaghetti</strong>"),
        "{html}"
    );
    // Each score is kept on one line (its own span), the sentence otherwise as the tally says it.
    assert!(
        html.contains(
            r#"Spaghetti beat Fried rice <span class="score">3–1</span> and Salad <span class="score">4–0</span>."#
        ),
        "{html}"
    );
    // The head-to-head table: Spaghetti's row, then Fried rice's (the final order).
    for cell in [
        r#"<td class="won">3–1</td>"#,
        r#"<td class="won">4–0</td>"#,
        r#"<td class="lost">1–3</td>"#,
        r#"<td class="won">3–1</td>"#,
    ] {
        assert!(html.contains(cell), "{cell}");
    }
    assert!(html.contains(&first.digest) && html.contains(&first.seed));
    assert!(html.contains(&format!(
        "mealvote tally mealvote-{slot}.json --seed {}",
        first.seed
    )));
    assert!(html.contains(&format!(r#"href="{}""#, routes::export(&household, &slot))));
    assert!(
        !html.contains(&slot_option_id(&ada, &household, &slot).await),
        "no ids shown"
    );

    // The plan page, the plans list and the closed ballot page name the winner and link here.
    let plan_html = page_html(&ada, &routes::plan(&household, &plan)).await;
    assert!(plan_html.contains("Winner: Spaghetti"), "{plan_html}");
    assert!(plan_html.contains(&format!("{path}#slot-{slot}")));
    let list = page_html(&ada, &routes::plans(&household)).await;
    assert!(
        list.contains(": Spaghetti") && list.contains(&path),
        "{list}"
    );
    let ballot = page_html(&ada, &routes::ballot(&household, &slot)).await;
    assert!(
        ballot.contains("Voting has closed") && ballot.contains(&format!("{path}#slot-{slot}"))
    );
}

/// One of the slot's option ids, to check that the page never prints ids.
async fn slot_option_id(who: &Person, household: &str, slot: &str) -> String {
    who.ballot_page(household, slot).await.options[0]
        .id
        .to_string()
}

async fn the_downloaded_ballot_file_recounts_to_the_stored_result_with_the_real_binary(
    db: TestDatabase,
) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, others, household, plan) =
        household(&app, &["Bob", "Cy"], "Pasta\nCurry\nSoup").await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    // A perfect cycle, 2–1 each way round: only the seeded lot can pick the winner.
    vote(&ada, &household, &slot, &["Pasta", "Curry", "Soup"]).await;
    vote(&others[0], &household, &slot, &["Curry", "Soup", "Pasta"]).await;
    vote(&others[1], &household, &slot, &["Soup", "Pasta", "Curry"]).await;
    let page = results(&ada, &household, &plan).await;
    let shown = decided(&page, 0).clone();
    assert!(shown.result.winner_by_lot);
    assert!(
        shown
            .result
            .explanation
            .iter()
            .any(|s| s.contains("broken by lot"))
    );

    // A stranger gets "not found" for the page, the server function and the file.
    let eve = app.signed_up("Eve").await;
    eve.create_household("Eve's").await;
    let export = routes::export(&household, &slot);
    assert_eq!(eve.get(&export).await.status(), StatusCode::NOT_FOUND);
    let answer = eve
        .call(
            "get_results",
            &[("household_id", &household), ("plan_id", &plan)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error(), AppError::NotFound);
    let stranger_page = eve.open(&routes::results(&household, &plan)).await;
    assert_eq!(stranger_page.status, StatusCode::NOT_FOUND);
    // The open slot has nothing to download yet.
    let open_slot = &page.slots[1].id;
    let early = others[0].get(&routes::export(&household, open_slot)).await;
    assert_eq!(early.status(), StatusCode::CONFLICT);

    let download = others[1].get(&export).await;
    assert_eq!(download.status(), StatusCode::OK);
    assert_eq!(download.headers()[header::CONTENT_TYPE], "application/json");
    assert_eq!(
        download.headers()[header::CONTENT_DISPOSITION],
        format!("attachment; filename=\"mealvote-{slot}.json\"").as_str()
    );
    let bytes = download.bytes().await.expect("body");
    let digest: String = Sha256::digest(&bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(digest, shown.digest, "the page's digest covers the file");
    let access = app
        .store
        .household_access(
            &ada.viewer().await.user_id,
            &HouseholdId::try_from(household.clone()).unwrap(),
        )
        .await
        .unwrap();
    let stored = app
        .store
        .slot_outcome(&access, &SlotId::try_from(slot.clone()).unwrap())
        .await
        .unwrap()
        .expect("closed");
    assert_eq!(bytes, stored.export.as_bytes(), "the exact stored bytes");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("mealvote-{slot}.json"));
    std::fs::write(&file, &bytes).unwrap();
    let output = tokio::process::Command::new(mealvote_bin())
        .arg("tally")
        .arg(&file)
        .args(["--seed", &shown.seed])
        .output()
        .await
        .expect("run mealvote tally");
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let recount: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let order: Vec<String> = recount["order"]
        .as_array()
        .expect("an order with --seed")
        .iter()
        .map(|id| id.as_str().unwrap().to_owned())
        .collect();
    let stored_order: Vec<String> = stored.order.iter().map(|id| id.to_string()).collect();
    assert_eq!(
        order, stored_order,
        "the binary reproduces the stored order"
    );
    assert_eq!(
        Some(&order[0]),
        stored.winner.as_ref().map(|w| w.to_string()).as_ref()
    );
    // … which is the order the page shows, in names.
    let file: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    let names: Vec<&str> = order
        .iter()
        .map(|id| file["options"][id].as_str().unwrap())
        .collect();
    let shown_order: Vec<&str> = shown.result.order.iter().map(|p| p.dish.as_str()).collect();
    assert_eq!(names, shown_order);
    assert_eq!(names[0], shown.result.winner);
}

async fn only_the_proposer_reopens_a_slot_nobody_voted_on_and_only_with_a_future_deadline(
    db: TestDatabase,
) {
    let app = TestApp::spawn_with(db, &[]).await;
    let (ada, others, household, plan) = household(&app, &["Bob"], "Pasta\nCurry").await;
    let bob = &others[0];
    let first = ada.plan(&household, &plan).await.slots[0].id.to_string();
    vote(bob, &household, &first, &["Curry"]).await;
    // Time passes: the deadline is behind us. The next read closes both slots lazily.
    sqlx::query("update plans set deadline_at = 1")
        .execute(app.store.pool())
        .await
        .unwrap();
    let view = ada.plan(&household, &plan).await;
    let second = view.slots[1].id.to_string();
    assert_eq!(view.slots[0].winner.as_deref(), Some("Curry"));
    assert!(view.slots[1].closed && view.slots[1].winner.is_none());
    assert!(view.slots[1].reopenable && !view.slots[0].reopenable);
    assert!(!bob.plan(&household, &plan).await.slots[1].reopenable);

    let page = results(bob, &household, &plan).await;
    assert!(matches!(
        page.slots[1].outcome,
        SlotOutcome::NoVotes {
            reopenable: false,
            ..
        }
    ));
    let path = routes::results(&household, &plan);
    let html = page_html(bob, &path).await;
    assert!(html.contains("Closed without votes") && html.contains("Nobody voted"));
    let plan_path = routes::plan(&household, &plan);
    assert!(page_html(&ada, &plan_path).await.contains(r#"id="reopen""#));
    assert!(!page_html(bob, &plan_path).await.contains(r#"id="reopen""#));
    let list = page_html(bob, &routes::plans(&household)).await;
    assert!(list.contains("closed without votes"), "{list}");

    // Another member is refused, with the reason.
    let refused = reopen(bob, &household, &second, &day_from_now(1)).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(
        refused.error().to_string(),
        "Only the member who proposed this plan can change it (any admin can, once they have \
         left the household)."
    );
    // A deadline in the past is refused next to its field.
    let past = reopen(&ada, &household, &second, &day_from_now(-1)).await;
    assert_eq!(past.status, StatusCode::BAD_REQUEST);
    assert!(
        past.error()
            .for_field(Field::DeadlineDate)
            .unwrap()
            .contains("passed")
    );
    // A decided slot never re-opens.
    let decided = reopen(&ada, &household, &first, &day_from_now(1)).await;
    assert_eq!(decided.status, StatusCode::CONFLICT);
    assert!(decided.error().to_string().contains("without a winner"));

    // The proposer re-opens it with the plain form (no JavaScript): back to the plan page.
    let tomorrow = day_from_now(1);
    let answer = ada
        .submit(
            &plan_path,
            "reopen_slot",
            &reopen_form(&household, &second, &tomorrow),
        )
        .await;
    assert!(answer.status.is_redirection(), "{answer:?}");
    assert!(
        answer
            .location
            .as_deref()
            .is_some_and(|l| l.contains(&plan_path) && !l.contains("error")),
        "{answer:?}"
    );
    let view = bob.plan(&household, &plan).await;
    assert!(!view.slots[1].closed && view.slots[1].reopened_deadline_ms.is_some());
    assert!(matches!(
        results(bob, &household, &plan).await.slots[1].outcome,
        SlotOutcome::Open { .. }
    ));
    // And Bob can vote on it again.
    vote(bob, &household, &second, &["Pasta"]).await;
}

fn reopen_form<'a>(household: &'a str, slot: &'a str, date: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("household_id", household),
        ("slot_id", slot),
        ("deadline_date", date),
        ("deadline_time", "18:00"),
        ("utc_offset_minutes", "0"),
    ]
}

async fn reopen(who: &Person, household: &str, slot: &str, date: &str) -> Answer {
    who.call("reopen_slot", &reopen_form(household, slot, date))
        .await
}
