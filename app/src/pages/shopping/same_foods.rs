//! The list page's merged foods: "Same food as…" in a line's details, the household's merges
//! with their undo under "Same foods", and what a refused merge said, at the top of the page
//! (where the page opens again after a plain form post).

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::ListFields;
use crate::{
    components::{FormError, PostForm, posted_error, posted_field_error},
    error::Field,
    shopping::{MergeFoods, SameFoodView, UnmergeFood},
};

/// The id of the page's one list of foods that "same food as" fields suggest.
pub const FOODS_LIST_ID: &str = "list-foods";

/// Why the last merge was refused, if it was.
#[component]
pub fn MergeErrors() -> impl IntoView {
    view! {
        <FormError error=posted_error(MergeFoods::PATH) />
        <FormError error=posted_field_error(MergeFoods::PATH, Field::SameAs) />
        <FormError error=posted_field_error(MergeFoods::PATH, Field::Food) />
    }
}

/// The foods on the list, suggested by every "same food as" field.
#[component]
pub fn FoodsList(foods: Vec<String>) -> impl IntoView {
    view! {
        <datalist id=FOODS_LIST_ID>
            {foods.into_iter().map(|food| view! { <option value=food></option> }).collect_view()}
        </datalist>
    }
}

/// "Same food as [spring onion] Merge", in a line's details.
#[component]
pub fn SameFoodAs(food: String, household: String, plan: String) -> impl IntoView {
    let label = format!("{food} is the same food as");
    view! {
        <PostForm action=MergeFoods::PATH>
            <ListFields household plan />
            <input type="hidden" name="food" value=food />
            <label>"Same food as "
                <input name="same_as" list=FOODS_LIST_ID maxlength="500" required
                    autocomplete="off" aria-label=label />
            </label>
            <button type="submit" class="secondary">"Merge"</button>
        </PostForm>
    }
}

/// "Same foods (1)": each merge with its undo, and a form for foods not on this list.
#[component]
pub fn SameFoods(same_foods: Vec<SameFoodView>, household: String, plan: String) -> impl IntoView {
    let (h, p) = (household.clone(), plan.clone());
    view! {
        <details class="card">
            <summary>"Same foods (" {same_foods.len()} ")"</summary>
            <p class="hint">
                "Names your household uses for one food: their lines join the other's on this list "
                "and on every later one."
            </p>
            {if same_foods.is_empty() {
                Either::Left(view! { <p>"None yet."</p> })
            } else {
                Either::Right(view! {
                    <ul class="list">
                        {same_foods.into_iter().map(|same| {
                            let (household, plan) = (household.clone(), plan.clone());
                            let label = format!("Undo: {} is {}", same.food, same.same_as);
                            view! {
                                <li>
                                    {same.food.clone()} " is " {same.same_as}
                                    <PostForm action=UnmergeFood::PATH>
                                        <ListFields household plan />
                                        <input type="hidden" name="food" value=same.food />
                                        <button type="submit" class="secondary" aria-label=label>
                                            "Undo"
                                        </button>
                                    </PostForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <PostForm action=MergeFoods::PATH>
                <div class="stack">
                    <ListFields household=h plan=p />
                    <label>"Food " <input name="food" maxlength="500" required autocomplete="off"
                        list=FOODS_LIST_ID /></label>
                    <label>"is the same as " <input name="same_as" maxlength="500" required
                        autocomplete="off" list=FOODS_LIST_ID /></label>
                    <button type="submit" class="secondary">"Merge"</button>
                </div>
            </PostForm>
        </details>
    }
}
