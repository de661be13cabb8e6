//! The ranking board: an island, so the browser can reorder options and recompute the preview
//! on every change without asking the server.
//!
//! From the server (and without JavaScript) it is a plain form: a rank number per option, the
//! same ballot shape the board sends. Once hydrated, the numbers give way to the board: drag an
//! option by its handle (mouse or touch), use its ↑ ↓ buttons, or focus the handle and press
//! ↑/↓ to move it and `=` to tie it with the option above. Options below the "no opinion" line
//! are unranked. "If voting closed now" is recomputed by the shared tally after every change, and
//! a polite live region tells screen readers where the moved option now stands.
//!
//! Once voting has closed (also by this very save) the board stands still: no Save, no moves, no
//! preview; and a save asks the page to refresh its live parts at once (`/live.js`), so the
//! progress beside the board is right without waiting for the next poll.

mod dom;

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

use self::dom::{drag_start, option_handle_id, page_changed, refocus_handle};
use crate::{
    error::AppError,
    ids::OptionId,
    plans::{
        BallotPage, BallotSaved, Board, CONFIRM_EMPTY_FIELD, CastBallot, OptionView, Row,
        SAME_FOR_ALL_FIELD, preview, rank_field,
    },
};

/// What the board says after Save.
#[derive(Clone, Debug, PartialEq)]
enum Status {
    /// The ballot ranks nothing: saved only once the person says so.
    ConfirmEmpty,
    Saved(BallotSaved),
    Failed(String),
}

#[island]
pub fn RankingBoard(page: BallotPage) -> impl IntoView {
    let options: Vec<OptionId> = page.options.iter().map(|o| o.id.clone()).collect();
    let board = RwSignal::new(Board::new(&options, page.start()));
    let everywhere = RwSignal::new(false);
    let (live, set_live) = signal(false);
    Effect::new(move || set_live.set(true));
    let status = RwSignal::new(None::<Status>);
    let saving = RwSignal::new(false);
    let dragging = RwSignal::new(None::<usize>);
    let open = RwSignal::new(page.open);
    // The vote may close while the page is open (another member's ballot, the deadline): when the
    // page's fresh status says so, `/live.js` tells the board, which then stands still.
    #[cfg(feature = "hydrate")]
    let _ = window_event_listener_untyped("mealvote:closed", move |_| open.set(false));

    let info = StoredValue::new(page.options.clone());
    // As the close counts: the ballots of the people eating, over the options that can win.
    let others = StoredValue::new(page.counted_others());
    let excluded = StoredValue::new(page.cannot_win());
    let me_out = page.attendance.me_out;
    let tiers = Memo::new(move |_| {
        let draft = board.read().ranking();
        let draft = if me_out { Default::default() } else { draft };
        info.with_value(|options| {
            others.with_value(|others| {
                excluded.with_value(|excluded| preview(options, others, &draft, excluded))
            })
        })
    });

    // What a screen reader hears after a move: where the moved option now stands.
    let announcement = RwSignal::new(String::new());
    let announce = move |option: &OptionId| {
        let words = info.with_value(|options| {
            board.read_untracked().place_words(option, |id| {
                options
                    .iter()
                    .find(|o| &o.id == id)
                    .map(|o| o.name.clone())
                    .unwrap_or_default()
            })
        });
        announcement.set(words);
    };
    let edit = move |option: &OptionId, change: Change| {
        board.update(|b| change.apply(b));
        status.set(None);
        announce(option);
    };
    let drop = move || {
        if let Some(index) = dragging.get_untracked() {
            dragging.set(None);
            if let Some(Row::Option { id, .. }) = board.read_untracked().rows().get(index).cloned()
            {
                announce(&id);
            }
        }
    };

    // Why some options are not in the preview: they cannot win this meal.
    let excluded_note = page
        .excluded_note()
        .map(|note| view! { <p class="hint excluded-note">{note}</p> });
    let ruled_out_note = page
        .ruled_out_note()
        .map(|note| view! { <p class="hint ruled-out-note">{note}</p> });
    let cant_eat_mine = StoredValue::new(page.cant_eat_mine.clone());

    // Options move only while hydrated and while voting is open.
    let movable = Signal::derive(move || live.get() && open.get());

    let household = page.household_id.to_string();
    let slot = page.slot_id.to_string();
    let ids = StoredValue::new((household.clone(), slot.clone()));
    // Saves the board; a ballot that ranks nothing first asks (`confirmed` once it has).
    let send = move |confirmed: bool| {
        let mut ranks = board.read_untracked().ranking().ranks();
        if !confirmed && ranks.values().all(|rank| rank.trim().is_empty()) {
            status.set(Some(Status::ConfirmEmpty));
            return;
        }
        if confirmed {
            ranks.insert(CONFIRM_EMPTY_FIELD.to_owned(), "on".to_owned());
        }
        if everywhere.get_untracked() {
            ranks.insert(SAME_FOR_ALL_FIELD.to_owned(), "on".to_owned());
        }
        let (household, slot) = ids.get_value();
        saving.set(true);
        leptos::task::spawn_local(async move {
            let result = crate::plans::cast_ballot(household, slot, ranks).await;
            saving.set(false);
            status.set(Some(match result {
                Ok(saved) => {
                    if saved.closed {
                        open.set(false);
                    }
                    page_changed();
                    Status::Saved(saved)
                }
                Err(error) => Status::Failed(error.to_string()),
            }));
        });
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        send(false);
    };

    view! {
        <form method="post" action=CastBallot::PATH class="ranking-board" class:live=live on:submit=save>
            <input type="hidden" name="household_id" value=household />
            <input type="hidden" name="slot_id" value=slot />
            <p class="hint no-js-only">
                "Give each option a rank: 1 for your favourite, 2 for the next… Equal numbers tie. "
                "Leave a rank empty for no opinion."
            </p>
            <p class="hint js-only">
                "Drag options by the handle, or use the arrows. Focus a handle and press ↑ or ↓ to move, = to tie with the option above."
            </p>
            <ol
                class="board"
                aria-label="Your ranking"
                on:pointermove=move |ev| drag_move(&ev, board, dragging, status)
                on:pointerup=move |_| drop()
                on:pointercancel=move |_| drop()
            >
                {move || {
                    let current = board.get();
                    let divider = current.divider();
                    let ranks = current.ranking().ranks();
                    current.rows().iter().enumerate().map(|(index, row)| match row {
                        Row::Divider => Either::Left(view! {
                            // The plain form names the same line for what it is there (a rank
                            // box left empty is no opinion); the same height in both, so
                            // hydrating shifts nothing.
                            <li class="divider" data-row=index>
                                <span class="js-only">"No opinion below this line"</span>
                                <span class="no-js-only">"Not ranked yet"</span>
                            </li>
                        }),
                        Row::Option { id, tied } => {
                            let option = info.with_value(|o| o.iter().find(|o| &o.id == id).cloned());
                            let rank = ranks.get(&rank_field(id)).cloned().unwrap_or_default();
                            let moved = id.clone();
                            let cant_eat = cant_eat_mine.with_value(|mine| mine.contains(id));
                            Either::Right(view! {
                                <OptionRow
                                    option=option.unwrap_or_else(|| OptionView { id: id.clone(), name: String::new(), note: None, link: None })
                                    index rank tied=*tied ranked=index < divider
                                    can_tie=current.can_tie(index) last=index + 1 == current.rows().len()
                                    live=movable edit=Callback::new(move |change: Change| edit(&moved, change))
                                    dragging cant_eat
                                />
                            })
                        }
                    }).collect_view()
                }}
            </ol>
            <p class="board-announcement visually-hidden" aria-live="polite" aria-atomic="true">
                {move || announcement.get()}
            </p>
            {move || open.get().then(|| view! {
                <label class="same-for-all">
                    <input type="checkbox" name=SAME_FOR_ALL_FIELD
                        on:change=move |ev| everywhere.set(event_target_checked(&ev)) />
                    " Use this ranking for all meals"
                </label>
                <button type="submit" disabled=move || saving.get()>"Save my ranking"</button>
            })}
            <div role="status" class="board-status">
                {move || match status.get() {
                    None => EitherOf4::A(()),
                    Some(Status::ConfirmEmpty) => EitherOf4::B(view! {
                        <p class="notice">{AppError::EmptyBallot.to_string()}</p>
                        <p class="actions">
                            <button type="button" on:click=move |_| send(true)>"Save with no opinion"</button>
                            <button type="button" class="secondary" on:click=move |_| status.set(None)>
                                "Keep ranking"
                            </button>
                        </p>
                    }),
                    Some(Status::Saved(saved)) => EitherOf4::C(view! {
                        <p class="saved">
                            {saved.message()}
                            {saved.closed.then(|| view! { " " <a href=saved.results_href.clone()>"See the result"</a> })}
                        </p>
                    }),
                    Some(Status::Failed(message)) => EitherOf4::D(view! { <p class="form-error">{message}</p> }),
                }}
            </div>
            <section class="preview card" aria-labelledby="preview-heading" hidden=move || !open.get()>
                <h2 id="preview-heading">"If voting closed now"</h2>
                {ruled_out_note}
                {excluded_note}
                <ol class="tiers" aria-live="polite">
                    {move || tiers.get().into_iter().map(|tier| {
                        let names: Vec<String> = info.with_value(|o| tier.iter().map(|&i| o[i].name.clone()).collect());
                        let tied = names.len() > 1;
                        view! {
                            <li class:tied=tied>
                                {names.join(" = ")}
                                {tied.then(|| view! { " " <span class="badge">"tied"</span> })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </section>
        </form>
    }
}

/// One edit of the board, sent up from a row.
#[derive(Clone, Copy, Debug)]
enum Change {
    Up(usize),
    Down(usize),
    Tie(usize),
}

impl Change {
    fn apply(self, board: &mut Board) {
        match self {
            Self::Up(i) => board.move_up(i),
            Self::Down(i) => board.move_down(i),
            Self::Tie(i) => board.toggle_tie(i),
        }
    }
}

#[component]
fn OptionRow(
    option: OptionView,
    index: usize,
    rank: String,
    tied: bool,
    ranked: bool,
    can_tie: bool,
    last: bool,
    /// The option may move (hydrated, and voting open).
    live: Signal<bool>,
    edit: Callback<Change>,
    dragging: RwSignal<Option<usize>>,
    /// The viewer can't eat it (their own list).
    cant_eat: bool,
) -> impl IntoView {
    let name = option.name.clone();
    let input_id = rank_field(&option.id);
    let handle_id = option_handle_id(&option.id);
    let keys = {
        let handle_id = handle_id.clone();
        move |ev: leptos::ev::KeyboardEvent| {
            let change = match ev.key().as_str() {
                "ArrowUp" => Some(Change::Up(index)),
                "ArrowDown" => Some(Change::Down(index)),
                "=" => Some(Change::Tie(index)),
                _ => None,
            };
            if let Some(change) = change {
                ev.prevent_default();
                edit.run(change);
                refocus_handle(&handle_id);
            }
        }
    };
    view! {
        <li class="option" class:tied=tied class:ranked=ranked data-row=index class:dragging=move || dragging.get() == Some(index)>
            <button
                type="button"
                class="handle js-only"
                id=handle_id
                aria-label=format!("Move {name}")
                aria-keyshortcuts="ArrowUp ArrowDown ="
                disabled=move || !live.get()
                on:pointerdown=move |ev| drag_start(&ev, index, dragging)
                on:keydown=keys
            >
                "⠿"
            </button>
            <label class="name" for=input_id.clone()>
                {tied.then(|| view! { <span class="tie-mark" title="tied with the option above">"="</span> })}
                {option.name.clone()}
                {option.note.clone().map(|note| view! { <span class="muted">" · " {note}</span> })}
                {cant_eat.then(|| view! { " " <span class="badge cant-eat">{crate::cant_eat::YOU_CANT_EAT}</span> })}
            </label>
            <input
                class="rank no-js-only"
                type="number"
                inputmode="numeric"
                min="1"
                max="20"
                id=input_id
                name=rank_field(&option.id)
                value=rank
            />
            <span class="moves js-only">
                <button type="button" aria-label=format!("Move {name} up") disabled=move || !live.get() || index == 0
                    on:click=move |_| edit.run(Change::Up(index))>"↑"</button>
                <button type="button" aria-label=format!("Move {name} down") disabled=move || !live.get() || last
                    on:click=move |_| edit.run(Change::Down(index))>"↓"</button>
                <button type="button" aria-label=format!("Tie {name} with the option above") aria-pressed=tied.to_string()
                    disabled=move || !live.get() || !can_tie
                    on:click=move |_| edit.run(Change::Tie(index))>"="</button>
            </span>
        </li>
    }
}

/// While dragging, the row under the pointer is where the dragged option goes.
fn drag_move(
    ev: &leptos::ev::PointerEvent,
    board: RwSignal<Board>,
    dragging: RwSignal<Option<usize>>,
    status: RwSignal<Option<Status>>,
) {
    #[cfg(feature = "hydrate")]
    {
        let Some(from) = dragging.get_untracked() else {
            return;
        };
        let target = document()
            .element_from_point(ev.client_x() as f32, ev.client_y() as f32)
            .and_then(|e| e.closest("[data-row]").ok().flatten())
            .and_then(|row| row.get_attribute("data-row"))
            .and_then(|i| i.parse::<usize>().ok());
        if let Some(to) = target.filter(|&to| to != from) {
            board.update(|b| b.move_row(from, to));
            dragging.set(Some(to));
            status.set(None);
        }
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (ev, board, dragging, status);
}
