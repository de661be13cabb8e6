//! Where a webhook may point: only at public internet addresses, checked when it is set and again
//! before every delivery, on the addresses the name resolves to at that moment; the delivery then
//! connects to the very address that was checked (no second lookup). Otherwise any account could
//! make itself admin of a household and have the server send requests into its own network: to
//! 127.0.0.1, a private range, or a cloud metadata service (server-side request forgery).
//!
//! `WEBHOOKS_ALLOW_PRIVATE=true` lifts the address rule, for a receiver on the same machine or
//! network during development and tests.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

/// Why a webhook address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("That address is on a private or local network; webhooks must go to a public address.")]
    NotPublic,
    #[error("That host name cannot be found.")]
    Unresolvable,
    #[error("The address needs a host name.")]
    NoHost,
}

/// The address to connect to for `url`: every address its host resolves to must be public (unless
/// `allow_private`), and the first is used.
pub async fn checked_address(url: &Url, allow_private: bool) -> Result<SocketAddr, Refused> {
    let port = url.port_or_known_default().ok_or(Refused::NoHost)?;
    let addresses: Vec<SocketAddr> = match url.host().ok_or(Refused::NoHost)? {
        Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| Refused::Unresolvable)?
            .collect(),
    };
    let first = *addresses.first().ok_or(Refused::Unresolvable)?;
    if allow_private || addresses.iter().all(|address| is_public(address.ip())) {
        Ok(first)
    } else {
        Err(Refused::NotPublic)
    }
}

/// Whether `ip` is an ordinary public internet address: not loopback, private, link-local,
/// unique-local, shared (CGNAT), multicast, broadcast, documentation, benchmarking, reserved or
/// unspecified, and for IPv6 also not an IPv4-mapped or -compatible form of such an address.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0 // "this network"
        || (a == 100 && (64..128).contains(&b)) // shared address space (CGNAT), 100.64/10
        || (a == 192 && b == 0 && c == 0) // IETF protocol assignments, 192.0.0/24
        || (a == 198 && (18..20).contains(&b)) // benchmarking, 198.18/15
        || a >= 240) // reserved, 240/4
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // site local (deprecated), fec0::/10
        || first == 0x2001 && ip.segments()[1] == 0x0db8 // documentation, 2001:db8::/32
        || first == 0x0064 && ip.segments()[1] == 0xff9b) // NAT64, 64:ff9b::/96 (and /48)
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`) or IPv4-compatible (`::a.b.c.d`)
/// IPv6 address.
fn embedded_v4(ip: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return Some(v4);
    }
    let segments = ip.segments();
    (segments[..6].iter().all(|s| *s == 0) && !ip.is_unspecified() && !ip.is_loopback())
        .then(|| ip.to_ipv4().expect("six zero segments"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn every_local_private_and_special_range_is_refused() {
        for address in [
            "127.0.0.1",
            "127.255.255.254",
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "172.16.0.1",
            "172.31.255.255",
            "192.168.1.1",
            "169.254.169.254", // cloud metadata
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "255.255.255.255",
            "192.0.2.1",
            "198.51.100.7",
            "203.0.113.9",
            "198.18.0.1",
            "192.0.0.8",
            "240.0.0.1",
            "::",
            "::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "fec0::1",
            "ff02::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::ffff:169.254.169.254",
            "::10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip(address)), "{address} must be refused");
        }
    }

    #[test]
    fn ordinary_public_addresses_pass() {
        for address in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.215.14",
            "100.63.255.255",
            "100.128.0.1",
            "172.15.255.255",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public(ip(address)), "{address} is public");
        }
    }

    #[tokio::test]
    async fn names_are_checked_on_what_they_resolve_to() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert_eq!(
            checked_address(&url("https://localhost:8443/hook"), false).await,
            Err(Refused::NotPublic)
        );
        assert_eq!(
            checked_address(&url("https://[::ffff:10.0.0.1]/hook"), false).await,
            Err(Refused::NotPublic)
        );
        assert_eq!(
            checked_address(&url("https://1.1.1.1/hook"), false).await,
            Ok("1.1.1.1:443".parse().unwrap())
        );
        assert_eq!(
            checked_address(&url("http://127.0.0.1:9/hook"), true).await,
            Ok("127.0.0.1:9".parse().unwrap()),
            "allowed for local testing"
        );
        assert_eq!(
            checked_address(&url("https://no-such-host.invalid/hook"), false).await,
            Err(Refused::Unresolvable)
        );
    }
}
