//! Copy and Share buttons beside a link a person passes on (an invite link, their calendar
//! link): an island, because both need the browser. Without JavaScript nothing is rendered and
//! the link stays in its read-only field, to select and copy by hand.

use leptos::prelude::*;

/// "Copy" (the clipboard) and, where the browser can share (phones), "Share" for `url`, with a
/// status that says whether the copy worked.
#[island]
pub fn ShareButtons(url: String, title: String) -> impl IntoView {
    let (live, set_live) = signal(false);
    let (can_share, set_can_share) = signal(false);
    let (said, set_said) = signal(String::new());
    Effect::new(move || {
        set_can_share.set(browser::can_share());
        set_live.set(true);
    });
    let link = StoredValue::new((url, title));
    let copy = move |_| {
        let (url, _) = link.get_value();
        leptos::task::spawn_local(async move {
            set_said.set(match browser::copy(&url).await {
                Ok(()) => "Copied.".to_owned(),
                Err(()) => "Could not copy: select the link and copy it.".to_owned(),
            });
        });
    };
    let share = move |_| {
        let (url, title) = link.get_value();
        leptos::task::spawn_local(async move {
            // Closing the share sheet without sharing is not a failure worth a message.
            let _ = browser::share(&url, &title).await;
        });
    };
    view! {
        <span class="share-buttons" hidden=move || !live.get()>
            <button type="button" class="secondary" on:click=copy>"Copy"</button>
            {move || {
                can_share
                    .get()
                    .then(|| view! { <button type="button" class="secondary" on:click=share>"Share"</button> })
            }}
            <span role="status" class="hint">{said}</span>
        </span>
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    use wasm_bindgen::JsValue;
    use wasm_bindgen_futures::JsFuture;

    fn navigator() -> Option<web_sys::Navigator> {
        web_sys::window().map(|window| window.navigator())
    }

    /// Whether this browser has the Web Share API (most phones do, most desktops do not).
    pub fn can_share() -> bool {
        navigator().is_some_and(|navigator| {
            js_sys::Reflect::has(&navigator, &JsValue::from_str("share")).unwrap_or(false)
        })
    }

    pub async fn copy(text: &str) -> Result<(), ()> {
        let navigator = navigator().ok_or(())?;
        let promise = navigator.clipboard().write_text(text);
        JsFuture::from(promise).await.map(|_| ()).map_err(|_| ())
    }

    pub async fn share(url: &str, title: &str) -> Result<(), ()> {
        let navigator = navigator().ok_or(())?;
        let data = web_sys::ShareData::new();
        data.set_url(url);
        data.set_title(title);
        JsFuture::from(navigator.share_with_data(&data))
            .await
            .map(|_| ())
            .map_err(|_| ())
    }
}

#[cfg(not(feature = "hydrate"))]
mod browser {
    pub fn can_share() -> bool {
        false
    }

    pub async fn copy(_text: &str) -> Result<(), ()> {
        Err(())
    }

    pub async fn share(_url: &str, _title: &str) -> Result<(), ()> {
        Err(())
    }
}
