//! Server integration tests, in one binary so they link once: `store` (the store on SQLite and
//! PostgreSQL), `http` (the application over HTTP), `ops` (running it), with shared fixtures in
//! `support` (see `support::TestDatabase` for how PostgreSQL is found).

mod http;
mod ops;
mod store;
mod support;
