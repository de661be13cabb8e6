//! Live voting progress and nudges on the server (`docs/plans.md`, "Live progress and nudges"):
//! who of the people eating has ranked each meal ([`read`], which the plan and ballot pages use),
//! and nudging the ones who have not ([`nudge`], [`service`]).

pub mod nudge;
pub(crate) mod read;
mod service;

pub use nudge::Nudged;
