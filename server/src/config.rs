//! One typed configuration, read from the environment once at start-up.
//!
//! Every variable is listed, with its default, in the README's configuration table.
//! Secrets are wrapped so that `Debug` and logs never show them.

use std::{net::IpAddr, time::Duration};

use leptos::prelude::LeptosOptions;
use secrecy::SecretString;
use url::Url;

use crate::auth::client_ip::ClientIpSource;

mod connections;
mod database;
mod env;
mod otel;
mod outbound;
mod site;
mod work;

pub use connections::{ConnectionLimits, default_max_connections};
pub use database::{
    DEFAULT_ACQUIRE_TIMEOUT, DEFAULT_CHECK_AFTER_IDLE, DEFAULT_IDLE_TIMEOUT, DatabaseConfig,
    DatabaseUrl, Engine,
};
pub use env::Env;
pub use otel::{OtelConfig, OtlpProtocol};
pub use outbound::Outbound;

/// The local SQLite file used when `DATABASE_URL` is not set.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/mealvote.db";

#[derive(Debug, Clone)]
pub struct Config {
    pub host: IpAddr,
    pub port: u16,
    pub database: DatabaseConfig,
    pub log_format: LogFormat,
    /// Where browsers load the JS/WASM/CSS from (a CDN); `None` serves them from `/pkg`.
    pub assets_base_url: Option<Url>,
    /// The address people use to reach the site; an `https` URL turns on HSTS and `Secure` cookies.
    pub public_base_url: Option<Url>,
    pub request_timeout: Duration,
    /// Where per-IP rate limits read the client's address (`CLIENT_IP_SOURCE`; `BEHIND_PROXY=true`
    /// is `x-forwarded-for`): the socket's peer, the proxy's `X-Forwarded-For` (App Runner) or
    /// API Gateway's request context (Lambda); see `auth::client_ip`.
    pub client_ip_source: ClientIpSource,
    /// `INTERNAL_EVENTS=lambda`: `POST /internal/events` accepts the events the Lambda Web
    /// Adapter passes through (a migration, a finalize batch); otherwise the route answers 404.
    pub lambda_events: bool,
    /// `MAX_CONNECTIONS` (default `config::default_max_connections`) and
    /// `HEADER_READ_TIMEOUT_SECS` (default 10): see `startup::connections`.
    pub connections: ConnectionLimits,
    /// The bearer token `/metrics` requires; without one, `/metrics` answers 404.
    pub metrics_token: Option<SecretString>,
    /// The secret `POST /internal/finalize-due` requires in `X-Finalize-Secret`; without one the
    /// route answers 404.
    pub finalize_secret: Option<SecretString>,
    /// How often the in-process ticker closes due slots and delivers webhooks; `None` (set
    /// `TICKER_INTERVAL_SECS=0`) turns it off, as on App Runner, where a scheduler calls
    /// `/internal/finalize-due` instead.
    pub ticker_interval: Option<Duration>,
    /// At most this many slots are closed per batch (trigger call or tick).
    pub finalize_batch: u32,
    /// `BALLOT_SAVES_PER_MINUTE` (default `app::quotas::MAX_BALLOT_SAVES_PER_MINUTE`): ballot saves
    /// per member per minute; `scripts/bench` raises it to load the server with one household.
    pub ballot_saves_per_minute: u32,
    /// `MIN_DEADLINE_LEAD_SECS` (default `app::quotas::MIN_DEADLINE_LEAD_MINUTES`): the shortest
    /// time from proposing a plan to its deadline. Lowered only for local runs of the prober,
    /// which needs a deadline seconds away; on a real site the prober is exempt through
    /// `FINALIZE_SECRET` instead (docs/security.md).
    pub min_deadline_lead: Duration,
    /// `OUTBOUND` (default `any`): which internet addresses the server can reach; `ipv6` on the
    /// Lambda target (an egress-only internet gateway), `none` on App Runner (see `config::outbound`).
    pub outbound: Outbound,
    /// `WEBHOOKS_ENABLED` (default true, false with `OUTBOUND=none`): whether households' webhooks
    /// are delivered.
    pub webhooks_enabled: bool,
    /// `WEBHOOKS_ALLOW_PRIVATE`: webhooks may point at loopback and private addresses (local
    /// testing only; off by default, see `webhooks::target`).
    pub webhooks_allow_private: bool,
    /// Whether Web Push is on: whenever the server can reach the internet (`OUTBOUND` is not
    /// `none`); see `crate::push`.
    pub push_enabled: bool,
    /// `PUSH_ALLOW_PRIVATE`: devices may name a push service on a loopback or private address,
    /// over `http` too (tests with a local push service only; off by default).
    pub push_allow_private: bool,
    /// `RECIPE_FETCH` (default false): whether recipes are imported from a page's address (the
    /// server fetches it). Never with `OUTBOUND=none`.
    pub recipe_fetch: bool,
    pub otel: OtelConfig,
    /// `METRICS_EMF=true`: write CloudWatch embedded-metric-format lines to stdout every
    /// `METRICS_EMF_INTERVAL_SECS` (default 60); `None` when off (see `telemetry::emf`).
    pub metrics_emf: Option<Duration>,
    pub leptos: LeptosOptions,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A configuration value that cannot be used; the message names the variable and the problem.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl ConfigError {
    fn new(variable: &'static str, problem: impl Into<String>) -> Self {
        Self {
            variable,
            problem: problem.into(),
        }
    }
}

/// The shortest `METRICS_TOKEN` or `FINALIZE_SECRET` accepted.
pub const MIN_SECRET_CHARS: usize = 32;

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let env = Env(lookup);
        let database = database::from_env(&env)?;
        let client_ip_source = site::client_ip_source(&env)?;
        let outbound = outbound::switches(&env)?;
        Ok(Self {
            host: env.parse("HOST", IpAddr::from([127, 0, 0, 1]), "an IP address")?,
            port: env.parse("PORT", 3000, "a port number")?,
            database,
            log_format: site::log_format(&env)?,
            assets_base_url: site::assets_base_url(&env)?,
            public_base_url: env.url("PUBLIC_BASE_URL")?,
            request_timeout: Duration::from_secs(env.parse(
                "REQUEST_TIMEOUT_SECS",
                30,
                "a number of seconds",
            )?),
            client_ip_source,
            lambda_events: site::lambda_events(&env)?,
            connections: connections::from_env(&env, client_ip_source != ClientIpSource::Peer)?,
            outbound: outbound.outbound,
            webhooks_enabled: outbound.webhooks_enabled,
            webhooks_allow_private: env.parse("WEBHOOKS_ALLOW_PRIVATE", false, "true or false")?,
            recipe_fetch: outbound.recipe_fetch,
            push_enabled: outbound.outbound != Outbound::None,
            push_allow_private: env.parse("PUSH_ALLOW_PRIVATE", false, "true or false")?,
            metrics_token: env.secret("METRICS_TOKEN")?,
            finalize_secret: env.secret("FINALIZE_SECRET")?,
            ticker_interval: work::ticker_interval(&env)?,
            finalize_batch: work::finalize_batch(&env)?,
            ballot_saves_per_minute: work::ballot_saves_per_minute(&env)?,
            min_deadline_lead: Duration::from_secs(env.parse(
                "MIN_DEADLINE_LEAD_SECS",
                u64::from(app::quotas::MIN_DEADLINE_LEAD_MINUTES) * 60,
                "a number of seconds",
            )?),
            otel: otel::from_env(&env)?,
            metrics_emf: work::metrics_emf(&env)?,
            leptos: site::leptos_options(&env)?,
        })
    }

    /// Who push services may contact about this server's pushes (VAPID's `sub`): the site's
    /// address, when `PUBLIC_BASE_URL` gives one.
    pub fn push_subject(&self) -> Option<String> {
        self.public_base_url
            .as_ref()
            .map(|url| url.origin().ascii_serialization())
    }

    pub fn https(&self) -> bool {
        self.public_base_url
            .as_ref()
            .is_some_and(|url| url.scheme() == "https")
    }

    /// What the pages need to know about how they are served.
    pub fn site(&self) -> app::SiteConfig {
        app::SiteConfig {
            assets_base_url: self
                .assets_base_url
                .as_ref()
                .map(|url| url.as_str().trim_end_matches('/').to_owned()),
            https: self.https(),
            reload_port: (self.leptos.env == leptos::config::Env::DEV)
                .then_some(self.leptos.reload_port),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use secrecy::ExposeSecret;

    use super::*;

    pub(super) fn config(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let vars: Vec<(String, String)> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_lookup(move |name| {
            vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
        })
    }

    #[test]
    fn with_nothing_set_it_runs_locally_on_the_sqlite_file() {
        let config = config(&[]).unwrap();
        assert_eq!(config.database.url.engine(), Engine::Sqlite);
        assert_eq!(
            config.database.url.sqlite_file(),
            Some(PathBuf::from("data/mealvote.db"))
        );
        assert_eq!(config.port, 3000);
        assert_eq!(config.log_format, LogFormat::Text);
        assert!(!config.https());
        assert_eq!(config.client_ip_source, ClientIpSource::Peer);
        assert!(!config.lambda_events);
        assert!(
            config.database.migrate_on_start,
            "a local SQLite file migrates itself"
        );
        assert!(!config.database.iam_auth);
        assert!(config.metrics_token.is_none());
        assert_eq!(config.otel.traces_url(), None);
        assert_eq!(config.otel.service_name, "mealvote");
    }

    #[test]
    fn the_metrics_token_never_appears_in_debug_output() {
        let token = "scrape-me-9f2c-0123456789abcdef0123";
        let config = config(&[("METRICS_TOKEN", token)]).unwrap();
        assert_eq!(
            config
                .metrics_token
                .as_ref()
                .map(ExposeSecret::expose_secret),
            Some(token)
        );
        let debug = format!("{config:?}");
        assert!(!debug.contains(token), "{debug}");
    }

    #[test]
    fn a_short_metrics_token_or_finalize_secret_stops_start_up_naming_it() {
        for name in ["METRICS_TOKEN", "FINALIZE_SECRET"] {
            let error = config(&[(name, "hunter2")]).unwrap_err();
            assert_eq!(error.variable, name);
            assert!(error.problem.contains("7 characters"), "{}", error.problem);
            assert!(error.problem.contains("at least 32"), "{}", error.problem);
            assert!(!error.to_string().contains("hunter2"), "{error}");
        }
        let long = "x".repeat(MIN_SECRET_CHARS);
        assert!(config(&[("FINALIZE_SECRET", long.as_str())]).is_ok());
    }

    #[test]
    fn a_database_password_given_as_a_query_parameter_is_redacted_too() {
        let url = DatabaseUrl::parse(
            "postgres://app@db.internal:5432/mealvote?password=s3cret-pw&sslmode=require",
        )
        .unwrap();
        assert!(!url.redacted().contains("s3cret-pw"), "{}", url.redacted());
        assert!(
            url.redacted().contains("password=***"),
            "{}",
            url.redacted()
        );
        assert!(
            url.redacted().contains("sslmode=require"),
            "{}",
            url.redacted()
        );
        assert!(url.expose().contains("s3cret-pw"));
    }

    #[test]
    fn the_acquire_timeout_defaults_to_five_seconds_and_is_validated() {
        assert_eq!(
            config(&[]).unwrap().database.acquire_timeout,
            Duration::from_secs(5)
        );
        let aurora = config(&[("DATABASE_ACQUIRE_TIMEOUT_SECS", "25")]).unwrap();
        assert_eq!(aurora.database.acquire_timeout, Duration::from_secs(25));
        for bad in ["0", "-1", "soon", "301"] {
            let err = config(&[("DATABASE_ACQUIRE_TIMEOUT_SECS", bad)]).unwrap_err();
            assert_eq!(err.variable, "DATABASE_ACQUIRE_TIMEOUT_SECS", "{bad}");
        }
        let err = config(&[("DATABASE_ACQUIRE_TIMEOUT_SECS", "0")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid configuration: DATABASE_ACQUIRE_TIMEOUT_SECS: 0 is out of range: \
             use 1 to 300 seconds"
        );
    }

    #[test]
    fn emf_metrics_are_off_unless_asked_for() {
        assert_eq!(config(&[]).unwrap().metrics_emf, None);
        assert_eq!(
            config(&[("METRICS_EMF", "true")]).unwrap().metrics_emf,
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            config(&[("METRICS_EMF", "true"), ("METRICS_EMF_INTERVAL_SECS", "5")])
                .unwrap()
                .metrics_emf,
            Some(Duration::from_secs(5))
        );
        let err = config(&[("METRICS_EMF", "yes")]).unwrap_err();
        assert_eq!(err.variable, "METRICS_EMF");
        let err =
            config(&[("METRICS_EMF", "true"), ("METRICS_EMF_INTERVAL_SECS", "0")]).unwrap_err();
        assert_eq!(err.variable, "METRICS_EMF_INTERVAL_SECS");
    }

    #[test]
    fn behind_proxy_is_a_boolean() {
        assert_eq!(
            config(&[("BEHIND_PROXY", "true")])
                .unwrap()
                .client_ip_source,
            ClientIpSource::ForwardedFor
        );
        let err = config(&[("BEHIND_PROXY", "yes")]).unwrap_err();
        assert_eq!(err.variable, "BEHIND_PROXY");
    }

    #[test]
    fn the_client_address_source_is_one_of_three_and_never_contradicts_behind_proxy() {
        let lambda = [("CLIENT_IP_SOURCE", "lambda-request-context")];
        assert_eq!(
            config(&lambda).unwrap().client_ip_source,
            ClientIpSource::LambdaRequestContext
        );
        let err = config(&[("CLIENT_IP_SOURCE", "cloudfront")]).unwrap_err();
        assert_eq!(err.variable, "CLIENT_IP_SOURCE");
        assert!(err.problem.contains("lambda-request-context"), "{err}");
        let both = [
            ("CLIENT_IP_SOURCE", "lambda-request-context"),
            ("BEHIND_PROXY", "true"),
        ];
        assert_eq!(config(&both).unwrap_err().variable, "CLIENT_IP_SOURCE");
    }

    #[test]
    fn internal_events_are_off_unless_lambda_is_named() {
        assert!(
            config(&[("INTERNAL_EVENTS", "lambda")])
                .unwrap()
                .lambda_events
        );
        let err = config(&[("INTERNAL_EVENTS", "yes")]).unwrap_err();
        assert_eq!(err.variable, "INTERNAL_EVENTS");
    }

    #[test]
    fn postgres_migrates_on_start_only_when_asked() {
        let pg = ("DATABASE_URL", "postgres://app@db.internal:5432/mealvote");
        assert!(!config(&[pg]).unwrap().database.migrate_on_start);
        let asked = [pg, ("MIGRATE_ON_START", "true")];
        assert!(config(&asked).unwrap().database.migrate_on_start);
        let sqlite_off = [("MIGRATE_ON_START", "false")];
        assert!(!config(&sqlite_off).unwrap().database.migrate_on_start);
    }

    #[test]
    fn idle_connections_are_closed_before_the_server_ends_them() {
        let db = config(&[]).unwrap().database;
        assert_eq!(db.idle_timeout, Duration::from_secs(60));
        assert_eq!(db.check_after_idle, Duration::from_secs(10));
        let err = config(&[
            ("DATABASE_IDLE_TIMEOUT_SECS", "30"),
            ("DATABASE_CHECK_AFTER_IDLE_SECS", "45"),
        ])
        .unwrap_err();
        assert_eq!(err.variable, "DATABASE_CHECK_AFTER_IDLE_SECS");
        assert!(err.problem.contains("use 0 to 30 seconds"), "{err}");
        assert_eq!(
            config(&[("DATABASE_IDLE_TIMEOUT_SECS", "0")])
                .unwrap_err()
                .variable,
            "DATABASE_IDLE_TIMEOUT_SECS"
        );
    }

    #[test]
    fn iam_authentication_needs_a_postgres_url_with_a_user_and_no_password() {
        let iam = ("DATABASE_IAM_AUTH", "true");
        let ok = config(&[
            iam,
            (
                "DATABASE_URL",
                "postgres://mealvote@db.internal:5432/mealvote?sslmode=verify-full",
            ),
        ])
        .unwrap();
        assert!(ok.database.iam_auth);
        for (url, says) in [
            ("sqlite://data/x.db", "postgres"),
            ("postgres://db.internal:5432/mealvote", "no user"),
            ("postgres://app:pw@db.internal:5432/mealvote", "password"),
            ("postgres://app@db.internal/m?password=pw", "password"),
        ] {
            let err = config(&[iam, ("DATABASE_URL", url)]).unwrap_err();
            assert_eq!(err.variable, "DATABASE_IAM_AUTH", "{url}");
            assert!(err.problem.contains(says), "{url}: {err}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
    }

    #[test]
    fn a_postgres_password_never_appears_in_debug_output() {
        let config = config(&[(
            "DATABASE_URL",
            "postgres://app:hunter2@db.internal:5432/mealvote",
        )])
        .unwrap();
        let debug = format!("{config:?}");
        assert!(!debug.contains("hunter2"), "{debug}");
        assert!(debug.contains("postgres://app:***@db.internal:5432/mealvote"));
        assert_eq!(config.database.url.engine(), Engine::Postgres);
    }

    #[test]
    fn an_unsupported_database_scheme_names_the_variable_and_the_fix() {
        let err = config(&[("DATABASE_URL", "mysql://localhost/db")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid configuration: DATABASE_URL: unsupported scheme \"mysql\": use sqlite: or postgres:"
        );
    }

    #[test]
    fn a_malformed_value_is_rejected_with_the_variable_name() {
        let err = config(&[("PORT", "eighty")]).unwrap_err();
        assert_eq!(err.variable, "PORT");
        let err = config(&[("LOG_FORMAT", "yaml")]).unwrap_err();
        assert_eq!(err.variable, "LOG_FORMAT");
        let err = config(&[("ASSETS_BASE_URL", "cdn.example.com")]).unwrap_err();
        assert_eq!(err.variable, "ASSETS_BASE_URL");
        let err = config(&[("DATABASE_URL", "postgres://")]).unwrap_err();
        assert_eq!(err.variable, "DATABASE_URL");
    }

    #[test]
    fn an_https_public_url_marks_the_site_as_https() {
        let config = config(&[
            ("PUBLIC_BASE_URL", "https://meals.example.com"),
            ("ASSETS_BASE_URL", "https://assets.example.com"),
            ("LEPTOS_ENV", "PROD"),
        ])
        .unwrap();
        let site = config.site();
        assert!(site.https);
        assert_eq!(
            site.assets_base_url.as_deref(),
            Some("https://assets.example.com")
        );
        assert_eq!(site.reload_port, None);
    }
}
