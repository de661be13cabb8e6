//! Counting a closed slot's ballots into its ballot file and result: what a close stores, and
//! what `mealvote tally FILE --seed SEED` and the re-count on read (`recount.rs`) count again.

use std::collections::BTreeMap;

use app::{
    ids::{OptionId, SlotId},
    plans::Ranking,
    tally::{self, BallotInput, Election, Seed, TallyInput, Variant},
};
use serde::{Deserialize, Serialize};

use crate::{db::StoreError, digest::sha256_hex};

/// Ballots are counted with this link strength (`winning_lex`, docs/tally.md "Link strength (variants)").
const VARIANT: Variant = Variant::WinningLex;

/// The ballot file format a close writes: 2 records who ate and which options could win.
pub const FORMAT: u32 = 2;

/// The ballot file of a closed slot: the tally's input shape (`candidates`, `ballots`,
/// `variant`), plus what is needed to check the seed and to read the ids. Format 1 (no `format`
/// field) counts every candidate; format 2 adds `attendance` and `eligibility`, and is counted
/// over `eligibility.eligible` only, every ballot restricted to them ([`Self::counted_input`];
/// `mealvote tally` does the same).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotFile {
    #[serde(default = "format_one")]
    pub format: u32,
    #[serde(flatten)]
    pub input: TallyInput,
    pub slot: SlotId,
    pub closed_at_ms: i64,
    pub seed: Seed,
    /// The secret drawn when the slot closed and committed into its seed
    /// ([`tally::derive_salted_seed`]); absent from files closed before there was one, whose seed
    /// is [`tally::derive_seed`]'s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub salt: Option<String>,
    /// Option id → dish name.
    pub options: BTreeMap<String, String>,
    /// Who ate (format 2): only their ballots are in `ballots`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attendance: Option<Attendance>,
    /// Which options could win (format 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eligibility: Option<EligibilityRecord>,
}

fn format_one() -> u32 {
    1
}

/// Who ate a meal when it closed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attendance {
    /// The attendees' member ids, sorted.
    pub attendees: Vec<String>,
    /// Members who said "I'm out": member id → name, for the explanation.
    pub out: BTreeMap<String, String>,
    pub guests: i64,
}

/// The options that could win, and why the others could not (`app::plans::eligibility`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EligibilityRecord {
    /// Option ids, in the slot's order.
    pub eligible: Vec<String>,
    /// Options whose dish won an earlier meal of a no-repeat plan.
    pub repeats_excluded: Vec<String>,
    #[serde(default)]
    pub vetoed_count: usize,
    /// Every option had won already, so all came back.
    pub fell_back: bool,
}

impl BallotFile {
    /// What the result counts: every ballot over the eligible options only (format 2), or the
    /// file's input as it is (format 1).
    pub fn counted_input(&self) -> TallyInput {
        match &self.eligibility {
            Some(record) => self.input.restricted_to(&record.eligible),
            None => self.input.clone(),
        }
    }

    /// The seed derived from the file itself: its slot, close time, salt (when it has one) and
    /// ballots. It equals [`Self::seed`] for every file a close wrote.
    pub fn derived_seed(&self) -> Result<Seed, tally::TallyError> {
        let election = Election::try_from(&self.input)?;
        let slot = self.slot.as_str();
        Ok(match &self.salt {
            Some(salt) => tally::derive_salted_seed(slot, self.closed_at_ms, &election, salt),
            None => tally::derive_seed(slot, self.closed_at_ms, &election),
        })
    }
}

/// A fresh salt for a closing slot's seed: 16 random bytes as 32 hex digits. Drawn at the close,
/// so before it nobody (no page, export or server function) can know it.
pub(crate) fn new_salt() -> Result<String, StoreError> {
    let mut bytes = [0_u8; 16];
    getrandom::fill(&mut bytes).map_err(|_| StoreError::Corrupt("salt (no randomness)"))?;
    Ok(crate::digest::hex(&bytes))
}

/// The counted result of one slot's ballots, ready to store.
pub(crate) struct Counted {
    pub order: Vec<OptionId>,
    pub seed: Seed,
    pub tie_break: String,
    pub by_lot: bool,
    pub export: String,
    pub digest: String,
}

/// Who ate and what could win: the parts of a format-2 ballot file a close knows beside the
/// ballots.
pub(crate) struct Context {
    pub attendance: Attendance,
    pub eligibility: EligibilityRecord,
}

/// Counts the slot's ballots (the attendees') with the shared tally over the eligible options,
/// the lot seeded with `salt` committed in. Ranked ids that are not (or no longer) the slot's
/// options are dropped, so a ballot always counts for what it says about the options. The seed
/// is derived from every option and ballot as cast, so with every option eligible the seed,
/// order and tie-break are exactly those of an unrestricted count.
pub(crate) fn count_ballots(
    slot: &str,
    closed_at_ms: i64,
    salt: &str,
    options: &[(String, String)],
    ballots: &[(String, String)],
    context: Context,
) -> Result<Counted, StoreError> {
    let is_option = |id: &OptionId| options.iter().any(|(option, _)| option == id.as_str());
    let mut inputs = Vec::with_capacity(ballots.len());
    for (user, ranking) in ballots {
        let ranking: Ranking =
            serde_json::from_str(ranking).map_err(|_| StoreError::Corrupt("ballots.ranking"))?;
        let tiers: Vec<Vec<String>> = ranking
            .tiers()
            .iter()
            .map(|tier| {
                tier.iter()
                    .filter(|id| is_option(id))
                    .map(|id| id.as_str().to_owned())
                    .collect::<Vec<_>>()
            })
            .filter(|tier| !tier.is_empty())
            .collect();
        inputs.push(BallotInput {
            id: Some(user.clone()),
            ranking: tiers,
            count: 1,
        });
    }
    let input = TallyInput {
        candidates: options.iter().map(|(id, _)| id.clone()).collect(),
        ballots: inputs,
        variant: Some(VARIANT),
    };
    let election = Election::try_from(&input).map_err(|error| {
        tracing::error!(%error, slot, "stored ballots do not make an election");
        StoreError::Corrupt("ballots.ranking")
    })?;
    let seed = tally::derive_salted_seed(slot, closed_at_ms, &election, salt);
    let counted = input.restricted_to(&context.eligibility.eligible);
    let (order, tie_break, by_lot) = if input.ballots.is_empty() || counted.candidates.is_empty() {
        (Vec::new(), "null".to_owned(), false)
    } else {
        let result = Election::try_from(&counted)
            .map_err(|_| StoreError::Corrupt("slot_results.export"))?
            .tally(VARIANT)
            .finalize(seed);
        let tie_break = serde_json::to_string(&result.tie_break)
            .map_err(|_| StoreError::Corrupt("slot_results.tie_break"))?;
        let order = result
            .order
            .iter()
            .map(|id| OptionId::from_stored(id.as_str().to_owned()))
            .collect();
        (order, tie_break, result.tie_break.by_lot())
    };
    let file = BallotFile {
        format: FORMAT,
        input,
        slot: SlotId::from_stored(slot.to_owned()),
        closed_at_ms,
        seed,
        salt: Some(salt.to_owned()),
        options: options.iter().cloned().collect(),
        attendance: Some(context.attendance),
        eligibility: Some(context.eligibility),
    };
    let export = serde_json::to_string_pretty(&file)
        .map_err(|_| StoreError::Corrupt("slot_results.export"))?;
    let digest = sha256_hex(export.as_bytes());
    Ok(Counted {
        order,
        seed,
        tie_break,
        by_lot,
        export,
        digest,
    })
}
