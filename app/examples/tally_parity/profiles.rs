//! Random tally profiles from a fixed-seed generator, shared by the native example and the wasm
//! test so both compute the same profiles (`scripts/test-wasm-parity` compares their output).

use app::tally::{BallotInput, Seed, TallyInput, Variant, recount};

pub const PROFILES: u64 = 300;

/// `parity INDEX RESULT`: the compact JSON re-count of profile `index`, or its error message.
pub fn parity_line(index: u64) -> String {
    let (input, variant, seed) = profile(index);
    let result = match recount(&input, Some(variant), Some(seed)) {
        Ok(output) => {
            serde_json::to_string(&output).unwrap_or_else(|e| format!("unprintable: {e}"))
        }
        Err(error) => format!("error: {error}"),
    };
    format!("parity {index} {result}")
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
