//! `MAX_CONNECTIONS` and `HEADER_READ_TIMEOUT_SECS`: the bounds the accept loop keeps
//! (`startup::connections`).

use std::time::Duration;

use super::{ConfigError, env::Env};

/// How many connections may be open at once and how long a request head may take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

/// The longest `HEADER_READ_TIMEOUT_SECS` accepted.
const MAX_HEADER_READ_TIMEOUT_SECS: u64 = 300;

/// `behind_a_proxy`: requests arrive through a proxy that keeps connections open (App Runner's
/// front end, or the Lambda Web Adapter on the same machine).
pub(super) fn from_env<F: Fn(&str) -> Option<String>>(
    env: &Env<F>,
    behind_a_proxy: bool,
) -> Result<ConnectionLimits, ConfigError> {
    let max_connections = env.parse("MAX_CONNECTIONS", default_max_connections(), "a number")?;
    if max_connections == 0 {
        return Err(ConfigError::new("MAX_CONNECTIONS", "must be at least 1"));
    }
    // The timeout also closes a kept-alive connection idle that long. Behind a proxy (which
    // reads request heads itself) it must outlast the proxy's own idle timeout, or the proxy may
    // send a request on a connection the server is just closing; on Lambda, a thawed environment
    // sees every timer fire at once, as the adapter reuses its kept-alive connection.
    let default_secs = if behind_a_proxy { 120 } else { 10 };
    Ok(ConnectionLimits {
        max_connections,
        header_read_timeout: Duration::from_secs(env.seconds_within(
            "HEADER_READ_TIMEOUT_SECS",
            default_secs,
            MAX_HEADER_READ_TIMEOUT_SECS,
        )?),
    })
}

/// The default for `MAX_CONNECTIONS`: 1,024, or a quarter of the process's open-file limit when
/// that is lower, so that connections alone can never use up the descriptors the database pool,
/// static files and the health check need.
pub fn default_max_connections() -> usize {
    const CEILING: usize = 1_024;
    open_file_limit().map_or(CEILING, |limit| (limit / 4).clamp(16, CEILING))
}

#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn open_file_limit() -> Option<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes only into the struct it is given.
    let read = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &raw mut limit) };
    (read == 0).then(|| usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn open_file_limit() -> Option<usize> {
    None
}
