//! The client's IP address, for per-IP rate limits.

use std::net::{IpAddr, SocketAddr};

use axum::extract::ConnectInfo;
use http::request::Parts;

/// The address the request came from. Directly on the internet that is the socket's peer. Behind
/// a proxy that sets `X-Forwarded-For` (`BEHIND_PROXY=true`; App Runner's front end does), it is
/// the header's last entry: the address the proxy itself saw. Entries before it are whatever the
/// client sent and could be forged to dodge the limits.
pub fn client_ip(parts: &Parts, behind_proxy: bool) -> IpAddr {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |ConnectInfo(addr)| addr.ip());
    if !behind_proxy {
        return peer;
    }
    parts
        .headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .filter_map(|entry| forwarded_address(entry.trim()))
        .next_back()
        .unwrap_or(peer)
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
        let mut request = http::Request::builder().uri("/");
        if let Some(value) = forwarded {
            request = request.header("x-forwarded-for", value);
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
            client_ip(&parts(Some("203.0.113.9")), false),
            IpAddr::from([10, 0, 0, 7])
        );
    }

    #[test]
    fn behind_a_proxy_the_address_it_saw_counts_not_what_the_client_claims() {
        assert_eq!(
            client_ip(&parts(Some("198.51.100.1, 203.0.113.9")), true),
            IpAddr::from([203, 0, 113, 9])
        );
        assert_eq!(
            client_ip(&parts(Some("garbage")), true),
            IpAddr::from([10, 0, 0, 7])
        );
        assert_eq!(client_ip(&parts(None), true), IpAddr::from([10, 0, 0, 7]));
    }
}
