//! Operator controls (admin bearer token): pause, resume, set the admission rate.

use axum::{
    extract::{Path, State},
    http::HeaderMap,
    Json,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::campaign_in_path;
use crate::{
    error::AppError,
    extract::{bearer, JsonBody},
    identity::same_secret,
    AppState,
};

/// Highest rate an operator may set, per second.
const MAX_RATE_PER_S: f64 = 100_000.0;

fn authorise(state: &AppState, headers: &HeaderMap) -> Result<(), AppError> {
    match bearer(headers) {
        Some(token) if same_secret(token, &state.secrets().admin_token) => Ok(()),
        _ => Err(AppError::unauthorized("admin_token_invalid")),
    }
}

fn controls(state: &AppState) -> Json<Value> {
    let (_, admitted_through, rate, _, paused) = state.queue().gauges();
    Json(json!({ "paused": paused, "rate_per_second": rate, "admitted_through": admitted_through }))
}

/// Stops admission (the state document says `paused`).
pub async fn pause(
    state: State<AppState>,
    id: Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    set_paused(state, id, headers, true).await
}

/// Resumes admission.
pub async fn resume(
    state: State<AppState>,
    id: Path<String>,
    headers: HeaderMap,
) -> Result<Json<Value>, AppError> {
    set_paused(state, id, headers, false).await
}

async fn set_paused(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    paused: bool,
) -> Result<Json<Value>, AppError> {
    authorise(&state, &headers)?;
    campaign_in_path(&state, &id)?;
    state.queue().set_paused(paused).await?;
    Ok(controls(&state))
}

/// Body of a rate change.
#[derive(Deserialize)]
pub struct RateChange {
    /// Admissions per second.
    pub per_second: f64,
}

/// Sets admissions per second (0 < rate ≤ 100 000).
pub async fn set_rate(
    State(state): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    JsonBody(change): JsonBody<RateChange>,
) -> Result<Json<Value>, AppError> {
    authorise(&state, &headers)?;
    campaign_in_path(&state, &id)?;
    if !(change.per_second > 0.0 && change.per_second <= MAX_RATE_PER_S) {
        return Err(AppError::invalid("rate_out_of_range", "per_second"));
    }
    state.queue().set_rate(change.per_second).await?;
    Ok(controls(&state))
}
