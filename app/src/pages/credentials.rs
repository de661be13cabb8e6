//! What the sign-in and sign-up forms share: the form-level error, the invite the visitor came
//! with, the email and password fields and the submit button.

use leptos::either::Either;
use leptos::prelude::*;

use crate::{
    accounts::MIN_PASSWORD_CHARS,
    components::{ActionResult, FormError, TextField, field_error, form_error},
    error::Field,
};

/// The inside of the sign-in (`new_account: false`) or sign-up form. For a new account the
/// password field asks for a new password and gives its rules, and `children` (the name) come
/// before the email.
#[component]
pub fn Credentials(
    result: ActionResult,
    #[prop(into)] pending: Signal<bool>,
    new_account: bool,
    submit: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let password_error = field_error(result, Field::Password);
    let password = if new_account {
        let hint = format!("At least {MIN_PASSWORD_CHARS} characters.");
        Either::Left(view! {
            <TextField label="Password" field=Field::Password input_type="password"
                autocomplete="new-password" hint error=password_error />
        })
    } else {
        Either::Right(view! {
            <TextField label="Password" field=Field::Password input_type="password"
                autocomplete="current-password" error=password_error />
        })
    };
    view! {
        <div class="stack">
            <FormError error=form_error(result) />
            <input type="hidden" name="invite" value=super::invite_from_query() />
            {children.map(|children| children())}
            <TextField label="Email" field=Field::Email input_type="email" autocomplete="email"
                error=field_error(result, Field::Email) />
            {password}
            <button type="submit" disabled=move || pending.get()>
                {submit}
            </button>
        </div>
    }
}
