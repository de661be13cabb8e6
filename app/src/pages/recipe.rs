//! `/households/:id/dishes/:dish`: a dish and its recipe. The ingredient lines are read as they
//! are typed or pasted (the table under the field, in the browser; the same reading as the
//! server's) so the person sees how each line was understood and corrects it before saving. A
//! line that is not understood is kept as written.

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{household_item_data, page_data};
use crate::{
    components::{FormError, PostForm, TextArea, TextField, posted_error, posted_field_error},
    error::Field,
    recipes::{ImportRecipe, Ingredient, RecipePage, SaveRecipe, get_recipe, parse_paste},
};

#[component]
pub fn Recipe() -> impl IntoView {
    let page = household_item_data("dish", |(household, dish)| get_recipe(household, dish));
    page_data(page, |page| view! { <RecipeView page /> })
}

#[component]
fn RecipeView(page: RecipePage) -> impl IntoView {
    let household = page.household_id.to_string();
    let dish = page.dish_id.to_string();
    let recipe = page.recipe.clone().unwrap_or(crate::recipes::Recipe {
        serves: None,
        link: None,
        ingredients: Vec::new(),
        steps: None,
    });
    let dishes_href = crate::routes::dishes(&page.household_id);
    let (save_household, save_dish) = (household.clone(), dish.clone());
    let import_hint = if page.fetches_addresses {
        "A recipe page's address, or the page's HTML (or its JSON-LD) pasted."
    } else {
        "The recipe page's HTML (or its JSON-LD) pasted: this server does not fetch addresses."
    };
    view! {
        <h1>{page.name.clone()}</h1>
        {page.note.clone().map(|note| view! { <p class="lead">{note}</p> })}
        <p class="actions"><a href=dishes_href>"All dishes"</a></p>
        {page.recipe.clone().map(|recipe| view! { <Shown recipe /> }.into_any())}
        <EditRecipe household=save_household dish=save_dish recipe new=page.recipe.is_none() />
        <ImportForm household dish hint=import_hint />
    }
}

/// The recipe's form: serves, source, ingredient lines (read as they are typed), method.
#[component]
fn EditRecipe(
    household: String,
    dish: String,
    recipe: crate::recipes::Recipe,
    new: bool,
) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="edit-heading">
            <h2 id="edit-heading">{if new { "Add a recipe" } else { "Edit the recipe" }}</h2>
            <PostForm action=SaveRecipe::PATH>
                <div class="stack">
                    <FormError error=posted_error(SaveRecipe::PATH) />
                    <input type="hidden" name="household_id" value=household />
                    <input type="hidden" name="dish_id" value=dish />
                    <TextField label="Serves" field=Field::Serves input_type="number"
                        value=recipe.serves.map(|n| n.to_string()).unwrap_or_default()
                        hint="How many people the amounts below feed."
                        error=posted_field_error(SaveRecipe::PATH, Field::Serves) />
                    <TextField label="Source link" field=Field::DishLink input_type="url"
                        value=recipe.link.clone().unwrap_or_default()
                        error=posted_field_error(SaveRecipe::PATH, Field::DishLink) />
                    <IngredientsField text=recipe.ingredients_text() />
                    <p class="field-error" id="ingredients-error">
                        {move || posted_field_error(SaveRecipe::PATH, Field::Ingredients).get()}
                    </p>
                    <label for="steps">"Method"</label>
                    <TextArea id="steps" name="steps" rows="8"
                        value=recipe.steps.clone().unwrap_or_default()
                        error=posted_field_error(SaveRecipe::PATH, Field::Steps) />
                    <button type="submit">"Save the recipe"</button>
                </div>
            </PostForm>
        </section>
    }
    .into_any()
}

/// Importing a recipe from a page: its address (where the server fetches), HTML or JSON-LD.
#[component]
fn ImportForm(household: String, dish: String, hint: &'static str) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="import-heading">
            <h2 id="import-heading">"Import from a recipe page"</h2>
            <PostForm action=ImportRecipe::PATH>
                <div class="stack">
                    <FormError error=posted_error(ImportRecipe::PATH) />
                    <input type="hidden" name="household_id" value=household />
                    <input type="hidden" name="dish_id" value=dish />
                    <label for="source">"Page"</label>
                    <p class="hint" id="source-hint">{hint}</p>
                    <TextArea id="source" name="source" rows="4" described_by="source-hint source-error"
                        error=posted_field_error(ImportRecipe::PATH, Field::RecipeSource) />
                    <p class="field-error" id="source-error">
                        {move || posted_field_error(ImportRecipe::PATH, Field::RecipeSource).get()}
                    </p>
                    <button type="submit" class="secondary">"Import"</button>
                </div>
            </PostForm>
        </section>
    }
    .into_any()
}

/// The saved recipe, its lines as they were understood.
#[component]
fn Shown(recipe: crate::recipes::Recipe) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="recipe-heading">
            <h2 id="recipe-heading">"Recipe"</h2>
            {recipe.serves.map(|n| view! { <p>"Serves " {n} "."</p> })}
            {recipe.link.clone().map(|link| view! {
                <p><a href=link rel="noopener noreferrer nofollow" target="_blank">"Source"</a></p>
            })}
            <IngredientTable lines=recipe.ingredients.clone() />
            {recipe.steps.clone().map(|steps| view! { <h3>"Method"</h3><p class="steps">{steps}</p> })}
        </section>
    }
}

/// How each line was read: amount, unit, food, note.
#[component]
fn IngredientTable(lines: Vec<Ingredient>) -> impl IntoView {
    if lines.is_empty() {
        return Either::Left(view! { <p class="hint">"No ingredients yet."</p> });
    }
    Either::Right(view! {
        <table class="ingredients">
            <caption class="hint">"How each line was read"</caption>
            <thead><tr><th scope="col">"Amount"</th><th scope="col">"Food"</th><th scope="col">"Note"</th></tr></thead>
            <tbody>
                {lines.into_iter().map(|line| {
                    let amount = match (line.quantity, line.unit) {
                        (Some(q), Some(unit)) => {
                            format!("{} {}", q.text(Some(unit)), unit.label(q.for_list() > 1.0))
                        }
                        (Some(q), None) => q.text(None),
                        (None, Some(unit)) => unit.label(false).to_owned(),
                        (None, None) => String::new(),
                    };
                    let unread = line.quantity.is_none() && line.unit.is_none();
                    view! {
                        <tr class:unread=unread>
                            <td>{amount}</td>
                            <td>{line.food.clone()}</td>
                            <td>{line.note.clone().unwrap_or_default()}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    })
}

/// The ingredients field and, under it, how its lines read now: updated on every keystroke in
/// the browser, the saved reading from the server.
#[island]
fn IngredientsField(text: String) -> impl IntoView {
    let (current, set_current) = signal(text.clone());
    let reading = move || match parse_paste(&current.get()) {
        Ok(lines) => Either::Left(view! { <IngredientTable lines /> }),
        Err(error) => {
            Either::Right(view! { <p class="field-error" role="alert">{error.to_string()}</p> })
        }
    };
    view! {
        <div class="stack" on:input=move |ev| set_current.set(event_target_value(&ev))>
            <label for="ingredients">"Ingredients, one per line"</label>
            <p class="hint" id="ingredients-hint">
                "Paste them as the recipe writes them: “1½ cups rice”, “2–3 cloves garlic, crushed”, “salt to taste”."
            </p>
            <TextArea id="ingredients" name="ingredients" rows="10" value=text
                described_by="ingredients-hint ingredients-error" />
            <div aria-live="polite">{reading}</div>
        </div>
    }
}
