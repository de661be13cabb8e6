//! The background work's settings: the in-process ticker, the batch size, the ballot-save
//! limit and the EMF metrics interval.

use std::time::Duration;

use super::{ConfigError, Env};

/// The longest `METRICS_EMF_INTERVAL_SECS` accepted.
const MAX_EMF_INTERVAL_SECS: u64 = 3600;

/// `TICKER_INTERVAL_SECS`; 0 turns the ticker off.
pub(super) fn ticker_interval<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Option<Duration>, ConfigError> {
    Ok(
        match env.parse("TICKER_INTERVAL_SECS", 60_u64, "a number of seconds")? {
            0 => None,
            secs => Some(Duration::from_secs(secs)),
        },
    )
}

/// `FINALIZE_BATCH_SIZE`, at least 1.
pub(super) fn finalize_batch<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<u32, ConfigError> {
    match env.parse("FINALIZE_BATCH_SIZE", 1000_u32, "a number")? {
        0 => Err(ConfigError::new(
            "FINALIZE_BATCH_SIZE",
            "must be at least 1",
        )),
        size => Ok(size),
    }
}

/// `BALLOT_SAVES_PER_MINUTE`, at least 1.
pub(super) fn ballot_saves_per_minute<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<u32, ConfigError> {
    match env.parse(
        "BALLOT_SAVES_PER_MINUTE",
        app::quotas::MAX_BALLOT_SAVES_PER_MINUTE,
        "a number",
    )? {
        0 => Err(ConfigError::new(
            "BALLOT_SAVES_PER_MINUTE",
            "must be at least 1",
        )),
        n => Ok(n),
    }
}

/// `METRICS_EMF=true`: EMF lines every `METRICS_EMF_INTERVAL_SECS`.
pub(super) fn metrics_emf<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
) -> Result<Option<Duration>, ConfigError> {
    if !env.parse("METRICS_EMF", false, "true or false")? {
        return Ok(None);
    }
    Ok(Some(Duration::from_secs(env.seconds_within(
        "METRICS_EMF_INTERVAL_SECS",
        60,
        MAX_EMF_INTERVAL_SECS,
    )?)))
}
