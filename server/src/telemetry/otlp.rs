//! The span exporter, batched: OTLP/HTTP with protobuf bodies, or OTLP/gRPC (tonic), as
//! `OTEL_EXPORTER_OTLP_PROTOCOL` says.
//!
//! The SDK's batch processor exports from a thread of its own, outside any Tokio runtime, while
//! hyper's client and tonic's channel need one: [`OnRuntime`] runs each HTTP request, and
//! [`ExportOnRuntime`] each gRPC export, on the server's runtime.

use std::{sync::Arc, time::Duration};

use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response, hyper::HyperClient};
use opentelemetry_otlp::{
    ExporterBuildError, Protocol, SpanExporter, WithExportConfig, WithHttpConfig, WithTonicConfig,
    tonic_types::transport::ClientTlsConfig,
};
use opentelemetry_sdk::{
    Resource,
    error::{OTelSdkError, OTelSdkResult},
    trace::{SdkTracerProvider, SpanData},
};
use tokio::runtime::Handle;

use crate::config::{OtelConfig, OtlpProtocol};

/// How long one export may take before it is abandoned (the OTLP default).
const EXPORT_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// A provider that batches spans and posts them to `traces_url`. Must be called inside the
/// Tokio runtime that will carry the exports.
pub fn tracer_provider(
    traces_url: &str,
    otel: &OtelConfig,
) -> Result<SdkTracerProvider, ExporterBuildError> {
    let resource = Resource::builder()
        .with_service_name(otel.service_name.clone())
        .with_attribute(opentelemetry::KeyValue::new(
            "service.version",
            env!("CARGO_PKG_VERSION"),
        ))
        .build();
    let provider = SdkTracerProvider::builder().with_resource(resource);
    Ok(match otel.protocol {
        OtlpProtocol::HttpProtobuf => provider.with_batch_exporter(http_exporter(traces_url)?),
        OtlpProtocol::Grpc => provider.with_batch_exporter(grpc_exporter(traces_url)?),
    }
    .build())
}

/// OTLP/HTTP: http:// for a collector beside the app (App Runner's), https:// (rustls, ring, the
/// webpki roots) for a hosted one.
fn http_exporter(traces_url: &str) -> Result<SpanExporter, ExporterBuildError> {
    let connector = hyper_rustls::HttpsConnectorBuilder::new()
        .with_webpki_roots()
        .https_or_http()
        .enable_http1()
        .build();
    let client = OnRuntime {
        client: Arc::new(HyperClient::new(connector, EXPORT_TIMEOUT, None)),
        runtime: Handle::current(),
    };
    SpanExporter::builder()
        .with_http()
        .with_protocol(Protocol::HttpBinary)
        .with_endpoint(traces_url)
        .with_timeout(EXPORT_TIMEOUT)
        .with_http_client(client)
        .build()
}

/// OTLP/gRPC over tonic: plain HTTP/2 for a collector beside the app (App Runner's on 4317),
/// TLS (rustls, ring, the webpki roots) for an https:// endpoint.
fn grpc_exporter(endpoint: &str) -> Result<ExportOnRuntime<SpanExporter>, ExporterBuildError> {
    let mut builder = SpanExporter::builder()
        .with_tonic()
        .with_endpoint(endpoint)
        .with_timeout(EXPORT_TIMEOUT);
    if endpoint.starts_with("https://") {
        builder = builder.with_tls_config(ClientTlsConfig::new().with_webpki_roots());
    }
    Ok(ExportOnRuntime {
        inner: Arc::new(builder.build()?),
        runtime: Handle::current(),
    })
}

/// A span exporter whose exports run on a given Tokio runtime, whoever awaits them.
#[derive(Debug)]
struct ExportOnRuntime<E> {
    inner: Arc<E>,
    runtime: Handle,
}

impl<E: opentelemetry_sdk::trace::SpanExporter + 'static> opentelemetry_sdk::trace::SpanExporter
    for ExportOnRuntime<E>
{
    fn export(
        &self,
        batch: Vec<SpanData>,
    ) -> impl std::future::Future<Output = OTelSdkResult> + Send {
        let inner = Arc::clone(&self.inner);
        let export = self.runtime.spawn(async move { inner.export(batch).await });
        async move {
            export
                .await
                .unwrap_or_else(|error| Err(OTelSdkError::InternalFailure(error.to_string())))
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        // Called once, while the provider is built and before any export holds a clone.
        if let Some(inner) = Arc::get_mut(&mut self.inner) {
            inner.set_resource(resource);
        }
    }
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
