//! The HTTP API, one file per resource.

mod campaign;
mod health;

use axum::{routing::get, Router};

use crate::AppState;

/// All `/v1` routes.
pub fn api() -> Router<AppState> {
    Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/campaigns", get(campaign::campaign_list))
        .route(
            "/v1/campaigns/{campaign_id}",
            get(campaign::campaign_document),
        )
}
