//! The signed-in person's own account, on the households page: change the password (asks for the
//! current one) and sign out everywhere else. Both end every other session of the account and the
//! account's calendar link and pending invites; this one stays signed in (docs/accounts.md).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use crate::{
    accounts::{ChangePassword, SignOutEverywhere},
    components::{PostForm, StackForm, TextField, posted_field_error},
    error::Field,
};

/// Both actions also end the links a stolen session could have made (`Store::end_sessions`).
const LINKS_WITHDRAWN: &str = "Your calendar link and the invite links you had made were \
     withdrawn too, in case someone else made them: make new ones where you still need them.";

#[component]
pub fn AccountSecurity() -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let done = move || {
        let query = query.read();
        if query.get("password_changed").is_some() {
            Some("Password changed. Every other session of your account is signed out.")
        } else if query.get("signed_out_elsewhere").is_some() {
            Some("Signed out everywhere else. This device stays signed in.")
        } else {
            None
        }
    };
    view! {
        <section class="card" id="account" aria-labelledby="account-heading">
            <h2 id="account-heading">"Your account"</h2>
            {move || done().map(|text| view! {
                <p role="status" class="notice">{text} " " {LINKS_WITHDRAWN}</p>
            })}
            <StackForm action=ChangePassword::PATH>
                <TextField
                    label="Current password"
                    field=Field::CurrentPassword
                    input_type="password"
                    autocomplete="current-password"
                    error=posted_field_error(ChangePassword::PATH, Field::CurrentPassword)
                />
                <TextField
                    label="New password"
                    field=Field::NewPassword
                    input_type="password"
                    autocomplete="new-password"
                    hint="At least 10 characters. Other devices will need it to sign in again."
                    error=posted_field_error(ChangePassword::PATH, Field::NewPassword)
                />
                <button type="submit">"Change password"</button>
            </StackForm>
            <p class="hint">"Lost a phone, or signed in on a shared computer?"</p>
            <PostForm action=SignOutEverywhere::PATH>
                <button type="submit" class="secondary">"Sign out everywhere else"</button>
            </PostForm>
        </section>
    }
}
