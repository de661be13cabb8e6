//! Live voting progress and nudges as browsers use them: the plan and ballot pages' polls answer
//! 304 with no body while nothing changed and 200 once a ballot arrives; a key opens only its own
//! page's poll; a nudge pressed twice within 12 hours notifies once, and every page names who was
//! nudged; the nudge is a plain form that comes back to its page.

use app::{error::AppError, notifications::GetNotifications, routes};
use reqwest::StatusCode;

use crate::support::{Person, TestApp, household_with_plan};

async fn poll(app: &TestApp, url: &str, key: &str, etag: Option<&str>) -> reqwest::Response {
    let mut request = app.client.get(app.url(url)).header("x-live-key", key);
    if let Some(etag) = etag {
        request = request.header("if-none-match", etag);
    }
    request.send().await.expect("the poll answers")
}

/// How many of `person`'s notifications say they were nudged.
async fn nudges_heard(person: &Person, household: &str) -> Vec<(String, Option<String>)> {
    person
        .fetch_fn(GetNotifications {
            household_id: household.to_owned(),
        })
        .await
        .items
        .into_iter()
        .filter(|n| n.text.contains("nudged you"))
        .map(|n| (n.text, n.href))
        .collect()
}

#[tokio::test]
async fn an_unchanged_plan_or_ballot_page_answers_304_and_a_ballot_moves_both_on() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let view = ada.plan(&household, &plan).await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    assert_eq!(view.live.url, routes::plan_version(&household, &plan));
    assert_eq!(page.live.url, routes::slot_version(&household, &slot));
    assert_eq!(
        view.slots[0].progress.summary(),
        "0 of 2 eating have ranked"
    );

    for live in [&view.live, &page.live] {
        let etag = format!("\"v{}\"", live.version);
        let first = poll(&app, &live.url, &live.key, None).await;
        assert_eq!(first.status(), StatusCode::OK, "{}", live.url);
        assert_eq!(first.headers()["etag"], etag.as_str());
        let unchanged = poll(&app, &live.url, &live.key, Some(&etag)).await;
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED, "{}", live.url);
        assert!(unchanged.bytes().await.unwrap().is_empty(), "no body");
    }

    bob.rank_first(&household, &slot, "Curry").await;
    for live in [&view.live, &page.live] {
        let etag = format!("\"v{}\"", live.version);
        let changed = poll(&app, &live.url, &live.key, Some(&etag)).await;
        assert_eq!(changed.status(), StatusCode::OK, "{}", live.url);
    }
    let after = ada.plan(&household, &plan).await;
    assert_ne!(after.live.version, view.live.version);
    assert_eq!(
        after.slots[0].progress.summary(),
        "1 of 2 eating have ranked"
    );
    let shown = ada.open(&routes::plan(&household, &plan)).await.body;
    assert!(shown.contains("1 of 2 eating have ranked"), "{shown}");
    assert!(shown.contains("Ranked: Bob. Not yet: Ada."), "{shown}");
    assert!(
        shown.contains(&format!("data-live-url=\"{}\"", after.live.url)),
        "{shown}"
    );
}

#[tokio::test]
async fn a_poll_key_opens_only_its_own_page_and_member() {
    let app = TestApp::spawn().await;
    let (ada, bob, household, plan) = household_with_plan(&app).await;
    let view = bob.plan(&household, &plan).await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    // The plan's key does not open the slot's poll, nor the other way round.
    assert_eq!(
        poll(&app, &page.live.url, &view.live.key, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        poll(&app, &view.live.url, &page.live.key, None)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    let list_url = routes::shopping_list_version(&household, &plan);
    assert_eq!(
        poll(&app, &list_url, &view.live.key, None).await.status(),
        StatusCode::UNAUTHORIZED,
        "nor a list's"
    );
    let bob_id = bob.viewer().await.user_id.to_string();
    ada.remove_member(&household, &bob_id).await.assert_ok();
    for live in [&view.live, &page.live] {
        assert_eq!(
            poll(&app, &live.url, &live.key, None).await.status(),
            StatusCode::NOT_FOUND,
            "a removed member's key: {}",
            live.url
        );
    }
}

#[tokio::test]
async fn a_nudge_pressed_twice_within_twelve_hours_notifies_once_and_pages_name_who() {
    let app = TestApp::spawn().await;
    // Cy belongs before the plan is proposed: she is one of the people eating.
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let cy = app.joined(&ada, &household, "Cy").await;
    let plan = ada.propose_plan(&household, "Pasta\nCurry\nSoup").await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let slot = page.slot_id.to_string();
    // Ada ranks; Bob and Cy have not. Ada's plan page offers to nudge them.
    ada.rank_first(&household, &slot, "Curry").await;
    let plan_page = routes::plan(&household, &plan);
    let shown = ada.open(&plan_page).await.body;
    assert!(shown.contains("Nudge Bob and Cy"), "{shown}");

    // Without JavaScript: a plain form that comes back to the page it was sent from.
    let fields = [
        ("household_id", household.as_str()),
        ("slot_id", slot.as_str()),
    ];
    let answer = ada.submit(&plan_page, "nudge_slot", &fields).await;
    let back = answer.location.expect("back to the page");
    assert!(back.trim_end_matches('?').ends_with(&plan_page), "{back}");
    // Bob presses too, from a page that still offered it: nothing more is sent, and he is told.
    let again = bob.call("nudge_slot", &fields).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        matches!(again.error(), AppError::Conflict(message) if message.contains("12 hours")),
        "{again:?}"
    );

    let ballot = routes::ballot(&household, &slot);
    for person in [&bob, &cy] {
        let heard = nudges_heard(person, &household).await;
        assert_eq!(heard.len(), 1, "{}: {heard:?}", person.name);
        assert!(
            heard[0].0.starts_with("Ada nudged you to rank "),
            "{heard:?}"
        );
        assert_eq!(heard[0].1.as_deref(), Some(ballot.as_str()));
    }
    assert!(nudges_heard(&ada, &household).await.is_empty());
    for (person, page) in [(&cy, &plan_page), (&bob, &ballot)] {
        let shown = person.open(page).await.body;
        assert!(shown.contains("Nudged Bob and Cy at "), "{page}: {shown}");
        assert!(
            !shown.contains("Nudge Bob"),
            "no second nudge offered: {shown}"
        );
    }
}
