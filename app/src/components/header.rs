//! The header on every page: the brand and, signed in, a menu with who is signed in, the
//! household switcher and sign-out. The menu is a `<details>` element: it opens and closes
//! without JavaScript and keeps the header to one short line on a phone, so a page's own
//! content starts on the first screen.
//!
//! Switching and signing out are plain forms (`PostForm`): both reload the page anyway.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

use crate::{
    accounts::{SignOut, get_viewer},
    components::PostForm,
    households::SwitchHousehold,
};

#[component]
pub fn SiteHeader() -> impl IntoView {
    let location = use_location();
    // Refetched after every navigation (signing in or out ends in one).
    let viewer = Resource::new(move || location.pathname.get(), |_| get_viewer());

    view! {
        <header class="site-header">
            <a class="brand" href=crate::routes::HOME>"mealvote"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(viewer)) => {
                            let current = viewer.current_household.clone();
                            let households = viewer.households.clone();
                            Either::Left(view! {
                                <nav class="account" aria-label="Account">
                                    <details class="menu">
                                    <summary>
                                        <span class="visually-hidden">"Account menu of "</span>
                                        {viewer.display_name.clone()}
                                    </summary>
                                    <div class="menu-panel">
                                    <p class="who">
                                        "Signed in as " <strong>{viewer.display_name}</strong>
                                    </p>
                                    <a href=crate::routes::HOUSEHOLDS>"Households"</a>
                                    {(!households.is_empty()).then(|| view! {
                                        <PostForm action=SwitchHousehold::PATH>
                                            <div class="switcher">
                                                <label for="household-switch">"Current household"</label>
                                                <select id="household-switch" name="household_id">
                                                    {households.into_iter().map(|h| {
                                                        let selected = current.as_ref() == Some(&h.id);
                                                        view! {
                                                            <option value=h.id.to_string() selected=selected>
                                                                {h.name}
                                                            </option>
                                                        }
                                                    }).collect_view()}
                                                </select>
                                                <button type="submit" class="secondary">"Switch"</button>
                                            </div>
                                        </PostForm>
                                    })}
                                    <PostForm action=SignOut::PATH>
                                        <button type="submit" class="secondary">"Sign out"</button>
                                    </PostForm>
                                    </div>
                                    </details>
                                </nav>
                            })
                        }
                        _ => Either::Right(view! {
                            <nav class="account" aria-label="Account">
                                <a href=crate::routes::SIGN_IN>"Sign in"</a>
                                <a class="button" href=crate::routes::SIGN_UP>"Sign up"</a>
                            </nav>
                        }),
                    }
                })}
            </Transition>
        </header>
    }
}
