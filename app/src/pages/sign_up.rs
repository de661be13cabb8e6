use leptos::prelude::*;

use super::credentials::Credentials;
use crate::{
    accounts::SignUp,
    components::{TextField, field_error},
    error::Field,
};

/// `/signup` (`?invite=<token>` when coming from an invite link).
#[component]
pub fn SignUp() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let result = action.value();
    view! {
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <ActionForm action=action>
                <Credentials result pending=action.pending() new_account=true
                    submit="Create account">
                    <TextField
                        label="Your name"
                        field=Field::DisplayName
                        autocomplete="name"
                        hint="Shown to the people in your households."
                        error=field_error(result, Field::DisplayName)
                    />
                </Credentials>
            </ActionForm>
            <p>"Already have an account? " <a href=super::keeping_invite(crate::routes::SIGN_IN)>"Sign in"</a></p>
        </section>
    }
}
