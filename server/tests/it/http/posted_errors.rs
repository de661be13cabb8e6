//! A page shows only errors this server made for this visitor. A form posted without JavaScript
//! comes back with its error in the address (`?__path=…&__err=…`); an address someone else wrote
//! (a link in an e-mail) or one made for another person shows nothing, while the real round trip
//! still puts the message next to its field (docs/security.md, "Errors in addresses").

use app::error::{AppError, Field};
use app::routes;
use base64::Engine;
use leptos::server_fn::ServerFn;
use reqwest::StatusCode;

use crate::support::{Person, TestApp};

const FORGED: &str = "Your account is locked. Call +1 555 0100 and read out your password.";

/// The address of `page` as Leptos' no-JavaScript redirect writes it, carrying `error` for the
/// server function at `function`, written by whoever sends the link.
fn forged(page: &str, function: &str, error: &AppError) -> String {
    let json = serde_json::to_string(error).unwrap();
    let encoded = base64::engine::general_purpose::URL_SAFE.encode(json);
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("__path", function)
        .append_pair("__err", &encoded)
        .finish();
    format!("{page}?{query}")
}

/// The path and query of the redirect a failed plain form post answered with.
fn back_to(person: &Person, answer: &crate::support::Answer) -> String {
    assert_eq!(answer.status, StatusCode::FOUND, "{answer:?}");
    let location = answer.location.clone().expect("back to the form");
    assert!(location.contains("__err="), "{location}");
    location.trim_start_matches(&person.url("")).to_owned()
}

#[tokio::test]
async fn an_error_written_into_a_link_is_never_shown() {
    let app = TestApp::spawn().await;
    // A visitor following a link to the sign-in page: the message would sit under the password.
    let visitor = app.person("Visitor");
    let sign_in = forged(
        "/signin",
        app::accounts::SignIn::PATH,
        &AppError::invalid(Field::Password, FORGED),
    );
    let page = visitor.open(&sign_in).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Your account is locked"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains(r#"aria-invalid="true""#),
        "{}",
        page.body
    );

    // A member following a link to their households page, under "Change password"; a signature
    // made up by the sender changes nothing.
    let ada = app.signed_up("Ada").await;
    let households = forged(
        routes::HOUSEHOLDS,
        app::accounts::ChangePassword::PATH,
        &AppError::invalid(Field::NewPassword, FORGED),
    );
    for link in [households.clone(), format!("{households}&__sig=1.00ff")] {
        let page = ada.open(&link).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(
            !page.body.contains("Your account is locked"),
            "{}",
            page.body
        );
    }
}

#[tokio::test]
async fn without_javascript_a_real_error_still_comes_back_next_to_its_field() {
    let app = TestApp::spawn().await;
    let visitor = app.person("Visitor");
    let answer = visitor
        .submit(
            "/signin",
            "sign_in",
            &[
                ("email", "nobody@example.com"),
                ("password", "not the password"),
                ("invite", ""),
            ],
        )
        .await;
    let back = back_to(&visitor, &answer);
    assert!(back.contains("__sig="), "{back}");
    let page = visitor.open(&back).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Email or password is incorrect."),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_error_made_for_one_member_shows_nothing_to_another() {
    let app = TestApp::spawn().await;
    let ada = app.signed_up("Ada").await;
    let household = ada.create_household("Home").await;
    let mallory = app.joined(&ada, &household, "Mallory").await;
    // Mallory makes the server write her text into a genuine error (a dish name too long is
    // quoted back), then sends Ada the address it came back with.
    let dishes = routes::dishes(&household);
    let text = format!("{FORGED} {}", "!".repeat(10));
    let answer = mallory
        .submit(
            &dishes,
            "add_dish",
            &[
                ("household_id", household.as_str()),
                ("dish_name", text.as_str()),
                ("note", ""),
                ("link", ""),
            ],
        )
        .await;
    let back = back_to(&mallory, &answer);
    let own = mallory.open(&back).await;
    assert_eq!(own.status, StatusCode::OK);
    assert!(own.body.contains("is too long"), "{}", own.body);

    let page = ada.open(&back).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Your account is locked"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("is too long"), "{}", page.body);
}
