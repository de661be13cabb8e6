//! The header on every page: who is signed in, the household switcher, sign-out.
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
            <a class="brand" href="/">"mealvote"</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(viewer)) => {
                            let current = viewer.current_household.clone();
                            let households = viewer.households.clone();
                            Either::Left(view! {
                                <nav class="account" aria-label="Account">
                                    <span class="who">
                                        "Signed in as " <strong>{viewer.display_name}</strong>
                                    </span>
                                    <a href="/households">"Households"</a>
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
                                </nav>
                            })
                        }
                        _ => Either::Right(view! {
                            <nav class="account" aria-label="Account">
                                <a href="/signin">"Sign in"</a>
                                <a class="button" href="/signup">"Sign up"</a>
                            </nav>
                        }),
                    }
                })}
            </Transition>
        </header>
    }
}
