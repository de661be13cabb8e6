//! The database floor under every feature: the [`Store`] handle (pool, engine, IAM sign-in,
//! migrations, the one error type), on which each feature's folder adds its own `impl Store`
//! block with its SQL. One portable implementation over sqlx's `Any` driver that runs on
//! SQLite (local runs, demos) and PostgreSQL (production), chosen by `DATABASE_URL`'s scheme.
//!
//! Portability rules (see docs/toolchain.md, "sqlx 0.8 `Any` driver"): ids are TEXT, times BIGINT
//! milliseconds since the epoch, flags INTEGER 0/1 bound and read as `i64`, aggregates cast to
//! BIGINT, case-insensitive matching with `lower(..)`. The conformance suite in
//! `server/tests/it/store/` runs every method against both engines.

pub mod iam;
pub mod iam_bootstrap;
mod pool;
pub mod statements;

use std::{sync::Arc, time::Instant};

use app::error::InviteProblem;
use secrecy::SecretString;
use sqlx::{Any, AnyPool, Transaction, any::AnyPoolOptions, pool::PoolConnection};

use crate::config::{DatabaseConfig, Engine};

/// Migrations embedded in the binary, run by `mealvote migrate` (a deploy step), by
/// `POST /internal/events` on Lambda, or at start-up with `MIGRATE_ON_START`; see
/// `server/migrations/README.md`.
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
    /// No IAM authentication token could be signed (`DATABASE_IAM_AUTH=true`).
    #[error("cannot sign a database token: {0}")]
    Credentials(String),
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
    /// The ballot does not fit the slot; the message says how, for the voter.
    #[error("the ballot cannot be saved: {0}")]
    Ballot(String),
    #[error("the dish library has a dish with this name already")]
    DishExists,
    /// A household's or account's limit was reached; nothing was written.
    #[error("limit reached: {0:?}")]
    Quota(app::quotas::Quota),
    /// Two foods cannot be merged this way; the problem names them.
    #[error("the foods cannot be merged: {0:?}")]
    SameFood(app::shopping::SameFoodProblem),
    /// A change of a meal's cook that its rules refuse; nothing was written.
    #[error("the cook cannot change this way: {0:?}")]
    Cook(app::cooks::CookProblem),
    /// A stored value the code cannot read back; names the column.
    #[error("unreadable stored value in {0}")]
    Corrupt(&'static str),
}

/// Why a plan cannot change the way someone asked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanRule {
    /// Only the member who proposed a plan may edit it or move its deadline.
    ProposerOnly,
    /// Options are fixed once the plan's first ballot has arrived.
    BallotsArrived,
    /// The slot or plan is closed: its deadline has passed, or everyone has voted.
    Closed,
    /// Only a slot that closed without a winner can be re-opened.
    NotReopenable,
    /// The option added to a meal before re-opening it is one of its options already.
    OptionExists,
}

/// `(\$1, \$2, …), (…)`: the `values` of a multi-row insert of `rows` rows of `columns` columns,
/// so one statement writes them all.
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    let row = |r: usize| {
        let cells: Vec<String> = (1..=columns)
            .map(|c| format!("${}", r * columns + c))
            .collect();
        format!("({})", cells.join(", "))
    };
    (0..rows).map(row).collect::<Vec<_>>().join(", ")
}

/// A unique constraint refused the write (same answer on both engines).
pub(crate) fn is_unique_violation(error: &sqlx::Error) -> bool {
    error
        .as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}

/// A handle to the database; cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    /// Connections opened, and when one was last found dead (`db::pool`).
    health: Arc<pool::PoolHealth>,
    /// `DATABASE_IAM_AUTH=true`: the signer of each new connection's token.
    iam: Option<Arc<iam::IamAuth>>,
    /// `DATABASE_IAM_AUTH=true`: the settings for the one-time `rds_iam` grant that precedes
    /// migrating (`iam_bootstrap`).
    bootstrap: Option<Arc<DatabaseConfig>>,
}

impl Store {
    /// Opens a connection pool and one connection, so that an unreachable database is reported
    /// now. An SQLite file (and its directory) is created if missing.
    pub async fn connect(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let store = Self::connect_lazy(config)?;
        let opened = async {
            let conn = store.acquire().await?;
            drop(conn);
            Ok::<(), StoreError>(())
        };
        match opened.await {
            Ok(()) => Ok(store),
            Err(StoreError::Database(source)) => Err(StoreError::Connect {
                url: config.url.redacted().to_owned(),
                source,
            }),
            Err(other) => Err(other),
        }
    }

    /// A pool that connects on first use: the server answers `/healthz`, static files and
    /// signed-out pages without ever waking the database (an Aurora cluster that is paused).
    pub fn connect_lazy(config: &DatabaseConfig) -> Result<Self, StoreError> {
        let health = pool::PoolHealth::new();
        let (options, url) = Self::options(config, &health)?;
        let pool = options
            .connect_lazy(&url)
            .map_err(|source| StoreError::Connect {
                url: config.url.redacted().to_owned(),
                source,
            })?;
        let iam = if config.iam_auth {
            Some(Arc::new(iam::IamAuth::new(&config.url)?))
        } else {
            None
        };
        Ok(Self {
            pool,
            engine: config.url.engine(),
            health,
            iam,
            bootstrap: config.iam_auth.then(|| Arc::new(config.clone())),
        })
    }

    /// The pool's settings and the URL to open it with.
    fn options(
        config: &DatabaseConfig,
        health: &Arc<pool::PoolHealth>,
    ) -> Result<(AnyPoolOptions, String), StoreError> {
        sqlx::any::install_default_drivers();
        let mut url = config.url.expose().to_owned();
        if config.url.engine() == Engine::Sqlite {
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
        Ok((pool::options(config, health), url))
    }

    /// How many database connections this store has opened since it was created.
    pub fn connections_opened(&self) -> u64 {
        self.health.opened()
    }

    /// Runs `op`, and once more on a fresh connection if the database had ended the connection
    /// it met. Only for operations that are safe to repeat: reads, and writes whose repetition
    /// changes nothing (closing due slots). Never for a write that may have committed before the
    /// connection broke and would act twice.
    pub(crate) async fn retry_once<T, F, Fut>(&self, op: F) -> Result<T, StoreError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        match op().await {
            Err(StoreError::Database(error)) if pool::is_connection_lost(&error) => {
                // Its neighbours in the pool likely died with it: they are pinged before reuse,
                // so the retry gets a live or a new connection.
                self.health.connection_lost();
                tracing::warn!(%error, "the database had ended a pooled connection; retrying once");
                op().await
            }
            other => other,
        }
    }

    /// Applies every pending migration, each in its own transaction.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        self.migrate_bootstrapped(None).await
    }

    /// [`Self::migrate`], after the one-time `rds_iam` grant when IAM authentication is on and a
    /// bootstrap password is known: `password` (Lambda's migrate event) or
    /// `DATABASE_BOOTSTRAP_PASSWORD`.
    pub async fn migrate_bootstrapped(
        &self,
        password: Option<&SecretString>,
    ) -> Result<(), StoreError> {
        if let Some(config) = &self.bootstrap {
            let password = password.or(config.bootstrap_password.as_ref());
            iam_bootstrap::grant_rds_iam(config, password).await?;
        }
        self.sign_in().await?;
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
    pub(crate) async fn acquire(&self) -> Result<PoolConnection<Any>, StoreError> {
        self.sign_in().await?;
        let started = Instant::now();
        let conn = self.pool.acquire().await;
        crate::metrics::db_pool_acquired(started.elapsed());
        Ok(conn?)
    }

    /// A transaction on a pooled connection. The measured wait includes the `begin` round trip:
    /// sqlx offers no owned transaction over a connection acquired separately.
    pub(crate) async fn begin(&self) -> Result<Transaction<'static, Any>, StoreError> {
        self.sign_in().await?;
        let started = Instant::now();
        let tx = self.pool.begin().await;
        crate::metrics::db_pool_acquired(started.elapsed());
        Ok(tx?)
    }

    /// With IAM authentication, a token valid for the next connection the pool opens.
    async fn sign_in(&self) -> Result<(), StoreError> {
        match &self.iam {
            Some(iam) => iam.refresh(&self.pool).await,
            None => Ok(()),
        }
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
