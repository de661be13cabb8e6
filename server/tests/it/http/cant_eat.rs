//! "Can't eat" through the running app: Ada keeps "peanut" on her own list with plain forms, her
//! ballot says "You can't eat this" on Satay, and Bob, scanning every response he can obtain for
//! the plan (pages, server functions' JSON, notifications, the calendar feed, the ballot file
//! and the webhook bodies delivered to a receiver on 127.0.0.1), finds neither the food nor
//! Ada's name next to the veto, only "1 option was ruled out for someone eating this meal".
//! Asking for Ada's list gets him 404.

use std::sync::{Arc, Mutex};

use app::{error::AppError, routes};
use axum::{body::Bytes, extract::State, http::StatusCode, routing::post};

use crate::support::{Person, TestApp, TestDatabase, input_value};

const SECRET: &str = "a-finalize-secret-for-tests-0123456789";
const SENTENCE: &str = "1 option was ruled out for someone eating this meal.";

/// The webhook bodies a receiver on 127.0.0.1 got.
#[derive(Clone, Default)]
struct Bodies(Arc<Mutex<Vec<String>>>);

async fn receive(State(bodies): State<Bodies>, body: Bytes) -> StatusCode {
    bodies
        .0
        .lock()
        .unwrap()
        .push(String::from_utf8(body.to_vec()).unwrap());
    StatusCode::OK
}

async fn receiver() -> (Bodies, String) {
    let bodies = Bodies::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    let router = axum::Router::new()
        .route("/hooks", post(receive))
        .with_state(bodies.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (bodies, url)
}

/// Bob's calendar feed, as his calendar app fetches it.
async fn calendar(app: &TestApp, bob: &Person) -> String {
    let answer = bob.call("create_calendar_feed", &[]).await;
    let location = answer
        .assert_ok()
        .location
        .clone()
        .expect("to the households page");
    let page = bob.open(&location).await.body;
    let link = input_value(&page, "calendar-link").expect("the new link is shown");
    let token = link
        .strip_suffix(".ics")
        .and_then(|link| link.rsplit('/').next())
        .unwrap()
        .to_owned();
    app.get(&routes::calendar_feed(token))
        .await
        .text()
        .await
        .unwrap()
}

/// Neither the food nor Ada's name beside a veto, nor Ada's own "You can't eat this".
fn assert_private(what: &str, body: &str) {
    let lower = body.to_lowercase();
    assert!(!lower.contains("peanut"), "{what} names the food: {body}");
    assert!(
        !body.contains("You can't eat this"),
        "{what} shows Ada's list"
    );
    for (at, _) in lower.match_indices("ruled out") {
        let around = &body[at.saturating_sub(120)..(at + 120).min(body.len())];
        assert!(!around.contains("Ada"), "{what} names who: {around}");
    }
}

#[tokio::test]
async fn nobody_else_learns_who_cant_eat_what_only_that_an_option_was_ruled_out() {
    let (bodies, url) = receiver().await;
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[
            ("FINALIZE_SECRET", SECRET),
            ("WEBHOOKS_ALLOW_PRIVATE", "true"),
        ],
    )
    .await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let ada_id = ada.viewer().await.user_id.to_string();
    let page = routes::household(&household);
    ada.submit(
        &page,
        "set_webhook",
        &[("household_id", &household), ("url", &url)],
    )
    .await;
    let plan = ada.propose_plan(&household, "Satay\nCurry\nPasta").await;
    let settings = ada
        .fetch_fn(app::plans::GetMealSettings {
            household_id: household.clone(),
        })
        .await;
    let satay = settings.dishes.iter().find(|d| d.name == "Satay").unwrap();
    ada.call(
        "save_recipe",
        &[
            ("household_id", &household),
            ("dish_id", satay.id.as_str()),
            ("serves", "4"),
            ("link", ""),
            ("ingredients", "200 g roasted peanuts\n400 g chicken thighs"),
            ("steps", ""),
        ],
    )
    .await
    .assert_ok();

    // Ada adds the food on her own list page with a plain form (no JavaScript).
    let list_page = routes::cant_eat(&household, &ada_id);
    let added = ada
        .submit(
            &list_page,
            "add_cant_eat_food",
            &[("household_id", &household), ("food", "Peanut")],
        )
        .await;
    assert_eq!(added.location.as_deref(), Some(list_page.as_str()));
    let own = ada.open(&list_page).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("Peanut"));
    assert!(
        own.body
            .contains("in a household of two the other can often guess who")
    );
    let refused = ada
        .submit(
            &list_page,
            "add_cant_eat_food",
            &[("household_id", &household), ("food", "   ")],
        )
        .await;
    assert!(
        refused.location.is_some(),
        "back to the form with the error"
    );
    let kept = ada.open(&list_page).await;
    assert!(
        kept.body.contains("Peanut"),
        "a refused change loses nothing"
    );

    // Bob asking for Ada's list: not found, page and server function alike.
    assert_eq!(bob.open(&list_page).await.status, StatusCode::NOT_FOUND);
    let answer = bob
        .call(
            "get_cant_eat",
            &[("household_id", &household), ("member_id", &ada_id)],
        )
        .await;
    assert_eq!(answer.status, StatusCode::NOT_FOUND);
    assert_eq!(answer.error(), AppError::NotFound);

    let view = ada.plan(&household, &plan).await;
    let (first, second) = (view.slots[0].id.to_string(), view.slots[1].id.to_string());
    let adas = ada.ballot_page(&household, &first).await;
    assert_eq!(adas.cant_eat_mine, [adas.options[0].id.clone()]);
    let ballot_html = ada.open(&routes::ballot(&household, &first)).await.body;
    assert!(ballot_html.contains("You can't eat this"));
    let bobs = bob.ballot_page(&household, &first).await;
    assert!(bobs.cant_eat_mine.is_empty());
    assert_eq!(bobs.ruled_out, [bobs.options[0].id.clone()]);
    // Both rank Satay first: it cannot win.
    ada.rank_first(&household, &first, "Satay").await;
    bob.rank_first(&household, &first, "Satay").await;
    let results = bob.plan(&household, &plan).await;
    assert!(results.slots[0].closed);
    assert_ne!(results.slots[0].winner.as_deref(), Some("Satay"));
    app.finalize_due(Some(SECRET)).await;

    let mut seen = Vec::new();
    for path in [
        routes::ballot(&household, &first),
        routes::ballot(&household, &second),
        routes::plan(&household, &plan),
        routes::results(&household, &plan),
        routes::notifications(&household),
        routes::household(&household),
        routes::export(&household, &first),
        routes::shopping_list(&household, &plan),
    ] {
        let answer = bob.open(&path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        seen.push((path, answer.body));
    }
    for (function, fields) in [
        (
            "get_ballot_page",
            vec![
                ("household_id", household.as_str()),
                ("slot_id", first.as_str()),
            ],
        ),
        (
            "get_ballot_page",
            vec![
                ("household_id", household.as_str()),
                ("slot_id", second.as_str()),
            ],
        ),
        (
            "get_plan",
            vec![
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
            ],
        ),
        (
            "get_results",
            vec![
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
            ],
        ),
        (
            "get_notifications",
            vec![("household_id", household.as_str())],
        ),
        (
            "get_shopping_list",
            vec![
                ("household_id", household.as_str()),
                ("plan_id", plan.as_str()),
            ],
        ),
    ] {
        let answer = bob.call(function, &fields).await;
        answer.assert_ok();
        seen.push((function.to_owned(), answer.body));
    }
    seen.push(("calendar".to_owned(), calendar(&app, &bob).await));
    let hooks = bodies.0.lock().unwrap().clone();
    assert!(
        hooks.iter().any(|body| body.contains("slot_closed")),
        "the close was delivered: {hooks:?}"
    );
    for body in hooks {
        seen.push(("webhook".to_owned(), body));
    }
    for (what, body) in &seen {
        assert_private(what, body);
    }
    let said = |what: &str| {
        seen.iter()
            .any(|(w, body)| w == what && body.contains(SENTENCE))
    };
    assert!(
        said(&routes::ballot(&household, &second)),
        "the open meal's preview says it"
    );
    assert!(
        said(&routes::results(&household, &plan)),
        "the result says it"
    );
}
