//! `GET /v1/openapi.json`: the API described for partners and tools, generated from the same
//! registrations the router is built from (see [`super::openapi`]).

use std::sync::OnceLock;

use axum::{http::header, response::IntoResponse};

/// The document as served, made once.
fn document_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| super::openapi().to_pretty_json().unwrap_or_default())
}

/// This document.
#[utoipa::path(
    get,
    path = "/v1/openapi.json",
    tag = "reads",
    responses((status = 200, description = "This OpenAPI document", content_type = "application/json"))
)]
pub async fn document() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        document_json(),
    )
}
