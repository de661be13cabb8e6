use leptos::prelude::*;

use crate::{
    accounts::SignIn,
    components::{FormError, TextField, field_error, form_error},
    error::Field,
};

/// `/signin` (`?invite=<token>` when coming from an invite link).
#[component]
pub fn SignIn() -> impl IntoView {
    let action = ServerAction::<SignIn>::new();
    let result = action.value();
    let invite = super::invite_from_query();
    let sign_up_href = if invite.is_empty() {
        "/signup".to_owned()
    } else {
        format!("/signup?invite={invite}")
    };
    view! {
        <section class="card narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action>
                <div class="stack">
                    <FormError error=form_error(result) />
                    <input type="hidden" name="invite" value=invite />
                    <TextField
                        label="Email"
                        field=Field::Email
                        input_type="email"
                        autocomplete="email"
                        error=field_error(result, Field::Email)
                    />
                    <TextField
                        label="Password"
                        field=Field::Password
                        input_type="password"
                        autocomplete="current-password"
                        error=field_error(result, Field::Password)
                    />
                    <button type="submit" disabled=move || action.pending().get()>
                        "Sign in"
                    </button>
                </div>
            </ActionForm>
            <p>"New here? " <a href=sign_up_href>"Create an account"</a></p>
        </section>
    }
}
