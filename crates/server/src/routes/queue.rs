//! The waiting room: join (a signed ticket; the same one on every rejoin), the shared state
//! document, admit (ticket → single-use admission token) and extend.

use axum::{
    extract::{Path, State},
    http::{header, HeaderMap, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use fairline_core::{
    eligibility::join_verdict,
    error::{ApiError, ErrorCode},
    person::PersonInput,
    wire::{
        AdmissionClaims, AdmitRequest, AdmitResponse, JoinResponse, QueueState, Signed,
        TicketClaims,
    },
};
use time::Duration;

use super::{campaign_in_path, CampaignPath, Refusals};
use crate::{
    error::{AppError, BodyField},
    extract::{JsonBody, VerifiedAdmission, VerifiedTicket},
    identity::{new_id, person_key_hash},
    metrics::Metrics,
    queue::QueueEngine,
    store::{AdmissionRow, JoinCommit, Joined, NewTicket},
    AppState, CampaignScope,
};

/// `POST …/queue`: eligibility checked with core's join rule (a join before the opening is
/// judged at the opening), then the person's one ticket.
#[utoipa::path(
    post,
    path = "/v1/campaigns/{campaign_id}/queue",
    tag = "queue",
    params(CampaignPath),
    request_body = PersonInput,
    responses((status = 200, description = "The person's ticket (the same one on every rejoin)", body = JoinResponse), Refusals)
)]
pub async fn join(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
    JsonBody(input): JsonBody<PersonInput>,
) -> Result<Response, AppError> {
    let scope = campaign_in_path(&state, &campaign_id)?;
    let (campaign, queue) = (scope.campaign(), scope.queue());
    let verdict = join_verdict(campaign, &input, queue.now());
    if let Some(refused) = ApiError::for_verdict(&verdict) {
        return Err(refused.into());
    }
    let person = input
        .parse()
        .map_err(|_| AppError::invalid(ErrorCode::InvalidInput, BodyField::Person))?;
    let person_hash = person_key_hash(&scope.secrets().person_key, &person);
    // Committing each join alone, a rejoin is answered from a read and never takes the write
    // lock; group-committed, the batch reads every held ticket with one statement instead.
    if state.store().join_commit() == JoinCommit::OnePerJoin {
        if let Some(ticket) = stored_ticket(&state, &campaign.id, &person_hash).await? {
            return Ok(Json(JoinResponse {
                ticket,
                rejoined: true,
            })
            .into_response());
        }
    }
    // The ticket is made where the place is numbered (the store's join task, for group commit).
    let keyring = scope.secrets().keyring.clone();
    let (campaign_id, clock, hash) = (
        campaign.id.clone(),
        queue.clock().clone(),
        person_hash.clone(),
    );
    let joined = queue
        .join(&person_hash, move |place| {
            // Serialised once: the signed bytes are the stored claims and the answer's claims.
            let (ticket, claims_json) = keyring.sign_json(TicketClaims {
                key_id: keyring.signing_key_id().to_owned(),
                ticket_id: new_id(),
                campaign_id,
                person_key_hash: hash,
                issued_at: clock.now(),
                place,
            });
            let answer = (claims_json.clone(), ticket.signature.clone());
            let stored = NewTicket {
                ticket_id: ticket.claims.ticket_id,
                claims_json,
                signature: ticket.signature,
            };
            Ok::<_, AppError>((stored, answer))
        })
        .await?;
    let ticket = match joined {
        Joined::Issued(_, (claims_json, signature)) => {
            Metrics::bump(&state.metrics().joins);
            return Ok(issued_answer(&claims_json, &signature));
        }
        // The same person joined at the same time (perhaps through another instance).
        Joined::Held(claims_json, signature) => parse_ticket(&claims_json, signature)?,
    };
    Ok(Json(JoinResponse {
        ticket,
        rejoined: true,
    })
    .into_response())
}

/// The answer to a join that issued a ticket: [`JoinResponse`]'s JSON written around the claims'
/// JSON as signed, without serialising the claims again (a test checks it is the same JSON).
fn issued_answer(claims_json: &str, signature: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        issued_body(claims_json, signature),
    )
        .into_response()
}

fn issued_body(claims_json: &str, signature: &str) -> String {
    format!(r#"{{"ticket":{{"claims":{claims_json},"signature":"{signature}"}},"rejoined":false}}"#)
}

async fn stored_ticket(
    state: &AppState,
    campaign_id: &str,
    person_hash: &str,
) -> Result<Option<Signed<TicketClaims>>, AppError> {
    let Some((claims_json, signature)) = state.store().ticket_of(campaign_id, person_hash).await?
    else {
        return Ok(None);
    };
    parse_ticket(&claims_json, signature).map(Some)
}

fn parse_ticket(claims_json: &str, signature: String) -> Result<Signed<TicketClaims>, AppError> {
    let claims = serde_json::from_str(claims_json).map_err(AppError::internal)?;
    Ok(Signed { claims, signature })
}

/// `GET …/queue/state`: one document for everyone, cacheable for a second or two, with an ETag.
#[utoipa::path(
    get,
    path = "/v1/campaigns/{campaign_id}/queue/state",
    tag = "queue",
    params(
        CampaignPath,
        ("if-none-match" = Option<String>, Header, description = "An ETag already held"),
    ),
    responses(
        (status = 200, description = "The queue state everyone polls", body = QueueState,
         headers(("etag" = String, description = "Strong ETag of the document"))),
        (status = 304, description = "The held document is current"),
        Refusals
    )
)]
pub async fn state(
    State(state): State<AppState>,
    Path(CampaignPath { campaign_id }): Path<CampaignPath>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let document = campaign_in_path(&state, &campaign_id)?
        .queue()
        .state_document();
    Metrics::bump(&state.metrics().queue_state_requests);
    let cache_control = format!(
        "public, max-age={}",
        state.tuning().state_max_age_s.clamp(1, 5)
    );
    let not_modified = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|tags| tags.split(',').any(|tag| tag.trim() == document.etag));
    let response_headers = [
        (header::CACHE_CONTROL, cache_control),
        (header::ETAG, document.etag.clone()),
    ];
    if not_modified {
        return Ok((StatusCode::NOT_MODIFIED, response_headers).into_response());
    }
    Ok((
        response_headers,
        [(header::CONTENT_TYPE, "application/json")],
        document.body,
    )
        .into_response())
}

fn admission_response(
    state: &AppState,
    scope: &CampaignScope,
    row: &AdmissionRow,
) -> AdmitResponse {
    let keyring = &scope.secrets().keyring;
    let admission = keyring.sign(AdmissionClaims {
        key_id: keyring.signing_key_id().to_owned(),
        admission_id: row.admission_id.clone(),
        ticket_id: row.ticket_id.clone(),
        campaign_id: scope.campaign().id.clone(),
        person_key_hash: row.person_key_hash.clone(),
        issued_at: QueueEngine::instant(row.issued_at_ms),
        expires_at: QueueEngine::instant(row.expires_at_ms),
        extensions_used: row.extensions_used,
    });
    AdmitResponse {
        admission,
        extensions_left: state
            .tuning()
            .max_extensions
            .saturating_sub(row.extensions_used),
    }
}

/// `POST …/queue/admit`: once the ticket's rank is reached, a short-lived single-use admission
/// (the same one again while it is live).
#[utoipa::path(
    post,
    path = "/v1/campaigns/{campaign_id}/queue/admit",
    tag = "queue",
    params(CampaignPath),
    request_body = AdmitRequest,
    responses((status = 200, description = "A single-use admission", body = AdmitResponse), Refusals)
)]
pub async fn admit(
    State(state): State<AppState>,
    VerifiedTicket(ticket): VerifiedTicket,
) -> Result<Json<AdmitResponse>, AppError> {
    let scope = campaign_in_path(&state, &ticket.claims.campaign_id)?;
    let (campaign, queue) = (scope.campaign(), scope.queue());
    let claims = &ticket.claims;
    let rank = queue
        .rank_of(claims.place)
        .ok_or_else(|| AppError::from(ErrorCode::NotYourTurn))?;
    if rank >= queue.admitted_through() {
        return Err(AppError::from(ErrorCode::NotYourTurn));
    }
    let now_ms = fairline_core::wire::unix_ms(queue.now());
    if let Some(existing) = state.store().admission_of_ticket(&claims.ticket_id).await? {
        if existing.used_at_ms.is_some() {
            return Err(AppError::from(ErrorCode::TokenReplayed));
        }
        if existing.expires_at_ms > now_ms {
            return Ok(Json(admission_response(&state, scope, &existing)));
        }
        return Err(AppError::from(ErrorCode::AdmissionLapsed));
    }
    let window = i64::try_from(queue.claim_window().as_millis()).unwrap_or(i64::MAX);
    if queue
        .reached_at_ms(rank)
        .is_some_and(|reached| now_ms - reached > window)
    {
        return Err(AppError::from(ErrorCode::AdmissionWindowMissed));
    }
    let ttl = Duration::try_from(state.tuning().admission_ttl).unwrap_or(Duration::minutes(5));
    let row = AdmissionRow {
        admission_id: new_id(),
        ticket_id: claims.ticket_id.clone(),
        person_key_hash: claims.person_key_hash.clone(),
        issued_at_ms: now_ms,
        expires_at_ms: now_ms + ttl.whole_milliseconds() as i64,
        extensions_used: 0,
        used_at_ms: None,
    };
    state.store().insert_admission(&campaign.id, &row).await?;
    Metrics::bump(&state.metrics().admissions);
    Ok(Json(admission_response(&state, scope, &row)))
}

/// `POST …/queue/extend`: more time on a live admission, a limited number of times.
#[utoipa::path(
    post,
    path = "/v1/campaigns/{campaign_id}/queue/extend",
    tag = "queue",
    params(CampaignPath),
    security(("admission" = [])),
    responses((status = 200, description = "The admission with a later expiry", body = AdmitResponse), Refusals)
)]
pub async fn extend(
    State(state): State<AppState>,
    VerifiedAdmission(admission): VerifiedAdmission,
) -> Result<Json<AdmitResponse>, AppError> {
    let scope = campaign_in_path(&state, &admission.claims.campaign_id)?;
    let id = &admission.claims.admission_id;
    let row = state
        .store()
        .admission(id)
        .await?
        .ok_or_else(|| AppError::from(ErrorCode::TokenBadSignature))?;
    let now_ms = fairline_core::wire::unix_ms(scope.queue().now());
    if row.used_at_ms.is_some() {
        return Err(AppError::from(ErrorCode::TokenReplayed));
    }
    if row.expires_at_ms <= now_ms {
        return Err(AppError::from(ErrorCode::TokenExpired));
    }
    let ttl = i64::try_from(state.tuning().admission_ttl.as_millis()).unwrap_or(300_000);
    let extended = state
        .store()
        .extend_admission(id, now_ms, now_ms + ttl, state.tuning().max_extensions)
        .await?;
    if !extended {
        return Err(AppError::from(ErrorCode::NoExtensionsLeft));
    }
    let row = state
        .store()
        .admission(id)
        .await?
        .ok_or_else(|| AppError::internal("admission vanished after extending"))?;
    Ok(Json(admission_response(&state, scope, &row)))
}

#[cfg(test)]
mod tests {
    use fairline_core::wire::{QueuePlace, TicketClaims};
    use time::macros::datetime;

    use super::*;
    use crate::signing::{Keyring, SigningKey};

    #[test]
    fn an_issued_answer_is_the_join_response_json() {
        let keyring = Keyring::new(vec![SigningKey {
            id: "k1".into(),
            secret: vec![3; 32],
        }])
        .unwrap();
        for place in [
            QueuePlace::PreQueue { index: 7 },
            QueuePlace::Ranked { rank: 12_345 },
        ] {
            let (ticket, claims_json) = keyring.sign_json(TicketClaims {
                key_id: "k1".into(),
                ticket_id: new_id(),
                campaign_id: "kr-covid19-2021-07".into(),
                person_key_hash: "ab".repeat(32),
                issued_at: datetime!(2021-07-12 20:30:00.123 +09:00),
                place,
            });
            let body = issued_body(&claims_json, &ticket.signature);
            let expected = serde_json::to_string(&JoinResponse {
                ticket,
                rejoined: false,
            })
            .unwrap();
            assert_eq!(body, expected);
        }
    }
}
