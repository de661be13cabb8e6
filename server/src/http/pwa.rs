//! The installable app: the web app manifest, its icons and the service worker
//! ([docs/offline.md](../../../docs/offline.md)).
//!
//! All of them are compiled into the binary from `public/` and served by the app server itself,
//! whatever `ASSETS_BASE_URL` says: a service worker must come from the site's own origin (its
//! scope is the folder it is served from, here `/`), and the manifest and its icons belong to
//! the site. None of them holds anything personal, so none passes through the session layers.
//!
//! Cache headers: the worker and the manifest are `no-cache` (browsers check for a new worker on
//! every navigation anyway; a deploy that changes either is picked up at once), the icons keep
//! for a week (their names do not change with their content).

use axum::{
    Router,
    extract::State,
    http::{HeaderValue, header},
    response::{IntoResponse, Response},
    routing::get,
};

/// The service worker's source; the server puts one line with the assets' location before it.
const SERVICE_WORKER: &str = include_str!("../../../public/sw.js");
/// The shopping list page's script (`docs/shopping.md`): from the site itself, like the worker,
/// so `script-src 'self'` admits it wherever the other assets come from.
const LIST_SCRIPT: &str = include_str!("../../../public/list.js");
/// Every live page's script (`server/src/live.rs`), which the list's imports: from the site too.
const LIVE_SCRIPT: &str = include_str!("../../../public/live.js");
/// The account section's push script (`app::push`): from the site too.
const PUSH_SCRIPT: &str = include_str!("../../../public/push.js");
const MANIFEST: &[u8] = include_bytes!("../../../public/manifest.webmanifest");

/// Each icon the manifest or the page head names: path, bytes.
pub const ICONS: &[(&str, &[u8])] = &[
    (
        "/icons/icon-192.png",
        include_bytes!("../../../public/icons/icon-192.png"),
    ),
    (
        "/icons/icon-512.png",
        include_bytes!("../../../public/icons/icon-512.png"),
    ),
    (
        "/icons/maskable-512.png",
        include_bytes!("../../../public/icons/maskable-512.png"),
    ),
    (
        "/icons/apple-touch-icon.png",
        include_bytes!("../../../public/icons/apple-touch-icon.png"),
    ),
];

/// The worker as served, with its own CSP (a worker's policy comes from its script's answer).
#[derive(Clone)]
struct Worker {
    script: String,
    policy: HeaderValue,
}

/// The routes: `/manifest.webmanifest`, `/sw.js`, the page scripts and the icons.
pub fn routes<S: Clone + Send + Sync + 'static>(
    site: &app::SiteConfig,
    pkg_dir: &str,
) -> Router<S> {
    let prefix = serde_json::to_string(&site.assets_prefix(pkg_dir)).expect("a string");
    let worker = Worker {
        script: format!("const ASSETS = {prefix};\n{SERVICE_WORKER}"),
        policy: HeaderValue::from_str(&site.service_worker_policy()).expect("the policy is ASCII"),
    };
    let mut router = Router::new()
        .route("/manifest.webmanifest", get(manifest))
        .route("/sw.js", get(service_worker).with_state(worker))
        .route(app::routes::LIST_SCRIPT, get(|| script(LIST_SCRIPT)))
        .route(app::routes::LIVE_SCRIPT, get(|| script(LIVE_SCRIPT)))
        .route(app::routes::PUSH_SCRIPT, get(|| script(PUSH_SCRIPT)));
    for (path, bytes) in ICONS {
        router = router.route(path, get(move || icon(bytes)));
    }
    router
}

async fn script(source: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        source,
    )
        .into_response()
}

async fn manifest() -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/manifest+json"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        MANIFEST,
    )
        .into_response()
}

async fn service_worker(State(worker): State<Worker>) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            (header::CONTENT_SECURITY_POLICY, worker.policy),
        ],
        worker.script,
    )
        .into_response()
}

async fn icon(bytes: &'static [u8]) -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/png"),
            (header::CACHE_CONTROL, "public, max-age=604800"),
        ],
        bytes,
    )
        .into_response()
}
