//! `GET /v1/health`: liveness for operators and the test harness.

use axum::Json;
use serde_json::{json, Value};

/// Always `{"status":"ok"}` while the process serves requests.
pub async fn health() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}
