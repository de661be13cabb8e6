//! Test helpers: an isolated database per test on either engine, and the real app on port 0
//! (in this process, or as a child process for what is process-wide: metrics, logs, traces).

pub mod otlp;
pub mod process;
pub mod prometheus;
pub mod requests;
pub mod store;

use std::{net::SocketAddr, path::PathBuf};

use app::{
    accounts::{GetViewer, SignIn, SignOut, SignUp},
    households::{
        CreateHousehold, CreateInvite, GetHouseholdOverview, JoinHousehold, LeaveHousehold,
        RemoveMember, SetMemberRole,
    },
    plans::{CastBallot, GetBallotPage, GetPlan, PlanForm, ProposePlan},
};
use leptos::server_fn::ServerFn;
use server::{
    client::Client,
    config::{Config, DatabaseConfig, DatabaseUrl},
    db::Store,
    startup::Application,
};
use sqlx::{Connection, Executor, postgres::PgConnection};
use tokio::sync::oneshot;

/// The admin URL of the PostgreSQL server the tests create their databases on.
pub fn postgres_admin_url() -> String {
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
            max_connections: 5,
            ..DatabaseConfig::with_defaults(
                DatabaseUrl::parse(&self.url).expect("test database URL"),
            )
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
    database_url: String,
    /// `None` for a second instance, which shares the first one's database.
    _db: Option<TestDatabase>,
    _site: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(TestDatabase::sqlite().await, &[]).await
    }

    /// Starts the app with extra environment variables (as `(name, value)` pairs).
    pub async fn spawn_with(db: TestDatabase, vars: &[(&str, &str)]) -> Self {
        let url = db.url.clone();
        Self::start(&url, Some(db), vars).await
    }

    /// A second instance of the app on this one's database, as App Runner runs several.
    pub async fn another_instance(&self) -> Self {
        Self::start(&self.database_url, None, &[]).await
    }

    /// Starts the app as `mealvote serve` does (`Application::start`): no connection opened,
    /// migrations only as `MIGRATE_ON_START` says (the database is migrated here first when it is
    /// off, as a deploy would).
    pub async fn spawn_cold(db: TestDatabase, vars: &[(&str, &str)]) -> Self {
        let url = db.url.clone();
        Self::launch(&url, Some(db), vars, true).await
    }

    async fn start(database_url: &str, db: Option<TestDatabase>, vars: &[(&str, &str)]) -> Self {
        Self::launch(database_url, db, vars, false).await
    }

    async fn launch(
        database_url: &str,
        db: Option<TestDatabase>,
        vars: &[(&str, &str)],
        cold: bool,
    ) -> Self {
        let site = tempfile::tempdir().expect("site directory");
        let mut env: Vec<(String, String)> = vec![
            ("PORT".into(), "0".into()),
            ("DATABASE_URL".into(), database_url.to_owned()),
            ("LEPTOS_SITE_ROOT".into(), site.path().display().to_string()),
            ("LEPTOS_ENV".into(), "PROD".into()),
            // Tests close slots through the path they test; `closing.rs` starts a ticker itself.
            ("TICKER_INTERVAL_SECS".into(), "0".into()),
        ];
        env.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        let config = Config::from_lookup(move |name| {
            env.iter()
                .rev()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
        .expect("test configuration");
        let app = if cold {
            if !config.database.migrate_on_start {
                let store = Store::connect(&config.database).await.expect("connect");
                store.migrate().await.expect("migrate");
                store.close().await;
            }
            Application::start(&config).await
        } else {
            Application::build(&config).await
        };
        let app = app.expect("app starts");
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
            database_url: database_url.to_owned(),
            _db: db,
            _site: site,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        send_get(&self.client, self.url(path)).await
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

/// `GET url` with `client`: a plain request for a page or a file, its whole response kept.
pub async fn send_get(client: &reqwest::Client, url: String) -> reqwest::Response {
    client.get(url).send().await.expect("request")
}

impl TestApp {
    /// `POST /internal/finalize-due` as the scheduler sends it, with the `x-finalize-secret`
    /// header when `secret` is given.
    pub async fn finalize_due(&self, secret: Option<&str>) -> reqwest::Response {
        let mut request = self.client.post(self.url("/internal/finalize-due"));
        if let Some(secret) = secret {
            request = request.header("x-finalize-secret", secret);
        }
        request.send().await.expect("request")
    }
}

/// The `mealvote` binary built for these tests, or `MEALVOTE_BIN` when set (as the browser tests
/// read it): a worktree sharing its build directory with others can point at its own copy.
pub fn mealvote_bin() -> PathBuf {
    std::env::var_os("MEALVOTE_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_mealvote")),
        PathBuf::from,
    )
}

/// The password every simulated person uses (long enough for the documented minimum).
pub const PASSWORD: &str = "correct horse battery";

/// One simulated person: their own cookie jar (so their own session) against one app, calling
/// its server functions through the typed client the prober uses too (`server::client`).
pub struct Person {
    pub name: String,
    pub email: String,
    client: Client,
}

/// A server function's answer, as a hydrated page sees it.
#[derive(Debug)]
pub struct Answer {
    pub status: reqwest::StatusCode,
    /// Where the server function asked the browser to go (`redirect()`), if anywhere.
    pub location: Option<String>,
    pub body: String,
}

impl Answer {
    /// The error the server function answered with.
    pub fn error(&self) -> app::error::AppError {
        serde_json::from_str(&self.body).unwrap_or_else(|e| {
            panic!(
                "expected an error, got {} {:?} ({e})",
                self.status, self.body
            )
        })
    }

    pub fn assert_ok(&self) -> &Self {
        assert!(self.status.is_success(), "{self:?}");
        self
    }
}

impl From<server::client::Answer> for Answer {
    fn from(answer: server::client::Answer) -> Self {
        Self {
            status: answer.status,
            location: answer.location,
            body: answer.body,
        }
    }
}

impl TestApp {
    /// A person with a fresh cookie jar and a unique email address; not signed up yet.
    pub fn person(&self, name: &str) -> Person {
        Person::new(self.url(""), name)
    }

    /// A person who has signed up (and so is signed in).
    pub async fn signed_up(&self, name: &str) -> Person {
        let person = self.person(name);
        person.sign_up().await.assert_ok();
        person
    }

    /// A new person who signed up and joined `household` through a fresh invite from `admin`.
    pub async fn joined(&self, admin: &Person, household: &str, name: &str) -> Person {
        let person = self.signed_up(name).await;
        let token = admin.create_invite(household, "7", false).await;
        person.join(&token).await.assert_ok();
        person
    }

    /// The same account on a second device: its own cookie jar, signed in with the same email.
    pub async fn second_device(&self, person: &Person) -> Person {
        let mut other = self.person(&person.name);
        other.email.clone_from(&person.email);
        other.sign_in().await.assert_ok();
        assert_eq!(other.signed_in_as().await, Some(person.name.clone()));
        other
    }
}

impl Person {
    /// A person using the site at `base` (`http://127.0.0.1:port`), not signed up yet.
    pub fn new(base: String, name: &str) -> Self {
        Self {
            name: name.to_owned(),
            email: format!(
                "{}-{}@example.com",
                name.to_lowercase(),
                uuid::Uuid::new_v4().simple()
            ),
            client: Client::new(
                base,
                reqwest::Client::builder()
                    .cookie_store(true)
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .expect("client"),
            ),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.client.origin())
    }

    /// Calls the server function `F` with `args` the way the hydrated app does (form-encoded,
    /// from the site itself).
    pub async fn call_fn<F: ServerFn + serde::Serialize>(&self, args: F) -> Answer {
        send(self.client.request(&args)).await
    }

    /// Calls the server function `F`, which must succeed, and reads its answer.
    pub async fn fetch_fn<F>(&self, args: F) -> F::Output
    where
        F: ServerFn + serde::Serialize,
        F::Output: serde::de::DeserializeOwned,
    {
        let answer = self.call_fn(args).await;
        serde_json::from_str(&answer.assert_ok().body)
            .unwrap_or_else(|error| panic!("{}: {error}", server::client::name_of::<F>()))
    }

    /// Calls the server function named `function` with any `fields`, as [`Self::call_fn`] does:
    /// for fields the app itself never sends.
    pub async fn call(&self, function: &str, fields: &[(&str, &str)]) -> Answer {
        answer(self.call_response(function, fields).await).await
    }

    /// [`Self::call`], keeping the whole response (headers included).
    pub async fn call_response(
        &self,
        function: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Response {
        self.client
            .raw(function, fields)
            .send()
            .await
            .expect("request")
    }

    /// Posts a form the way a browser without JavaScript does: it expects HTML and a redirect.
    pub async fn submit(&self, page: &str, function: &str, fields: &[(&str, &str)]) -> Answer {
        self.post_form(function, &self.url(""), &self.url(page), fields)
            .await
    }

    /// Posts a form from the page `referer` on `origin`, as a browser without JavaScript does.
    async fn post_form(
        &self,
        function: &str,
        origin: &str,
        referer: &str,
        fields: &[(&str, &str)],
    ) -> Answer {
        let response = self
            .client
            .http()
            .post(self.url(&format!("/api/{function}")))
            .header(reqwest::header::ORIGIN, origin)
            .header(reqwest::header::REFERER, referer)
            .header(reqwest::header::ACCEPT, "text/html")
            .form(fields)
            .send()
            .await
            .expect("request");
        answer(response).await
    }

    /// Follows a plain link (a download, say) and keeps the whole response, headers included.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        send_get(self.client.http(), self.url(path)).await
    }

    /// Opens a page as a browser does, keeping the whole response (headers included).
    pub async fn open_response(&self, path: &str) -> reqwest::Response {
        self.client
            .http()
            .get(self.url(path))
            .header(reqwest::header::ACCEPT, "text/html")
            .send()
            .await
            .expect("request")
    }

    /// Opens a page as a browser does.
    pub async fn open(&self, path: &str) -> Answer {
        let response = self
            .client
            .http()
            .get(self.url(path))
            .header(reqwest::header::ACCEPT, "text/html")
            .send()
            .await
            .expect("request");
        answer(response).await
    }

    pub async fn sign_up(&self) -> Answer {
        self.call_fn(SignUp {
            display_name: self.name.clone(),
            email: self.email.clone(),
            password: PASSWORD.to_owned(),
            invite: None,
        })
        .await
    }

    /// The sign-up form's fields for this person with `password`; a test adds the others.
    pub fn sign_up_fields<'a>(&'a self, password: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("display_name", &self.name),
            ("email", &self.email),
            ("password", password),
        ]
    }

    pub async fn sign_in_with(&self, password: &str) -> Answer {
        self.call_fn(SignIn {
            email: self.email.clone(),
            password: password.to_owned(),
            invite: None,
        })
        .await
    }

    pub async fn sign_in(&self) -> Answer {
        self.sign_in_with(PASSWORD).await
    }

    pub async fn sign_out(&self) -> Answer {
        self.call_fn(SignOut {}).await
    }

    /// Who the server thinks is signed in: their display name.
    pub async fn signed_in_as(&self) -> Option<String> {
        let viewer = self.fetch_fn(GetViewer {}).await;
        viewer.map(|v| v.display_name)
    }

    pub async fn viewer(&self) -> app::accounts::Viewer {
        self.fetch_fn(GetViewer {}).await.expect("signed in")
    }

    /// Creates a household and returns its id.
    pub async fn create_household(&self, name: &str) -> String {
        let answer = self
            .call_fn(CreateHousehold {
                name: name.to_owned(),
            })
            .await;
        answer.assert_ok();
        let location = answer.location.expect("goes to the new household");
        location
            .strip_prefix(&app::routes::household(""))
            .expect("a household page")
            .to_owned()
    }

    /// Creates an invite link to `household` and returns its token.
    pub async fn create_invite(&self, household: &str, days: &str, single_use: bool) -> String {
        let invite = CreateInvite {
            household_id: household.to_owned(),
            expires_in_days: days.to_owned(),
            single_use: single_use.then(|| "on".to_owned()),
        };
        let answer = self.call_fn(invite).await;
        answer.assert_ok();
        self.take_new_secret("invite_token", Some(household))
            .await
            .expect("the new link is waiting to be shown")
    }

    /// The secret this person's session has just created (`app::shown_once`), taken as the page
    /// that shows it takes it.
    pub async fn take_new_secret(&self, kind: &str, household: Option<&str>) -> Option<String> {
        let mut fields = vec![("kind", kind)];
        fields.extend(household.map(|household| ("household_id", household)));
        self.fetch("take_new_secret", &fields).await
    }

    pub async fn join(&self, token: &str) -> Answer {
        self.call_fn(JoinHousehold {
            token: token.to_owned(),
        })
        .await
    }

    pub async fn overview(&self, household: &str) -> app::households::HouseholdOverview {
        self.fetch_fn(GetHouseholdOverview {
            household_id: household.to_owned(),
        })
        .await
    }

    /// Sets a member's role (`admin` or `member`), as an admin's form does.
    pub async fn set_member_role(&self, household: &str, user: &str, role: &str) -> Answer {
        self.call_fn(SetMemberRole {
            household_id: household.to_owned(),
            user_id: user.to_owned(),
            role: role.to_owned(),
        })
        .await
    }

    pub async fn remove_member(&self, household: &str, user: &str) -> Answer {
        self.call_fn(RemoveMember {
            household_id: household.to_owned(),
            user_id: user.to_owned(),
        })
        .await
    }

    pub async fn leave_household(&self, household: &str) -> Answer {
        self.call_fn(LeaveHousehold {
            household_id: household.to_owned(),
        })
        .await
    }

    /// Calls a server function that must succeed, and reads its JSON answer.
    pub async fn fetch<T: serde::de::DeserializeOwned>(
        &self,
        function: &str,
        fields: &[(&str, &str)],
    ) -> T {
        let answer = self.call(function, fields).await;
        serde_json::from_str(&answer.assert_ok().body)
            .unwrap_or_else(|error| panic!("{function}: {error}"))
    }
}

/// Days from today (UTC) as `YYYY-MM-DD`, for proposals whose dates must lie ahead.
/// The user id of the member called `name` in a household's overview.
pub fn member_id(overview: &app::households::HouseholdOverview, name: &str) -> app::ids::UserId {
    overview
        .members
        .iter()
        .find(|m| m.display_name == name)
        .unwrap_or_else(|| panic!("{name} is a member"))
        .user_id
        .clone()
}

pub fn day_from_now(days: i64) -> String {
    let day = time::OffsetDateTime::now_utc().date() + time::Duration::days(days);
    app::plans::day_iso(day)
}

impl Person {
    /// Proposes a two-day plan of dinners starting in three days, voting until tomorrow 18:00
    /// UTC, and returns its id.
    pub async fn propose_plan(&self, household: &str, options: &str) -> String {
        let answer = self
            .call_fn(ProposePlan {
                household_id: household.to_owned(),
                plan: PlanForm {
                    title: String::new(),
                    first_day: day_from_now(3),
                    days: "2".to_owned(),
                    meals: "dinner".to_owned(),
                    options: options.to_owned(),
                    deadline_date: day_from_now(1),
                    deadline_time: "18:00".to_owned(),
                    utc_offset_minutes: "0".to_owned(),
                    allow_repeats: String::new(),
                },
            })
            .await;
        answer.assert_ok();
        let location = answer.location.expect("goes to the new plan");
        location.rsplit('/').next().expect("a plan id").to_owned()
    }

    /// Casts a ballot as the ranking board sends it: each `(option id, rank)` pair becomes a
    /// `rank-<option id>` field ("1" best; an option left out has no opinion).
    pub async fn cast_ballot(&self, household: &str, slot: &str, ranks: &[(&str, &str)]) -> Answer {
        self.call_fn(CastBallot {
            household_id: household.to_owned(),
            slot_id: slot.to_owned(),
            ranks: ranks
                .iter()
                .map(|(option, rank)| (format!("rank-{option}"), (*rank).to_owned()))
                .collect(),
        })
        .await
    }

    pub async fn plan(&self, household: &str, plan: &str) -> app::plans::PlanView {
        self.fetch_fn(GetPlan {
            household_id: household.to_owned(),
            plan_id: plan.to_owned(),
        })
        .await
    }

    pub async fn ballot_page(&self, household: &str, slot: &str) -> app::plans::BallotPage {
        self.fetch_fn(GetBallotPage {
            household_id: household.to_owned(),
            slot_id: slot.to_owned(),
            like: None,
        })
        .await
    }

    /// Whether this person can read the household (is a member of it).
    pub async fn is_member_of(&self, household: &str) -> bool {
        self.call_fn(GetHouseholdOverview {
            household_id: household.to_owned(),
        })
        .await
        .status
        .is_success()
    }

    /// Ranks `dish` first, and nothing else, on `slot`; the save must succeed.
    pub async fn rank_first(&self, household: &str, slot: &str, dish: &str) {
        let page = self.ballot_page(household, slot).await;
        let option = page.options.iter().find(|o| o.name == dish).expect(dish);
        self.cast_ballot(household, slot, &[(option.id.as_str(), "1")])
            .await
            .assert_ok();
    }

    /// The ballot page of the plan's first slot.
    pub async fn ballot_page_of_plan(&self, household: &str, plan: &str) -> app::plans::BallotPage {
        let slot = self.plan(household, plan).await.slots[0].id.to_string();
        self.ballot_page(household, &slot).await
    }
}

async fn answer(response: reqwest::Response) -> Answer {
    server::client::Answer::read(response)
        .await
        .expect("body")
        .into()
}

async fn send(request: reqwest::RequestBuilder) -> Answer {
    answer(request.send().await.expect("request")).await
}

impl Person {
    /// Posts a form as a page on another site would make this person's browser do.
    pub async fn submit_from(&self, page: &str, function: &str, fields: &[(&str, &str)]) -> Answer {
        let origin = url::Url::parse(page)
            .expect("page URL")
            .origin()
            .ascii_serialization();
        self.post_form(function, &origin, page, fields).await
    }
}

/// Ada proposes a plan (Pasta, Curry, Soup) in a household she shares with Bob: (Ada, Bob,
/// household id, plan id).
pub async fn household_with_plan(app: &TestApp) -> (Person, Person, String, String) {
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let bob = app.joined(&ada, &household, "Bob").await;
    let plan = ada.propose_plan(&household, "Pasta\nCurry\nSoup").await;
    (ada, bob, household, plan)
}

/// The `value` of the `<input>` whose id is `id`, if the page has one.
pub fn input_value(html: &str, id: &str) -> Option<String> {
    let input = &html[html.find(&format!("id=\"{id}\""))?..];
    let input = &input[..input.find('>')?];
    let value = &input[input.find("value=\"")? + "value=\"".len()..];
    Some(value[..value.find('"')?].to_owned())
}

/// The nonce a `Content-Security-Policy` header allows scripts by (`'nonce-…'`).
pub fn csp_nonce(csp: &str) -> &str {
    csp.split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .unwrap_or_else(|| panic!("no nonce in {csp}"))
}
