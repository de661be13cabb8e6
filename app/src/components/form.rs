//! Form building blocks: a labelled input that shows its own error, and the form-level alert.
//!
//! Errors come from a server action's last result, which Leptos also fills from the URL after a
//! form was posted without JavaScript, so both paths show the same messages in the same places.

use leptos::prelude::*;

use leptos::{server::ServerActionError, server_fn::error::ServerFnUrlError};

use crate::error::{AppError, Field};

/// A labelled input. When `error` holds a message it is shown under the input, the input is
/// marked `aria-invalid` and points to the message with `aria-describedby`.
#[component]
pub fn TextField(
    label: &'static str,
    field: Field,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional, into)] value: Option<String>,
    #[prop(optional)] min: Option<&'static str>,
    #[prop(optional)] max: Option<&'static str>,
) -> impl IntoView {
    let id = field.id();
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described_by = {
        let hint_id = hint.as_ref().map(|_| hint_id.clone());
        let error_id = error_id.clone();
        move || {
            let ids: Vec<String> = hint_id
                .iter()
                .cloned()
                .chain(error.get().map(|_| error_id.clone()))
                .collect();
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field">
            <label for=id>{label}</label>
            {hint.map(|text| view! { <p class="hint" id=hint_id.clone()>{text}</p> })}
            <input
                id=id
                name=id
                type=input_type
                autocomplete=autocomplete
                value=value
                min=min
                max=max
                aria-invalid=move || error.get().map(|_| "true")
                aria-describedby=described_by
            />
            <p class="field-error" id=error_id hidden=move || error.get().is_none()>
                {move || error.get()}
            </p>
        </div>
    }
}

/// The form-level message (anything not tied to one field), announced to screen readers.
#[component]
pub fn FormError(#[prop(into)] error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="form-error" role="alert" hidden=move || error.get().is_none()>
            {move || error.get()}
        </p>
    }
}

/// An action's last result, as `ServerAction::value` gives it.
pub type ActionResult = MappedSignal<Option<Result<(), AppError>>>;

/// The message for `field` from an action's last result.
pub fn field_error(result: ActionResult, field: Field) -> Signal<Option<String>> {
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(error)) => error.for_field(field),
            _ => None,
        })
    })
}

/// The form-level message from an action's last result.
pub fn form_error(result: ActionResult) -> Signal<Option<String>> {
    Signal::derive(move || {
        result.with(|r| match r {
            Some(Err(error)) => error.for_form(),
            _ => None,
        })
    })
}

/// A form that posts straight to a server function and lets the browser follow the redirect, with
/// or without JavaScript. Pages are server-rendered (only islands hydrate), so a form on them is a
/// plain post either way; this one says so in its name.
#[component]
pub fn PostForm(action: &'static str, children: Children) -> impl IntoView {
    view! {
        <form method="post" action=action>
            {children()}
        </form>
    }
}

/// A [`PostForm`] whose contents stand in a column under its form-level error. `household`, when
/// given, is posted as `household_id`.
#[component]
pub fn StackForm(
    action: &'static str,
    #[prop(optional, into)] household: Option<String>,
    children: Children,
) -> impl IntoView {
    let household = household.map(|household| {
        view! { <input type="hidden" name="household_id" value=household /> }
    });
    view! {
        <PostForm action=action>
            <div class="stack">
                <FormError error=posted_error(action) />
                {household}
                {children()}
            </div>
        </PostForm>
    }
}

/// The error of a [`PostForm`] post to `path` that failed: the server put it in the URL it
/// redirected back to (Leptos' router provides it as context, on the server and in the browser).
fn posted(path: &'static str) -> Option<AppError> {
    use_context::<ServerActionError>()
        .filter(|error| error.path() == path)
        .map(|error| ServerFnUrlError::<AppError>::decode_err(error.err()))
}

/// The form-level message of a failed [`PostForm`] post to `path`.
pub fn posted_error(path: &'static str) -> Signal<Option<String>> {
    Signal::stored(posted(path).and_then(|error| error.for_form()))
}

/// The message for `field` of a failed [`PostForm`] post to `path`.
pub fn posted_field_error(path: &'static str, field: Field) -> Signal<Option<String>> {
    Signal::stored(posted(path).and_then(|error| error.for_field(field)))
}
