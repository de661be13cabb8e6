//! Why an input cannot be tallied. Every message fits on one line and names what is wrong.

use std::fmt;

use super::limits::{MAX_CANDIDATES, MAX_TOTAL_COUNT};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TallyError {
    #[error("the candidate list is empty")]
    NoCandidates,
    #[error("{count} candidates are more than the {MAX_CANDIDATES} a tally supports")]
    TooManyCandidates { count: usize },
    #[error("a candidate id is empty")]
    EmptyCandidateId,
    #[error("candidate {candidate:?} is listed twice")]
    DuplicateCandidate { candidate: String },
    #[error("{ballot} names unknown option {option:?}")]
    UnknownOption { ballot: BallotLabel, option: String },
    #[error("{ballot} names option {option:?} twice")]
    RepeatedOption { ballot: BallotLabel, option: String },
    #[error("the ballots' total count exceeds {MAX_TOTAL_COUNT}")]
    TotalCountTooLarge,
}

/// How an error names a ballot: by its id, or by its 1-based position when it has none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BallotLabel {
    Id(String),
    Position(usize),
}

impl fmt::Display for BallotLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // Debug quoting escapes control characters, so the message stays on one line.
            BallotLabel::Id(id) => write!(f, "ballot {id:?}"),
            BallotLabel::Position(position) => write!(f, "ballot #{position}"),
        }
    }
}
