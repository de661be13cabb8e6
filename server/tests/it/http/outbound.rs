//! `OUTBOUND=ipv6`, the Lambda target's way out (an egress-only internet gateway): a webhook whose
//! host has no IPv6 address is refused on the form, and one stored before fails each delivery
//! with a `last_error` that names the cause, without a connection.

use app::error::Field;
use axum::http::StatusCode;

use crate::support::{TestApp, TestDatabase};

const IPV6_ONLY: (&str, &str) = ("OUTBOUND", "ipv6");

#[tokio::test]
async fn over_ipv6_only_a_webhook_without_an_ipv6_address_is_refused_and_the_saved_one_kept() {
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[IPV6_ONLY]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let h = household.as_str();
    let reachable = "https://[2606:4700:4700::1111]/hook";
    ada.call("set_webhook", &[("household_id", h), ("url", reachable)])
        .await
        .assert_ok();

    let answer = ada
        .call(
            "set_webhook",
            &[("household_id", h), ("url", "https://1.1.1.1/hook")],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let message = answer.error().for_field(Field::WebhookUrl);
    assert!(
        message
            .as_deref()
            .is_some_and(|m| m.contains("no IPv6 address")
                && m.contains("reaches the internet over IPv6 only")),
        "{answer:?}"
    );
    let settings = ada
        .call("get_webhook_settings", &[("household_id", h)])
        .await;
    assert!(
        settings.body.contains(reachable),
        "the saved webhook is kept"
    );
}

#[tokio::test]
async fn over_ipv6_only_a_stored_ipv4_webhook_fails_naming_the_cause() {
    // Stored while the server reached IPv4 too (or a name that has since lost its AAAA record).
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[]).await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let h = household.as_str();
    ada.call(
        "set_webhook",
        &[("household_id", h), ("url", "https://1.1.1.1/hook")],
    )
    .await
    .assert_ok();
    ada.propose_plan(&household, "Pasta\nCurry").await;

    let sender = server::webhooks::Sender::new(false, server::config::Outbound::Ipv6Only);
    let now = server::clock::now_ms() + 1_000;
    let report = server::webhooks::deliver_due(&app.store, &sender, now, 10)
        .await
        .unwrap();
    assert_eq!((report.delivered, report.failed), (0, 1), "{report:?}");
    let last_error: Option<String> =
        sqlx::query_scalar(r"select last_error from webhook_deliveries")
            .fetch_one(app.store.pool())
            .await
            .unwrap();
    assert_eq!(last_error.as_deref(), Some(server::webhooks::NO_IPV6));
    assert!(server::webhooks::NO_IPV6.contains("no IPv6 address"));
}
