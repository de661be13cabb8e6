//! The client's IP address, for per-IP rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::request::Parts;

/// The header in which the Lambda Web Adapter forwards API Gateway's request context (JSON).
pub const LAMBDA_REQUEST_CONTEXT: &str = "x-amzn-request-context";

/// Where the client's address is read from (`CLIENT_IP_SOURCE`, or `BEHIND_PROXY=true`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ClientIpSource {
    /// The socket's peer: the server is directly on the internet (`peer`, the default).
    #[default]
    Peer,
    /// The last `X-Forwarded-For` entry: the address a proxy that appends it saw
    /// (`x-forwarded-for`, or `BEHIND_PROXY=true`; App Runner's front end).
    ForwardedFor,
    /// The source address API Gateway recorded in its request context, which the Lambda Web
    /// Adapter forwards in [`LAMBDA_REQUEST_CONTEXT`] (`lambda-request-context`). Behind API
    /// Gateway the socket's peer is the adapter itself (loopback) for every request.
    LambdaRequestContext,
}

impl ClientIpSource {
    /// The value of `CLIENT_IP_SOURCE`.
    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "peer" => Some(Self::Peer),
            "x-forwarded-for" => Some(Self::ForwardedFor),
            "lambda-request-context" => Some(Self::LambdaRequestContext),
            _ => None,
        }
    }
}

/// The address the request came from. Directly on the internet that is the socket's peer. Behind
/// a proxy that sets `X-Forwarded-For`, it is the header's last entry: the address the proxy
/// itself saw. Entries before it are whatever the client sent and could be forged to dodge the
/// limits. Behind API Gateway and the Lambda Web Adapter it is the request context's source
/// address. When the chosen source says nothing usable, the peer.
pub fn client_ip(parts: &Parts, source: ClientIpSource) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
    let found = match source {
        ClientIpSource::Peer => None,
        ClientIpSource::ForwardedFor => parts
            .headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|entry| forwarded_address(entry.trim()))
            .next_back(),
        ClientIpSource::LambdaRequestContext => parts
            .headers
            .get(LAMBDA_REQUEST_CONTEXT)
            .and_then(|value| context_source_ip(value.as_bytes())),
    };
    found.unwrap_or(peer)
}

/// `http.sourceIp` of an HTTP API (payload 2.0) request context, or `identity.sourceIp` of a
/// REST API one.
fn context_source_ip(context: &[u8]) -> Option<IpAddr> {
    let context: serde_json::Value = serde_json::from_slice(context).ok()?;
    let ip = context
        .pointer("/http/sourceIp")
        .or_else(|| context.pointer("/identity/sourceIp"))?;
    ip.as_str()?.parse().ok()
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1` or `[2001:db8::1]:5678`.
fn forwarded_address(entry: &str) -> Option<IpAddr> {
    entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|socket| socket.ip()))
        .or_else(|| {
            let inner = entry.strip_prefix('[')?.strip_suffix(']')?;
            inner.parse::<IpAddr>().ok()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_entries_with_ports_and_brackets_parse() {
        for (entry, ip) in [
            ("203.0.113.9", "203.0.113.9"),
            ("203.0.113.9:51234", "203.0.113.9"),
            ("2001:db8::7", "2001:db8::7"),
            ("[2001:db8::7]:443", "2001:db8::7"),
            ("[2001:db8::7]", "2001:db8::7"),
        ] {
            assert_eq!(
                forwarded_address(entry),
                Some(ip.parse().unwrap()),
                "{entry}"
            );
        }
        assert_eq!(forwarded_address("unknown"), None);
        assert_eq!(forwarded_address("_hidden"), None);
    }

    fn parts(forwarded: Option<&str>) -> Parts {
        with_header("x-forwarded-for", forwarded)
    }

    fn with_header(name: &str, value: Option<&str>) -> Parts {
        let mut request = http::Request::builder().uri("/");
        if let Some(value) = value {
            request = request.header(name, value);
        }
        let (mut parts, ()) = request.body(()).unwrap().into_parts();
        parts
            .extensions
            .insert(ConnectInfo(SocketAddr::from(([10, 0, 0, 7], 40_000))));
        parts
    }

    #[test]
    fn without_a_proxy_the_header_is_ignored() {
        assert_eq!(
            client_ip(&parts(Some("203.0.113.9")), ClientIpSource::Peer),
            IpAddr::from([10, 0, 0, 7])
        );
    }

    #[test]
    fn behind_a_proxy_the_address_it_saw_counts_not_what_the_client_claims() {
        assert_eq!(
            client_ip(
                &parts(Some("198.51.100.1, 203.0.113.9")),
                ClientIpSource::ForwardedFor
            ),
            IpAddr::from([203, 0, 113, 9])
        );
        assert_eq!(
            client_ip(&parts(Some("garbage")), ClientIpSource::ForwardedFor),
            IpAddr::from([10, 0, 0, 7])
        );
        assert_eq!(
            client_ip(&parts(None), ClientIpSource::ForwardedFor),
            IpAddr::from([10, 0, 0, 7])
        );
    }

    /// What the Lambda Web Adapter forwards for an HTTP API request (payload 2.0), trimmed.
    const HTTP_API_CONTEXT: &str = concat!(
        r#"{"accountId":"123456789012","apiId":"abc123","domainName":"meals.example.com","#,
        r#""http":{"method":"GET","path":"/","protocol":"HTTP/1.1","sourceIp":"198.51.100.23","#,
        r#""userAgent":"curl/8"},"requestId":"c6af9ac6","stage":"$default","timeEpoch":1583348638390}"#
    );

    #[test]
    fn behind_api_gateway_the_address_comes_from_the_request_context() {
        let lambda = ClientIpSource::LambdaRequestContext;
        let parts = with_header(LAMBDA_REQUEST_CONTEXT, Some(HTTP_API_CONTEXT));
        assert_eq!(client_ip(&parts, lambda), IpAddr::from([198, 51, 100, 23]));
        let rest_api = r#"{"identity":{"sourceIp":"2001:db8::5"}}"#;
        let parts = with_header(LAMBDA_REQUEST_CONTEXT, Some(rest_api));
        assert_eq!(
            client_ip(&parts, lambda),
            "2001:db8::5".parse::<IpAddr>().unwrap()
        );
        // A forged X-Forwarded-For counts for nothing; nothing usable falls back to the peer.
        let forged = parts_with_both("203.0.113.66", HTTP_API_CONTEXT);
        assert_eq!(client_ip(&forged, lambda), IpAddr::from([198, 51, 100, 23]));
        for broken in ["not json", "{}", r#"{"http":{"sourceIp":"nowhere"}}"#] {
            let parts = with_header(LAMBDA_REQUEST_CONTEXT, Some(broken));
            assert_eq!(
                client_ip(&parts, lambda),
                IpAddr::from([10, 0, 0, 7]),
                "{broken}"
            );
        }
        // The context is read only when asked for.
        let parts = with_header(LAMBDA_REQUEST_CONTEXT, Some(HTTP_API_CONTEXT));
        assert_eq!(
            client_ip(&parts, ClientIpSource::Peer),
            IpAddr::from([10, 0, 0, 7])
        );
    }

    fn parts_with_both(forwarded: &str, context: &str) -> Parts {
        let mut parts = with_header(LAMBDA_REQUEST_CONTEXT, Some(context));
        parts
            .headers
            .insert("x-forwarded-for", forwarded.parse().unwrap());
        parts
    }
}
