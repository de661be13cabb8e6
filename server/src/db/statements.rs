//! Counting the SQL statements each request runs.
//!
//! sqlx reports every statement it executes as a `sqlx::query` tracing event inside the caller's
//! span (the SQLite worker thread re-enters the caller's span too). [`StatementCounter`] adds
//! each one to the nearest enclosing span named `request` (see `http::observe`), and
//! [`statements_in`] reads the total when the request completes, for its log line. Server
//! functions called while a page renders run in tasks of their own, so their spans name the
//! request span as parent explicitly (`app::service::RequestSpan`).

use std::sync::atomic::{AtomicU32, Ordering};

use tracing::{Event, Metadata, Span, Subscriber, span};
use tracing_subscriber::{
    Layer, Registry,
    filter::{FilterFn, Filtered},
    layer::Context,
    registry::LookupSpan,
};

/// sqlx's target for its per-statement events.
const SQLX_QUERY: &str = "sqlx::query";
/// The name of the per-request span.
const REQUEST_SPAN: &str = "request";

/// The count kept in a request span's extensions.
struct Statements(AtomicU32);

/// Which spans and events the counter sees.
type Wanted = FilterFn<fn(&Metadata<'_>) -> bool>;

/// The layer; see the module documentation.
#[derive(Debug, Default)]
pub struct StatementCounter;

impl StatementCounter {
    /// The layer with its own filter: every span at info level or above (it must see the
    /// request span and the chain below it) and sqlx's statement events at any level, whatever the log filter says.
    pub fn layer<S>() -> Filtered<Self, Wanted, S>
    where
        S: Subscriber + for<'a> LookupSpan<'a>,
    {
        fn wanted(metadata: &Metadata<'_>) -> bool {
            // Debug- and trace-level spans (a library's internals) never hold a request.
            (metadata.is_span() && *metadata.level() <= tracing::Level::INFO)
                || metadata.target() == SQLX_QUERY
        }
        Self.with_filter(FilterFn::new(wanted as fn(&Metadata<'_>) -> bool))
    }
}

impl<S> Layer<S> for StatementCounter
where
    S: Subscriber + for<'a> LookupSpan<'a>,
{
    fn on_new_span(&self, attrs: &span::Attributes<'_>, id: &span::Id, ctx: Context<'_, S>) {
        if attrs.metadata().name() == REQUEST_SPAN
            && let Some(span) = ctx.span(id)
        {
            span.extensions_mut().insert(Statements(AtomicU32::new(0)));
        }
    }

    fn on_event(&self, event: &Event<'_>, ctx: Context<'_, S>) {
        if event.metadata().target() != SQLX_QUERY {
            return;
        }
        let Some(scope) = ctx.event_scope(event) else {
            return;
        };
        for span in scope {
            if let Some(statements) = span.extensions().get::<Statements>() {
                statements.0.fetch_add(1, Ordering::Relaxed);
                return;
            }
        }
    }
}

/// The statements counted so far in `span` (a request span), when the process's subscriber
/// counts them.
pub fn statements_in(span: &Span) -> Option<u32> {
    span.with_subscriber(|(id, dispatch)| {
        let registry = dispatch.downcast_ref::<Registry>()?;
        let span = registry.span(id)?;
        let extensions = span.extensions();
        extensions
            .get::<Statements>()
            .map(|statements| statements.0.load(Ordering::Relaxed))
    })
    .flatten()
}

#[cfg(test)]
mod tests {
    use tracing_subscriber::prelude::*;

    use super::*;

    fn statement() {
        tracing::debug!(target: "sqlx::query", summary = "select 1");
    }

    #[test]
    fn statements_count_towards_the_nearest_request_span_only() {
        let subscriber = tracing_subscriber::registry().with(StatementCounter::layer());
        tracing::subscriber::with_default(subscriber, || {
            let first = tracing::info_span!("request");
            let second = tracing::info_span!("request");
            first.in_scope(|| {
                statement();
                tracing::info_span!("server_fn.viewer").in_scope(|| {
                    tracing::info_span!("store.user").in_scope(statement);
                });
                tracing::info!("not a statement");
            });
            // A span created elsewhere that names the request as its parent counts there too.
            tracing::info_span!(parent: second.id(), "server_fn.ballot_page").in_scope(statement);
            statement();
            assert_eq!(statements_in(&first), Some(2));
            assert_eq!(statements_in(&second), Some(1));
            assert_eq!(
                statements_in(&tracing::info_span!("store.user")),
                None,
                "only request spans keep a count"
            );
        });
    }

    /// Whether a request finds a pooled connection or has to open one depends on what else holds
    /// connections at the time: the opening (SQLite's pragmas) is the pool's, never the request's.
    #[tokio::test]
    async fn a_request_that_opens_a_connection_counts_only_its_own_statements() {
        use tracing::Instrument;

        use crate::{
            config::{DatabaseConfig, DatabaseUrl},
            db::Store,
        };

        // sqlx's SQLite worker thread emits its events under the process's subscriber.
        tracing::subscriber::set_global_default(
            tracing_subscriber::registry().with(StatementCounter::layer()),
        )
        .expect("the only test that sets the process's subscriber");
        let dir = tempfile::tempdir().unwrap();
        let url = format!("sqlite://{}", dir.path().join("count.db").display());
        let store = Store::connect_lazy(&DatabaseConfig::with_defaults(
            DatabaseUrl::parse(&url).unwrap(),
        ))
        .unwrap();
        assert_eq!(store.connections_opened(), 0);

        let request = tracing::info_span!("request");
        store.ping().instrument(request.clone()).await.unwrap();
        assert_eq!(
            store.connections_opened(),
            1,
            "the request opened a connection"
        );
        assert_eq!(statements_in(&request), Some(1), "its one statement");
    }
}
