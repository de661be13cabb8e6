//! Cross-site request forgery defence, on top of `SameSite=Lax` session cookies: every
//! state-changing request (POST, PUT, PATCH, DELETE — server functions included) must say it comes
//! from this site, through `Origin` or, when a browser leaves that out, `Referer`. Browsers set
//! both themselves and scripts on other sites cannot forge them. A request with neither is refused:
//! every browser this site supports sends `Origin` on a POST.
//! See https://cheatsheetseries.owasp.org/cheatsheets/Cross-Site_Request_Forgery_Prevention_Cheat_Sheet.html#using-standard-headers-to-verify-origin

use axum::{
    extract::{Request, State},
    http::{HeaderMap, Method, StatusCode, header},
    middleware::Next,
    response::{IntoResponse, Response},
};
use url::Url;

use crate::config::Config;

pub const REFUSAL: &str =
    "Refused: this request did not come from the mealvote site itself (cross-site request).";

/// Which origins may send state-changing requests: `PUBLIC_BASE_URL`'s, and the one the request
/// itself was addressed to (its `Host`, over HTTPS when the site is).
#[derive(Clone, Debug)]
pub struct SameOrigin {
    public_origin: Option<String>,
    https: bool,
}

impl SameOrigin {
    pub fn new(config: &Config) -> Self {
        Self {
            public_origin: config
                .public_base_url
                .as_ref()
                .map(|url| url.origin().ascii_serialization()),
            https: config.https(),
        }
    }

    /// `host` is the request's own `Host` (or, over HTTP/2, its URI's authority).
    fn allows(&self, headers: &HeaderMap, host: Option<&str>) -> Result<(), &'static str> {
        let claimed = match headers.get(header::ORIGIN) {
            Some(origin) => origin.to_str().map_err(|_| "unreadable Origin")?,
            None => headers
                .get(header::REFERER)
                .ok_or("neither Origin nor Referer")?
                .to_str()
                .map_err(|_| "unreadable Referer")?,
        };
        let url = Url::parse(claimed).map_err(|_| "Origin is not a URL (or is \"null\")")?;
        let origin = url.origin().ascii_serialization();
        if self.public_origin.as_deref() == Some(origin.as_str()) {
            return Ok(());
        }
        if self.https && url.scheme() != "https" {
            return Err("plain-HTTP origin on an HTTPS site");
        }
        let host = host.ok_or("no Host")?;
        if authority(&url).is_some_and(|a| a.eq_ignore_ascii_case(host)) {
            Ok(())
        } else {
            Err("Origin is another site")
        }
    }
}

/// `host[:port]` as a `Host` header would carry it (default ports left out).
fn authority(url: &Url) -> Option<String> {
    let host = url.host_str()?;
    Some(match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    })
}

/// Middleware: lets safe methods through, refuses cross-site state changes with 403.
pub async fn reject_cross_site(
    State(policy): State<SameOrigin>,
    request: Request,
    next: Next,
) -> Response {
    let safe = matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    if safe {
        return next.run(request).await;
    }
    let host = request
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .or_else(|| request.uri().authority().map(|a| a.as_str()));
    match policy.allows(request.headers(), host) {
        Ok(()) => next.run(request).await,
        Err(reason) => {
            tracing::warn!(reason, "cross-site request refused");
            (StatusCode::FORBIDDEN, REFUSAL).into_response()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn host(headers: &HeaderMap) -> Option<&str> {
        headers.get(header::HOST).and_then(|h| h.to_str().ok())
    }

    fn plain() -> SameOrigin {
        SameOrigin {
            public_origin: None,
            https: false,
        }
    }

    #[test]
    fn the_sites_own_origin_passes() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
        ]);
        assert_eq!(plain().allows(&h, host(&h)), Ok(()));
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("referer", "http://127.0.0.1:3000/signup?x=1"),
        ]);
        assert_eq!(plain().allows(&h, host(&h)), Ok(()));
    }

    #[test]
    fn another_site_a_null_origin_or_no_origin_is_refused() {
        for pairs in [
            &[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://evil.example"),
            ][..],
            &[
                ("host", "127.0.0.1:3000"),
                ("origin", "http://127.0.0.1:3001"),
            ][..],
            &[("host", "127.0.0.1:3000"), ("origin", "null")][..],
            &[("host", "127.0.0.1:3000")][..],
        ] {
            let h = headers(pairs);
            assert!(plain().allows(&h, host(&h)).is_err(), "{pairs:?}");
        }
    }

    #[test]
    fn behind_https_the_public_origin_passes_and_plain_http_does_not() {
        let policy = SameOrigin {
            public_origin: Some("https://meals.example.com".into()),
            https: true,
        };
        let h = headers(&[
            ("host", "internal:8080"),
            ("origin", "https://meals.example.com"),
        ]);
        assert_eq!(policy.allows(&h, host(&h)), Ok(()));
        let h = headers(&[
            ("host", "meals.example.com"),
            ("origin", "http://meals.example.com"),
        ]);
        assert!(policy.allows(&h, host(&h)).is_err());
    }
}
