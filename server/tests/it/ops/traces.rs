//! Traces: with `OTEL_EXPORTER_OTLP_ENDPOINT` set, each request becomes a tree of spans
//! (request → server function → store calls) sent over OTLP/HTTP or, with
//! `OTEL_EXPORTER_OTLP_PROTOCOL=grpc`, OTLP/gRPC, and the request's log lines carry its trace id.

use serde_json::Value;

use crate::support::{otlp::OtlpReceiver, process::ServerProcess};

#[tokio::test]
async fn one_request_is_exported_as_a_tree_of_spans_that_its_log_lines_name() {
    // No protocol named: OTLP/HTTP with protobuf bodies, the specification's default.
    exported_as_a_tree(OtlpReceiver::start().await, None).await;
}

#[tokio::test]
async fn spans_arrive_over_http_protobuf_when_the_protocol_says_so() {
    exported_as_a_tree(OtlpReceiver::start().await, Some("http/protobuf")).await;
}

#[tokio::test]
async fn spans_arrive_over_grpc_when_the_protocol_says_so() {
    exported_as_a_tree(OtlpReceiver::start_grpc().await, Some("grpc")).await;
}

async fn exported_as_a_tree(receiver: OtlpReceiver, protocol: Option<&str>) {
    let endpoint = receiver.endpoint();
    let mut vars = vec![
        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.as_str()),
        ("OTEL_SERVICE_NAME", "mealvote-test"),
    ];
    if let Some(protocol) = protocol {
        vars.push(("OTEL_EXPORTER_OTLP_PROTOCOL", protocol));
    }
    let server = ServerProcess::start(&vars).await;
    let alice = server.person("Alice");
    alice.sign_up().await.assert_ok();
    let household = alice.create_household("Flat 3").await;
    // Shutting down flushes the batch exporter: every span has arrived once the process exits.
    let lines = server.stop().await;
    let spans = receiver.spans();
    let named = |name: &str| {
        let found: Vec<_> = spans.iter().filter(|span| span.name == name).collect();
        assert_eq!(found.len(), 1, "one {name} span among {spans:#?}");
        found[0].clone()
    };

    let request = named("POST /api/create_household");
    assert_eq!(request.parent_span_id, "", "the request span is the root");
    assert_eq!(request.service_name.as_deref(), Some("mealvote-test"));
    assert_eq!(request.attribute("route"), Some("/api/create_household"));
    assert_eq!(request.attribute("status"), Some("200"));
    assert_eq!(request.attribute("household_id"), Some(household.as_str()));
    assert!(request.attribute("user_id").is_some());

    let function = named("server_fn.create_household");
    assert_eq!(function.trace_id, request.trace_id);
    assert_eq!(function.parent_span_id, request.span_id);

    let store = named("store.create_household");
    assert_eq!(store.trace_id, request.trace_id);
    assert_eq!(store.parent_span_id, function.span_id);

    // The two requests are two traces.
    let sign_up = named("POST /api/sign_up");
    assert_ne!(sign_up.trace_id, request.trace_id);

    // The request's completion line names its trace and span.
    let completion = lines
        .iter()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|line| {
            line["route"] == "/api/create_household" && line["message"] == "request completed"
        })
        .expect("the request is logged");
    assert_eq!(
        completion["openTelemetry"]["traceId"],
        request.trace_id.as_str()
    );
    assert_eq!(
        completion["openTelemetry"]["spanId"],
        request.span_id.as_str()
    );
}
