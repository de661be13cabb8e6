//! Logs and traces. Logs: human-readable text locally, one JSON object per line with
//! `LOG_FORMAT=json` (what App Runner ships to CloudWatch), each carrying the fields of the spans
//! it happened in (route, request id, member and household ids) and, when traces are exported,
//! the trace id. Traces: OpenTelemetry spans sent over OTLP/HTTP when
//! `OTEL_EXPORTER_OTLP_ENDPOINT` is set, and no exporter at all when it is not.
//! `RUST_LOG` overrides the default filter. Fields and queries: `docs/operations.md`.

pub mod emf;
mod otlp;
mod request_log;

pub use crate::db::statements::statements_in;
pub use request_log::RequestLog;

use std::{error::Error, fmt::Write as _};

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::SdkTracerProvider;
use tracing_subscriber::{EnvFilter, Layer, Registry, fmt, prelude::*};

use crate::config::{LogFormat, OtelConfig};

/// The session layer's own spans (`call`, `load`, `save`) would sit between a request and its
/// server function in every trace and add nothing; its warnings and errors still pass.
const DEFAULT_FILTER: &str = "info,sqlx=warn,tower_sessions=warn,tower_sessions_core=warn";

/// What must outlive the server: the span exporter, flushed by [`Telemetry::shutdown`].
#[must_use = "call shutdown() before exiting, or the last spans are lost"]
pub struct Telemetry {
    tracer_provider: Option<SdkTracerProvider>,
}

/// The span exporter could not be set up.
#[derive(Debug, thiserror::Error)]
#[error("cannot export traces: {0}")]
pub struct TelemetryError(#[from] opentelemetry_otlp::ExporterBuildError);

/// Installs the global subscriber (and, with an OTLP endpoint, the span exporter). Call once,
/// inside the Tokio runtime, before anything logs.
pub fn init(format: LogFormat, otel: &OtelConfig) -> Result<Telemetry, TelemetryError> {
    let filter = env_filter();
    let tracer_provider = otel
        .traces_url()
        .map(|url| otlp::tracer_provider(&url, otel))
        .transpose()?;
    let traces = tracer_provider
        .as_ref()
        .map(|provider| tracing_opentelemetry::layer().with_tracer(provider.tracer("mealvote")));
    // Each layer has its own filter: the statement counter must see sqlx's per-statement events
    // that the log filter leaves out.
    tracing_subscriber::registry()
        .with(log_layer(format).with_filter(filter))
        .with(traces.with_filter(env_filter()))
        .with(crate::db::statements::StatementCounter::layer())
        .init();
    Ok(Telemetry { tracer_provider })
}

/// `RUST_LOG`, or the default filter.
fn env_filter() -> EnvFilter {
    EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(DEFAULT_FILTER))
}

fn log_layer(format: LogFormat) -> Box<dyn Layer<Registry> + Send + Sync> {
    match format {
        LogFormat::Text => fmt::layer().with_target(false).boxed(),
        // Span fields are flattened onto each line so that every line of a request carries its
        // route, request id and member; none of the spans' field names clash with event fields.
        LogFormat::Json => json_subscriber::fmt::layer()
            .flatten_event(true)
            .with_current_span(false)
            .with_span_list(false)
            .flatten_span_list_on_top_level(true)
            .with_opentelemetry_ids(true)
            .boxed(),
    }
}

impl Telemetry {
    /// Sends the spans still buffered. The exporter blocks, so it runs off the async workers.
    pub async fn shutdown(self) {
        let Some(provider) = self.tracer_provider else {
            return;
        };
        let flushed = tokio::task::spawn_blocking(move || provider.shutdown()).await;
        if let Ok(Err(error)) = flushed {
            tracing::warn!(error = %error, "could not send the last spans");
        }
    }
}

/// An error and every cause under it, on one line (`a: b: c`). A cause whose text the line
/// already holds (a wrapper that prints its source) is not repeated.
pub fn error_chain(error: &(dyn Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let text = cause.to_string();
        if !line.contains(&text) {
            let _ = write!(line, ": {text}");
        }
        source = cause.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    enum Outer {
        #[error("request failed")]
        Opaque(#[source] std::io::Error),
        #[error("database error: {0}")]
        Transparent(#[source] std::io::Error),
    }

    #[test]
    fn the_chain_names_every_cause_once() {
        let io = || std::io::Error::other("connection reset");
        assert_eq!(
            error_chain(&Outer::Opaque(io())),
            "request failed: connection reset"
        );
        assert_eq!(
            error_chain(&Outer::Transparent(io())),
            "database error: connection reset"
        );
    }
}
