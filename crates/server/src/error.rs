//! `AppError`: every failure a handler can return, turned into the one JSON error shape.
//!
//! A handler names a core [`ErrorCode`] (`AppError::from(ErrorCode::SlotFull)`); [`status_of`]
//! is the one place that says which HTTP status each code is sent with. Internal details are
//! logged, never sent: a client sees a stable code. The code also rides in the response's
//! extensions so `/metrics` can count errors by code.

use axum::{
    http::{header, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use fairline_core::{
    eligibility::Verdict,
    error::{ApiError, ErrorCode},
};

/// The HTTP status every error code is sent with.
pub fn status_of(code: ErrorCode) -> StatusCode {
    use ErrorCode as C;
    match code {
        C::MalformedJson | C::IdempotencyKeyMissing => StatusCode::BAD_REQUEST,
        C::JsonRequired => StatusCode::UNSUPPORTED_MEDIA_TYPE,
        C::BodyTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
        C::InvalidBody
        | C::InvalidInput
        | C::InvalidDay
        | C::RateOutOfRange
        | C::SlotNotFound
        | C::SlotInPast => StatusCode::UNPROCESSABLE_ENTITY,
        // The declared person's fields.
        C::Required
        | C::TooLong
        | C::NameInvalidCharacters
        | C::NameNoLetters
        | C::DateFormat
        | C::DateNotACalendarDate
        | C::DateOutOfRange
        | C::BirthDateInFuture
        | C::MobileFormat
        | C::MobileNotMobile
        | C::ResidentNumberFormat
        | C::ResidentNumberTooManyDigits
        | C::ResidentNumberNotACalendarDate
        | C::ResidentNumberMismatch => StatusCode::UNPROCESSABLE_ENTITY,
        // Found by a widget checking the state document against its ticket; a server never
        // sends them, but if one did, it would be about unreadable input.
        C::TicketCampaignMismatch
        | C::TicketIndexOutsideDraw
        | C::DrawSeedMalformed
        | C::DrawCommitmentMismatch
        | C::DrawSizeMissing => StatusCode::UNPROCESSABLE_ENTITY,
        C::NotYet
        | C::Closed
        | C::NotEligible
        | C::TokenWrongCampaign
        | C::TokenWrongPerson
        | C::OriginNotAllowed => StatusCode::FORBIDDEN,
        C::CampaignNotFound | C::SiteNotFound | C::BookingNotFound => StatusCode::NOT_FOUND,
        C::TokenMalformed
        | C::TokenUnknownKey
        | C::TokenBadSignature
        | C::TokenExpired
        | C::AdmissionMissing
        | C::BookingSecretMissing
        | C::AdminTokenInvalid => StatusCode::UNAUTHORIZED,
        C::TokenReplayed
        | C::NotYourTurn
        | C::NoExtensionsLeft
        | C::SlotFull
        | C::IdempotencyKeyReused
        | C::BookingNotConfirmed => StatusCode::CONFLICT,
        C::AdmissionLapsed | C::AdmissionWindowMissed => StatusCode::GONE,
        C::TooManyJoins => StatusCode::TOO_MANY_REQUESTS,
        C::Overloaded => StatusCode::SERVICE_UNAVAILABLE,
        C::Internal | C::Unknown => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// A request field an error names, beyond the declared person's own fields (which core's
/// `person::Field` names): the JSON or path field the `field` of the error body points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BodyField {
    /// The declared person as a whole.
    Person,
    /// A booking's site.
    SiteId,
    /// A booking's slot start.
    StartsAt,
    /// The day in a day-availability path.
    Day,
    /// An operator's admission rate.
    PerSecond,
}

impl BodyField {
    /// The field's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            BodyField::Person => "person",
            BodyField::SiteId => "site_id",
            BodyField::StartsAt => "starts_at",
            BodyField::Day => "day",
            BodyField::PerSecond => "per_second",
        }
    }
}

/// A handler failure: core's error body, sent with [`status_of`] its code.
#[derive(Debug)]
pub struct AppError {
    body: Box<ApiError>,
}

impl From<ErrorCode> for AppError {
    fn from(code: ErrorCode) -> Self {
        Self::from(ApiError::new(code))
    }
}

impl From<ApiError> for AppError {
    fn from(body: ApiError) -> Self {
        Self {
            body: Box::new(body),
        }
    }
}

impl AppError {
    /// `code` naming the field at fault.
    pub fn invalid(code: ErrorCode, field: BodyField) -> Self {
        Self::from(code).at(field)
    }

    /// The same error, naming the field at fault.
    pub fn at(self, field: BodyField) -> Self {
        self.with_field(field.as_str())
    }

    /// `code` (503 or 429) asking the client to come back after `seconds` (`Retry-After`).
    pub fn retry_later(code: ErrorCode, seconds: u32) -> Self {
        Self::from(ApiError::new(code).with_retry_after(seconds))
    }

    /// 500 that logs `detail` and tells the client only `internal`.
    pub fn internal(detail: impl std::fmt::Display) -> Self {
        tracing::error!(%detail, "internal error");
        Self::from(ErrorCode::Internal)
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

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        status_of(self.body.code)
    }
}

impl From<sqlx::Error> for AppError {
    fn from(error: sqlx::Error) -> Self {
        Self::internal(error)
    }
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let code = self.body.code;
        let retry_after = self.body.retry_after_s;
        let mut response = (status, Json(self.body)).into_response();
        if let Some(seconds) = retry_after {
            if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, value);
            }
        }
        response.extensions_mut().insert(code);
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_a_client_or_overload_status_except_internal() {
        for &code in ErrorCode::ALL {
            let status = status_of(code);
            match code {
                ErrorCode::Internal => assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR),
                ErrorCode::Overloaded => assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE),
                _ => assert!(status.is_client_error(), "{code}: {status}"),
            }
        }
    }

    #[test]
    fn the_response_carries_the_code_for_metrics_and_retry_after() {
        let response = AppError::retry_later(ErrorCode::TooManyJoins, 7).into_response();
        assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(response.headers()[header::RETRY_AFTER], "7");
        assert_eq!(
            response.extensions().get::<ErrorCode>(),
            Some(&ErrorCode::TooManyJoins)
        );
    }
}
