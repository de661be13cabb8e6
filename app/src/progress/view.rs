//! One meal's progress as the plan and ballot pages show it: "2 of 3 eating have ranked", who has
//! and who has not, the latest nudge, and the nudge form (a plain form, no JavaScript needed).

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{LiveKey, NudgeSlot, SlotProgress, names_text};
use crate::components::LocalTime;

/// One meal's progress and nudge form. (`slot_id`, not `slot`: that attribute marks a Leptos
/// slot in `view!`.)
#[component]
pub fn SlotProgressView(
    household: String,
    slot_id: String,
    progress: SlotProgress,
) -> impl IntoView {
    let summary = progress.summary();
    let who = who_text(&progress);
    let nudge = progress.nudge.clone().map(|nudge| {
        // One text node, so that the sentence reads (and is found) whole.
        let who = format!("Nudged {} at ", names_text(&nudge.names));
        view! { <p class="nudged">{who} <LocalTime ms=nudge.at_ms /></p> }
    });
    let form = (!progress.nudgeable.is_empty()).then(|| {
        let label = format!("Nudge {}", names_text(&progress.nudgeable));
        view! {
            <form method="post" action=NudgeSlot::PATH class="nudge">
                <input type="hidden" name="household_id" value=household />
                <input type="hidden" name="slot_id" value=slot_id />
                <button type="submit" class="secondary">{label}</button>
            </form>
        }
    });
    view! {
        <div class="progress">
            <p class="progress-summary">{summary}</p>
            {who.map(|who| view! { <p class="muted">{who}</p> })}
            {nudge}
            {form}
        </div>
    }
}

/// "Ranked: Ada and Bob. Not yet: Cy." (either half left out when nobody is in it).
fn who_text(progress: &SlotProgress) -> Option<String> {
    let mut parts = Vec::new();
    if !progress.ranked.is_empty() {
        parts.push(format!("Ranked: {}.", names_text(&progress.ranked)));
    }
    if !progress.waiting.is_empty() {
        parts.push(format!("Not yet: {}.", names_text(&progress.waiting)));
    }
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// Makes the page live: the element `/live.js` reads its poll from, and the script. The parts
/// that change are marked `data-live-part`, each with an id.
#[component]
pub fn LiveRoot(live: LiveKey) -> impl IntoView {
    view! {
        <span hidden data-live-url=live.url data-live-key=live.key data-live-version=live.version></span>
        <script type="module" src=crate::routes::LIVE_SCRIPT></script>
    }
}
