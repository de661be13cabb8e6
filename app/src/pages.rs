//! One module per page.

mod account;
mod ballot;
mod cant_eat;
mod credentials;
mod dishes;
mod home;
mod household;
mod households;
mod join;
mod not_found;
mod notifications;
mod plan;
mod plans;
mod recipe;
mod results;
mod shell;
mod shopping;
mod sign_in;
mod sign_up;

pub use ballot::Ballot;
pub use cant_eat::CantEat;
pub use dishes::Dishes;
pub use home::Home;
pub use household::Household;
pub use households::Households;
pub use join::Join;
pub use not_found::NotFound;
pub use notifications::Notifications;
pub use plan::Plan;
pub use plans::{Plans, Propose};
pub use recipe::Recipe;
pub use results::Results;
pub use shopping::ShoppingList;
pub use sign_in::SignIn;
pub use sign_up::SignUp;

use leptos::prelude::*;
use shell::{household_data, household_item_data, page_data};

/// What a signed-out visitor of a page for signed-in people sees. Rendered on the server (the
/// usual case: such pages are reached by typing or bookmarking the address), it also answers
/// with a redirect to the sign-in page.
#[component]
fn SignInFirst() -> impl IntoView {
    #[cfg(feature = "ssr")]
    leptos_axum::redirect(crate::routes::SIGN_IN);
    view! {
        <section class="card narrow">
            <p>"Please " <a href=crate::routes::SIGN_IN>"sign in"</a> " to continue."</p>
        </section>
    }
}

/// An error that is neither "sign in first" nor "not found", as a page shows it.
#[component]
fn ErrorMessage(error: crate::error::AppError) -> impl IntoView {
    set_status(error.status());
    view! { <p class="form-error" role="alert">{error.to_string()}</p> }
}

/// Sets the page's HTTP status (server rendering only; the browser ignores it).
fn set_status(status: u16) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(status)
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = status;
}

/// The invite token a sign-up or sign-in page was opened with (`?invite=`), if it is one.
fn invite_from_query() -> String {
    leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("invite")
        .filter(|raw| crate::households::InviteToken::try_from(raw.clone()).is_ok())
        .unwrap_or_default()
}

/// `path`, keeping the invite the page was opened with (`?invite=`), if any: the link between
/// the sign-in and sign-up pages.
fn keeping_invite(path: &str) -> String {
    let invite = invite_from_query();
    crate::routes::with_invite(path, (!invite.is_empty()).then_some(invite))
}
