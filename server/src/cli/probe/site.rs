//! The site as the prober sees it: server functions called through the typed client
//! ([`crate::client`]) as the hydrated app calls them, one cookie jar per member, and an estimate
//! of the server's clock from its `Date` headers.

use std::{
    cell::Cell,
    time::{Duration, Instant, SystemTime, UNIX_EPOCH},
};

use leptos::server_fn::ServerFn;
use reqwest::header;
use secrecy::{ExposeSecret, SecretString};
use serde::{Serialize, de::DeserializeOwned};
use url::Url;

pub use crate::client::Answer;
use crate::client::{Client, name_of};

/// What a failed call or check says, for the step's one line.
pub type Problem = String;

/// The site under test.
pub struct Site {
    /// `scheme://host[:port]`, without a trailing slash; also the `Origin` every call sends.
    origin: String,
    /// Bounds every request, so a hung connection cannot outlast `--timeout`.
    request_timeout: Duration,
    clock: ServerClock,
    /// The slowest answer so far to a call that does not hash a password, in ms.
    slowest_ms: Cell<u64>,
}

/// One simulated household member: their own cookie jar, so their own session.
pub struct Member {
    /// "mealvote probe 1": what the household sees, and all the prober ever prints about them.
    pub name: String,
    pub email: SecretString,
    pub password: SecretString,
    client: Client,
}

impl Site {
    /// `base_url` is a validated `http(s)://host[:port][/]` (see `probe::parse_base_url`).
    pub fn new(base_url: &Url, request_timeout: Duration) -> Self {
        Self {
            origin: base_url.origin().ascii_serialization(),
            request_timeout,
            clock: ServerClock::default(),
            slowest_ms: Cell::new(0),
        }
    }

    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// A member with a fresh cookie jar, not signed in.
    pub fn member(
        &self,
        name: String,
        email: SecretString,
        password: SecretString,
    ) -> Result<Member, Problem> {
        Ok(Member {
            name,
            email,
            password,
            client: Client::new(self.origin.clone(), self.client(true)?),
        })
    }

    fn client(&self, cookies: bool) -> Result<reqwest::Client, Problem> {
        reqwest::Client::builder()
            .cookie_store(cookies)
            // A server function's redirect is its answer (`Location`), not something to follow.
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("mealvote-probe/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(10).min(self.request_timeout))
            .timeout(self.request_timeout)
            .build()
            .map_err(|error| format!("cannot build an HTTP client: {}", chain(&error)))
    }

    /// `GET /healthz`, without cookies.
    pub async fn health(&self) -> Result<Answer, Problem> {
        let client = self.client(false)?;
        self.send(
            client.get(format!("{}/healthz", self.origin)),
            "/healthz",
            false,
        )
        .await
    }

    /// `POST /internal/finalize-due` with the secret header, without cookies.
    pub async fn finalize_due(&self, secret: &SecretString) -> Result<Answer, Problem> {
        let client = self.client(false)?;
        let request = client
            .post(format!("{}/internal/finalize-due", self.origin))
            .header("x-finalize-secret", secret.expose_secret());
        self.send(request, "/internal/finalize-due", false).await
    }

    /// Calls the server function `F` with `args` as `member`, as the hydrated page would.
    pub async fn call<F: ServerFn + Serialize>(
        &self,
        member: &Member,
        args: &F,
    ) -> Result<Answer, Problem> {
        self.call_as_operator(member, args, None).await
    }

    /// [`Self::call`], with the finalize secret when given: the server then lets the probe's
    /// proposal have a deadline seconds away (below the minimum lead everyone else keeps).
    pub async fn call_as_operator<F: ServerFn + Serialize>(
        &self,
        member: &Member,
        args: &F,
        secret: Option<&SecretString>,
    ) -> Result<Answer, Problem> {
        let mut request = member.client.request(args);
        if let Some(secret) = secret {
            request = request.header("x-finalize-secret", secret.expose_secret());
        }
        let function = name_of::<F>();
        let hashes_a_password = matches!(function, "sign_in" | "sign_up");
        self.send(request, function, !hashes_a_password).await
    }

    async fn send(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
        timed: bool,
    ) -> Result<Answer, Problem> {
        let sent_wall = wall_ms();
        let sent = Instant::now();
        let response = request
            .send()
            .await
            .map_err(|error| format!("{what}: no answer: {}", chain(&error)))?;
        let received_wall = wall_ms();
        if timed {
            let ms = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX);
            self.slowest_ms.set(self.slowest_ms.get().max(ms));
        }
        if let Some(date) = response
            .headers()
            .get(header::DATE)
            .and_then(|value| value.to_str().ok())
            .and_then(|value| httpdate::parse_http_date(value).ok())
        {
            self.clock
                .observe(sent_wall, received_wall, system_ms(date));
        }
        Answer::read(response)
            .await
            .map_err(|error| format!("{what}: the answer broke off: {}", chain(&error)))
    }

    /// The slowest answer so far to a call that does not hash a password.
    pub fn slowest(&self) -> Duration {
        Duration::from_millis(self.slowest_ms.get())
    }

    pub fn clock(&self) -> &ServerClock {
        &self.clock
    }
}

/// How the prober reads an answer: a failed expectation is a [`Problem`] for the step's line.
impl Answer {
    /// This answer if it is a success, else what was found instead.
    pub fn expect_success(self, what: &str) -> Result<Self, Problem> {
        if self.succeeded() {
            Ok(self)
        } else {
            Err(format!(
                "{what}: expected success, found {}",
                self.describe()
            ))
        }
    }

    /// The status and the error's message (or the start of the body), on one line.
    pub fn describe(&self) -> String {
        let detail = match self.error() {
            Some(error) => error.to_string(),
            None => one_line(&self.body, 160),
        };
        if detail.is_empty() {
            format!("HTTP {}", self.status.as_u16())
        } else {
            format!("HTTP {} \u{201c}{detail}\u{201d}", self.status.as_u16())
        }
    }

    /// The JSON body as `T`.
    pub fn json<T: DeserializeOwned>(&self, what: &str) -> Result<T, Problem> {
        serde_json::from_str(&self.body).map_err(|error| {
            format!(
                "{what}: expected JSON, found \u{201c}{}\u{201d} ({error})",
                one_line(&self.body, 120)
            )
        })
    }

    /// What the server function `F` answered, as its output type.
    pub fn output_of<F>(&self) -> Result<F::Output, Problem>
    where
        F: ServerFn,
        F::Output: DeserializeOwned,
    {
        self.output::<F>().map_err(|error| {
            format!(
                "{}: expected JSON, found \u{201c}{}\u{201d} ({error})",
                name_of::<F>(),
                one_line(&self.body, 120)
            )
        })
    }

    /// The `Location` a server function redirected to, if it starts with `prefix`: the rest.
    pub fn location_after(&self, what: &str, prefix: &str) -> Result<String, Problem> {
        self.location
            .as_deref()
            .and_then(|location| location.split_once(prefix))
            .map(|(_, rest)| rest.to_owned())
            .filter(|rest| !rest.is_empty())
            .ok_or_else(|| {
                format!(
                    "{what}: expected a redirect to \u{2026}{prefix}\u{2026}, found {:?}",
                    self.location
                )
            })
    }
}

/// Bounds on the server clock's offset from ours, from the `Date` headers seen so far. A `Date`
/// has whole seconds: the server's time lay in `[date, date + 1 s)` somewhere between sending the
/// request and receiving the answer, so `date - received ≤ offset < date + 1 s - sent`.
#[derive(Default)]
pub struct ServerClock {
    bounds: Cell<Option<(i64, i64)>>,
}

/// Without a `Date` header the clocks are assumed to agree within this much.
const UNKNOWN_SKEW_MS: i64 = 1_000;

impl ServerClock {
    fn observe(&self, sent_ms: i64, received_ms: i64, date_ms: i64) {
        let (low, high) = (date_ms - received_ms, date_ms + 1_000 - sent_ms);
        let merged = match self.bounds.get() {
            Some((l, h)) if low.max(l) <= high.min(h) => (low.max(l), high.min(h)),
            // Disjoint: our clock stepped (or the server's did). Trust the newest observation.
            _ => (low, high),
        };
        self.bounds.set(Some(merged));
    }

    /// The server clock's offset from ours lies within these bounds (ms).
    fn offset_bounds(&self) -> (i64, i64) {
        self.bounds
            .get()
            .unwrap_or((-UNKNOWN_SKEW_MS, UNKNOWN_SKEW_MS))
    }

    /// The earliest the server's clock can read now, in ms since the epoch.
    pub fn earliest_now(&self) -> i64 {
        wall_ms() + self.offset_bounds().0
    }

    /// The latest the server's clock can read now, in ms since the epoch.
    pub fn latest_now(&self) -> i64 {
        wall_ms() + self.offset_bounds().1
    }

    /// What is known of the server clock's offset from ours, for the log.
    pub fn describe(&self) -> String {
        match self.bounds.get() {
            Some((low, high)) => format!("server clock {low:+} to {high:+} ms from ours"),
            None => "server clock unknown (no Date header)".to_owned(),
        }
    }
}

fn wall_ms() -> i64 {
    system_ms(SystemTime::now())
}

fn system_ms(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) => i64::try_from(since.as_millis()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_millis()).unwrap_or(i64::MAX),
    }
}

/// An error with its causes, on one line (reqwest's own message hides the cause).
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// At most `max` characters of `text`, its whitespace runs made single spaces.
fn one_line(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() > max {
        format!("{}\u{2026}", flat.chars().take(max).collect::<String>())
    } else {
        flat
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_headers_narrow_the_offset_to_the_server_clock() {
        let clock = ServerClock::default();
        // Sent at 10_000, answered at 10_200 with a Date of 12 s: the server was 1.8 s to 3 s ahead.
        clock.observe(10_000, 10_200, 12_000);
        assert_eq!(clock.bounds.get(), Some((1_800, 3_000)));
        // A later answer stamped 14 s, sent at 11_500 and received at 11_600: 2.4 s to 3.5 s ahead.
        clock.observe(11_500, 11_600, 14_000);
        assert_eq!(clock.bounds.get(), Some((2_400, 3_000)));
        assert_eq!(clock.describe(), "server clock +2400 to +3000 ms from ours");
        // One that contradicts both (our clock stepped back 60 s) replaces them.
        clock.observe(-48_000, -47_900, 15_000);
        assert_eq!(clock.bounds.get(), Some((62_900, 64_000)));
    }

    #[test]
    fn without_a_date_the_clocks_are_assumed_to_agree_within_a_second() {
        let clock = ServerClock::default();
        assert_eq!(clock.offset_bounds(), (-1_000, 1_000));
        assert_eq!(clock.describe(), "server clock unknown (no Date header)");
    }

    #[test]
    fn bodies_are_shortened_to_one_line() {
        assert_eq!(one_line("a\n  b\tc", 10), "a b c");
        assert_eq!(one_line("abcdef", 3), "abc\u{2026}");
    }
}
