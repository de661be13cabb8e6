//! A meal's cook as the plan, ballot and results pages show it: "Ada cooks", and the plain forms
//! (no JavaScript needed) to volunteer, step back or, for the proposer and admins, choose a cook.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{AssignCook, CookView, StepBackFromCooking, VolunteerToCook};
use crate::components::{FormError, posted_error};

/// One meal's cook and the forms the viewer may use. (`slot_id`, not `slot`: that attribute
/// marks a Leptos slot in `view!`.) `changeable` is false where the page only reports the cook.
#[component]
pub fn CookLine(
    household: String,
    slot_id: String,
    cook: CookView,
    #[prop(default = true)] changeable: bool,
) -> impl IntoView {
    let text = cook.text();
    let hidden = {
        let (household, slot_id) = (household.clone(), slot_id.clone());
        move || {
            view! {
                <input type="hidden" name="household_id" value=household.clone() />
                <input type="hidden" name="slot_id" value=slot_id.clone() />
            }
        }
    };
    let volunteer =
        (changeable && !cook.mine && (cook.name.is_none() || cook.i_assign)).then(|| {
            view! {
                <form method="post" action=VolunteerToCook::PATH class="inline">
                    {hidden()}
                    <button type="submit" class="secondary">"I'll cook"</button>
                </form>
            }
        });
    let step_back =
        (changeable && cook.name.is_some() && (cook.mine || cook.i_assign)).then(|| {
            let label = if cook.mine {
                "Step back from cooking"
            } else {
                "Take the cook off"
            };
            view! {
                <form method="post" action=StepBackFromCooking::PATH class="inline">
                    {hidden()}
                    <button type="submit" class="secondary">{label}</button>
                </form>
            }
        });
    let select_id = format!("cook-{slot_id}");
    let assign = (changeable && cook.i_assign && !cook.members.is_empty()).then(|| {
        view! {
            <form method="post" action=AssignCook::PATH class="inline">
                {hidden()}
                <label for=select_id.clone()>"Cook"</label>
                <select id=select_id.clone() name="cook_id">
                    {cook.members.iter().map(|member| view! {
                        <option value=member.id.to_string()>{member.name.clone()}</option>
                    }).collect_view()}
                </select>
                <button type="submit" class="secondary">"Choose the cook"</button>
            </form>
        }
    });
    view! {
        <div class="cook">
            <p class="cook-name">{text}</p>
            {volunteer}
            {step_back}
            {assign}
        </div>
    }
}

/// The refusals of the cook forms, once per page (each form goes back to the page it was sent
/// from, which shows why nothing changed).
#[component]
pub fn CookErrors() -> impl IntoView {
    view! {
        <FormError error=posted_error(VolunteerToCook::PATH) />
        <FormError error=posted_error(AssignCook::PATH) />
        <FormError error=posted_error(StepBackFromCooking::PATH) />
    }
}
