//! Which of a slot's options may win it (docs/tally.md, "Eligibility"): pure, so the close on the
//! server, the re-count on every results view and the ballot page's live preview in the browser
//! apply the same rules. The tally then runs over the eligible options only, every ballot
//! restricted to them ([`crate::tally::TallyInput::restricted_to`]).
//!
//! Two reasons take an option out. A **veto** ("ruled out for someone eating this meal") always
//! does, and a vetoed option never comes back. **No repeats**: in a plan that forbids repeats, an
//! option whose dish already won an earlier meal of the plan is taken out, unless that would
//! leave nothing: then every option that is not vetoed is eligible again ("every option has
//! already won this week").

use std::collections::BTreeSet;

use crate::ids::OptionId;

/// What decides a slot's eligible options.
#[derive(Clone, Copy, Debug)]
pub struct EligibilityInput<'a> {
    /// The slot's options, in the slot's order.
    pub options: &'a [OptionId],
    /// This slot's options whose dish already won an earlier slot of the plan.
    pub won_earlier: &'a BTreeSet<OptionId>,
    /// Options ruled out for someone eating this meal.
    pub vetoed: &'a BTreeSet<OptionId>,
    /// The plan forbids a dish winning twice.
    pub no_repeats: bool,
}

/// The options that may win, and why the others may not.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Eligibility {
    /// The options that may win, in the slot's order.
    pub eligible: Vec<OptionId>,
    /// Options taken out because they already won an earlier slot (empty after a fallback).
    pub repeats_excluded: Vec<OptionId>,
    /// How many options were vetoed.
    pub vetoed_count: usize,
    /// Every option left after the vetoes had already won: they all came back.
    pub fell_back: bool,
}

/// Applies the rules: vetoes first (never undone), then, with `no_repeats`, earlier winners,
/// falling back to every option that is not vetoed when that would leave none. Everything
/// vetoed leaves `eligible` empty: the slot then has no option that suits everyone eating.
pub fn eligibility(input: &EligibilityInput) -> Eligibility {
    let allowed: Vec<OptionId> = input
        .options
        .iter()
        .filter(|option| !input.vetoed.contains(option))
        .cloned()
        .collect();
    let vetoed_count = input.options.len() - allowed.len();
    if !input.no_repeats {
        return Eligibility {
            eligible: allowed,
            vetoed_count,
            ..Eligibility::default()
        };
    }
    let (repeats, fresh): (Vec<OptionId>, Vec<OptionId>) = allowed
        .iter()
        .cloned()
        .partition(|option| input.won_earlier.contains(option));
    if fresh.is_empty() && !allowed.is_empty() {
        return Eligibility {
            eligible: allowed,
            repeats_excluded: Vec::new(),
            vetoed_count,
            fell_back: true,
        };
    }
    Eligibility {
        eligible: fresh,
        repeats_excluded: repeats,
        vetoed_count,
        fell_back: false,
    }
}

/// What the results page says when every option had already won.
pub const FELL_BACK_SENTENCE: &str =
    "Every dish could win again: every option has already won this week.";

/// The first sentence of a result's explanation: how many ballots counted, and who was out.
pub fn counted_sentence(ballots: u64, out: &[String]) -> String {
    let counted = match ballots {
        1 => "One ballot was counted".to_owned(),
        n => format!("{n} ballots were counted"),
    };
    match out.len() {
        0 => format!("{counted}."),
        1 => format!("{counted} ({} is out).", out[0]),
        _ => format!("{counted} ({} are out).", super::explain::and_list(out)),
    }
}

/// The sentence naming the dishes a no-repeat plan took out, if any.
pub fn repeats_sentence(dishes: &[String]) -> Option<String> {
    match dishes.len() {
        0 => None,
        1 => Some(format!(
            "{} could not win: it already won an earlier meal this week.",
            dishes[0]
        )),
        _ => Some(format!(
            "{} could not win: they already won earlier meals this week.",
            super::explain::and_list(dishes)
        )),
    }
}

/// A decided slot's explanation with who was out and what could not win: the first sentence
/// ([`counted_sentence`]) names the members who were out; how many options were ruled out for
/// someone eating (never whose or why, [`crate::cant_eat::ruled_out_sentence`]) and the no-repeat
/// sentences follow it.
pub fn annotate(
    decided: &mut super::Decided,
    out: &[String],
    repeats: &[String],
    fell_back: bool,
    ruled_out: usize,
) {
    let mut notes = vec![counted_sentence(decided.ballots, out)];
    notes.extend(crate::cant_eat::ruled_out_sentence(ruled_out));
    notes.extend(repeats_sentence(repeats));
    if fell_back {
        notes.push(FELL_BACK_SENTENCE.to_owned());
    }
    let rest = decided
        .explanation
        .split_off(decided.explanation.len().min(1));
    decided.explanation = notes;
    decided.explanation.extend(rest);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(i: u8) -> OptionId {
        OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap()
    }

    fn set(ids: &[u8]) -> BTreeSet<OptionId> {
        ids.iter().map(|&i| id(i)).collect()
    }

    fn run(options: &[u8], won: &[u8], vetoed: &[u8], no_repeats: bool) -> Eligibility {
        let options: Vec<OptionId> = options.iter().map(|&i| id(i)).collect();
        eligibility(&EligibilityInput {
            options: &options,
            won_earlier: &set(won),
            vetoed: &set(vetoed),
            no_repeats,
        })
    }

    #[test]
    fn earlier_winners_are_taken_out_only_in_a_no_repeat_plan() {
        let out = run(&[1, 2, 3], &[2], &[], true);
        assert_eq!(out.eligible, [id(1), id(3)]);
        assert_eq!(out.repeats_excluded, [id(2)]);
        assert!(!out.fell_back);
        let allowed = run(&[1, 2, 3], &[2], &[], false);
        assert_eq!(allowed.eligible, [id(1), id(2), id(3)]);
        assert!(allowed.repeats_excluded.is_empty());
    }

    #[test]
    fn when_every_option_has_won_they_all_come_back_but_vetoes_stay_out() {
        let out = run(&[1, 2, 3], &[1, 2], &[3], true);
        assert_eq!(out.eligible, [id(1), id(2)]);
        assert!(out.fell_back);
        assert!(out.repeats_excluded.is_empty());
        assert_eq!(out.vetoed_count, 1);
    }

    #[test]
    fn everything_vetoed_leaves_nothing_and_is_no_fallback() {
        let out = run(&[1, 2], &[1], &[1, 2], true);
        assert!(out.eligible.is_empty());
        assert!(!out.fell_back);
        assert_eq!(out.vetoed_count, 2);
    }

    #[test]
    fn the_sentences_name_who_is_out_and_what_could_not_win() {
        assert_eq!(counted_sentence(3, &[]), "3 ballots were counted.");
        assert_eq!(
            counted_sentence(3, &["Bob".to_owned()]),
            "3 ballots were counted (Bob is out)."
        );
        assert_eq!(
            counted_sentence(1, &["Bob".to_owned(), "Cy".to_owned()]),
            "One ballot was counted (Bob and Cy are out)."
        );
        assert_eq!(
            repeats_sentence(&["Curry".to_owned()]).unwrap(),
            "Curry could not win: it already won an earlier meal this week."
        );
        assert_eq!(repeats_sentence(&[]), None);
    }
}
