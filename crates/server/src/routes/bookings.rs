//! Bookings: made only with a valid, unused admission and an `Idempotency-Key`; eligibility is
//! checked again with core; capacity, the admission and the booking are written in one
//! transaction. Lookup and cancel by reference + secret.

use axum::{
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    response::IntoResponse,
    Json,
};
use fairline_core::{
    booking::{Booking, BookingReceipt, BookingRequest, BookingStatus},
    campaign::Campaign,
    eligibility::evaluate_input,
    error::{ApiError, ErrorCode},
    wire::to_hex,
};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use utoipa::IntoParams;

use super::{campaign_in_path, sites::site_in, CampaignPath, Refusals};
use crate::{
    error::{AppError, BodyField},
    extract::{BookingSecret, JsonBody, VerifiedAdmission},
    identity::{booking_secret, new_reference, person_key_hash, same_secret},
    metrics::Metrics,
    queue::QueueEngine,
    store::{BookOutcome, NewBooking},
    AppState,
};

/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// `POST …/bookings`: 201 with the receipt; 200 with the same receipt for a retry.
#[utoipa::path(
    post,
    path = "/v1/campaigns/{campaign_id}/bookings",
    tag = "bookings",
    params(
        CampaignPath,
        ("idempotency-key" = String, Header, description = "The same key on every retry of one booking"),
    ),
    security(("admission" = [])),
    request_body = BookingRequest,
    responses(
        (status = 201, description = "Booked", body = BookingReceipt),
        (status = 200, description = "A retry: the same receipt", body = BookingReceipt),
        Refusals
    )
)]
pub async fn book(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
    admission: Result<VerifiedAdmission, AppError>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<impl IntoResponse, AppError> {
    // A malformed body is refused before the admission is looked at.
    let scope = campaign_in_path(&state, &campaign_id)?;
    let campaign = scope.campaign();
    let VerifiedAdmission(admission) = admission?;
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty() && key.len() <= MAX_IDEMPOTENCY_KEY)
        .ok_or_else(|| AppError::from(ErrorCode::IdempotencyKeyMissing))?
        .to_owned();
    // Stored to the millisecond; the receipt shows exactly what a later lookup will.
    let now = QueueEngine::instant(fairline_core::wire::unix_ms(scope.queue().now()));
    let verdict = evaluate_input(campaign, &request.person, now);
    if let Some(refused) = ApiError::for_verdict(&verdict) {
        return Err(refused.into());
    }
    let person = request
        .person
        .parse()
        .map_err(|_| AppError::invalid(ErrorCode::InvalidInput, BodyField::Person))?;
    let person_hash = person_key_hash(&scope.secrets().person_key, &person);
    if person_hash != admission.claims.person_key_hash {
        return Err(ErrorCode::TokenWrongPerson.into());
    }
    let site = site_in(campaign, &request.site_id).map_err(|e| e.at(BodyField::SiteId))?;
    let local_day = request.starts_at.to_offset(campaign.local_offset()).date();
    let slot = site
        .slots_on(local_day, campaign.local_offset())
        .into_iter()
        .find(|slot| slot.starts_at == request.starts_at)
        .ok_or_else(|| AppError::invalid(ErrorCode::SlotNotFound, BodyField::StartsAt))?;
    if slot.starts_at <= now {
        return Err(AppError::invalid(
            ErrorCode::SlotInPast,
            BodyField::StartsAt,
        ));
    }
    let request_hash = to_hex(&Sha256::digest(
        serde_json::to_vec(&request).map_err(AppError::internal)?,
    ));
    let reference = new_reference();
    let new = NewBooking {
        booking: Booking {
            reference,
            campaign_id: campaign.id.clone(),
            site_id: site.id.clone(),
            starts_at: slot.starts_at,
            ends_at: slot.ends_at,
            admission_id: admission.claims.admission_id.clone(),
            status: BookingStatus::Confirmed,
            created_at: now,
        },
        person_key_hash: person_hash,
        capacity: slot.capacity,
        idempotency_key,
        request_hash,
        now_ms: fairline_core::wire::unix_ms(now),
    };
    let (status, booking) = match state.store().book(&new).await? {
        BookOutcome::Created(booking) => {
            Metrics::bump(&state.metrics().bookings);
            (StatusCode::CREATED, booking)
        }
        BookOutcome::Replayed(booking) => (StatusCode::OK, booking),
        BookOutcome::KeyReused => return Err(ErrorCode::IdempotencyKeyReused.into()),
        BookOutcome::SlotFull => {
            return Err(AppError::invalid(ErrorCode::SlotFull, BodyField::StartsAt));
        }
        BookOutcome::AdmissionUnknown => return Err(ErrorCode::TokenBadSignature.into()),
        BookOutcome::AdmissionUsed => return Err(ErrorCode::TokenReplayed.into()),
        BookOutcome::AdmissionExpired => return Err(ErrorCode::TokenExpired.into()),
    };
    let secret = booking_secret(&scope.secrets().person_key, &booking.reference);
    let booking = in_campaign_time(campaign, booking);
    Ok((status, Json(BookingReceipt { booking, secret })))
}

/// The booking with its times in the campaign's offset (as the campaign file writes them).
fn in_campaign_time(campaign: &Campaign, mut booking: Booking) -> Booking {
    let offset = campaign.local_offset();
    booking.starts_at = booking.starts_at.to_offset(offset);
    booking.ends_at = booking.ends_at.to_offset(offset);
    booking.created_at = booking.created_at.to_offset(offset);
    booking
}

async fn owned_booking(
    state: &AppState,
    reference: &str,
    BookingSecret(given): BookingSecret,
) -> Result<Booking, AppError> {
    let booking = state.store().booking(reference).await?;
    // The booking's campaign keys its secret; a campaign no longer served owns nothing here.
    let scope = booking
        .as_ref()
        .and_then(|booking| state.scope(&booking.campaign_id));
    match (booking, scope) {
        (Some(booking), Some(scope))
            if same_secret(
                &given,
                &booking_secret(&scope.secrets().person_key, reference),
            ) =>
        {
            Ok(in_campaign_time(scope.campaign(), booking))
        }
        // Unknown reference and wrong secret look the same, so references cannot be probed.
        _ => Err(ErrorCode::BookingNotFound.into()),
    }
}

/// `{reference}` in a path.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
pub(crate) struct ReferencePath {
    /// The booking reference, e.g. `FL-7K3M-Q9XD`.
    reference: String,
}

/// `GET /v1/bookings/{reference}` with the secret header.
#[utoipa::path(
    get,
    path = "/v1/bookings/{reference}",
    tag = "bookings",
    params(
        ReferencePath,
        ("fairline-booking-secret" = String, Header, description = "The receipt's secret"),
    ),
    responses((status = 200, description = "The booking", body = Booking), Refusals)
)]
pub async fn lookup(
    State(state): State<AppState>,
    Path(ReferencePath { reference }): Path<ReferencePath>,
    secret: BookingSecret,
) -> Result<Json<Booking>, AppError> {
    Ok(Json(owned_booking(&state, &reference, secret).await?))
}

/// `POST /v1/bookings/{reference}/cancel` with the secret header: frees the place.
#[utoipa::path(
    post,
    path = "/v1/bookings/{reference}/cancel",
    tag = "bookings",
    params(
        ReferencePath,
        ("fairline-booking-secret" = String, Header, description = "The receipt's secret"),
    ),
    responses((status = 200, description = "The booking, cancelled", body = Booking), Refusals)
)]
pub async fn cancel(
    State(state): State<AppState>,
    Path(ReferencePath { reference }): Path<ReferencePath>,
    secret: BookingSecret,
) -> Result<Json<Booking>, AppError> {
    let booking = owned_booking(&state, &reference, secret).await?;
    if booking.status == BookingStatus::Confirmed && !state.store().cancel(&reference).await? {
        return Err(ErrorCode::BookingNotConfirmed.into());
    }
    let booking = state
        .store()
        .booking(&reference)
        .await?
        .ok_or_else(|| AppError::internal("booking vanished after cancel"))?;
    let campaign = state
        .scope(&booking.campaign_id)
        .ok_or_else(|| AppError::from(ErrorCode::BookingNotFound))?
        .campaign();
    Ok(Json(in_campaign_time(campaign, booking)))
}
