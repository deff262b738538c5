//! The HTTP API, one file per resource, grouped into route classes whose concurrency is bounded
//! separately (see [`crate::guard`]).

mod admin;
mod bookings;
mod campaign;
mod eligibility;
mod health;
mod metrics;
mod openapi;
mod queue;
mod sites;

use axum::{
    extract::DefaultBodyLimit,
    middleware::from_fn_with_state,
    routing::{get, post},
    Router,
};

use crate::{
    extract::MAX_BODY_BYTES,
    guard::{self, RouteClass},
    AppState,
};

/// Every path the router serves, for the OpenAPI document's test.
pub const PATHS: &[&str] = &[
    "/v1/health",
    "/v1/openapi.json",
    "/metrics",
    "/v1/campaigns",
    "/v1/campaigns/{campaign_id}",
    "/v1/campaigns/{campaign_id}/eligibility",
    "/v1/campaigns/{campaign_id}/queue",
    "/v1/campaigns/{campaign_id}/queue/state",
    "/v1/campaigns/{campaign_id}/queue/admit",
    "/v1/campaigns/{campaign_id}/queue/extend",
    "/v1/campaigns/{campaign_id}/sites",
    "/v1/campaigns/{campaign_id}/sites/{site_id}/days/{day}",
    "/v1/campaigns/{campaign_id}/bookings",
    "/v1/bookings/{reference}",
    "/v1/bookings/{reference}/cancel",
    "/v1/admin/campaigns/{campaign_id}/pause",
    "/v1/admin/campaigns/{campaign_id}/resume",
    "/v1/admin/campaigns/{campaign_id}/rate",
];

/// The whole API with its protections.
pub fn api(state: AppState) -> Router {
    let reads = Router::new()
        .route("/v1/health", get(health::health))
        .route("/v1/openapi.json", get(openapi::document))
        .route("/metrics", get(metrics::metrics))
        .route("/v1/campaigns", get(campaign::campaign_list))
        .route(
            "/v1/campaigns/{campaign_id}",
            get(campaign::campaign_document),
        )
        .route("/v1/campaigns/{campaign_id}/queue/state", get(queue::state))
        .route("/v1/campaigns/{campaign_id}/sites", get(sites::sites))
        .route(
            "/v1/campaigns/{campaign_id}/sites/{site_id}/days/{day}",
            get(sites::day),
        )
        .route_layer(from_fn_with_state(
            (state.clone(), RouteClass::Read),
            guard::bound_concurrency,
        ));
    let joins = Router::new()
        .route("/v1/campaigns/{campaign_id}/queue", post(queue::join))
        .route_layer(from_fn_with_state(state.clone(), guard::limit_joins))
        .route(
            "/v1/campaigns/{campaign_id}/eligibility",
            post(eligibility::check),
        )
        .route_layer(from_fn_with_state(
            (state.clone(), RouteClass::Join),
            guard::bound_concurrency,
        ));
    let admitted = Router::new()
        .route(
            "/v1/campaigns/{campaign_id}/queue/admit",
            post(queue::admit),
        )
        .route(
            "/v1/campaigns/{campaign_id}/queue/extend",
            post(queue::extend),
        )
        .route("/v1/campaigns/{campaign_id}/bookings", post(bookings::book))
        .route("/v1/bookings/{reference}", get(bookings::lookup))
        .route("/v1/bookings/{reference}/cancel", post(bookings::cancel))
        .route(
            "/v1/admin/campaigns/{campaign_id}/pause",
            post(admin::pause),
        )
        .route(
            "/v1/admin/campaigns/{campaign_id}/resume",
            post(admin::resume),
        )
        .route(
            "/v1/admin/campaigns/{campaign_id}/rate",
            post(admin::set_rate),
        )
        .route_layer(from_fn_with_state(
            (state.clone(), RouteClass::Booking),
            guard::bound_concurrency,
        ));
    reads
        .merge(joins)
        .merge(admitted)
        .layer(from_fn_with_state(state.clone(), guard::count_errors))
        .layer(from_fn_with_state(state.clone(), guard::check_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
}

/// The campaign named in a path, or 404 `campaign_not_found`.
pub(crate) fn campaign_in_path<'a>(
    state: &'a AppState,
    campaign_id: &str,
) -> Result<&'a fairline_core::campaign::Campaign, crate::error::AppError> {
    let campaign = state.campaign();
    if campaign.id == campaign_id {
        Ok(campaign)
    } else {
        Err(crate::error::AppError::not_found("campaign_not_found"))
    }
}
