//! The one storage layer: a single portable implementation over sqlx's `Any` driver that runs on
//! SQLite (local runs, demos) and PostgreSQL (production), chosen by `DATABASE_URL`'s scheme.
//!
//! Portability rules (see docs/toolchain.md, "sqlx 0.8 `Any` driver"): ids are TEXT, times BIGINT
//! milliseconds since the epoch, flags INTEGER 0/1 bound and read as `i64`, aggregates cast to
//! BIGINT, case-insensitive matching with `lower(..)`. The conformance suite in
//! `server/tests/it/store/` runs every method against both engines.

mod accounts;
mod ballots;
mod calendar;
mod closing;
mod departures;
mod dishes;
mod households;
mod invites;
mod notifications;
mod outbox;
mod outcomes;
mod plan_views;
mod plans;
mod rate_limits;
mod retention;
mod sessions;

use std::time::{Duration, Instant};

use app::error::InviteProblem;
use sqlx::{
    Any, AnyConnection, AnyPool, Executor, Transaction, any::AnyPoolOptions, pool::PoolConnection,
};

use crate::config::{DatabaseConfig, Engine};

pub use accounts::User;
pub use ballots::BallotDraft;
pub use calendar::{CalendarSlot, MAX_FEED_SLOTS};
pub use closing::{Closed, FinalizeReport};
pub use households::{HouseholdAccess, HouseholdRecord, Member, Membership};
pub use invites::{NewInvite, StoredInvite};
pub use notifications::{
    AfterAttempt, AttemptOutcome, DueDelivery, MAX_ATTEMPTS, StoredWebhook, retry_at,
};
pub use outbox::EventKind;
pub use outcomes::StoredOutcome;
pub use plans::{PlanRule, PlanTiming};
pub use retention::{
    DELIVERY_RETENTION_MS, INVITE_RETENTION_MS, OUTBOX_RETENTION_MS, PRUNE_BATCH, PruneReport,
};
pub use sessions::StoredSession;

/// Migrations embedded in the binary, run at start-up; see `server/migrations/README.md`.
pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot create the directory for the SQLite file {path}: {source}")]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot connect to the database at {url}: {source}")]
    Connect { url: String, source: sqlx::Error },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// Unknown, or not visible to the person asking: the two are never told apart.
    #[error("not found")]
    NotFound,
    #[error("an account with this email address exists already")]
    EmailTaken,
    #[error("only an admin of the household may do this")]
    NotAdmin,
    #[error("the household's last admin cannot leave or step down")]
    LastAdmin,
    #[error("the invite cannot be used: {0:?}")]
    Invite(InviteProblem),
    #[error("the plan cannot change this way: {0:?}")]
    Rule(PlanRule),
    #[error("the dish library has a dish with this name already")]
    DishExists,
    /// A household's or account's limit was reached; nothing was written.
    #[error("limit reached: {0:?}")]
    Quota(app::quotas::Quota),
    /// A stored value the code cannot read back; names the column.
    #[error("unreadable stored value in {0}")]
    Corrupt(&'static str),
}

/// `(\$1, \$2, …), (…)`: the `values` of a multi-row insert of `rows` rows of `columns` columns,
/// so one statement writes them all.
fn placeholders(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=columns)
            .map(|c| format!("${}", r * columns + c))
            .collect();
        format!("({})", cells.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// A unique constraint refused the write (same answer on both engines).
fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// A handle to the database; cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// The rate-limit key ([`Store::rate_limit_key`]), read once per process.
    rate_limit_key: std::sync::Arc<tokio::sync::OnceCell<String>>,
}

impl Store {
    /// Opens a connection pool. An SQLite file (and its directory) is created if missing.
    pub async fn connect(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let (options, url) = Self::options(config)?;
        Self::over(options.connect(&url).await, config)
    }

    /// A pool that connects on first use, so that the server can answer `/healthz` while the
    /// database is still out of reach (an Aurora cluster resuming from a pause).
    pub fn connect_lazy(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let (options, url) = Self::options(config)?;
        Self::over(options.connect_lazy(&url), config)
    }

    /// A store over the pool opened for `config`; a pool that failed to open names the database
    /// by its redacted URL.
    fn over(
        pool: Result<AnyPool, sqlx::Error>,
        config: &DatabaseConfig,
    ) -> Result<Self, StoreError> {
        let pool = pool.map_err(|source| StoreError::Connect {
            url: config.url.redacted().to_owned(),
            source,
        })?;
        Ok(Self {
            pool,
            engine: config.url.engine(),
            rate_limit_key: std::sync::Arc::default(),
        })
    }

    /// The pool's settings and the URL to open it with.
    fn options(config: &DatabaseConfig) -> Result<(AnyPoolOptions, String), StoreError> {
        sqlx::any::install_default_drivers();
        let engine = config.url.engine();
        let mut url = config.url.expose().to_owned();
        if engine == Engine::Sqlite {
            if let Some(file) = config.url.sqlite_file()
                && let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty())
            {
                std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
                    path: file.display().to_string(),
                    source,
                })?;
            }
            if !url.contains("mode=") {
                url.push_str(if url.contains('?') { "&" } else { "?" });
                url.push_str("mode=rwc");
            }
        }
        let options = AnyPoolOptions::new()
            // No ping before each use: a round trip per store call, for a check that a broken
            // connection (after a database restart) fails the one request that meets it anyway.
            .test_before_acquire(false)
            // A db.t4g.micro allows ~80 connections; two App Runner instances at 10 each leave
            // plenty for migrations and an operator's psql.
            .max_connections(config.max_connections)
            .min_connections(0)
            .acquire_timeout(config.acquire_timeout)
            .idle_timeout(Duration::from_secs(600))
            .after_connect(move |conn, _meta| Box::pin(prepare_connection(conn, engine)));
        Ok((options, url))
    }

    /// Applies every pending migration, each in its own transaction.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// A round trip to the database, for the readiness check.
    #[tracing::instrument(name = "store.ping", skip_all)]
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1")
            .execute(&mut *self.acquire().await?)
            .await?;
        Ok(())
    }

    /// A connection from the pool. Every method gets its connection here or from
    /// [`Self::begin`], so the wait is always measured (`metrics::DB_POOL_ACQUIRE`).
    async fn acquire(&self) -> Result<PoolConnection<Any>, StoreError> {
        let started = Instant::now();
        let conn = self.pool.acquire().await;
        crate::metrics::db_pool_acquired(started.elapsed());
        Ok(conn?)
    }

    /// A transaction on a pooled connection. The measured wait includes the `begin` round trip:
    /// sqlx offers no owned transaction over a connection acquired separately.
    async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        let started = Instant::now();
        let tx = self.pool.begin().await;
        crate::metrics::db_pool_acquired(started.elapsed());
        Ok(tx?)
    }

    /// Records the pool's size, idle connections and limit; `/metrics` calls it at each scrape.
    pub fn sample_pool_metrics(&self) {
        crate::metrics::db_pool(
            self.pool.size(),
            self.pool.num_idle(),
            self.pool.options().get_max_connections(),
        );
    }

    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// The raw pool, for the conformance tests' direct checks. Application code calls methods.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
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
