//! `/households/:id/plans` (the household's plans) and `/households/:id/propose` (a new plan).

use leptos::either::Either;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

use super::{notifications::NotificationsLink, page_data};
use crate::{
    components::{LocalTime, StackForm, TextArea, TextField, UtcOffsetField, posted_field_error},
    error::Field,
    plans::{
        DEFAULT_DAYS, MAX_DAYS, MAX_OPTIONS, MIN_OPTIONS, MealSettings, PlanSummary, ProposePlan,
        get_meal_settings, list_plans,
    },
};

fn household_param() -> Memo<String> {
    let params = use_params_map();
    Memo::new(move |_| params.read().get("id").unwrap_or_default())
}

/// The household's plans, newest first, and the way to propose one.
#[component]
pub fn Plans() -> impl IntoView {
    let household = household_param();
    let plans = Resource::new(move || household.get(), list_plans);
    page_data(plans, move |plans| {
        view! { <PlanList household=household.get_untracked() plans /> }
    })
}

#[component]
fn PlanList(household: String, plans: Vec<PlanSummary>) -> impl IntoView {
    view! {
        <h1>"Meal plans"</h1>
        <p class="actions">
            <a class="button" href=crate::routes::propose(&household)>"Propose a plan"</a>
            <a href=crate::routes::dishes(&household)>"Dishes and meals"</a>
            <a href=crate::routes::household(&household)>"Household"</a>
            <NotificationsLink household=household.clone() />
        </p>
        {if plans.is_empty() {
            Either::Left(view! { <p class="lead">"No plans yet. Propose the first one."</p> })
        } else {
            Either::Right(view! {
                <ul class="list" aria-label="Plans">
                    {plans.into_iter().map(|plan| {
                        let href = crate::routes::plan(&household, &plan.id);
                        let results_href = crate::routes::results(&household, &plan.id);
                        let any_closed = plan.slot_states.iter().any(|slot| slot.closed);
                        view! {
                            <li class="plan-row">
                                <a href=href>{plan.title}</a>
                                <span class="muted">{plan.days}</span>
                                {if plan.open {
                                    Either::Left(view! {
                                        <span class="badge">
                                            "Voting until " <LocalTime ms=plan.deadline_ms />
                                            " · you voted on " {plan.my_ballots} " of " {plan.slots}
                                        </span>
                                    })
                                } else {
                                    Either::Right(view! { <span class="badge">"Voting closed"</span> })
                                }}
                                {any_closed.then(|| view! {
                                    <a href=results_href>"Results"</a>
                                    <ul class="slot-states" aria-label="Each meal">
                                        {plan.slot_states.into_iter().map(|slot| {
                                            let state = match (slot.closed, slot.winner) {
                                                (true, Some(winner)) => winner,
                                                (true, None) => "closed without votes".to_owned(),
                                                (false, _) => "open".to_owned(),
                                            };
                                            view! { <li>{slot.label} ": " {state}</li> }
                                        }).collect_view()}
                                    </ul>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })
        }}
    }
}

/// The proposal form: days, meals, options and a deadline. A plain form: it works without
/// JavaScript (times are then read as UTC, and the form says so).
#[component]
pub fn Propose() -> impl IntoView {
    let household = household_param();
    let settings = Resource::new(move || household.get(), get_meal_settings);
    page_data(settings, |settings| view! { <ProposeForm settings /> })
}

#[component]
fn ProposeForm(settings: MealSettings) -> impl IntoView {
    let path = ProposePlan::PATH;
    let error = move |field| posted_field_error(path, field);
    let library = settings
        .dishes
        .iter()
        .map(|d| d.name.clone())
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <h1>"Propose a plan"</h1>
        <p class="lead">"For " {settings.household_name.clone()} ". Everyone in the household ranks each meal's options until the deadline."</p>
        <section class="card">
            <StackForm action=path household=settings.household_id.to_string()>
                <UtcOffsetField />
                <TextField label="Title (optional)" field=Field::PlanTitle error=error(Field::PlanTitle)
                    hint="Leave empty for “Week of …”." />
                <TextField label="First day" field=Field::FirstDay input_type="date" error=error(Field::FirstDay) />
                <TextField label="Number of days" field=Field::Days input_type="number" min="1" max="14"
                    value=DEFAULT_DAYS.to_string() error=error(Field::Days)
                    hint=format!("1 to {MAX_DAYS}.") />
                <TextField label="Meals" field=Field::Meals value=settings.meal_names.clone() error=error(Field::Meals)
                    hint="Each day gets one slot per meal. Separate them with commas." />
                <div class="field">
                    <label for="options">"Options for every meal"</label>
                    <p class="hint" id="options-hint">
                        {format!("One dish per line, {MIN_OPTIONS} to {MAX_OPTIONS}. New dishes join the library. ")}
                        {(!library.is_empty()).then(|| format!("In the library: {library}."))}
                    </p>
                    <TextArea id="options" name="options" rows="6" described_by="options-hint options-error"
                        error=error(Field::Options) />
                    <p class="field-error" id="options-error" hidden=move || error(Field::Options).get().is_none()>
                        {move || error(Field::Options).get()}
                    </p>
                </div>
                <fieldset class="deadline">
                    <legend>"Voting closes"</legend>
                    <p class="hint">"Before the first day begins. Without JavaScript the time is read as UTC."</p>
                    <TextField label="Date" field=Field::DeadlineDate input_type="date" error=error(Field::DeadlineDate) />
                    <TextField label="Time" field=Field::DeadlineTime input_type="time" value="18:00" error=error(Field::DeadlineTime) />
                </fieldset>
                <div class="check">
                    <input type="checkbox" id="allow_repeats" name="allow_repeats" value="on" />
                    <label for="allow_repeats">"Let a dish win more than one meal (unticked, a dish that won an earlier meal of this plan cannot win a later one)"</label>
                </div>
                <button type="submit">"Propose plan"</button>
            </StackForm>
        </section>
    }
}
