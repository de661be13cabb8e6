//! The command-line verbs an operator needs. `serve` is the default.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::{
    config::Config,
    db::Store,
    startup::{Application, shutdown_signal},
    telemetry,
};

pub mod probe;
pub mod publish_assets;
pub mod tally;

#[derive(Debug, Parser)]
#[command(name = "mealvote", version, about = "Decide what to eat, together.")]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the web server (the default). Configured by environment variables: see the README.
    Serve,
    /// Apply pending database migrations, then exit.
    Migrate,
    /// Re-count a ballot file (JSON) and print the result as JSON.
    Tally(tally::TallyArgs),
    /// Exit 0 if the server on PORT answers /healthz (for container health checks).
    Healthcheck,
    /// Upload the built site's JS/WASM/CSS to the assets bucket (deploy step; see docs/deploy-assets.md).
    PublishAssets(publish_assets::PublishAssetsArgs),
    /// Use a running site as four household members would and check that votes close as promised
    /// (exit 0; 1 with the failed step; see docs/operations.md).
    Probe(probe::ProbeArgs),
}

impl Cli {
    pub fn run(self) -> ExitCode {
        match self.command.unwrap_or(Command::Serve) {
            Command::Serve => with_runtime(serve),
            Command::Migrate => with_runtime(migrate),
            Command::Tally(args) => tally::run(args),
            Command::Healthcheck => with_runtime(healthcheck),
            Command::PublishAssets(args) => publish_assets::run(args),
            Command::Probe(args) => probe::run(args),
        }
    }
}

/// Runs an async verb; any error is reported as one line on stderr with exit status 1.
fn with_runtime<F: Future<Output = anyhow::Result<()>>>(verb: fn() -> F) -> ExitCode {
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => return fail(&anyhow::Error::from(error)),
    };
    match runtime.block_on(verb()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => fail(&error),
    }
}

fn fail(error: &anyhow::Error) -> ExitCode {
    tracing::error!(error = format!("{error:#}"), "mealvote stopped");
    eprintln!("error: {error:#}");
    ExitCode::FAILURE
}

async fn serve() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let telemetry = telemetry::init(config.log_format, &config.otel)?;
    let served = run_server(&config).await;
    telemetry.shutdown().await;
    served
}

async fn run_server(config: &Config) -> anyhow::Result<()> {
    tracing::info!(database = config.database.url.redacted(), "starting");
    let app = Application::start(config).await?;
    let address = app.local_addr();
    tracing::info!(%address, "listening on http://{address}");
    app.run_until(shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

async fn migrate() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let telemetry = telemetry::init(config.log_format, &config.otel)?;
    let migrated = apply_migrations(&config).await;
    telemetry.shutdown().await;
    migrated
}

async fn apply_migrations(config: &Config) -> anyhow::Result<()> {
    // With IAM authentication the first connection may need the `rds_iam` grant that migrating
    // makes first (`store::iam_bootstrap`), so the pool connects lazily; otherwise one connection
    // now names an unreachable database plainly.
    let store = if config.database.iam_auth {
        Store::connect_lazy(&config.database)?
    } else {
        Store::connect(&config.database).await?
    };
    store.migrate().await?;
    tracing::info!(
        database = config.database.url.redacted(),
        "migrations applied"
    );
    Ok(())
}

async fn healthcheck() -> anyhow::Result<()> {
    let config = Config::from_env()?;
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], config.port));
    let mut stream = tokio::net::TcpStream::connect(address).await?;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    stream
        .write_all(b"GET /healthz HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .await?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).await?;
    anyhow::ensure!(
        response.starts_with(b"HTTP/1.0 200") || response.starts_with(b"HTTP/1.1 200"),
        "/healthz did not answer 200"
    );
    Ok(())
}
