//! Site-wide settings the server hands to the pages through context.

use serde::{Deserialize, Serialize};

/// What the page shell needs to know about where and how it is served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteConfig {
    /// Origin (and optional path) the JS/WASM/CSS are loaded from, without a trailing slash.
    /// `None`: the server's own `/pkg`.
    pub assets_base_url: Option<String>,
    /// The site is served over HTTPS (enables HSTS and `Secure` cookies).
    pub https: bool,
    /// `cargo leptos watch` live-reload port; its websocket must be allowed by the CSP.
    pub reload_port: Option<u32>,
}

impl SiteConfig {
    /// The Content-Security-Policy for an HTML page whose inline scripts carry `nonce`.
    ///
    /// `'wasm-unsafe-eval'` lets the browser compile the app's WASM; the assets origin is allowed
    /// for the hydration module, the WASM fetch and the stylesheet.
    pub fn content_security_policy(&self, nonce: &str) -> String {
        let assets = self.assets_source();
        let reload = self
            .reload_port
            .map(|port| format!(" ws://127.0.0.1:{port} ws://localhost:{port}"))
            .unwrap_or_default();
        format!(
            "default-src 'self'; \
             script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'{assets}; \
             style-src 'self'{assets}; \
             img-src 'self' data:{assets}; \
             font-src 'self'{assets}; \
             connect-src 'self'{assets}{reload}; \
             worker-src 'self'; manifest-src 'self'; \
             object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
        )
    }

    /// The Content-Security-Policy of the service worker script (`/sw.js`), which governs the
    /// worker itself: it runs no other script and only fetches from the site and the assets
    /// origin (pages, and the JS/WASM/CSS it keeps for offline use).
    pub fn service_worker_policy(&self) -> String {
        let assets = self.assets_source();
        format!("default-src 'none'; connect-src 'self'{assets}; frame-ancestors 'none'")
    }

    /// The assets origin as one more CSP source (` https://cdn.example.com`), or nothing when the
    /// assets come from the site itself.
    fn assets_source(&self) -> String {
        self.assets_base_url
            .as_deref()
            .and_then(origin_of)
            .map(|origin| format!(" {origin}"))
            .unwrap_or_default()
    }

    /// Where the browser loads the hashed JS/WASM/CSS from: `<assets base>/pkg/`, or `/pkg/` on
    /// the site itself. The service worker keeps copies of what it fetches from there.
    pub fn assets_prefix(&self, pkg_dir: &str) -> String {
        format!(
            "{}/{pkg_dir}/",
            self.assets_base_url.as_deref().unwrap_or_default()
        )
    }
}

/// `https://cdn.example.com/some/prefix` → `https://cdn.example.com`.
fn origin_of(url: &str) -> Option<&str> {
    let after_scheme = url.find("://")? + 3;
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| after_scheme + i);
    Some(&url[..end])
}

/// Sets the per-page security headers: a CSP with a fresh nonce for Leptos' inline scripts.
#[cfg(feature = "ssr")]
pub fn apply_security_headers(site: &SiteConfig) {
    use leptos::prelude::*;
    leptos::nonce::provide_nonce();
    let Some(nonce) = leptos::nonce::use_nonce() else {
        return;
    };
    let Some(response) = use_context::<leptos_axum::ResponseOptions>() else {
        return;
    };
    if let Ok(value) = http::HeaderValue::from_str(&site.content_security_policy(&nonce)) {
        response.insert_header(http::header::CONTENT_SECURITY_POLICY, value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csp_allows_the_assets_origin_for_scripts_wasm_and_styles() {
        let site = SiteConfig {
            assets_base_url: Some("https://assets.example.com/v1".into()),
            ..SiteConfig::default()
        };
        let csp = site.content_security_policy("abc");
        assert!(csp.contains(
            "script-src 'self' 'nonce-abc' 'wasm-unsafe-eval' https://assets.example.com;"
        ));
        assert!(csp.contains("connect-src 'self' https://assets.example.com;"));
        assert!(csp.contains("style-src 'self' https://assets.example.com;"));
        assert!(csp.contains("frame-ancestors 'none'"));
    }

    #[test]
    fn csp_without_a_cdn_allows_only_the_site_itself() {
        let csp = SiteConfig::default().content_security_policy("n");
        assert!(csp.contains("script-src 'self' 'nonce-n' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("ws://"));
    }

    #[test]
    fn pages_may_register_the_service_worker_and_link_the_manifest() {
        let csp = SiteConfig::default().content_security_policy("n");
        assert!(csp.contains("worker-src 'self';"), "{csp}");
        assert!(csp.contains("manifest-src 'self';"), "{csp}");
    }

    #[test]
    fn the_service_worker_may_fetch_only_from_the_site_and_the_assets_origin() {
        let site = SiteConfig {
            assets_base_url: Some("https://assets.example.com/v1".into()),
            ..SiteConfig::default()
        };
        assert_eq!(
            site.service_worker_policy(),
            "default-src 'none'; connect-src 'self' https://assets.example.com; \
             frame-ancestors 'none'"
        );
        assert_eq!(
            site.assets_prefix("pkg"),
            "https://assets.example.com/v1/pkg/"
        );
        assert_eq!(SiteConfig::default().assets_prefix("pkg"), "/pkg/");
    }

    #[test]
    fn csp_in_development_allows_the_live_reload_socket() {
        let site = SiteConfig {
            reload_port: Some(3001),
            ..SiteConfig::default()
        };
        assert!(
            site.content_security_policy("n")
                .contains("ws://127.0.0.1:3001")
        );
    }
}
