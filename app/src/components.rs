//! Pieces several pages share.

mod form;
mod header;
mod islands;
mod ranking_board;
mod share;
mod text_area;

pub use form::{
    ActionResult, FormError, PostForm, StackForm, TextField, field_error, form_error, posted_error,
    posted_field_error,
};
pub use header::SiteHeader;
pub use islands::{HydrationMarker, LocalTime, UtcOffsetField};
pub use ranking_board::RankingBoard;
pub use share::ShareButtons;
pub use text_area::TextArea;
