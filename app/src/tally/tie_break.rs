//! The seeded tie-break (docs/tally.md "Tie-break for the final result"): Schulze's tie-breaking ranking
//! (TBRC) with the random draw replaced by the committed seed, and the greedy linear order.

use serde::Serialize;

use super::{CandidateId, Election, Explanation, Seed, Tally, explain, hash, order::Remaining};

/// The final result of a slot: one linear order with its tie-break record and explanation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalResult {
    pub order: Vec<CandidateId>,
    pub tie_break: TieBreak,
    pub explanation: Explanation,
}

/// Everything needed to re-check the tie-break: the seed, and at every place where more than one
/// option could come next, which one did and what decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TieBreak {
    pub seed: Seed,
    pub decisions: Vec<TieDecision>,
}

impl TieBreak {
    /// Whether a tie was broken by lot. The results page says so in words, and never shows
    /// whose ballot decided.
    pub fn by_lot(&self) -> bool {
        !self.decisions.is_empty()
    }
}

/// At `position` in the order, several options were unbeaten among those left; `tied` lists them
/// in tie-breaking order, so `tied[0]` took the place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TieDecision {
    pub position: usize,
    pub tied: Vec<CandidateId>,
    /// Why `tied[0]` comes before each of the others.
    pub separations: Vec<Separation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Separation {
    pub over: CandidateId,
    #[serde(flatten)]
    pub by: Decider,
}

/// What put one tied option before another in the tie-breaking ranking.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum Decider {
    /// The earliest ballot in the walk that ranks the two differently. `ballot` is its id (its
    /// canonical ranking if it has none), `hash` its `H(seed, ballot, copy)` in hex.
    Ballot {
        ballot: String,
        copy: u64,
        hash: String,
    },
    /// No ballot ranks the two differently: the smaller `H(seed, candidate_id)` goes first.
    /// `hashes` holds the placed option's hash, then the other's, in hex.
    CandidateHash { hashes: [String; 2] },
}

pub(crate) fn finalize(tally: &Tally<'_>, seed: Seed) -> FinalResult {
    // Built only when needed: the walk hashes every ballot copy (docs/tally.md "Tie-break", step 2).
    let mut ranking: Option<TieBreakingRanking<'_>> = None;
    let mut remaining = Remaining::new(&tally.paths);
    let mut order = Vec::with_capacity(tally.candidates().len());
    let mut decisions = Vec::new();
    // Step 3: repeatedly take, among the options no remaining option beats, the one that comes
    // first in the tie-breaking ranking.
    while !remaining.is_empty() {
        let mut unbeaten = remaining.unbeaten();
        if unbeaten.len() > 1 {
            let ranking =
                ranking.get_or_insert_with(|| TieBreakingRanking::new(tally.election, seed));
            unbeaten.sort_by_key(|&option| ranking.position[option]);
            decisions.push(ranking.decision(order.len(), &unbeaten));
        }
        let next = unbeaten[0];
        remaining.remove(next);
        order.push(next);
    }
    FinalResult {
        explanation: explain::explain(tally, &order),
        order: order
            .iter()
            .map(|&c| tally.candidates()[c].clone())
            .collect(),
        tie_break: TieBreak { seed, decisions },
    }
}

/// Schulze's TBRC (docs/tally.md "Tie-break", step 2), built from the walk of the ballots in `H` order.
struct TieBreakingRanking<'e> {
    election: &'e Election,
    seed: Seed,
    walk: Vec<WalkEntry<'e>>,
    /// `position[c]`: where candidate `c` stands in the tie-breaking ranking.
    position: Vec<usize>,
}

/// One ballot in the walk, at its earliest copy.
struct WalkEntry<'e> {
    hash: u64,
    key: String,
    copy: u64,
    ranks: &'e [u8],
}

impl<'e> TieBreakingRanking<'e> {
    fn new(election: &'e Election, seed: Seed) -> Self {
        let walk = walk(election, &seed);
        let n = election.candidates().len();
        // Groups of still-tied options, best group first; each ballot splits every group by
        // its ranks, so it orders exactly what is still tied.
        let mut groups: Vec<Vec<usize>> = vec![(0..n).collect()];
        for entry in &walk {
            if groups.len() == n {
                break; // Fully ordered: later ballots change nothing.
            }
            groups = groups
                .into_iter()
                .flat_map(|group| split(group, entry.ranks))
                .collect();
        }
        let mut position = vec![0; n];
        let ordered = groups.into_iter().flat_map(|mut group| {
            // Still tied after every ballot: the candidate hash orders them.
            group.sort_by_key(|&c| (candidate_hash(election, &seed, c), c));
            group
        });
        for (place, candidate) in ordered.enumerate() {
            position[candidate] = place;
        }
        Self {
            election,
            seed,
            walk,
            position,
        }
    }

    /// `tied` is in tie-breaking order; explains why `tied[0]` precedes each of the others.
    fn decision(&self, position: usize, tied: &[usize]) -> TieDecision {
        let candidates = self.election.candidates();
        let first = tied[0];
        let separations = tied[1..]
            .iter()
            .map(|&other| Separation {
                over: candidates[other].clone(),
                by: self.decider(first, other),
            })
            .collect();
        TieDecision {
            position,
            tied: tied.iter().map(|&c| candidates[c].clone()).collect(),
            separations,
        }
    }

    /// Two options stay in one group until the first ballot that ranks them differently.
    fn decider(&self, first: usize, other: usize) -> Decider {
        match self
            .walk
            .iter()
            .find(|entry| entry.ranks[first] != entry.ranks[other])
        {
            Some(entry) => Decider::Ballot {
                ballot: entry.key.clone(),
                copy: entry.copy,
                hash: hex(entry.hash),
            },
            None => Decider::CandidateHash {
                hashes: [first, other].map(|c| hex(candidate_hash(self.election, &self.seed, c))),
            },
        }
    }
}

/// The ballots ordered by `H(seed, ballot, copy)`, one entry per copy as the rules say, except that
/// only a ballot's earliest copy is kept: a later copy finds everything it could separate already
/// separated. Ballots that tie every option refine nothing and are left out. Equal hashes (a
/// 2⁻⁶⁴ chance) fall back to the key, the copy and the ranks, so the order never depends on input
/// order.
fn walk<'e>(election: &'e Election, seed: &Seed) -> Vec<WalkEntry<'e>> {
    let mut walk: Vec<WalkEntry<'e>> = election
        .rows()
        .filter(|ballot| ballot.ranks.iter().any(|&rank| rank != ballot.ranks[0]))
        .filter_map(|ballot| {
            let key = match ballot.id {
                Some(id) => id.to_string(),
                None => election.canonical_ranking(ballot.ranks),
            };
            let (hash, copy) = hash::ballot_copies(seed, &key, ballot.count).min()?;
            Some(WalkEntry {
                hash,
                key,
                copy,
                ranks: ballot.ranks,
            })
        })
        .collect();
    walk.sort_by(|a, b| (a.hash, &a.key, a.copy, a.ranks).cmp(&(b.hash, &b.key, b.copy, b.ranks)));
    walk
}

/// Splits a group of tied options into groups of equal rank on one ballot, best first.
fn split(mut group: Vec<usize>, ranks: &[u8]) -> Vec<Vec<usize>> {
    group.sort_by_key(|&c| ranks[c]);
    group
        .chunk_by(|&a, &b| ranks[a] == ranks[b])
        .map(<[usize]>::to_vec)
        .collect()
}

fn candidate_hash(election: &Election, seed: &Seed, candidate: usize) -> u64 {
    hash::candidate(seed, election.candidates()[candidate].as_str())
}

fn hex(hash: u64) -> String {
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tally::{Ballot, BallotId, Variant, siphash};

    fn id(name: &str) -> CandidateId {
        CandidateId::new(name).unwrap()
    }

    fn ballot(voter: &str, tiers: &[&[&str]], count: u64) -> Ballot {
        Ballot {
            id: BallotId::new(voter),
            ranking: tiers
                .iter()
                .map(|tier| tier.iter().map(|c| id(c)).collect())
                .collect(),
            count,
        }
    }

    /// `H(seed, ballot, copy)` written out as docs/tally.md specifies it.
    fn h(seed: &Seed, ballot: &str, copy: u64) -> u64 {
        let message = [&[0x01], ballot.as_bytes(), &copy.to_le_bytes()].concat();
        siphash::siphash24(seed.sip_key(), &message)
    }

    fn seeds() -> impl Iterator<Item = Seed> {
        (0..64u128).map(|i| Seed::from_bytes(i.to_le_bytes()))
    }

    #[test]
    fn the_ballot_with_the_smallest_hash_breaks_a_tie() {
        let election = Election::new(
            vec![id("A"), id("B")],
            &[
                ballot("ann", &[&["A"], &["B"]], 1),
                ballot("bob", &[&["B"], &["A"]], 1),
            ],
        )
        .unwrap();
        let tally = election.tally(Variant::WinningLex);
        let mut winners = Vec::new();
        for seed in seeds() {
            let ann_first = h(&seed, "ann", 0) < h(&seed, "bob", 0);
            let result = tally.finalize(seed);
            let (expected, decider) = if ann_first {
                ("A", "ann")
            } else {
                ("B", "bob")
            };
            assert_eq!(result.order[0], id(expected));
            let separation = &result.tie_break.decisions[0].separations[0];
            assert!(
                matches!(&separation.by, Decider::Ballot { ballot, copy: 0, .. } if ballot == decider)
            );
            winners.push(expected);
        }
        assert!(winners.contains(&"A") && winners.contains(&"B"));
    }

    #[test]
    fn options_no_ballot_separates_are_ordered_by_their_own_hash() {
        let election =
            Election::new(vec![id("A"), id("B")], &[ballot("ann", &[&["A", "B"]], 1)]).unwrap();
        let tally = election.tally(Variant::WinningLex);
        for seed in seeds() {
            let h_candidate =
                |id: &str| siphash::siphash24(seed.sip_key(), &[&[0x02], id.as_bytes()].concat());
            let a_first = h_candidate("A") < h_candidate("B");
            let result = tally.finalize(seed);
            assert_eq!(result.order[0], id(if a_first { "A" } else { "B" }));
            let separation = &result.tie_break.decisions[0].separations[0];
            assert!(matches!(separation.by, Decider::CandidateHash { .. }));
        }
    }

    #[test]
    fn a_weighted_ballot_enters_the_walk_at_its_earliest_copy() {
        let election = Election::new(
            vec![id("A"), id("B")],
            &[
                ballot("ann", &[&["A"], &["B"]], 3),
                ballot("bob", &[&["B"], &["A"]], 3),
            ],
        )
        .unwrap();
        let tally = election.tally(Variant::WinningLex);
        for seed in seeds() {
            let earliest = |voter| {
                (0..3)
                    .map(|copy| (h(&seed, voter, copy), copy, voter))
                    .min()
            };
            let (hash, copy, voter) = earliest("ann").min(earliest("bob")).unwrap();
            let result = tally.finalize(seed);
            let expected = Decider::Ballot {
                ballot: voter.to_owned(),
                copy,
                hash: hex(hash),
            };
            assert_eq!(result.tie_break.decisions[0].separations[0].by, expected);
        }
    }

    #[test]
    fn an_order_the_defeats_decide_needs_no_lot() {
        let election = Election::new(
            vec![id("A"), id("B"), id("C")],
            &[ballot("ann", &[&["A"], &["B"], &["C"]], 1)],
        )
        .unwrap();
        let result = election
            .tally(Variant::WinningLex)
            .finalize(Seed::from_bytes([0; 16]));
        assert_eq!(result.order, vec![id("A"), id("B"), id("C")]);
        assert!(!result.tie_break.by_lot());
        assert!(result.explanation.pairs.iter().all(|pair| !pair.by_lot));
    }
}
