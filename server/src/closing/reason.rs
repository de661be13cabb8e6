//! Why a slot closed: the label stored with its result and counted in the metrics. Its own
//! module, below both `closing` and `metrics`, so neither imports the other back.

/// Why a slot closed, and who noticed a passed deadline (docs/architecture.md, decision 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClosePath {
    /// Its deadline passed; the first request that touched it noticed.
    Lazy,
    /// Its deadline passed; the scheduled `POST /internal/finalize-due` call noticed.
    Trigger,
    /// Its deadline passed; the in-process ticker of a local or self-hosted run noticed.
    Ticker,
    /// Every expected voter had voted before the deadline.
    EveryoneVoted,
}

impl ClosePath {
    pub(crate) const ALL: [Self; 4] =
        [Self::Lazy, Self::Trigger, Self::Ticker, Self::EveryoneVoted];

    /// The label on [`crate::metrics::SLOTS_CLOSED`], also stored with each result.
    pub fn label(self) -> &'static str {
        match self {
            Self::Lazy => "lazy",
            Self::Trigger => "trigger",
            Self::Ticker => "ticker",
            Self::EveryoneVoted => "everyone_voted",
        }
    }
}
