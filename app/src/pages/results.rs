//! `/households/:id/plans/:plan/results`: each slot's winner and why, or that it is still open or
//! closed without votes, with everything needed to check a result by hand.

use leptos::either::{Either, EitherOf4};
use leptos::prelude::*;

use super::{household_item_data, page_data};
use crate::cooks::CookLine;
use crate::{
    components::LocalTime,
    plans::{
        DecidedSlot, HeadToHeadRow, NO_VOTES_EXPLANATION, ResultsPage, SlotOutcome, SlotResult,
        WinnerPaths, get_results,
    },
    routes::{self, slot_anchor},
};

#[component]
pub fn Results() -> impl IntoView {
    let page = household_item_data("plan", |(household, plan)| get_results(household, plan));
    page_data(page, |page| view! { <ResultsView page /> })
}

#[component]
fn ResultsView(page: ResultsPage) -> impl IntoView {
    let household = page.household_id.to_string();
    let plan_href = routes::plan(&household, &page.plan_id);
    view! {
        <h1>"Results: " {page.plan_title.clone()}</h1>
        <p class="lead">{page.days.clone()} "."</p>
        <p class="actions">
            <a href=plan_href.clone()>"Back to the plan"</a>
            <a href=routes::shopping_list(&household, &page.plan_id)>"Shopping list"</a>
            <a href=routes::plans(&household)>"All plans"</a>
        </p>
        <Summary slots=page.slots.clone() />
        {page.slots.into_iter().map(|slot| view! {
            <SlotSection household=household.clone() plan_href=plan_href.clone() result=slot />
        }).collect_view()}
    }
}

/// One screen first: each meal and its winner (or its state), linking to the details below.
#[component]
fn Summary(slots: Vec<SlotResult>) -> impl IntoView {
    view! {
        <section class="card summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading">"Winners"</h2>
            <ul class="list">
                {slots.into_iter().map(|slot| {
                    let state = match &slot.outcome {
                        SlotOutcome::Open { .. } => "still open".to_owned(),
                        SlotOutcome::NoVotes { .. } => "no votes".to_owned(),
                        SlotOutcome::NoneSuits { .. } => "no option suits everyone eating".to_owned(),
                        SlotOutcome::Decided(decided) => decided.result.winner.clone(),
                    };
                    let decided = matches!(slot.outcome, SlotOutcome::Decided(_));
                    let cook = slot.cook.name.is_some().then(|| format!(" · {}", slot.cook.text()));
                    view! {
                        <li class="meal-winner">
                            <a href=format!("#{}", slot_anchor(&slot.id))>{slot.label}</a>
                            ": "
                            {if decided {
                                Either::Left(view! { <strong>{state}</strong> })
                            } else {
                                Either::Right(view! { <span class="muted">{state}</span> })
                            }}
                            {cook.map(|cook| view! { <span class="cook-name">{cook}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn SlotSection(household: String, plan_href: String, result: SlotResult) -> impl IntoView {
    let slot = result;
    let anchor = slot_anchor(&slot.id);
    let heading = format!("{anchor}-heading");
    let labelled_by = heading.clone();
    let ballot_href = routes::ballot(&household, &slot.id);
    let cook = view! {
        <CookLine household=household.clone() slot_id=slot.id.to_string() cook=slot.cook.clone()
            changeable=false />
    };
    let body = match slot.outcome {
        SlotOutcome::Open { deadline_ms } => EitherOf4::A(view! {
            <p>
                <span class="badge">"Open"</span> " Voting closes " <LocalTime ms=deadline_ms /> ". "
                <a href=ballot_href>"Rank the options"</a>
            </p>
        }),
        SlotOutcome::NoVotes {
            closed_at_ms,
            reopenable,
        } => EitherOf4::B(view! {
            <p><span class="badge">"Closed without votes"</span></p>
            <p>{NO_VOTES_EXPLANATION} " Voting closed " <LocalTime ms=closed_at_ms /> "."</p>
            <p>
                {if reopenable {
                    Either::Left(view! {
                        <a href=format!("{plan_href}#reopen")>"Re-open it with a new deadline"</a>
                    })
                } else {
                    Either::Right(view! { "The member who proposed the plan can re-open it." })
                }}
            </p>
        }),
        SlotOutcome::NoneSuits {
            closed_at_ms,
            reopenable,
            ruled_out,
        } => EitherOf4::C(view! {
            <p><span class="badge">"No option suits everyone eating"</span></p>
            <p class="none-suits">
                {crate::cant_eat::NONE_SUITS} " "
                {crate::cant_eat::ruled_out_sentence(ruled_out as usize)}
                " Voting closed " <LocalTime ms=closed_at_ms /> "."
            </p>
            <p>
                {if reopenable {
                    Either::Left(view! {
                        <a href=format!("{plan_href}#reopen")>"Re-open it with a new deadline"</a>
                    })
                } else {
                    Either::Right(view! { "The member who proposed the plan can add an option and re-open it." })
                }}
            </p>
        }),
        SlotOutcome::Decided(decided) => EitherOf4::D(view! { <DecidedView decided=*decided /> }),
    };
    view! {
        <section class="card result" id=anchor aria-labelledby=labelled_by>
            <h2 id=heading>{slot.label}</h2>
            {body}
            {cook}
        </section>
    }
}

#[component]
fn DecidedView(decided: DecidedSlot) -> impl IntoView {
    let result = decided.result;
    let winner = result.winner.clone();
    let ballots = match result.ballots {
        1 => "1 ballot".to_owned(),
        n => format!("{n} ballots"),
    };
    view! {
        <p class="winner">
            "Winner: " <strong>{result.winner.clone()}</strong>
            {result.winner_by_lot.then(|| view! { " " <span class="badge">"drawn by lot"</span> })}
        </p>
        <div class="explanation">
            {result.explanation.iter().map(|sentence| view! {
                <p>
                    {score_runs(sentence).into_iter().map(|(score, text)| {
                        let text = text.to_owned();
                        if score {
                            Either::Left(view! { <span class="score">{text}</span> })
                        } else {
                            Either::Right(text)
                        }
                    }).collect_view()}
                </p>
            }).collect_view()}
        </div>
        <details class="how">
        <summary>"How it was decided"</summary>
        // The ranking differs from the final order only where dishes tie.
        {(result.tiers.len() < result.order.len()).then(|| view! {
            <h3>"Ranking"</h3>
            <p class="hint">"Dishes on one line are tied: neither beats the other."</p>
            <ol class="tiers">
                {result.tiers.into_iter().map(|tier| {
                    let tied = tier.len() > 1;
                    view! { <li class:tied=tied>{tier.join(" = ")}</li> }
                }).collect_view()}
            </ol>
        })}
        <h3>"Final order"</h3>
        <ol class="final-order">
            {result.order.into_iter().map(|placed| view! {
                <li>
                    {placed.dish}
                    {placed.ahead_because.map(|why| view! { <span class="muted">" — " {why}</span> })}
                </li>
            }).collect_view()}
        </ol>
        <h3>"Head to head"</h3>
        <HeadToHead rows=result.head_to_head />
        <h3>"Strongest paths from " {winner.clone()}</h3>
        <p class="hint">
            "A path is as strong as its weakest step. A dish wins when its strongest path to "
            "every other dish is stronger than the path back."
        </p>
        <ul class="list paths">
            {result.paths.into_iter().map(|paths| view! { <PathLine paths /> }).collect_view()}
        </ul>
        </details>
        <details class="verify">
            <summary>"Check this result yourself"</summary>
            <p>
                "Voting closed " <LocalTime ms=decided.closed_at_ms /> " with " {ballots} ". "
                "The ballot file holds every ballot as counted, in the tally's input shape."
            </p>
            <p>
                <a class="button secondary" href=decided.export_path download="">
                    "Download the ballots (JSON)"
                </a>
            </p>
            <dl class="facts">
                <dt>"SHA-256 of the file"</dt>
                <dd><code>{decided.digest}</code></dd>
                <dt>"Tie-break seed"</dt>
                <dd><code>{decided.seed}</code></dd>
            </dl>
            <p>"Re-count it with the " <code>"mealvote"</code> " program; the " <code>"order"</code>
               " it prints is the final order above:"</p>
            <pre><code>{decided.verify_command}</code></pre>
        </details>
    }
}

/// `d[a][b]` against `d[b][a]` for every pair, rows and columns in the final order.
#[component]
fn HeadToHead(rows: Vec<HeadToHeadRow>) -> impl IntoView {
    let dishes: Vec<String> = rows.iter().map(|row| row.dish.clone()).collect();
    view! {
        <p class="hint scroll-hint">"Swipe the table sideways to see every dish."</p>
        <div class="table-scroll" tabindex="0" role="region" aria-label="Head-to-head scores">
            <table class="head-to-head">
                <caption>
                    "Each cell: ballots preferring the row's dish to the column's, then the reverse."
                </caption>
                <thead>
                    <tr>
                        <td></td>
                        {dishes.into_iter().map(|dish| view! { <th scope="col">{dish}</th> }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|row| view! {
                        <tr>
                            <th scope="row">{row.dish}</th>
                            {row.cells.into_iter().map(|cell| match cell {
                                Some(score) => {
                                    let class = if score.won() {
                                        "won"
                                    } else if score.lost() {
                                        "lost"
                                    } else {
                                        "even"
                                    };
                                    Either::Left(view! { <td class=class>{score.to_string()}</td> })
                                }
                                None => Either::Right(view! { <td class="self" aria-label="same dish">"—"</td> }),
                            }).collect_view()}
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

#[component]
fn PathLine(paths: WinnerPaths) -> impl IntoView {
    let forward = match paths.path {
        Some(path) => format!("{} (weakest step: {})", path.text(), path.weakest),
        None => "no path".to_owned(),
    };
    let back = match paths.back {
        Some(path) => format!("{} (weakest step: {})", path.text(), path.weakest),
        None => "none".to_owned(),
    };
    view! {
        <li>
            <span class="name"><strong>"To " {paths.to}</strong> ": " {forward}</span>
            <span class="muted">"Path back: " {back}</span>
        </li>
    }
}

/// A sentence cut into runs, each `(is_a_score, text)`: a score ("2–1") is its own run so the
/// page can keep it on one line (a line may otherwise break after the en dash).
fn score_runs(sentence: &str) -> Vec<(bool, &str)> {
    let mut runs = Vec::new();
    let mut plain_from = 0;
    for (at, dash) in sentence.match_indices('–') {
        let after = at + dash.len();
        let digits_before = sentence[..at]
            .bytes()
            .rev()
            .take_while(u8::is_ascii_digit)
            .count();
        let digits_after = sentence[after..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        if digits_before > 0 && digits_after > 0 {
            let start = at - digits_before;
            if start > plain_from {
                runs.push((false, &sentence[plain_from..start]));
            }
            plain_from = after + digits_after;
            runs.push((true, &sentence[start..plain_from]));
        }
    }
    if plain_from < sentence.len() {
        runs.push((false, &sentence[plain_from..]));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::score_runs;

    #[test]
    fn scores_are_runs_of_their_own_and_the_rest_is_kept_as_it_was() {
        assert_eq!(
            score_runs("Curry beat Pasta 1–0 and Soup 12–10."),
            [
                (false, "Curry beat Pasta "),
                (true, "1–0"),
                (false, " and Soup "),
                (true, "12–10"),
                (false, "."),
            ]
        );
        // A dash between words or days is not a score.
        assert_eq!(
            score_runs("Mon 23 Nov – Sun 29 Nov"),
            [(false, "Mon 23 Nov – Sun 29 Nov")]
        );
        assert_eq!(score_runs("3–1"), [(true, "3–1")]);
        assert_eq!(score_runs(""), []);
    }
}
