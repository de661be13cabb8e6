//! Identifier newtypes, parsed once at the edge: past it an id is known to be valid, so nothing
//! checks it again.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::TallyError;

/// The stable id of one option (candidate) of a meal slot. Never empty.
///
/// Ordered by the bytes of the id: that is the order every result lists candidates in.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CandidateId(String);

impl CandidateId {
    /// Accepts any non-empty string.
    pub fn new(id: impl Into<String>) -> Result<Self, TallyError> {
        let id = id.into();
        if id.is_empty() {
            return Err(TallyError::EmptyCandidateId);
        }
        Ok(Self(id))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for CandidateId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CandidateId {
    type Error = TallyError;

    fn try_from(id: String) -> Result<Self, Self::Error> {
        Self::new(id)
    }
}

impl From<CandidateId> for String {
    fn from(id: CandidateId) -> Self {
        id.0
    }
}

impl fmt::Display for CandidateId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of one ballot (in the app: the member who cast it). It keys the ballot's place in the
/// tie-break walk (docs/tally.md "Tie-break", step 2), so it must be stable; any string is accepted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct BallotId(String);

impl BallotId {
    pub fn new(id: impl Into<String>) -> Self {
        Self(id.into())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for BallotId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
