//! `GET /metrics`: Prometheus text.

use std::fmt::Write as _;

use axum::{extract::State, http::header, response::IntoResponse};

use crate::AppState;

/// Gauges from the queue and counters since start.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    responses((
        status = 200,
        description = "Prometheus exposition text",
        content_type = "text/plain",
        body = String
    ))
)]
pub async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let queues: Vec<_> = state
        .scopes()
        .iter()
        .map(|scope| (scope.campaign().id.as_str(), scope.queue().gauges()))
        .collect();
    let mut text = state.metrics().render(&queues);
    // Which lease row is this instance's: an operator (or a test) reading the database's
    // `admission_leases` can tell which instance leads.
    text.push_str(
        "# HELP fairline_admission_lease_holder The holder id this instance writes into the \
         campaign's admission lease.\n# TYPE fairline_admission_lease_holder gauge\n",
    );
    for scope in state.scopes() {
        let _ = writeln!(
            text,
            "fairline_admission_lease_holder{{campaign=\"{}\",holder=\"{}\"}} 1",
            scope.campaign().id,
            scope.queue().lease_holder()
        );
    }
    // Group commit at work: joins answered per join transaction committed.
    let joins = state.store().join_stats();
    let _ = write!(
        text,
        "# HELP fairline_join_transactions_total Join transactions committed (one per batch when \
         joins are group-committed, one per join otherwise).\n\
         # TYPE fairline_join_transactions_total counter\n\
         fairline_join_transactions_total {}\n\
         # HELP fairline_joins_committed_total Joins answered from committed join transactions \
         (new tickets and rejoins found inside them).\n\
         # TYPE fairline_joins_committed_total counter\n\
         fairline_joins_committed_total {}\n",
        joins.transactions, joins.joins
    );
    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], text)
}
