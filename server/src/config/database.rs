//! `DATABASE_URL` and the pool's settings: which engine, and a URL whose password never reaches a
//! log.

use std::{path::PathBuf, time::Duration};

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::{ConfigError, Env};

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: DatabaseUrl,
    pub max_connections: u32,
    /// How long a request waits for a pooled connection, connecting included
    /// (`DATABASE_ACQUIRE_TIMEOUT_SECS`, default 5; 25 for Aurora, which resumes from a pause).
    pub acquire_timeout: Duration,
    /// A connection idle this long is closed, never handed out (`DATABASE_IDLE_TIMEOUT_SECS`,
    /// default 60): below Aurora's `idle_session_timeout` (2 minutes), so the pool never offers a
    /// session the server has already ended.
    pub idle_timeout: Duration,
    /// A connection idle this long is pinged before it is handed out
    /// (`DATABASE_CHECK_AFTER_IDLE_SECS`, default 10; 0 checks every time). A busy pool reuses
    /// connections within milliseconds and pays nothing; after a quiet spell one round trip.
    pub check_after_idle: Duration,
    /// `DATABASE_IAM_AUTH=true`: connect with an RDS IAM authentication token, signed locally,
    /// instead of a password in the URL (see `store::iam`).
    pub iam_auth: bool,
    /// `MIGRATE_ON_START`: `serve` applies pending migrations before it uses the database.
    /// Default: on for SQLite (a local file nobody else migrates), off for PostgreSQL, where
    /// migrating is a deploy step (`mealvote migrate`), so a cold start wakes nothing.
    pub migrate_on_start: bool,
    /// `DATABASE_BOOTSTRAP_PASSWORD`: with IAM authentication, the database user's password for the
    /// one-time `rds_iam` grant before migrating (`store::iam_bootstrap`); dead once granted.
    pub bootstrap_password: Option<SecretString>,
}

impl DatabaseConfig {
    /// `url` with every other setting at its default.
    pub fn with_defaults(url: DatabaseUrl) -> Self {
        Self {
            migrate_on_start: url.engine() == Engine::Sqlite,
            url,
            max_connections: 10,
            acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            idle_timeout: DEFAULT_IDLE_TIMEOUT,
            check_after_idle: DEFAULT_CHECK_AFTER_IDLE,
            iam_auth: false,
            bootstrap_password: None,
        }
    }
}

/// The default of `DATABASE_ACQUIRE_TIMEOUT_SECS`.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest `DATABASE_ACQUIRE_TIMEOUT_SECS` accepted: the request timeout's default.
pub(super) const MAX_ACQUIRE_TIMEOUT_SECS: u64 = 300;
/// The default of `DATABASE_IDLE_TIMEOUT_SECS`: half of Aurora's `idle_session_timeout`.
pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// The longest `DATABASE_IDLE_TIMEOUT_SECS` accepted.
const MAX_IDLE_TIMEOUT_SECS: u64 = 3600;
/// The default of `DATABASE_CHECK_AFTER_IDLE_SECS`.
pub const DEFAULT_CHECK_AFTER_IDLE: Duration = Duration::from_secs(10);

/// The `DATABASE_*` and `MIGRATE_ON_START` variables.
pub(super) fn from_env<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<DatabaseConfig, ConfigError> {
    let url = DatabaseUrl::parse(
        env.get("DATABASE_URL")
            .as_deref()
            .unwrap_or(super::DEFAULT_DATABASE_URL),
    )?;
    let max_connections = env.parse("DATABASE_MAX_CONNECTIONS", 10, "a number")?;
    if max_connections == 0 {
        return Err(ConfigError::new(
            "DATABASE_MAX_CONNECTIONS",
            "must be at least 1",
        ));
    }
    let idle_timeout = env.seconds_within(
        "DATABASE_IDLE_TIMEOUT_SECS",
        DEFAULT_IDLE_TIMEOUT.as_secs(),
        MAX_IDLE_TIMEOUT_SECS,
    )?;
    let check_after_idle = env.parse(
        "DATABASE_CHECK_AFTER_IDLE_SECS",
        DEFAULT_CHECK_AFTER_IDLE.as_secs(),
        "a whole number of seconds",
    )?;
    if check_after_idle > idle_timeout {
        return Err(ConfigError::new(
            "DATABASE_CHECK_AFTER_IDLE_SECS",
            format!(
                "{check_after_idle} is longer than DATABASE_IDLE_TIMEOUT_SECS ({idle_timeout}): \
                 use 0 to {idle_timeout} seconds"
            ),
        ));
    }
    let iam_auth = env.parse("DATABASE_IAM_AUTH", false, "true or false")?;
    if iam_auth {
        check_iam_url(&url)?;
    }
    Ok(DatabaseConfig {
        migrate_on_start: env.parse(
            "MIGRATE_ON_START",
            url.engine() == Engine::Sqlite,
            "true or false",
        )?,
        url,
        max_connections,
        acquire_timeout: Duration::from_secs(env.seconds_within(
            "DATABASE_ACQUIRE_TIMEOUT_SECS",
            DEFAULT_ACQUIRE_TIMEOUT.as_secs(),
            MAX_ACQUIRE_TIMEOUT_SECS,
        )?),
        idle_timeout: Duration::from_secs(idle_timeout),
        check_after_idle: Duration::from_secs(check_after_idle),
        iam_auth,
        bootstrap_password: env.secret("DATABASE_BOOTSTRAP_PASSWORD")?,
    })
}

/// IAM authentication signs a token for one PostgreSQL user on one host, over TLS: the URL names
/// the user and carries no password of its own.
fn check_iam_url(url: &DatabaseUrl) -> Result<(), ConfigError> {
    let problem = |p: &str| ConfigError::new("DATABASE_IAM_AUTH", p);
    if url.engine() != Engine::Postgres {
        return Err(problem("needs a postgres:// DATABASE_URL"));
    }
    let parsed = Url::parse(url.expose()).map_err(|_| problem("DATABASE_URL is not a URL"))?;
    if parsed.username().is_empty() {
        return Err(problem(
            "DATABASE_URL names no user: use postgres://USER@HOST:PORT/DB",
        ));
    }
    if parsed.password().is_some() || parsed.query_pairs().any(|(key, _)| key == "password") {
        return Err(problem(
            "DATABASE_URL carries a password: leave it out, the token replaces it",
        ));
    }
    Ok(())
}
/// The database engine, chosen by the URL's scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

/// A database URL. Its password never appears in `Debug` output or logs: use [`Self::redacted`].
#[derive(Clone)]
pub struct DatabaseUrl {
    secret: SecretString,
    engine: Engine,
    redacted: String,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let problem = |p: &str| ConfigError::new("DATABASE_URL", p);
        let scheme = raw
            .split_once(':')
            .map(|(scheme, _)| scheme)
            .ok_or_else(|| problem("expected a URL starting with sqlite: or postgres:"))?;
        let engine = match scheme {
            "sqlite" => Engine::Sqlite,
            "postgres" | "postgresql" => Engine::Postgres,
            other => {
                return Err(problem(&format!(
                    "unsupported scheme {other:?}: use sqlite: or postgres:"
                )));
            }
        };
        let redacted = match engine {
            // SQLite URLs are file paths and carry no credentials.
            Engine::Sqlite => raw.to_owned(),
            Engine::Postgres => {
                let mut url = Url::parse(raw)
                    .map_err(|e| problem(&format!("not a valid postgres URL ({e})")))?;
                if url.host_str().is_none_or(str::is_empty) {
                    return Err(problem("the postgres URL has no host"));
                }
                if url.password().is_some() {
                    // Cannot fail: the URL has a host.
                    let _ = url.set_password(Some("***"));
                }
                // libpq (and sqlx) also take the password as a query parameter.
                if url.query_pairs().any(|(key, _)| key == "password") {
                    let pairs: Vec<(String, String)> = url
                        .query_pairs()
                        .map(|(key, value)| {
                            let value = if key == "password" {
                                "***".into()
                            } else {
                                value
                            };
                            (key.into_owned(), value.into_owned())
                        })
                        .collect();
                    url.query_pairs_mut().clear().extend_pairs(pairs);
                }
                url.to_string()
            }
        };
        Ok(Self {
            secret: SecretString::from(raw.to_owned()),
            engine,
            redacted,
        })
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The URL with any password replaced by `***`, safe for logs.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// The full URL, password included: only for opening connections.
    pub fn expose(&self) -> &str {
        self.secret.expose_secret()
    }

    /// For an SQLite URL, the file it names (`None` for in-memory databases).
    pub fn sqlite_file(&self) -> Option<PathBuf> {
        if self.engine != Engine::Sqlite {
            return None;
        }
        let rest = self.expose().strip_prefix("sqlite:")?;
        let rest = rest.strip_prefix("//").unwrap_or(rest);
        let path = rest.split('?').next().unwrap_or_default();
        (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.redacted).finish()
    }
}
