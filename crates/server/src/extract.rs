//! Request extractors that turn every malformed input into a coded 4xx, never a 500.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, Request},
    http::{header::AUTHORIZATION, request::Parts, HeaderMap},
};
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// Largest request body accepted anywhere (bookings and joins are well under 2 KiB).
pub const MAX_BODY_BYTES: usize = 16 * 1024;

/// A JSON body whose rejections are Fairline errors: `malformed_json` (400), `json_required`
/// (415), `body_too_large` (413), `invalid_body` (422, with the field serde names when it can).
pub struct JsonBody<T>(pub T);

impl<S, T> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(json_rejection(&rejection)),
        }
    }
}

fn json_rejection(rejection: &JsonRejection) -> AppError {
    use axum::http::StatusCode;
    match rejection {
        JsonRejection::JsonSyntaxError(_) => AppError::bad_request("malformed_json"),
        JsonRejection::MissingJsonContentType(_) => {
            AppError::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "json_required")
        }
        JsonRejection::JsonDataError(error) => {
            let text = error.body_text();
            let error = AppError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body");
            match field_in(&text) {
                Some(field) => error.with_field(&field),
                None => error,
            }
        }
        JsonRejection::BytesRejection(_) => {
            AppError::new(StatusCode::PAYLOAD_TOO_LARGE, "body_too_large")
        }
        _ => AppError::bad_request("malformed_json"),
    }
}

/// The field serde complained about: `missing field `x`` or `x: invalid type …`.
fn field_in(text: &str) -> Option<String> {
    let after = text
        .split("missing field `")
        .nth(1)
        .and_then(|rest| rest.split('`').next());
    let before = text.split(": ").nth(1).filter(|path| {
        path.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
    });
    after.or(before).map(str::to_owned)
}

/// The token after `Bearer ` in `Authorization`, if present.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// A header as text, if present and readable.
pub fn header_text<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts.headers.get(name)?.to_str().ok()
}

#[cfg(test)]
mod tests {
    use super::field_in;

    #[test]
    fn serde_messages_name_their_field() {
        assert_eq!(
            field_in("Failed to deserialize the JSON body into the target type: missing field `site_id` at line 1").as_deref(),
            Some("site_id")
        );
        assert_eq!(
            field_in("Failed to deserialize the JSON body into the target type: name: invalid type: integer `3`").as_deref(),
            Some("name")
        );
    }
}
