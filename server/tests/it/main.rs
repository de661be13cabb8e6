//! Server integration tests, in one binary so they link once.
//! Store tests run on SQLite and PostgreSQL (see `support::TestDatabase`).

mod abuse;
mod accounts;
mod authorization;
mod calendar;
mod closing;
mod csrf;
mod emf;
mod hashing_flood;
mod households;
mod http;
mod metrics_endpoint;
mod notifications;
mod plans;
mod probe;
mod quotas;
mod request_logs;
mod results;
mod sessions;
mod startup;
mod statements;
mod store;
mod store_accounts;
mod store_closing;
mod store_households;
mod store_notifications;
mod store_plans;
mod support;
mod traces;
mod waking;
