//! Server integration tests, in one binary so they link once.
//! Store tests run on SQLite and PostgreSQL (see `support::TestDatabase`).

mod http;
mod startup;
mod store;
mod support;
