//! Live pages: the one way a page learns, without a reload, that what it shows has changed
//! (`docs/architecture.md`, "Live pages"). The shopping list, a plan's progress and a slot's
//! ballot page each have a version; while the page is visible its script (`public/live.js`) asks
//! for it every few seconds with `If-None-Match`, and fetches itself again only when it changed.
//!
//! The poll passes no session layer (a session read per poll would be most of its cost): the page
//! hands its script a key ([`key`]) naming the member, what they watch and when their session
//! signed in, HMAC-signed. The poll's one statement ([`versions`]) checks the rest (still a
//! member, session not ended since) and reads the version; [`poll`] answers `304 Not Modified`
//! with no body when it is the one the page has.

pub mod key;
pub mod poll;
mod versions;

pub use key::{KEY_HEADER, KEY_LIFETIME_MS, Keys};

/// What a page watches. Each has its own address (`app::routes::templates`), version and key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Subject {
    /// A plan's shopping list: the sum of its lines' revisions.
    List,
    /// A plan's progress (its page): the sum of its slots' revisions, bumped by every ballot,
    /// close and nudge.
    Plan,
    /// One slot (its ballot page): the slot's revision.
    Slot,
}

impl Subject {
    /// The word a key signs, so that a key for one subject opens no other.
    fn as_str(self) -> &'static str {
        match self {
            Self::List => "list",
            Self::Plan => "plan",
            Self::Slot => "slot",
        }
    }
}
