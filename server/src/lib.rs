//! The mealvote server: configuration, HTTP surface, storage and the operator's command-line verbs.
//! `main.rs` only parses the command line and calls into this crate.

pub mod auth;
pub mod calendar;
pub mod cli;
pub mod client;
pub mod clock;
pub mod closing;
pub mod config;
pub mod digest;
pub mod http;
pub mod memory;
pub mod metrics;
pub mod service;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod webhooks;
