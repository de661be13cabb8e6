//! The JSON re-count: what `mealvote tally` prints for an exported ballot file.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{
    CandidateId, Election, Explanation, FinalResult, Seed, Strength, TallyError, TallyInput,
    TieBreak, Variant,
};

/// `table[a][b]` for every pair of distinct candidates.
pub type Table<T> = BTreeMap<CandidateId, BTreeMap<CandidateId, T>>;

/// The full result of a re-count. Maps are keyed by candidate id and, like every list of
/// candidates here, sorted by id, so the same ballots always print the same bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecountOutput {
    pub variant: Variant,
    pub winners: Vec<CandidateId>,
    pub ranking: Vec<Vec<CandidateId>>,
    /// `pairwise[a][b]` = `d[a][b]`.
    pub pairwise: Table<u64>,
    /// `strongest_paths[a][b]` = `p[a][b]`; `[support, opposition]` for `winning_lex`.
    pub strongest_paths: Table<Strength>,
    /// With a seed: the tie-broken linear order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<Vec<CandidateId>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tie_break: Option<TieBreak>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explanation: Option<Explanation>,
}

/// Validates `input` and tallies it with `variant_override`, else the input's variant, else
/// `winning_lex`; with a seed, also finalizes the order.
pub fn recount(
    input: &TallyInput,
    variant_override: Option<Variant>,
    seed: Option<Seed>,
) -> Result<RecountOutput, TallyError> {
    let election = Election::try_from(input)?;
    let variant = variant_override.or(input.variant).unwrap_or_default();
    let tally = election.tally(variant);
    let candidates = tally.candidates();
    let (order, tie_break, explanation) = match seed.map(|seed| tally.finalize(seed)) {
        Some(FinalResult {
            order,
            tie_break,
            explanation,
        }) => (Some(order), Some(tie_break), Some(explanation)),
        None => (None, None, None),
    };
    Ok(RecountOutput {
        variant,
        winners: tally.potential_winners(),
        ranking: tally.ranking(),
        pairwise: table(candidates, |a, b| tally.pairwise.get(a, b)),
        strongest_paths: table(candidates, |a, b| tally.strength(tally.paths.get(a, b))),
        order,
        tie_break,
        explanation,
    })
}

fn table<T>(candidates: &[CandidateId], value: impl Fn(usize, usize) -> T) -> Table<T> {
    let row = |a: usize| {
        let others = candidates.iter().enumerate().filter(|&(b, _)| b != a);
        others.map(|(b, id)| (id.clone(), value(a, b))).collect()
    };
    candidates
        .iter()
        .enumerate()
        .map(|(a, id)| (id.clone(), row(a)))
        .collect()
}
