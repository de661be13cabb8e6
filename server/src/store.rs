//! The one storage layer: a single portable implementation over sqlx's `Any` driver that runs on
//! SQLite (local runs, demos) and PostgreSQL (production), chosen by `DATABASE_URL`'s scheme.
//!
//! Portability rules (see `TOOLCHAIN.md`, "sqlx 0.8 `Any` driver"): ids are TEXT, times BIGINT
//! milliseconds since the epoch, flags INTEGER 0/1 bound and read as `i64`, aggregates cast to
//! BIGINT, case-insensitive matching with `lower(..)`. The conformance suite in
//! `server/tests/it/store.rs` runs every method against both engines.

use std::time::Duration;

use sqlx::{AnyConnection, AnyPool, Executor, any::AnyPoolOptions};

use crate::config::{DatabaseConfig, Engine};

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
}

/// A handle to the database; cheap to clone (the pool is shared).
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
}

impl Store {
    /// Opens a connection pool. An SQLite file (and its directory) is created if missing.
    pub async fn connect(config: &DatabaseConfig) -> Result<Self, StoreError> {
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
        let pool = AnyPoolOptions::new()
            // A db.t4g.micro allows ~80 connections; two App Runner instances at 10 each leave
            // plenty for migrations and an operator's psql.
            .max_connections(config.max_connections)
            .min_connections(0)
            .acquire_timeout(Duration::from_secs(5))
            .idle_timeout(Duration::from_secs(600))
            .after_connect(move |conn, _meta| Box::pin(prepare_connection(conn, engine)))
            .connect(&url)
            .await
            .map_err(|source| StoreError::Connect {
                url: config.url.redacted().to_owned(),
                source,
            })?;
        Ok(Self { pool, engine })
    }

    /// Applies every pending migration, each in its own transaction.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await?;
        Ok(())
    }

    /// A round trip to the database, for the readiness check.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("select 1").execute(&self.pool).await?;
        Ok(())
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
