use leptos::either::EitherOf4;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::SignInFirst;
use crate::{
    components::{FormError, PostForm, TextField, posted_error, posted_field_error},
    error::{AppError, Field},
    households::{CreateHousehold, list_households},
};

/// `/households`: the households I belong to, and a form to create one (a plain form: creating
/// one goes to its page, a full page load either way).
#[component]
pub fn Households() -> impl IntoView {
    let households = Resource::new(|| (), |()| list_households());
    view! {
        <h1>"Your households"</h1>
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match households.await {
                    Err(AppError::SignedOut) => EitherOf4::A(view! { <SignInFirst /> }),
                    Err(error) => EitherOf4::B(view! { <p class="form-error" role="alert">{error.to_string()}</p> }),
                    Ok(list) if list.is_empty() => EitherOf4::C(view! {
                        <p class="lead">"You are not in a household yet. Create one below, or open an invite link someone sent you."</p>
                    }),
                    Ok(list) => EitherOf4::D(view! {
                        <ul class="list" aria-label="Your households">
                            {list.into_iter().map(|h| view! {
                                <li>
                                    <a href=format!("/households/{}", h.id)>{h.name}</a>
                                    <span class="badge">{h.role.label()}</span>
                                </li>
                            }).collect_view()}
                        </ul>
                    }),
                }
            })}
        </Suspense>
        <section class="card" aria-labelledby="create-heading">
            <h2 id="create-heading">"Create a household"</h2>
            <PostForm action=CreateHousehold::PATH>
                <div class="stack">
                    <FormError error=posted_error(CreateHousehold::PATH) />
                    <TextField
                        label="Household name"
                        field=Field::HouseholdName
                        hint="For example “The Smiths” or “Flat 4B”."
                        error=posted_field_error(CreateHousehold::PATH, Field::HouseholdName)
                    />
                    <button type="submit">
                        "Create household"
                    </button>
                </div>
            </PostForm>
        </section>
    }
}
