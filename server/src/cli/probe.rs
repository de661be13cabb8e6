//! `mealvote probe --base-url URL [--timeout SECS] [--finalize-secret S] [--keep]`: uses a running
//! site through its public HTTP interface the way four household members would, and checks that
//! votes close as `docs/closing.md` promises. The deploy script runs it against the live site
//! (`infra/deploy.sh`); `server/tests/it/ops/probe.rs` runs it against fresh servers on SQLite and
//! PostgreSQL. How to run it by hand: `docs/operations.md`.
//!
//! Four members sign in (`accounts`), one creates a household and an invite, the others join,
//! and a one-day plan with two slots (lunch, dinner) and three dishes is proposed with a deadline
//! a few seconds away. Every member ranks lunch, so it closes early; one member abstains on
//! dinner, so it closes at the deadline: through `POST /internal/finalize-due` when the secret is
//! given, else lazily, when the plan is next read. Both winners are known in advance. Then the
//! members leave, which deletes the household, and sign out.
//!
//! Every step prints one line with the time since the start. Exit status 0 when every check
//! passed; 1 with one line on stderr naming the failed step and what was expected and found; 2
//! for bad arguments. Passwords, cookies, invite tokens and the secret are never printed.

mod accounts;
mod scenario;
mod site;

use std::{
    cell::RefCell,
    fmt,
    process::ExitCode,
    time::{Duration, Instant},
};

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use accounts::Mode;
use scenario::Probe;
use site::{Problem, Site};

#[derive(clap::Args, Debug)]
pub struct ProbeArgs {
    /// The site's root URL, e.g. https://mealvote.example.com.
    #[arg(long, value_name = "URL", value_parser = parse_base_url)]
    base_url: Url,
    /// Give up after this many seconds in all (1 to 3600).
    #[arg(
        long,
        value_name = "SECS",
        default_value_t = 60,
        value_parser = clap::value_parser!(u64).range(1..=3600)
    )]
    timeout: u64,
    /// The server's FINALIZE_SECRET: close the deadline slot through POST /internal/finalize-due
    /// (else lazily) and reuse four accounts derived from it (else sign up four new ones).
    #[arg(
        long,
        value_name = "SECRET",
        env = "FINALIZE_SECRET",
        hide_env_values = true
    )]
    finalize_secret: Option<Secret>,
    /// Keep the probe household, its plan and results for inspection (the next run with the same
    /// secret removes it).
    #[arg(long)]
    keep: bool,
    /// Set the deadline at least this many seconds ahead. Without the finalize secret the plan
    /// obeys the server's minimum deadline lead like anyone's (`MIN_DEADLINE_LEAD_SECS`, 15
    /// minutes by default), so a run without it must wait that long (Lambda's deploy step does).
    #[arg(
        long,
        value_name = "SECS",
        value_parser = clap::value_parser!(u64).range(0..=3000)
    )]
    deadline_lead: Option<u64>,
}

/// The finalize secret; `Debug` never shows it.
#[derive(Clone)]
struct Secret(SecretString);

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(SecretString::from(value)))
    }
}

/// An `http(s)` URL of a site's root; the prober adds `/api/…` and `/internal/…` to it.
fn parse_base_url(value: &str) -> Result<Url, String> {
    let url = Url::parse(value).map_err(|error| format!("not a URL: {error}"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return Err("expected http://HOST[:PORT] or https://HOST[:PORT]".to_owned());
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err("expected the site's root URL, without a path or query".to_owned());
    }
    Ok(url)
}

pub fn run(args: ProbeArgs) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("mealvote probe: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(probe(args))
}

async fn probe(args: ProbeArgs) -> ExitCode {
    let timeout = Duration::from_secs(args.timeout);
    let site = Site::new(&args.base_url, timeout);
    let log = Log::new();
    let secret = args
        .finalize_secret
        .as_ref()
        .map(|secret| &secret.0)
        .filter(|secret| !secret.expose_secret().is_empty());
    let probe = Probe {
        site: &site,
        log: &log,
        secret,
        mode: if secret.is_some() {
            Mode::Reused
        } else {
            Mode::Fresh
        },
        keep: args.keep,
        deadline_lead: Duration::from_secs(args.deadline_lead.unwrap_or(0)),
    };
    println!(
        "mealvote probe: {}; {}; {}",
        site.origin(),
        if secret.is_some() {
            "closing through /internal/finalize-due"
        } else {
            "closing lazily (no finalize secret)"
        },
        match probe.mode {
            Mode::Reused => "reused accounts",
            Mode::Fresh => "fresh accounts",
        }
    );
    let outcome = tokio::time::timeout(timeout, probe.run()).await;
    let failure = match outcome {
        Ok(Ok(())) => {
            println!(
                "mealvote probe: passed in {:.1} s",
                log.started.elapsed().as_secs_f64()
            );
            return ExitCode::SUCCESS;
        }
        Ok(Err(failure)) => failure,
        Err(_) => Failure {
            step: log.step.borrow().clone(),
            problem: format!(
                "expected to finish within --timeout {} s, found the step still running",
                args.timeout
            ),
        },
    };
    eprintln!("mealvote probe: FAILED at {failure}");
    ExitCode::FAILURE
}

/// A failed step: its name, and what was expected and found.
#[derive(Debug)]
pub(crate) struct Failure {
    step: String,
    problem: Problem,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let problem = self
            .problem
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        write!(f, "\u{201c}{}\u{201d}: {problem}", self.step)
    }
}

/// One line per step, with the milliseconds since the start.
pub(crate) struct Log {
    started: Instant,
    /// The step under way, for a timeout's message.
    step: RefCell<String>,
}

impl Log {
    fn new() -> Self {
        Self {
            started: Instant::now(),
            step: RefCell::new("start".to_owned()),
        }
    }

    pub(crate) fn line(&self, text: &str) {
        println!("{:>7} ms  {text}", self.started.elapsed().as_millis());
    }

    /// Runs one step: prints its name and note when it succeeds, names it when it fails.
    pub(crate) async fn step<T>(
        &self,
        name: impl Into<String>,
        work: impl Future<Output = Result<(T, String), Problem>>,
    ) -> Result<T, Failure> {
        let name = name.into();
        self.step.replace(name.clone());
        match work.await {
            Ok((value, note)) => {
                self.line(&format!("{name}: {note}"));
                Ok(value)
            }
            Err(problem) => Err(Failure {
                step: name,
                problem,
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_base_url_must_be_a_site_root() {
        assert!(parse_base_url("https://mealvote.example.com").is_ok());
        assert!(parse_base_url("http://127.0.0.1:3000/").is_ok());
        for bad in [
            "mealvote.example.com",
            "ftp://mealvote.example.com",
            "https://mealvote.example.com/app",
            "https://mealvote.example.com/?x=1",
        ] {
            assert!(parse_base_url(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn failures_are_one_line() {
        let failure = Failure {
            step: "lunch closes early".into(),
            problem: "expected closed,\n found open".into(),
        };
        assert_eq!(
            failure.to_string(),
            "\u{201c}lunch closes early\u{201d}: expected closed, found open"
        );
    }
}
