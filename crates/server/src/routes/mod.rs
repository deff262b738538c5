//! The HTTP API, one file per resource, grouped into route classes whose concurrency is bounded
//! separately (see [`crate::guard`]).
//!
//! Every route is registered once, through `utoipa-axum`'s `routes!`, so the router and the
//! OpenAPI document ([`openapi`]) are built from the same registrations and cannot drift.

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
    extract::{DefaultBodyLimit, MatchedPath, Request},
    middleware::from_fn_with_state,
    Router,
};
use fairline_core::{error::ApiError, error::ErrorCode};
use serde::Deserialize;
use tower_http::trace::TraceLayer;
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    IntoParams, IntoResponses, Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::AppError,
    extract::MAX_BODY_BYTES,
    guard::{self, RouteClass},
    AppState, CampaignScope,
};

/// The refusals every endpoint may answer with: the one error shape.
#[derive(IntoResponses)]
#[allow(dead_code)]
pub(crate) enum Refusals {
    /// Refused: the body says why (`code`, and `field`, `retry_after_s`, `verdict` when they apply).
    #[response(status = "4XX")]
    Refused(ApiError),
    /// Overloaded: retry after `Retry-After` seconds.
    #[response(status = 503)]
    Overloaded(ApiError),
    /// Something failed inside the server (details are logged, never sent).
    #[response(status = 500)]
    Internal(ApiError),
}

/// The document's frame; the paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Fairline waiting room and booking API",
        version = "1",
        description = "Every error is the one shape `ApiError`: a stable `code` (see `ErrorCode`), and `field`, `retry_after_s`, `verdict` when they apply. Overload answers 503 (or 429 for joins) with `Retry-After`."
    ),
    components(schemas(ApiError, ErrorCode)),
    modifiers(&Security)
)]
struct ApiDoc;

/// The two bearer tokens: an admission (booking, extend) and the operator's admin token.
struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for name in ["admission", "operator"] {
            components.add_security_scheme(
                name,
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// Cacheable reads.
fn reads() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(health::health))
        .routes(routes!(openapi::document))
        .routes(routes!(metrics::metrics))
        .routes(routes!(campaign::campaign_list))
        .routes(routes!(campaign::campaign_document))
        .routes(routes!(queue::state))
        .routes(routes!(sites::sites))
        .routes(routes!(sites::day))
}

/// Joins (also limited per client).
fn joins() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(queue::join))
}

/// Eligibility checks (bounded with joins).
fn checks() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(eligibility::check))
}

/// Admitted users and operators.
fn admitted() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(queue::admit))
        .routes(routes!(queue::extend))
        .routes(routes!(bookings::book))
        .routes(routes!(bookings::lookup))
        .routes(routes!(bookings::cancel))
        .routes(routes!(admin::pause))
        .routes(routes!(admin::resume))
        .routes(routes!(admin::set_rate))
}

/// The OpenAPI document of every route [`api`] serves.
pub fn openapi() -> utoipa::openapi::OpenApi {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .merge(reads())
        .merge(joins())
        .merge(checks())
        .merge(admitted())
        .into_openapi()
}

/// The whole API with its protections, and request tracing by matched route.
pub fn api(state: AppState) -> Router {
    let bound = |class| from_fn_with_state((state.clone(), class), guard::bound_concurrency);
    let joins = joins()
        .route_layer(from_fn_with_state(state.clone(), guard::limit_joins))
        .merge(checks())
        .route_layer(bound(RouteClass::Join));
    let (router, _) = OpenApiRouter::new()
        .merge(reads().route_layer(bound(RouteClass::Read)))
        .merge(joins)
        .merge(admitted().route_layer(bound(RouteClass::Booking)))
        .split_for_parts();
    router
        .layer(from_fn_with_state(state.clone(), guard::count_errors))
        .layer(from_fn_with_state(state.clone(), guard::check_origin))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .with_state(state)
}

/// The span of one request: its method and the route it matched (`/v1/bookings/{reference}`),
/// never the raw URI, which may carry references and ids.
fn request_span(request: &Request) -> tracing::Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("(unmatched)", MatchedPath::as_str);
    tracing::info_span!("request", method = %request.method(), route)
}

/// `{campaign_id}` in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct CampaignPath {
    /// The campaign, e.g. `kr-covid19-2021-07`.
    pub(crate) campaign_id: String,
}

/// The campaign named in a path (its rules, queue and secrets), or 404 `campaign_not_found`.
pub(crate) fn campaign_in_path<'a>(
    state: &'a AppState,
    campaign_id: &str,
) -> Result<&'a CampaignScope, AppError> {
    state
        .scope(campaign_id)
        .ok_or_else(|| ErrorCode::CampaignNotFound.into())
}
