//! `AppError`: every failure a handler can return, turned into the one JSON error shape.
//!
//! Internal details are logged, never sent: a client sees a stable code and a message key.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use fairline_core::error::ApiError;

/// A handler failure with the HTTP status it maps to.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    body: ApiError,
}

impl AppError {
    /// A failure with an explicit status and body.
    pub fn new(status: StatusCode, body: ApiError) -> Self {
        Self { status, body }
    }

    /// 404 with `code`.
    pub fn not_found(code: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, ApiError::new(code))
    }

    /// 500 that logs `detail` and tells the client only `internal`.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, ApiError::new("internal"))
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = self.body.retry_after_s;
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response
    }
}
