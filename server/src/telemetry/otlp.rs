//! The span exporter: OTLP/HTTP with protobuf bodies, batched.
//!
//! The SDK's batch processor exports from a thread of its own, outside any Tokio runtime, while
//! hyper's client needs one; [`OnRuntime`] runs each export on the server's runtime.

use std::sync::Arc;

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response, hyper::HyperClient};
use opentelemetry_otlp::{
    ExporterBuildError, Protocol, SpanExporter, WithExportConfig, WithHttpConfig,
};
use opentelemetry_sdk::{Resource, trace::SdkTracerProvider};
use tokio::runtime::Handle;

use crate::config::OtelConfig;

/// How long one export may take before it is abandoned (the OTLP default).
const EXPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A provider that batches spans and posts them to `traces_url`. Must be called inside the
/// Tokio runtime that will carry the exports.
pub fn tracer_provider(
    traces_url: &str,
    otel: &OtelConfig,
) -> Result<SdkTracerProvider, ExporterBuildError> {
    // http:// for a collector beside the app (App Runner's), https:// (rustls, ring, the
    // webpki roots) for a hosted one.
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client = OnRuntime {
        client: Arc::new(HyperClient::new(connector, EXPORT_TIMEOUT, None)),
        runtime: Handle::current(),
    };
    let exporter = SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(traces_url)
        .with_timeout(EXPORT_TIMEOUT)
        .with_http_client(client)
        .build()?;
    let resource = Resource::builder()
        .with_service_name(otel.service_name.clone())
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build();
    Ok(SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(resource)
        .build())
}

/// An HTTP client whose requests run on a given Tokio runtime, whoever awaits them.
#[derive(Debug)]
struct OnRuntime {
    client: Arc<dyn HttpClient>,
    runtime: Handle,
}

#[async_trait::async_trait]
impl HttpClient for OnRuntime {
    async fn send_bytes(&self, request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        let client = Arc::clone(&self.client);
        self.runtime
            .spawn(async move { client.send_bytes(request).await })
            .await?
    }
}
