//! The request boundary: extractors that turn every malformed input into a coded 4xx, never a
//! 500, and that hand handlers only what they have verified — a JSON body, the campaign named in
//! the path, a ticket or an admission whose signature and campaign were checked, the operator.

use axum::{
    extract::{rejection::JsonRejection, FromRequest, FromRequestParts, Path, Request},
    http::{header::AUTHORIZATION, request::Parts},
};
use fairline_core::{
    error::ErrorCode,
    token,
    wire::{AdmissionClaims, AdmitRequest, Claims, Signed, TicketClaims},
};
use serde::de::DeserializeOwned;

use crate::{
    error::AppError,
    identity::same_secret,
    routes::{campaign_in_path, CampaignPath},
    signing::SignatureError,
    AppState, CampaignScope,
};

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
    match rejection {
        JsonRejection::JsonSyntaxError(_) => ErrorCode::MalformedJson.into(),
        JsonRejection::MissingJsonContentType(_) => ErrorCode::JsonRequired.into(),
        JsonRejection::JsonDataError(error) => {
            let error_text = error.body_text();
            let error = AppError::from(ErrorCode::InvalidBody);
            match field_in(&error_text) {
                Some(field) => error.with_field(&field),
                None => error,
            }
        }
        JsonRejection::BytesRejection(_) => ErrorCode::BodyTooLarge.into(),
        _ => ErrorCode::MalformedJson.into(),
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
fn bearer(parts: &Parts) -> Option<&str> {
    parts
        .headers
        .get(AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

impl From<SignatureError> for ErrorCode {
    fn from(error: SignatureError) -> Self {
        match error {
            SignatureError::UnknownKey => ErrorCode::TokenUnknownKey,
            SignatureError::BadSignature => ErrorCode::TokenBadSignature,
        }
    }
}

/// The campaign named by the path's `{campaign_id}` (the routes' own [`CampaignPath`]), or 404
/// `campaign_not_found`.
async fn campaign_of<'a>(
    parts: &mut Parts,
    state: &'a AppState,
) -> Result<&'a CampaignScope, AppError> {
    match Path::<CampaignPath>::from_request_parts(parts, state).await {
        Ok(Path(path)) => campaign_in_path(state, &path.campaign_id),
        Err(_) => Err(ErrorCode::CampaignNotFound.into()),
    }
}

/// Checks signed claims' MAC with the key they name, and their campaign against the path's. The
/// MAC is checked with the keys of the campaign the claims name when this server serves it
/// (so a genuine token of another campaign is `token_wrong_campaign`, a forged one
/// `token_bad_signature`), else with the path's.
fn verify<C: Claims>(
    state: &AppState,
    scope: &CampaignScope,
    signed: &Signed<C>,
    key_id: &str,
    campaign_id: &str,
) -> Result<(), AppError> {
    state
        .scope(campaign_id)
        .unwrap_or(scope)
        .secrets()
        .keyring
        .verify(signed, key_id)
        .map_err(|e| AppError::from(ErrorCode::from(e)))?;
    if campaign_id != scope.campaign().id {
        return Err(ErrorCode::TokenWrongCampaign.into());
    }
    Ok(())
}

/// The ticket in an admit request's body (`{"ticket": …}`), its signature and campaign checked
/// against the path's campaign.
pub struct VerifiedTicket(pub Signed<TicketClaims>);

impl FromRequest<AppState> for VerifiedTicket {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, AppError> {
        // The body is read first, as for every handler that takes one: a malformed request is
        // refused as such whatever its path says.
        let (mut parts, body) = request.into_parts();
        let campaign = campaign_of(&mut parts, state).await;
        let JsonBody(AdmitRequest { ticket }) =
            JsonBody::from_request(Request::from_parts(parts, body), state).await?;
        let campaign = campaign?;
        let claims = &ticket.claims;
        verify(
            state,
            campaign,
            &ticket,
            &claims.key_id,
            &claims.campaign_id,
        )?;
        Ok(Self(ticket))
    }
}

/// The admission in `Authorization: Bearer …`, signature and campaign checked against the
/// path's campaign (not yet whether it is used or lapsed: the store knows that).
pub struct VerifiedAdmission(pub Signed<AdmissionClaims>);

impl FromRequestParts<AppState> for VerifiedAdmission {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        let campaign = campaign_of(parts, state).await?;
        let raw = bearer(parts).ok_or_else(|| AppError::from(ErrorCode::AdmissionMissing))?;
        let admission: Signed<AdmissionClaims> =
            token::decode(raw).map_err(|_| AppError::from(ErrorCode::TokenMalformed))?;
        let claims = &admission.claims;
        verify(
            state,
            campaign,
            &admission,
            &claims.key_id,
            &claims.campaign_id,
        )?;
        Ok(Self(admission))
    }
}

/// The operator: `Authorization: Bearer <admin token>`, else 401 `admin_token_invalid`.
pub struct AdminToken;

impl FromRequestParts<AppState> for AdminToken {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, AppError> {
        match bearer(parts) {
            Some(token) if same_secret(token, &state.secrets().admin_token) => Ok(Self),
            _ => Err(ErrorCode::AdminTokenInvalid.into()),
        }
    }
}

/// The header carrying a booking's secret.
pub const BOOKING_SECRET_HEADER: &str = "fairline-booking-secret";

/// The `Fairline-Booking-Secret` header, else 401 `booking_secret_missing` (whether it is the
/// right secret depends on the booking).
pub struct BookingSecret(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BookingSecret {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, AppError> {
        parts
            .headers
            .get(BOOKING_SECRET_HEADER)
            .and_then(|value| value.to_str().ok())
            .map(|secret| Self(secret.to_owned()))
            .ok_or_else(|| ErrorCode::BookingSecretMissing.into())
    }
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
