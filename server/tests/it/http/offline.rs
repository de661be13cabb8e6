//! The installable app (`docs/offline.md`): the manifest, its icons, the service worker, and what
//! the pages say about them.

use app::routes;
use reqwest::{StatusCode, header};

use crate::support::{TestApp, TestDatabase, csp_nonce};

fn header_of(response: &reqwest::Response, name: header::HeaderName) -> String {
    response
        .headers()
        .get(&name)
        .unwrap_or_else(|| panic!("{name} is set"))
        .to_str()
        .unwrap()
        .to_owned()
}

/// Width and height from a PNG's IHDR chunk.
fn png_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "a PNG file");
    let number = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    (number(16), number(20))
}

#[tokio::test]
async fn the_manifest_names_the_app_and_its_icons_are_served() {
    let app = TestApp::spawn().await;
    let response = app.get("/manifest.webmanifest").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "application/manifest+json"
    );
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    let manifest: serde_json::Value = response.json().await.unwrap();
    assert_eq!(manifest["name"], "mealvote");
    assert_eq!(manifest["short_name"], "mealvote");
    assert_eq!(manifest["start_url"], routes::HOUSEHOLDS);
    assert_eq!(manifest["scope"], "/");
    assert_eq!(manifest["display"], "standalone");
    // style/main.css: --accent and --bg of the light palette.
    let css = include_str!("../../../../style/main.css");
    for (field, variable) in [("theme_color", "--accent"), ("background_color", "--bg")] {
        let color = manifest[field].as_str().unwrap();
        assert!(
            css.contains(&format!("{variable}: {color};")),
            "{field} {color} is {variable} in main.css"
        );
    }

    let icons = manifest["icons"].as_array().unwrap();
    let mut sizes = Vec::new();
    for icon in icons {
        let src = icon["src"].as_str().unwrap();
        let response = app.get(src).await;
        assert_eq!(response.status(), StatusCode::OK, "{src}");
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "image/png");
        assert_eq!(
            header_of(&response, header::CACHE_CONTROL),
            "public, max-age=604800"
        );
        let (width, height) = png_size(&response.bytes().await.unwrap());
        assert_eq!(icon["sizes"], format!("{width}x{height}"), "{src}");
        sizes.push((width, icon["purpose"].as_str().unwrap_or("any").to_owned()));
        let committed = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../public")
            .join(src.trim_start_matches('/'));
        assert!(committed.is_file(), "{src} is in public/");
    }
    for wanted in [(192, "any"), (512, "any"), (512, "maskable")] {
        assert!(
            sizes.contains(&(wanted.0, wanted.1.to_owned())),
            "an icon {wanted:?} in {sizes:?}"
        );
    }
}

#[tokio::test]
async fn the_service_worker_comes_from_the_site_itself_with_its_own_policy() {
    let db = TestDatabase::sqlite().await;
    let app =
        TestApp::spawn_with(db, &[("ASSETS_BASE_URL", "https://assets.example.com/v1")]).await;
    let ada = app.signed_up("Ada").await;
    // Asked for with a session cookie, as a signed-in browser does: nothing personal in it.
    let response = ada.get("/sw.js").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        header_of(&response, header::CONTENT_TYPE),
        "text/javascript; charset=utf-8"
    );
    assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-cache");
    assert!(!response.headers().contains_key(header::SET_COOKIE));
    assert_eq!(
        header_of(&response, header::CONTENT_SECURITY_POLICY),
        "default-src 'none'; connect-src 'self' https://assets.example.com; frame-ancestors 'none'"
    );
    let script = response.text().await.unwrap();
    assert!(
        script.starts_with("const ASSETS = \"https://assets.example.com/v1/pkg/\";\n"),
        "{}",
        &script[..200]
    );

    let app = TestApp::spawn().await;
    let script = app.get("/sw.js").await.text().await.unwrap();
    assert!(script.starts_with("const ASSETS = \"/pkg/\";\n"));
}

#[tokio::test]
async fn every_page_links_the_manifest_and_registers_the_worker_under_its_csp() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    for path in ["/".to_owned(), routes::household(&household)] {
        let response = ada.open_response(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let csp = header_of(&response, header::CONTENT_SECURITY_POLICY);
        assert!(csp.contains("worker-src 'self';"), "{csp}");
        assert!(csp.contains("manifest-src 'self';"), "{csp}");
        let nonce = csp_nonce(&csp);
        // The worker keeps the page but the browser and proxies still must not.
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "no-store");
        let body = response.text().await.unwrap();
        for tag in [
            r#"<link rel="manifest" href="/manifest.webmanifest">"#,
            r#"<link rel="apple-touch-icon" href="/icons/apple-touch-icon.png">"#,
            r##"<meta name="theme-color" content="#b4481b""##,
        ] {
            assert!(body.contains(tag), "{path}: {tag}");
        }
        let register = body
            .split("<script")
            .find(|script| script.contains("serviceWorker.register(\"/sw.js\")"))
            .unwrap_or_else(|| panic!("{path} registers the worker"));
        assert!(
            register.starts_with(&format!(" nonce=\"{nonce}\">")),
            "{path}: the script carries the page's nonce: {register}"
        );
    }
}

#[tokio::test]
async fn a_page_showing_a_secret_once_is_marked_so_the_worker_does_not_keep_it() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    ada.call(
        "create_invite",
        &[("household_id", &household), ("expires_in_days", "7")],
    )
    .await
    .assert_ok();
    let path = routes::household(&household);
    let first = ada.open(&path).await;
    assert!(first.body.contains("data-shown-once"), "the new link");
    let again = ada.open(&path).await;
    assert!(!again.body.contains("data-shown-once"), "shown once only");
}
