//! `GET /v1/campaigns/{id}`: the campaign document every widget reads (cacheable).

use axum::{
    extract::{Path, State},
    http::header,
    response::IntoResponse,
    Json,
};

use crate::{error::AppError, AppState};

/// One entry of the campaign list.
#[derive(serde::Serialize)]
pub struct CampaignSummary {
    id: String,
    names: fairline_core::campaign::Names,
}

/// `GET /v1/campaigns`: the campaigns this server runs (a widget with no campaign id takes the
/// first).
pub async fn campaign_list(State(state): State<AppState>) -> impl IntoResponse {
    let campaign = state.campaign();
    (
        [(header::CACHE_CONTROL, "public, max-age=30")],
        Json(vec![CampaignSummary {
            id: campaign.id.clone(),
            names: campaign.names.clone(),
        }]),
    )
}

/// The campaign as JSON, typed by core's `Campaign`.
pub async fn campaign_document(
    State(state): State<AppState>,
    Path(campaign_id): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let campaign = state.campaign();
    if campaign.id != campaign_id {
        return Err(AppError::not_found("campaign_not_found"));
    }
    Ok((
        [(header::CACHE_CONTROL, "public, max-age=30")],
        Json(campaign.clone()),
    ))
}
