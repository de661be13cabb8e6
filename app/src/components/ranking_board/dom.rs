//! The ranking board's few direct dealings with the page (hydrated only): telling the page a
//! ballot was saved, keeping the focus on a moved row's handle, and capturing the pointer for a drag.

use leptos::prelude::*;

use crate::ids::OptionId;

/// Tells the page a ballot was saved: `/live.js` fetches the page's live parts at once.
pub(super) fn page_changed() {
    #[cfg(feature = "hydrate")]
    if let Ok(event) = web_sys::Event::new("mealvote:changed") {
        let _ = document().dispatch_event(&event);
    }
}

pub(super) fn option_handle_id(option: &OptionId) -> String {
    format!("handle-{option}")
}

/// After a keyboard move the row is rendered anew: put the focus back on its handle.
pub(super) fn refocus_handle(id: &str) {
    #[cfg(feature = "hydrate")]
    {
        let id = id.to_owned();
        request_animation_frame(move || {
            use wasm_bindgen::JsCast;
            if let Some(handle) = document()
                .get_element_by_id(&id)
                .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
            {
                let _ = handle.focus();
            }
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = id;
}

/// A press on a handle starts a drag; the list captures the pointer so the drag keeps going
/// while rows are re-rendered under it.
pub(super) fn drag_start(
    ev: &leptos::ev::PointerEvent,
    index: usize,
    dragging: RwSignal<Option<usize>>,
) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        ev.prevent_default();
        if let Some(list) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
            .and_then(|e| e.closest("ol.board").ok().flatten())
        {
            let _ = list.set_pointer_capture(ev.pointer_id());
        }
        dragging.set(Some(index));
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, index, dragging);
}
