//! The HTTP surface: pages, health checks, and the headers every response carries.

use app::routes;
use reqwest::{StatusCode, header};

use crate::support::{TestApp, TestDatabase, csp_nonce, household_with_plan};

#[tokio::test]
async fn healthz_answers_without_touching_the_database() {
    let app = TestApp::spawn().await;
    app.store.close().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn readyz_reports_whether_the_database_answers() {
    let db = TestDatabase::postgres().await;
    let app = TestApp::spawn_with(db, &[]).await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::OK);
    // Closing the shared pool is how the test takes the database away from the running app.
    app.store.close().await;
    let response = app.get("/readyz").await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
}

#[tokio::test]
async fn the_landing_page_is_rendered_on_the_server_with_security_headers() {
    let app = TestApp::spawn().await;
    let response = app.get("/").await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers().clone();
    let csp = headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
    assert!(csp.contains("'wasm-unsafe-eval'"), "{csp}");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    assert_eq!(
        headers[header::REFERRER_POLICY],
        "strict-origin-when-cross-origin"
    );
    assert!(headers.contains_key("x-request-id"));
    assert!(
        !headers.contains_key(header::STRICT_TRANSPORT_SECURITY),
        "no HSTS over plain HTTP"
    );
    let body = response.text().await.unwrap();
    assert!(body.contains("Decide what to eat, together"), "{body}");
    let nonce = csp_nonce(csp);
    assert!(
        body.contains(&format!("nonce=\"{nonce}\"")),
        "inline scripts carry the CSP nonce"
    );
}

#[tokio::test]
async fn each_page_gets_a_fresh_csp_nonce() {
    let app = TestApp::spawn().await;
    let first = app.get("/").await.headers()[header::CONTENT_SECURITY_POLICY].clone();
    let second = app.get("/").await.headers()[header::CONTENT_SECURITY_POLICY].clone();
    assert_ne!(first, second);
}

#[tokio::test]
async fn behind_https_every_response_carries_hsts() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("PUBLIC_BASE_URL", "https://meals.example.com")]).await;
    for path in ["/", "/healthz", "/no-such-page"] {
        let response = app.get(path).await;
        assert_eq!(
            response.headers()[header::STRICT_TRANSPORT_SECURITY],
            "max-age=31536000; includeSubDomains",
            "{path}"
        );
    }
}

#[tokio::test]
async fn assets_come_from_the_cdn_when_one_is_configured() {
    let db = TestDatabase::sqlite().await;
    let app = TestApp::spawn_with(db, &[("ASSETS_BASE_URL", "https://assets.example.com")]).await;
    let response = app.get("/").await;
    let csp = response.headers()[header::CONTENT_SECURITY_POLICY]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(csp.contains("script-src 'self' 'nonce-"), "{csp}");
    assert!(csp.contains("https://assets.example.com"), "{csp}");
    let body = response.text().await.unwrap();
    assert!(
        body.contains("href=\"https://assets.example.com/pkg/mealvote.css\""),
        "{body}"
    );
    assert!(
        body.contains("https://assets.example.com/pkg/mealvote.js"),
        "{body}"
    );
}

#[tokio::test]
async fn an_unknown_page_is_a_friendly_404() {
    let app = TestApp::spawn().await;
    let response = app.get("/no/such/page").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert!(response.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn pages_are_compressed_for_browsers_that_accept_it() {
    let app = TestApp::spawn().await;
    for encoding in ["br", "gzip"] {
        let response = app
            .client
            .get(app.url("/"))
            .header(header::ACCEPT_ENCODING, encoding)
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[header::CONTENT_ENCODING], encoding);
    }
}

#[tokio::test]
async fn a_shut_down_server_stops_accepting_connections() {
    let app = TestApp::spawn().await;
    let address = app.address;
    assert_eq!(app.get("/healthz").await.status(), StatusCode::OK);
    app.shut_down().await.expect("clean shutdown");
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
}

#[tokio::test]
async fn a_members_pages_are_not_stored_by_browsers_or_proxies_and_a_visitors_are() {
    let app = TestApp::spawn().await;
    let cache_control = |response: &reqwest::Response| {
        response
            .headers()
            .get(header::CACHE_CONTROL)
            .map(|value| value.to_str().unwrap().to_owned())
    };

    let visitor = app.person("Visitor");
    let landing = visitor.open_response("/").await;
    assert_eq!(landing.status(), StatusCode::OK);
    assert_eq!(cache_control(&landing), None, "the same for everyone");

    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    for path in ["/".to_owned(), routes::household(&household)] {
        let page = ada.open_response(&path).await;
        assert_eq!(page.status(), StatusCode::OK, "{path}");
        assert_eq!(cache_control(&page).as_deref(), Some("no-store"), "{path}");
    }
    let overview = ada
        .call_response("get_household_overview", &[("household_id", &household)])
        .await;
    assert_eq!(overview.status(), StatusCode::OK);
    assert_eq!(cache_control(&overview).as_deref(), Some("no-store"));
}

#[tokio::test]
async fn a_server_failure_on_any_page_answers_5xx_with_a_message_and_no_details() {
    let app = TestApp::spawn().await;
    let (ada, _bob, household, plan) = household_with_plan(&app).await;
    let slot = ada.plan(&household, &plan).await.slots[0].id.to_string();
    let token = ada.create_invite(&household, "7", false).await;
    // Every page with household data starts by reading the member and their memberships: with
    // that table gone (sessions still work), each must fail the same way.
    sqlx::query("alter table memberships rename to memberships_gone")
        .execute(app.store.pool())
        .await
        .unwrap();
    for path in [
        routes::HOUSEHOLDS.to_owned(),
        routes::household(&household),
        routes::plans(&household),
        routes::propose(&household),
        routes::dishes(&household),
        routes::notifications(&household),
        routes::plan(&household, &plan),
        routes::results(&household, &plan),
        routes::ballot(&household, &slot),
        routes::join(&token),
    ] {
        let page = ada.open(&path).await;
        assert_eq!(
            page.status,
            StatusCode::INTERNAL_SERVER_ERROR,
            "{path} answered {}",
            page.status
        );
        assert!(
            page.body.contains("Something went wrong on our side"),
            "{path} says what happened"
        );
        assert!(
            !page.body.contains("memberships"),
            "{path} shows no detail of the failure"
        );
    }
}
