//! `GET /v1/health`: liveness, the server time widgets sample their clock offset from, whether
//! that clock is a rehearsal's, and the machine's real time to check the device clock against.

use axum::{extract::State, http::header, response::IntoResponse, Json};
use fairline_core::wire::{Health, HealthStatus};

use super::Refusals;
use crate::AppState;

/// Liveness, server time and real time, never cached.
#[utoipa::path(
    get,
    path = "/v1/health",
    tag = "reads",
    responses((status = 200, description = "The server answers", body = Health), Refusals)
)]
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(Health {
            status: HealthStatus::Ok,
            server_time: state.queue().now(),
            rehearsal: state.queue().is_rehearsal(),
            real_time: Some(state.queue().clock().real_now()),
        }),
    )
}
