//! `GET /v1/health`: liveness, the server time widgets sample their clock offset from, and
//! whether that clock is a rehearsal's.

use axum::{extract::State, http::header, response::IntoResponse, Json};
use serde_json::json;
use time::format_description::well_known::Rfc3339;

use crate::AppState;

/// `{"status":"ok","server_time":"…","rehearsal":false}`, never cached.
pub async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let server_time = state.queue().now().format(&Rfc3339).unwrap_or_default();
    (
        [(header::CACHE_CONTROL, "no-store")],
        Json(json!({
            "status": "ok",
            "server_time": server_time,
            "rehearsal": state.queue().is_rehearsal(),
        })),
    )
}
