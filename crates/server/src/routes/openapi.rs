//! `GET /v1/openapi.json`: the API described for partners and tools.

use axum::{http::header, response::IntoResponse};

/// The OpenAPI 3.1 document, kept beside the code (a test checks it names every route).
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Serves [`OPENAPI`].
pub async fn document() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "application/json"),
            (header::CACHE_CONTROL, "public, max-age=300"),
        ],
        OPENAPI,
    )
}
