//! Fetching a recipe page from its address, safely: a member's address must not make the server
//! reach into its own network (server-side request forgery). Every hop, the first and each
//! redirect, is resolved once and judged on every address its name resolves to (the rule of
//! webhooks, [`crate::webhooks::is_public`]), on the standard ports only (80, 443), and
//! the connection goes to the very address that was judged. At most [`MAX_REDIRECTS`] redirects,
//! [`app::recipes::import::MAX_PAGE_BYTES`] of body (counted as it arrives, never buffered past
//! it) and [`TIMEOUT`] for the whole fetch. With `OUTBOUND=ipv6` (the Lambda target) each hop
//! connects to its host's first IPv6 address, and a host without one is refused by name.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use app::recipes::import::MAX_PAGE_BYTES;
use url::{Host, Url};

use crate::{config::Outbound, webhooks::is_public};

/// The whole fetch, every redirect included.
pub const TIMEOUT: Duration = Duration::from_secs(10);
pub const MAX_REDIRECTS: usize = 3;

/// Why a page was not fetched; each message is fit for the person who gave the address.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error(
        "That address is on a private or local network; recipes are read only from public pages."
    )]
    NotPublic,
    #[error("That host name cannot be found.")]
    Unresolvable,
    #[error("Only web addresses (https:// or http://) on the standard ports can be read.")]
    Unsupported,
    #[error("The page redirects too often.")]
    TooManyRedirects,
    #[error("The page did not answer within 10 seconds.")]
    Timeout,
    #[error("The page is larger than 2 MB; paste its ingredients instead.")]
    TooLarge,
    #[error("The page answered with status {0}.")]
    Status(u16),
    #[error("The page could not be reached.")]
    Unreachable,
    #[error(
        "This server does not read pages from the internet: paste the page or its ingredients instead."
    )]
    Disabled,
    #[error(
        "That site has no IPv6 address, and this server reaches the internet over IPv6 only: paste the page or its ingredients instead."
    )]
    NoIpv6,
}

/// Which connections a fetch may make: by default public addresses on ports 80 and 443 only.
pub type Allow = Arc<dyn Fn(SocketAddr) -> bool + Send + Sync>;

/// Fetches pages within the bounds above.
#[derive(Clone)]
pub struct PageFetcher {
    allow: Allow,
    outbound: Outbound,
}

impl std::fmt::Debug for PageFetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PageFetcher")
    }
}

impl Default for PageFetcher {
    fn default() -> Self {
        Self::allowing(Arc::new(|address: SocketAddr| {
            is_public(address.ip()) && matches!(address.port(), 80 | 443)
        }))
    }
}

impl PageFetcher {
    /// A fetcher with another rule for where it may connect (tests allow one loopback server).
    pub fn allowing(allow: Allow) -> Self {
        Self {
            allow,
            outbound: Outbound::Any,
        }
    }

    /// This fetcher, connecting only to the addresses `outbound` reaches (`OUTBOUND`).
    pub fn over(self, outbound: Outbound) -> Self {
        Self { outbound, ..self }
    }

    /// The page at `address`, as text.
    pub async fn fetch(&self, address: &str) -> Result<String, FetchError> {
        tokio::time::timeout(TIMEOUT, self.follow(address))
            .await
            .map_err(|_| FetchError::Timeout)?
    }

    async fn follow(&self, address: &str) -> Result<String, FetchError> {
        let mut url = Url::parse(address).map_err(|_| FetchError::Unsupported)?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.hop(&url).await?;
            if response.status().is_redirection() {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
                    .ok_or(FetchError::Unreachable)?;
                url = url.join(location).map_err(|_| FetchError::Unsupported)?;
                continue;
            }
            if !response.status().is_success() {
                return Err(FetchError::Status(response.status().as_u16()));
            }
            return read_bounded(response).await;
        }
        Err(FetchError::TooManyRedirects)
    }

    /// One request to `url`, connected to an address that was judged just before.
    async fn hop(&self, url: &Url) -> Result<reqwest::Response, FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Unsupported);
        }
        let port = url.port_or_known_default().ok_or(FetchError::Unsupported)?;
        let host = url.host().ok_or(FetchError::Unsupported)?;
        let addresses: Vec<SocketAddr> = match &host {
            Host::Ipv4(ip) => vec![SocketAddr::new((*ip).into(), port)],
            Host::Ipv6(ip) => vec![SocketAddr::new((*ip).into(), port)],
            Host::Domain(name) => tokio::net::lookup_host((*name, port))
                .await
                .map_err(|_| FetchError::Unresolvable)?
                .collect(),
        };
        if addresses.is_empty() {
            return Err(FetchError::Unresolvable);
        }
        if !addresses.iter().all(|address| (self.allow)(*address)) {
            return Err(FetchError::NotPublic);
        }
        let first = self.outbound.choose(&addresses).ok_or(FetchError::NoIpv6)?;
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mealvote-recipes/", env!("CARGO_PKG_VERSION")));
        if let Host::Domain(name) = host {
            builder = builder.resolve(name, first);
        }
        let client = builder.build().map_err(|_| FetchError::Unreachable)?;
        client
            .get(url.clone())
            .header(reqwest::header::ACCEPT, "text/html, application/ld+json")
            .send()
            .await
            .map_err(|_| FetchError::Unreachable)
    }
}

/// The body as text, refused as soon as it passes [`MAX_PAGE_BYTES`].
async fn read_bounded(mut response: reqwest::Response) -> Result<String, FetchError> {
    if response
        .content_length()
        .is_some_and(|length| length > MAX_PAGE_BYTES as u64)
    {
        return Err(FetchError::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response
        .chunk()
        .await
        .map_err(|_| FetchError::Unreachable)?
    {
        if body.len() + chunk.len() > MAX_PAGE_BYTES {
            return Err(FetchError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

#[cfg(test)]
mod tests {
    use axum::{Router, response::Redirect, routing::get};

    use super::*;

    /// A page server on loopback: `/recipe`, `/huge` (3 MB), and redirects.
    async fn serve(target: String) -> SocketAddr {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let app = Router::new()
            .route("/recipe", get(|| async { "<script type=\"application/ld+json\">{\"@type\":\"Recipe\",\"name\":\"Curry\"}</script>" }))
            .route("/huge", get(|| async { "x".repeat(3 * 1024 * 1024) }))
            .route("/away", get(move || async move { Redirect::temporary(&target) }))
            .route("/loop", get(|| async { Redirect::temporary("/loop") }));
        tokio::spawn(async move { axum::serve(listener, app).await });
        address
    }

    /// A fetcher that may connect to `only` and nowhere else.
    fn allowing_only(only: SocketAddr) -> PageFetcher {
        PageFetcher::allowing(Arc::new(move |address| address == only))
    }

    #[tokio::test]
    async fn loopback_private_and_link_local_addresses_are_refused_before_connecting() {
        let fetcher = PageFetcher::default();
        let server = serve("/recipe".into()).await;
        for address in [
            format!("http://{server}/recipe"),
            "http://localhost/".to_owned(),
            "http://[::1]/".to_owned(),
            "http://10.1.2.3/".to_owned(),
            "http://192.168.1.1/".to_owned(),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "http://[fe80::1]/".to_owned(),
        ] {
            assert_eq!(
                fetcher.fetch(&address).await,
                Err(FetchError::NotPublic),
                "{address}"
            );
        }
        assert_eq!(
            fetcher.fetch("ftp://example.com/").await,
            Err(FetchError::Unsupported)
        );
    }

    #[tokio::test]
    async fn a_redirect_into_a_local_address_is_refused() {
        let inner = serve("/recipe".into()).await;
        for target in [
            format!("http://{inner}/recipe"),
            "http://169.254.169.254/latest/meta-data/".to_owned(),
            "http://10.0.0.1/".to_owned(),
        ] {
            let outer = serve(target.clone()).await;
            let fetched = allowing_only(outer)
                .fetch(&format!("http://{outer}/away"))
                .await;
            assert_eq!(fetched, Err(FetchError::NotPublic), "redirect to {target}");
        }
    }

    #[tokio::test]
    async fn an_allowed_page_is_read_within_its_bounds() {
        let server = serve("/recipe".into()).await;
        let fetcher = allowing_only(server);
        let page = fetcher
            .fetch(&format!("http://{server}/away"))
            .await
            .unwrap();
        assert!(page.contains("\"Curry\""), "{page}");
        assert_eq!(
            fetcher.fetch(&format!("http://{server}/huge")).await,
            Err(FetchError::TooLarge)
        );
        assert_eq!(
            fetcher.fetch(&format!("http://{server}/loop")).await,
            Err(FetchError::TooManyRedirects)
        );
        assert_eq!(
            fetcher.fetch(&format!("http://{server}/missing")).await,
            Err(FetchError::Status(404))
        );
    }

    #[tokio::test]
    async fn over_ipv6_only_a_site_without_an_ipv6_address_is_refused_by_name() {
        let server = serve("/recipe".into()).await;
        let fetched = allowing_only(server)
            .over(Outbound::Ipv6Only)
            .fetch(&format!("http://{server}/recipe"))
            .await;
        assert_eq!(fetched, Err(FetchError::NoIpv6));
        assert!(
            FetchError::NoIpv6.to_string().contains("no IPv6 address"),
            "the message names the cause"
        );
    }
}
