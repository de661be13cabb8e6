//! The member's own list page, "Foods and dishes I can't eat": plain forms, so every change works
//! without JavaScript; a refused change keeps everything saved and says why beside its field.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{
    AddCantEatDish, AddCantEatFood, CantEatList, PRIVACY_NOTE, RemoveCantEatDish,
    RemoveCantEatFood, get_cant_eat_links,
};
use crate::{
    components::{FormError, PostForm, posted_error, posted_field_error},
    error::Field,
    quotas::MAX_CANT_EAT,
};

/// The page's content for the member's list.
#[component]
pub fn CantEatPage(list: CantEatList) -> impl IntoView {
    let household = list.household_id.to_string();
    let food_error = posted_field_error(AddCantEatFood::PATH, Field::Food);
    let dish_error = posted_field_error(AddCantEatDish::PATH, Field::DishName);
    let foods = list.foods.clone();
    let dishes = list.dishes.clone();
    let food_choices = list.food_choices.clone();
    let dish_choices = list.dish_choices.clone();
    let (h1, h2, h3, h4) = (
        household.clone(),
        household.clone(),
        household.clone(),
        household.clone(),
    );
    view! {
        <h1>"Foods and dishes I can't eat"</h1>
        <p class="lead">{list.household_name.clone()}</p>
        <p class="notice privacy-note">{PRIVACY_NOTE}</p>
        <p class="hint">
            "A food rules out every dish with an ingredient of that food (\"peanut\" also rules out \
             peanut butter and peanuts). For a dish without ingredients, add the dish itself. "
            "For a meal you eat, an option you can't eat cannot win. "
            {format!("Up to {MAX_CANT_EAT} foods and {MAX_CANT_EAT} dishes.")}
        </p>
        <section class="card" aria-labelledby="foods-heading">
            <h2 id="foods-heading">"Foods"</h2>
            {if foods.is_empty() {
                Either::Left(view! { <p>"No food yet."</p> })
            } else {
                Either::Right(view! {
                    <ul class="list cant-eat-foods" aria-label="Foods I can't eat">
                        {foods.into_iter().map(|food| {
                            let label = format!("Remove {}", food.food);
                            let household = h1.clone();
                            let key = food.key.clone();
                            view! {
                                <li>
                                    <span class="name">{food.food.clone()}</span>
                                    <PostForm action=RemoveCantEatFood::PATH>
                                        <input type="hidden" name="household_id" value=household />
                                        <input type="hidden" name="food_key" value=key />
                                        <button type="submit" class="secondary" aria-label=label>"Remove"</button>
                                    </PostForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            <PostForm action=AddCantEatFood::PATH>
                <FormError error=posted_error(AddCantEatFood::PATH) />
                <input type="hidden" name="household_id" value=h2 />
                <div class="field">
                    <label for="cant-eat-food">"A food I can't eat"</label>
                    <input id="cant-eat-food" name="food" type="text" autocomplete="off"
                        list="cant-eat-food-choices" required=true
                        aria-invalid=move || food_error.get().map(|_| "true")
                        aria-describedby=move || food_error.get().map(|_| "cant-eat-food-error") />
                    <datalist id="cant-eat-food-choices">
                        {food_choices.into_iter().map(|food| view! { <option value=food></option> }).collect_view()}
                    </datalist>
                    <p class="field-error" id="cant-eat-food-error" hidden=move || food_error.get().is_none()>
                        {move || food_error.get()}
                    </p>
                </div>
                <button type="submit">"Add food"</button>
            </PostForm>
        </section>
        <section class="card" aria-labelledby="dishes-heading">
            <h2 id="dishes-heading">"Dishes"</h2>
            {if dishes.is_empty() {
                Either::Left(view! { <p>"No dish yet."</p> })
            } else {
                Either::Right(view! {
                    <ul class="list cant-eat-dishes" aria-label="Dishes I can't eat">
                        {dishes.into_iter().map(|dish| {
                            let label = format!("Remove {}", dish.name);
                            let household = h3.clone();
                            let id = dish.id.to_string();
                            view! {
                                <li>
                                    <span class="name">{dish.name.clone()}</span>
                                    <PostForm action=RemoveCantEatDish::PATH>
                                        <input type="hidden" name="household_id" value=household />
                                        <input type="hidden" name="dish_id" value=id />
                                        <button type="submit" class="secondary" aria-label=label>"Remove"</button>
                                    </PostForm>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            }}
            {(!dish_choices.is_empty()).then(move || view! {
                <PostForm action=AddCantEatDish::PATH>
                    <FormError error=posted_error(AddCantEatDish::PATH) />
                    <input type="hidden" name="household_id" value=h4 />
                    <div class="field">
                        <label for="cant-eat-dish">"A dish I can't eat"</label>
                        <select id="cant-eat-dish" name="dish_id"
                            aria-invalid=move || dish_error.get().map(|_| "true")
                            aria-describedby=move || dish_error.get().map(|_| "cant-eat-dish-error")>
                            {dish_choices.into_iter().map(|dish| view! {
                                <option value=dish.id.to_string()>{dish.name}</option>
                            }).collect_view()}
                        </select>
                        <p class="field-error" id="cant-eat-dish-error" hidden=move || dish_error.get().is_none()>
                            {move || dish_error.get()}
                        </p>
                    </div>
                    <button type="submit">"Add dish"</button>
                </PostForm>
            })}
        </section>
        <p class="actions"><a href=crate::routes::household(&household)>"Household"</a></p>
    }
}

/// The account page's section: a link to the member's list in each of their households.
#[component]
pub fn CantEatLinks() -> impl IntoView {
    let links = Resource::new(|| (), |()| get_cant_eat_links());
    view! {
        <section class="card" id="cant-eat" aria-labelledby="cant-eat-heading">
            <h2 id="cant-eat-heading">"Foods and dishes I can't eat"</h2>
            <p class="hint">{PRIVACY_NOTE}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let links = links.await.ok()?;
                    Some(if links.is_empty() {
                        Either::Left(view! { <p>"Join a household to keep a list there."</p> })
                    } else {
                        Either::Right(view! {
                            <ul class="list" aria-label="My can't-eat lists">
                                {links.into_iter().map(|link| {
                                    let text = format!("My list in {}", link.household_name);
                                    view! { <li><a href=link.href>{text}</a></li> }
                                }).collect_view()}
                            </ul>
                        })
                    })
                })}
            </Suspense>
        </section>
    }
}
