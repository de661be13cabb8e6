//! How the site is served: log format, asset origin, where the client's address comes from,
//! internal events, and Leptos' own settings.

use leptos::prelude::LeptosOptions;
use url::Url;

use super::{ConfigError, Env, LogFormat};
use crate::auth::client_ip::ClientIpSource;

/// `LOG_FORMAT`: `text` (the default) or `json`.
pub(super) fn log_format<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<LogFormat, ConfigError> {
    match env.get("LOG_FORMAT").as_deref() {
        None | Some("text") => Ok(LogFormat::Text),
        Some("json") => Ok(LogFormat::Json),
        Some(other) => Err(ConfigError::new(
            "LOG_FORMAT",
            format!("{other:?} is not one of text, json"),
        )),
    }
}

/// `ASSETS_BASE_URL`: the CDN origin (or origin and path, without a trailing slash).
pub(super) fn assets_base_url<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Option<Url>, ConfigError> {
    let assets_base_url = env.url("ASSETS_BASE_URL")?;
    if let Some(url) = &assets_base_url
        && url.as_str().ends_with('/')
        && url.path() != "/"
    {
        return Err(ConfigError::new(
            "ASSETS_BASE_URL",
            "must not end with a slash",
        ));
    }
    Ok(assets_base_url)
}

/// `INTERNAL_EVENTS=lambda`: `POST /internal/events` is served.
pub(super) fn lambda_events<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<bool, ConfigError> {
    match env.get("INTERNAL_EVENTS").as_deref() {
        None => Ok(false),
        Some("lambda") => Ok(true),
        Some(other) => Err(ConfigError::new(
            "INTERNAL_EVENTS",
            format!("{other:?} is not supported: use lambda, or leave it unset"),
        )),
    }
}

/// `CLIENT_IP_SOURCE`, or `BEHIND_PROXY=true` (its older spelling of `x-forwarded-for`).
pub(super) fn client_ip_source<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<ClientIpSource, ConfigError> {
    let behind_proxy = env.parse("BEHIND_PROXY", false, "true or false")?;
    let Some(raw) = env.get("CLIENT_IP_SOURCE") else {
        return Ok(if behind_proxy {
            ClientIpSource::ForwardedFor
        } else {
            ClientIpSource::Peer
        });
    };
    let source = ClientIpSource::parse(raw.trim()).ok_or_else(|| {
        ConfigError::new(
            "CLIENT_IP_SOURCE",
            format!("{raw:?} is not one of peer, x-forwarded-for, lambda-request-context"),
        )
    })?;
    if behind_proxy && source != ClientIpSource::ForwardedFor {
        return Err(ConfigError::new(
            "CLIENT_IP_SOURCE",
            format!("{raw:?} contradicts BEHIND_PROXY=true: unset one of them"),
        ));
    }
    Ok(source)
}

/// Leptos' own settings (`LEPTOS_*`, set by cargo-leptos in development and by the container image).
pub(super) fn leptos_options<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<LeptosOptions, ConfigError> {
    let output_name = env
        .get("LEPTOS_OUTPUT_NAME")
        .or_else(|| option_env!("LEPTOS_OUTPUT_NAME").map(str::to_owned))
        .unwrap_or_else(|| "mealvote".to_owned());
    let leptos_env = match env.get("LEPTOS_ENV").as_deref() {
        None => leptos::config::Env::DEV,
        Some(v) if v.eq_ignore_ascii_case("dev") || v.eq_ignore_ascii_case("development") => {
            leptos::config::Env::DEV
        }
        Some(v) if v.eq_ignore_ascii_case("prod") || v.eq_ignore_ascii_case("production") => {
            leptos::config::Env::PROD
        }
        Some(other) => {
            return Err(ConfigError::new(
                "LEPTOS_ENV",
                format!("{other:?} is not one of DEV, PROD"),
            ));
        }
    };
    Ok(LeptosOptions::builder()
        .output_name(output_name)
        .site_root(
            env.get("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into()),
        )
        .site_pkg_dir(
            env.get("LEPTOS_SITE_PKG_DIR")
                .unwrap_or_else(|| "pkg".into()),
        )
        .env(leptos_env)
        .reload_port(env.parse("LEPTOS_RELOAD_PORT", 3001, "a port number")?)
        .hash_files(env.parse("LEPTOS_HASH_FILES", false, "true or false")?)
        .build())
}
