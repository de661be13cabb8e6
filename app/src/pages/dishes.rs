//! `/households/:id/dishes`: the dish library and the meal names a plan's days are split into.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{household_data, page_data};
use crate::{
    components::{StackForm, TextField, posted_field_error},
    error::Field,
    plans::{AddDish, MealSettings, SetMealNames, get_meal_settings},
};

#[component]
pub fn Dishes() -> impl IntoView {
    page_data(household_data(get_meal_settings), |settings| {
        view! { <Library settings /> }
    })
}

#[component]
fn Library(settings: MealSettings) -> impl IntoView {
    let household = settings.household_id.to_string();
    let (for_dish, for_meals) = (household.clone(), household.clone());
    view! {
        <h1>"Dishes and meals"</h1>
        <p class="actions">
            <a href=crate::routes::plans(&household)>"Meal plans"</a>
        </p>
        <section class="card" aria-labelledby="dishes-heading">
            <h2 id="dishes-heading">"Dish library"</h2>
            {if settings.dishes.is_empty() {
                Either::Left(view! { <p>"No dishes yet: add some below, or propose a plan."</p> })
            } else {
                Either::Right(view! {
                    <ul class="list" aria-label="Dishes">
                        {settings.dishes.into_iter().map(|dish| view! {
                            <li>
                                <a class="dish" href=crate::routes::dish(&settings.household_id, &dish.id)>{dish.name}</a>
                                {dish.note.map(|note| view! { <span class="muted">{note}</span> })}
                                {dish.link.map(|link| view! {
                                    <a href=link rel="noopener noreferrer nofollow" target="_blank">"Recipe"</a>
                                })}
                            </li>
                        }).collect_view()}
                    </ul>
                })
            }}
            <StackForm action=AddDish::PATH household=for_dish>
                <TextField label="Dish" field=Field::DishName
                    error=posted_field_error(AddDish::PATH, Field::DishName) />
                <TextField label="Note (optional)" field=Field::DishNote
                    error=posted_field_error(AddDish::PATH, Field::DishNote) />
                <TextField label="Recipe link (optional)" field=Field::DishLink input_type="url"
                    error=posted_field_error(AddDish::PATH, Field::DishLink) />
                <button type="submit">"Add dish"</button>
            </StackForm>
        </section>
        <section class="card" aria-labelledby="meals-heading">
            <h2 id="meals-heading">"Meals"</h2>
            <StackForm action=SetMealNames::PATH household=for_meals>
                <TextField label="Meal names" field=Field::Meals value=settings.meal_names
                    hint="In the order of a day, separated by commas. New plans offer these."
                    error=posted_field_error(SetMealNames::PATH, Field::Meals) />
                <button type="submit" class="secondary">"Save meal names"</button>
            </StackForm>
        </section>
    }
}
