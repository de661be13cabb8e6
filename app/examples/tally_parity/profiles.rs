//! Random tally profiles from a fixed-seed generator, shared by the native example and the wasm
//! test so both compute the same profiles (`scripts/test-wasm-parity` compares their output).

use std::collections::BTreeSet;

use app::{
    ids::OptionId,
    plans::{EligibilityInput, eligibility},
    tally::{BallotInput, Seed, TallyInput, Variant, recount},
};

pub const PROFILES: u64 = 300;

/// `parity INDEX RESULT ELIGIBLE`: the compact JSON re-count of profile `index` (or its error
/// message), then the re-count of the same profile as a meal with eligibility ([`eligible`]).
pub fn parity_line(index: u64) -> String {
    let (input, variant, seed) = profile(index);
    let result = counted(&input, variant, seed);
    let restricted = counted(
        &input.restricted_to(&eligible(&input, index)),
        variant,
        seed,
    );
    format!("parity {index} {result} eligible {restricted}")
}

fn counted(input: &TallyInput, variant: Variant, seed: Seed) -> String {
    match recount(input, Some(variant), Some(seed)) {
        Ok(output) => {
            serde_json::to_string(&output).unwrap_or_else(|e| format!("unprintable: {e}"))
        }
        Err(error) => format!("error: {error}"),
    }
}

/// The options that may win profile `index` as a meal of a no-repeat plan (the one rule,
/// `app::plans::eligibility`): every third option vetoed (none on every third profile), and
/// every fourth option's dish won an earlier meal, so vetoes, exclusions and the fall-back when
/// nothing new is left are all met.
fn eligible(input: &TallyInput, index: u64) -> Vec<String> {
    // Option ids as the store writes them (UUIDs), one per candidate, in the candidates' order.
    let options: Vec<OptionId> = (0..input.candidates.len())
        .map(|i| OptionId::try_from(format!("00000000-0000-4000-8000-{i:012}")).expect("a UUID"))
        .collect();
    let vetoed: BTreeSet<OptionId> = if index.is_multiple_of(3) {
        BTreeSet::new()
    } else {
        options
            .iter()
            .skip((index % 3) as usize)
            .step_by(3)
            .cloned()
            .collect()
    };
    let won_earlier: BTreeSet<OptionId> = options.iter().skip(1).step_by(4).cloned().collect();
    let eligible = eligibility(&EligibilityInput {
        options: &options,
        won_earlier: &won_earlier,
        vetoed: &vetoed,
        no_repeats: index.is_multiple_of(2),
    })
    .eligible;
    options
        .iter()
        .zip(&input.candidates)
        .filter(|(id, _)| eligible.contains(id))
        .map(|(_, name)| name.clone())
        .collect()
}

/// Names that sort differently as bytes than by eye, including multi-byte UTF-8.
const NAMES: [&str; 12] = [
    "pasta",
    "Curry",
    "soup",
    "crème brûlée",
    "tacos",
    "🍜 ramen",
    "salad",
    "Pizza",
    "stew",
    "dal",
    "çorba",
    "10 sushi",
];

/// Profile `index`: up to 12 options (30 on every tenth), up to 12 ballots (20 on every tenth)
/// with ties, truncation, weights (some above a `u8`) and missing ids; every 25th profile names
/// an unknown option so error messages are compared too.
pub fn profile(index: u64) -> (TallyInput, Variant, Seed) {
    let mut random = SplitMix(index);
    let large = index % 10 == 9;
    let options = if large {
        30
    } else {
        1 + random.below(NAMES.len())
    };
    let candidates: Vec<String> = (0..options)
        .map(|c| match NAMES.get(c) {
            Some(name) => (*name).to_owned(),
            None => format!("option {c}"),
        })
        .collect();
    let voters = if large { 20 } else { random.below(13) };
    let mut ballots: Vec<BallotInput> = (0..voters)
        .map(|voter| ballot(&mut random, &candidates, voter))
        .collect();
    if index % 25 == 24
        && let Some(ballot) = ballots.first_mut()
    {
        ballot.ranking.push(vec!["nobody's dish".to_owned()]);
    }
    let variant = Variant::ALL[random.below(3)];
    let seed = Seed::from_bytes(core::array::from_fn(|_| random.below(256) as u8));
    let input = TallyInput {
        candidates,
        ballots,
        variant: None,
    };
    (input, variant, seed)
}

fn ballot(random: &mut SplitMix, candidates: &[String], voter: usize) -> BallotInput {
    let tiers = 1 + random.below(candidates.len());
    let mut ranking = vec![Vec::new(); tiers];
    for candidate in candidates {
        // One in five options is left unlisted.
        let slot = random.below(tiers + tiers.div_ceil(4));
        if let Some(tier) = ranking.get_mut(slot) {
            tier.push(candidate.clone());
        }
    }
    let count = match random.below(20) {
        0 => 0,
        1 => 300,
        n => 1 + n as u64 % 3,
    };
    BallotInput {
        id: (random.below(5) > 0).then(|| format!("member-{voter}")),
        ranking,
        count,
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): one `u64` of state, so profile `i` needs no others.
struct SplitMix(u64);

impl SplitMix {
    fn below(&mut self, bound: usize) -> usize {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) % bound as u64) as usize
    }
}
