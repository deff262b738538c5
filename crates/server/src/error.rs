//! `AppError`: every failure a handler can return, turned into the one JSON error shape.
//!
//! Internal details are logged, never sent: a client sees a stable code and a message key. The
//! code also rides in the response's extensions so `/metrics` can count errors by code.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use fairline_core::{eligibility::Verdict, error::ApiError};

/// A handler failure with the HTTP status it maps to.
#[derive(Debug)]
pub struct AppError {
    status: StatusCode,
    body: Box<ApiError>,
}

/// The error code of a response, for metrics.
#[derive(Debug, Clone)]
pub struct ErrorCode(pub String);

impl AppError {
    /// A failure with an explicit status and `code`.
    pub fn new(status: StatusCode, code: &str) -> Self {
        Self {
            status,
            body: Box::new(ApiError::new(code)),
        }
    }

    /// 400.
    pub fn bad_request(code: &str) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code)
    }

    /// 401.
    pub fn unauthorized(code: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, code)
    }

    /// 403.
    pub fn forbidden(code: &str) -> Self {
        Self::new(StatusCode::FORBIDDEN, code)
    }

    /// 404.
    pub fn not_found(code: &str) -> Self {
        Self::new(StatusCode::NOT_FOUND, code)
    }

    /// 409.
    pub fn conflict(code: &str) -> Self {
        Self::new(StatusCode::CONFLICT, code)
    }

    /// 422 naming the field at fault.
    pub fn invalid(code: &str, field: &str) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, code).with_field(field)
    }

    /// 503 or 429 with `Retry-After`.
    pub fn retry_later(status: StatusCode, code: &str, seconds: u32) -> Self {
        let mut error = Self::new(status, code);
        error.body.retry_after_s = Some(seconds);
        error
    }

    /// 500 that logs `detail` and tells the client only `internal`.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    }

    /// The same error, naming a field.
    pub fn with_field(mut self, field: &str) -> Self {
        self.body.field = Some(field.to_owned());
        self
    }

    /// The same error, carrying the verdict behind it.
    pub fn with_verdict(mut self, verdict: Verdict) -> Self {
        self.body.verdict = Some(verdict);
        self
    }

    /// The error's code.
    pub fn code(&self) -> &str {
        &self.body.code
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let retry_after = self.body.retry_after_s;
        let code = ErrorCode(self.body.code.clone());
        let mut response = (self.status, Json(self.body)).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(code);
        response
    }
}
