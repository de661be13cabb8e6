//! The explanation of a decided slot in plain words: tiers, the final order, the head-to-head
//! scores, the strongest paths behind the winner, and what a lot decided (never whose ballot).

use std::collections::BTreeMap;

use super::results::{Decided, HeadToHeadRow, PathView, Placed, Score, Step, WinnerPaths};
use crate::tally::{CandidateId, FinalResult, PathWitness, Tally};

/// Turns one tally and its final result into what the page shows.
pub(super) struct Explainer<'a> {
    pub(super) tally: &'a Tally<'a>,
    pub(super) result: &'a FinalResult,
    pub(super) names: &'a BTreeMap<String, String>,
    pub(super) ballots: u64,
}

impl Explainer<'_> {
    pub(super) fn decided(&self) -> Decided {
        let order = &self.result.order;
        let winner = &order[0];
        let top_tie = self.top_tie();
        Decided {
            winner: self.name(winner),
            winner_by_lot: !top_tie.is_empty(),
            by_lot: self.result.tie_break.by_lot(),
            ballots: self.ballots,
            tiers: self
                .tally
                .ranking()
                .iter()
                .map(|tier| self.names_in_order(tier))
                .collect(),
            order: self.placed(),
            head_to_head: order
                .iter()
                .map(|a| HeadToHeadRow {
                    dish: self.name(a),
                    cells: order
                        .iter()
                        .map(|b| (a != b).then(|| self.score(a, b)))
                        .collect(),
                })
                .collect(),
            paths: order[1..]
                .iter()
                .map(|other| WinnerPaths {
                    to: self.name(other),
                    path: self.path(winner, other),
                    back: self.path(other, winner),
                })
                .collect(),
            explanation: self.sentences(),
        }
    }

    fn name(&self, id: &CandidateId) -> String {
        // `verdict` checked that every candidate has a name.
        self.names.get(id.as_str()).cloned().unwrap_or_default()
    }

    /// Names of `ids`, in the final order.
    fn names_in_order(&self, ids: &[CandidateId]) -> Vec<String> {
        let mut ids: Vec<&CandidateId> = ids.iter().collect();
        ids.sort_by_key(|id| self.position(id));
        ids.into_iter().map(|id| self.name(id)).collect()
    }

    fn position(&self, id: &CandidateId) -> usize {
        self.result
            .order
            .iter()
            .position(|placed| placed == id)
            .unwrap_or(usize::MAX)
    }

    fn score(&self, a: &CandidateId, b: &CandidateId) -> Score {
        Score {
            support: self.tally.support(a, b),
            opposition: self.tally.support(b, a),
        }
    }

    fn path(&self, from: &CandidateId, to: &CandidateId) -> Option<PathView> {
        let PathWitness {
            options,
            weakest_link,
        } = self.tally.path_witness(from, to)?;
        Some(PathView {
            dishes: options.iter().map(|id| self.name(id)).collect(),
            weakest: Step {
                from: self.name(&weakest_link.from),
                to: self.name(&weakest_link.to),
                score: Score {
                    support: weakest_link.support,
                    opposition: weakest_link.opposition,
                },
            },
        })
    }

    /// The options tied for first place, when a lot chose among them; empty otherwise.
    fn top_tie(&self) -> Vec<CandidateId> {
        self.result
            .tie_break
            .decisions
            .iter()
            .find(|decision| decision.position == 0)
            .map(|decision| decision.tied.clone())
            .unwrap_or_default()
    }

    /// The final order, each option with why it is ahead of the next (from the tally's own
    /// pair-by-pair explanation).
    fn placed(&self) -> Vec<Placed> {
        let pairs = &self.result.explanation.pairs;
        self.result
            .order
            .iter()
            .enumerate()
            .map(|(i, id)| Placed {
                dish: self.name(id),
                ahead_because: pairs.get(i).map(|pair| {
                    let next = self.name(&pair.behind);
                    let score = Score {
                        support: pair.head_to_head[0],
                        opposition: pair.head_to_head[1],
                    };
                    if pair.by_lot {
                        format!("tied with {next}; ahead by lot")
                    } else if score.won() {
                        format!("beat {next} {score}")
                    } else {
                        let path = self.path(&pair.ahead, &pair.behind);
                        let via = path.map(|p| p.text()).unwrap_or_default();
                        format!("ahead of {next} along {via} ({score} head to head)")
                    }
                }),
            })
            .collect()
    }

    fn sentences(&self) -> Vec<String> {
        let order = &self.result.order;
        let winner = &order[0];
        let w = self.name(winner);
        let mut sentences = vec![match self.ballots {
            1 => "One ballot was counted.".to_owned(),
            n => format!("{n} ballots were counted."),
        }];
        if order.len() == 1 {
            sentences.push(format!("{w} was the only option."));
            return sentences;
        }
        let others = &order[1..];
        let wins = |ids: &[&CandidateId]| -> Vec<String> {
            ids.iter()
                .filter(|other| self.score(winner, other).won())
                .map(|other| format!("{} {}", self.name(other), self.score(winner, other)))
                .collect()
        };
        let all: Vec<&CandidateId> = others.iter().collect();
        let beaten = wins(&all);
        let top_tie = self.top_tie();
        let mut lot_told = false;
        if beaten.len() == others.len() {
            // A Condorcet winner: it beat every other dish head to head.
            sentences.push(format!("{w} beat {}.", and_list(&beaten)));
        } else {
            if top_tie.is_empty() {
                sentences.push(
                    "No dish beat every other head to head, so the strongest paths decided."
                        .to_owned(),
                );
            } else {
                sentences.push("No dish beat every other head to head.".to_owned());
                let tied = self.names_in_order(&top_tie);
                let none = if tied.len() == 2 {
                    "neither beats the other"
                } else {
                    "none of them beats another"
                };
                sentences.push(format!(
                    "{} tied: {none}, head to head or along a path.",
                    and_list(&tied)
                ));
                sentences.push(format!(
                    "The tie was broken by lot, drawn from the result's seed, and the lot put {w} \
                     first; anyone can draw it again from the exported ballots."
                ));
                lot_told = true;
            }
            let rest: Vec<&CandidateId> = others.iter().filter(|o| !top_tie.contains(o)).collect();
            let beaten = wins(&rest);
            if !beaten.is_empty() {
                sentences.push(format!("{w} beat {} head to head.", and_list(&beaten)));
            }
            for other in rest {
                if !self.score(winner, other).won() {
                    sentences.push(self.path_sentence(winner, other));
                }
            }
        }
        sentences.extend(self.lower_lots(lot_told));
        sentences
    }

    /// Why `winner` is ahead of `other`, which it did not beat head to head.
    fn path_sentence(&self, winner: &CandidateId, other: &CandidateId) -> String {
        let (w, x) = (self.name(winner), self.name(other));
        let score = self.score(winner, other);
        if !self.tally.beats(winner, other) {
            // Tied with the winner along paths, but beaten by another option at the top.
            let beater = self
                .result
                .order
                .iter()
                .find(|option| self.tally.beats(option, other))
                .map(|option| self.name(option))
                .unwrap_or_default();
            return format!(
                "{w} and {x} do not beat each other, but {beater} beats {x}, so {x} was not in \
                 the running for first place."
            );
        }
        let head_to_head = if score.lost() {
            format!("{x} beat {w} {}", score.flipped())
        } else {
            format!("{w} and {x} tied {score} head to head")
        };
        let Some(path) = self.path(winner, other) else {
            return format!("{head_to_head}.");
        };
        let back = match self.path(other, winner) {
            Some(back) => format!(
                "; the strongest path back, {}, has a weaker step: {}.",
                back.text(),
                back.weakest
            ),
            None => format!(", and no path leads back from {x} to {w}."),
        };
        format!(
            "{head_to_head}, but {w} leads {x} along {}, whose weakest step is {}{back}",
            path.text(),
            path.weakest
        )
    }

    /// Ties below first place that a lot put in order, each told once.
    fn lower_lots(&self, lot_told: bool) -> Vec<String> {
        let mut told: Vec<CandidateId> = self.top_tie();
        let mut lot_told = lot_told;
        let mut sentences = Vec::new();
        for decision in &self.result.tie_break.decisions {
            if decision.position == 0 || decision.tied.iter().all(|id| told.contains(id)) {
                continue;
            }
            let tied = self.names_in_order(&decision.tied);
            sentences.push(if lot_told {
                format!(
                    "{} also tied further down; their order was drawn by lot too.",
                    and_list(&tied)
                )
            } else {
                format!(
                    "{} tied further down; their order was drawn by lot, from the result's seed.",
                    and_list(&tied)
                )
            });
            lot_told = true;
            told.extend(decision.tied.iter().cloned());
        }
        sentences
    }
}

/// "A", "A and B", "A, B and C".
pub(super) fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}
