//! Accounts over HTTP, through the real app: sign up, sign in, sign out, sessions, abuse limits.

use app::error::{AppError, Field};
use app::routes;
use reqwest::{StatusCode, header};

use crate::support::{PASSWORD, TestApp, TestDatabase};

#[tokio::test]
async fn signing_up_signs_you_in_and_lands_on_your_households() {
    let app = TestApp::spawn().await;
    let ada = app.person("Ada");
    assert_eq!(ada.signed_in_as().await, None);
    let answer = ada.sign_up().await;
    answer.assert_ok();
    assert_eq!(answer.location.as_deref(), Some(routes::HOUSEHOLDS));
    assert_eq!(ada.signed_in_as().await.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn an_email_can_sign_up_only_once_whatever_its_case() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let copycat = app.person("Copycat");
    let answer = copycat
        .call(
            "sign_up",
            &[
                ("display_name", "Copycat"),
                ("email", &ada.email.to_uppercase()),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.error().for_field(Field::Email).is_some(),
        "{answer:?}"
    );
    assert_eq!(copycat.signed_in_as().await, None);
}

#[tokio::test]
async fn a_password_under_ten_characters_is_refused_on_its_field() {
    let app = TestApp::spawn().await;
    let ada = app.person("Ada");
    let answer = ada.call("sign_up", &ada.sign_up_fields("123456789")).await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert_eq!(
        answer.error(),
        AppError::invalid(Field::Password, "Use at least 10 characters.")
    );
    assert_eq!(ada.signed_in_as().await, None);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_generic_answer() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    ada.sign_out().await.assert_ok();
    let wrong = ada.sign_in_with("not the password").await;
    let stranger = app.person("Stranger");
    let unknown = stranger.sign_in().await;
    for answer in [&wrong, &unknown] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.error(), AppError::WrongCredentials);
        assert_eq!(
            answer.error().to_string(),
            "Email or password is incorrect."
        );
    }
    assert_eq!(ada.signed_in_as().await, None);
    ada.sign_in().await.assert_ok();
    assert_eq!(ada.signed_in_as().await.as_deref(), Some("Ada"));
}

#[tokio::test]
async fn signing_in_issues_a_new_session_id_and_signing_out_revokes_it() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    ada.sign_out().await.assert_ok();
    // A planted (pre-sign-in) session must not survive signing in.
    let before = app
        .client
        .post(app.url("/api/sign_in"))
        .header(header::ORIGIN, app.url(""))
        .form(&[("email", ada.email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let first = session_cookie(&before).expect("a session cookie");
    let again = app
        .client
        .post(app.url("/api/sign_in"))
        .header(header::ORIGIN, app.url(""))
        .header(header::COOKIE, format!("session={first}"))
        .form(&[("email", ada.email.as_str()), ("password", PASSWORD)])
        .send()
        .await
        .unwrap();
    let second = session_cookie(&again).expect("a new session cookie");
    assert_ne!(first, second, "signing in cycles the session id");
    assert!(
        !signed_in_with_cookie(&app, &first).await,
        "the old id is dead"
    );
    assert!(signed_in_with_cookie(&app, &second).await);
    // Signing out deletes the session: replaying the cookie afterwards gets nothing.
    let out = call_with_session(&app, "sign_out", &second).await;
    assert!(out.status().is_success());
    let removal = out
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|c| c.starts_with("session=") && c.contains("Max-Age=0"));
    assert!(removal, "the cookie is removed");
    assert!(!signed_in_with_cookie(&app, &second).await);
}

#[tokio::test]
async fn the_session_cookie_is_http_only_lax_and_lasts_thirty_days() {
    let app = TestApp::spawn().await;
    let response = sign_up_raw(&app, &app.url("")).await;
    let cookie = set_cookie(&response).expect("a session cookie");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age=2592000"), "{cookie}");
    assert!(!cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn behind_https_the_session_cookie_is_secure() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("PUBLIC_BASE_URL", "https://meals.example.com")]).await;
    let response = sign_up_raw(&app, "https://meals.example.com").await;
    let cookie = set_cookie(&response).expect("a session cookie");
    assert!(cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn every_instance_sees_the_same_sessions() {
    let db = TestDatabase::postgres().await;
    let first = TestApp::spawn_with(db, &[]).await;
    let second = first.another_instance().await;
    let response = sign_up_raw(&first, &first.url("")).await;
    let id = session_cookie(&response).expect("a session cookie");
    assert!(signed_in_with_cookie(&second, &id).await);
}

#[tokio::test]
async fn sign_in_attempts_per_email_are_limited_across_instances() {
    let db = TestDatabase::postgres().await;
    let first = TestApp::spawn_with(db, &[]).await;
    let second = first.another_instance().await;
    let ada = first.signed_up("Ada").await;
    ada.sign_out().await;
    let on_second = second.person("Ada");
    for attempt in 1..=5 {
        let instance = if attempt % 2 == 0 { &on_second } else { &ada };
        let answer = instance
            .call(
                "sign_in",
                &[("email", &ada.email), ("password", "wrong password")],
            )
            .await;
        assert_eq!(
            answer.error(),
            AppError::WrongCredentials,
            "attempt {attempt}"
        );
    }
    let answer = ada.sign_in().await;
    assert_eq!(answer.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        matches!(answer.error(), AppError::RateLimited { retry_after_minutes } if (1..=15).contains(&retry_after_minutes)),
        "{answer:?}"
    );
    // Another account from the same address is not affected by Ada's limit.
    let bob = first.signed_up("Bob").await;
    bob.sign_out().await.assert_ok();
    bob.sign_in().await.assert_ok();
}

#[tokio::test]
async fn sign_in_attempts_per_ip_are_limited() {
    let app = TestApp::spawn().await;
    let people: Vec<_> = (0..5).map(|i| app.person(&format!("P{i}"))).collect();
    let mut refused = None;
    for attempt in 0..21 {
        let answer = people[attempt % 5].sign_in().await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(attempt + 1);
            break;
        }
        assert_eq!(answer.error(), AppError::WrongCredentials);
    }
    assert_eq!(
        refused,
        Some(21),
        "the 21st attempt from one address is refused"
    );
}

#[tokio::test]
async fn without_javascript_a_sign_up_error_comes_back_on_the_form_next_to_its_field() {
    let app = TestApp::spawn().await;
    let ada = app.person("Ada");
    let mut fields = ada.sign_up_fields("short");
    fields.push(("invite", ""));
    let answer = ada.submit("/signup", "sign_up", &fields).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    let location = answer.location.expect("back to the form");
    assert!(location.contains("/signup?"), "{location}");
    assert!(location.contains("__err="), "{location}");
    let path = location.trim_start_matches(&ada.url(""));
    let page = ada.open(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.body;
    assert!(html.contains("Use at least 10 characters."), "{html}");
    assert!(
        html.contains(r#"aria-invalid="true" aria-describedby="password-hint password-error""#),
        "{html}"
    );
}

#[tokio::test]
async fn without_javascript_signing_up_redirects_into_the_app() {
    let app = TestApp::spawn().await;
    let ada = app.person("Ada");
    let mut fields = ada.sign_up_fields(PASSWORD);
    fields.push(("invite", ""));
    let answer = ada.submit("/signup", "sign_up", &fields).await;
    assert_eq!(answer.status, StatusCode::FOUND);
    assert_eq!(answer.location.as_deref(), Some(routes::HOUSEHOLDS));
    let page = ada.open(routes::HOUSEHOLDS).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Signed in as"), "{}", page.body);
}

#[tokio::test]
async fn a_signed_out_visitor_of_households_is_sent_to_sign_in() {
    let app = TestApp::spawn().await;
    let page = app.person("Visitor").open(routes::HOUSEHOLDS).await;
    assert_eq!(page.status, StatusCode::FOUND, "{page:?}");
    assert_eq!(page.location.as_deref(), Some("/signin"), "{page:?}");
}

/// Signs Ada up from a page on `origin`, keeping the whole response (its cookies included).
async fn sign_up_raw(app: &TestApp, origin: &str) -> reqwest::Response {
    app.client
        .post(app.url("/api/sign_up"))
        .header(header::ORIGIN, origin)
        .form(&[
            ("display_name", "Ada"),
            ("email", "ada@example.com"),
            ("password", PASSWORD),
        ])
        .send()
        .await
        .unwrap()
}

fn set_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with("session="))
        .map(str::to_owned)
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    let cookie = set_cookie(response)?;
    let value = cookie.strip_prefix("session=")?.split(';').next()?;
    Some(value.to_owned())
}

/// Calls a server function with nothing but the session cookie `id`, as a replayed request does.
async fn call_with_session(app: &TestApp, function: &str, id: &str) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/{function}")))
        .header(header::ORIGIN, app.url(""))
        .header(header::COOKIE, format!("session={id}"))
        .send()
        .await
        .unwrap()
}

async fn signed_in_with_cookie(app: &TestApp, id: &str) -> bool {
    let response = call_with_session(app, "get_viewer", id).await;
    let viewer: Option<app::accounts::Viewer> = response.json().await.unwrap();
    viewer.is_some()
}

#[tokio::test]
async fn names_with_hidden_text_direction_or_zero_width_characters_are_refused_on_their_field() {
    let app = TestApp::spawn().await;
    let mallory = app.person("Mallory");
    // Shown as "Ada (admin)" reversed into something else: a right-to-left override.
    let answer = mallory
        .call(
            "sign_up",
            &[
                ("display_name", "Ada\u{202E}nimda"),
                ("email", &mallory.email),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    let message = answer.error().for_field(Field::DisplayName);
    assert!(
        message.as_deref().is_some_and(|m| m.contains("invisible")),
        "{answer:?}"
    );
    assert_eq!(mallory.signed_in_as().await, None, "no account was made");

    let ada = app.signed_up("Ada").await;
    let answer = ada
        .call("create_household", &[("name", "Ho\u{200B}me")])
        .await;
    assert_eq!(answer.status, StatusCode::BAD_REQUEST);
    assert!(
        answer.error().for_field(Field::HouseholdName).is_some(),
        "{answer:?}"
    );
    // An emoji family (joined with zero-width joiners) is an ordinary name.
    ada.create_household("The 👨\u{200D}👩\u{200D}👧 family")
        .await;
}

#[tokio::test]
async fn wrong_passwords_from_another_network_do_not_lock_the_owner_out() {
    let app = TestApp::spawn_with(TestDatabase::sqlite().await, &[("BEHIND_PROXY", "true")]).await;
    let ada = app.signed_up("Ada").await;
    ada.sign_out().await.assert_ok();
    // The attacker's proxy entry carries a port, as some proxies write it.
    let attacker = |password: &'static str| {
        app.client
            .post(app.url("/api/sign_in"))
            .header(header::ORIGIN, app.url(""))
            .header(header::ACCEPT, "application/json")
            .header("x-forwarded-for", "[2001:db8:66:1::5]:4242")
            .form(&[("email", ada.email.as_str()), ("password", password)])
            .send()
    };
    let mut statuses = Vec::new();
    for _ in 0..7 {
        statuses.push(attacker("wrong password").await.unwrap().status());
    }
    assert_eq!(
        statuses,
        [
            [StatusCode::UNAUTHORIZED; 5].as_slice(),
            &[StatusCode::TOO_MANY_REQUESTS; 2]
        ]
        .concat(),
        "the attacker's own network is stopped after five failures"
    );
    // The owner, from their own network, still gets in, and correct sign-ins count for nothing.
    for _ in 0..6 {
        ada.sign_in().await.assert_ok();
        ada.sign_out().await.assert_ok();
    }
}
