//! Two server instances on one PostgreSQL database, over real HTTP: a person joining through
//! both gets one ticket, places stay unique and gap-free across instances, bookers admitted by
//! one instance and booking through the other get exactly the slot's capacity, and one instance
//! at a time advances admission, another taking over when it stops; and a rush of bookers through
//! three instances, some giving up and retrying through another, get exactly the places, once.

mod common;

use std::{
    collections::{BTreeMap, HashSet},
    time::Duration,
};

use common::{
    person, postgres::TestPostgres, receipt, spawn_app_with, test_tuning, AppOptions, TestApp,
    DURING_OPENING, KR_CAMPAIGN,
};
use fairline_core::{
    person::PersonInput,
    token,
    wire::{AdmissionClaims, QueuePlace, Signed},
};
use fairline_server::{
    clock::ManualClock, config::Tuning, queue::ADMISSION_LEASE, store::Database,
};
use futures::future::join_all;

const PLACES: u32 = 15;

/// `count` instances sharing one fresh database, one set of secrets and one clock, on a slot of
/// `places`.
async fn instances(
    server: &TestPostgres,
    database: &str,
    count: usize,
    places: u32,
    tuning: Tuning,
) -> (Vec<TestApp>, tempfile::TempDir) {
    let url = server.create_database(database).await;
    let secrets = tempfile::tempdir().unwrap();
    let campaign = KR_CAMPAIGN.replacen(
        "{ starts = \"09:00\", minutes = 30, capacity = 40 }",
        &format!("{{ starts = \"09:00\", minutes = 30, capacity = {places} }}"),
        1,
    );
    let clock = ManualClock::new(DURING_OPENING);
    let mut apps = Vec::new();
    for _ in 0..count {
        apps.push(
            spawn_app_with(AppOptions {
                campaign: campaign.clone(),
                database: Some(Database::Postgres(url.clone())),
                secrets_dir: Some(secrets.path().to_owned()),
                clock: Some(clock.clone()),
                tuning: tuning.clone(),
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
    let (apps, _secrets) = instances(&server, "joins", 2, PLACES, test_tuning()).await;
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
    let (apps, _secrets) = instances(&server, "bookings", 2, PLACES, test_tuning()).await;
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

/// `POST /v1/admin/campaigns/…/{action}` through `app`.
async fn operate(app: &TestApp, action: &str) {
    let url = app.url(&format!("/v1/admin/campaigns/kr-covid19-2021-07/{action}"));
    let admin = &app.state.secrets().admin_token;
    let response = app.client.post(url).bearer_auth(admin).send().await;
    assert_eq!(response.unwrap().status(), 200, "{action}");
}

/// The queue state as each instance serves it: (admitted_through, paused).
async fn served_states(apps: &[TestApp]) -> Vec<(u64, bool)> {
    let mut states = Vec::new();
    for app in apps {
        let state = app.queue_state().await;
        states.push((state.admitted_through, state.paused));
    }
    states
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_instance_advances_admission_and_another_takes_over_when_it_stops() {
    let server = TestPostgres::start_or_fail();
    let tuning = Tuning {
        admit_rate_per_s: 10.0,
        ..test_tuning()
    };
    let (apps, _secrets) = instances(&server, "leader", 2, PLACES, tuning).await;
    for n in 0..40 {
        apps[usize::try_from(n % 2).unwrap()]
            .joined(&person(n))
            .await;
    }
    let second = Duration::from_secs(1);
    apps[0].advance(second).await;
    apps[1].advance(Duration::ZERO).await;
    let leads = |app: &TestApp| app.state.queue().leads_admission();
    assert!(leads(&apps[0]) && !leads(&apps[1]));
    assert_eq!(served_states(&apps).await, [(10, false), (10, false)]);
    // Paused through the follower: the leader stops too.
    operate(&apps[1], "pause").await;
    apps[0].advance(second).await;
    apps[1].advance(Duration::ZERO).await;
    assert_eq!(served_states(&apps).await, [(10, true), (10, true)]);
    operate(&apps[1], "resume").await;
    // The leader stops stepping (as if killed): its lease holds for a while, then lapses.
    apps[1].advance(second).await;
    assert!(!leads(&apps[1]));
    assert_eq!(apps[1].queue_state().await.admitted_through, 10);
    apps[1].advance(ADMISSION_LEASE).await;
    assert!(
        leads(&apps[1]),
        "the follower took over once the lease lapsed"
    );
    let through = apps[1].queue_state().await.admitted_through;
    assert!(through > 10, "admission goes on: {through}");
    // The old leader, back, follows and never moves admission backwards.
    apps[0].advance(Duration::ZERO).await;
    assert!(!leads(&apps[0]));
    assert_eq!(
        served_states(&apps).await,
        [(through, false), (through, false)]
    );
    let store = apps[0].state.store();
    let meta = store.read_queue_meta("kr-covid19-2021-07").await.unwrap();
    assert_eq!(meta.admitted_through, through);
}

const RUSH_BOOKERS: u32 = 1000;
const RUSH_PLACES: u32 = 100;

/// Books through `apps[via]`; every tenth booker retries through the next instance with the same
/// idempotency key: half of them after the first attempt was done but its answer lost, half
/// after giving up on it within a few milliseconds (it may or may not have been done). The last
/// attempt's (status, body).
async fn book_or_retry(
    apps: &[TestApp],
    via: usize,
    n: u32,
    citizen: &PersonInput,
    token: &str,
) -> (u16, String) {
    let key = format!("rush-{n}");
    let mut app = &apps[via];
    if n.is_multiple_of(10) {
        let first = app.book(citizen, token, &key);
        if n.is_multiple_of(20) {
            let _lost = first.await;
        } else {
            let wait = Duration::from_millis(u64::from(n % 7));
            let _ = tokio::time::timeout(wait, first).await;
        }
        app = &apps[(via + 1) % apps.len()];
    }
    let response = app.book(citizen, token, &key).await;
    (response.status().as_u16(), response.text().await.unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rush_through_three_instances_books_exactly_the_places_once() {
    let server = TestPostgres::start_or_fail();
    let (apps, _secrets) = instances(&server, "rush", 3, RUSH_PLACES, test_tuning()).await;
    let outcomes = join_all((0..RUSH_BOOKERS).map(|n| {
        let apps = &apps;
        async move {
            // Scattered over the instances, as a load balancer would.
            let via = usize::try_from(n.wrapping_mul(2_654_435_761) % 3).unwrap();
            let citizen = person(5000 + n);
            let (_, token) = apps[via].admitted(&citizen).await;
            let admission: Signed<AdmissionClaims> = token::decode(&token).unwrap();
            let outcome = book_or_retry(apps, via, n, &citizen, &token).await;
            (admission.claims.admission_id, outcome)
        }
    }))
    .await;
    common::check_rush(&outcomes, apps[0].state.store(), RUSH_PLACES).await;
    let store = apps[2].state.store();
    let count = store.booking_count("kr-covid19-2021-07").await.unwrap();
    assert_eq!(count, u64::from(RUSH_PLACES));
    for app in &apps {
        assert_eq!(app.remaining_in_slot().await, 0);
    }
}
