//! The mealvote web app: pages and components shared by the server (SSR) and the browser
//! (hydration), and the pure domain code both sides run, such as [`tally`].
//!
//! Server-only code sits behind the `ssr` feature, browser-only code behind `hydrate`.

pub mod pages;
pub mod site;
pub mod tally;

use leptos::prelude::*;
use leptos_meta::{HashedStylesheet, MetaTags, Title, provide_meta_context};
use leptos_router::{
    StaticSegment,
    components::{Route, Router, Routes},
};

pub use site::SiteConfig;

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
                <HashedStylesheet options=options.clone() id="leptos" root=root.clone().unwrap_or_default() />
                <AutoReload options=options.clone() />
                <HydrationScripts options root=root.unwrap_or_default() />
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
            <header class="site-header">
                <a class="brand" href="/">"mealvote"</a>
            </header>
            <main id="main">
                <Routes fallback=pages::NotFound>
                    <Route path=StaticSegment("") view=pages::Home />
                </Routes>
            </main>
        </Router>
    }
}
