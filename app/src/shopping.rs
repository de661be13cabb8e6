//! A plan's shopping list as pure rules: scaling a winner's ingredients to the people eating,
//! merging them into the list, checking lines off, and setting pantry staples apart. The rules a
//! person meets are in `docs/shopping.md`.

pub mod merge;

pub use merge::{
    Addition, ListLine, Provenance, ShoppingList, additions_for_winner, food_key, split_pantry,
};
