//! Input shapes and their validation into an [`Election`] (docs/tally.md "Input").
//!
//! Validation is also the one place ballots change shape: each becomes a row of `u8` ranks, one
//! per candidate in sorted-id order, which is what the pairwise count consumes.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{
    BallotId, BallotLabel, CandidateId, TallyError, Variant,
    limits::{MAX_CANDIDATES, MAX_TOTAL_COUNT, ROW_LANES},
};

/// The wire shape of a tally, as in the test vectors and exported ballot files. Unknown fields
/// (such as a vector's `name` or `expect`) are ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TallyInput {
    pub candidates: Vec<String>,
    pub ballots: Vec<BallotInput>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
}

/// One ballot on the wire. `id` may be absent (published examples have none); such a ballot is
/// named by its position in errors and by its canonical ranking in the tie-break.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BallotInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Tiers, best first; options inside a tier are tied.
    pub ranking: Vec<Vec<String>>,
    /// How many voters cast this ballot; 0 means ignored.
    #[serde(default = "one")]
    pub count: u64,
}

fn one() -> u64 {
    1
}

/// One ballot as the app holds it: always with an id (the member who cast it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ballot {
    pub id: BallotId,
    /// Tiers, best first; options inside a tier are tied, options not listed tie below all.
    pub ranking: Vec<Vec<CandidateId>>,
    pub count: u64,
}

/// A validated election: candidates sorted by id and every counted ballot as a row of ranks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Election {
    candidates: Vec<CandidateId>,
    /// Row width: the candidate count rounded up to whole SIMD lanes.
    width: usize,
    /// One row of `width` ranks per ballot in `ballots`; 0 = best. Padding lanes hold 0, so
    /// no option ever counts as ranked above them.
    ranks: Vec<u8>,
    ballots: Vec<BallotMeta>,
    total: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct BallotMeta {
    id: Option<BallotId>,
    count: u64,
}

/// One counted ballot, as the tie-break and the seed read it.
pub(crate) struct BallotRow<'e> {
    pub id: Option<&'e BallotId>,
    pub ranks: &'e [u8],
    pub count: u64,
}

impl Election {
    /// Validates candidates and ballots: see [`TallyError`] for what is rejected.
    pub fn new(candidates: Vec<CandidateId>, ballots: &[Ballot]) -> Result<Self, TallyError> {
        let mut builder = Builder::new(candidates)?;
        for ballot in ballots {
            builder.add(
                || BallotLabel::Id(ballot.id.to_string()),
                Some(&ballot.id),
                &ballot.ranking,
                ballot.count,
            )?;
        }
        Ok(builder.finish())
    }

    /// The candidates, sorted by id.
    pub fn candidates(&self) -> &[CandidateId] {
        &self.candidates
    }

    /// `V`: the total count of all ballots, abstentions included.
    pub fn total_count(&self) -> u64 {
        self.total
    }

    /// The indices of two candidates, if both are known.
    pub(crate) fn indices(&self, a: &CandidateId, b: &CandidateId) -> Option<(usize, usize)> {
        Some((self.position(a.as_str())?, self.position(b.as_str())?))
    }

    pub(crate) fn width(&self) -> usize {
        self.width
    }

    /// Every ballot with a non-zero count.
    pub(crate) fn rows(&self) -> impl Iterator<Item = BallotRow<'_>> {
        self.ballots
            .iter()
            .zip(self.ranks.chunks_exact(self.width))
            .map(|(meta, row)| BallotRow {
                id: meta.id.as_ref(),
                ranks: &row[..self.candidates.len()],
                count: meta.count,
            })
    }

    /// Whole padded rows with their counts, for the pairwise count.
    pub(crate) fn padded_rows(&self) -> impl Iterator<Item = (&[u8], u64)> {
        let counts = self.ballots.iter().map(|meta| meta.count);
        self.ranks.chunks_exact(self.width).zip(counts)
    }

    /// A ballot's ranking written canonically: tiers of ids as compact JSON, each tier sorted,
    /// unlisted options as the last tier. It stands in for the id of a ballot that has none.
    pub(crate) fn canonical_ranking(&self, ranks: &[u8]) -> String {
        let mut tiers: Vec<Vec<Value>> = Vec::new();
        let mut by_rank: Vec<(u8, &CandidateId)> =
            ranks.iter().copied().zip(&self.candidates).collect();
        by_rank.sort();
        let mut previous = None;
        for (rank, id) in by_rank {
            if previous != Some(rank) {
                tiers.push(Vec::new());
                previous = Some(rank);
            }
            if let Some(tier) = tiers.last_mut() {
                tier.push(Value::String(id.to_string()));
            }
        }
        Value::Array(tiers.into_iter().map(Value::Array).collect()).to_string()
    }

    fn position(&self, id: &str) -> Option<usize> {
        self.candidates
            .binary_search_by(|c| c.as_str().cmp(id))
            .ok()
    }
}

impl TryFrom<&TallyInput> for Election {
    type Error = TallyError;

    fn try_from(input: &TallyInput) -> Result<Self, Self::Error> {
        let candidates = input
            .candidates
            .iter()
            .map(|id| CandidateId::new(id.as_str()))
            .collect::<Result<_, _>>()?;
        let mut builder = Builder::new(candidates)?;
        for (index, ballot) in input.ballots.iter().enumerate() {
            let id = ballot.id.as_ref().map(BallotId::new);
            let label = || match &ballot.id {
                Some(id) => BallotLabel::Id(id.clone()),
                None => BallotLabel::Position(index + 1),
            };
            builder.add(label, id.as_ref(), &ballot.ranking, ballot.count)?;
        }
        Ok(builder.finish())
    }
}

struct Builder {
    election: Election,
    /// Candidate id → index: a faster lookup than binary search over many ballots.
    index: HashMap<String, usize>,
    /// `seen[c] == stamp` marks candidate `c` as named by the ballot being added.
    seen: Vec<usize>,
    stamp: usize,
}

impl Builder {
    fn new(mut candidates: Vec<CandidateId>) -> Result<Self, TallyError> {
        if candidates.is_empty() {
            return Err(TallyError::NoCandidates);
        }
        if candidates.len() > MAX_CANDIDATES {
            return Err(TallyError::TooManyCandidates {
                count: candidates.len(),
            });
        }
        // Sorting here is what makes every result independent of the input order.
        candidates.sort();
        if let Some(pair) = candidates.windows(2).find(|pair| pair[0] == pair[1]) {
            return Err(TallyError::DuplicateCandidate {
                candidate: pair[0].to_string(),
            });
        }
        let width = candidates.len().div_ceil(ROW_LANES) * ROW_LANES;
        let seen = vec![0; candidates.len()];
        let index = candidates
            .iter()
            .enumerate()
            .map(|(c, id)| (id.to_string(), c))
            .collect();
        let election = Election {
            candidates,
            width,
            ranks: Vec::new(),
            ballots: Vec::new(),
            total: 0,
        };
        Ok(Self {
            election,
            index,
            seen,
            stamp: 0,
        })
    }

    fn add<S: AsRef<str>>(
        &mut self,
        label: impl Fn() -> BallotLabel,
        id: Option<&BallotId>,
        ranking: &[Vec<S>],
        count: u64,
    ) -> Result<(), TallyError> {
        let election = &mut self.election;
        let row_start = election.ranks.len();
        let listed_tiers = ranking.iter().filter(|tier| !tier.is_empty()).count();
        // Unlisted options tie below every listed one. With more than 255 non-empty tiers all
        // options are listed (or one repeats, an error), so the clamped value is never read.
        let bottom = u8::try_from(listed_tiers).unwrap_or(u8::MAX);
        let n = election.candidates.len();
        election.ranks.resize(row_start + n, bottom);
        election.ranks.resize(row_start + election.width, 0);
        self.stamp += 1;

        let nonempty = ranking.iter().filter(|tier| !tier.is_empty());
        for (rank, tier) in nonempty.enumerate() {
            for option in tier {
                let option = option.as_ref();
                let Some(&c) = self.index.get(option) else {
                    return Err(TallyError::UnknownOption {
                        ballot: label(),
                        option: option.to_owned(),
                    });
                };
                if self.seen[c] == self.stamp {
                    return Err(TallyError::RepeatedOption {
                        ballot: label(),
                        option: option.to_owned(),
                    });
                }
                self.seen[c] = self.stamp;
                // Every earlier non-empty tier named at least one new option, so
                // rank < candidate count ≤ 256.
                election.ranks[row_start + c] = rank as u8;
            }
        }

        election.total = election
            .total
            .checked_add(count)
            .filter(|&total| total <= MAX_TOTAL_COUNT)
            .ok_or(TallyError::TotalCountTooLarge)?;
        if count == 0 {
            election.ranks.truncate(row_start);
        } else {
            election.ballots.push(BallotMeta {
                id: id.cloned(),
                count,
            });
        }
        Ok(())
    }

    fn finish(self) -> Election {
        self.election
    }
}
