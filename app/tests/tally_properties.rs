//! Properties of the tally that must hold on every profile (docs/tally.md "Tie-break for the final result" lists most of them).
//! Native only: proptest does not build for wasm32 (the wasm side is `wasm_parity.rs`).
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use app::tally::{
    BallotInput, BallotLabel, CandidateId, Election, MAX_TOTAL_COUNT, Seed, TallyError, TallyInput,
    Variant, recount,
};
use proptest::{collection::vec, option, prelude::*, sample::Index};

/// A profile as the tests build it: each vote gives every candidate a rank (smaller is better)
/// or leaves it unlisted (`None`), which ties it below everything listed.
#[derive(Debug, Clone)]
struct Profile {
    candidates: Vec<String>,
    votes: Vec<Vote>,
}

#[derive(Debug, Clone)]
struct Vote {
    id: Option<String>,
    ranks: Vec<Option<u8>>,
    count: u64,
}

impl Vote {
    /// Comparable rank of candidate `c`: unlisted sorts after every listed rank.
    fn rank(&self, c: usize) -> u16 {
        self.ranks[c].map_or(u16::MAX, u16::from)
    }
}

impl Profile {
    fn input(&self) -> TallyInput {
        let ballots = self.votes.iter().map(|vote| {
            let listed: BTreeSet<u8> = vote.ranks.iter().flatten().copied().collect();
            let ranking = listed
                .iter()
                .map(|&rank| {
                    let tier = (0..self.candidates.len()).filter(|&c| vote.ranks[c] == Some(rank));
                    tier.map(|c| self.candidates[c].clone()).collect()
                })
                .collect();
            BallotInput {
                id: vote.id.clone(),
                ranking,
                count: vote.count,
            }
        });
        TallyInput {
            candidates: self.candidates.clone(),
            ballots: ballots.collect(),
            variant: None,
        }
    }

    fn election(&self) -> Election {
        Election::try_from(&self.input()).expect("generated profiles are valid")
    }

    /// `d[a][b]`, counted the obvious way.
    fn support(&self, a: usize, b: usize) -> u64 {
        let above = self.votes.iter().filter(|vote| vote.rank(a) < vote.rank(b));
        above.map(|vote| vote.count).sum()
    }

    fn id(&self, c: usize) -> CandidateId {
        CandidateId::new(self.candidates[c].as_str()).expect("non-empty")
    }

    fn index(&self, id: &CandidateId) -> usize {
        let position = self.candidates.iter().position(|c| c == id.as_str());
        position.expect("a known candidate")
    }
}

fn name(c: usize) -> String {
    // Names whose sorted order is not the generation order.
    format!(
        "{}-option",
        [
            "pasta", "curry", "soup", "tacos", "salad", "ramen", "pizza", "stew"
        ][c]
    )
}

/// Up to `max_candidates` options and `max_votes` votes with ties, truncation, weights
/// `0..=max_count`, and ids on most votes.
fn profile(
    max_candidates: usize,
    max_votes: usize,
    max_count: u64,
) -> impl Strategy<Value = Profile> {
    (1..=max_candidates).prop_flat_map(move |n| {
        let ranks = vec(option::weighted(0.85, 0..n as u8), n);
        let vote = (prop::bool::weighted(0.8), ranks, 0..=max_count);
        vec(vote, 0..=max_votes).prop_map(move |votes| Profile {
            candidates: (0..n).map(name).collect(),
            votes: votes
                .into_iter()
                .enumerate()
                .map(|(i, (named, ranks, count))| Vote {
                    id: named.then(|| format!("member-{i}")),
                    ranks,
                    count,
                })
                .collect(),
        })
    })
}

/// Every vote ranks every option, no ties.
fn strict_profile(max_candidates: usize, max_votes: usize) -> impl Strategy<Value = Profile> {
    (2..=max_candidates).prop_flat_map(move |n| {
        let order = Just((0..n as u8).collect::<Vec<_>>()).prop_shuffle();
        vec((order, 1..=3u64), 1..=max_votes).prop_map(move |votes| Profile {
            candidates: (0..n).map(name).collect(),
            votes: votes
                .into_iter()
                .enumerate()
                .map(|(i, (order, count))| Vote {
                    id: Some(format!("member-{i}")),
                    ranks: order.into_iter().map(Some).collect(),
                    count,
                })
                .collect(),
        })
    })
}

fn seed() -> impl Strategy<Value = Seed> {
    any::<[u8; 16]>().prop_map(Seed::from_bytes)
}

fn variant() -> impl Strategy<Value = Variant> {
    prop::sample::select(Variant::ALL.to_vec())
}

fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// A permutation of `items` drawn from `seed` (xorshift64 driving Fisher–Yates).
fn shuffled<T>(mut items: Vec<T>, seed: &mut u64) -> Vec<T> {
    for i in (1..items.len()).rev() {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        items.swap(i, (*seed % (i as u64 + 1)) as usize);
    }
    items
}

proptest! {
    #![proptest_config(config(200))]

    #[test]
    fn the_fast_pairwise_count_equals_counting_each_pair_directly(
        profile in profile(7, 40, 300),
    ) {
        // Weights up to 300 over 40 votes cross the 255-vote blocks and the heavy-ballot path.
        let election = profile.election();
        let pairwise = election.pairwise();
        for a in 0..profile.candidates.len() {
            for b in 0..profile.candidates.len() {
                prop_assert_eq!(pairwise.support(&profile.id(a), &profile.id(b)), profile.support(a, b));
            }
        }
    }

    #[test]
    fn a_condorcet_winner_wins_alone(profile in profile(5, 9, 3), variant in variant()) {
        let n = profile.candidates.len();
        let winner = (0..n).find(|&w| (0..n).all(|o| o == w || profile.support(w, o) > profile.support(o, w)));
        prop_assume!(winner.is_some());
        let election = profile.election();
        let tally = election.tally(variant);
        prop_assert_eq!(tally.potential_winners(), vec![profile.id(winner.unwrap_or_default())]);
    }

    #[test]
    fn permuting_candidates_ballots_and_tiers_changes_nothing(
        profile in profile(6, 8, 3),
        variant in variant(),
        seed in seed(),
        mut shuffle in any::<u64>().prop_map(|s| s | 1),
    ) {
        let input = profile.input();
        let mut permuted = input.clone();
        permuted.candidates = shuffled(permuted.candidates, &mut shuffle);
        permuted.ballots = shuffled(permuted.ballots, &mut shuffle);
        for ballot in &mut permuted.ballots {
            for tier in &mut ballot.ranking {
                *tier = shuffled(std::mem::take(tier), &mut shuffle);
            }
        }
        let original = recount(&input, Some(variant), Some(seed)).map(|out| serde_json::to_string(&out).ok());
        let permuted = recount(&permuted, Some(variant), Some(seed)).map(|out| serde_json::to_string(&out).ok());
        prop_assert_eq!(original, permuted);
    }

    #[test]
    fn raising_a_potential_winner_on_one_ballot_keeps_it_a_potential_winner(
        profile in profile(5, 8, 3),
        variant in variant(),
        pick_winner in any::<Index>(),
        pick_vote in any::<Index>(),
        join_the_tier_above in any::<bool>(),
    ) {
        prop_assume!(!profile.votes.is_empty());
        let winners = profile.election().tally(variant).potential_winners();
        let winner = profile.index(pick_winner.get(&winners));
        let mut raised = profile.clone();
        let vote = &mut raised.votes[pick_vote.index(profile.votes.len())];
        raise(&mut vote.ranks, winner, join_the_tier_above);
        let winners = raised.election().tally(variant).potential_winners();
        prop_assert!(winners.contains(&profile.id(winner)), "{:?} lost after being raised", profile.id(winner));
    }

    #[test]
    fn with_complete_strict_ballots_all_three_variants_agree(
        profile in strict_profile(6, 9),
        seed in seed(),
    ) {
        let election = profile.election();
        let outcomes: Vec<_> = Variant::ALL
            .iter()
            .map(|&variant| {
                let tally = election.tally(variant);
                (tally.ranking(), tally.finalize(seed).order)
            })
            .collect();
        prop_assert_eq!(&outcomes[0], &outcomes[1]);
        prop_assert_eq!(&outcomes[0], &outcomes[2]);
    }

    #[test]
    fn the_tie_broken_order_respects_every_defeat_and_starts_with_a_potential_winner(
        profile in profile(6, 8, 3),
        variant in variant(),
        seed in seed(),
    ) {
        let election = profile.election();
        let tally = election.tally(variant);
        let order = tally.finalize(seed).order;
        prop_assert_eq!(order.iter().collect::<BTreeSet<_>>(), tally.candidates().iter().collect());
        prop_assert!(tally.potential_winners().contains(&order[0]));
        for (i, later) in order.iter().enumerate() {
            for earlier in &order[..i] {
                prop_assert!(!tally.beats(later, earlier), "{later} beats {earlier} but comes after it");
            }
        }
    }

    #[test]
    fn the_same_seed_read_back_from_its_hex_gives_the_same_result(
        profile in profile(6, 8, 3),
        variant in variant(),
        seed in seed(),
    ) {
        let input = profile.input();
        let reread: TallyInput = serde_json::from_str(&serde_json::to_string(&input)?)?;
        let reread_seed: Seed = seed.to_string().parse()?;
        let first = recount(&input, Some(variant), Some(seed))?;
        let again = recount(&reread, Some(variant), Some(reread_seed))?;
        prop_assert_eq!(first, again);
    }
}

/// Moves candidate `c` up on one vote without changing how the others compare: either into the
/// tier above (or above everything unlisted), or just above the options it was tied with.
fn raise(ranks: &mut [Option<u8>], c: usize, join_the_tier_above: bool) {
    let Some(own) = ranks[c] else {
        let lowest = ranks.iter().flatten().max().map_or(0, |&r| r + 1);
        ranks[c] = Some(lowest);
        return;
    };
    // Spread ranks to even numbers so there is room between tiers.
    for rank in ranks.iter_mut().flatten() {
        *rank = *rank * 2 + 2;
    }
    let above = ranks
        .iter()
        .flatten()
        .filter(|&&r| r < own * 2 + 2)
        .max()
        .copied();
    ranks[c] = Some(match (join_the_tier_above, above) {
        (true, Some(above)) => above,
        _ => own * 2 + 1,
    });
}

/// Seeds 0, 1, 2, … as 16 little-endian bytes.
fn many_seeds(count: u128) -> impl Iterator<Item = Seed> {
    (0..count).map(|i| Seed::from_bytes(i.to_le_bytes()))
}

/// Whether the tie-breaking ranking can put `a` before every other potential winner for some
/// order of the ballots. Ballots that rank no rival above `a` can go first; each narrows the
/// rivals still tied with `a`. Once none helps, `a` can come first iff no ballot ranks a
/// remaining rival above it (then only the candidate hash separates them).
fn can_come_first(profile: &Profile, a: usize, potential_winners: &[usize]) -> bool {
    let mut rivals: BTreeSet<usize> = potential_winners
        .iter()
        .copied()
        .filter(|&r| r != a)
        .collect();
    let votes: Vec<&Vote> = profile.votes.iter().filter(|vote| vote.count > 0).collect();
    let harmless = |vote: &Vote, rivals: &BTreeSet<usize>| {
        rivals.iter().all(|&r| vote.rank(r) >= vote.rank(a))
    };
    while let Some(vote) = votes
        .iter()
        .find(|vote| harmless(vote, &rivals) && rivals.iter().any(|&r| vote.rank(r) > vote.rank(a)))
    {
        rivals.retain(|&r| vote.rank(r) == vote.rank(a));
    }
    votes.iter().all(|vote| harmless(vote, &rivals))
}

proptest! {
    #![proptest_config(config(64))]

    /// The tie-break is often said to let "every tied potential winner win sometimes", but under
    /// its TBRC a potential winner that every ballot ranks below another tied one can never come
    /// first (see `the_middle_option_of_two_opposed_voters_never_wins_the_tie_break`). So: the winner is
    /// always a potential winner the TBRC can put first, and every potential winner that some
    /// ballot ranks above all the other potential winners, or that no ballot separates from
    /// them, does win for some seed.
    #[test]
    fn over_many_seeds_every_tied_potential_winner_that_can_come_first_wins_sometimes(
        profile in profile(4, 5, 2),
        variant in variant(),
    ) {
        let election = profile.election();
        let tally = election.tally(variant);
        let potential: Vec<usize> = tally.potential_winners().iter().map(|id| profile.index(id)).collect();
        prop_assume!(potential.len() > 1);

        let firsts: BTreeSet<usize> = many_seeds(400)
            .map(|seed| profile.index(&tally.finalize(seed).order[0]))
            .collect();
        for &first in &firsts {
            prop_assert!(can_come_first(&profile, first, &potential), "{} came first", name(first));
        }
        let votes = || profile.votes.iter().filter(|vote| vote.count > 0);
        let separated = votes().any(|vote| potential.iter().any(|&p| vote.rank(p) != vote.rank(potential[0])));
        for &p in &potential {
            let ranked_above_the_rest =
                votes().any(|vote| potential.iter().all(|&q| q == p || vote.rank(p) < vote.rank(q)));
            if ranked_above_the_rest || !separated {
                prop_assert!(firsts.contains(&p), "{} never came first in 400 seeds", name(p));
            }
        }
    }
}

#[test]
fn the_middle_option_of_two_opposed_voters_never_wins_the_tie_break() {
    let profile = Profile {
        candidates: (0..3).map(name).collect(),
        votes: [[0, 1, 2], [2, 1, 0]]
            .into_iter()
            .enumerate()
            .map(|(i, ranks)| Vote {
                id: Some(format!("member-{i}")),
                ranks: ranks.map(Some).to_vec(),
                count: 1,
            })
            .collect(),
    };
    let election = profile.election();
    let tally = election.tally(Variant::WinningLex);
    assert_eq!(tally.potential_winners().len(), 3, "all three tie");
    let firsts: BTreeSet<String> = many_seeds(200)
        .map(|seed| tally.finalize(seed).order[0].to_string())
        .collect();
    // The first ballot of the walk decides the whole order, and both put the middle one second.
    assert_eq!(firsts, BTreeSet::from([name(0), name(2)]));
}

/// Candidate ids from a small alphabet (with an empty one and one that needs escaping), ballots
/// naming known, unknown and repeated options, and counts at the limits.
fn wild_input() -> impl Strategy<Value = TallyInput> {
    let id =
        || prop::sample::select(vec!["", "A", "B", "C", "D", "line\nbreak"]).prop_map(String::from);
    let count = prop_oneof![
        0..4u64,
        Just(255),
        Just(256),
        Just(MAX_TOTAL_COUNT),
        Just(u64::MAX),
    ];
    let ballot = (option::of(id()), vec(vec(id(), 0..3), 0..4), count)
        .prop_map(|(id, ranking, count)| BallotInput { id, ranking, count });
    (vec(id(), 0..5), vec(ballot, 0..4), option::of(variant())).prop_map(
        |(candidates, ballots, variant)| TallyInput {
            candidates,
            ballots,
            variant,
        },
    )
}

/// The first problem in `input`, checked in the documented order.
fn first_problem(input: &TallyInput) -> Option<TallyError> {
    if input.candidates.is_empty() {
        return Some(TallyError::NoCandidates);
    }
    if input.candidates.iter().any(String::is_empty) {
        return Some(TallyError::EmptyCandidateId);
    }
    let mut sorted = input.candidates.clone();
    sorted.sort();
    if let Some(pair) = sorted.windows(2).find(|pair| pair[0] == pair[1]) {
        return Some(TallyError::DuplicateCandidate {
            candidate: pair[0].clone(),
        });
    }
    let mut total: Option<u64> = Some(0);
    for (i, ballot) in input.ballots.iter().enumerate() {
        let label = || match &ballot.id {
            Some(id) => BallotLabel::Id(id.clone()),
            None => BallotLabel::Position(i + 1),
        };
        let mut seen = BTreeSet::new();
        for option in ballot.ranking.iter().flatten() {
            if !input.candidates.contains(option) {
                return Some(TallyError::UnknownOption {
                    ballot: label(),
                    option: option.clone(),
                });
            }
            if !seen.insert(option) {
                return Some(TallyError::RepeatedOption {
                    ballot: label(),
                    option: option.clone(),
                });
            }
        }
        total = total
            .and_then(|t| t.checked_add(ballot.count))
            .filter(|&t| t <= MAX_TOTAL_COUNT);
        if total.is_none() {
            return Some(TallyError::TotalCountTooLarge);
        }
    }
    None
}

proptest! {
    #![proptest_config(config(500))]

    #[test]
    fn malformed_input_is_rejected_with_a_one_line_message_and_nothing_panics(
        input in wild_input(),
        seed in seed(),
    ) {
        let expected = first_problem(&input);
        // The seeded walk hashes every ballot copy, so keep it to inputs of modest total count.
        let small = input.ballots.iter().all(|ballot| ballot.count < 1000);
        let result = recount(&input, None, small.then_some(seed));
        match (result, expected) {
            (Ok(output), None) => {
                let ranked: Vec<&CandidateId> = output.ranking.iter().flatten().collect();
                prop_assert_eq!(ranked.len(), input.candidates.len());
            }
            (Err(error), Some(expected)) => {
                prop_assert!(!error.to_string().contains('\n'), "{}", error);
                prop_assert_eq!(error, expected);
            }
            (result, expected) => prop_assert!(false, "got {:?}, expected {:?}", result, expected),
        }
    }
}

#[test]
fn errors_name_the_ballot_by_id_or_position_and_the_option() {
    let input: TallyInput = serde_json::from_value(serde_json::json!({
        "candidates": ["A", "B"],
        "ballots": [{"ranking": [["A"]]}, {"ranking": [["B"], ["Z"]]}],
    }))
    .expect("valid JSON shape");
    let error = recount(&input, None, None).expect_err("Z is unknown");
    assert_eq!(error.to_string(), r#"ballot #2 names unknown option "Z""#);

    let input: TallyInput = serde_json::from_value(serde_json::json!({
        "candidates": ["A", "B"],
        "ballots": [{"id": "ann", "ranking": [["A", "B"], ["A"]]}],
    }))
    .expect("valid JSON shape");
    let error = recount(&input, None, None).expect_err("A is named twice");
    assert_eq!(error.to_string(), r#"ballot "ann" names option "A" twice"#);
}
