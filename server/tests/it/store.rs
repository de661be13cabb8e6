//! The storage conformance suite: store methods called directly, every test on SQLite and on
//! PostgreSQL.

mod accounts;
mod attendance;
mod cant_eat;
mod closing;
mod cooks;
mod deadline_ballots;
mod households;
mod notifications;
mod plans;
mod progress;
mod push;
mod quotas;
mod same_foods;
mod schema;
mod shopping;
mod week_ranking;
