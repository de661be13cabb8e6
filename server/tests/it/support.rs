//! Test helpers: an isolated database per test on either engine, and the real app on port 0.

use std::{net::SocketAddr, path::PathBuf};

use server::{
    config::{Config, DatabaseConfig, DatabaseUrl},
    startup::Application,
    store::Store,
};
use sqlx::{Connection, Executor, postgres::PgConnection};
use tokio::sync::oneshot;

/// The admin URL of the PostgreSQL server the tests create their databases on.
fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".to_owned())
}

/// A database of its own for one test, dropped when the test ends.
pub struct TestDatabase {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    postgres_name: Option<String>,
}

impl TestDatabase {
    pub async fn sqlite() -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", dir.path().join("mealvote.db").display());
        Self {
            url,
            _dir: Some(dir),
            postgres_name: None,
        }
    }

    /// Never skips: without a reachable server the test fails and says how to get one.
    pub async fn postgres() -> Self {
        let admin = postgres_admin_url();
        let mut conn = PgConnection::connect(&admin).await.unwrap_or_else(|error| {
            panic!(
                "PostgreSQL tests need a server and could not reach {}: {error}. \
                 Run scripts/test (it finds or starts one), or set TEST_DATABASE_URL.",
                DatabaseUrl::parse(&admin).map_or(admin.clone(), |u| u.redacted().to_owned())
            )
        });
        let name = format!("mvt_{}", uuid::Uuid::new_v4().simple());
        conn.execute(format!("create database {name}").as_str())
            .await
            .expect("create the test database");
        let mut url = url::Url::parse(&admin).expect("TEST_DATABASE_URL is a URL");
        url.set_path(&name);
        Self {
            url: url.to_string(),
            _dir: None,
            postgres_name: Some(name),
        }
    }

    pub fn config(&self) -> DatabaseConfig {
        DatabaseConfig {
            url: DatabaseUrl::parse(&self.url).expect("test database URL"),
            max_connections: 5,
        }
    }

    /// A connected, migrated store.
    pub async fn store(&self) -> Store {
        let store = Store::connect(&self.config()).await.expect("connect");
        store.migrate().await.expect("migrate");
        store
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let Some(name) = self.postgres_name.take() else {
            return;
        };
        // Drop runs inside the test's runtime: use a fresh thread and runtime for the async call.
        let admin = postgres_admin_url();
        let _ = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async {
                if let Ok(mut conn) = PgConnection::connect(&admin).await {
                    let _ = conn
                        .execute(format!("drop database if exists {name} with (force)").as_str())
                        .await;
                }
            });
        })
        .join();
    }
}

/// Declares each listed async test function `fn(TestDatabase)` once per engine, so the two
/// engines run the very same assertions and cannot drift apart unnoticed.
#[macro_export]
macro_rules! on_both_engines {
    ($($test:ident),+ $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test($crate::support::TestDatabase::sqlite().await).await;
                }
            )+
        }
        mod postgres {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test($crate::support::TestDatabase::postgres().await).await;
                }
            )+
        }
    };
}

/// The real application (axum + Leptos) on a free port with its own database.
pub struct TestApp {
    pub address: SocketAddr,
    pub store: Store,
    pub client: reqwest::Client,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _db: TestDatabase,
    _site: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestDatabase::sqlite().await, &[]).await
    }

    /// Starts the app with extra environment variables (as `(name, value)` pairs).
    pub async fn spawn_with(db: TestDatabase, vars: &[(&str, &str)]) -> Self {
        let site = tempfile::tempdir().expect("site directory");
        let mut env: Vec<(String, String)> = vec![
            ("PORT".into(), "0".into()),
            ("DATABASE_URL".into(), db.url.clone()),
            ("LEPTOS_SITE_ROOT".into(), site.path().display().to_string()),
            ("LEPTOS_ENV".into(), "PROD".into()),
        ];
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(move |name| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .expect("test configuration");
        let app = Application::build(&config).await.expect("app starts");
        let address = app.local_addr();
        let store = app.store();
        let (shutdown, stop) = oneshot::channel::<()>();
        let server = tokio::spawn(app.run_until(async {
            let _ = stop.await;
        }));
        Self {
            address,
            store,
            client: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .expect("client"),
            shutdown: Some(shutdown),
            server: Some(server),
            _db: db,
            _site: site,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// Asks the server to stop and waits until it has.
    pub async fn shut_down(mut self) -> std::io::Result<()> {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        self.server
            .take()
            .expect("server task")
            .await
            .expect("server task")
    }
}

/// The `mealvote` binary built for these tests.
pub fn mealvote_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_mealvote"))
}
