//! What a plan's results page shows, computed from each closed slot's stored ballot file: the
//! winner, the tiers, the final order, the head-to-head table, the strongest paths behind the
//! winner and the explanation in plain words (`docs/closing.md`, "Results").
//!
//! Pure: [`verdict`](super::verdict()) re-counts the stored ballots with the shared tally and refuses a result
//! that disagrees with the stored order, so a page never shows what was not decided. Dish names
//! replace option ids everywhere, and a tie broken by lot is said to be one without ever saying
//! whose ballot decided it.

use serde::{Deserialize, Serialize};

use crate::ids::{HouseholdId, PlanId, SlotId};

/// What the page says about a slot that closed without a ballot.
pub const NO_VOTES_EXPLANATION: &str = "Nobody voted, so this meal has no winner.";

/// A plan's results, slot by slot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResultsPage {
    pub household_id: HouseholdId,
    pub plan_id: PlanId,
    pub plan_title: String,
    pub days: String,
    pub slots: Vec<SlotResult>,
}

/// One slot of a [`ResultsPage`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotResult {
    pub id: SlotId,
    /// "Mon 23 Nov · dinner".
    pub label: String,
    pub outcome: SlotOutcome,
    /// Who cooks it.
    pub cook: crate::cooks::CookView,
}

/// Where a slot's vote stands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotOutcome {
    /// Voting is open until `deadline_ms`.
    Open {
        deadline_ms: i64,
    },
    /// Closed without a ballot: no winner. Its plan's proposer may re-open it.
    NoVotes {
        closed_at_ms: i64,
        reopenable: bool,
    },
    /// Closed with every option ruled out for someone eating it
    /// ([`crate::cant_eat::NONE_SUITS`]): no winner, nothing joins the shopping list. Its plan's
    /// proposer may add an option and re-open it.
    NoneSuits {
        closed_at_ms: i64,
        reopenable: bool,
        /// How many options were ruled out (all of them); never whose or why.
        ruled_out: u32,
    },
    Decided(Box<DecidedSlot>),
}

/// A slot with a result, and what is needed to check it by hand.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecidedSlot {
    pub closed_at_ms: i64,
    /// SHA-256 (hex) of the exported ballot file.
    pub digest: String,
    /// The tie-break seed, 32 hex digits.
    pub seed: String,
    /// Where the ballot file downloads from ([`crate::routes::export`]).
    pub export_path: String,
    /// The command that re-counts the downloaded file ([`verify_command`]).
    pub verify_command: String,
    pub result: Decided,
}

/// A re-counted result, in dish names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Decided {
    pub winner: String,
    /// The winner was drawn by lot among options tied for first place.
    pub winner_by_lot: bool,
    /// Some tie, anywhere in the order, was broken by lot.
    pub by_lot: bool,
    /// Ballots counted (by count).
    pub ballots: u64,
    /// The Schulze ranking, best first; options in one tier are tied.
    pub tiers: Vec<Vec<String>>,
    /// The final order, best first, each with why it comes before the next.
    pub order: Vec<Placed>,
    /// One row per option, in the final order; the cells follow the same order.
    pub head_to_head: Vec<HeadToHeadRow>,
    /// For every other option: the winner's strongest path to it, and its strongest path back.
    pub paths: Vec<WinnerPaths>,
    /// The explanation, one sentence per entry.
    pub explanation: Vec<String>,
}

/// One place in the final order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Placed {
    pub dish: String,
    /// Why it comes before the next option; `None` for the last.
    pub ahead_because: Option<String>,
}

/// One row of the head-to-head table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeadToHeadRow {
    pub dish: String,
    /// Against each option in the final order; `None` against itself.
    pub cells: Vec<Option<Score>>,
}

/// Ballots preferring one dish to another (`support`, `d[a][b]`), and the reverse
/// (`opposition`, `d[b][a]`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Score {
    pub support: u64,
    pub opposition: u64,
}

impl Score {
    /// More ballots for than against.
    pub fn won(self) -> bool {
        self.support > self.opposition
    }

    /// Fewer ballots for than against.
    pub fn lost(self) -> bool {
        self.support < self.opposition
    }

    /// The same pair seen from the other side.
    pub(super) fn flipped(self) -> Self {
        Self {
            support: self.opposition,
            opposition: self.support,
        }
    }
}

impl std::fmt::Display for Score {
    /// "3–1", with an en dash.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}–{}", self.support, self.opposition)
    }
}

/// The strongest paths between the winner and one other option.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WinnerPaths {
    pub to: String,
    /// From the winner to `to`; `None` when there is no path.
    pub path: Option<PathView>,
    /// From `to` back to the winner; `None` when there is no path.
    pub back: Option<PathView>,
}

/// A strongest path: its dishes in order, and its weakest step, which is the path's strength.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathView {
    pub dishes: Vec<String>,
    pub weakest: Step,
}

impl PathView {
    /// "Pasta → Curry → Soup".
    pub fn text(&self) -> String {
        self.dishes.join(" → ")
    }
}

/// One step of a path: `from` beat `to` by `score`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub from: String,
    pub to: String,
    pub score: Score,
}

impl std::fmt::Display for Step {
    /// "Pasta over Curry 6–3".
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} over {} {}", self.from, self.to, self.score)
    }
}

/// The ballot file's name when downloaded: `mealvote-<slot id>.json`.
pub fn export_file_name(slot: &SlotId) -> String {
    format!("mealvote-{slot}.json")
}

/// The command that re-counts a downloaded ballot file with its seed.
pub fn verify_command(slot: &SlotId, seed: &str) -> String {
    format!("mealvote tally {} --seed {seed}", export_file_name(slot))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    use crate::plans::explain::and_list;
    use crate::plans::{ResultsError, Verdict, verdict};
    use crate::tally::{BallotInput, Election, Seed, TallyInput, Variant};

    /// Options `a`, `b`, … named by `names`; ballots as (voter, tiers of names, count).
    struct Slot {
        names: BTreeMap<String, String>,
        input: TallyInput,
    }

    fn slot(dishes: &[&str], ballots: &[(&str, &[&[&str]], u64)]) -> Slot {
        let id = |dish: &str| format!("id-{}", dish.to_lowercase().replace(' ', "-"));
        Slot {
            names: dishes.iter().map(|d| (id(d), (*d).to_owned())).collect(),
            input: TallyInput {
                candidates: dishes.iter().map(|d| id(d)).collect(),
                ballots: ballots
                    .iter()
                    .map(|(voter, tiers, count)| BallotInput {
                        id: Some(format!("member-{voter}")),
                        ranking: tiers
                            .iter()
                            .map(|tier| tier.iter().map(|d| id(d)).collect())
                            .collect(),
                        count: *count,
                    })
                    .collect(),
                variant: Some(Variant::WinningLex),
            },
        }
    }

    const SEED: Seed = Seed::from_bytes([7; 16]);

    impl Slot {
        /// The order the store would have stored.
        fn stored_order(&self, seed: Seed) -> Vec<String> {
            let election = Election::try_from(&self.input).unwrap();
            let result = election.tally(Variant::WinningLex).finalize(seed);
            result
                .order
                .iter()
                .map(|id| id.as_str().to_owned())
                .collect()
        }

        fn decided_with(&self, seed: Seed) -> Decided {
            match verdict(&self.input, seed, &self.names, &self.stored_order(seed)).unwrap() {
                Verdict::Decided(decided) => *decided,
                Verdict::NoVotes => panic!("expected a result"),
            }
        }

        fn decided(&self) -> Decided {
            self.decided_with(SEED)
        }
    }

    fn text(decided: &Decided) -> String {
        decided.explanation.join(" ")
    }

    #[test]
    fn a_dish_that_beat_every_other_head_to_head_is_explained_by_its_scores() {
        let slot = slot(
            &["Spaghetti", "Fried rice", "Salad"],
            &[
                ("ann", &[&["Spaghetti"], &["Fried rice"], &["Salad"]], 1),
                ("bob", &[&["Spaghetti"], &["Salad"], &["Fried rice"]], 1),
                ("cy", &[&["Fried rice"], &["Spaghetti"], &["Salad"]], 1),
                ("dee", &[&["Spaghetti"], &["Fried rice"]], 1),
            ],
        );
        let decided = slot.decided();
        assert_eq!(decided.winner, "Spaghetti");
        assert_eq!(
            decided.explanation,
            [
                "4 ballots were counted.",
                "Spaghetti beat Fried rice 3–1 and Salad 4–0."
            ]
        );
        assert!(!decided.by_lot && !decided.winner_by_lot);
        assert_eq!(decided.tiers, [["Spaghetti"], ["Fried rice"], ["Salad"]]);
        assert_eq!(decided.head_to_head[0].dish, "Spaghetti");
        assert_eq!(decided.head_to_head[0].cells[0], None);
        assert_eq!(decided.head_to_head[0].cells[1].unwrap().to_string(), "3–1");
        assert_eq!(decided.head_to_head[1].cells[0].unwrap().to_string(), "1–3");
        let order: Vec<&str> = decided.order.iter().map(|p| p.dish.as_str()).collect();
        assert_eq!(order, ["Spaghetti", "Fried rice", "Salad"]);
        assert_eq!(
            decided.order[0].ahead_because.as_deref(),
            Some("beat Fried rice 3–1")
        );
        assert_eq!(decided.order[2].ahead_because, None);
        // The direct link is the strongest path to each beaten dish.
        assert_eq!(decided.paths[0].to, "Fried rice");
        let path = decided.paths[0].path.as_ref().unwrap();
        assert_eq!(path.text(), "Spaghetti → Fried rice");
        assert_eq!(path.weakest.to_string(), "Spaghetti over Fried rice 3–1");
        assert!(decided.paths[0].back.is_none());
    }

    #[test]
    fn in_a_cycle_the_strongest_path_that_decided_is_named_with_its_weakest_step() {
        // Pasta beats Curry 6–3, Curry beats Soup 7–2, Soup beats Pasta 5–4.
        let slot = slot(
            &["Pasta", "Curry", "Soup"],
            &[
                ("ann", &[&["Pasta"], &["Curry"], &["Soup"]], 4),
                ("bob", &[&["Curry"], &["Soup"], &["Pasta"]], 3),
                ("cy", &[&["Soup"], &["Pasta"], &["Curry"]], 2),
            ],
        );
        let decided = slot.decided();
        assert_eq!(decided.winner, "Pasta");
        assert_eq!(
            decided.explanation,
            [
                "9 ballots were counted.",
                "No dish beat every other head to head, so the strongest paths decided.",
                "Pasta beat Curry 6–3 head to head.",
                "Soup beat Pasta 5–4, but Pasta leads Soup along Pasta → Curry → Soup, whose \
                 weakest step is Pasta over Curry 6–3; the strongest path back, Soup → Pasta, \
                 has a weaker step: Soup over Pasta 5–4."
            ]
        );
        assert!(!decided.by_lot);
        let to_soup = &decided.paths[1];
        assert_eq!(to_soup.to, "Soup");
        assert_eq!(
            to_soup.path.as_ref().unwrap().text(),
            "Pasta → Curry → Soup"
        );
        assert_eq!(to_soup.back.as_ref().unwrap().text(), "Soup → Pasta");
    }

    #[test]
    fn a_tie_broken_by_lot_says_so_and_never_whose_ballot_decided() {
        let slot = slot(
            &["Pasta", "Curry", "Soup"],
            &[
                ("ann", &[&["Pasta"], &["Curry"], &["Soup"]], 1),
                ("bob", &[&["Curry"], &["Pasta"], &["Soup"]], 1),
            ],
        );
        for byte in 0..16 {
            let decided = slot.decided_with(Seed::from_bytes([byte; 16]));
            assert!(decided.winner_by_lot && decided.by_lot);
            let said = text(&decided);
            let loser = if decided.winner == "Pasta" {
                "Curry"
            } else {
                "Pasta"
            };
            assert!(
                said.contains(&format!(
                    "{} and {loser} tied: neither beats the other",
                    decided.winner
                )),
                "{said}"
            );
            assert!(said.contains("The tie was broken by lot"), "{said}");
            assert!(
                said.contains(&format!("the lot put {} first", decided.winner)),
                "{said}"
            );
            assert!(said.contains(&format!("{} beat Soup 2–0", decided.winner)));
            for secret in ["member-", "ann", "bob", "ballot of", "hash"] {
                assert!(!said.contains(secret), "{secret} in {said}");
            }
            assert_eq!(decided.tiers[0].len(), 2, "the tie is visible in the tiers");
            assert!(
                decided.order[0]
                    .ahead_because
                    .as_deref()
                    .unwrap()
                    .ends_with("ahead by lot")
            );
        }
    }

    #[test]
    fn a_single_ballot_decides_by_its_own_ranking() {
        let slot = slot(
            &["Pasta", "Curry", "Soup"],
            &[("ann", &[&["Soup"], &["Pasta"], &["Curry"]], 1)],
        );
        let decided = slot.decided();
        assert_eq!(decided.winner, "Soup");
        assert_eq!(decided.ballots, 1);
        assert_eq!(
            decided.explanation,
            [
                "One ballot was counted.",
                "Soup beat Pasta 1–0 and Curry 1–0."
            ]
        );
    }

    #[test]
    fn a_single_ballot_with_a_tie_lower_down_says_that_part_was_drawn_by_lot() {
        let slot = slot(&["Pasta", "Curry", "Soup"], &[("ann", &[&["Soup"]], 1)]);
        let decided = slot.decided();
        assert_eq!(decided.winner, "Soup");
        assert!(decided.by_lot && !decided.winner_by_lot);
        let said = text(&decided);
        assert!(said.contains("Soup beat "), "{said}");
        assert!(
            said.ends_with(
                "tied further down; their order was drawn by lot, from the result's seed."
            ),
            "{said}"
        );
    }

    #[test]
    fn a_slot_without_ballots_has_no_winner() {
        let slot = slot(&["Pasta", "Curry"], &[]);
        let none: [&str; 0] = [];
        let verdict = verdict(&slot.input, SEED, &slot.names, &none).unwrap();
        assert_eq!(verdict, Verdict::NoVotes);
        assert_eq!(
            NO_VOTES_EXPLANATION,
            "Nobody voted, so this meal has no winner."
        );
    }

    #[test]
    fn a_stored_order_the_recount_does_not_give_is_refused() {
        let slot = slot(
            &["Pasta", "Curry"],
            &[("ann", &[&["Pasta"], &["Curry"]], 1)],
        );
        let wrong = ["id-curry", "id-pasta"];
        let error = verdict(&slot.input, SEED, &slot.names, &wrong).unwrap_err();
        assert!(matches!(error, ResultsError::Disagrees { .. }), "{error}");
        let nobody = slot_without_ballots_claiming_a_winner();
        assert!(matches!(
            verdict(&nobody.input, SEED, &nobody.names, &["id-pasta"]),
            Err(ResultsError::Disagrees { .. })
        ));
    }

    fn slot_without_ballots_claiming_a_winner() -> Slot {
        slot(&["Pasta", "Curry"], &[])
    }

    #[test]
    fn an_option_without_a_dish_name_is_refused_rather_than_shown_as_an_id() {
        let mut slot = slot(
            &["Pasta", "Curry"],
            &[("ann", &[&["Pasta"], &["Curry"]], 1)],
        );
        let order = slot.stored_order(SEED);
        slot.names.remove("id-curry");
        assert!(matches!(
            verdict(&slot.input, SEED, &slot.names, &order),
            Err(ResultsError::UnnamedOption(_))
        ));
    }

    #[test]
    fn the_verify_command_names_the_downloaded_file_and_the_seed() {
        let slot = SlotId::try_from("5f0e8b7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b".to_owned()).unwrap();
        assert_eq!(
            verify_command(&slot, "00ff"),
            "mealvote tally mealvote-5f0e8b7a-1c2d-4e3f-8a9b-0c1d2e3f4a5b.json --seed 00ff"
        );
    }

    #[test]
    fn lists_read_as_sentences() {
        let list =
            |items: &[&str]| and_list(&items.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(list(&["A"]), "A");
        assert_eq!(list(&["A", "B"]), "A and B");
        assert_eq!(list(&["A", "B", "C"]), "A, B and C");
    }
}
