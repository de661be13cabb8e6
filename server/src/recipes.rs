//! Recipes on the server (`docs/recipes.md`): storing a dish's recipe, importing one from a page
//! (pasted, or fetched safely from its address where the server may reach the internet).

pub mod fetch;
mod service;
mod store;
