//! Building and running the application: what `mealvote serve` and the tests share.

use std::{future::Future, net::SocketAddr, time::Duration};

use axum::serve::{ListenerExt, TapIo};
use tokio::net::{TcpListener, TcpStream};

use crate::{config::Config, http, store::Store};

#[derive(Debug, thiserror::Error)]
pub enum StartupError {
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
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
    ticker: Option<(Duration, u32, Option<crate::webhooks::Sender>)>,
    /// `METRICS_EMF`: how often EMF metric lines are written (`telemetry::emf`).
    emf: Option<Duration>,
}

impl Application {
    /// Connects and migrates the database, then binds the listener (port 0 picks a free port).
    pub async fn build(config: &Config) -> Result<Self, StartupError> {
        let store = Store::connect(&config.database).await?;
        store.migrate().await?;
        let address = SocketAddr::new(config.host, config.port);
        let listener = TcpListener::bind(address)
            .await
            .map_err(|source| StartupError::Bind { address, source })?;
        let router = http::router(config, store.clone(), crate::metrics::handle());
        Ok(Self {
            listener,
            router,
            store,
            ticker: config.ticker_interval.map(|interval| {
                (
                    interval,
                    config.finalize_batch,
                    config
                        .webhooks_enabled
                        .then(|| crate::webhooks::Sender::new(config.webhooks_allow_private)),
                )
            }),
            emf: config.metrics_emf,
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
        } = self;
        // The ticker stops when shutdown begins; in-flight requests still finish.
        let (stopping, stopped) = tokio::sync::watch::channel(false);
        let ticking = ticker.map(|(interval, batch, webhooks)| {
            let mut stopped = stopped.clone();
            tokio::spawn(crate::closing::ticker(
                store.clone(),
                webhooks,
                interval,
                batch,
                async move {
                    let _ = stopped.wait_for(|stop| *stop).await;
                },
            ))
        });
        // EMF lines: every interval, and once more when the last request has been answered.
        let (served, serving) = tokio::sync::oneshot::channel::<()>();
        let metrics = emf.map(|every| {
            tokio::spawn(crate::telemetry::emf::run(store.clone(), every, async {
                let _ = serving.await;
            }))
        });
        let shutdown = async move {
            shutdown.await;
            let _ = stopping.send(true);
        };
        // The peer address feeds per-IP rate limits (`auth::client_ip`).
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        let result = axum::serve(without_nagle(listener), service)
            .with_graceful_shutdown(shutdown)
            .await;
        if let Some(ticking) = ticking {
            let _ = ticking.await;
        }
        drop(served);
        if let Some(metrics) = metrics {
            let _ = metrics.await;
        }
        store.close().await;
        result
    }
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
