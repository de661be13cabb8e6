//! Running the server: start-up, health and readiness, telemetry (logs, traces, metrics), the
//! statement budgets, resource bounds under load, and the prober.

mod emf;
mod hashing_flood;
mod metrics_endpoint;
mod probe;
mod request_logs;
mod slow_connections;
mod startup;
mod statements;
mod traces;
mod waking;
