//! Operator controls (admin bearer token): pause, resume, set the admission rate.

use axum::{
    extract::{Path, State},
    Json,
};
use fairline_core::{
    error::ErrorCode,
    wire::{AdmissionControls, RateChange},
};

use super::{campaign_in_path, CampaignPath, Refusals};
use crate::{
    config::MAX_ADMIT_RATE_PER_S,
    error::{AppError, BodyField},
    extract::{AdminToken, JsonBody},
    AppState, CampaignScope,
};

fn controls(scope: &CampaignScope) -> Json<AdmissionControls> {
    let (_, admitted_through, rate_per_second, _, paused, _) = scope.queue().gauges();
    Json(AdmissionControls {
        paused,
        rate_per_second,
        admitted_through,
    })
}

/// Stops admission (the state document says `paused`).
#[utoipa::path(
    post,
    path = "/v1/admin/campaigns/{campaign_id}/pause",
    tag = "operations",
    params(CampaignPath),
    security(("operator" = [])),
    responses((status = 200, description = "Admission is paused", body = AdmissionControls), Refusals)
)]
pub async fn pause(
    _admin: AdminToken,
    state: State<AppState>,
    id: Path<CampaignPath>,
) -> Result<Json<AdmissionControls>, AppError> {
    set_paused(state, id, true).await
}

/// Resumes admission.
#[utoipa::path(
    post,
    path = "/v1/admin/campaigns/{campaign_id}/resume",
    tag = "operations",
    params(CampaignPath),
    security(("operator" = [])),
    responses((status = 200, description = "Admission runs", body = AdmissionControls), Refusals)
)]
pub async fn resume(
    _admin: AdminToken,
    state: State<AppState>,
    id: Path<CampaignPath>,
) -> Result<Json<AdmissionControls>, AppError> {
    set_paused(state, id, false).await
}

async fn set_paused(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id: id }): Path<CampaignPath>,
    paused: bool,
) -> Result<Json<AdmissionControls>, AppError> {
    let scope = campaign_in_path(&state, &id)?;
    scope.queue().set_paused(paused).await?;
    Ok(controls(scope))
}

/// Sets admissions per second (0 < rate ≤ 100 000).
#[utoipa::path(
    post,
    path = "/v1/admin/campaigns/{campaign_id}/rate",
    tag = "operations",
    params(CampaignPath),
    security(("operator" = [])),
    request_body = RateChange,
    responses((status = 200, description = "The new rate applies", body = AdmissionControls), Refusals)
)]
pub async fn set_rate(
    admin: Result<AdminToken, AppError>,
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id: id }): Path<CampaignPath>,
    JsonBody(change): JsonBody<RateChange>,
) -> Result<Json<AdmissionControls>, AppError> {
    admin?;
    let scope = campaign_in_path(&state, &id)?;
    if !(change.per_second > 0.0 && change.per_second <= MAX_ADMIT_RATE_PER_S) {
        return Err(AppError::invalid(
            ErrorCode::RateOutOfRange,
            BodyField::PerSecond,
        ));
    }
    scope.queue().set_rate(change.per_second).await?;
    Ok(controls(scope))
}
