//! Where a webhook may point: only at public internet addresses, checked when it is set and again
//! before every delivery, on the addresses the name resolves to at that moment; the delivery then
//! connects to the very address that was checked (no second lookup). Otherwise any account could
//! make itself admin of a household and have the server send requests into its own network: to
//! 127.0.0.1, a private range, or a cloud metadata service (server-side request forgery).
//!
//! Only the standard https port, 443, is allowed: any other would let a webhook knock on a
//! public host's other services. An IPv6 address that carries an IPv4 address (mapped,
//! compatible, translated, 6to4, NAT64, Teredo) is judged by the IPv4 address it reaches.
//!
//! `WEBHOOKS_ALLOW_PRIVATE=true` lifts the address and port rules, for a receiver on the same
//! machine or network during development and tests. With `OUTBOUND=ipv6` (the Lambda target) the
//! connection goes to the host's first IPv6 address, and a host without one is refused by name.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use url::{Host, Url};

use crate::config::Outbound;

/// Why a webhook address is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refused {
    #[error("That address is on a private or local network; webhooks must go to a public address.")]
    NotPublic,
    #[error("That host name cannot be found.")]
    Unresolvable,
    #[error("The address needs a host name.")]
    NoHost,
    #[error("Webhooks must use the standard https port (443): leave the port out of the address.")]
    Port,
    #[error(
        "That host has no IPv6 address, and this server reaches the internet over IPv6 only; use a receiver that has one."
    )]
    NoIpv6,
}

/// The only port a webhook may use unless private addresses are allowed.
const HTTPS_PORT: u16 = 443;

/// The address to connect to for `url`: every address its host resolves to must be public (unless
/// `allow_private`), and the first that `outbound` can reach is used.
pub async fn checked_address(
    url: &Url,
    allow_private: bool,
    outbound: Outbound,
) -> Result<SocketAddr, Refused> {
    let port = url.port_or_known_default().ok_or(Refused::NoHost)?;
    let addresses: Vec<SocketAddr> = match url.host().ok_or(Refused::NoHost)? {
        Host::Ipv4(ip) => vec![SocketAddr::new(IpAddr::V4(ip), port)],
        Host::Ipv6(ip) => vec![SocketAddr::new(IpAddr::V6(ip), port)],
        Host::Domain(name) => tokio::net::lookup_host((name, port))
            .await
            .map_err(|_| Refused::Unresolvable)?
            .collect(),
    };
    if addresses.is_empty() {
        return Err(Refused::Unresolvable);
    }
    if !allow_private && !addresses.iter().all(|address| is_public(address.ip())) {
        Err(Refused::NotPublic)
    } else if !allow_private && port != HTTPS_PORT {
        Err(Refused::Port)
    } else {
        outbound.choose(&addresses).ok_or(Refused::NoIpv6)
    }
}

/// Whether `ip` is an ordinary public internet address: not loopback, private, link-local,
/// unique-local, shared (CGNAT), multicast, broadcast, documentation, benchmarking, reserved or
/// unspecified; an IPv6 address that carries IPv4 addresses is public only if they all are.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match embedded_v4(v6) {
            Embedded::One(v4) => is_public_v4(v4),
            Embedded::Two(server, client) => is_public_v4(server) && is_public_v4(client),
            Embedded::None => is_public_v6(v6),
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
        || (a == 192 && b == 88 && c == 99) // 6to4 relay anycast, 192.88.99/24
        || a >= 240) // reserved, 240/4
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, third, fourth, ..] = ip.segments();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local, fc00::/7
        || (first & 0xffc0) == 0xfe80 // link local, fe80::/10
        || (first & 0xffc0) == 0xfec0 // site local (deprecated), fec0::/10
        || first == 0x2001 && second == 0x0db8 // documentation, 2001:db8::/32
        || first == 0x3fff && (second & 0xf000) == 0 // documentation, 3fff::/20
        || first == 0x0100 && second == 0 && third == 0 && fourth == 0 // discard-only, 100::/64
        || first == 0x2001 && second == 0x0002 && third == 0 // benchmarking, 2001:2::/48
        || first == 0x2001 && matches!(second & 0xfff0, 0x0010 | 0x0020) // ORCHID, 2001:10::/28 and 2001:20::/28
        // NAT64 beyond the well-known /96 (judged by what it embeds): the local-use
        // 64:ff9b:1::/48 reaches whatever the operator's translator reaches.
        || first == 0x0064 && second == 0xff9b)
}

/// The IPv4 addresses an IPv6 address carries, if any.
enum Embedded {
    None,
    One(Ipv4Addr),
    /// Teredo: the relay server's address and the client's.
    Two(Ipv4Addr, Ipv4Addr),
}

/// The IPv4 address inside an IPv4-mapped (`::ffff:a.b.c.d`), IPv4-compatible (`::a.b.c.d`),
/// IPv4-translated (`::ffff:0:a.b.c.d`), NAT64 (`64:ff9b::a.b.c.d`) or 6to4 (`2002:aabb:ccdd::/48`)
/// IPv6 address; a Teredo address (`2001:0::/32`) carries two.
fn embedded_v4(ip: Ipv6Addr) -> Embedded {
    let segments = ip.segments();
    let v4 = |high: u16, low: u16| Ipv4Addr::from((u32::from(high) << 16) | u32::from(low));
    let low = v4(segments[6], segments[7]);
    match segments {
        [0, 0, 0, 0, 0, 0xffff, ..] => Embedded::One(low),
        [0, 0, 0, 0, 0xffff, 0, ..] => Embedded::One(low),
        [0, 0, 0, 0, 0, 0, ..] if !ip.is_unspecified() && !ip.is_loopback() => Embedded::One(low),
        [0x0064, 0xff9b, 0, 0, 0, 0, ..] => Embedded::One(low),
        [0x2002, high, low16, ..] => Embedded::One(v4(high, low16)),
        // The client's address is stored inverted (RFC 4380).
        [0x2001, 0, server_high, server_low, ..] => {
            Embedded::Two(v4(server_high, server_low), v4(!segments[6], !segments[7]))
        }
        _ => Embedded::None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ANY: Outbound = Outbound::Any;

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
            // IPv4-translated, 6to4, NAT64 and Teredo spellings of private and local addresses.
            "::ffff:0:10.0.0.1",
            "::ffff:0:127.0.0.1",
            "::ffff:0:169.254.169.254",
            "2002:a00:1::1",
            "2002:7f00:1::",
            "2002:a9fe:a9fe::1",
            "2002:c0a8:101:1::1",
            "64:ff9b::127.0.0.1",
            "64:ff9b::169.254.169.254",
            "64:ff9b:1::808:808",
            "64:ff9b:1:2:3:4:808:808",
            "2001:0:a00:1::f7f7:f7f7", // Teredo through server 10.0.0.1
            "2001:0:808:808:0:0:80ff:fffe", // Teredo to client 127.0.0.1
            "2001:0:808:808::f5ff:fffe", // Teredo to client 10.0.0.1
            "192.88.99.1",
            "100::1",
            "2001:2::1",
            "2001:10::1",
            "2001:20::1",
            "3fff::1",
            "3fff:fff::1",
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
            "::ffff:0:8.8.8.8",
            "2002:808:808::1",
            "64:ff9b::8.8.8.8",
            "2001:0:808:808::f7f7:f7f7", // Teredo, server and client 8.8.8.8
            "2001:4860:4860::8888",
            "2001:30::1",
            "3fff:1000::1",
        ] {
            assert!(is_public(ip(address)), "{address} is public");
        }
    }

    #[tokio::test]
    async fn names_are_checked_on_what_they_resolve_to() {
        let url = |text: &str| Url::parse(text).unwrap();
        assert_eq!(
            checked_address(&url("https://localhost:8443/hook"), false, ANY).await,
            Err(Refused::NotPublic)
        );
        assert_eq!(
            checked_address(&url("https://[::ffff:10.0.0.1]/hook"), false, ANY).await,
            Err(Refused::NotPublic)
        );
        assert_eq!(
            checked_address(&url("https://1.1.1.1/hook"), false, ANY).await,
            Ok("1.1.1.1:443".parse().unwrap())
        );
        assert_eq!(
            checked_address(&url("https://1.1.1.1:443/hook"), false, ANY).await,
            Ok("1.1.1.1:443".parse().unwrap())
        );
        for other_port in [
            "https://1.1.1.1:8443/hook",
            "https://1.1.1.1:22/",
            "http://1.1.1.1/",
        ] {
            assert_eq!(
                checked_address(&url(other_port), false, ANY).await,
                Err(Refused::Port),
                "{other_port}"
            );
        }
        assert_eq!(
            checked_address(&url("https://[2002:a00:1::1]/hook"), false, ANY).await,
            Err(Refused::NotPublic),
            "6to4 of 10.0.0.1"
        );
        assert_eq!(
            checked_address(&url("http://127.0.0.1:9/hook"), true, ANY).await,
            Ok("127.0.0.1:9".parse().unwrap()),
            "allowed for local testing"
        );
        assert_eq!(
            checked_address(&url("https://no-such-host.invalid/hook"), false, ANY).await,
            Err(Refused::Unresolvable)
        );
    }

    #[tokio::test]
    async fn over_ipv6_only_a_host_without_an_ipv6_address_is_refused_by_name() {
        let url = |text: &str| Url::parse(text).unwrap();
        let refused = checked_address(&url("https://1.1.1.1/hook"), false, Outbound::Ipv6Only)
            .await
            .unwrap_err();
        assert_eq!(refused, Refused::NoIpv6);
        assert!(refused.to_string().contains("no IPv6 address"), "{refused}");
        assert_eq!(
            checked_address(
                &url("https://[2606:4700:4700::1111]/hook"),
                false,
                Outbound::Ipv6Only
            )
            .await,
            Ok("[2606:4700:4700::1111]:443".parse().unwrap())
        );
        // The address rules still come first: a private IPv6 address is not public.
        assert_eq!(
            checked_address(&url("https://[fd00::1]/hook"), false, Outbound::Ipv6Only).await,
            Err(Refused::NotPublic)
        );
    }
}
