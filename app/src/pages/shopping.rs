//! `/households/:id/plans/:plan/list`: the plan's shopping list, grouped by the household's
//! aisles. Every action is a plain form that works without JavaScript; with it, `/list.js`
//! sends them in the background (and keeps them on the phone while it has no signal) and picks
//! up other members' changes every few seconds while the page is visible, and shares the list as
//! text (`docs/shopping.md`).

mod same_foods;

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use self::same_foods::{FoodsList, MergeErrors, SameFoodAs, SameFoods};
use super::{household_item_data, page_data};
use crate::{
    components::{FormError, LocalTime, PostForm, TextField, posted_error, posted_field_error},
    error::Field,
    shopping::{
        AddShoppingItem, AisleView, LineView, ListPage, MoveItemToAisle, ProbableMeal, RenameAisle,
        ReorderAisle, SetItemChecked, SetPantryStaple, get_shopping_list,
    },
};

#[component]
pub fn ShoppingList() -> impl IntoView {
    let page = household_item_data("plan", |(household, plan)| {
        get_shopping_list(household, plan)
    });
    page_data(page, |page| view! { <ListView page /> })
}

/// A fresh operation id for a plain form: posting the same rendered form twice changes nothing.
fn op_id() -> String {
    #[cfg(feature = "ssr")]
    {
        uuid::Uuid::new_v4().to_string()
    }
    #[cfg(not(feature = "ssr"))]
    {
        String::new()
    }
}

/// The fields every list form posts.
#[component]
fn ListFields(household: String, plan: String) -> impl IntoView {
    view! {
        <input type="hidden" name="household_id" value=household />
        <input type="hidden" name="plan_id" value=plan />
    }
}

#[component]
fn ListView(page: ListPage) -> impl IntoView {
    let household = page.household_id.to_string();
    let plan = page.plan_id.to_string();
    let text = page.as_text();
    let plan_href = crate::routes::plan(&page.household_id, &page.plan_id);
    let aisles = page.aisles.clone();
    let empty = page.lines().next().is_none() && page.at_home.is_empty();
    let foods = page.foods();
    view! {
        <h1>"Shopping list"</h1>
        <p class="lead">{page.plan_title.clone()}</p>
        <p class="actions">
            <a href=plan_href>"Back to the plan"</a>
        </p>
        <MergeErrors />
        <p id="list-sync" class="hint" role="status" aria-live="polite"></p>
        <div
            id="shopping-list"
            data-version=page.version.clone()
            data-poll-key=page.poll_key.clone()
        >
            {empty.then(|| view! {
                <p>"Nothing to buy yet: each meal's ingredients join the list when its vote closes."</p>
            })}
            {page.aisles.into_iter().filter(|aisle| !aisle.lines.is_empty()).map(|aisle| {
                view! { <Aisle aisle all=aisles.clone() household=household.clone() plan=plan.clone() /> }
            }).collect_view()}
            <AtHome lines=page.at_home household=household.clone() plan=plan.clone() />
        </div>
        <AddItem household=household.clone() plan=plan.clone() />
        <Probably meals=page.probably />
        <ShareText text />
        <EditAisles aisles=aisles household=household.clone() plan=plan.clone() />
        <Staples staples=page.staples household=household.clone() plan=plan.clone() />
        <SameFoods same_foods=page.same_foods household plan />
        <FoodsList foods />
        <script type="module" src=crate::routes::LIST_SCRIPT></script>
    }
}

/// The list as text: shared (or copied) by the "Share list" button, which `/list.js` shows; without
/// JavaScript, the text to copy by hand.
#[component]
fn ShareText(text: String) -> impl IntoView {
    view! {
        <p class="actions">
            <button type="button" id="share-list" class="secondary" hidden>"Share list"</button>
            <span id="share-status" class="hint" role="status" aria-live="polite"></span>
        </p>
        <details class="card">
            <summary>"Copy the list as text"</summary>
            <pre class="list-text" data-list-text="">{text}</pre>
        </details>
    }
}

#[component]
fn Aisle(aisle: AisleView, all: Vec<AisleView>, household: String, plan: String) -> impl IntoView {
    let heading = format!("aisle-{}", aisle.id);
    let labelled_by = heading.clone();
    view! {
        <section class="card aisle" aria-labelledby=labelled_by>
            <h2 id=heading>{aisle.name}</h2>
            <ul class="list shopping-lines">
                {aisle.lines.into_iter().map(|line| view! {
                    <Line line aisles=all.clone() household=household.clone() plan=plan.clone() />
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn Line(line: LineView, aisles: Vec<AisleView>, household: String, plan: String) -> impl IntoView {
    let text = line.text();
    let (state, label) = if line.done {
        ("unchecked", format!("Uncheck {}", line.food))
    } else {
        ("checked", format!("Check {}", line.food))
    };
    let checked = line.checked.clone().map(|checked| {
        view! {
            <span class="hint">"checked by " {checked.by} ", " <LocalTime ms=checked.at_ms /></span>
        }
    });
    let (for_move, for_staple, for_same) = (
        (household.clone(), plan.clone()),
        (household.clone(), plan.clone()),
        (household.clone(), plan.clone()),
    );
    let id = line.id.to_string();
    let (check_id, move_id) = (id.clone(), id.clone());
    let (food, seen, sources) = (line.food.clone(), line.seen.clone(), line.sources.clone());
    let same_food = food.clone();
    view! {
        <li class="shopping-line" class:done=line.done data-line=id>
            <PostForm action=SetItemChecked::PATH>
                <ListFields household plan />
                <input type="hidden" name="line_id" value=check_id />
                <input type="hidden" name="op" value=op_id() data-op="" />
                <input type="hidden" name="state" value=state />
                <input type="hidden" name="seen" value=seen />
                <button type="submit" class="tick" aria-label=label aria-pressed=line.done.to_string()>
                    <span aria-hidden="true">{if line.done { "☑" } else { "☐" }}</span>
                </button>
                <span class="line-text">{text}</span>
            </PostForm>
            <span class="hint sources">{sources} {checked.map(|checked| view! { " · " {checked} })}</span>
            <details class="line-more">
                <summary>"More"</summary>
                <PostForm action=MoveItemToAisle::PATH>
                    <ListFields household=for_move.0 plan=for_move.1 />
                    <input type="hidden" name="line_id" value=move_id />
                    <label>"Aisle "
                        <select name="aisle_id">
                            {aisles.into_iter().map(|aisle| view! {
                                <option value=aisle.id.to_string()>{aisle.name}</option>
                            }).collect_view()}
                        </select>
                    </label>
                    <button type="submit" class="secondary">"Move"</button>
                </PostForm>
                <PostForm action=SetPantryStaple::PATH>
                    <ListFields household=for_staple.0 plan=for_staple.1 />
                    <input type="hidden" name="food" value=food />
                    <input type="hidden" name="staple" value="true" />
                    <button type="submit" class="secondary">"We always have this"</button>
                </PostForm>
                <SameFoodAs food=same_food household=for_same.0 plan=for_same.1 />
            </details>
        </li>
    }
}

#[component]
fn AtHome(lines: Vec<LineView>, household: String, plan: String) -> impl IntoView {
    (!lines.is_empty()).then(|| view! {
        <details class="card">
            <summary>"Usually at home (" {lines.len()} ")"</summary>
            <ul class="list">
                {lines.into_iter().map(|line| {
                    let (household, plan) = (household.clone(), plan.clone());
                    view! {
                        <li>
                            {line.text()}
                            <PostForm action=SetPantryStaple::PATH>
                                <ListFields household plan />
                                <input type="hidden" name="food" value=line.food.clone() />
                                <input type="hidden" name="staple" value="false" />
                                <button type="submit" class="secondary">"Buy it this time"</button>
                            </PostForm>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </details>
    })
}

#[component]
fn AddItem(household: String, plan: String) -> impl IntoView {
    view! {
        <section class="card" aria-labelledby="add-item-heading">
            <h2 id="add-item-heading">"Add an item"</h2>
            <PostForm action=AddShoppingItem::PATH>
                <div class="stack">
                    <FormError error=posted_error(AddShoppingItem::PATH) />
                    <ListFields household plan />
                    <input type="hidden" name="op" value=op_id() data-op="" />
                    <TextField label="Item" field=Field::Item hint="Such as “2 l milk” or “bin bags”."
                        error=posted_field_error(AddShoppingItem::PATH, Field::Item) />
                    <button type="submit">"Add"</button>
                </div>
            </PostForm>
        </section>
    }
}

#[component]
fn Probably(meals: Vec<ProbableMeal>) -> impl IntoView {
    (!meals.is_empty()).then(|| view! {
        <details class="card probably">
            <summary>"Probably needed (" {meals.len()} " open meals)"</summary>
            <p class="hint">"Not on the list yet: what each open meal's leader would add."</p>
            {meals.into_iter().map(|meal| view! {
                <h3>{meal.slot.clone()} ": if " {meal.dish.clone()} " keeps leading"</h3>
                <ul class="list">
                    {meal.lines.into_iter().map(|line| view! { <li>{line}</li> }).collect_view()}
                </ul>
            }).collect_view()}
        </details>
    })
}

#[component]
fn EditAisles(aisles: Vec<AisleView>, household: String, plan: String) -> impl IntoView {
    let count = aisles.len();
    view! {
        <details class="card">
            <summary>"Aisles, in the order of your store"</summary>
            <FormError error=posted_error(RenameAisle::PATH) />
            <ol class="list aisles-order">
                {aisles.into_iter().enumerate().map(|(i, aisle)| {
                    let (h1, p1, h2, p2) = (household.clone(), plan.clone(), household.clone(), plan.clone());
                    let (id, reorder_id) = (aisle.id.to_string(), aisle.id.to_string());
                    let name = aisle.name.clone();
                    let (up_label, down_label, name_label) = (
                        format!("Move {} up", aisle.name),
                        format!("Move {} down", aisle.name),
                        format!("Name of aisle {}", i + 1),
                    );
                    view! {
                        <li>
                            <PostForm action=RenameAisle::PATH>
                                <ListFields household=h1 plan=p1 />
                                <input type="hidden" name="aisle_id" value=id />
                                <input name="aisle_name" value=name aria-label=name_label maxlength="40" />
                                <button type="submit" class="secondary">"Rename"</button>
                            </PostForm>
                            <PostForm action=ReorderAisle::PATH>
                                <ListFields household=h2 plan=p2 />
                                <input type="hidden" name="aisle_id" value=reorder_id />
                                {(i > 0).then(|| view! {
                                    <button type="submit" name="direction" value="up" class="secondary"
                                        aria-label=up_label>"↑"</button>
                                })}
                                {(i + 1 < count).then(|| view! {
                                    <button type="submit" name="direction" value="down" class="secondary"
                                        aria-label=down_label>"↓"</button>
                                })}
                            </PostForm>
                        </li>
                    }
                }).collect_view()}
            </ol>
        </details>
    }
}

#[component]
fn Staples(staples: Vec<String>, household: String, plan: String) -> impl IntoView {
    view! {
        <details class="card">
            <summary>"Pantry staples (" {staples.len()} ")"</summary>
            <p class="hint">"Foods you always have: left off the list and shown as usually at home."</p>
            {if staples.is_empty() {
                Either::Left(view! { <p>"None yet."</p> })
            } else {
                Either::Right(view! {
                    <ul class="list">
                        {staples.into_iter().map(|food| view! { <li>{food}</li> }).collect_view()}
                    </ul>
                })
            }}
            <PostForm action=SetPantryStaple::PATH>
                <div class="stack">
                    <ListFields household plan />
                    <input type="hidden" name="staple" value="true" />
                    <label>"Food " <input name="food" maxlength="500" required /></label>
                    <button type="submit" class="secondary">"Add a staple"</button>
                </div>
            </PostForm>
        </details>
    }
}
