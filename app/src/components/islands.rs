//! Small islands several pages share: the hydration marker, times in the viewer's own time zone,
//! and the proposer's UTC offset for forms that take a local time.
//!
//! Each renders the same HTML on the server and at hydration (UTC, or nothing), then an effect,
//! which runs only in the browser, switches to the browser's own answer.

use leptos::prelude::*;

use crate::dates::utc_moment_label;

/// Marks the page as hydrated: `data-hydrated="true"` appears once the WASM has taken over every
/// island before it (islands hydrate in document order and this one comes last). People's tools
/// and the browser tests wait for it.
#[island]
pub fn HydrationMarker() -> impl IntoView {
    let (hydrated, set_hydrated) = signal(false);
    Effect::new(move || set_hydrated.set(true));
    view! {
        <span
            class="hydration-marker"
            hidden
            data-hydrated=move || hydrated.get().then_some("true")
        ></span>
    }
}

/// An instant (milliseconds since the epoch) as a `<time>`: "Sun 22 Nov, 17:00 UTC" from the
/// server, "Sun 22 Nov, 18:00" in the viewer's own time zone once hydrated (`crate::dates`).
#[island]
pub fn LocalTime(ms: i64) -> impl IntoView {
    let (text, set_text) = signal(utc_moment_label(ms));
    Effect::new(move || set_text.set(local_label(ms)));
    view! { <time datetime=iso(ms)>{text}</time> }
}

/// A hidden `utc_offset_minutes` field: empty from the server (the server then reads times as
/// UTC and the form says so), the browser's offset (minutes east of UTC) once hydrated.
#[island]
pub fn UtcOffsetField() -> impl IntoView {
    let (offset, set_offset) = signal(String::new());
    Effect::new(move || set_offset.set(browser_offset_minutes()));
    view! { <input type="hidden" name="utc_offset_minutes" prop:value=offset /> }
}

/// RFC 3339 for the `datetime` attribute. Only the server's rendering matters: hydration keeps
/// the server's static attributes and text and lets the effect replace the text.
fn iso(ms: i64) -> String {
    #[cfg(feature = "ssr")]
    {
        crate::dates::instant(ms)
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = ms;
        String::new()
    }
}

/// The instant in the browser's own time zone (the offset it had at that instant, so a deadline
/// after a change to summer time reads right).
fn local_label(ms: i64) -> String {
    #[cfg(feature = "hydrate")]
    {
        // `getTimezoneOffset` is minutes *west* of UTC.
        let west =
            js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64)).get_timezone_offset();
        crate::dates::moment_label(ms, -(west as i32))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        utc_moment_label(ms)
    }
}

fn browser_offset_minutes() -> String {
    #[cfg(feature = "hydrate")]
    {
        // `getTimezoneOffset` is minutes *west* of UTC.
        let west = js_sys::Date::new_0().get_timezone_offset();
        format!("{}", -(west as i32))
    }
    #[cfg(not(feature = "hydrate"))]
    {
        String::new()
    }
}
