use leptos::prelude::*;

use crate::{
    accounts::{MIN_PASSWORD_CHARS, SignUp},
    components::{FormError, TextField, field_error, form_error},
    error::Field,
};

/// `/signup` (`?invite=<token>` when coming from an invite link).
#[component]
pub fn SignUp() -> impl IntoView {
    let action = ServerAction::<SignUp>::new();
    let result = action.value();
    let invite = super::invite_from_query();
    let sign_in_href = if invite.is_empty() {
        "/signin".to_owned()
    } else {
        format!("/signin?invite={invite}")
    };
    view! {
        <section class="card narrow">
            <h1>"Create your account"</h1>
            <ActionForm action=action>
                <div class="stack">
                    <FormError error=form_error(result) />
                    <input type="hidden" name="invite" value=invite />
                    <TextField
                        label="Your name"
                        field=Field::DisplayName
                        autocomplete="name"
                        hint="Shown to the people in your households."
                        error=field_error(result, Field::DisplayName)
                    />
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
                        autocomplete="new-password"
                        hint=format!("At least {MIN_PASSWORD_CHARS} characters.")
                        error=field_error(result, Field::Password)
                    />
                    <button type="submit" disabled=move || action.pending().get()>
                        "Create account"
                    </button>
                </div>
            </ActionForm>
            <p>"Already have an account? " <a href=sign_in_href>"Sign in"</a></p>
        </section>
    }
}
