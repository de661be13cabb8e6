//! `OTEL_*`: where traces go and how (the standard OpenTelemetry variables).

use url::Url;

use super::{ConfigError, Env};

/// Where traces go: the standard OpenTelemetry variables.
#[derive(Debug, Clone)]
pub struct OtelConfig {
    /// The OTLP collector's base URL; `None` exports nothing. Set by
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`, or the protocol's default (`http://localhost:4317` for
    /// gRPC, `:4318` for HTTP) when only `OTEL_EXPORTER_OTLP_PROTOCOL` is set.
    pub otlp_endpoint: Option<Url>,
    /// `OTEL_EXPORTER_OTLP_PROTOCOL`: `grpc` or `http/protobuf` (the default, as the
    /// OpenTelemetry specification says).
    pub protocol: OtlpProtocol,
    /// `service.name` on every exported span.
    pub service_name: String,
}

/// The OTLP transport (`OTEL_EXPORTER_OTLP_PROTOCOL`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OtlpProtocol {
    /// `grpc`: OTLP/gRPC, by default on port 4317.
    Grpc,
    /// `http/protobuf`: OTLP/HTTP with protobuf bodies, by default on port 4318.
    #[default]
    HttpProtobuf,
}

/// The variable that chooses the transport.
const PROTOCOL: &str = "OTEL_EXPORTER_OTLP_PROTOCOL";

impl OtlpProtocol {
    /// The collector address a protocol uses when no endpoint is given.
    pub fn default_endpoint(self) -> &'static str {
        match self {
            Self::Grpc => "http://localhost:4317",
            Self::HttpProtobuf => "http://localhost:4318",
        }
    }
}

impl OtelConfig {
    /// Where spans are sent. OTLP/HTTP: the base URL with `/v1/traces` appended, as the OTLP
    /// specification says for `OTEL_EXPORTER_OTLP_ENDPOINT`; gRPC: the endpoint as given.
    pub fn traces_url(&self) -> Option<String> {
        let base = self.otlp_endpoint.as_ref()?.as_str().trim_end_matches('/');
        Some(match self.protocol {
            OtlpProtocol::Grpc => base.to_owned(),
            OtlpProtocol::HttpProtobuf => format!("{base}/v1/traces"),
        })
    }
}

/// `OTEL_EXPORTER_OTLP_PROTOCOL` chooses the transport; an endpoint, or a protocol alone (then
/// its default endpoint), turns the exporter on.
pub(super) fn from_env<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<OtelConfig, ConfigError> {
    let chosen = match env.get(PROTOCOL).as_deref().map(str::trim) {
        None => None,
        Some("grpc") => Some(OtlpProtocol::Grpc),
        Some("http/protobuf") => Some(OtlpProtocol::HttpProtobuf),
        Some(other) => {
            return Err(ConfigError::new(
                PROTOCOL,
                format!("{other:?} is not supported: use grpc or http/protobuf"),
            ));
        }
    };
    let protocol = chosen.unwrap_or_default();
    let otlp_endpoint = match env.url("OTEL_EXPORTER_OTLP_ENDPOINT")? {
        Some(url) => Some(url),
        None => chosen.map(|p| Url::parse(p.default_endpoint()).expect("a valid default URL")),
    };
    Ok(OtelConfig {
        otlp_endpoint,
        protocol,
        service_name: env
            .get("OTEL_SERVICE_NAME")
            .unwrap_or_else(|| "mealvote".to_owned()),
    })
}

#[cfg(test)]
mod tests {
    use super::super::tests::config;
    use super::*;

    #[test]
    fn traces_go_to_the_otlp_endpoint_with_the_signal_path_appended() {
        for endpoint in ["http://localhost:4318", "http://localhost:4318/"] {
            let otel = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)])
                .unwrap()
                .otel;
            assert_eq!(
                otel.traces_url().as_deref(),
                Some("http://localhost:4318/v1/traces")
            );
        }
        let otel = config(&[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                "https://otlp.example.com/collector",
            ),
            ("OTEL_SERVICE_NAME", "mealvote-staging"),
        ])
        .unwrap()
        .otel;
        assert_eq!(
            otel.traces_url().as_deref(),
            Some("https://otlp.example.com/collector/v1/traces")
        );
        assert_eq!(otel.service_name, "mealvote-staging");
        let err = config(&[("OTEL_EXPORTER_OTLP_ENDPOINT", "localhost:4318")]).unwrap_err();
        assert_eq!(err.variable, "OTEL_EXPORTER_OTLP_ENDPOINT");
    }

    #[test]
    fn the_protocol_chooses_the_transport_and_its_default_port() {
        let otel = config(&[]).unwrap().otel;
        assert_eq!(otel.protocol, OtlpProtocol::HttpProtobuf);
        assert_eq!(otel.traces_url(), None, "no endpoint, no exporter");

        let otel = config(&[(PROTOCOL, "grpc")]).unwrap().otel;
        assert_eq!(otel.protocol, OtlpProtocol::Grpc);
        assert_eq!(otel.traces_url().as_deref(), Some("http://localhost:4317"));

        let otel = config(&[(PROTOCOL, "http/protobuf")]).unwrap().otel;
        assert_eq!(
            otel.traces_url().as_deref(),
            Some("http://localhost:4318/v1/traces")
        );

        let otel = config(&[
            (PROTOCOL, "grpc"),
            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4317/"),
        ])
        .unwrap()
        .otel;
        assert_eq!(otel.traces_url().as_deref(), Some("http://collector:4317"));
    }

    #[test]
    fn an_unsupported_protocol_stops_start_up_naming_the_variable() {
        for value in ["http/json", "GRPC", "udp"] {
            let error = config(&[(PROTOCOL, value)]).unwrap_err();
            assert_eq!(error.variable, PROTOCOL);
            assert!(
                error.to_string().contains("use grpc or http/protobuf"),
                "{error}"
            );
        }
    }
}
