//! Building and running the application: what `mealvote serve` and the tests share.

mod connections;

use std::{future::Future, net::SocketAddr, time::Duration};

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

use crate::{
    config::{Config, ConnectionLimits, Engine},
    db::{Store, StoreError},
    http::{self, Readiness},
};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] crate::db::StoreError),
    #[error("cannot listen on {address}: {source}")]
    Bind {
        address: SocketAddr,
        source: std::io::Error,
    },
}

/// A server that has connected to its database, migrated it and bound its port, but not yet
/// started answering.
pub struct Application {
    listener: TcpListener,
    router: axum::Router,
    store: Store,
    ticker: Option<(Duration, u32, crate::batch::Senders)>,
    /// `METRICS_EMF`: how often EMF metric lines are written (`telemetry::emf`).
    emf: Option<Duration>,
    /// Set when the migrations are still to run: [`Self::run_until`] runs them in the
    /// background and marks the schema current.
    migrations: Option<tokio::sync::watch::Sender<bool>>,
    /// `MAX_CONNECTIONS` and `HEADER_READ_TIMEOUT_SECS`.
    connections: ConnectionLimits,
}

impl Application {
    /// Connects and migrates the database, then binds the listener (port 0 picks a free port).
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let store = Store::connect(&config.database).await?;
        store.migrate().await?;
        Self::assemble(config, store, Readiness::migrated(), None).await
    }

    /// What `serve` does: binds the listener without opening a database connection, so
    /// `/healthz`, static files and signed-out pages never wake the database. With
    /// `MIGRATE_ON_START`: an SQLite file is migrated first, before anything else touches it;
    /// PostgreSQL is migrated in the background by [`Self::run_until`], retrying while the
    /// database is out of reach (`/readyz` says `waking`, and the app's routes wait). Without
    /// it the schema is current already: migrating is a deploy step (`mealvote migrate`).
    pub async fn start(config: &Config) -> Result<Self, StartupError> {
        let store = Store::connect_lazy(&config.database)?;
        if !config.database.migrate_on_start {
            return Self::assemble(config, store, Readiness::migrated(), None).await;
        }
        if config.database.url.engine() == Engine::Sqlite {
            store.migrate().await?;
            tracing::info!("database schema is current");
            return Self::assemble(config, store, Readiness::migrated(), None).await;
        }
        let (migrated, readiness) = Readiness::pending(config.database.acquire_timeout);
        Self::assemble(config, store, readiness, Some(migrated)).await
    }

    async fn assemble(
        config: &Config,
        store: Store,
        readiness: Readiness,
        migrations: Option<tokio::sync::watch::Sender<bool>>,
    ) -> Result<Self, StartupError> {
        let address = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartupError::Bind { address, source })?;
        // The one webhook and push client: the finalize endpoint, Lambda's events and the ticker
        // share them.
        let senders = crate::batch::Senders {
            webhooks: config.webhooks_enabled.then(|| {
                crate::webhooks::Sender::new(config.webhooks_allow_private, config.outbound)
            }),
            push: config.push_enabled.then(|| {
                crate::push::Sender::new(
                    crate::push::Vapid::new(store.clone(), config.push_subject()),
                    config.push_allow_private,
                    config.outbound,
                )
            }),
        };
        if !config.push_enabled {
            tracing::warn!(
                "Web Push is off: OUTBOUND=none says this server cannot reach the internet, so \
                 no phone gets notifications (the account page says so)"
            );
        }
        let router = http::router(
            config,
            store.clone(),
            crate::metrics::handle(),
            readiness,
            senders.clone(),
        );
        Ok(Self {
            listener,
            router,
            store,
            ticker: config
                .ticker_interval
                .map(|interval| (interval, config.finalize_batch, senders)),
            emf: config.metrics_emf,
            migrations,
            connections: config.connections,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound TCP listener has a local address")
    }

    /// The application's own store (the same pool its requests use).
    pub fn store(&self) -> Store {
        self.store.clone()
    }

    /// Serves until `shutdown` completes, then stops accepting and lets in-flight requests finish.
    /// A migration that fails for another reason than an unreachable database stops the server
    /// with that error.
    pub async fn run_until(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> std::io::Result<()> {
        let Self {
            listener,
            router,
            store,
            ticker,
            emf,
            migrations,
            connections,
        } = self;
        let (failed, failure) = tokio::sync::oneshot::channel::<()>();
        // The ticker starts once the schema is current, never before (it would fail on tables
        // that do not exist yet).
        let schema = migrations
            .as_ref()
            .map(tokio::sync::watch::Sender::subscribe);
        let migrating = migrations.map(|migrated| {
            let store = store.clone();
            tokio::spawn(async move {
                let result = migrate_when_reachable(&store).await;
                match &result {
                    Ok(()) => {
                        migrated.send_replace(true);
                    }
                    Err(_) => {
                        let _ = failed.send(());
                    }
                }
                result
            })
        });
        // The ticker stops when shutdown begins; in-flight requests still finish.
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let ticking = ticker.map(|ticker| spawn_ticker(store.clone(), ticker, schema, stopped));
        // EMF lines: every interval, and once more when the last request has been answered.
        let (served, serving) = tokio::sync::oneshot::channel::<()>();
        let metrics = emf.map(|every| {
            let pool = store.clone();
            let sample = move || pool.sample_pool_metrics();
            tokio::spawn(crate::telemetry::emf::run(sample, every, async {
                let _ = serving.await;
            }))
        });
        let shutdown = async move {
            tokio::select! {
                () = shutdown => {}
                Ok(()) = failure => {}
            }
            let _ = stopping.send(true);
        };
        let result = connections::serve(listener, router, connections, shutdown).await;
        if let Some(ticking) = ticking {
            let _ = ticking.await;
        }
        drop(served);
        if let Some(migrating) = migrating {
            migrating.abort();
            if let Ok(Err(error)) = migrating.await {
                store.close().await;
                return Err(std::io::Error::other(error));
            }
        }
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        store.close().await;
        result
    }
}

/// The in-process ticker `(interval, batch, senders)`, started once `schema` (when migrations
/// run in the background) says the schema is current, and stopped when `stopped` turns true.
fn spawn_ticker(
    store: Store,
    (interval, batch, senders): (Duration, u32, crate::batch::Senders),
    mut schema: Option<tokio::sync::watch::Receiver<bool>>,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let stop = async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        tokio::pin!(stop);
        if let Some(schema) = schema.as_mut() {
            tokio::select! {
                current = schema.wait_for(|migrated| *migrated) => {
                    if current.is_err() {
                        return;
                    }
                }
                () = &mut stop => return,
            }
        }
        crate::batch::ticker(store, senders, interval, batch, stop).await;
    })
}

/// Runs the migrations, retrying for as long as the database cannot be reached (each attempt
/// waits up to `DATABASE_ACQUIRE_TIMEOUT_SECS` for a connection). Any other failure is final.
async fn migrate_when_reachable(store: &Store) -> Result<(), StoreError> {
    let mut pause = Duration::from_millis(250);
    loop {
        match store.migrate().await {
            Ok(()) => {
                tracing::info!("database schema is current");
                return Ok(());
            }
            Err(error) if unreachable(&error) => {
                tracing::warn!(error = %error, "the database is not answering yet; retrying");
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_secs(5));
            }
            Err(error) => {
                tracing::error!(error = %error, "database migration failed");
                return Err(error);
            }
        }
    }
}

/// The database could not be reached (yet): no connection in time, refused, reset or closed.
fn unreachable(error: &StoreError) -> bool {
    use sqlx::{Error, migrate::MigrateError};
    let cause = match error {
        StoreError::Migrate(MigrateError::Execute(cause)) | StoreError::Database(cause) => cause,
        StoreError::Connect { source, .. } => source,
        _ => return false,
    };
    matches!(
        cause,
        Error::PoolTimedOut | Error::Io(_) | Error::Tls(_) | Error::Protocol(_)
    )
}

/// The listener with `TCP_NODELAY` on every accepted connection. Without it a streamed page's
/// last small write waits for the client's delayed ACK (Nagle's algorithm): about 40 ms added to
/// every response, which halved throughput under load.
pub fn without_nagle(listener: TcpListener) -> TapIo<TcpListener, fn(&mut TcpStream)> {
    listener.tap_io(no_delay as fn(&mut TcpStream))
}

fn no_delay(stream: &mut TcpStream) {
    if let Err(error) = stream.set_nodelay(true) {
        tracing::debug!(%error, "cannot set TCP_NODELAY on an accepted connection");
    }
}

/// Completes on SIGTERM (what App Runner and `docker stop` send) or Ctrl-C.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::serve::Listener;

    #[tokio::test]
    async fn every_accepted_connection_has_nagle_switched_off() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        let mut listener = without_nagle(listener);
        for _ in 0..2 {
            let client = TcpStream::connect(address).await.unwrap();
            let (accepted, peer) = listener.accept().await;
            assert_eq!(peer, client.local_addr().unwrap());
            assert!(accepted.nodelay().unwrap(), "TCP_NODELAY is on");
        }
    }
}
