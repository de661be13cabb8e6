//! Running the server: start-up, health and readiness, telemetry (logs, traces, metrics), the
//! statement budgets, resource bounds under load, and the prober.

mod cold_start;
mod db_resilience;
mod emf;
mod hashing_flood;
mod iam_auth;
mod lambda_events;
mod metrics_endpoint;
mod probe;
mod request_logs;
mod slow_connections;
mod startup;
mod statements;
mod traces;
mod waking;
mod webhook_proxy;
