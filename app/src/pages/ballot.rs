//! `/households/:id/slots/:slot`: rank one meal's options, see who has voted and what would win.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use super::{household_item_data, page_data};
use crate::{
    attendance::{AttendanceView, SetAttendance, SetGuests},
    components::{FormError, LocalTime, PostForm, RankingBoard, posted_error, posted_field_error},
    cooks::{CookErrors, CookLine},
    error::{AppError, Field},
    plans::{BallotPage, BallotSaved, CONFIRM_EMPTY_FIELD, CastBallot, get_ballot_page},
    progress::{LiveRoot, NudgeSlot, SlotProgressView},
    routes,
};

#[component]
pub fn Ballot() -> impl IntoView {
    // "Same as …": the board arranged like another meal's saved ranking (a plain GET form).
    let like = leptos_router::hooks::use_query_map()
        .read_untracked()
        .get("like");
    let page = household_item_data("slot", move |(household, slot)| {
        get_ballot_page(household, slot, like.clone())
    });
    page_data(page, |page| view! { <BallotView page /> })
}

#[component]
fn BallotView(page: BallotPage) -> impl IntoView {
    let plan_href = routes::plan(&page.household_id, &page.plan_id);
    let result_href = routes::slot_results(&page.household_id, &page.plan_id, &page.slot_id);
    let voters = page.voters.clone();
    let progress = page.progress.clone();
    let live = page.live.clone();
    let attendance = page.attendance.clone();
    let (household, slot_id) = (page.household_id.to_string(), page.slot_id.to_string());
    // The others' ballots as dish names, tier by tier (ties joined by "=", in the slot's order).
    let position = |id: &crate::ids::OptionId| page.options.iter().position(|o| &o.id == id);
    let others: Vec<(String, String)> = page
        .others
        .iter()
        .map(|ballot| {
            let tiers: Vec<String> = ballot
                .ranking
                .tiers()
                .iter()
                .map(|tier| {
                    let mut tier: Vec<usize> = tier.iter().filter_map(position).collect();
                    tier.sort_unstable();
                    let names: Vec<&str> = tier
                        .iter()
                        .map(|&i| page.options[i].name.as_str())
                        .collect();
                    names.join(" = ")
                })
                .filter(|tier| !tier.is_empty())
                .collect();
            let text = if tiers.is_empty() {
                "no opinion".to_owned()
            } else {
                tiers.join(" › ")
            };
            (ballot.member.clone(), text)
        })
        .collect();
    view! {
        <h1>{page.slot_label.clone()}</h1>
        <SavedNotice results_href=result_href.clone() />
        <p class="lead" id="ballot-status" data-live-part="" data-voting=if page.open { "open" } else { "closed" }>
            <a href=plan_href>{page.plan_title.clone()}</a> ". "
            {if page.open {
                leptos::either::Either::Left(view! { "Voting closes " <LocalTime ms=page.deadline_ms /> "." })
            } else {
                leptos::either::Either::Right(view! {
                    "Voting has closed: this ballot can no longer change. "
                    <a href=result_href.clone()>"See the result"</a>
                })
            }}
        </p>
        <p class="notice">
            "Ballots in a household are open: every member can see how everyone ranked. "
            "The preview below counts the others' current ballots with yours."
        </p>
        <section class="card" aria-labelledby="cook-heading" id="cook" data-live-part="">
            <h2 id="cook-heading">"Who cooks"</h2>
            <CookErrors />
            <CookLine household=household.clone() slot_id=slot_id.clone() cook=page.cook.clone() />
        </section>
        <SameAs page=page.clone() />
        {page.draft.as_ref().map(|(_, from)| view! { <p class="notice arranged" role="status">{from.notice()}</p> })}
        <FormError error=posted_error(CastBallot::PATH) />
        <ConfirmEmpty household_id=page.household_id.to_string() slot_id=page.slot_id.to_string() />
        <RankingBoard page />
        <section class="card" aria-labelledby="eating-heading" id="eating" data-live-part="">
            <h2 id="eating-heading">"Who eats"</h2>
            <FormError error=posted_error(SetAttendance::PATH) />
            <FormError error=posted_error(SetGuests::PATH) />
            <FormError error=posted_field_error(SetGuests::PATH, Field::Guests) />
            <AttendanceView attendance />
        </section>
        <div id="others" data-live-part="">
        {(!others.is_empty()).then(|| view! {
            <section class="card" aria-labelledby="others-heading">
                <h2 id="others-heading">"How the others ranked"</h2>
                <ul class="list others" aria-label="Other members' ballots">
                    {others.into_iter().map(|(member, ranking)| view! {
                        <li><strong>{member}</strong> ": " <span class="ranking-text">{ranking}</span></li>
                    }).collect_view()}
                </ul>
            </section>
        })}
        </div>
        <section class="card" aria-labelledby="voters-heading" id="voters" data-live-part="">
            <h2 id="voters-heading">"Who has ranked"</h2>
            <FormError error=posted_error(NudgeSlot::PATH) />
            <SlotProgressView household slot_id progress />
            <ul class="list" aria-label="Members">
                {voters.into_iter().map(|v| view! {
                    <li>
                        {v.name}
                        <span class="badge">{if v.voted { "ranked" } else { "not yet" }}</span>
                        {(!v.expected).then(|| view! { <span class="muted">" (joined after the plan was proposed)"</span> })}
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <LiveRoot live />
    }
}

/// "Same as Mon 23 Nov · dinner": a plain GET form back to this page that arranges the board like
/// one of the viewer's other ranked meals of the plan; nothing is saved until they save.
#[component]
fn SameAs(page: BallotPage) -> impl IntoView {
    if !page.open || page.my_meals.is_empty() {
        return None;
    }
    let action = routes::ballot(&page.household_id, &page.slot_id);
    Some(view! {
        <form method="get" action=action class="same-as inline">
            <label for="same-as">"Same as"</label>
            <select id="same-as" name="like">
                {page.my_meals.into_iter().map(|(slot, label)| view! {
                    <option value=slot.to_string()>{label}</option>
                }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Arrange like this"</button>
        </form>
    })
}

/// After a plain form save (no JavaScript), the page the form went back to says what happened:
/// saved, or saved as the last ballot expected, which closed the vote.
#[component]
fn SavedNotice(results_href: String) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let saved = query.read_untracked().get("saved")?;
    let also = query.read_untracked().get("also");
    let saved = BallotSaved {
        closed: saved == "closed",
        winner: None,
        results_href,
        also_saved: also.and_then(|also| also.parse().ok()).unwrap_or(0),
    };
    Some(view! {
        <p class="notice saved" role="status">
            {saved.message()}
            {saved.closed.then(|| view! { " " <a href=saved.results_href.clone()>"See the result"</a> })}
        </p>
    })
}

/// Without JavaScript, a ballot that ranks nothing comes back with the question; this form
/// answers it (the board asks in place).
#[component]
fn ConfirmEmpty(household_id: String, slot_id: String) -> impl IntoView {
    let asked =
        posted_error(CastBallot::PATH).get_untracked() == Some(AppError::EmptyBallot.to_string());
    if !asked {
        return None;
    }
    Some(view! {
        <PostForm action=CastBallot::PATH>
            <input type="hidden" name="household_id" value=household_id />
            <input type="hidden" name="slot_id" value=slot_id />
            <input type="hidden" name=CONFIRM_EMPTY_FIELD value="on" />
            <button type="submit">"Save with no opinion"</button>
        </PostForm>
    })
}
