//! CloudWatch embedded metric format: with `METRICS_EMF=true` the server writes EMF lines to
//! stdout. Every line is checked against the EMF specification and the metric contract in
//! docs/operations.md, and the numbers against what the server did (and what `/metrics` says,
//! since both are fed by the same recording functions). The server runs as a child process so
//! that nothing else in the test process records into it.

use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::StatusCode;
use serde_json::Value;
use server::metrics as m;

use crate::support::{process::ServerProcess, prometheus::value};

const TOKEN: &str = "test-scrape-token-5b1e-0123456789abcdef";

/// Each metric of the contract with its unit and its one dimension set.
const CONTRACT: &[(&str, &str, &[&str])] = &[
    ("Requests", "Count", &["Route", "StatusClass"]),
    ("RequestLatency", "Milliseconds", &["Route", "StatusClass"]),
    ("BallotsSaved", "Count", &[]),
    ("SlotsClosed", "Count", &["Path"]),
    ("TiesBrokenByLot", "Count", &[]),
    ("SignInFailures", "Count", &[]),
    ("PoolInUse", "Count", &[]),
    ("PoolIdle", "Count", &[]),
    ("FinalizeDueDuration", "Milliseconds", &[]),
];

fn now_ms() -> u64 {
    u64::try_from(
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis(),
    )
    .unwrap()
}

/// The lines that are EMF documents (they carry `_aws`), each checked against the
/// specification and the contract; `since_ms` bounds their timestamps.
fn emf_documents(lines: &[String], since_ms: u64) -> Vec<Value> {
    lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .filter(|line| line.get("_aws").is_some())
        .inspect(|document| check_document(document, since_ms))
        .collect()
}

/// The specification's rules (root `_aws` with a millisecond `Timestamp` and a
/// `CloudWatchMetrics` array of directives; each directive's `Namespace`, `Dimensions` as arrays
/// of at most 30 strings and `Metrics` as at most 100 `{Name, Unit}`; every dimension and metric
/// named is a top-level member; values are numbers or `Values`/`Counts` arrays of equal length),
/// then the contract's names, units and dimension sets.
fn check_document(document: &Value, since_ms: u64) {
    let aws = document["_aws"].as_object().expect("_aws is an object");
    let timestamp = aws["Timestamp"].as_u64().expect("Timestamp is an integer");
    assert!(
        (since_ms..=now_ms()).contains(&timestamp),
        "Timestamp {timestamp} is in milliseconds, within the run: {document}"
    );
    let directives = aws["CloudWatchMetrics"]
        .as_array()
        .expect("CloudWatchMetrics is an array");
    assert!(!directives.is_empty(), "{document}");
    for directive in directives {
        assert_eq!(directive["Namespace"], "mealvote", "{document}");
        let sets = directive["Dimensions"]
            .as_array()
            .expect("Dimensions array");
        assert!(!sets.is_empty(), "{document}");
        let sets: Vec<Vec<&str>> = sets
            .iter()
            .map(|set| {
                let set = set.as_array().expect("a dimension set is an array");
                assert!(set.len() <= 30, "at most 30 dimensions: {document}");
                set.iter()
                    .map(|name| {
                        let name = name.as_str().expect("dimension names are strings");
                        assert!(
                            document[name].is_string(),
                            "dimension {name} is a top-level string: {document}"
                        );
                        name
                    })
                    .collect()
            })
            .collect();
        let metrics = directive["Metrics"].as_array().expect("Metrics array");
        assert!(!metrics.is_empty() && metrics.len() <= 100, "{document}");
        for metric in metrics {
            let name = metric["Name"].as_str().expect("Name is a string");
            let unit = metric["Unit"].as_str().expect("Unit is a string");
            check_value(&document[name], document);
            let (_, want_unit, want_dimensions) = CONTRACT
                .iter()
                .find(|(contract, _, _)| *contract == name)
                .unwrap_or_else(|| panic!("{name} is not in the contract: {document}"));
            assert_eq!(unit, *want_unit, "{name}'s unit");
            assert_eq!(sets, [want_dimensions.to_vec()], "{name}'s dimensions");
        }
    }
}

fn check_value(value: &Value, document: &Value) {
    if value.is_number() {
        return;
    }
    let values = value["Values"].as_array().expect("a number or Values");
    let counts = value["Counts"].as_array().expect("Counts beside Values");
    assert_eq!(values.len(), counts.len(), "{document}");
    assert!(!values.is_empty() && values.len() <= 100, "{document}");
    assert!(values.iter().all(Value::is_number), "{document}");
    assert!(counts.iter().all(Value::is_u64), "{document}");
    let total: u64 = counts.iter().filter_map(Value::as_u64).sum();
    assert_eq!(value["Count"].as_u64(), Some(total), "{document}");
}

/// The sum of `metric` over the documents whose dimensions are `dimensions`.
fn sum(documents: &[Value], metric: &str, dimensions: &[(&str, &str)]) -> f64 {
    documents
        .iter()
        .filter(|d| dimensions.iter().all(|(name, value)| d[*name] == *value))
        .filter_map(|d| match &d[metric] {
            Value::Number(n) => n.as_f64(),
            Value::Object(_) => d[metric]["Count"].as_f64(),
            _ => None,
        })
        .sum()
}

#[tokio::test]
async fn emf_lines_follow_the_specification_and_count_what_the_server_did() {
    let started = now_ms();
    // An hour between flushes: everything arrives in the flush at shutdown.
    let server = ServerProcess::start(&[
        ("METRICS_EMF", "true"),
        ("METRICS_EMF_INTERVAL_SECS", "3600"),
        ("METRICS_TOKEN", TOKEN),
    ])
    .await;
    server.three_health_checks_and_two_missing_pages().await;
    let ada = server.person("Ada");
    ada.sign_up().await.assert_ok();
    let wrong = server.person("Ada").sign_in_with("not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    // Ada alone: her ballot is everyone's, so the slot closes at once.
    let household = ada.create_household("Flat 3").await;
    let plan = ada.propose_plan(&household, "Pasta\nCurry").await;
    let page = ada.ballot_page_of_plan(&household, &plan).await;
    let pasta = page.options[0].id.as_str();
    ada.cast_ballot(&household, page.slot_id.as_str(), &[(pasta, "1")])
        .await
        .assert_ok();
    let exposition = server
        .client
        .get(server.url("/metrics"))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let lines = server.stop().await;
    let documents = emf_documents(&lines, started);
    assert!(!documents.is_empty(), "EMF lines on stdout: {lines:#?}");

    let healthz = [("Route", "/healthz"), ("StatusClass", "2xx")];
    assert_eq!(sum(&documents, "Requests", &healthz), 3.0);
    assert_eq!(sum(&documents, "RequestLatency", &healthz), 3.0);
    let unmatched = [("Route", "(unmatched)"), ("StatusClass", "4xx")];
    assert_eq!(sum(&documents, "Requests", &unmatched), 2.0);
    let sign_in = [("Route", "/api/sign_in"), ("StatusClass", "4xx")];
    assert_eq!(sum(&documents, "Requests", &sign_in), 1.0);
    let ballot = [("Route", "/api/cast_ballot"), ("StatusClass", "2xx")];
    assert_eq!(sum(&documents, "Requests", &ballot), 1.0);
    assert_eq!(sum(&documents, "BallotsSaved", &[]), 1.0);
    assert_eq!(sum(&documents, "SignInFailures", &[]), 1.0);
    assert_eq!(
        sum(&documents, "SlotsClosed", &[("Path", "everyone_voted")]),
        1.0
    );
    assert_eq!(sum(&documents, "TiesBrokenByLot", &[]), 0.0);
    let pool = documents
        .iter()
        .find(|d| d.get("PoolInUse").is_some())
        .expect("the pool is sampled");
    assert!(pool["PoolIdle"].is_u64(), "{pool}");

    // The same recording functions fed /metrics: the counts agree.
    let prometheus = |name: &str, labels: &[(&str, &str)]| {
        value(&exposition, name, labels).unwrap_or_else(|| panic!("{name}: {exposition}"))
    };
    assert_eq!(prometheus(m::BALLOTS_CAST, &[]), 1.0);
    assert_eq!(prometheus(m::SIGN_IN_FAILURES, &[]), 1.0);
    assert_eq!(
        prometheus(
            m::HTTP_REQUESTS,
            &[("route", "/healthz"), ("method", "GET"), ("status", "200")]
        ),
        3.0
    );
    // Every request counted by the EMF lines, the scrape included (it completed before the
    // flush), matches the number of requests made: 5 plain ones, the scrape, and the calls.
    let total = sum(&documents, "Requests", &[]);
    let answered: f64 = exposition
        .lines()
        .filter(|line| line.starts_with(&format!("{}{{", m::HTTP_REQUESTS)))
        .filter_map(|line| line.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    assert_eq!(total, answered + 1.0, "the scrape itself is one more");
}

#[tokio::test]
async fn each_interval_reports_what_happened_since_the_last_one() {
    let started = now_ms();
    let server =
        ServerProcess::start(&[("METRICS_EMF", "true"), ("METRICS_EMF_INTERVAL_SECS", "1")]).await;
    let healthz = [("Route", "/healthz"), ("StatusClass", "2xx")];
    let counted = |lines: &[String]| sum(&emf_documents(lines, started), "Requests", &healthz);
    for _ in 0..2 {
        server.get("/healthz").await;
    }
    // The lines arrive without a request to prompt them; were counts totals rather than
    // deltas, the sum over the lines would run past the requests made.
    let lines = server.lines_until(|lines| counted(lines) >= 2.0).await;
    assert_eq!(counted(&lines), 2.0);
    server.get("/healthz").await;
    let lines = server.lines_until(|lines| counted(lines) >= 3.0).await;
    // An interval after the last request still samples the pool, with no request counts.
    let more = lines.len();
    let lines = server
        .lines_until(|lines| {
            emf_documents(&lines[more..], started)
                .iter()
                .any(|d| d.get("PoolInUse").is_some())
        })
        .await;
    assert_eq!(counted(&lines), 3.0);
    let lines = server.stop().await;
    assert_eq!(counted(&lines), 3.0, "each request counted once");
}
