//! The re-count check on read: a closed slot's stored result is shown only after its stored
//! ballot file counts to it again, with the same tally the close used (`app::tally`).

use app::{
    error::AppError,
    ids::{HouseholdId, OptionId},
    plans::{Decided, DecidedSlot, SlotOutcome, Verdict, annotate, verdict, verify_command},
};

use super::count::BallotFile;
use crate::{digest::sha256_hex, plans::StoredOutcome};

/// Adds who was out and what could not win (a format-2 file) to the explanation: how many options
/// were ruled out, never whose or why.
fn explain_eligibility(result: &mut Decided, file: &BallotFile) {
    let mut out: Vec<String> = file
        .attendance
        .iter()
        .flat_map(|attendance| attendance.out.values().cloned())
        .collect();
    out.sort_by_key(|name| name.to_lowercase());
    let (repeats, fell_back, ruled_out) = match &file.eligibility {
        Some(record) => (
            record
                .repeats_excluded
                .iter()
                .filter_map(|id| file.options.get(id).cloned())
                .collect(),
            record.fell_back,
            record.vetoed_count,
        ),
        None => (Vec::new(), false, 0),
    };
    annotate(result, &out, &repeats, fell_back, ruled_out);
}

/// A closed slot as the results page shows it: re-counted from its stored ballot file, which
/// must match its digest, seed, order and winner. Anything else is logged and answered as an
/// internal error, so a page never shows a result that disagrees with the stored one.
pub fn outcome_view(
    household: &HouseholdId,
    stored: &StoredOutcome,
    reopenable: bool,
) -> Result<SlotOutcome, AppError> {
    let disagrees = |what: &str| {
        tracing::error!(slot = %stored.slot, what, "a stored result does not re-count");
        AppError::Internal
    };
    if sha256_hex(stored.export.as_bytes()) != stored.digest {
        return Err(disagrees("the ballot file does not match its digest"));
    }
    let file = stored.ballot_file()?;
    if file.seed != stored.seed || file.slot != stored.slot {
        return Err(disagrees("the ballot file names another seed or slot"));
    }
    if file.derived_seed().ok() != Some(stored.seed) {
        return Err(disagrees("the seed does not derive from the ballot file"));
    }
    let order: Vec<&str> = stored.order.iter().map(OptionId::as_str).collect();
    if stored.winner.as_ref().map(OptionId::as_str) != order.first().copied() {
        return Err(disagrees("the winner is not first in the order"));
    }
    // Every option ruled out for someone eating: no winner, whatever the ballots said.
    if let Some(record) = &file.eligibility
        && record.eligible.is_empty()
        && record.vetoed_count > 0
    {
        if !order.is_empty() {
            return Err(disagrees(
                "a result without an eligible option has an order",
            ));
        }
        return Ok(SlotOutcome::NoneSuits {
            closed_at_ms: stored.closed_at_ms,
            reopenable,
            ruled_out: u32::try_from(record.vetoed_count).unwrap_or(u32::MAX),
        });
    }
    match verdict(&file.counted_input(), stored.seed, &file.options, &order) {
        Ok(Verdict::NoVotes) => Ok(SlotOutcome::NoVotes {
            closed_at_ms: stored.closed_at_ms,
            reopenable,
        }),
        Ok(Verdict::Decided(mut result)) => {
            explain_eligibility(&mut result, &file);
            let seed = stored.seed.to_string();
            Ok(SlotOutcome::Decided(Box::new(DecidedSlot {
                closed_at_ms: stored.closed_at_ms,
                digest: stored.digest.clone(),
                export_path: app::routes::export(household, &stored.slot),
                verify_command: verify_command(&stored.slot, &seed),
                seed,
                result: *result,
            })))
        }
        Err(error) => Err(disagrees(&error.to_string())),
    }
}
