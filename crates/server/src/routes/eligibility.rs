//! `POST /v1/campaigns/{id}/eligibility`: core's verdict for the declared person at server time.

use axum::{
    extract::{Path, State},
    Json,
};
use fairline_core::{
    booking::EligibilityResponse, eligibility::evaluate_input, person::PersonInput,
};

use super::{campaign_in_path, CampaignPath, Refusals};
use crate::{error::AppError, extract::JsonBody, AppState};

/// 200 with the verdict, whatever it is.
#[utoipa::path(
    post,
    path = "/v1/campaigns/{campaign_id}/eligibility",
    tag = "queue",
    params(CampaignPath),
    request_body = PersonInput,
    responses((status = 200, description = "The verdict at server time", body = EligibilityResponse), Refusals)
)]
pub async fn check(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
    JsonBody(person): JsonBody<PersonInput>,
) -> Result<Json<EligibilityResponse>, AppError> {
    let scope = campaign_in_path(&state, &campaign_id)?;
    let (campaign, now) = (scope.campaign(), scope.queue().now());
    Ok(Json(EligibilityResponse {
        verdict: evaluate_input(campaign, &person, now),
        rules_version: campaign.rules_version.clone(),
        server_time: now,
    }))
}
