//! The frame every page's data goes through: one place for "Loading…", sign in first, not found
//! and errors, each with its HTTP status when rendered on the server.

use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use serde::{Serialize, de::DeserializeOwned};

use super::{ErrorMessage, NotFound, SignInFirst};
use crate::error::AppError;

/// The data of a page about the household in its address (`/households/:id…`): what `fetch`
/// answers for the household's id.
pub fn household_data<T, Fut>(
    fetch: impl Fn(String) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let params = use_params_map();
    Resource::new(move || params.read().get("id").unwrap_or_default(), fetch)
}

/// The data of a page about one thing of the household in its address
/// (`/households/:id/…/:<param>`, such as a plan, a slot or a dish): what `fetch` answers for
/// the household's id and that thing's.
pub fn household_item_data<T, Fut>(
    param: &'static str,
    fetch: impl Fn((String, String)) -> Fut + Send + Sync + 'static,
) -> Resource<Result<T, AppError>>
where
    T: Send + Sync + Serialize + DeserializeOwned + 'static,
    Fut: Future<Output = Result<T, AppError>> + Send + 'static,
{
    let params = use_params_map();
    Resource::new(
        move || {
            let params = params.read();
            (
                params.get("id").unwrap_or_default(),
                params.get(param).unwrap_or_default(),
            )
        },
        fetch,
    )
}

/// Shows `data` with `render` once it is there: "Loading…" until then; for a signed-out
/// visitor, a sign-in link (and a redirect to it from the server); for an unknown or foreign
/// household, plan or slot, the not-found page (404); for any other failure, its message with
/// its status (5xx for the server's own).
pub fn page_data<T, V>(
    data: Resource<Result<T, AppError>>,
    render: impl Fn(T) -> V + Clone + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + Serialize + DeserializeOwned + 'static,
    V: IntoView + 'static,
{
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match data.await {
                        Ok(value) => EitherOf4::A(render(value)),
                        Err(AppError::SignedOut) => EitherOf4::B(view! { <SignInFirst /> }),
                        Err(AppError::NotFound) => EitherOf4::C(view! { <NotFound /> }),
                        Err(error) => EitherOf4::D(view! { <ErrorMessage error /> }),
                    }
                })
            }}
        </Suspense>
    }
}
