//! Meal plans over HTTP, through the real app: proposing, the plan and ballot pages, casting and
//! changing ballots with and without JavaScript, and every rule's refusal.

use app::routes;
use app::{
    error::{AppError, Field},
    plans::{BallotSaved, Ranking},
};
use reqwest::StatusCode;

use crate::support::{TestApp, day_from_now, household_with_plan};

fn proposal<'a>(
    household: &'a str,
    first_day: &'a str,
    deadline_day: &'a str,
) -> Vec<(&'a str, &'a str)> {
    vec![
        ("household_id", household),
        ("title", ""),
        ("first_day", first_day),
        ("days", "7"),
        ("meals", "lunch, dinner"),
        ("options", "Pasta\nCurry"),
        ("deadline_date", deadline_day),
        ("deadline_time", "18:00"),
        ("utc_offset_minutes", "60"),
    ]
}

#[tokio::test]
async fn a_proposed_week_has_a_slot_per_day_and_meal_and_its_page_lists_them() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let (first, deadline) = (day_from_now(2), day_from_now(1));
    let answer = ada
        .call("propose_plan", &proposal(&household, &first, &deadline))
        .await;
    answer.assert_ok();
    let plan = answer
        .location
        .unwrap()
        .rsplit('/')
        .next()
        .unwrap()
        .to_owned();
    let view = ada.plan(&household, &plan).await;
    assert_eq!(view.slots.len(), 14);
    assert!(view.title.starts_with("Week of "));
    assert_eq!(view.expected_voters, 1);
    let page = ada.open(&routes::plan(&household, &plan)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&view.slots[13].label),
        "the last slot is listed"
    );
    assert!(page.body.contains("Pasta · Curry"));
}

#[tokio::test]
async fn each_bad_proposal_field_is_named_and_nothing_is_saved() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let (first, deadline) = (day_from_now(2), day_from_now(1));
    let cases: Vec<(&str, String, Field)> = vec![
        ("options", "Pasta".to_owned(), Field::Options),
        ("days", "0".to_owned(), Field::Days),
        ("meals", "".to_owned(), Field::Meals),
        ("first_day", "next week".to_owned(), Field::FirstDay),
        ("deadline_date", day_from_now(3), Field::DeadlineDate),
        ("deadline_date", day_from_now(-1), Field::DeadlineDate),
        ("deadline_time", "six".to_owned(), Field::DeadlineTime),
    ];
    for (name, value, field) in cases {
        let mut fields = proposal(&household, &first, &deadline);
        for pair in &mut fields {
            if pair.0 == name {
                pair.1 = &value;
            }
        }
        let answer = ada.call("propose_plan", &fields).await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{name}={value}");
        assert!(
            answer.error().for_field(field).is_some(),
            "{name}={value}: {:?}",
            answer.error()
        );
    }
    let plans = ada
        .call("list_plans", &[("household_id", &household)])
        .await;
    assert_eq!(plans.assert_ok().body, "[]");
}

#[tokio::test]
async fn without_javascript_a_bad_proposal_comes_back_on_the_form_next_to_its_field() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let (first, deadline) = (day_from_now(2), day_from_now(3));
    let page = routes::propose(&household);
    let answer = ada
        .submit(
            &page,
            "propose_plan",
            &proposal(&household, &first, &deadline),
        )
        .await;
    assert!(answer.status.is_redirection());
    let back = answer.location.unwrap();
    assert!(back.starts_with(&ada.url(&page)), "{back}");
    let form = ada.open(back.strip_prefix(&ada.url("")).unwrap()).await;
    assert!(
        form.body
            .contains("Voting must close before the first meal")
    );
    assert!(form.body.contains(r#"id="deadline_date" name="deadline_date" type="date" autocomplete="off" aria-invalid="true""#)
        || form.body.contains(r#"aria-describedby="deadline_date-error""#));
}

#[tokio::test]
async fn a_ballot_cast_by_script_or_plain_form_is_saved_changed_and_seen_by_everyone() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let [pasta, curry, soup] = [0, 1, 2].map(|i| page.options[i].id.to_string());
    let key = |id: &str| format!("rank-{id}");

    // The board (script): curry, then pasta; soup no opinion.
    let (k_curry, k_pasta, k_soup) = (key(&curry), key(&pasta), key(&soup));
    bob.call(
        "cast_ballot",
        &[
            ("household_id", &household),
            ("slot_id", &slot),
            (&k_curry, "1"),
            (&k_pasta, "2"),
            (&k_soup, ""),
        ],
    )
    .await
    .assert_ok();
    let mine = bob.ballot_page(&household, &slot).await.mine.unwrap();
    assert_eq!(mine.ranks().get(&k_curry).map(String::as_str), Some("1"));
    assert_eq!(mine.ranks().get(&k_pasta).map(String::as_str), Some("2"));
    assert!(!mine.ranks().contains_key(&k_soup));

    // The plain form (no JavaScript): a tie between soup and pasta; back to the ballot page.
    let ballot_page = routes::ballot(&household, &slot);
    let answer = bob
        .submit(
            &ballot_page,
            "cast_ballot",
            &[
                ("household_id", &household),
                ("slot_id", &slot),
                (&k_soup, "3"),
                (&k_pasta, "3"),
                (&k_curry, ""),
            ],
        )
        .await;
    assert!(answer.status.is_redirection(), "{answer:?}");
    let back = answer.location.unwrap();
    assert_eq!(
        back,
        format!("{ballot_page}?saved=1"),
        "back to the ballot page"
    );
    let confirmed = bob.open(&back).await.body;
    assert!(
        confirmed.contains("Saved. You can change your ranking until voting closes."),
        "the page confirms the save"
    );
    let changed = bob.ballot_page(&household, &slot).await.mine.unwrap();
    assert_eq!(changed.tiers().len(), 1);
    assert_eq!(changed.tiers()[0].len(), 2);

    // Ada sees Bob's ballot (households are transparent) and that he voted.
    let adas = ada.ballot_page(&household, &slot).await;
    assert_eq!(adas.others.len(), 1);
    assert_eq!(adas.others[0].member, "Bob");
    assert_eq!(adas.others[0].ranking, changed);
    assert_eq!(adas.still_expected, 1, "Ada herself has not voted");
    let html = ada.open(&ballot_page).await;
    assert!(
        html.body
            .contains("every member can see how everyone ranked")
    );
    assert!(
        html.body.contains("How the others ranked") && html.body.contains("Pasta = Soup"),
        "Ada reads Bob's tie on the page itself"
    );
    assert!(
        html.body.contains(&format!(r#"name="rank-{pasta}""#)),
        "the plain form's rank inputs"
    );
}

#[tokio::test]
async fn a_malformed_ballot_is_refused_by_name_and_the_saved_one_stays() {
    let app = TestApp::spawn().await;
    let (_ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let curry = format!("rank-{}", page.options[1].id);
    bob.call(
        "cast_ballot",
        &[
            ("household_id", &household),
            ("slot_id", &slot),
            (&curry, "1"),
        ],
    )
    .await
    .assert_ok();
    let saved = bob.ballot_page(&household, &slot).await.mine;

    let answer = bob
        .call(
            "cast_ballot",
            &[
                ("household_id", &household),
                ("slot_id", &slot),
                (&curry, "first"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.error(),
        AppError::Ballot(
            "The rank for “Curry” must be a whole number from 1 to 20, or empty for no opinion."
                .to_owned()
        )
    );
    let unknown = "rank-00000000-0000-4000-8000-000000000000";
    let answer = bob
        .call(
            "cast_ballot",
            &[
                ("household_id", &household),
                ("slot_id", &slot),
                (unknown, "1"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(matches!(answer.error(), AppError::Ballot(m) if m.contains("does not have")));
    assert_eq!(bob.ballot_page(&household, &slot).await.mine, saved);
}

#[tokio::test]
async fn after_the_deadline_a_ballot_is_refused_and_the_saved_one_stays() {
    let app = TestApp::spawn().await;
    let (_ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let pasta = format!("rank-{}", page.options[0].id);
    bob.call(
        "cast_ballot",
        &[
            ("household_id", &household),
            ("slot_id", &slot),
            (&pasta, "1"),
        ],
    )
    .await
    .assert_ok();
    // Time passes: the deadline is now behind us.
    sqlx::query("update plans set deadline_at = 1")
        .execute(app.store.pool())
        .await
        .unwrap();
    let answer = bob
        .call(
            "cast_ballot",
            &[
                ("household_id", &household),
                ("slot_id", &slot),
                (&pasta, "2"),
                (&format!("rank-{}", page.options[1].id), "1"),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert_eq!(answer.error(), AppError::VotingClosed);
    let after = bob.ballot_page(&household, &slot).await;
    assert!(!after.open);
    assert_eq!(
        after.mine,
        Some(Ranking(vec![vec![page.options[0].id.clone()]]))
    );
}

#[tokio::test]
async fn the_proposer_edits_options_until_the_first_ballot_and_moves_the_deadline_later() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    let edit = |options: &'static str| {
        [
            ("household_id", household.clone()),
            ("slot_id", slot.clone()),
            ("options", options.to_owned()),
        ]
    };
    let as_refs = |f: &[(&'static str, String); 3]| {
        f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
    };

    let fields = as_refs(&edit("Tacos\nPasta"));
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let answer = bob.call("edit_slot_options", &fields).await;
    assert_eq!(answer.status, StatusCode::CONFLICT, "only the proposer");
    ada.call("edit_slot_options", &fields).await.assert_ok();
    assert_eq!(
        ada.plan(&household, &plan).await.slots[0].options,
        ["Tacos", "Pasta"]
    );

    let page = bob.ballot_page(&household, &slot).await;
    let tacos = format!("rank-{}", page.options[0].id);
    bob.call(
        "cast_ballot",
        &[
            ("household_id", &household),
            ("slot_id", &slot),
            (&tacos, "1"),
        ],
    )
    .await
    .assert_ok();
    let answer = ada.call("edit_slot_options", &fields).await;
    assert_eq!(answer.status, StatusCode::CONFLICT);
    assert!(matches!(answer.error(), AppError::Conflict(m) if m.contains("Options are fixed")));

    let later = day_from_now(2);
    let answer = ada
        .call(
            "move_deadline",
            &[
                ("household_id", &household),
                ("plan_id", &plan),
                ("deadline_date", &later),
                ("deadline_time", "09:00"),
                ("utc_offset_minutes", "0"),
            ],
        )
        .await;
    answer.assert_ok();
    let today = day_from_now(0);
    let answer = ada
        .call(
            "move_deadline",
            &[
                ("household_id", &household),
                ("plan_id", &plan),
                ("deadline_date", &today),
                ("deadline_time", "23:59"),
                ("utc_offset_minutes", "0"),
            ],
        )
        .await;
    assert_eq!(
        answer.error().for_field(Field::DeadlineDate).as_deref(),
        Some("A deadline can only move later.")
    );
    let view = bob.plan(&household, &plan).await;
    assert_eq!(view.deadline_changes.len(), 1);
    assert_eq!(view.deadline_changes[0].by, "Ada");
    assert!(
        bob.open(&routes::plan(&household, &plan))
            .await
            .body
            .contains("moved the deadline")
    );
}

#[tokio::test]
async fn a_ballot_with_a_missing_field_is_a_bad_request_not_a_server_error() {
    let app = TestApp::spawn().await;
    let (_ada, bob, household, _plan) = household_with_plan(&app).await;
    let answer = bob
        .call("cast_ballot", &[("household_id", &household)])
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(answer.error(), AppError::BadRequest);
    assert_eq!(
        answer.error().to_string(),
        "The form could not be read. Please reload the page and try again."
    );
}

#[tokio::test]
async fn a_ballot_that_ranks_nothing_is_saved_only_once_confirmed() {
    let app = TestApp::spawn().await;
    let (_ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let unranked: Vec<String> = page
        .options
        .iter()
        .map(|option| format!("rank-{}", option.id))
        .collect();
    let mut fields = vec![
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
    ];
    fields.extend(unranked.iter().map(|key| (key.as_str(), "")));

    // The board (script): refused with the question, nothing saved.
    let asked = bob.call("cast_ballot", &fields).await;
    assert_eq!(asked.status, StatusCode::BAD_REQUEST);
    assert_eq!(asked.error(), AppError::EmptyBallot);
    assert!(
        asked
            .error()
            .to_string()
            .starts_with("Save with no opinion on any dish?")
    );
    assert_eq!(bob.ballot_page(&household, &slot).await.mine, None);

    // The plain form: back to the page, which asks and offers the confirming button.
    let ballot_page = routes::ballot(&household, &slot);
    let answer = bob.submit(&ballot_page, "cast_ballot", &fields).await;
    let back = answer.location.expect("back to the ballot page");
    let back = back.strip_prefix(&bob.url("")).unwrap_or(&back);
    let question = bob.open(back).await.body;
    assert!(
        question.contains("Save with no opinion on any dish?"),
        "{question}"
    );
    assert!(question.contains("name=\"confirm_empty\""), "{question}");
    assert_eq!(bob.ballot_page(&household, &slot).await.mine, None);

    // Confirmed: saved as a ballot with no opinion.
    fields.push(("confirm_empty", "on"));
    let saved = bob.call("cast_ballot", &fields).await;
    saved.assert_ok();
    let mine = bob.ballot_page(&household, &slot).await.mine;
    assert_eq!(mine.map(|ranking| ranking.tiers().len()), Some(0));
}

#[tokio::test]
async fn the_last_expected_ballot_is_told_it_closed_the_vote_and_who_won() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let curry = page.options[1].id.as_str();

    let first = ada.cast_ballot(&household, &slot, &[(curry, "1")]).await;
    let first: BallotSaved = serde_json::from_str(&first.assert_ok().body).unwrap();
    assert!(!first.closed, "Bob has not voted yet");
    assert_eq!(
        first.message(),
        "Saved. You can change your ranking until voting closes."
    );

    let last = bob.cast_ballot(&household, &slot, &[(curry, "1")]).await;
    let last: BallotSaved = serde_json::from_str(&last.assert_ok().body).unwrap();
    assert!(last.closed);
    assert_eq!(last.winner.as_deref(), Some("Curry"));
    assert_eq!(
        last.message(),
        "Saved. Yours was the last ballot expected, so voting has closed: Curry won."
    );
    assert_eq!(
        last.results_href,
        routes::slot_results(&household, &plan, &slot)
    );
}

#[tokio::test]
async fn without_javascript_the_closing_ballot_goes_back_to_a_page_that_says_so() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let curry = format!("rank-{}", page.options[1].id);
    ada.cast_ballot(&household, &slot, &[(page.options[1].id.as_str(), "1")])
        .await
        .assert_ok();
    let ballot_page = routes::ballot(&household, &slot);
    let fields = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
        (curry.as_str(), "1"),
    ];
    let answer = bob.submit(&ballot_page, "cast_ballot", &fields).await;
    let back = answer.location.expect("back to the ballot page");
    assert_eq!(back, format!("{ballot_page}?saved=closed"));
    let shown = bob.open(&back).await.body;
    assert!(
        shown.contains("Yours was the last ballot expected, so voting has closed"),
        "{shown}"
    );
    assert!(shown.contains(&routes::slot_results(&household, &plan, &slot)));
    assert!(!shown.contains("Still waiting for 1 member"), "{shown}");
}
