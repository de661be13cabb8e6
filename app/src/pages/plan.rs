//! `/households/:id/plans/:plan`: a plan's slots, who has voted or what won, and the proposer's
//! controls (options, deadline, re-opening a meal nobody voted on).

use leptos::either::{Either, EitherOf3};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{household_item_data, page_data};
use crate::{
    attendance::{AttendanceView, SetAttendance, SetGuests},
    components::{
        FormError, LocalTime, StackForm, TextArea, TextField, UtcOffsetField, posted_error,
        posted_field_error,
    },
    cooks::{CookErrors, CookLine},
    error::Field,
    plans::{EditSlotOptions, MoveDeadline, PlanView, ReopenSlotAdding, SlotSummary, get_plan},
    progress::{LiveRoot, NudgeSlot, SlotProgressView},
    routes,
};

#[component]
pub fn Plan() -> impl IntoView {
    let plan = household_item_data("plan", |(household, plan)| get_plan(household, plan));
    page_data(plan, |plan| view! { <PlanPage plan /> })
}

#[component]
fn PlanPage(plan: PlanView) -> impl IntoView {
    let household = plan.household_id.to_string();
    let editable = plan.options_editable;
    let results_href = routes::results(&household, &plan.id);
    let reopenable: Vec<SlotSummary> = plan
        .slots
        .iter()
        .filter(|s| s.reopenable)
        .cloned()
        .collect();
    let reopen_form = (!reopenable.is_empty())
        .then(|| view! { <ReopenForm household=household.clone() slots=reopenable /> });
    view! {
        <h1>{plan.title.clone()}</h1>
        <p class="lead" id="plan-status" data-live-part="">
            {plan.days.clone()} ", proposed by " {plan.proposed_by.clone()} ". "
            {if plan.open {
                Either::Left(view! { "Voting closes " <LocalTime ms=plan.deadline_ms /> "." })
            } else {
                Either::Right(view! { "Voting has closed." })
            }}
        </p>
        <p class="actions">
            <a href=results_href.clone()>"Results"</a>
            <a href=routes::shopping_list(&household, &plan.id)>"Shopping list"</a>
            <a href=routes::plans(&household)>"All plans"</a>
        </p>
        {(!plan.deadline_changes.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="changes-heading">
                <h2 id="changes-heading">"Deadline changes"</h2>
                <ul class="list">
                    {plan.deadline_changes.iter().map(|change| view! {
                        <li>
                            {change.by.clone()} " moved the deadline from " <LocalTime ms=change.from_ms />
                            " to " <LocalTime ms=change.to_ms /> "."
                        </li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        <FormError error=posted_error(NudgeSlot::PATH) />
        <CookErrors />
        <FormError error=posted_error(SetAttendance::PATH) />
        <FormError error=posted_error(SetGuests::PATH) />
        <FormError error=posted_field_error(SetGuests::PATH, Field::Guests) />
        <ul class="list slots" aria-label="Meals to vote on">
            {plan.slots.iter().cloned().map(|slot| view! {
                <SlotRow household=household.clone() plan=plan.id.to_string() summary=slot editable />
            }).collect_view()}
        </ul>
        {plan.deadline_movable.then(|| view! {
            <section class="card" aria-labelledby="deadline-heading">
                <h2 id="deadline-heading">"Give everyone more time"</h2>
                <StackForm action=MoveDeadline::PATH household=household.clone()>
                    <input type="hidden" name="plan_id" value=plan.id.to_string() />
                    <UtcOffsetField />
                    <TextField label="New deadline: date" field=Field::DeadlineDate input_type="date"
                        error=posted_field_error(MoveDeadline::PATH, Field::DeadlineDate) />
                    <TextField label="Time" field=Field::DeadlineTime input_type="time" value="18:00"
                        error=posted_field_error(MoveDeadline::PATH, Field::DeadlineTime) />
                    <button type="submit" class="secondary">"Move the deadline later"</button>
                </StackForm>
            </section>
        })}
        {reopen_form}
        <LiveRoot live=plan.live.clone() />
    }
}

/// The proposer's form to re-open a meal that closed without votes, with a new deadline. One
/// form for all such meals, so its fields and errors each appear once.
#[component]
fn ReopenForm(household: String, slots: Vec<SlotSummary>) -> impl IntoView {
    let path = ReopenSlotAdding::PATH;
    let option_error = posted_field_error(path, Field::Options);
    view! {
        <section class="card" id="reopen" aria-labelledby="reopen-heading">
            <h2 id="reopen-heading">"Re-open a meal without a winner"</h2>
            <p class="hint">"Voting starts again for that meal alone, until the new deadline. Without JavaScript the time is read as UTC."</p>
            <p class="hint">"When no option suited everyone eating, add one: the ballots already cast have no opinion on it."</p>
            <StackForm action=path household=household>
                <UtcOffsetField />
                <label for="reopen-slot">"Meal"</label>
                <select id="reopen-slot" name="slot_id">
                    {slots.into_iter().map(|slot| view! {
                        <option value=slot.id.to_string()>{slot.label}</option>
                    }).collect_view()}
                </select>
                <div class="field">
                    <label for="reopen-option">"Add an option (optional)"</label>
                    <input id="reopen-option" name="option" type="text" autocomplete="off"
                        aria-invalid=move || option_error.get().map(|_| "true")
                        aria-describedby=move || option_error.get().map(|_| "reopen-option-error") />
                    <p class="field-error" id="reopen-option-error" hidden=move || option_error.get().is_none()>
                        {move || option_error.get()}
                    </p>
                </div>
                <TextField label="New deadline: date" field=Field::DeadlineDate input_type="date"
                    error=posted_field_error(path, Field::DeadlineDate) />
                <TextField label="Time" field=Field::DeadlineTime input_type="time" value="18:00"
                    error=posted_field_error(path, Field::DeadlineTime) />
                <button type="submit" class="secondary">"Re-open voting"</button>
            </StackForm>
        </section>
    }
}

#[component]
fn SlotRow(household: String, plan: String, summary: SlotSummary, editable: bool) -> impl IntoView {
    let slot = summary;
    let href = routes::ballot(&household, &slot.id);
    let result_href = routes::slot_results(&household, &plan, &slot.id);
    let status = if slot.i_voted {
        "You voted"
    } else {
        "Not voted yet"
    };
    let state = match (slot.closed, slot.winner.clone()) {
        (true, Some(winner)) => EitherOf3::A(view! {
            <span class="badge won">"Winner: " {winner}</span>
            <a href=result_href>"Why"</a>
        }),
        (true, None) => EitherOf3::B(view! {
            <span class="badge">"Closed without votes"</span>
            {slot.reopenable.then(|| view! { <a href="#reopen">"Re-open"</a> })}
        }),
        (false, _) => EitherOf3::C(view! {
            <span class="badge">"Open · " {status}</span>
            <SlotProgressView household=household.clone() slot_id=slot.id.to_string()
                progress=slot.progress.clone() />
            <AttendanceView attendance=slot.attendance.clone() />
        }),
    };
    view! {
        <li class="slot-row">
            <a href=href>{slot.label.clone()}</a>
            <span class="muted">{slot.options.join(" · ")}</span>
            <div class="slot-state" id=format!("progress-{}", slot.id) data-live-part="">
                {state}
                <CookLine household=household.clone() slot_id=slot.id.to_string() cook=slot.cook.clone() />
            </div>
            {editable.then(|| view! {
                <details>
                    <summary>"Edit options"</summary>
                    <StackForm action=EditSlotOptions::PATH household=household.clone()>
                        <input type="hidden" name="slot_id" value=slot.id.to_string() />
                        <label for=format!("options-{}", slot.id)>"Options, one per line"</label>
                        <TextArea id=format!("options-{}", slot.id) name="options" rows="5"
                            value=slot.options.join("\n") />
                        <p class="field-error" hidden=move || posted_field_error(EditSlotOptions::PATH, Field::Options).get().is_none()>
                            {move || posted_field_error(EditSlotOptions::PATH, Field::Options).get()}
                        </p>
                        <button type="submit" class="secondary">"Save options"</button>
                    </StackForm>
                </details>
            })}
        </li>
    }
}
