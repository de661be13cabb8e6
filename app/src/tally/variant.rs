//! The three link-strength variants (docs/tally.md "Link strength (variants)").

use std::{fmt, str::FromStr};

use serde::{Deserialize, Serialize};

/// How the strength of a link `a→b` (which exists only if `d[a][b] > d[b][a]`) is measured.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// Support first, then the smaller opposition (Schulze 2011, Debian): the app's variant.
    #[default]
    WinningLex,
    /// Plain winning votes: support `d[a][b]`.
    Winning,
    /// Margin: `d[a][b] − d[b][a]`.
    Margin,
}

impl Variant {
    pub const ALL: [Variant; 3] = [Variant::WinningLex, Variant::Winning, Variant::Margin];

    /// The name used in JSON and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Variant::WinningLex => "winning_lex",
            Variant::Winning => "winning",
            Variant::Margin => "margin",
        }
    }
}

impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A variant name that is none of `winning_lex`, `winning`, `margin`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant {0:?} (expected winning_lex, winning or margin)")]
pub struct UnknownVariant(pub String);

impl FromStr for Variant {
    type Err = UnknownVariant;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Variant::ALL
            .into_iter()
            .find(|variant| variant.name() == name)
            .ok_or_else(|| UnknownVariant(name.to_owned()))
    }
}
