//! Telling the household through the running app: the notifications page and the unread count
//! in the household's navigation, and webhooks delivered to a real receiver on 127.0.0.1 by
//! `POST /internal/finalize-due` (never by a request), signed and retried with backoff.

use app::routes;
use std::{
    collections::VecDeque,
    sync::{Arc, Mutex},
};

use app::{
    error::{AppError, Field},
    notifications::WebhookSettings,
};
use axum::{body::Bytes, extract::State, http::HeaderMap, http::StatusCode, routing::post};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::support::{Person, TestApp, TestDatabase, input_value};

const SECRET: &str = "a-finalize-secret-for-tests-0123456789";
/// The receivers here listen on 127.0.0.1, which only `WEBHOOKS_ALLOW_PRIVATE` allows.
const LOCAL_RECEIVERS: (&str, &str) = ("WEBHOOKS_ALLOW_PRIVATE", "true");

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HeaderMap,
    body: String,
}

/// A webhook receiver on 127.0.0.1: answers with the queued statuses, then 200.
#[derive(Clone, Default)]
struct Receiver {
    received: Arc<Mutex<Vec<Received>>>,
    statuses: Arc<Mutex<VecDeque<u16>>>,
    url: String,
}

impl Receiver {
    async fn start(statuses: &[u16]) -> Self {
        let mut receiver = Self::default();
        receiver.statuses.lock().unwrap().extend(statuses);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        receiver.url = format!("http://{}/hooks/mealvote", listener.local_addr().unwrap());
        let router = axum::Router::new()
            .route("/hooks/mealvote", post(receive))
            .with_state(receiver.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        receiver
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

async fn receive(State(receiver): State<Receiver>, headers: HeaderMap, body: Bytes) -> StatusCode {
    receiver.received.lock().unwrap().push(Received {
        headers,
        body: String::from_utf8(body.to_vec()).unwrap(),
    });
    let status = receiver.statuses.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

fn header<'a>(request: &'a Received, name: &str) -> &'a str {
    request
        .headers
        .get(name)
        .unwrap_or_else(|| panic!("{name} is sent"))
        .to_str()
        .unwrap()
}

/// Checks the request the way a receiver should: HMAC-SHA256 of "<timestamp>.<body>".
fn assert_signed(request: &Received, secret: &str) {
    let timestamp = header(request, "x-mealvote-timestamp");
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{timestamp}.{}", request.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(
        header(request, "x-mealvote-signature"),
        format!("sha256={expected}")
    );
}

/// Ada's household with Bob in it.
async fn household(app: &TestApp) -> (Person, Person, String) {
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    (ada, bob, household)
}

/// Sets the webhook with a plain form post and returns the secret the page shows once.
async fn set_webhook(admin: &Person, household: &str, url: &str) -> String {
    let page = routes::household(household);
    let answer = admin
        .submit(
            &page,
            "set_webhook",
            &[("household_id", household), ("url", url)],
        )
        .await;
    let location = answer.location.clone().expect("back to the household page");
    assert_eq!(
        location,
        format!("{page}#webhook-heading"),
        "no secret in the URL"
    );
    let shown = admin.open(&location).await;
    let secret = input_value(&shown.body, "new-webhook-secret").expect("shown once, right after");
    assert_eq!(secret.len(), 64);
    let later = admin.open(&page).await;
    assert!(!later.body.contains(&secret), "never again");
    assert!(later.body.contains(url));
    secret
}

async fn webhook_settings(person: &Person, household: &str) -> Result<WebhookSettings, AppError> {
    let answer = person
        .call("get_webhook_settings", &[("household_id", household)])
        .await;
    if answer.status.is_success() {
        Ok(serde_json::from_str(&answer.body).unwrap())
    } else {
        Err(answer.error())
    }
}

#[tokio::test]
async fn the_notifications_page_lists_others_changes_and_marks_them_read_without_javascript() {
    let app = TestApp::spawn().await;
    let (ada, bob, household) = household(&app).await;
    let plan = ada.propose_plan(&household, "Pasta\nCurry").await;
    let page = bob.ballot_page_of_plan(&household, &plan).await;
    let curry = format!("rank-{}", page.options[1].id);
    bob.call(
        "cast_ballot",
        &[
            ("household_id", household.as_str()),
            ("slot_id", page.slot_id.as_str()),
            (curry.as_str(), "1"),
        ],
    )
    .await
    .assert_ok();

    let path = routes::notifications(&household);
    let for_ada = ada.open(&path).await;
    assert_eq!(for_ada.status, 200);
    assert!(for_ada.body.contains("Bob ranked "), "{}", for_ada.body);
    assert!(!for_ada.body.contains("Ada proposed"), "her own");
    assert!(for_ada.body.contains("Mark all as read"));
    assert!(for_ada.body.contains("1 unread."));
    let for_bob = bob.open(&path).await;
    assert!(for_bob.body.contains("Ada proposed “"));
    assert!(!for_bob.body.contains("Bob ranked"));
    for nav in [routes::household(&household), routes::plans(&household)] {
        let opened = ada.open(&nav).await;
        assert!(
            opened.body.contains("Notifications (1 unread)"),
            "{nav}: {}",
            opened.body
        );
    }

    let marked = ada
        .submit(
            &path,
            "mark_notifications_read",
            &[("household_id", household.as_str())],
        )
        .await;
    assert_eq!(marked.location.as_deref(), Some(path.as_str()));
    let after = ada.open(&path).await;
    assert!(after.body.contains("nothing new."));
    assert!(after.body.contains("Bob ranked "), "still listed");
    assert!(!after.body.contains("Mark all as read"));
    let overview = ada.open(&routes::household(&household)).await;
    assert!(overview.body.contains(">Notifications</a>"));
    assert!(
        bob.open(&routes::household(&household))
            .await
            .body
            .contains("Notifications (1 unread)"),
        "Bob's count is his own"
    );

    // Someone else's household: not found, like any household page.
    let eve = app.signed_up("Eve").await;
    assert_eq!(eve.open(&path).await.status, 404);
    let answer = eve
        .call("get_unread_count", &[("household_id", household.as_str())])
        .await;
    assert_eq!(answer.error(), AppError::NotFound);
}

#[tokio::test]
async fn mark_all_as_read_marks_what_the_page_showed_not_what_came_after() {
    let app = TestApp::spawn().await;
    let (ada, bob, household) = household(&app).await;
    bob.propose_plan(&household, "Pasta\nCurry").await;
    let path = routes::notifications(&household);
    let page = ada.open(&path).await;
    let newest: i64 = page
        .body
        .split(r#"name="seen_up_to" value=""#)
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the form carries the newest listed change")
        .parse()
        .unwrap();
    // A change arrives while the page is open, in a later millisecond.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    while server::clock::now_ms() <= newest {
        assert!(std::time::Instant::now() < deadline, "the clock moves");
        tokio::task::yield_now().await;
    }
    bob.propose_plan(&household, "Soup\nSalad").await;

    let seen = newest.to_string();
    ada.submit(
        &path,
        "mark_notifications_read",
        &[
            ("household_id", household.as_str()),
            ("seen_up_to", seen.as_str()),
        ],
    )
    .await;
    let after = ada.open(&path).await;
    assert!(after.body.contains("1 unread."), "{}", after.body);

    // A time in the future is clamped to now; a malformed one is refused.
    let refused = ada
        .call(
            "mark_notifications_read",
            &[("household_id", household.as_str()), ("seen_up_to", "soon")],
        )
        .await;
    assert_eq!(refused.error(), AppError::BadRequest);
    ada.call(
        "mark_notifications_read",
        &[
            ("household_id", household.as_str()),
            ("seen_up_to", &i64::MAX.to_string()),
        ],
    )
    .await
    .assert_ok();
    assert!(ada.open(&path).await.body.contains("nothing new."));
    bob.propose_plan(&household, "Rice\nBeans").await;
    assert!(
        ada.open(&path).await.body.contains("1 unread."),
        "marking never reaches into the future"
    );
}

#[tokio::test]
async fn the_trigger_delivers_a_signed_webhook_to_the_households_receiver() {
    let receiver = Receiver::start(&[]).await;
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("FINALIZE_SECRET", SECRET), LOCAL_RECEIVERS],
    )
    .await;
    let (ada, bob, household) = household(&app).await;
    let secret = set_webhook(&ada, &household, &receiver.url).await;
    let settings = webhook_settings(&ada, &household).await.unwrap();
    assert_eq!(settings.url.as_deref(), Some(receiver.url.as_str()));
    assert!(settings.available);

    bob.propose_plan(&household, "Pasta\nCurry").await;
    assert!(
        receiver.received().is_empty(),
        "a request never waits for delivery"
    );
    let report: serde_json::Value = app.finalize_due(Some(SECRET)).await.json().await.unwrap();
    assert_eq!(
        report["webhooks"],
        serde_json::json!({"delivered": 1, "failed": 0, "abandoned": 0, "deferred": 0})
    );
    let received = receiver.received();
    assert_eq!(received.len(), 1);
    let request = &received[0];
    assert_signed(request, &secret);
    assert_eq!(header(request, "content-type"), "application/json");
    assert_eq!(header(request, "x-mealvote-event"), "plan_proposed");
    let body: serde_json::Value = serde_json::from_str(&request.body).unwrap();
    assert_eq!(body["type"], "plan_proposed");
    assert_eq!(body["household_id"], household.as_str());
    assert_eq!(body["id"], header(request, "x-mealvote-delivery"));
    let timestamp: i64 = header(request, "x-mealvote-timestamp").parse().unwrap();
    assert!((timestamp * 1000 - body["at_ms"].as_i64().unwrap()).abs() < 60_000);
    assert!(!request.body.contains(&secret));

    // Delivered once: the next batch has nothing to send.
    app.finalize_due(Some(SECRET)).await;
    assert_eq!(receiver.received().len(), 1);
}

#[tokio::test]
async fn a_failed_delivery_is_retried_only_after_the_backoff_then_delivered_once() {
    let receiver = Receiver::start(&[500]).await;
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[LOCAL_RECEIVERS]).await;
    let (ada, _bob, household) = household(&app).await;
    let secret = set_webhook(&ada, &household, &receiver.url).await;
    ada.propose_plan(&household, "Pasta\nCurry").await;
    let client = server::webhooks::Sender::new(true, server::config::Outbound::Any);
    let deliver = |now_ms: i64| {
        let (store, client) = (app.store.clone(), client.clone());
        async move {
            server::webhooks::deliver_due(&store, &client, now_ms, 10)
                .await
                .unwrap()
        }
    };
    let last_error = || async {
        sqlx::query_scalar::<_, Option<String>>(r"select last_error from webhook_deliveries")
            .fetch_one(app.store.pool())
            .await
            .unwrap()
    };

    let t0 = server::clock::now_ms() + 1_000;
    let first = deliver(t0).await;
    assert_eq!((first.delivered, first.failed, first.abandoned), (0, 1, 0));
    assert_eq!(last_error().await.as_deref(), Some("status 500"));
    let early = deliver(t0 + 59_999).await;
    assert_eq!(
        (early.delivered, early.failed),
        (0, 0),
        "not before a minute"
    );
    assert_eq!(receiver.received().len(), 1);
    let retried = deliver(t0 + 60_000).await;
    assert_eq!((retried.delivered, retried.failed), (1, 0));
    assert_eq!(last_error().await, None);
    let later = deliver(t0 + 10 * 3_600_000).await;
    assert_eq!((later.delivered, later.failed), (0, 0));

    let received = receiver.received();
    assert_eq!(received.len(), 2, "the failure and the one retry");
    assert_eq!(
        header(&received[0], "x-mealvote-delivery"),
        header(&received[1], "x-mealvote-delivery")
    );
    assert_eq!(received[0].body, received[1].body, "the same event");
    assert_eq!(
        header(&received[1], "x-mealvote-timestamp"),
        ((t0 + 60_000) / 1000).to_string()
    );
    for request in &received {
        assert_signed(request, &secret);
    }
}

#[tokio::test]
async fn only_admins_manage_the_webhook_and_addresses_are_checked() {
    let app = TestApp::spawn().await;
    let (ada, bob, household) = household(&app).await;
    let h = household.as_str();
    for (url, why) in [
        ("http://example.com/hook", "https is required off loopback"),
        ("ftp://example.com/hook", "http(s) only"),
        ("/hook", "absolute"),
        ("https://user:pw@example.com/hook", "no credentials"),
    ] {
        let answer = ada
            .call("set_webhook", &[("household_id", h), ("url", url)])
            .await;
        assert!(
            matches!(answer.error(), AppError::Invalid { .. }),
            "{why}: {answer:?}"
        );
    }
    ada.call(
        "set_webhook",
        &[("household_id", h), ("url", "https://1.1.1.1/hook")],
    )
    .await
    .assert_ok();

    let refused = bob
        .call(
            "set_webhook",
            &[("household_id", h), ("url", "https://1.1.1.1/evil")],
        )
        .await;
    assert_eq!(refused.error(), AppError::AdminOnly);
    let refused = bob.call("remove_webhook", &[("household_id", h)]).await;
    assert_eq!(refused.error(), AppError::AdminOnly);
    let seen_by_bob = webhook_settings(&bob, h).await.unwrap();
    assert_eq!(seen_by_bob.url, None, "members do not see the address");
    assert!(
        !bob.open(&routes::household(h))
            .await
            .body
            .contains("1.1.1.1/hook")
    );

    let eve = app.signed_up("Eve").await;
    let refused = eve
        .call(
            "set_webhook",
            &[("household_id", h), ("url", "https://1.1.1.1/evil")],
        )
        .await;
    assert_eq!(refused.error(), AppError::NotFound);
    assert_eq!(webhook_settings(&eve, h).await, Err(AppError::NotFound));

    ada.call("remove_webhook", &[("household_id", h)])
        .await
        .assert_ok();
    assert_eq!(webhook_settings(&ada, h).await.unwrap().url, None);
}

#[tokio::test]
async fn with_webhooks_disabled_the_section_says_so_and_nothing_is_set() {
    let app = TestApp::spawn_with(
        TestDatabase::sqlite().await,
        &[("WEBHOOKS_ENABLED", "false"), ("FINALIZE_SECRET", SECRET)],
    )
    .await;
    let (ada, _bob, household) = household(&app).await;
    let page = ada.open(&routes::household(&household)).await;
    assert!(
        page.body
            .contains("Webhooks are unavailable on this server.")
    );
    assert!(!webhook_settings(&ada, &household).await.unwrap().available);
    let refused = ada
        .call(
            "set_webhook",
            &[
                ("household_id", household.as_str()),
                ("url", "https://1.1.1.1/hook"),
            ],
        )
        .await;
    assert!(matches!(refused.error(), AppError::Invalid { .. }));
    let report: serde_json::Value = app.finalize_due(Some(SECRET)).await.json().await.unwrap();
    assert_eq!(report["webhooks"]["delivered"], 0);
}

#[tokio::test]
async fn two_batches_at_once_send_each_event_exactly_once() {
    let receiver = Receiver::start(&[]).await;
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[LOCAL_RECEIVERS]).await;
    let (ada, bob, household) = household(&app).await;
    set_webhook(&ada, &household, &receiver.url).await;
    for _ in 0..3 {
        bob.propose_plan(&household, "Pasta\nCurry").await;
    }
    // As two instances' batches would, on their own connections.
    let now = server::clock::now_ms() + 1_000;
    let (one, two) = (app.store.clone(), app.store.clone());
    let client = server::webhooks::Sender::new(true, server::config::Outbound::Any);
    let (a, b) = tokio::join!(
        server::webhooks::deliver_due(&one, &client, now, 10),
        server::webhooks::deliver_due(&two, &client, now, 10),
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.delivered + b.delivered, 3);
    let mut ids: Vec<String> = receiver
        .received()
        .iter()
        .map(|request| header(request, "x-mealvote-delivery").to_owned())
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!((receiver.received().len(), ids.len()), (3, 3));
}

#[tokio::test]
async fn deliveries_not_started_within_the_budget_stay_due_for_the_next_batch() {
    let receiver = Receiver::start(&[]).await;
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[LOCAL_RECEIVERS]).await;
    let (ada, bob, household) = household(&app).await;
    set_webhook(&ada, &household, &receiver.url).await;
    bob.propose_plan(&household, "Pasta\nCurry").await;
    bob.propose_plan(&household, "Soup\nSalad").await;
    let client = server::webhooks::Sender::new(true, server::config::Outbound::Any);
    let now = server::clock::now_ms() + 1_000;

    let out_of_time = server::webhooks::deliver_due_within(
        &app.store,
        &client,
        now,
        10,
        std::time::Duration::ZERO,
    )
    .await
    .unwrap();
    assert_eq!(
        (
            out_of_time.delivered,
            out_of_time.failed,
            out_of_time.deferred
        ),
        (0, 0, 2)
    );
    assert!(
        receiver.received().is_empty(),
        "nothing sent, nothing claimed"
    );

    let next = server::webhooks::deliver_due(&app.store, &client, now, 10)
        .await
        .unwrap();
    assert_eq!(
        (next.delivered, next.deferred),
        (2, 0),
        "due at once, no lease"
    );
    assert_eq!(receiver.received().len(), 2);
}

#[tokio::test]
async fn a_webhook_cannot_point_into_the_servers_own_network() {
    // What an attacker with a free account would try: make a household, then aim its webhook at
    // the machine itself, a private range or the cloud metadata service.
    let receiver = Receiver::start(&[]).await;
    let port = receiver
        .url
        .rsplit(':')
        .next()
        .unwrap()
        .split('/')
        .next()
        .unwrap();
    let app = TestApp::spawn().await;
    let (ada, _bob, household) = household(&app).await;
    let h = household.as_str();
    ada.call(
        "set_webhook",
        &[("household_id", h), ("url", "https://1.1.1.1/hook")],
    )
    .await
    .assert_ok();
    for url in [
        receiver.url.clone(),
        format!("https://127.0.0.1:{port}/hook"),
        format!("https://localhost:{port}/hook"),
        "https://169.254.169.254/latest/meta-data/".to_owned(),
        "https://10.0.0.8/hook".to_owned(),
        "https://100.64.1.1/hook".to_owned(),
        "https://[::1]/hook".to_owned(),
        "https://[::ffff:10.0.0.1]/hook".to_owned(),
        "https://[fd00::1]/hook".to_owned(),
        "https://0.0.0.0/hook".to_owned(),
    ] {
        let answer = ada
            .call("set_webhook", &[("household_id", h), ("url", &url)])
            .await;
        assert_eq!(answer.status, StatusCode::BAD_REQUEST, "{url}");
        let message = answer.error().for_field(Field::WebhookUrl);
        assert!(
            message
                .as_deref()
                .is_some_and(|m| m.contains("public address")),
            "{url}: {answer:?}"
        );
    }
    assert_eq!(
        webhook_settings(&ada, h).await.unwrap().url.as_deref(),
        Some("https://1.1.1.1/hook"),
        "the saved webhook is kept"
    );
    assert!(
        receiver.received().is_empty(),
        "nothing reached the receiver"
    );
}

#[tokio::test]
async fn a_stored_webhook_to_a_private_address_is_checked_again_and_never_sent() {
    // Set while private addresses were allowed (or a name that resolved to a public address then
    // and to a private one now): the address is checked again before every attempt.
    let receiver = Receiver::start(&[]).await;
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[LOCAL_RECEIVERS]).await;
    let (ada, bob, household) = household(&app).await;
    set_webhook(&ada, &household, &receiver.url).await;
    bob.propose_plan(&household, "Pasta\nCurry").await;
    let now = server::clock::now_ms() + 1_000;

    let strict = server::webhooks::Sender::new(false, server::config::Outbound::Any);
    let report = server::webhooks::deliver_due(&app.store, &strict, now, 10)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.failed), (0, 1), "{report:?}");
    assert!(
        receiver.received().is_empty(),
        "no request reached the private address"
    );
}
