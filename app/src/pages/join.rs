use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::{NotFound, set_status};
use crate::{
    components::StackForm,
    error::AppError,
    households::{InvitePreview, JoinHousehold, get_invite_preview},
};

/// `/join/:token`: where an invite link leads. Signed in: a button to join. Signed out: sign up
/// or sign in first, then land in the household.
#[component]
pub fn Join() -> impl IntoView {
    let token = use_params_map()
        .read_untracked()
        .get("token")
        .unwrap_or_default();
    let preview = Resource::new(
        {
            let token = token.clone();
            move || token.clone()
        },
        get_invite_preview,
    );
    view! {
        <Suspense fallback=|| view! { <p>"Loading…"</p> }>
            {
                let token = token.clone();
                move || {
                    let token = token.clone();
                    Suspend::new(async move {
                        match preview.await {
                            Ok(preview) => EitherOf3::A(view! { <Invitation preview token /> }),
                            Err(AppError::NotFound) => EitherOf3::B(view! { <NotFound /> }),
                            Err(error) => {
                                set_status(error.status());
                                EitherOf3::C(view! {
                                    <section class="card narrow">
                                        <h1>"This invite cannot be used"</h1>
                                        <p role="alert" class="form-error">{error.to_string()}</p>
                                        <p><a href=crate::routes::HOME>"Back to the start"</a></p>
                                    </section>
                                })
                            }
                        }
                    })
                }
            }
        </Suspense>
    }
}

#[component]
fn Invitation(preview: InvitePreview, token: String) -> impl IntoView {
    let name = preview.household_name.clone();
    let next = if let Some(household) = preview.member_of {
        EitherOf3::A(view! {
            <p>"You are a member already."</p>
            <p><a class="button" href=crate::routes::household(&household)>"Open " {name}</a></p>
        })
    } else if preview.signed_in {
        EitherOf3::B(view! {
            <StackForm action=JoinHousehold::PATH>
                <input type="hidden" name="token" value=token />
                <button type="submit">
                    "Join " {name}
                </button>
            </StackForm>
        })
    } else {
        EitherOf3::C(view! {
            <p>"To join, create an account (you land in the household right after) or sign in (you are asked once more)."</p>
            <p class="actions">
                <a class="button" href=crate::routes::with_invite(crate::routes::SIGN_UP, Some(&token))>"Create an account"</a>
                <a href=crate::routes::with_invite(crate::routes::SIGN_IN, Some(&token))>"I have an account: sign in"</a>
            </p>
        })
    };
    view! {
        <section class="card narrow">
            <h1>"Join " {preview.household_name}</h1>
            <p>{preview.invited_by} " invited you to decide meals together."</p>
            {next}
        </section>
    }
}
