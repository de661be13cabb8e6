//! The browser entry point: hydrates the islands of the server-rendered page.

// Nothing here calls into `app`, but its `#[island]` components export their hydration functions
// to JavaScript: linking the crate is what keeps them in the bundle.
extern crate app;

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
