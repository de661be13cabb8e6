//! `/households/:id/cant-eat/:member`: the signed-in member's own "can't eat" list
//! (`crate::cant_eat`); anyone else's is not found.

use leptos::prelude::*;

use super::{household_item_data, page_data};
use crate::cant_eat::{CantEatPage, get_cant_eat};

#[component]
pub fn CantEat() -> impl IntoView {
    let page = household_item_data("member", |(household, member)| {
        get_cant_eat(household, member)
    });
    page_data(page, |list| view! { <CantEatPage list /> })
}
