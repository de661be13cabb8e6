//! The mealvote server: configuration, HTTP surface, storage and the operator's command-line verbs.
//! `main.rs` only parses the command line and calls into this crate.
//!
//! One folder per feature (`accounts`, `households`, `plans`, `recipes`, `shopping`,
//! `notifications`, `calendar`), each
//! holding its service implementation and its SQL, like `app/src`; `closing` owns the whole close
//! of a slot, `webhooks` their delivery queue, `batch` the background work; `db` is the shared
//! floor under them all. The layout and the files a new feature touches: `docs/architecture.md`.

pub mod access;
pub mod accounts;
pub mod attendance;
pub mod auth;
pub mod batch;
pub mod calendar;
pub mod cant_eat;
pub mod cli;
pub mod client;
pub mod clock;
pub mod closing;
pub mod config;
pub mod cooks;
pub mod db;
pub mod digest;
pub mod households;
pub mod http;
pub mod live;
pub mod memory;
pub mod metrics;
pub mod notifications;
pub mod plans;
pub mod progress;
pub mod push;
pub mod recipes;
pub mod service;
pub mod shopping;
pub mod startup;
pub mod telemetry;
pub mod webhooks;
