//! Capacity and idempotency under contention: many admitted people, few places.

mod common;

use common::{person, receipt, spawn_app, spawn_app_with, AppOptions, KR_CAMPAIGN, SLOT};
use fairline_core::{booking::BookingRequest, error::ApiError};
use futures::future::join_all;

const BOOKERS: u32 = 200;
const PLACES: u32 = 20;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_bookers_for_twenty_places_get_exactly_twenty_bookings() {
    let campaign = KR_CAMPAIGN.replacen(
        "{ starts = \"09:00\", minutes = 30, capacity = 40 }",
        &format!("{{ starts = \"09:00\", minutes = 30, capacity = {PLACES} }}"),
        1,
    );
    let app = spawn_app_with(AppOptions {
        campaign,
        ..AppOptions::default()
    })
    .await;
    let admitted = join_all((0..BOOKERS).map(|n| {
        let app = &app;
        async move {
            let citizen = person(1000 + n);
            let (_, token) = app.admitted(&citizen).await;
            (citizen, token)
        }
    }))
    .await;
    let outcomes = join_all(admitted.iter().enumerate().map(|(n, (citizen, token))| {
        let app = &app;
        async move {
            let response = app.book(citizen, token, &format!("race-{n}")).await;
            let status = response.status().as_u16();
            let body: serde_json::Value = response.json().await.unwrap();
            (status, body)
        }
    }))
    .await;
    let created = outcomes.iter().filter(|(status, _)| *status == 201).count();
    let full = outcomes
        .iter()
        .filter(|(status, body)| *status == 409 && body["code"] == "slot_full")
        .count();
    assert_eq!(created, PLACES as usize, "{outcomes:?}");
    assert_eq!(full, (BOOKERS - PLACES) as usize);
    assert_eq!(app.remaining_in_slot().await, 0);
    assert_eq!(
        app.state
            .store()
            .booking_count("kr-covid19-2021-07")
            .await
            .unwrap(),
        u64::from(PLACES)
    );
}

#[tokio::test]
async fn retries_with_the_same_key_return_the_same_booking_and_a_different_body_is_409() {
    let app = spawn_app().await;
    let citizen = person(7);
    let (_, token) = app.admitted(&citizen).await;
    let first = app.book(&citizen, &token, "same-key").await;
    assert_eq!(first.status(), 201);
    let first = receipt(first).await;
    let retries = join_all((0..5).map(|_| app.book(&citizen, &token, "same-key"))).await;
    for retry in retries {
        assert_eq!(retry.status(), 200);
        assert_eq!(receipt(retry).await, first);
    }
    let other_slot = BookingRequest {
        person: citizen.clone(),
        site_id: "seoul-gangnam".into(),
        starts_at: SLOT + time::Duration::minutes(30),
    };
    let response = app.book_request(&other_slot, &token, "same-key").await;
    assert_eq!(response.status(), 409);
    let error: ApiError = response.json().await.unwrap();
    assert_eq!(error.code.as_str(), "idempotency_key_reused");
    assert_eq!(
        app.state
            .store()
            .booking_count("kr-covid19-2021-07")
            .await
            .unwrap(),
        1
    );
}
