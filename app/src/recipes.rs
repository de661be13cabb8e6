//! Recipes on dishes: reading pasted ingredient lines, units and amounts, and importing a
//! schema.org `Recipe` from a page. Pure code, the same on the server and in the browser; the
//! rules a person meets are in `docs/recipes.md`.

pub mod import;
pub mod ingredient;
pub mod units;

pub use ingredient::{Ingredient, IngredientError, Quantity, parse_line, parse_paste};
pub use units::{Amount, Family, Piece, Unit};
