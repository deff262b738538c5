//! `GET /v1/campaigns` and `GET /v1/campaigns/{id}`: the campaign document every widget reads
//! (cacheable, with its `rules_version`).

use axum::{
    extract::{Path, State},
    http::{header, HeaderName},
    response::IntoResponse,
    Json,
};
use fairline_core::{campaign::Campaign, wire::CampaignSummary};

use super::{campaign_in_path, CampaignPath, Refusals};
use crate::{error::AppError, AppState};

/// The header every campaign response carries so a widget notices changed rules.
pub const RULES_VERSION_HEADER: HeaderName = HeaderName::from_static("fairline-rules-version");

/// The campaigns this server runs (a widget with no campaign id takes the first).
#[utoipa::path(
    get,
    path = "/v1/campaigns",
    tag = "reads",
    responses((status = 200, description = "The campaigns served", body = [CampaignSummary]), Refusals)
)]
pub async fn campaign_list(State(state): State<AppState>) -> impl IntoResponse {
    let summaries = state
        .scopes()
        .iter()
        .map(|scope| CampaignSummary {
            id: scope.campaign().id.clone(),
            names: scope.campaign().names.clone(),
        })
        .collect::<Vec<_>>();
    (
        [(header::CACHE_CONTROL, "public, max-age=30")],
        Json(summaries),
    )
}

/// The campaign as JSON, typed by core's `Campaign`.
#[utoipa::path(
    get,
    path = "/v1/campaigns/{campaign_id}",
    tag = "reads",
    params(CampaignPath),
    responses(
        (status = 200, description = "The campaign's rules, cohorts and sites", body = Campaign,
         headers(("fairline-rules-version" = String, description = "The rules' version hash"))),
        Refusals
    )
)]
pub async fn campaign_document(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
) -> Result<impl IntoResponse, AppError> {
    let campaign = campaign_in_path(&state, &campaign_id)?.campaign();
    Ok((
        [
            (header::CACHE_CONTROL, "public, max-age=30".to_owned()),
            (RULES_VERSION_HEADER, campaign.rules_version.clone()),
        ],
        Json(campaign.clone()),
    ))
}
