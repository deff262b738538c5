//! Two server instances on one PostgreSQL database, over real HTTP: a person joining through
//! both gets one ticket, places stay unique and gap-free across instances, and bookers admitted
//! by one instance and booking through the other get exactly the slot's capacity.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::{
    person, postgres::TestPostgres, receipt, spawn_app_with, AppOptions, TestApp, KR_CAMPAIGN,
};
use fairline_core::wire::QueuePlace;
use fairline_server::store::Database;
use futures::future::join_all;

const PLACES: u32 = 15;

/// Two instances sharing one fresh database and one set of secrets, on a slot of [`PLACES`].
async fn two_instances(server: &TestPostgres, database: &str) -> (Vec<TestApp>, tempfile::TempDir) {
    let url = server.create_database(database).await;
    let secrets = tempfile::tempdir().unwrap();
    let campaign = KR_CAMPAIGN.replacen(
        "{ starts = \"09:00\", minutes = 30, capacity = 40 }",
        &format!("{{ starts = \"09:00\", minutes = 30, capacity = {PLACES} }}"),
        1,
    );
    let mut apps = Vec::new();
    for _ in 0..2 {
        apps.push(
            spawn_app_with(AppOptions {
                campaign: campaign.clone(),
                database: Some(Database::Postgres(url.clone())),
                secrets_dir: Some(secrets.path().to_owned()),
                ..AppOptions::default()
            })
            .await,
        );
    }
    (apps, secrets)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn joins_through_two_instances_give_one_ticket_each_and_gap_free_ranks() {
    let server = TestPostgres::start_or_fail();
    let (apps, _secrets) = two_instances(&server, "joins").await;
    // 40 people through alternating instances; the first 10 also through the other at once.
    let joins = (0..40u32)
        .map(|n| (n, n % 2))
        .chain((0..10u32).map(|n| (n, (n + 1) % 2)));
    let joined = join_all(joins.map(|(n, via)| {
        let app = &apps[usize::try_from(via).unwrap()];
        async move { (n, app.joined(&person(n)).await) }
    }))
    .await;
    let mut tickets: BTreeMap<u32, HashSet<(String, QueuePlace)>> = BTreeMap::new();
    for (n, response) in &joined {
        let claims = &response.ticket.claims;
        tickets
            .entry(*n)
            .or_default()
            .insert((claims.ticket_id.clone(), claims.place));
    }
    assert!(tickets.values().all(|held| held.len() == 1), "{tickets:?}");
    let mut ranks: Vec<u64> = tickets
        .values()
        .flatten()
        .map(|(_, place)| match place {
            QueuePlace::Ranked { rank } => *rank,
            QueuePlace::PreQueue { .. } => panic!("joined after the opening: {place:?}"),
        })
        .collect();
    ranks.sort_unstable();
    assert_eq!(ranks, (0..40).collect::<Vec<u64>>());
    let store = apps[1].state.store();
    assert_eq!(store.ticket_count("kr-covid19-2021-07").await.unwrap(), 40);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bookers_admitted_by_one_instance_book_through_the_other_up_to_capacity() {
    let server = TestPostgres::start_or_fail();
    let (apps, _secrets) = two_instances(&server, "bookings").await;
    let bookers = 3 * PLACES;
    let admitted = join_all((0..bookers).map(|n| {
        let app = &apps[usize::try_from(n % 2).unwrap()];
        async move {
            let citizen = person(2000 + n);
            let (_, token) = app.admitted(&citizen).await;
            (citizen, token)
        }
    }))
    .await;
    let outcomes = join_all(admitted.iter().enumerate().map(|(n, (citizen, token))| {
        let other = &apps[(n + 1) % 2];
        async move {
            let response = other.book(citizen, token, &format!("key-{n}")).await;
            (response.status().as_u16(), response.text().await.unwrap())
        }
    }))
    .await;
    let created = outcomes.iter().filter(|(status, _)| *status == 201).count();
    let full = outcomes
        .iter()
        .filter(|(status, body)| *status == 409 && body.contains("slot_full"))
        .count();
    let places = usize::try_from(PLACES).unwrap();
    assert_eq!((created, full), (places, 2 * places), "{outcomes:?}");
    for app in &apps {
        assert_eq!(app.remaining_in_slot().await, 0);
    }
    // A retry through the first instance gets the booking made through the second.
    let (n, (citizen, token)) = admitted
        .iter()
        .enumerate()
        .find(|(n, _)| outcomes[*n].0 == 201)
        .unwrap();
    let retry = apps[n % 2].book(citizen, token, &format!("key-{n}")).await;
    assert_eq!(retry.status(), 200);
    let booked = receipt(retry).await.booking;
    let stored = apps[0].state.store().booking(&booked.reference).await;
    assert_eq!(stored.unwrap(), Some(booked));
    let store = apps[0].state.store();
    assert_eq!(
        store.booking_count("kr-covid19-2021-07").await.unwrap(),
        u64::from(PLACES)
    );
}
