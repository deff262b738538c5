//! The citizen's whole journey and every known way around it, over real HTTP and SQLite.

mod common;

use common::{person, receipt, spawn_app, spawn_app_with, AppOptions, SLOT};
use fairline_core::{
    booking::{Booking, BookingStatus, EligibilityResponse, SiteSummary},
    draw::{verify_commitment, PreQueueDraw},
    eligibility::VerdictKind,
    error::ApiError,
    position::position,
    token,
    wire::{from_hex_32, AdmissionClaims, AdmitResponse, QueuePlace, Signed},
};
use fairline_server::signing::{Keyring, SigningKey};
use time::macros::datetime;

async fn error_of(response: reqwest::Response) -> (u16, ApiError) {
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

#[tokio::test]
async fn campaign_join_state_admit_sites_book_lookup_cancel() {
    let app = spawn_app().await;
    let citizen = person(1);

    let eligibility: EligibilityResponse = app
        .client
        .post(app.campaign_url("/eligibility"))
        .json(&citizen)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(eligibility.verdict.kind(), VerdictKind::EligibleNow);

    let joined = app.joined(&citizen).await;
    assert!(!joined.rejoined);
    assert!(matches!(
        joined.ticket.claims.place,
        QueuePlace::Ranked { .. }
    ));

    let (joined, admission_token) = app.admitted(&citizen).await;
    let state = app.queue_state().await;
    assert!(position(&joined.ticket.claims, &state).unwrap().may_admit);

    let sites: Vec<SiteSummary> = app.get_json(&app.campaign_url("/sites")).await;
    assert_eq!(sites.len(), 3);
    let before = app.remaining_in_slot().await;

    let response = app.book(&citizen, &admission_token, "key-1").await;
    assert_eq!(response.status(), 201);
    let made = receipt(response).await;
    assert_eq!(made.booking.status, BookingStatus::Confirmed);
    assert_eq!(made.booking.starts_at, SLOT);
    assert_eq!(app.remaining_in_slot().await, before - 1);
    let sites_after: Vec<SiteSummary> = app.get_json(&app.campaign_url("/sites")).await;
    let day_left = |sites: &[SiteSummary]| {
        sites[0]
            .days
            .iter()
            .find(|d| d.day == SLOT.date())
            .map(|d| d.remaining)
    };
    assert_eq!(
        day_left(&sites_after),
        day_left(&sites).map(|left| left - 1)
    );
    let admission: Signed<AdmissionClaims> = token::decode(&admission_token).unwrap();
    assert_eq!(made.booking.admission_id, admission.claims.admission_id);

    let lookup_url = app.url(&format!("/v1/bookings/{}", made.booking.reference));
    let found: Booking = app
        .client
        .get(&lookup_url)
        .header("fairline-booking-secret", &made.secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(found, made.booking);
    let wrong = app
        .client
        .get(&lookup_url)
        .header("fairline-booking-secret", "0".repeat(32))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 404);

    let cancelled: Booking = app
        .client
        .post(format!("{lookup_url}/cancel"))
        .header("fairline-booking-secret", &made.secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(app.remaining_in_slot().await, before);
}

#[tokio::test]
async fn an_ineligible_person_gets_the_reason_and_no_place() {
    let app = spawn_app().await;
    let mut born_1967 = person(2);
    born_1967.birth_date = "1967-05-01".into();
    let (status, error) = error_of(app.join(&born_1967).await).await;
    assert_eq!(status, 403);
    assert_eq!(error.code.as_str(), "not_yet");
    assert_eq!(error.verdict.unwrap().kind(), VerdictKind::NotYet);
    let mut child = person(3);
    child.birth_date = "2010-01-01".into();
    let (status, error) = error_of(app.join(&child).await).await;
    assert_eq!((status, error.code.as_str()), (403, "not_eligible"));
    assert_eq!(
        app.state
            .store()
            .ticket_count("kr-covid19-2021-07")
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn joining_again_returns_the_same_ticket_and_never_jumps_ahead() {
    let app = spawn_app().await;
    let first = app.joined(&person(10)).await;
    app.joined(&person(11)).await;
    let mut same_person = person(10);
    same_person.name = "  KIM   minjun ".into();
    let again = app.joined(&same_person).await;
    assert!(again.rejoined);
    assert_eq!(again.ticket, first.ticket);
}

#[tokio::test]
async fn bypasses_fail_each_with_its_code() {
    let mut tuning = common::test_tuning();
    tuning.admission_ttl = std::time::Duration::from_millis(1500);
    let app = spawn_app_with(AppOptions {
        tuning,
        ..AppOptions::default()
    })
    .await;
    let citizen = person(20);
    let (_, genuine) = app.admitted(&citizen).await;
    let admission: Signed<AdmissionClaims> = token::decode(&genuine).unwrap();

    // No token at all (a direct link to the booking step).
    let no_token = app
        .client
        .post(app.campaign_url("/bookings"))
        .header("Idempotency-Key", "k0")
        .json(&fairline_core::booking::BookingRequest {
            person: citizen.clone(),
            site_id: "seoul-gangnam".into(),
            starts_at: SLOT,
        })
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(no_token).await.1.code.as_str(),
        "admission_missing"
    );

    // Forged: signed with a key the server does not hold, under its key id.
    let forger = Keyring::new(vec![SigningKey {
        id: admission.claims.key_id.clone(),
        secret: vec![9; 32],
    }])
    .unwrap();
    let forged = token::encode(&forger.sign(admission.claims.clone()));
    assert_eq!(
        error_of(app.book(&citizen, &forged, "k1").await)
            .await
            .1
            .code
            .as_str(),
        "token_bad_signature"
    );
    let unknown_key = token::encode(&Signed {
        claims: AdmissionClaims {
            key_id: "k-forged".into(),
            ..admission.claims.clone()
        },
        signature: admission.signature.clone(),
    });
    assert_eq!(
        error_of(app.book(&citizen, &unknown_key, "k2").await)
            .await
            .1
            .code
            .as_str(),
        "token_unknown_key"
    );

    // Tampered: a later expiry written into genuine claims.
    let mut tampered = admission.clone();
    tampered.claims.expires_at = datetime!(2030-01-01 0:00 UTC);
    let tampered = token::encode(&tampered);
    assert_eq!(
        error_of(app.book(&citizen, &tampered, "k3").await)
            .await
            .1
            .code
            .as_str(),
        "token_bad_signature"
    );

    // Another person's token.
    let (status, error) = error_of(app.book(&person(21), &genuine, "k4").await).await;
    assert_eq!((status, error.code.as_str()), (403, "token_wrong_person"));

    // Replayed: used once, then again under a new idempotency key.
    assert_eq!(app.book(&citizen, &genuine, "k5").await.status(), 201);
    let (status, error) = error_of(app.book(&citizen, &genuine, "k6").await).await;
    assert_eq!((status, error.code.as_str()), (409, "token_replayed"));

    // Expired: admitted, then left past its time limit.
    let late = person(22);
    let (_, late_token) = app.admitted(&late).await;
    app.advance(std::time::Duration::from_millis(1700)).await;
    let (status, error) = error_of(app.book(&late, &late_token, "k7").await).await;
    assert_eq!((status, error.code.as_str()), (401, "token_expired"));
}

#[tokio::test]
async fn admissions_extend_a_limited_number_of_times() {
    let app = spawn_app().await;
    let (_, mut admission) = app.admitted(&person(30)).await;
    let first: Signed<AdmissionClaims> = token::decode(&admission).unwrap();
    for left in [1, 0] {
        let response = app
            .client
            .post(app.campaign_url("/queue/extend"))
            .bearer_auth(&admission)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let extended: AdmitResponse = response.json().await.unwrap();
        assert_eq!(extended.extensions_left, left);
        assert!(extended.admission.claims.expires_at >= first.claims.expires_at);
        admission = token::encode(&extended.admission);
    }
    let response = app
        .client
        .post(app.campaign_url("/queue/extend"))
        .bearer_auth(&admission)
        .send()
        .await
        .unwrap();
    assert_eq!(
        error_of(response).await.1.code.as_str(),
        "no_extensions_left"
    );
}

#[tokio::test]
async fn pre_queue_places_are_drawn_at_the_opening_and_verifiable() {
    let app = spawn_app_with(AppOptions {
        at: datetime!(2021-07-12 19:59:58.5 +09:00),
        ..AppOptions::default()
    })
    .await;
    let before = app.queue_state().await;
    assert!(before.seed.is_none());
    let mut tickets = Vec::new();
    for n in 0..5 {
        let joined = app.joined(&person(40 + n)).await;
        assert!(matches!(
            joined.ticket.claims.place,
            QueuePlace::PreQueue { .. }
        ));
        let (status, error) = error_of(app.admit(&joined).await).await;
        assert_eq!((status, error.code.as_str()), (409, "not_your_turn"));
        tickets.push(joined);
    }
    app.advance(std::time::Duration::from_millis(2000)).await;
    let after = app.queue_state().await;
    let seed = from_hex_32(after.seed.as_deref().unwrap()).unwrap();
    assert!(verify_commitment(&seed, &before.seed_commitment));
    let draw = PreQueueDraw::from_state(&after).unwrap().unwrap();
    let mut ranks: Vec<u64> = tickets
        .iter()
        .map(|joined| match joined.ticket.claims.place {
            QueuePlace::PreQueue { index } => draw.rank_of(index).unwrap(),
            QueuePlace::Ranked { .. } => unreachable!(),
        })
        .collect();
    ranks.sort_unstable();
    ranks.dedup();
    assert_eq!(ranks.len(), 5);
    let late = app.joined(&person(50)).await;
    assert_eq!(
        late.ticket.claims.place,
        QueuePlace::Ranked {
            rank: after.pre_queue_size.unwrap()
        }
    );
}
