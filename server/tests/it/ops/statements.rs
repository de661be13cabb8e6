//! What a request costs in SQL statements, as the server counts them itself (`sql_statements` on
//! each request's log line; `telemetry::statements`). The budgets are deterministic: a count,
//! not a timing. Signed-out landing page 0; a member's ballot page at most 4 (5 before they have
//! ranked the meal: their past rankings arrange the board); a ballot save at
//! most 8 (re-casts included); the largest proposal allowed (28 meals × 20 options, 560 options
//! written) at most 13; a ballot that closes its slot at most 17 (its winner joining the shopping
//! list is 2 of them); a plan's shopping list page at most 4; every live page's unchanged poll
//! (the list's, a plan's progress, a ballot page's) 1 (past a process's first, which reads the
//! signing key, as does the first page that issues a poll key; and a household's first list,
//! which lays out its aisles).

use app::routes;
use serde_json::Value;

use crate::{
    on_both_engines,
    support::{Person, TestDatabase, process::ServerProcess},
};

on_both_engines!(requests_stay_within_their_statement_budgets);

const LANDING: usize = 0;
const BALLOT_PAGE: usize = 4;
/// The ballot page of a member with no ballot on the meal yet: and the one read of their past
/// rankings that arranges their board (docs/plans.md, "One ranking for the week").
const NEW_BALLOT_PAGE: usize = BALLOT_PAGE + 1;
const BALLOT_SAVE: usize = 8;
/// 12, and the household's row lock that makes the bounds on plans race-safe.
const LARGEST_PROPOSAL: usize = 13;
/// A ballot that closes its slot: the save, the count and result, its events (`slot_closed`,
/// `list_changed`, `plan_decided`: two statements however many), and the winner's lines joining
/// the shopping list (the household's merged foods among them, one upsert).
const CLOSING_SAVE: usize = 17;
const LIST_PAGE: usize = 4;
const UNCHANGED_POLL: usize = 1;

/// The statement counts of every completed request to `route` with `method`.
fn statements(lines: &[Value], method: &str, route: &str) -> Vec<usize> {
    lines
        .iter()
        .filter(|line| {
            line["route"] == route
                && line["method"] == method
                && line["message"] == "request completed"
        })
        .map(|line| {
            let count = line["sql_statements"]
                .as_u64()
                .unwrap_or_else(|| panic!("no statement count: {line}"));
            usize::try_from(count).unwrap()
        })
        .collect()
}

async fn signed_up(server: &ServerProcess, name: &str) -> Person {
    let person = server.person(name);
    person.sign_up().await.assert_ok();
    person
}

async fn requests_stay_within_their_statement_budgets(db: TestDatabase) {
    // As a deploy does: migrate first; `serve` leaves PostgreSQL's schema alone.
    db.store().await.close().await;
    let server = ServerProcess::start_on(db, &[]).await;
    let ada = signed_up(&server, "Ada").await;
    let household = ada.create_household("Home").await;
    let token = ada.create_invite(&household, "7", false).await;
    let bob = signed_up(&server, "Bob").await;
    bob.join(&token).await.assert_ok();
    let cy = signed_up(&server, "Cy").await;
    cy.join(&token).await.assert_ok();
    let plan = ada.propose_plan(&household, "Pasta\nCurry\nSoup").await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    let rank = |i: usize| format!("rank-{}", page.options[i].id);

    let visitor = server.person("Visitor");
    for _ in 0..2 {
        visitor.open("/").await.assert_ok();
    }
    let ballot_page = routes::ballot(&household, &slot);
    for _ in 0..2 {
        bob.open(&ballot_page).await.assert_ok();
        ada.open(&ballot_page).await.assert_ok();
    }
    // A first ballot, a changed one, and a second member's; the slot stays open (Cy).
    for ranks in [["1", "2", ""], ["2", "1", "1"]] {
        let fields = [
            ("household_id".to_owned(), household.clone()),
            ("slot_id".to_owned(), slot.clone()),
            (rank(0), ranks[0].to_owned()),
            (rank(1), ranks[1].to_owned()),
            (rank(2), ranks[2].to_owned()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (&**k, &**v)).collect();
        bob.call("cast_ballot", &fields).await.assert_ok();
        ada.call("cast_ballot", &fields).await.assert_ok();
    }
    bob.open(&ballot_page).await.assert_ok();
    let options: Vec<String> = (1..=20).map(|i| format!("Dish {i}")).collect();
    let largest = [
        ("household_id", household.as_str()),
        ("title", "A fortnight"),
        ("first_day", &crate::support::day_from_now(3)),
        ("days", "14"),
        ("meals", "lunch, dinner"),
        ("options", &options.join("\n")),
        ("deadline_date", &crate::support::day_from_now(1)),
        ("deadline_time", "18:00"),
        ("utc_offset_minutes", "0"),
    ];
    ada.call("propose_plan", &largest).await.assert_ok();

    // Cy's ballot closes the slot: its winner joins the list.
    let fields = [
        ("household_id".to_owned(), household.clone()),
        ("slot_id".to_owned(), slot.clone()),
        (rank(1), "1".to_owned()),
    ];
    let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (&**k, &**v)).collect();
    cy.call("cast_ballot", &fields).await.assert_ok();
    let list_page = routes::shopping_list(&household, &plan);
    for _ in 0..3 {
        ada.open(&list_page).await.assert_ok();
    }
    let list = ada
        .fetch_fn(app::shopping::GetShoppingList {
            household_id: household.clone(),
            plan_id: plan.to_string(),
        })
        .await;
    let client = reqwest::Client::new();
    let poll_url = server.url(&routes::shopping_list_version(&household, &plan));
    for _ in 0..3 {
        let polled = client
            .get(&poll_url)
            .header("x-live-key", &list.poll_key)
            .header("if-none-match", format!("\"v{}\"", list.version))
            .send()
            .await
            .unwrap();
        assert_eq!(polled.status(), reqwest::StatusCode::NOT_MODIFIED);
    }

    // The plan page's and the ballot page's polls, unchanged since the page was read.
    let view = ada.plan(&household, &plan).await;
    let page = ada.ballot_page(&household, &slot).await;
    for live in [&view.live, &page.live] {
        for _ in 0..3 {
            let polled = client
                .get(server.url(&live.url))
                .header("x-live-key", &live.key)
                .header("if-none-match", format!("\"v{}\"", live.version))
                .send()
                .await
                .unwrap();
            assert_eq!(
                polled.status(),
                reqwest::StatusCode::NOT_MODIFIED,
                "{}",
                live.url
            );
        }
    }

    let lines: Vec<Value> = server
        .stop()
        .await
        .iter()
        .filter_map(|line| serde_json::from_str(line).ok())
        .collect();
    let landing = statements(&lines, "GET", "/");
    let pages = statements(&lines, "GET", routes::templates::BALLOT);
    let saves = statements(&lines, "POST", "/api/cast_ballot");
    let proposals = statements(&lines, "POST", "/api/propose_plan");
    let list_pages = statements(&lines, "GET", "/households/{id}/plans/{plan}/list");
    let polls = statements(&lines, "GET", routes::templates::SHOPPING_LIST_VERSION);
    let plan_polls = statements(&lines, "GET", routes::templates::PLAN_VERSION);
    let slot_polls = statements(&lines, "GET", routes::templates::SLOT_VERSION);
    eprintln!(
        "statements: landing {landing:?}, ballot page {pages:?}, ballot save {saves:?}, \
         proposals {proposals:?}, list page {list_pages:?}, unchanged poll {polls:?}, \
         plan poll {plan_polls:?}, slot poll {slot_polls:?}"
    );
    // The list's polls came first and read the signing key: these never do.
    for (what, polls) in [("plan", &plan_polls), ("slot", &slot_polls)] {
        assert_eq!(polls.len(), 3, "{what} poll");
        assert!(
            polls.iter().all(|&n| n <= UNCHANGED_POLL),
            "{what} poll {polls:?}"
        );
    }
    assert_eq!(list_pages.len(), 3);
    // The first of each in a process also reads (or makes) its signing keys, two statements a
    // key, once; the household's first list page lays out its aisles, one.
    assert!(
        list_pages[1..].iter().all(|&n| n <= LIST_PAGE) && list_pages[0] <= LIST_PAGE + 5,
        "list page {list_pages:?}"
    );
    assert_eq!(polls.len(), 3);
    assert!(
        polls[1..].iter().all(|&n| n <= UNCHANGED_POLL) && polls[0] <= UNCHANGED_POLL + 2,
        "poll {polls:?}"
    );
    assert_eq!(landing.len(), 2);
    assert!(landing.iter().all(|&n| n == LANDING), "landing {landing:?}");
    assert_eq!(pages.len(), 5);
    // The first issues the process's first poll key: it reads (or makes) the signing key. The
    // first four are read before Ada and Bob have ranked the meal, the last after.
    assert!(
        pages[1..4].iter().all(|&n| n <= NEW_BALLOT_PAGE)
            && pages[0] <= NEW_BALLOT_PAGE + 2
            && pages[4] <= BALLOT_PAGE,
        "ballot page {pages:?}"
    );
    assert_eq!(saves.len(), 5);
    let (saves, closing) = saves.split_at(4);
    assert!(
        saves.iter().all(|&n| n <= BALLOT_SAVE),
        "ballot save {saves:?}"
    );
    assert!(
        closing[0] <= CLOSING_SAVE,
        "closing ballot save {closing:?}"
    );
    assert_eq!(proposals.len(), 2);
    assert!(
        proposals.iter().all(|&n| n <= LARGEST_PROPOSAL),
        "proposal {proposals:?}"
    );
    // The counter counts: a page that reads the database shows it.
    assert!(pages.iter().all(|&n| n > 0), "ballot page {pages:?}");
}
