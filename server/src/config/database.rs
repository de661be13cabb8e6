//! `DATABASE_URL` and the pool's settings: which engine, and a URL whose password never reaches a
//! log.

use std::{path::PathBuf, time::Duration};

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use super::ConfigError;

#[derive(Debug, Clone)]
pub struct DatabaseConfig {
    pub url: DatabaseUrl,
    pub max_connections: u32,
    /// How long a request waits for a pooled connection, connecting included
    /// (`DATABASE_ACQUIRE_TIMEOUT_SECS`, default 5; 25 for Aurora, which resumes from a pause).
    pub acquire_timeout: Duration,
}

/// The default of `DATABASE_ACQUIRE_TIMEOUT_SECS`.
pub const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
/// The longest `DATABASE_ACQUIRE_TIMEOUT_SECS` accepted: the request timeout's default.
pub(super) const MAX_ACQUIRE_TIMEOUT_SECS: u64 = 300;
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
