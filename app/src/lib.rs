//! The mealvote web app: pages and components shared by the server (SSR) and the browser
//! (hydration), and the pure domain code both sides run, such as [`tally`].
//!
//! Server-only code sits behind the `ssr` feature, browser-only code behind `hydrate`.
//!
//! The app uses Leptos *islands*: pages are server-rendered HTML with plain forms, and only the
//! components marked `#[island]` (the ranking board, the landing page's demo, local times) are
//! hydrated in the browser. Everything else never ships as WASM, which keeps the bundle small
//! on phones; navigation is ordinary page loads.

// The recipe page's form is one deep view type; the release build of the server (`ssr`) needs more
// than the default 128 levels to lay out its `into_any` future.
#![recursion_limit = "256"]

pub mod accounts;
pub mod attendance;
pub mod cant_eat;
mod components;
pub mod cooks;
pub mod dates;
pub mod error;
pub mod households;
pub mod ids;
pub mod names;
pub mod notifications;
pub mod pages;
pub mod plans;
pub mod progress;
pub mod push;
pub mod quotas;
pub mod recipes;
pub mod routes;
#[cfg(feature = "ssr")]
pub mod service;
pub mod shopping;
pub mod shown_once;
pub mod site;
pub mod tally;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    ParamSegment, SsrMode, StaticSegment,
    components::{Outlet, ParentRoute, Route, Router, Routes},
};

pub use site::SiteConfig;

/// Registers the service worker (`/sw.js`, served by the app server; `docs/offline.md`) once the
/// page has loaded, so that it never competes with hydration. Inline, with the page's CSP nonce.
const REGISTER_SERVICE_WORKER: &str = "if (\"serviceWorker\" in navigator) { \
     addEventListener(\"load\", () => navigator.serviceWorker.register(\"/sw.js\").catch(() => {})); }";

/// The HTML document around every page. Runs only on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let site = use_context::<SiteConfig>().unwrap_or_default();
    #[cfg(feature = "ssr")]
    site::apply_security_headers(&site);
    let root = site.assets_base_url.clone();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <meta name="color-scheme" content="light dark" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link rel="apple-touch-icon" href="/icons/apple-touch-icon.png" />
                // The palette of style/main.css: --accent in light mode, --bg in dark mode.
                <meta name="theme-color" content="#b4481b" media="(prefers-color-scheme: light)" />
                <meta name="theme-color" content="#14161a" media="(prefers-color-scheme: dark)" />
                <script nonce=leptos::nonce::use_nonce() inner_html=REGISTER_SERVICE_WORKER></script>
                <HashedStylesheet options=options.clone() id="leptos" root=root.clone().unwrap_or_default() />
                <AutoReload options=options.clone() />
                <HydrationScripts options root=root.unwrap_or_default() islands=true />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// The application: routes and the layout every page shares.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title text="mealvote" />
        <Router>
            <components::SiteHeader />
            <main id="main">
                // Pages that read household data render fully before answering (`SsrMode::Async`),
                // so they can answer 404 or redirect to sign-in with a real HTTP status.
                <Routes fallback=pages::NotFound>
                    <Route path=StaticSegment("") view=pages::Home />
                    <Route path=StaticSegment("signup") view=pages::SignUp />
                    <Route path=StaticSegment("signin") view=pages::SignIn />
                    <Route path=StaticSegment("households") view=pages::Households ssr=SsrMode::Async />
                    // A household's pages: /households/:id/…, each reading `id` (and its own
                    // parameter) from the address.
                    <ParentRoute
                        path=(StaticSegment("households"), ParamSegment("id"))
                        view=Outlet
                        ssr=SsrMode::Async
                    >
                        <Route path=StaticSegment("") view=pages::Household />
                        <Route path=StaticSegment("plans") view=pages::Plans />
                        <Route path=StaticSegment("propose") view=pages::Propose />
                        <Route path=StaticSegment("notifications") view=pages::Notifications />
                        <Route path=(StaticSegment("cant-eat"), ParamSegment("member")) view=pages::CantEat />
                        <Route path=StaticSegment("dishes") view=pages::Dishes />
                        <Route path=(StaticSegment("dishes"), ParamSegment("dish")) view=pages::Recipe />
                        <ParentRoute path=(StaticSegment("plans"), ParamSegment("plan")) view=Outlet>
                            <Route path=StaticSegment("") view=pages::Plan />
                            <Route path=StaticSegment("results") view=pages::Results />
                            <Route path=StaticSegment("list") view=pages::ShoppingList />
                        </ParentRoute>
                        <Route path=(StaticSegment("slots"), ParamSegment("slot")) view=pages::Ballot />
                    </ParentRoute>
                    <Route
                        path=(StaticSegment("join"), ParamSegment("token"))
                        view=pages::Join
                        ssr=SsrMode::Async
                    />
                </Routes>
            </main>
            <components::HydrationMarker />
        </Router>
    }
}
