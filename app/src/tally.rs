//! The Schulze tally: one pure computation for the browser preview and the server's final result.
//!
//! The rules are `docs/tally.md`, which also specifies the hash `H` and the seed format. Everything
//! here is plain integer arithmetic on `Vec`s, identical on wasm32 and native, and independent of
//! the order in which candidates or ballots are given: candidates are kept sorted by id, so every
//! result lists them in that order.
//!
//! ```
//! use app::tally::{Ballot, BallotId, CandidateId, Election, Seed, Variant};
//!
//! let id = |s: &str| CandidateId::new(s).unwrap();
//! let ballot = |voter: &str, tiers: &[&[&str]]| Ballot {
//!     id: BallotId::new(voter),
//!     ranking: tiers.iter().map(|tier| tier.iter().map(|c| id(c)).collect()).collect(),
//!     count: 1,
//! };
//! let election = Election::new(
//!     vec![id("pasta"), id("curry"), id("soup")],
//!     &[ballot("ann", &[&["curry"], &["pasta"]]), ballot("bob", &[&["pasta", "curry"]])],
//! )
//! .unwrap();
//!
//! let tally = election.tally(Variant::WinningLex);
//! assert_eq!(tally.ranking(), vec![vec![id("curry")], vec![id("pasta")], vec![id("soup")]]);
//!
//! let result = tally.finalize(Seed::from_bytes([7; 16]));
//! assert_eq!(result.order, vec![id("curry"), id("pasta"), id("soup")]);
//! assert!(!result.tie_break.by_lot());
//! ```

mod election;
mod error;
mod explain;
mod hash;
mod ids;
mod limits;
mod matrix;
mod order;
mod pairwise;
mod paths;
mod recount;
mod restrict;
mod seed;
mod siphash;
mod strength;
mod tie_break;
mod variant;

pub use election::{Ballot, BallotInput, Election, TallyInput};
pub use error::{BallotLabel, TallyError};
pub use explain::{Explanation, Link, PairExplanation, PathWitness};
pub use ids::{BallotId, CandidateId};
pub use limits::{MAX_CANDIDATES, MAX_TOTAL_COUNT};
pub use recount::{RecountOutput, Table, recount};
pub use seed::{Seed, SeedError, derive_salted_seed, derive_seed};
pub use strength::Strength;
pub use tie_break::{Decider, FinalResult, Separation, TieBreak, TieDecision};
pub use variant::{UnknownVariant, Variant};

use matrix::Matrix;

/// The outcome of counting one [`Election`] with one [`Variant`]: the pairwise matrix, the
/// strongest paths and the ranking in tiers. Build it with [`Election::tally`].
#[derive(Debug, Clone)]
pub struct Tally<'e> {
    election: &'e Election,
    variant: Variant,
    /// `d[a][b]`: total count of ballots ranking `a` strictly above `b` (docs/tally.md "Pairwise matrix").
    pairwise: Matrix,
    /// Link strengths, 0 where there is no link (docs/tally.md "Link strength (variants)").
    links: Matrix,
    /// Strongest path strengths `p[a][b]` (docs/tally.md "Strongest paths").
    paths: Matrix,
    /// Candidate indices by layers, each tier in candidate order (docs/tally.md "Outcome").
    tiers: Vec<Vec<usize>>,
}

impl Election {
    /// Counts the pairwise matrix `d` (docs/tally.md "Pairwise matrix"): the first step of a tally, and
    /// all a head-to-head table needs.
    pub fn pairwise(&self) -> Pairwise<'_> {
        Pairwise {
            election: self,
            matrix: pairwise::count(self),
        }
    }

    /// Counts the election: pairwise matrix, link strengths, strongest paths and tiers.
    pub fn tally(&self, variant: Variant) -> Tally<'_> {
        self.pairwise().tally(variant)
    }
}

/// The pairwise matrix of an [`Election`]: `d[a][b]` = total count of ballots ranking `a`
/// strictly above `b`.
#[derive(Debug, Clone)]
pub struct Pairwise<'e> {
    election: &'e Election,
    matrix: Matrix,
}

impl<'e> Pairwise<'e> {
    /// `d[a][b]`; 0 for an unknown id.
    pub fn support(&self, a: &CandidateId, b: &CandidateId) -> u64 {
        let pair = self.election.indices(a, b);
        pair.map_or(0, |(a, b)| self.matrix.get(a, b))
    }

    /// Link strengths, strongest paths and tiers from this matrix.
    pub fn tally(self, variant: Variant) -> Tally<'e> {
        let links = strength::links(&self.matrix, variant, self.election.total_count());
        let paths = paths::strongest(&links);
        let tiers = order::tiers_by_layers(&paths);
        Tally {
            election: self.election,
            variant,
            pairwise: self.matrix,
            links,
            paths,
            tiers,
        }
    }
}

impl Tally<'_> {
    /// The variant this tally was counted with.
    pub fn variant(&self) -> Variant {
        self.variant
    }

    /// The candidates, sorted by id: the order every result lists them in.
    pub fn candidates(&self) -> &[CandidateId] {
        self.election.candidates()
    }

    /// `d[a][b]`: how many ballots (by count) rank `a` strictly above `b`; 0 for an unknown id.
    pub fn support(&self, a: &CandidateId, b: &CandidateId) -> u64 {
        self.election
            .indices(a, b)
            .map_or(0, |(a, b)| self.pairwise.get(a, b))
    }

    /// Whether `a` beats `b`: `p[a][b] > p[b][a]` (docs/tally.md "Outcome"). False for unknown ids.
    pub fn beats(&self, a: &CandidateId, b: &CandidateId) -> bool {
        self.election
            .indices(a, b)
            .is_some_and(|(a, b)| self.paths.beats(a, b))
    }

    /// The options no option beats: the first tier of [`Tally::ranking`].
    pub fn potential_winners(&self) -> Vec<CandidateId> {
        // An election has at least one candidate, so there is a first tier.
        self.ids(&self.tiers[0])
    }

    /// The ranking in tiers by layers, ties included: what the live preview shows.
    pub fn ranking(&self) -> Vec<Vec<CandidateId>> {
        self.tiers.iter().map(|tier| self.ids(tier)).collect()
    }

    /// The final result: one linear order, broken by the seeded tie-break where the ranking ties
    /// (docs/tally.md "Tie-break for the final result"), with its record and explanation.
    pub fn finalize(&self, seed: Seed) -> FinalResult {
        tie_break::finalize(self, seed)
    }

    fn ids(&self, indices: &[usize]) -> Vec<CandidateId> {
        let candidates = self.candidates();
        indices.iter().map(|&i| candidates[i].clone()).collect()
    }

    fn strength(&self, encoded: u64) -> Strength {
        Strength::decode(encoded, self.variant, self.election.total_count())
    }
}
