//! Reading settings from the environment (or any lookup, for tests): each value parsed once,
//! and a bad one named with its variable.

use secrecy::SecretString;
use url::Url;

use super::{ConfigError, MIN_SECRET_CHARS};

/// Reads variables through a lookup function, so tests need not touch the process environment.
pub struct Env<F>(pub F);

impl<F: Fn(&str) -> Option<String>> Env<F> {
    pub(super) fn get(&self, name: &str) -> Option<String> {
        (self.0)(name).filter(|value| !value.trim().is_empty())
    }

    pub(super) fn parse<T: std::str::FromStr>(
        &self,
        name: &'static str,
        default: T,
        expected: &str,
    ) -> Result<T, ConfigError>
    where
        T::Err: std::fmt::Display,
    {
        match self.get(name) {
            None => Ok(default),
            Some(raw) => raw
                .trim()
                .parse()
                .map_err(|e| ConfigError::new(name, format!("{raw:?} is not {expected} ({e})"))),
        }
    }

    /// A shared secret (a bearer token, a header value): refused when shorter than
    /// [`MIN_SECRET_CHARS`], so that guessing it is hopeless.
    pub(super) fn secret(&self, name: &'static str) -> Result<Option<SecretString>, ConfigError> {
        let Some(value) = self.get(name) else {
            return Ok(None);
        };
        let chars = value.chars().count();
        if chars < MIN_SECRET_CHARS {
            return Err(ConfigError::new(
                name,
                format!(
                    "is {chars} characters long; use at least {MIN_SECRET_CHARS} \
                     (for example the output of `openssl rand -hex 32`)"
                ),
            ));
        }
        Ok(Some(SecretString::from(value)))
    }

    /// A whole number of seconds from 1 to `max`.
    pub(super) fn seconds_within(
        &self,
        name: &'static str,
        default: u64,
        max: u64,
    ) -> Result<u64, ConfigError> {
        let secs = self.parse(name, default, "a whole number of seconds")?;
        if !(1..=max).contains(&secs) {
            return Err(ConfigError::new(
                name,
                format!("{secs} is out of range: use 1 to {max} seconds"),
            ));
        }
        Ok(secs)
    }

    pub(super) fn url(&self, name: &'static str) -> Result<Option<Url>, ConfigError> {
        let Some(raw) = self.get(name) else {
            return Ok(None);
        };
        let url = Url::parse(raw.trim())
            .map_err(|e| ConfigError::new(name, format!("{raw:?} is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(ConfigError::new(name, "must be an http:// or https:// URL"));
        }
        Ok(Some(url))
    }
}
