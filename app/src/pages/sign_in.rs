use leptos::prelude::*;

use super::credentials::Credentials;
use crate::accounts::SignIn;

/// `/signin` (`?invite=<token>` when coming from an invite link).
#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action>
                <Credentials result=action.value() pending=action.pending() new_account=false
                    submit="Sign in" />
            </ActionForm>
            <p>"New here? " <a href=super::keeping_invite(crate::routes::SIGN_UP)>"Create an account"</a></p>
        </section>
    }
}
