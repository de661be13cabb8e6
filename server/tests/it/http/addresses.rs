//! Every address `app::routes` builds is one the router serves: routed through the app's own
//! route table, it matches the route that is the same function applied to the route's parameter
//! names, and the router parses back the very ids it was built from.

use std::collections::BTreeMap;

use app::routes;
use axum::{
    Json, Router,
    extract::{MatchedPath, Path},
    routing::get,
};
use tower::ServiceExt;

const HOUSEHOLD: &str = "0b0e5f4e-3a51-4c43-9d8e-1f2a3b4c5d6e";
const PLAN: &str = "1c1f6a5f-4b62-4d54-8e9f-2a3b4c5d6e7f";
const SLOT: &str = "2d2a7b6a-5c73-4e65-9fa0-3b4c5d6e7f80";
const TOKEN: &str = "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5";

/// What the router made of a path: the route template it matched, and its parameters.
type Matched = (String, BTreeMap<String, String>);

/// The app's page routes plus the plain axum routes that carry ids, each answering what it
/// matched.
fn router() -> Router {
    async fn matched(
        path: MatchedPath,
        Path(params): Path<BTreeMap<String, String>>,
    ) -> Json<Matched> {
        Json((path.as_str().to_owned(), params))
    }
    let mut templates: Vec<String> = server::http::routes()
        .iter()
        .map(|route| route.path().to_owned())
        .filter(|path| path.contains('{'))
        .collect();
    templates.extend(
        server::http::HOUSEHOLD_DOWNLOADS
            .iter()
            .map(|t| (*t).to_owned()),
    );
    templates.push(routes::templates::CALENDAR_FEED.to_owned());
    templates.push(routes::templates::SHOPPING_LIST_VERSION.to_owned());
    templates.push(routes::templates::PLAN_VERSION.to_owned());
    templates.push(routes::templates::SLOT_VERSION.to_owned());
    templates.sort();
    templates.dedup();
    templates.iter().fold(Router::new(), |router, template| {
        router.route(template, get(matched))
    })
}

async fn route(address: &str) -> Matched {
    // The router sees the path only: the query and the anchor stay with the browser.
    let path = address.split(['?', '#']).next().unwrap_or_default();
    let request = axum::http::Request::get(path)
        .body(axum::body::Body::empty())
        .unwrap();
    let response = router().oneshot(request).await.unwrap();
    assert!(
        response.status().is_success(),
        "{address}: {}",
        response.status()
    );
    let body = axum::body::to_bytes(response.into_body(), 4096)
        .await
        .unwrap();
    serde_json::from_slice(&body).unwrap()
}

fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[tokio::test]
async fn every_address_round_trips_through_the_router() {
    let h = ("id", HOUSEHOLD);
    let cases = [
        (
            routes::household(HOUSEHOLD),
            routes::household("{id}"),
            params(&[h]),
        ),
        (
            routes::household_at(HOUSEHOLD, "calendar"),
            routes::household("{id}"),
            params(&[h]),
        ),
        (
            routes::plans(HOUSEHOLD),
            routes::plans("{id}"),
            params(&[h]),
        ),
        (
            routes::propose(HOUSEHOLD),
            routes::propose("{id}"),
            params(&[h]),
        ),
        (
            routes::dishes(HOUSEHOLD),
            routes::dishes("{id}"),
            params(&[h]),
        ),
        (
            routes::notifications(HOUSEHOLD),
            routes::notifications("{id}"),
            params(&[h]),
        ),
        (
            routes::plan(HOUSEHOLD, PLAN),
            routes::plan("{id}", "{plan}"),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::results(HOUSEHOLD, PLAN),
            routes::results("{id}", "{plan}"),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::slot_results(HOUSEHOLD, PLAN, SLOT),
            routes::results("{id}", "{plan}"),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::ballot(HOUSEHOLD, SLOT),
            routes::ballot("{id}", "{slot}"),
            params(&[h, ("slot", SLOT)]),
        ),
        (
            routes::export(HOUSEHOLD, SLOT),
            routes::export("{id}", "{slot}"),
            params(&[h, ("slot", SLOT)]),
        ),
        (
            routes::join(TOKEN),
            routes::join("{token}"),
            params(&[("token", TOKEN)]),
        ),
        (
            routes::calendar_feed(TOKEN),
            routes::templates::CALENDAR_FEED.to_owned(),
            params(&[("file", &format!("{TOKEN}.ics"))]),
        ),
        (
            routes::cant_eat(HOUSEHOLD, PLAN),
            routes::cant_eat("{id}", "{member}"),
            params(&[h, ("member", PLAN)]),
        ),
        (
            routes::dish(HOUSEHOLD, PLAN),
            routes::dish("{id}", "{dish}"),
            params(&[h, ("dish", PLAN)]),
        ),
        (
            routes::shopping_list(HOUSEHOLD, PLAN),
            routes::shopping_list("{id}", "{plan}"),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::shopping_list_version(HOUSEHOLD, PLAN),
            routes::templates::SHOPPING_LIST_VERSION.to_owned(),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::plan_version(HOUSEHOLD, PLAN),
            routes::templates::PLAN_VERSION.to_owned(),
            params(&[h, ("plan", PLAN)]),
        ),
        (
            routes::slot_version(HOUSEHOLD, SLOT),
            routes::templates::SLOT_VERSION.to_owned(),
            params(&[h, ("slot", SLOT)]),
        ),
    ];
    for (address, template, params) in cases {
        assert_eq!(route(&address).await, (template, params), "{address}");
    }
}

#[tokio::test]
async fn the_logged_templates_are_routes_of_the_app() {
    let pages: Vec<&str> = server::http::routes().iter().map(|r| r.path()).collect();
    for template in [
        routes::templates::HOUSEHOLD,
        routes::templates::BALLOT,
        routes::templates::JOIN,
    ] {
        assert!(pages.contains(&template), "{template} not in {pages:?}");
    }
    for page in [
        routes::HOME,
        routes::SIGN_IN,
        routes::SIGN_UP,
        routes::HOUSEHOLDS,
    ] {
        assert!(pages.contains(&page), "{page} not in {pages:?}");
    }
}
