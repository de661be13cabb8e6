//! Eligibility in the tally (docs/tally.md, "Eligibility"), against an independent plain
//! Schulze written here: counting over the eligible options with every ballot restricted to
//! them gives the Schulze result of the profile restricted first (not "the best eligible option
//! of the full result"), and with every option eligible nothing changes, seed and tie-break
//! included. Native only: proptest does not build for wasm32.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeSet;

use app::{
    ids::OptionId,
    plans::{EligibilityInput, eligibility},
    tally::{BallotInput, Election, Seed, TallyInput, Variant, derive_seed, recount},
};
use proptest::{collection::vec, option, prelude::*};

/// Candidate names whose sorted order is not their index order.
fn name(c: usize) -> String {
    format!(
        "{}-{c}",
        ["kale", "bean", "rice", "corn", "fish", "tofu"][c]
    )
}

/// Each vote gives a candidate a rank (smaller is better) or leaves it out.
#[derive(Debug, Clone)]
struct Profile {
    n: usize,
    votes: Vec<Vec<Option<u8>>>,
}

impl Profile {
    fn input(&self) -> TallyInput {
        let ballots = self.votes.iter().enumerate().map(|(v, ranks)| {
            let listed: BTreeSet<u8> = ranks.iter().flatten().copied().collect();
            BallotInput {
                id: Some(format!("voter-{v}")),
                ranking: listed
                    .iter()
                    .map(|&rank| {
                        (0..self.n)
                            .filter(|&c| ranks[c] == Some(rank))
                            .map(name)
                            .collect()
                    })
                    .collect(),
                count: 1,
            }
        });
        TallyInput {
            candidates: (0..self.n).map(name).collect(),
            ballots: ballots.collect(),
            variant: None,
        }
    }
}

fn profiles() -> impl Strategy<Value = (Profile, Vec<bool>)> {
    (2_usize..=6).prop_flat_map(|n| {
        let vote = vec(option::weighted(0.85, 0_u8..4), n);
        (
            vec(vote, 0..=9).prop_map(move |votes| Profile { n, votes }),
            vec(any::<bool>(), n).prop_filter("something is eligible", |m| m.contains(&true)),
        )
    })
}

/// Plain Schulze, written from the definition with `winning_lex` link strengths: a link `a → b`
/// when more ballots prefer `a` to `b`, stronger with more support, then with less opposition;
/// widest paths; the winners are the options no option beats. Only the `kept` candidates take
/// part, and each ballot is read for them alone (unlisted options rank below listed ones).
fn plain_schulze_winners(profile: &Profile, kept: &[usize]) -> BTreeSet<String> {
    let rank = |vote: &Vec<Option<u8>>, c: usize| vote[c].map_or(u16::MAX, u16::from);
    let d = |a: usize, b: usize| -> i64 {
        let above = profile.votes.iter().filter(|v| rank(v, a) < rank(v, b));
        i64::try_from(above.count()).unwrap()
    };
    let k = kept.len();
    // Strength as (support, -opposition); (-1, 0) is "no link".
    let none = (-1_i64, 0_i64);
    let mut p = vec![vec![none; k]; k];
    for i in 0..k {
        for j in 0..k {
            let (a, b) = (kept[i], kept[j]);
            if i != j && d(a, b) > d(b, a) {
                p[i][j] = (d(a, b), -d(b, a));
            }
        }
    }
    for m in 0..k {
        for i in 0..k {
            for j in 0..k {
                if i != j && i != m && j != m {
                    let via = std::cmp::min(p[i][m], p[m][j]);
                    p[i][j] = std::cmp::max(p[i][j], via);
                }
            }
        }
    }
    (0..k)
        .filter(|&i| (0..k).all(|j| i == j || p[j][i] <= p[i][j]))
        .map(|i| name(kept[i]))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    /// The restricted count is Schulze on the restricted profile, and its final winner is one of
    /// that profile's winners.
    #[test]
    fn the_restricted_result_is_schulze_on_the_profile_restricted_first(
        (profile, mask) in profiles(),
        seed in any::<[u8; 16]>(),
    ) {
        let kept: Vec<usize> = (0..profile.n).filter(|&c| mask[c]).collect();
        let eligible: Vec<String> = kept.iter().map(|&c| name(c)).collect();
        let restricted = profile.input().restricted_to(&eligible);
        let election = Election::try_from(&restricted).unwrap();
        let tally = election.tally(Variant::WinningLex);
        let winners: BTreeSet<String> =
            tally.potential_winners().iter().map(|c| c.as_str().to_owned()).collect();
        prop_assert_eq!(&winners, &plain_schulze_winners(&profile, &kept));
        let result = tally.finalize(Seed::from_bytes(seed));
        prop_assert!(winners.contains(result.order[0].as_str()));
        prop_assert_eq!(result.order.len(), kept.len(), "only eligible options are placed");
    }

    /// With every option eligible the count is exactly today's: the same seed, order,
    /// tie-break record and explanation.
    #[test]
    fn with_everything_eligible_the_result_seed_and_tie_break_are_unchanged(
        (profile, _) in profiles(),
        seed in any::<[u8; 16]>(),
    ) {
        let input = profile.input();
        let all: Vec<String> = (0..profile.n).map(name).collect();
        let restricted = input.restricted_to(&all);
        prop_assert_eq!(&restricted, &input);
        let seed = Seed::from_bytes(seed);
        prop_assert_eq!(
            recount(&restricted, None, Some(seed)).unwrap(),
            recount(&input, None, Some(seed)).unwrap()
        );
        let full = Election::try_from(&input).unwrap();
        let same = Election::try_from(&restricted).unwrap();
        prop_assert_eq!(derive_seed("slot", 7, &full), derive_seed("slot", 7, &same));
    }

    /// Vetoes always hold; earlier winners are out unless that leaves nothing, and then every
    /// option that is not vetoed is back.
    #[test]
    fn eligibility_keeps_vetoes_out_and_falls_back_only_when_nothing_is_left(
        n in 1_usize..8,
        won in vec(any::<bool>(), 8),
        vetoed in vec(any::<bool>(), 8),
        no_repeats in any::<bool>(),
    ) {
        let id = |i: usize| OptionId::try_from(format!("{i:08}-0000-4000-8000-000000000000")).unwrap();
        let options: Vec<OptionId> = (0..n).map(id).collect();
        let set = |flags: &[bool]| -> BTreeSet<OptionId> {
            (0..n).filter(|&i| flags[i]).map(id).collect()
        };
        let (won, vetoed) = (set(&won), set(&vetoed));
        let out = eligibility(&EligibilityInput {
            options: &options,
            won_earlier: &won,
            vetoed: &vetoed,
            no_repeats,
        });
        let allowed: Vec<OptionId> =
            options.iter().filter(|o| !vetoed.contains(o)).cloned().collect();
        prop_assert!(out.eligible.iter().all(|o| !vetoed.contains(o)));
        prop_assert_eq!(out.vetoed_count, n - allowed.len());
        prop_assert_eq!(out.eligible.is_empty(), allowed.is_empty());
        if out.fell_back {
            prop_assert!(no_repeats && allowed.iter().all(|o| won.contains(o)));
            prop_assert_eq!(&out.eligible, &allowed);
        } else if no_repeats {
            prop_assert!(out.eligible.iter().all(|o| !won.contains(o)));
            let mut both = out.eligible.clone();
            both.extend(out.repeats_excluded.iter().cloned());
            prop_assert_eq!(both.len(), allowed.len());
        } else {
            prop_assert_eq!(&out.eligible, &allowed);
        }
    }
}
