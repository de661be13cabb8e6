//! `mealvote publish-assets --bucket NAME [--prefix P] [--site-dir DIR] [--dry-run]`: uploads the
//! built site's pkg folder (hashed JS, WASM, CSS) to the S3 bucket behind the assets CDN, where
//! browsers load `<ASSETS_BASE_URL>/pkg/<file>` (docs/architecture.md, decision 6). The deploy step runs it
//! (infra/deploy.sh); the server never does (decision 1). See docs/deploy-assets.md.
//!
//! Objects already holding the same bytes and headers are skipped, so a re-run uploads nothing.
//! Problems are one line on stderr and exit status 1.

mod bucket;
mod site;

use std::{path::PathBuf, process::ExitCode};

use bucket::{Bucket, Remote};
use site::Asset;

#[derive(clap::Args, Debug)]
pub struct PublishAssetsArgs {
    /// The S3 bucket behind the assets CDN.
    #[arg(long)]
    bucket: String,
    /// Key prefix in the bucket: objects go to `<PREFIX>/pkg/<file>` instead of `pkg/<file>`.
    #[arg(long)]
    prefix: Option<String>,
    /// The built site, as `cargo leptos build --release` leaves it (/app/site in the image).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    site_dir: PathBuf,
    /// The site's folder of browser assets, also the URL path browsers load them from.
    #[arg(long, env = "LEPTOS_SITE_PKG_DIR", default_value = "pkg")]
    pkg_dir: String,
    /// Compare with the bucket and list what would be uploaded, writing nothing.
    #[arg(long)]
    dry_run: bool,
}

/// Why publishing stopped, each message on one line and free of credentials.
#[derive(Debug, thiserror::Error)]
enum PublishError {
    #[error(
        "{} is not a directory: build the site first (cargo leptos build --release) or pass --site-dir",
        .0.display()
    )]
    NoPkgDir(PathBuf),
    #[error("{} holds no files: is the site built?", .0.display())]
    NothingToPublish(PathBuf),
    #[error("cannot read {}: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("{}: the file name is not UTF-8, so it cannot be an S3 key", .0.display())]
    NonUtf8Name(PathBuf),
    #[error("no AWS region: set AWS_REGION")]
    NoRegion,
    #[error("bucket {0:?} does not exist")]
    NoSuchBucket(String),
    #[error("bucket {bucket:?} is in region {region}: set AWS_REGION to it")]
    WrongRegion { bucket: String, region: String },
    #[error(
        "access denied: {operation} on {target}: check the AWS credentials and the bucket policy"
    )]
    AccessDenied {
        operation: &'static str,
        target: String,
    },
    #[error("{operation} on {target} failed: {message}")]
    S3 {
        operation: &'static str,
        target: String,
        message: String,
    },
}

pub fn run(args: PublishAssetsArgs) -> ExitCode {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let result = match runtime {
        Ok(runtime) => runtime.block_on(publish(&args)),
        Err(error) => {
            eprintln!("mealvote publish-assets: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    match result {
        Ok(summary) => {
            println!("{}", summary.line(args.dry_run));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("mealvote publish-assets: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn publish(args: &PublishAssetsArgs) -> Result<Summary, PublishError> {
    // Local problems first: they need no credentials and no network.
    let pkg_dir = args.site_dir.join(&args.pkg_dir);
    let assets = site::read_pkg_dir(&pkg_dir)?;
    let bucket = Bucket::connect(&args.bucket).await?;
    let key_prefix = key_prefix(args.prefix.as_deref(), &args.pkg_dir);
    let verb = if args.dry_run {
        "comparing"
    } else {
        "publishing"
    };
    println!(
        "{verb} {} files from {} to {}",
        assets.len(),
        pkg_dir.display(),
        bucket.url(&key_prefix),
    );
    let mut summary = Summary::default();
    // One at a time: a build has a handful of files, and the progress stays in order.
    for asset in assets {
        let key = format!("{key_prefix}{}", asset.path);
        let remote = bucket.compare(&key, &asset).await?;
        if remote == Remote::Unchanged {
            println!("  skipped       {key}  (unchanged)");
            summary.skipped += 1;
            continue;
        }
        let detail = describe(&asset, remote);
        summary.uploaded += 1;
        summary.bytes += asset.body.len();
        if args.dry_run {
            println!("  would upload  {key}  ({detail})");
        } else {
            bucket.put(&key, asset).await?;
            println!("  uploaded      {key}  ({detail})");
        }
    }
    Ok(summary)
}

/// `[<prefix>/]<pkg dir>/`, whatever slashes the arguments carry.
fn key_prefix(prefix: Option<&str>, pkg_dir: &str) -> String {
    [prefix.unwrap_or_default(), pkg_dir]
        .iter()
        .map(|part| part.trim_matches('/'))
        .filter(|part| !part.is_empty())
        .map(|part| format!("{part}/"))
        .collect()
}

fn describe(asset: &Asset, remote: Remote) -> String {
    let why = if remote == Remote::Missing {
        "new"
    } else {
        "changed"
    };
    format!(
        "{why}, {} bytes, {}, {}",
        asset.body.len(),
        asset.content_type,
        asset.cache_control
    )
}

#[derive(Debug, Default, PartialEq, Eq)]
struct Summary {
    uploaded: usize,
    skipped: usize,
    bytes: usize,
}

impl Summary {
    fn line(&self, dry_run: bool) -> String {
        let Self {
            uploaded,
            skipped,
            bytes,
        } = self;
        if dry_run {
            format!(
                "dry run: would upload {uploaded} ({bytes} bytes), skip {skipped} unchanged; nothing was written"
            )
        } else {
            format!("uploaded {uploaded} ({bytes} bytes), skipped {skipped} unchanged")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_the_pkg_path_under_an_optional_prefix() {
        assert_eq!(key_prefix(None, "pkg"), "pkg/");
        assert_eq!(key_prefix(Some(""), "pkg"), "pkg/");
        assert_eq!(key_prefix(Some("/v2/"), "pkg"), "v2/pkg/");
        assert_eq!(key_prefix(Some("staging/web"), "/pkg/"), "staging/web/pkg/");
    }

    #[test]
    fn the_summary_says_what_was_done_or_would_be() {
        let summary = Summary {
            uploaded: 2,
            skipped: 1,
            bytes: 300,
        };
        assert_eq!(
            summary.line(false),
            "uploaded 2 (300 bytes), skipped 1 unchanged"
        );
        assert_eq!(
            summary.line(true),
            "dry run: would upload 2 (300 bytes), skip 1 unchanged; nothing was written"
        );
    }
}
