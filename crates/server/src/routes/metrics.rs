//! `GET /metrics`: Prometheus text.

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
    (
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        state.metrics().render(&queues),
    )
}
