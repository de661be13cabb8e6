//! `mealvote publish-assets`, the real binary, against a real S3-protocol server: moto's standalone
//! server (PyPI), which each test starts on a free loopback port and stops when it ends.
//!
//! `scripts/lib/s3-test-server.sh` installs moto (scripts/test runs it). Without it these tests fail
//! and say so; they never skip.

use std::{
    io::{BufRead, BufReader},
    path::{Path, PathBuf},
    process::{Child, Command, Stdio},
    sync::mpsc,
    time::Duration,
};

use aws_sdk_s3::{
    Client,
    config::{BehaviorVersion, Credentials, Region},
};
use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};

const READY_DEADLINE: Duration = Duration::from_secs(30);
const SECRET_KEY: &str = "test-secret-never-printed";
const BUCKET: &str = "mealvote-assets";

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const SHORT_LIVED: &str = "public, max-age=60";

/// A built site as cargo-leptos leaves it: hashed JS, WASM and CSS, and an unhashed snippet.
const SITE_FILES: [(&str, &[u8], &str, &str); 4] = [
    (
        "mealvote.7Hn2cWdP4xqLs9eKbV1tRg.css",
        b"body { margin: 0 }",
        "text/css",
        IMMUTABLE,
    ),
    (
        "mealvote.Zr0Yw3bYH6LHgLzTCz4vBw.js",
        b"export default async function init() {}",
        "text/javascript",
        IMMUTABLE,
    ),
    (
        "mealvote.q8-kRJ1dyvT_3lLVZ0hXmA.wasm",
        b"\0asm\x01\0\0\0",
        "application/wasm",
        IMMUTABLE,
    ),
    (
        "snippets/app-0123456789abcdef/inline0.js",
        b"export function now() { return Date.now(); }",
        "text/javascript",
        SHORT_LIVED,
    ),
];

/// moto's S3 server on 127.0.0.1, killed when dropped.
struct S3Server {
    child: Child,
    endpoint: String,
}

impl S3Server {
    fn start() -> Self {
        Self::start_with(&[])
    }

    /// `env`: extra variables for moto, e.g. to make it check credentials.
    fn start_with(env: &[(&str, &str)]) -> Self {
        let program = moto_server();
        let mut child = Command::new(&program)
            .args(["-H", "127.0.0.1", "-p", "0"])
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "cannot start {}: {error}. Install it with scripts/lib/s3-test-server.sh \
                     (scripts/test does), or set MOTO_SERVER",
                    program.display()
                )
            });
        let stderr = child.stderr.take().expect("piped stderr");
        let (found, endpoint) = mpsc::channel();
        // Werkzeug logs "Running on http://127.0.0.1:PORT" once it listens. The thread then keeps
        // draining the request log, or moto would block on a full pipe.
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if let Some((_, url)) = line.split_once("Running on ") {
                    let _ = found.send(url.trim().to_owned());
                }
            }
        });
        match endpoint.recv_timeout(READY_DEADLINE) {
            Ok(endpoint) => Self { child, endpoint },
            Err(error) => {
                let _ = child.kill();
                let _ = child.wait();
                panic!("moto did not report its port within {READY_DEADLINE:?}: {error}")
            }
        }
    }

    /// A client with the same credentials the command gets.
    fn client(&self) -> Client {
        let config = aws_sdk_s3::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .endpoint_url(&self.endpoint)
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("test", SECRET_KEY, None, None, "test"))
            .force_path_style(true)
            .http_client(
                aws_smithy_http_client::Builder::new()
                    .tls_provider(tls::Provider::Rustls(CryptoMode::Ring))
                    .build_https(),
            )
            .build();
        Client::from_conf(config)
    }

    async fn create_bucket(&self) -> Client {
        let client = self.client();
        client
            .create_bucket()
            .bucket(BUCKET)
            .send()
            .await
            .expect("create the bucket");
        client
    }

    async fn publish(&self, site: &Path, extra: &[&str]) -> Run {
        publish(Some(&self.endpoint), site, extra).await
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn moto_server() -> PathBuf {
    if let Some(path) = std::env::var_os("MOTO_SERVER") {
        return path.into();
    }
    let cache = std::env::var_os("MEALVOTE_CACHE").map_or_else(
        || PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/mealvote"),
        PathBuf::from,
    );
    cache.join("venv-s3/bin/moto_server")
}

/// What one run of the command did.
struct Run {
    success: bool,
    stdout: String,
    stderr: String,
}

impl Run {
    fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or_default()
    }
}

/// Runs `mealvote publish-assets --bucket BUCKET --site-dir SITE EXTRA…` with only the AWS
/// variables a deploy sets: nothing from this machine's environment or profile leaks in.
async fn publish(endpoint: Option<&str>, site: &Path, extra: &[&str]) -> Run {
    let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_mealvote"));
    command
        .env_clear()
        .envs([
            ("AWS_REGION", "us-east-1"),
            ("AWS_ACCESS_KEY_ID", "test"),
            ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ])
        .args(["publish-assets", "--bucket", BUCKET, "--site-dir"])
        .arg(site)
        .args(extra);
    if let Some(endpoint) = endpoint {
        command.env("AWS_ENDPOINT_URL", endpoint);
    }
    let output = command.output().await.expect("run mealvote");
    let run = Run {
        success: output.status.success(),
        stdout: String::from_utf8(output.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(output.stderr).expect("UTF-8 errors"),
    };
    assert!(
        !run.stdout.contains(SECRET_KEY) && !run.stderr.contains(SECRET_KEY),
        "the secret key was printed:\n{}{}",
        run.stdout,
        run.stderr
    );
    run
}

/// A temporary site directory holding `SITE_FILES` under pkg/.
fn site() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    for (path, body, _, _) in SITE_FILES {
        write(dir.path(), path, body);
    }
    dir
}

fn write(site: &Path, path: &str, body: &[u8]) {
    let path = site.join("pkg").join(path);
    std::fs::create_dir_all(path.parent().expect("a parent")).expect("create folders");
    std::fs::write(path, body).expect("write a site file");
}

async fn keys(client: &Client) -> Vec<String> {
    let listing = client
        .list_objects_v2()
        .bucket(BUCKET)
        .send()
        .await
        .expect("list the bucket");
    let mut keys: Vec<String> = listing
        .contents()
        .iter()
        .filter_map(|object| object.key().map(str::to_owned))
        .collect();
    keys.sort();
    keys
}

async fn body(client: &Client, key: &str) -> Vec<u8> {
    let object = client.get_object().bucket(BUCKET).key(key).send().await;
    let object = object.unwrap_or_else(|error| panic!("get {key}: {error:?}"));
    object.body.collect().await.expect("read the body").to_vec()
}

fn site_bytes() -> usize {
    SITE_FILES.iter().map(|(_, body, _, _)| body.len()).sum()
}

#[tokio::test]
async fn every_file_is_uploaded_with_its_content_type_and_cache_policy() {
    let s3 = S3Server::start();
    let client = s3.create_bucket().await;
    let site = site();

    let run = s3.publish(site.path(), &[]).await;

    assert!(run.success, "{}{}", run.stdout, run.stderr);
    let expected_keys: Vec<String> = SITE_FILES
        .iter()
        .map(|(path, ..)| format!("pkg/{path}"))
        .collect();
    assert_eq!(keys(&client).await, expected_keys);
    for (path, bytes, content_type, cache_control) in SITE_FILES {
        let key = format!("pkg/{path}");
        let object = client.get_object().bucket(BUCKET).key(&key).send().await;
        let object = object.unwrap_or_else(|error| panic!("get {key}: {error:?}"));
        assert_eq!(object.content_type(), Some(content_type), "{key}");
        assert_eq!(object.cache_control(), Some(cache_control), "{key}");
        let stored = object.body.collect().await.expect("read the body").to_vec();
        assert_eq!(stored, bytes, "{key}");
        assert!(run.stdout.contains(&format!("uploaded      {key}  (new, ")));
    }
    let summary = format!("uploaded 4 ({} bytes), skipped 0 unchanged", site_bytes());
    assert_eq!(run.last_line(), summary);
}

#[tokio::test]
async fn a_second_run_uploads_nothing_and_a_changed_file_is_uploaded_again() {
    let s3 = S3Server::start();
    let client = s3.create_bucket().await;
    let site = site();
    // Slashes around the prefix are tolerated.
    let prefix = ["--prefix", "/staging/"];
    assert!(s3.publish(site.path(), &prefix).await.success);

    let again = s3.publish(site.path(), &prefix).await;
    assert!(again.success, "{}{}", again.stdout, again.stderr);
    assert_eq!(
        again.last_line(),
        "uploaded 0 (0 bytes), skipped 4 unchanged"
    );

    let snippet = "snippets/app-0123456789abcdef/inline0.js";
    write(site.path(), snippet, b"export const changed = true;");
    let changed = s3.publish(site.path(), &prefix).await;
    assert!(changed.success, "{}{}", changed.stdout, changed.stderr);
    assert_eq!(
        changed.last_line(),
        "uploaded 1 (28 bytes), skipped 3 unchanged"
    );
    let key = format!("staging/pkg/{snippet}");
    assert!(
        changed
            .stdout
            .contains(&format!("uploaded      {key}  (changed, 28 bytes"))
    );
    assert_eq!(body(&client, &key).await, b"export const changed = true;");
    assert_eq!(keys(&client).await.len(), 4);
}

#[tokio::test]
async fn a_dry_run_lists_the_uploads_and_writes_nothing() {
    let s3 = S3Server::start();
    let client = s3.create_bucket().await;
    let site = site();

    let run = s3.publish(site.path(), &["--dry-run"]).await;

    assert!(run.success, "{}{}", run.stdout, run.stderr);
    for (path, ..) in SITE_FILES {
        assert!(
            run.stdout
                .contains(&format!("would upload  pkg/{path}  (new, "))
        );
    }
    let summary = format!(
        "dry run: would upload 4 ({} bytes), skip 0 unchanged; nothing was written",
        site_bytes()
    );
    assert_eq!(run.last_line(), summary);
    assert_eq!(keys(&client).await, Vec::<String>::new());
}

#[tokio::test]
async fn a_missing_site_dir_is_one_clear_error_line() {
    let empty = tempfile::tempdir().expect("temporary directory");
    // No S3 server: the site is checked before anything is sent.
    let run = publish(None, &empty.path().join("site"), &[]).await;

    assert!(!run.success);
    assert_eq!(run.stdout, "");
    let pkg = empty.path().join("site/pkg");
    assert_eq!(
        run.stderr,
        format!(
            "mealvote publish-assets: {} is not a directory: build the site first \
             (cargo leptos build --release) or pass --site-dir\n",
            pkg.display()
        )
    );
}

#[tokio::test]
async fn a_missing_bucket_is_one_clear_error_line() {
    let s3 = S3Server::start();
    let site = site();

    let run = s3.publish(site.path(), &[]).await;

    assert!(!run.success);
    assert_eq!(
        run.stderr,
        format!("mealvote publish-assets: bucket \"{BUCKET}\" does not exist\n")
    );
}

#[tokio::test]
async fn refused_credentials_are_one_clear_error_line_without_the_secret() {
    // With INITIAL_NO_AUTH_ACTION_COUNT=0 moto checks every request's credentials: "test" is not
    // an access key it issued.
    let s3 = S3Server::start_with(&[("INITIAL_NO_AUTH_ACTION_COUNT", "0")]);
    let site = site();

    let run = s3.publish(site.path(), &[]).await;

    assert!(!run.success);
    assert_eq!(
        run.stderr,
        format!(
            "mealvote publish-assets: access denied: HeadBucket on s3://{BUCKET}: \
             check the AWS credentials and the bucket policy\n"
        )
    );
}
