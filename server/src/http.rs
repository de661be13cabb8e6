//! The HTTP surface: Leptos pages and server functions, health checks, metrics, static assets,
//! and the layers every response passes through.

mod body_limit;
mod csrf;
mod events;
mod finalize;
mod metrics;
mod no_store;
mod observe;
mod posted_errors;
mod pwa;
mod waking;

use std::sync::{Arc, LazyLock};

use app::plans::PlansService;
use axum::{
    Router,
    http::{HeaderName, HeaderValue, StatusCode, header},
    response::IntoResponse,
    routing::get,
};
use leptos::prelude::*;
use leptos_axum::{AxumRouteListing, LeptosRoutes, generate_route_list};
use metrics_exporter_prometheus::PrometheusHandle;
use tower_http::{
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    services::ServeDir,
    set_header::SetResponseHeaderLayer,
    timeout::TimeoutLayer,
};

use csrf::SameOrigin;
use finalize::FinalizeEndpoint;
use metrics::MetricsEndpoint;
pub use waking::Readiness;

use crate::{
    auth::{request_member, sessions},
    calendar::{feed as calendar, feed_cache},
    config::Config,
    db::Store,
    plans::export,
    service::Services,
};

/// Shared state of every handler.
#[derive(Clone, axum::extract::FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub store: Store,
    pub readiness: Readiness,
}

/// Household-scoped routes that are not Leptos pages or server functions (the authorization walk
/// tries each).
pub const HOUSEHOLD_DOWNLOADS: &[&str] = &[export::ROUTE];

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The app's page routes, listed once per process.
///
/// Listing runs the whole app with resource loading switched off through a process-global flag
/// in `leptos_server`; a resource first polled while that flag is up waits forever
/// (leptos-rs/leptos#4773). Listing once, before any router exists, means no request can ever
/// render during a listing, even with several applications in one process (as in the tests).
pub fn routes() -> &'static [AxumRouteListing] {
    static ROUTES: LazyLock<Vec<AxumRouteListing>> =
        LazyLock::new(|| generate_route_list(app::App));
    &ROUTES
}

/// The whole application. `recorder` renders `/metrics`: the process-wide one
/// ([`crate::metrics::handle`]); `readiness` says whether the schema is current yet; `senders`
/// are the one webhook client and push client (`crate::batch::Senders`).
pub fn router(
    config: &Config,
    store: Store,
    recorder: PrometheusHandle,
    readiness: Readiness,
    senders: crate::batch::Senders,
) -> Router {
    let leptos_options = config.leptos.clone();
    let state = AppState {
        leptos_options: leptos_options.clone(),
        store,
        readiness: readiness.clone(),
    };
    let pages = pages(config, &state);
    let mut router = Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(waking::readyz))
        .merge(pwa::routes(&config.site(), &leptos_options.site_pkg_dir));
    if let Some(token) = &config.metrics_token {
        let endpoint = MetricsEndpoint::new(recorder, state.store.clone(), token);
        router = router.merge(
            Router::new()
                .route("/metrics", get(metrics::scrape))
                .with_state(endpoint),
        );
    }
    let finalize = FinalizeEndpoint::new(
        state.store.clone(),
        config.finalize_secret.as_ref(),
        config.finalize_batch,
        senders.clone(),
    );
    let feed = calendar::CalendarFeed {
        store: state.store.clone(),
        origin: config
            .public_base_url
            .as_ref()
            .map(|url| url.origin().ascii_serialization()),
        cache: feed_cache::FeedCache::default(),
    };
    router = router.merge(schema_first(
        Router::new()
            .route(app::routes::templates::CALENDAR_FEED, get(calendar::feed))
            .with_state(feed),
        &readiness,
    ));
    router = router.merge(schema_first(
        crate::live::poll::routes(state.store.clone()),
        &readiness,
    ));
    router = router.merge(schema_first(
        Router::new()
            .route(
                "/internal/finalize-due",
                axum::routing::post(finalize::finalize_due),
            )
            .with_state(finalize),
        &readiness,
    ));
    if config.lambda_events {
        router = router.merge(events::routes(config, state.store.clone(), senders));
    }
    if config.assets_base_url.is_none() {
        let pkg_dir =
            std::path::Path::new(&*leptos_options.site_root).join(&*leptos_options.site_pkg_dir);
        router = router.nest_service(
            &format!("/{}", leptos_options.site_pkg_dir),
            ServeDir::new(pkg_dir)
                .precompressed_br()
                .precompressed_gzip(),
        );
    }
    with_layers(router.merge(pages).with_state(state), config)
}

/// Routes that wait until the schema is current.
fn schema_first<S: Clone + Send + Sync + 'static>(
    router: Router<S>,
    readiness: &Readiness,
) -> Router<S> {
    router.layer(axum::middleware::from_fn_with_state(
        readiness.clone(),
        waking::wait_for_the_schema,
    ))
}

/// Pages and server functions: the only routes that see sessions, and where every
/// state-changing request must come from the site itself.
fn pages(config: &Config, state: &AppState) -> Router<AppState> {
    let store = state.store.clone();
    let site = config.site();
    let services = Arc::new(Services::new(store.clone(), config));
    let downloads: Arc<dyn PlansService> = services.clone();
    let context = move || {
        provide_context(site.clone());
        provide_context(store.clone());
        services.provide();
    };
    let options = state.leptos_options.clone();
    Router::new()
        .leptos_routes_with_context(state, routes().to_vec(), context.clone(), move || {
            app::shell(options.clone())
        })
        .route(export::ROUTE, get(export::download).with_state(downloads))
        .fallback(leptos_axum::file_and_error_handler_with_context::<
            AppState,
            _,
        >(context, app::shell))
        .layer(axum::middleware::from_fn(
            unreadable_arguments_are_bad_requests,
        ))
        .layer(axum::middleware::from_fn(request_member::layer))
        .layer(sessions::layer(state.store.clone(), config.https()))
        // Outside the session layer, so that it sees the cookie the session layer sets.
        .layer(axum::middleware::from_fn(
            no_store::personal_answers_are_not_stored,
        ))
        .layer(axum::middleware::from_fn_with_state(
            SameOrigin::new(config),
            csrf::reject_cross_site,
        ))
        .layer(axum::middleware::from_fn_with_state(
            posted_errors::PostedErrors::new(state.store.clone()),
            posted_errors::signed_only,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.readiness.clone(),
            waking::wait_for_the_schema,
        ))
}

/// The layers every response passes through. With `Router::layer` the last one added runs first.
fn with_layers(router: Router, config: &Config) -> Router {
    let mut router = router
        .layer(axum::middleware::from_fn(body_limit::refuse_large_bodies))
        .layer(CompressionLayer::new().br(true).gzip(true))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            config.request_timeout,
        ))
        // HTML pages carry their own CSP with a per-response nonce (see `app::site`); everything
        // else (server-function results, static files, errors) gets the strictest policy.
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static("default-src 'none'; frame-ancestors 'none'"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::REFERRER_POLICY,
            HeaderValue::from_static("strict-origin-when-cross-origin"),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_FRAME_OPTIONS,
            HeaderValue::from_static("DENY"),
        ));
    if config.https() {
        router = router.layer(SetResponseHeaderLayer::overriding(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        ));
    }
    router
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(axum::middleware::from_fn(observe::observe))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// A server function whose arguments cannot be read (a field missing or malformed) fails inside
/// `server_fn`, before any of our code can set a status, and `server_fn` answers 500 with
/// [`AppError::BadRequest`](app::error::AppError::BadRequest). That is the caller's mistake, not
/// the server's: answer 400, with the same body.
async fn unreadable_arguments_are_bad_requests(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    /// The JSON of `AppError::BadRequest` is a dozen bytes; anything longer is another error.
    const LIMIT: usize = 64;
    let response = next.run(request).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // Only a small body of known size can be that error; anything else passes untouched.
    if axum::body::HttpBody::size_hint(&body)
        .exact()
        .is_none_or(|len| len > LIMIT as u64)
    {
        return axum::response::Response::from_parts(parts, body);
    }
    let Ok(bytes) = axum::body::to_bytes(body, LIMIT).await else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if serde_json::from_slice::<app::error::AppError>(&bytes)
        .is_ok_and(|error| error == app::error::AppError::BadRequest)
    {
        parts.status = StatusCode::BAD_REQUEST;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

async fn healthz() -> &'static str {
    "ok"
}

// `/readyz` (`waking::readyz`) is ready when the database answers; App Runner's health check
// uses `/healthz`, which does not touch the database, so a database blip (or an Aurora pause)
// does not restart healthy instances.
