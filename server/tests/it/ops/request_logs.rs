//! The request log: one JSON line per request with its route template, status, latency, request
//! id and, once known, member and household ids; and never a secret or a person's details.

use app::routes;
use serde_json::Value;

use crate::support::{PASSWORD, process::ServerProcess};

/// Each request's completion line, by route template.
fn completions<'a>(lines: &'a [Value], route: &str) -> Vec<&'a Value> {
    lines
        .iter()
        .filter(|line| line["route"] == route && line["message"] == "request completed")
        .collect()
}

#[tokio::test]
async fn a_sign_up_household_and_invite_flow_logs_ids_but_no_secrets() {
    let metrics_token = "scrape-token-never-logged-7c41-0123456789";
    let server = ServerProcess::start(&[("METRICS_TOKEN", metrics_token)]).await;
    let alice = server.person("Zerelda");
    alice.sign_up().await.assert_ok();
    let household = alice.create_household("Quokka Street Kitchen").await;
    let token = alice.create_invite(&household, "7", false).await;
    alice.open(&routes::household(&household)).await.assert_ok();
    let bob = server.person("Thaddeus");
    bob.sign_up().await.assert_ok();
    bob.open(&routes::join(&token)).await.assert_ok();
    bob.join(&token).await.assert_ok();
    let refused = bob.sign_in_with("not-the-password-at-all").await;
    assert!(!refused.status.is_success());
    let alice_id = alice.viewer().await.user_id;
    let bob_id = bob.viewer().await.user_id;
    let scrape = server
        .client
        .get(server.url("/metrics"))
        .bearer_auth(metrics_token)
        .send()
        .await
        .unwrap();
    assert!(scrape.status().is_success());
    let raw = server.stop().await;

    let secrets = [
        alice.email.as_str(),
        bob.email.as_str(),
        "Zerelda",
        "Thaddeus",
        "Quokka Street Kitchen",
        PASSWORD,
        "not-the-password-at-all",
        token.as_str(),
        metrics_token,
    ];
    for line in &raw {
        for secret in secrets {
            assert!(!line.contains(secret), "{secret:?} logged: {line}");
        }
        let lower = line.to_lowercase();
        for word in ["cookie", "authorization", "password_hash", "\"email\""] {
            assert!(!lower.contains(word), "{word:?} logged: {line}");
        }
    }
    let lines: Vec<Value> = raw
        .iter()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect();

    // One line per request, with the route template, never the path with its ids.
    let created = completions(&lines, "/api/create_household");
    assert_eq!(created.len(), 1, "{created:?}");
    let created = created[0];
    assert_eq!(created["level"], "INFO");
    assert_eq!(created["method"], "POST");
    assert_eq!(created["status"], 200);
    assert!(created["latency_ms"].is_u64(), "{created}");
    assert_eq!(
        created["request_id"].as_str().map(str::len),
        Some(36),
        "{created}"
    );
    assert_eq!(created["user_id"], alice_id.as_str());
    assert_eq!(created["household_id"], household.as_str());

    let page = completions(&lines, routes::templates::HOUSEHOLD);
    assert_eq!(page.len(), 1, "{page:?}");
    assert_eq!(page[0]["user_id"], alice_id.as_str());
    assert_eq!(page[0]["household_id"], household.as_str());
    assert_eq!(completions(&lines, routes::templates::JOIN).len(), 1);

    let joined = completions(&lines, "/api/join_household");
    assert_eq!(joined.len(), 1, "{joined:?}");
    assert_eq!(joined[0]["user_id"], bob_id.as_str());
    assert_eq!(joined[0]["household_id"], household.as_str());

    // Lines inside a request carry its fields too: the server function's own line does.
    let account = lines
        .iter()
        .find(|line| line["message"] == "account created" && line["user_id"] == bob_id.as_str())
        .expect("Bob's account creation is logged");
    assert_eq!(account["route"], "/api/sign_up");

    // Distinct requests have distinct ids.
    let mut ids: Vec<&str> = lines
        .iter()
        .filter(|line| line["message"] == "request completed")
        .filter_map(|line| line["request_id"].as_str())
        .collect();
    let requests = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), requests);
    assert!(requests >= 10, "{requests} completion lines");
}

#[tokio::test]
async fn a_server_error_is_logged_at_error_with_its_cause_chain_under_the_request_id() {
    let server = ServerProcess::start(&[]).await;
    let alice = server.person("Alice");
    alice.sign_up().await.assert_ok();
    // Take the table away behind the server's back: creating a household must now fail.
    let store = server.store().await;
    sqlx::query("drop table memberships")
        .execute(store.pool())
        .await
        .unwrap();
    store.close().await;
    let failed = alice.call("create_household", &[("name", "Flat 3")]).await;
    assert_eq!(failed.status, reqwest::StatusCode::INTERNAL_SERVER_ERROR);
    assert!(
        !failed.body.contains("memberships"),
        "internals stay out of the answer"
    );
    let raw = server.stop().await;
    let lines: Vec<Value> = raw
        .iter()
        .map(|line| serde_json::from_str(line).expect("JSON"))
        .collect();

    let completion = lines
        .iter()
        .find(|line| {
            line["route"] == "/api/create_household" && line["message"] == "request failed"
        })
        .expect("the failed request is logged");
    assert_eq!(completion["level"], "ERROR");
    assert_eq!(completion["status"], 500);
    let cause = lines
        .iter()
        .find(|line| line["message"] == "unexpected failure")
        .expect("the cause is logged");
    assert_eq!(cause["level"], "ERROR");
    assert_eq!(cause["request_id"], completion["request_id"]);
    let error = cause["error"].as_str().expect("an error field");
    assert!(error.starts_with("database error: "), "{error}");
    assert!(error.contains("memberships"), "{error}");
}
