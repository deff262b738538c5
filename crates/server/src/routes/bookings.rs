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
    eligibility::evaluate_input,
    wire::to_hex,
};
use sha2::{Digest, Sha256};

use super::{campaign_in_path, queue::refusal, queue::verified_admission, sites::site_in};
use crate::{
    error::AppError,
    extract::JsonBody,
    identity::{booking_secret, new_reference, person_key_hash, same_secret},
    metrics::Metrics,
    queue::QueueEngine,
    store::{BookOutcome, NewBooking},
    AppState,
};

/// Header carrying a booking's secret.
pub const SECRET_HEADER: &str = "fairline-booking-secret";
/// Longest idempotency key accepted.
const MAX_IDEMPOTENCY_KEY: usize = 128;

/// `POST …/bookings`: 201 with the receipt; 200 with the same receipt for a retry.
pub async fn book(
    State(state): State<AppState>,
    Path(campaign_id): Path<String>,
    headers: HeaderMap,
    JsonBody(request): JsonBody<BookingRequest>,
) -> Result<impl IntoResponse, AppError> {
    let campaign = campaign_in_path(&state, &campaign_id)?;
    let admission = verified_admission(&state, &campaign.id, &headers)?;
    let idempotency_key = headers
        .get("idempotency-key")
        .and_then(|value| value.to_str().ok())
        .map(str::trim)
        .filter(|key| !key.is_empty() && key.len() <= MAX_IDEMPOTENCY_KEY)
        .ok_or_else(|| AppError::bad_request("idempotency_key_missing"))?
        .to_owned();
    // Stored to the millisecond; the receipt shows exactly what a later lookup will.
    let now = QueueEngine::instant(fairline_core::wire::unix_ms(state.queue().now()));
    let verdict = evaluate_input(campaign, &request.person, now);
    if let Some(refused) = refusal(&verdict) {
        return Err(refused);
    }
    let person = request
        .person
        .parse()
        .map_err(|_| AppError::invalid("invalid_input", "person"))?;
    let person_hash = person_key_hash(&state.secrets().person_key, &person);
    if person_hash != admission.claims.person_key_hash {
        return Err(AppError::forbidden("token_wrong_person"));
    }
    let site = site_in(campaign, &request.site_id).map_err(|e| e.with_field("site_id"))?;
    let local_day = request.starts_at.to_offset(campaign.local_offset()).date();
    let slot = site
        .slots_on(local_day, campaign.local_offset())
        .into_iter()
        .find(|slot| slot.starts_at == request.starts_at)
        .ok_or_else(|| AppError::invalid("slot_not_found", "starts_at"))?;
    if slot.starts_at <= now {
        return Err(AppError::invalid("slot_in_past", "starts_at"));
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
        BookOutcome::KeyReused => return Err(AppError::conflict("idempotency_key_reused")),
        BookOutcome::SlotFull => {
            return Err(AppError::conflict("slot_full").with_field("starts_at"))
        }
        BookOutcome::AdmissionUnknown => return Err(AppError::unauthorized("token_bad_signature")),
        BookOutcome::AdmissionUsed => return Err(AppError::conflict("token_replayed")),
        BookOutcome::AdmissionExpired => return Err(AppError::unauthorized("token_expired")),
    };
    let secret = booking_secret(&state.secrets().person_key, &booking.reference);
    let booking = in_campaign_time(&state, booking);
    Ok((status, Json(BookingReceipt { booking, secret })))
}

/// The booking with its times in the campaign's offset (as the campaign file writes them).
fn in_campaign_time(state: &AppState, mut booking: Booking) -> Booking {
    let offset = state.campaign().local_offset();
    booking.starts_at = booking.starts_at.to_offset(offset);
    booking.ends_at = booking.ends_at.to_offset(offset);
    booking.created_at = booking.created_at.to_offset(offset);
    booking
}

async fn owned_booking(
    state: &AppState,
    reference: &str,
    headers: &HeaderMap,
) -> Result<Booking, AppError> {
    let given = headers
        .get(SECRET_HEADER)
        .and_then(|value| value.to_str().ok())
        .ok_or_else(|| AppError::unauthorized("booking_secret_missing"))?;
    let expected = booking_secret(&state.secrets().person_key, reference);
    let booking = state.store().booking(reference).await?;
    match booking {
        Some(booking) if same_secret(given, &expected) => Ok(in_campaign_time(state, booking)),
        // Unknown reference and wrong secret look the same, so references cannot be probed.
        _ => Err(AppError::not_found("booking_not_found")),
    }
}

/// `GET /v1/bookings/{reference}` with the secret header.
pub async fn lookup(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Booking>, AppError> {
    Ok(Json(owned_booking(&state, &reference, &headers).await?))
}

/// `POST /v1/bookings/{reference}/cancel` with the secret header: frees the place.
pub async fn cancel(
    State(state): State<AppState>,
    Path(reference): Path<String>,
    headers: HeaderMap,
) -> Result<Json<Booking>, AppError> {
    let booking = owned_booking(&state, &reference, &headers).await?;
    if booking.status == BookingStatus::Confirmed && !state.store().cancel(&reference).await? {
        return Err(AppError::conflict("booking_not_confirmed"));
    }
    let booking = state
        .store()
        .booking(&reference)
        .await?
        .ok_or_else(|| AppError::internal("booking vanished after cancel"))?;
    Ok(Json(in_campaign_time(&state, booking)))
}
