//! A plan's shopping list on the server (`docs/shopping.md`): how it forms as votes close
//! ([`forming`], called by the close), how it is read and changed ([`reading`], [`writing`],
//! [`probable`], with [`lines`] the one upsert every addition goes through), the household's
//! merged foods ([`foods`]) and its service; the page's poll is `crate::live`'s.

mod foods;
pub mod forming;
mod lines;
mod probable;
mod reading;
mod service;
mod writing;
