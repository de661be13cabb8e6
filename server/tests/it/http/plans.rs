//! Meal plans over HTTP, through the real app: proposing, the plan and ballot pages, casting and
//! changing ballots with and without JavaScript, and every rule's refusal.

use app::{
    error::{AppError, Field},
    plans::Ranking,
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
    let page = ada
        .open(&format!("/households/{household}/plans/{plan}"))
        .await;
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
    let page = format!("/households/{household}/propose");
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
    let ballot_page = format!("/households/{household}/slots/{slot}");
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
    assert!(
        back.starts_with(&bob.url(&ballot_page)),
        "back to the ballot page: {back}"
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
                (&pasta, ""),
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
        bob.open(&format!("/households/{household}/plans/{plan}"))
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
