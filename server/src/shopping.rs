//! A plan's shopping list on the server (`docs/shopping.md`): how it forms as votes close
//! ([`forming`], called by the close), how it is read and changed ([`reading`], [`writing`],
//! [`probable`], with [`lines`] the one upsert every addition goes through), the household's
//! merged foods ([`foods`]), its service and the page's poll.

mod foods;
pub mod forming;
mod lines;
pub mod poll;
mod probable;
mod reading;
mod service;
mod writing;
