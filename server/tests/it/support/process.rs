//! The `mealvote serve` binary as a child process: its own metrics recorder, log subscriber and
//! span exporter (all process-wide), with its JSON log lines captured for the test to read.

use std::{
    net::SocketAddr,
    process::Stdio,
    sync::{Arc, Mutex},
    time::Duration,
};

use tokio::{
    io::{AsyncBufReadExt, BufReader},
    process::{Child, Command},
    sync::{oneshot, watch},
    task::JoinHandle,
};

use reqwest::StatusCode;

use super::{Person, TestDatabase, mealvote_bin};

/// How long start-up and shutdown may take before the test fails.
const DEADLINE: Duration = Duration::from_secs(60);

pub struct ServerProcess {
    pub address: SocketAddr,
    pub client: reqwest::Client,
    child: Child,
    lines: Arc<Mutex<Vec<String>>>,
    /// How many lines have been read so far; changes with every line.
    read: watch::Receiver<usize>,
    reader: JoinHandle<()>,
    db: TestDatabase,
    _site: tempfile::TempDir,
}

impl ServerProcess {
    /// Starts `mealvote serve` on a fresh SQLite database with JSON logs and the given extra
    /// environment variables; returns once it has logged the address it listens on.
    pub async fn start(vars: &[(&str, &str)]) -> Self {
        Self::start_on(TestDatabase::sqlite().await, vars).await
    }

    /// [`Self::start`] on the given database.
    pub async fn start_on(db: TestDatabase, vars: &[(&str, &str)]) -> Self {
        let site = tempfile::tempdir().expect("site directory");
        let mut child = Command::new(mealvote_bin())
            .arg("serve")
            .env_clear()
            .env("PORT", "0")
            .env("DATABASE_URL", &db.url)
            .env("LEPTOS_SITE_ROOT", site.path())
            .env("LEPTOS_ENV", "PROD")
            .env("LOG_FORMAT", "json")
            .envs(vars.iter().copied())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true)
            .spawn()
            .expect("start mealvote serve");
        let stdout = child.stdout.take().expect("piped stdout");
        let lines = Arc::new(Mutex::new(Vec::new()));
        let (listening, address) = oneshot::channel();
        let (counted, read) = watch::channel(0);
        let reader = tokio::spawn(read_lines(stdout, Arc::clone(&lines), listening, counted));
        let address = tokio::time::timeout(DEADLINE, address)
            .await
            .unwrap_or_else(|_| panic!("no address logged in time: {:?}", lines.lock()))
            .unwrap_or_else(|_| panic!("exited before listening: {:?}", lines.lock()));
        Self {
            address,
            client: reqwest::Client::new(),
            child,
            lines,
            read,
            reader,
            db,
            _site: site,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        super::send_get(&self.client, self.url(path)).await
    }

    /// GETs `/healthz` three times and `/no/such/page` twice, checking each answer (200, 404):
    /// requests of known routes and statuses for the metrics tests to count.
    pub async fn three_health_checks_and_two_missing_pages(&self) {
        for _ in 0..3 {
            assert_eq!(self.get("/healthz").await.status(), StatusCode::OK);
        }
        for _ in 0..2 {
            assert_eq!(
                self.get("/no/such/page").await.status(),
                StatusCode::NOT_FOUND
            );
        }
    }

    /// The server's database, for a test that changes it behind the server's back.
    pub async fn store(&self) -> server::db::Store {
        self.db.store().await
    }

    /// A person with a fresh cookie jar and a unique email address; not signed up yet.
    pub fn person(&self, name: &str) -> Person {
        Person::new(self.url(""), name)
    }

    /// Waits, without polling, until `done` holds for the lines written so far (at most a
    /// minute), and returns them.
    pub async fn lines_until(&self, done: impl Fn(&[String]) -> bool) -> Vec<String> {
        let mut read = self.read.clone();
        let waited = tokio::time::timeout(DEADLINE, async {
            loop {
                {
                    let lines = self.lines.lock().unwrap();
                    if done(&lines) {
                        return lines.clone();
                    }
                }
                read.changed().await.expect("the server is still writing");
            }
        })
        .await;
        waited.unwrap_or_else(|_| panic!("the expected lines did not arrive: {:?}", self.lines))
    }

    /// Stops the server as App Runner does (SIGTERM), waits for it to exit, and returns every
    /// line it logged.
    pub async fn stop(mut self) -> Vec<String> {
        let pid = self.child.id().expect("still running");
        let signalled = std::process::Command::new("kill")
            .args(["-TERM", &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(signalled.success());
        let status = tokio::time::timeout(DEADLINE, self.child.wait())
            .await
            .expect("exits in time")
            .expect("exit status");
        assert!(status.success(), "{status}");
        (&mut self.reader).await.expect("log reader");
        std::mem::take(&mut *self.lines.lock().unwrap())
    }
}

/// Collects stdout line by line and reports the address from the `listening on` line.
async fn read_lines(
    stdout: tokio::process::ChildStdout,
    lines: Arc<Mutex<Vec<String>>>,
    listening: oneshot::Sender<SocketAddr>,
    counted: watch::Sender<usize>,
) {
    let mut listening = Some(listening);
    let mut reader = BufReader::new(stdout).lines();
    while let Ok(Some(line)) = reader.next_line().await {
        if let Some(address) = listening_address(&line)
            && let Some(tell) = listening.take()
        {
            let _ = tell.send(address);
        }
        let count = {
            let mut lines = lines.lock().unwrap();
            lines.push(line);
            lines.len()
        };
        counted.send_replace(count);
    }
}

fn listening_address(line: &str) -> Option<SocketAddr> {
    let line: serde_json::Value = serde_json::from_str(line).ok()?;
    line["address"].as_str()?.parse().ok()
}
