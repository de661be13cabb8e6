//! Webhook deliveries never go through a proxy named in the environment: the connection must go
//! to the address the target check approved (docs/notifications.md, "Where a webhook may point").
//! The real binary runs with `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` (both cases) pointing at
//! a listener on 127.0.0.1 that counts connections.

use std::sync::{
    Arc,
    atomic::{AtomicUsize, Ordering},
};

use axum::{extract::State, http::StatusCode, routing::post};

use crate::support::process::ServerProcess;

const SECRET: &str = "a-finalize-secret-for-tests-0123456789";

/// A listener on 127.0.0.1 that counts the connections it gets and closes each at once.
async fn counting_listener() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&count);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            counted.fetch_add(1, Ordering::SeqCst);
            drop(stream);
        }
    });
    (format!("http://{address}"), count)
}

/// A webhook receiver on 127.0.0.1 that counts the deliveries it gets.
async fn receiver() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks/mealvote", listener.local_addr().unwrap());
    let count = Arc::new(AtomicUsize::new(0));
    let router = axum::Router::new()
        .route(
            "/hooks/mealvote",
            post(|State(count): State<Arc<AtomicUsize>>| async move {
                count.fetch_add(1, Ordering::SeqCst);
                StatusCode::OK
            }),
        )
        .with_state(Arc::clone(&count));
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, count)
}

#[tokio::test]
async fn a_proxy_in_the_environment_does_not_carry_webhook_deliveries() {
    let (proxy, proxied) = counting_listener().await;
    let (url, received) = receiver().await;
    let mut vars = vec![
        ("FINALIZE_SECRET", SECRET),
        ("TICKER_INTERVAL_SECS", "0"),
        // The receiver is on 127.0.0.1, which only this allows.
        ("WEBHOOKS_ALLOW_PRIVATE", "true"),
    ];
    for name in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        vars.push((name, proxy.as_str()));
    }
    let server = ServerProcess::start(&vars).await;
    let ada = server.person("Ada");
    ada.sign_up().await.assert_ok();
    let household = ada.create_household("Home").await;
    ada.call(
        "set_webhook",
        &[("household_id", &household), ("url", &url)],
    )
    .await
    .assert_ok();
    ada.propose_plan(&household, "Pasta\nCurry").await;

    let report: serde_json::Value = server
        .client
        .post(server.url("/internal/finalize-due"))
        .header("x-finalize-secret", SECRET)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(report["webhooks"]["delivered"], 1, "{report}");
    assert_eq!(
        received.load(Ordering::SeqCst),
        1,
        "straight to the receiver"
    );
    assert_eq!(proxied.load(Ordering::SeqCst), 0, "never through the proxy");
    server.stop().await;
}
