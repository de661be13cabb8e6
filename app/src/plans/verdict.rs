//! Re-counting a closed slot before its result is shown: [`verdict`] refuses a result that
//! disagrees with the stored order, so a page never shows what was not decided.

use std::collections::BTreeMap;

use super::{explain::Explainer, results::Decided};
use crate::tally::{Election, Seed, TallyError, TallyInput};

/// A closed slot, re-counted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Nobody voted: no winner ([`NO_VOTES_EXPLANATION`](super::NO_VOTES_EXPLANATION)).
    NoVotes,
    Decided(Box<Decided>),
}

/// Why a stored result cannot be shown. Every case is a fault on the server's side.
#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("the stored ballot file does not count: {0}")]
    Tally(#[from] TallyError),
    #[error("the stored ballot file names no dish for option {0}")]
    UnnamedOption(String),
    #[error("the re-count gives {recounted:?}, the stored order is {stored:?}")]
    Disagrees {
        stored: Vec<String>,
        recounted: Vec<String>,
    },
}

/// Re-counts a closed slot's ballots (`input`, with the stored `seed`; `names`: option id →
/// dish name) and explains the result, provided the re-count gives `stored_order` exactly.
pub fn verdict(
    input: &TallyInput,
    seed: Seed,
    names: &BTreeMap<String, String>,
    stored_order: &[impl AsRef<str>],
) -> Result<Verdict, ResultsError> {
    let stored: Vec<String> = stored_order
        .iter()
        .map(|id| id.as_ref().to_owned())
        .collect();
    if input.ballots.is_empty() {
        // The store keeps no order for a slot nobody voted on.
        return if stored.is_empty() {
            Ok(Verdict::NoVotes)
        } else {
            Err(ResultsError::Disagrees {
                stored,
                recounted: Vec::new(),
            })
        };
    }
    let election = Election::try_from(input)?;
    let tally = election.tally(input.variant.unwrap_or_default());
    let result = tally.finalize(seed);
    let recounted: Vec<String> = result
        .order
        .iter()
        .map(|id| id.as_str().to_owned())
        .collect();
    if recounted != stored {
        return Err(ResultsError::Disagrees { stored, recounted });
    }
    for id in tally.candidates() {
        if !names.contains_key(id.as_str()) {
            return Err(ResultsError::UnnamedOption(id.as_str().to_owned()));
        }
    }
    let explainer = Explainer {
        tally: &tally,
        result: &result,
        names,
        ballots: election.total_count(),
    };
    Ok(Verdict::Decided(Box::new(explainer.decided())))
}
