//! Why the final order is what it is, pair by pair, in terms the results page can print.

use serde::Serialize;

use super::{CandidateId, Tally, paths};

/// For each consecutive pair in the final order, why the first comes before the second.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    pub pairs: Vec<PairExplanation>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PairExplanation {
    pub ahead: CandidateId,
    pub behind: CandidateId,
    /// Ballots (by count) ranking `ahead` above `behind`, and `behind` above `ahead`.
    pub head_to_head: [u64; 2],
    /// A strongest path from `ahead` to `behind`, if there is any path.
    pub path: Option<PathWitness>,
    /// A strongest path back from `behind` to `ahead`, if there is any path.
    pub path_back: Option<PathWitness>,
    /// True when `ahead` does not beat `behind`, so the tie-break put them in this order.
    pub by_lot: bool,
}

/// A path with as few links as possible whose weakest link is as strong as any path between its
/// ends (docs/tally.md "Strongest paths").
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathWitness {
    pub options: Vec<CandidateId>,
    pub weakest_link: Link,
}

/// A link `from→to`: `support` ballots rank `from` above `to`, `opposition` the reverse.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Link {
    pub from: CandidateId,
    pub to: CandidateId,
    pub support: u64,
    pub opposition: u64,
}

pub(crate) fn explain(tally: &Tally<'_>, order: &[usize]) -> Explanation {
    let pairs = order
        .windows(2)
        .map(|pair| {
            let (ahead, behind) = (pair[0], pair[1]);
            PairExplanation {
                ahead: id(tally, ahead),
                behind: id(tally, behind),
                head_to_head: [
                    tally.pairwise.get(ahead, behind),
                    tally.pairwise.get(behind, ahead),
                ],
                path: witness(tally, ahead, behind),
                path_back: witness(tally, behind, ahead),
                // Consecutive options were both unbeaten when `ahead` was placed, so their order
                // came from the tie-break unless `ahead` beats `behind`.
                by_lot: !tally.paths.beats(ahead, behind),
            }
        })
        .collect();
    Explanation { pairs }
}

impl Tally<'_> {
    /// A strongest path from `a` to `b` with its weakest link, as the results page shows the
    /// paths behind a winner; `None` when there is no path, or for an unknown id or `a == b`.
    pub fn path_witness(&self, a: &CandidateId, b: &CandidateId) -> Option<PathWitness> {
        let (a, b) = self.election.indices(a, b).filter(|(a, b)| a != b)?;
        witness(self, a, b)
    }
}

fn witness(tally: &Tally<'_>, from: usize, to: usize) -> Option<PathWitness> {
    let path = paths::witness(&tally.links, &tally.paths, from, to)?;
    let (a, b) = path
        .windows(2)
        .map(|link| (link[0], link[1]))
        .min_by_key(|&(a, b)| tally.links.get(a, b))?;
    Some(PathWitness {
        options: path.iter().map(|&c| id(tally, c)).collect(),
        weakest_link: Link {
            from: id(tally, a),
            to: id(tally, b),
            support: tally.pairwise.get(a, b),
            opposition: tally.pairwise.get(b, a),
        },
    })
}

fn id(tally: &Tally<'_>, candidate: usize) -> CandidateId {
    tally.candidates()[candidate].clone()
}
