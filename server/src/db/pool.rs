//! The connection pool's settings, and what keeps it from handing out a connection the database
//! has already ended.
//!
//! Aurora ends a session idle for 2 minutes (`idle_session_timeout`); a restart or failover ends
//! them all. A pooled connection the server has ended fails its next statement, and that request
//! would answer 500. So: a connection idle longer than `DATABASE_IDLE_TIMEOUT_SECS` is closed,
//! never handed out, also when the pool's reaper did not run (a frozen Lambda environment runs
//! nothing); one idle longer than `DATABASE_CHECK_AFTER_IDLE_SECS`, or idle since before a
//! connection was last found dead, is pinged first. Idle time is the longer of the pool's own
//! measure and the wall-clock time since the pool was last used, so a thawed environment counts
//! the minutes it spent frozen. What still meets a dead connection is retried once where that is
//! safe ([`Store::retry_once`](super::Store)).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use sqlx::{AnyConnection, Connection, Executor, any::AnyPoolOptions};

use crate::config::{DatabaseConfig, Engine};

/// What the pool has seen: connections opened, and when one was last found dead. Shared by the
/// pool's callbacks and the store.
#[derive(Debug)]
pub(super) struct PoolHealth {
    /// Every connection ever opened (also counted while the server runs: a cold start that
    /// answers only signed-out pages must leave it at 0).
    opened: AtomicU64,
    /// When a connection was last found dead, in microseconds after `epoch` (0: never).
    lost_at_micros: AtomicU64,
    epoch: Instant,
    /// When a connection was last handed out or given back, in wall-clock milliseconds since the
    /// Unix epoch. Every idle connection has been idle at least since then, whatever the
    /// monotonic clock says after a Lambda environment was frozen and thawed.
    last_active_ms: AtomicU64,
}

impl PoolHealth {
    pub(super) fn new() -> Arc<Self> {
        Arc::new(Self {
            opened: AtomicU64::new(0),
            lost_at_micros: AtomicU64::new(0),
            epoch: Instant::now(),
            last_active_ms: AtomicU64::new(wall_ms()),
        })
    }

    fn touch(&self) {
        self.last_active_ms.store(wall_ms(), Ordering::Relaxed);
    }

    /// How long a connection the pool measured as idle for `idle_for` has really been idle: at
    /// least since the pool was last active, by the wall clock (`now_ms`).
    fn idle_for(&self, idle_for: Duration, now_ms: u64) -> Duration {
        let quiet = now_ms.saturating_sub(self.last_active_ms.load(Ordering::Relaxed));
        idle_for.max(Duration::from_millis(quiet))
    }

    pub(super) fn opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// Records that a connection turned out dead: every connection idle since before now is
    /// suspect (the database likely ended them together) and is pinged before its next use.
    pub(super) fn connection_lost(&self) {
        self.lost_at(self.epoch.elapsed());
    }

    fn lost_at(&self, since_epoch: Duration) {
        let micros = u64::try_from(since_epoch.as_micros()).unwrap_or(u64::MAX);
        self.lost_at_micros
            .fetch_max(micros.max(1), Ordering::Relaxed);
    }

    /// Whether a connection idle for `idle_for` at `now` (after `epoch`) was already idle when
    /// one was last found dead.
    fn idle_since_a_loss(&self, idle_for: Duration, now: Duration) -> bool {
        let lost = self.lost_at_micros.load(Ordering::Relaxed);
        lost != 0 && now.saturating_sub(idle_for) <= Duration::from_micros(lost)
    }
}

/// The pool's settings for `config`.
pub(super) fn options(config: &DatabaseConfig, health: &Arc<PoolHealth>) -> AnyPoolOptions {
    let engine = config.url.engine();
    let idle_timeout = config.idle_timeout;
    let check_after = config.check_after_idle;
    let connected = Arc::clone(health);
    let acquiring = Arc::clone(health);
    let released = Arc::clone(health);
    AnyPoolOptions::new()
        // No ping before every use (a round trip per store call): `before_acquire` pings only
        // connections that have been idle long enough to have been ended.
        .test_before_acquire(false)
        // A db.t4g.micro allows ~80 connections; two App Runner instances at 10 each leave
        // plenty for migrations and an operator's psql.
        .max_connections(config.max_connections)
        // Nothing is opened before a request needs it: a cold start wakes no database.
        .min_connections(0)
        .acquire_timeout(config.acquire_timeout)
        .idle_timeout(idle_timeout)
        .after_release(move |_conn, _meta| {
            released.touch();
            Box::pin(async { Ok(true) })
        })
        .after_connect(move |conn, _meta| {
            connected.opened.fetch_add(1, Ordering::Relaxed);
            Box::pin(prepare_connection(conn, engine))
        })
        .before_acquire(move |conn, meta| {
            let now = acquiring.epoch.elapsed();
            let idle_for = acquiring.idle_for(meta.idle_for, wall_ms());
            acquiring.touch();
            let verdict = verdict(&acquiring, idle_for, now, idle_timeout, check_after);
            Box::pin(async move {
                match verdict {
                    Verdict::Use => Ok(true),
                    Verdict::Close => Ok(false),
                    Verdict::Ping => conn.ping().await.map(|()| true),
                }
            })
        })
}

#[derive(Debug, PartialEq, Eq)]
enum Verdict {
    Use,
    Ping,
    Close,
}

/// What to do with an idle connection before handing it out. The pool's reaper closes
/// connections past the idle timeout only while the process runs; a Lambda environment thawed
/// after minutes still holds them, so the timeout is applied here too.
fn verdict(
    health: &PoolHealth,
    idle_for: Duration,
    now: Duration,
    idle_timeout: Duration,
    check_after: Duration,
) -> Verdict {
    if idle_for >= idle_timeout {
        Verdict::Close
    } else if idle_for >= check_after || health.idle_since_a_loss(idle_for, now) {
        Verdict::Ping
    } else {
        Verdict::Use
    }
}

fn wall_ms() -> u64 {
    u64::try_from(crate::clock::now_ms()).unwrap_or(0)
}

/// Per-connection settings. SQLite: write-ahead logging so readers never block the writer,
/// foreign keys enforced, and a busy timeout so concurrent writers wait instead of failing.
async fn prepare_connection(conn: &mut AnyConnection, engine: Engine) -> Result<(), sqlx::Error> {
    if engine == Engine::Sqlite {
        conn.execute(
            "pragma journal_mode = wal; pragma foreign_keys = on; \
             pragma busy_timeout = 5000; pragma synchronous = normal;",
        )
        .await?;
    }
    Ok(())
}

/// The database ended the connection (or it broke on the way): its session is gone with whatever
/// transaction it had open, so nothing it was doing was committed, unless it was the commit.
pub(super) fn is_connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(error) => error.code().is_some_and(|code| {
            // 08: connection exception; 57P01 admin shutdown (pg_terminate_backend), 57P02 crash
            // shutdown, 57P05 idle-session timeout (Aurora's 2 minutes).
            code.starts_with("08") || matches!(&*code, "57P01" | "57P02" | "57P05")
        }),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TIMEOUT: Duration = Duration::from_secs(60);
    const CHECK: Duration = Duration::from_secs(10);
    const NOW: Duration = Duration::from_secs(3600);

    fn at(health: &PoolHealth, idle_for: Duration, now: Duration) -> Verdict {
        verdict(health, idle_for, now, TIMEOUT, CHECK)
    }

    #[test]
    fn a_connection_idle_past_the_timeout_is_closed_even_if_the_reaper_never_ran() {
        let health = PoolHealth::new();
        assert_eq!(at(&health, Duration::from_millis(3), NOW), Verdict::Use);
        assert_eq!(at(&health, Duration::from_secs(10), NOW), Verdict::Ping);
        assert_eq!(at(&health, Duration::from_secs(59), NOW), Verdict::Ping);
        assert_eq!(at(&health, Duration::from_secs(60), NOW), Verdict::Close);
        assert_eq!(
            at(&health, Duration::from_secs(20 * 60), NOW),
            Verdict::Close
        );
    }

    #[test]
    fn after_a_loss_every_connection_idle_since_before_it_is_pinged() {
        let health = PoolHealth::new();
        let idle = Duration::from_millis(50);
        assert_eq!(at(&health, idle, NOW), Verdict::Use);
        health.lost_at(NOW);
        // Idle since before the loss: suspect, however briefly idle.
        assert_eq!(at(&health, idle, NOW), Verdict::Ping);
        assert_eq!(
            at(&health, idle, NOW + Duration::from_millis(50)),
            Verdict::Ping
        );
        // Back in the pool after the loss: trusted again.
        let later = NOW + Duration::from_millis(80);
        assert_eq!(at(&health, Duration::from_millis(5), later), Verdict::Use);
    }

    #[test]
    fn a_quiet_pool_by_the_wall_clock_counts_as_idle_whatever_the_monotonic_clock_says() {
        let health = PoolHealth::new();
        let last = health.last_active_ms.load(Ordering::Relaxed);
        let short = Duration::from_millis(20);
        // Busy: the pool's own measure stands.
        assert_eq!(health.idle_for(short, last + 5), short);
        // Thawed after 10 minutes that the monotonic clock did not see: closed, not handed out.
        let thawed = health.idle_for(short, last + 600_000);
        assert_eq!(thawed, Duration::from_secs(600));
        assert_eq!(at(&health, thawed, NOW), Verdict::Close);
        // A wall clock set back counts for nothing.
        assert_eq!(health.idle_for(short, last.saturating_sub(60_000)), short);
    }

    #[test]
    fn only_connection_failures_count_as_a_lost_connection() {
        let io = std::io::Error::from(std::io::ErrorKind::ConnectionReset);
        assert!(is_connection_lost(&sqlx::Error::Io(io)));
        assert!(!is_connection_lost(&sqlx::Error::RowNotFound));
        assert!(!is_connection_lost(&sqlx::Error::PoolTimedOut));
    }
}
