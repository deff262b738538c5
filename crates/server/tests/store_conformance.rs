//! The store conformance suite: one list of cases, each an async fn taking a fresh [`Store`],
//! run against SQLite (a file in a temporary folder) and against PostgreSQL (a throwaway server
//! on loopback, one fresh database per case). Both engines must give the same answers: places
//! unique and gap-free under concurrent joins, one ticket per person, capacity, idempotency and
//! admission use enforced in one transaction, `admitted_through` never backwards. Every case runs
//! on each engine twice: with joins group-committed (the default) and with one transaction per
//! join (`serve --join-batch off`); the group-commit cases (joins sharing a batch, a person twice
//! in one batch, a failing batch) check the batching itself when it is on and the same answers
//! when it is off. Beside them, one PostgreSQL-only test: a transaction given up while it starts
//! leaves no connection inside it.

mod common;

use std::{future::Future, pin::Pin, sync::Arc};

use common::postgres::TestPostgres;
use fairline_core::{
    booking::{Booking, BookingStatus},
    wire::{unix_ms, QueuePlace},
};
use fairline_server::store::{
    AdmissionRow, BookOutcome, Database, JoinCommit, Joined, NewBooking, NewTicket, Store,
};
use futures::future::join_all;
use time::{macros::datetime, OffsetDateTime};

type CaseFuture = Pin<Box<dyn Future<Output = ()> + Send>>;
type Case = (&'static str, fn(Store) -> CaseFuture);

macro_rules! cases {
    ($($case:ident),* $(,)?) => {
        &[$((stringify!($case), |store| Box::pin($case(store)) as CaseFuture)),*]
    };
}

/// Every case, run once per engine.
const CASES: &[Case] = cases![
    the_first_seed_stays,
    joins_number_places_gap_free_and_once_per_person,
    concurrent_joins_get_distinct_gap_free_places,
    a_failed_join_leaves_no_gap,
    concurrent_joins_share_a_batch_in_arrival_order,
    a_person_twice_in_one_batch_gets_one_ticket,
    a_failing_maker_in_a_batch_costs_no_place,
    a_failing_batch_commits_none_of_its_joins_and_leaves_no_gap,
    admitted_through_never_goes_backwards,
    controls_are_kept,
    admissions_extend_lapse_and_count,
    capacity_holds_under_concurrent_bookings,
    retries_replay_and_a_reused_key_is_refused,
    concurrent_identical_requests_book_once,
    an_admission_books_once_and_must_be_live,
    cancelling_gives_the_place_back,
    one_holder_leads_admission_until_its_lease_lapses,
];

#[tokio::test]
async fn sqlite_store_conforms() {
    let folder = tempfile::tempdir().unwrap();
    for joins in [JoinCommit::Grouped, JoinCommit::OnePerJoin] {
        let folder = folder.path().to_owned();
        run_cases("SQLite", joins, move |name| {
            let path = folder.join(format!("{name}-{joins:?}.sqlite3"));
            async move { Database::Sqlite(path) }
        })
        .await;
    }
}

#[tokio::test]
async fn postgres_store_conforms() {
    let server = Arc::new(TestPostgres::start_or_fail());
    eprintln!("PostgreSQL ready in {:?}", server.startup);
    for joins in [JoinCommit::Grouped, JoinCommit::OnePerJoin] {
        let server = Arc::clone(&server);
        run_cases("PostgreSQL", joins, move |name| {
            let server = Arc::clone(&server);
            let name = format!("{name}_{joins:?}").to_lowercase();
            async move { Database::Postgres(server.create_database(&name).await) }
        })
        .await;
    }
}

/// A request given up while its transaction starts (a client gone, and its handler dropped with
/// it) must not leave the pooled connection inside a transaction: a later write on that
/// connection would then be seen by no other connection (sqlx 0.8 on PostgreSQL, fixed in
/// `Store::begin`). One store gives joins up at once, then writes an admission; a second store
/// (another pool, as another instance) must see every admission at once.
#[tokio::test]
async fn postgres_writes_after_a_dropped_transaction_are_committed() {
    let server = TestPostgres::start_or_fail();
    let database = Database::Postgres(server.create_database("dropped").await);
    let (store, other) = (
        Store::open(&database).await.unwrap(),
        Store::open(&database).await.unwrap(),
    );
    store_with_queue(&store).await;
    let mut unseen = Vec::new();
    for n in 0..300u32 {
        // Polled a few times (the first sends BEGIN), then dropped: as a handler is when its
        // client goes away.
        let person = format!("gone-{n}");
        let mut given_up = Box::pin(join(&store, &person));
        for _ in 0..n % 4 {
            if futures::poll!(&mut given_up).is_ready() {
                break;
            }
            tokio::task::yield_now().await;
        }
        drop(given_up);
        let id = format!("after-{n}");
        admit(&store, &id).await;
        if other.admission(&id).await.unwrap().is_none() {
            unseen.push(n);
        }
    }
    assert!(unseen.is_empty(), "admissions not committed: {unseen:?}");
}

/// Runs every case on a fresh database from `database`, committing joins as `joins` says, then
/// fails naming every case that did.
async fn run_cases<F, Fut>(engine: &str, joins: JoinCommit, database: F)
where
    F: Fn(&'static str) -> Fut,
    Fut: Future<Output = Database>,
{
    let mut failed = Vec::new();
    for &(name, case) in CASES {
        let store = Store::open_with(&database(name).await, joins)
            .await
            .unwrap_or_else(|e| panic!("{engine}: open a store for {name}: {e}"));
        if tokio::spawn(case(store)).await.is_err() {
            failed.push(name);
        }
    }
    assert!(
        failed.is_empty(),
        "{engine} store ({joins:?} joins) fails: {failed:?}"
    );
}

const CAMPAIGN: &str = "conformance";
const NOW_MS: i64 = 1_626_000_000_000;
const SLOT: OffsetDateTime = datetime!(2021-07-26 09:00 +09:00);

async fn store_with_queue(store: &Store) {
    store.queue_meta(CAMPAIGN, &"ab".repeat(32)).await.unwrap();
}

/// Joins `person`; the place if a new ticket was issued, None if they held one.
async fn join(store: &Store, person: &str) -> Option<QueuePlace> {
    try_join(store, person, None).await.unwrap()
}

/// Joins `person` with a ticket whose id is `ticket_id` (default `ticket-PERSON`); a maker that
/// fails for `person` "fails". The place if a new ticket was issued, None if they held one.
async fn try_join(
    store: &Store,
    person: &str,
    ticket_id: Option<&str>,
) -> Result<Option<QueuePlace>, sqlx::Error> {
    let (owned, id) = (person.to_owned(), ticket_id.map(str::to_owned));
    let joined = store
        .join(CAMPAIGN, person, move |place| {
            if owned == "fails" {
                return Err(sqlx::Error::Protocol("no ticket".into()));
            }
            let mut made = ticket(&owned, place);
            if let Some(id) = id {
                made.ticket_id = id;
            }
            Ok::<_, sqlx::Error>((made, place))
        })
        .await?;
    Ok(match joined {
        Joined::Issued(place, made) => {
            assert_eq!(place, made);
            Some(place)
        }
        Joined::Held(claims, signature) => {
            assert!(claims.starts_with(person) && signature == format!("sig-{person}"));
            None
        }
    })
}

fn ticket(person: &str, place: QueuePlace) -> NewTicket {
    NewTicket {
        ticket_id: format!("ticket-{person}"),
        claims_json: format!("{person} {place:?}"),
        signature: format!("sig-{person}"),
    }
}

fn ranks(places: &[QueuePlace]) -> Vec<u64> {
    let mut numbers: Vec<u64> = places
        .iter()
        .map(|place| match place {
            QueuePlace::PreQueue { index } => *index,
            QueuePlace::Ranked { rank } => *rank,
        })
        .collect();
    numbers.sort_unstable();
    numbers
}

async fn the_first_seed_stays(store: Store) {
    let first = store.queue_meta(CAMPAIGN, &"01".repeat(32)).await.unwrap();
    let again = store.queue_meta(CAMPAIGN, &"02".repeat(32)).await.unwrap();
    assert_eq!(first.seed_hex, "01".repeat(32));
    assert_eq!(again.seed_hex, first.seed_hex);
    assert_eq!(again.pre_queue_size, None);
    assert_eq!((again.admitted_through, again.arrivals_issued), (0, 0));
}

async fn joins_number_places_gap_free_and_once_per_person(store: Store) {
    store_with_queue(&store).await;
    for (n, person) in ["a", "b", "c"].into_iter().enumerate() {
        let index = u64::try_from(n).unwrap();
        assert_eq!(
            join(&store, person).await,
            Some(QueuePlace::PreQueue { index })
        );
    }
    assert_eq!(join(&store, "a").await, None);
    assert_eq!(store.open_queue(CAMPAIGN).await.unwrap(), 3);
    assert_eq!(
        store.open_queue(CAMPAIGN).await.unwrap(),
        3,
        "N is fixed once"
    );
    assert_eq!(join(&store, "b").await, None);
    assert_eq!(
        join(&store, "d").await,
        Some(QueuePlace::Ranked { rank: 3 })
    );
    assert_eq!(
        join(&store, "e").await,
        Some(QueuePlace::Ranked { rank: 4 })
    );
    assert_eq!(join(&store, "d").await, None);
    assert_eq!(store.ticket_count(CAMPAIGN).await.unwrap(), 5);
    let meta = store.queue_meta(CAMPAIGN, "ignored").await.unwrap();
    assert_eq!((meta.pre_queue_size, meta.arrivals_issued), (Some(3), 2));
    let (claims, _) = store.ticket_of(CAMPAIGN, "d").await.unwrap().unwrap();
    assert_eq!(claims, "d Ranked { rank: 3 }");
}

async fn concurrent_joins_get_distinct_gap_free_places(store: Store) {
    store_with_queue(&store).await;
    // 60 joins by 40 people, some twice at once, half before the opening and half after.
    let people: Vec<String> = (0..60).map(|n| format!("p{}", n % 40)).collect();
    let before = join_all(people[..30].iter().map(|p| join(&store, p))).await;
    let size = store.open_queue(CAMPAIGN).await.unwrap();
    let after = join_all(people[30..].iter().map(|p| join(&store, p))).await;
    let pre: Vec<QueuePlace> = before.into_iter().flatten().collect();
    let ranked: Vec<QueuePlace> = after.into_iter().flatten().collect();
    assert_eq!(u64::try_from(pre.len()).unwrap(), size);
    assert_eq!(ranks(&pre), (0..size).collect::<Vec<_>>());
    assert!(ranked
        .iter()
        .all(|place| matches!(place, QueuePlace::Ranked { .. })));
    assert_eq!(ranks(&ranked), (size..40).collect::<Vec<_>>());
    assert_eq!(store.ticket_count(CAMPAIGN).await.unwrap(), 40);
}

async fn a_failed_join_leaves_no_gap(store: Store) {
    store_with_queue(&store).await;
    store.open_queue(CAMPAIGN).await.unwrap();
    let failed = store
        .join(CAMPAIGN, "a", |_| {
            Err::<(NewTicket, ()), _>(sqlx::Error::Protocol("no".into()))
        })
        .await;
    assert!(failed.is_err());
    assert_eq!(store.ticket_of(CAMPAIGN, "a").await.unwrap(), None);
    assert_eq!(
        join(&store, "a").await,
        Some(QueuePlace::Ranked { rank: 0 })
    );
}

/// Joins sent at once share transactions (group commit: fewer transactions than joins, numbered
/// in the order they were handed over), every one committed, places gap-free.
async fn concurrent_joins_share_a_batch_in_arrival_order(store: Store) {
    store_with_queue(&store).await;
    let before = store.join_stats();
    let people: Vec<String> = (0..50).map(|n| format!("batch{n}")).collect();
    let places = join_all(people.iter().map(|p| join(&store, p))).await;
    let places: Vec<QueuePlace> = places.into_iter().flatten().collect();
    assert_eq!(ranks(&places), (0..50).collect::<Vec<_>>());
    let stats = store.join_stats();
    let (transactions, joins) = (
        stats.transactions - before.transactions,
        stats.joins - before.joins,
    );
    assert_eq!(joins, 50);
    match store.join_commit() {
        JoinCommit::Grouped => {
            assert!(
                transactions <= 5,
                "50 joins at once took {transactions} transactions"
            );
            let expected: Vec<QueuePlace> = (0..50)
                .map(|index| QueuePlace::PreQueue { index })
                .collect();
            assert_eq!(places, expected, "places follow the order joins came in");
        }
        // Each join alone: 50 transactions, in whatever order the pool's connections ran them.
        JoinCommit::OnePerJoin => assert_eq!(transactions, 50),
    }
    assert_eq!(store.ticket_count(CAMPAIGN).await.unwrap(), 50);
    for (person, place) in people.iter().zip(&places) {
        let (claims, _) = store.ticket_of(CAMPAIGN, person).await.unwrap().unwrap();
        assert_eq!(claims, format!("{person} {place:?}"));
    }
    assert_eq!(store.open_queue(CAMPAIGN).await.unwrap(), 50);
    let later: Vec<String> = (50..60).map(|n| format!("batch{n}")).collect();
    let after = join_all(later.iter().map(|p| join(&store, p))).await;
    let ranked: Vec<QueuePlace> = after.into_iter().flatten().collect();
    assert_eq!(ranks(&ranked), (50..60).collect::<Vec<_>>());
}

/// The same person several times in one batch (and a person already holding a ticket) gets one
/// ticket and one place: every repeat is answered with the ticket of the first.
async fn a_person_twice_in_one_batch_gets_one_ticket(store: Store) {
    store_with_queue(&store).await;
    assert_eq!(
        join(&store, "held").await,
        Some(QueuePlace::PreQueue { index: 0 })
    );
    let people = ["a", "b", "a", "held", "c", "a", "b"];
    let places = join_all(people.iter().map(|p| join(&store, p))).await;
    if store.join_commit() == JoinCommit::Grouped {
        let index = |index| Some(QueuePlace::PreQueue { index });
        let expected = [index(1), index(2), None, None, index(3), None, None];
        assert_eq!(places, expected, "the first of each person, in order");
    }
    for person in ["a", "b", "c"] {
        let issued: Vec<QueuePlace> = people
            .iter()
            .zip(&places)
            .filter(|(p, _)| **p == person)
            .filter_map(|(_, place)| *place)
            .collect();
        assert_eq!(issued.len(), 1, "{person} got {issued:?}");
        let (claims, signature) = store.ticket_of(CAMPAIGN, person).await.unwrap().unwrap();
        assert_eq!(claims, format!("{person} {:?}", issued[0]));
        assert_eq!(signature, format!("sig-{person}"));
    }
    let issued: Vec<QueuePlace> = places.iter().flatten().copied().collect();
    assert_eq!(ranks(&issued), vec![1, 2, 3]);
    assert_eq!(store.ticket_count(CAMPAIGN).await.unwrap(), 4);
    assert_eq!(store.open_queue(CAMPAIGN).await.unwrap(), 4, "no gap");
}

/// A join whose ticket cannot be made fails alone, and takes no place from the joins around it.
async fn a_failing_maker_in_a_batch_costs_no_place(store: Store) {
    store_with_queue(&store).await;
    store.open_queue(CAMPAIGN).await.unwrap();
    let people = ["x", "fails", "y", "fails", "z"];
    let joined = join_all(people.iter().map(|p| try_join(&store, p, None))).await;
    let places: Vec<Option<u64>> = joined
        .iter()
        .map(|joined| match joined {
            Ok(Some(QueuePlace::Ranked { rank })) => Some(*rank),
            _ => None,
        })
        .collect();
    if store.join_commit() == JoinCommit::Grouped {
        assert_eq!(places, vec![Some(0), None, Some(1), None, Some(2)]);
    }
    let mut issued: Vec<u64> = places.iter().flatten().copied().collect();
    issued.sort_unstable();
    assert_eq!(issued, vec![0, 1, 2]);
    assert!(joined[1].is_err() && joined[3].is_err());
    assert_eq!(store.ticket_of(CAMPAIGN, "fails").await.unwrap(), None);
    assert_eq!(
        join(&store, "after").await,
        Some(QueuePlace::Ranked { rank: 3 })
    );
}

/// A join whose row cannot be written (its ticket id is taken) fails the transaction it is in.
/// Group-committed, that is its whole batch: every join of it is refused, none is stored, the
/// counter is as before. In every mode: a join answered with a place is stored with it, a
/// refused one is not, and the places stored stay gap-free.
async fn a_failing_batch_commits_none_of_its_joins_and_leaves_no_gap(store: Store) {
    store_with_queue(&store).await;
    store.open_queue(CAMPAIGN).await.unwrap();
    assert_eq!(
        join(&store, "first").await,
        Some(QueuePlace::Ranked { rank: 0 })
    );
    let people = ["p1", "p2", "bad", "p3"];
    let joined = join_all(people.iter().map(|&p| {
        let id = (p == "bad").then_some("ticket-first");
        try_join(&store, p, id)
    }))
    .await;
    assert!(joined[2].is_err(), "a taken ticket id must fail");
    let mut stored = vec![0];
    for (person, outcome) in people.iter().zip(&joined) {
        let held = store.ticket_of(CAMPAIGN, person).await.unwrap();
        match outcome {
            Ok(Some(QueuePlace::Ranked { rank })) => {
                let (claims, _) = held.expect("an acknowledged join is stored");
                assert_eq!(claims, format!("{person} Ranked {{ rank: {rank} }}"));
                stored.push(*rank);
            }
            Ok(other) => panic!("{person}: unexpected {other:?}"),
            Err(_) => assert_eq!(held, None, "{person}: a refused join is stored"),
        }
    }
    if store.join_commit() == JoinCommit::Grouped {
        assert!(
            joined.iter().all(Result::is_err),
            "the batch was committed in part: {joined:?}"
        );
    }
    let next = u64::try_from(stored.len()).unwrap();
    stored.sort_unstable();
    assert_eq!(stored, (0..next).collect::<Vec<_>>(), "a gap");
    assert_eq!(
        join(&store, "later").await,
        Some(QueuePlace::Ranked { rank: next })
    );
    assert_eq!(store.ticket_count(CAMPAIGN).await.unwrap(), next + 1);
}

async fn admitted_through_never_goes_backwards(store: Store) {
    store_with_queue(&store).await;
    store.save_admitted_through(CAMPAIGN, 10).await.unwrap();
    store.save_admitted_through(CAMPAIGN, 4).await.unwrap();
    let meta = store.queue_meta(CAMPAIGN, "ignored").await.unwrap();
    assert_eq!(meta.admitted_through, 10);
    store.save_admitted_through(CAMPAIGN, 12).await.unwrap();
    let meta = store.queue_meta(CAMPAIGN, "ignored").await.unwrap();
    assert_eq!(meta.admitted_through, 12);
}

async fn controls_are_kept(store: Store) {
    store_with_queue(&store).await;
    store.save_controls(CAMPAIGN, true, 2.5).await.unwrap();
    let meta = store.queue_meta(CAMPAIGN, "ignored").await.unwrap();
    assert!(meta.paused);
    assert_eq!(meta.rate_per_s, Some(2.5));
}

fn admission(id: &str, issued_at_ms: i64) -> AdmissionRow {
    AdmissionRow {
        admission_id: id.into(),
        ticket_id: format!("ticket-{id}"),
        person_key_hash: format!("person-{id}"),
        issued_at_ms,
        expires_at_ms: issued_at_ms + 60_000,
        extensions_used: 0,
        used_at_ms: None,
    }
}

async fn admit(store: &Store, id: &str) {
    store
        .insert_admission(CAMPAIGN, &admission(id, NOW_MS))
        .await
        .unwrap();
}

async fn admissions_extend_lapse_and_count(store: Store) {
    admit(&store, "a").await;
    admit(&store, "b").await;
    let mut newer = admission("a2", NOW_MS + 5);
    newer.ticket_id = "ticket-a".into();
    store.insert_admission(CAMPAIGN, &newer).await.unwrap();
    let newest = store
        .admission_of_ticket("ticket-a")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(newest.admission_id, "a2");
    assert_eq!(store.active_admissions(CAMPAIGN, NOW_MS).await.unwrap(), 3);
    assert!(store
        .extend_admission("a", NOW_MS, NOW_MS + 120_000, 1)
        .await
        .unwrap());
    assert!(!store
        .extend_admission("a", NOW_MS, NOW_MS + 180_000, 1)
        .await
        .unwrap());
    let a = store.admission("a").await.unwrap().unwrap();
    assert_eq!((a.expires_at_ms, a.extensions_used), (NOW_MS + 120_000, 1));
    let lapsed = NOW_MS + 60_000;
    assert!(!store
        .extend_admission("b", lapsed, lapsed + 60_000, 5)
        .await
        .unwrap());
    // "a" (extended) and "a2" (issued later) are still live; "b" lapsed.
    assert_eq!(store.active_admissions(CAMPAIGN, lapsed).await.unwrap(), 2);
    assert!(store.admission("nobody").await.unwrap().is_none());
}

fn booking_for(admission_id: &str, key: &str, capacity: u32) -> NewBooking {
    NewBooking {
        booking: Booking {
            reference: format!("FL-{key}"),
            campaign_id: CAMPAIGN.into(),
            site_id: "site".into(),
            starts_at: SLOT,
            ends_at: SLOT + time::Duration::minutes(30),
            admission_id: admission_id.into(),
            status: BookingStatus::Confirmed,
            created_at: SLOT - time::Duration::days(14),
        },
        person_key_hash: format!("person-{admission_id}"),
        capacity,
        idempotency_key: key.into(),
        request_hash: format!("hash-{admission_id}"),
        now_ms: NOW_MS + 1_000,
    }
}

async fn taken(store: &Store) -> u32 {
    let starts = unix_ms(SLOT);
    let taken = store
        .taken_by_slot(CAMPAIGN, "site", starts, starts + 1)
        .await
        .unwrap();
    taken.get(&starts).copied().unwrap_or(0)
}

/// How many outcomes were [created, replayed, slot full].
fn tally(outcomes: &[Result<BookOutcome, sqlx::Error>]) -> [usize; 3] {
    let mut counts = [0; 3];
    for outcome in outcomes {
        match outcome {
            Ok(BookOutcome::Created(_)) => counts[0] += 1,
            Ok(BookOutcome::Replayed(_)) => counts[1] += 1,
            Ok(BookOutcome::SlotFull) => counts[2] += 1,
            _ => {}
        }
    }
    counts
}

async fn capacity_holds_under_concurrent_bookings(store: Store) {
    let ids: Vec<String> = (0..20).map(|n| format!("adm{n}")).collect();
    for id in &ids {
        admit(&store, id).await;
    }
    let requests: Vec<NewBooking> = ids
        .iter()
        .map(|id| booking_for(id, &format!("key-{id}"), 5))
        .collect();
    let outcomes = join_all(requests.iter().map(|request| store.book(request))).await;
    assert_eq!(tally(&outcomes), [5, 0, 15], "{outcomes:?}");
    assert_eq!(taken(&store).await, 5);
    assert_eq!(store.booking_count(CAMPAIGN).await.unwrap(), 5);
    // A refused booking left its admission unused.
    assert_eq!(store.active_admissions(CAMPAIGN, NOW_MS).await.unwrap(), 15);
}

async fn retries_replay_and_a_reused_key_is_refused(store: Store) {
    admit(&store, "a").await;
    admit(&store, "b").await;
    let first = booking_for("a", "key", 10);
    let Ok(BookOutcome::Created(created)) = store.book(&first).await else {
        panic!("first booking not created");
    };
    let Ok(BookOutcome::Replayed(replayed)) = store.book(&first).await else {
        panic!("retry not replayed");
    };
    assert_eq!(replayed, created);
    assert_eq!(
        store.booking(&created.reference).await.unwrap(),
        Some(created)
    );
    let mut other_body = booking_for("a", "key", 10);
    other_body.request_hash = "another body".into();
    assert!(matches!(
        store.book(&other_body).await,
        Ok(BookOutcome::KeyReused)
    ));
    let other_admission_same_key = booking_for("b", "key", 10);
    assert!(matches!(
        store.book(&other_admission_same_key).await,
        Ok(BookOutcome::KeyReused)
    ));
    assert_eq!(taken(&store).await, 1);
    assert_eq!(store.booking_count(CAMPAIGN).await.unwrap(), 1);
}

async fn concurrent_identical_requests_book_once(store: Store) {
    admit(&store, "a").await;
    let request = booking_for("a", "key", 10);
    let outcomes = join_all((0..10).map(|_| store.book(&request))).await;
    assert_eq!(tally(&outcomes), [1, 9, 0], "{outcomes:?}");
    assert_eq!(taken(&store).await, 1);
}

async fn an_admission_books_once_and_must_be_live(store: Store) {
    admit(&store, "a").await;
    admit(&store, "late").await;
    assert!(matches!(
        store.book(&booking_for("a", "k1", 10)).await,
        Ok(BookOutcome::Created(_))
    ));
    assert!(matches!(
        store.book(&booking_for("a", "k2", 10)).await,
        Ok(BookOutcome::AdmissionUsed)
    ));
    assert!(matches!(
        store.book(&booking_for("nobody", "k3", 10)).await,
        Ok(BookOutcome::AdmissionUnknown)
    ));
    let mut late = booking_for("late", "k4", 10);
    late.now_ms = NOW_MS + 60_000;
    assert!(matches!(
        store.book(&late).await,
        Ok(BookOutcome::AdmissionExpired)
    ));
    assert_eq!(taken(&store).await, 1);
}

async fn cancelling_gives_the_place_back(store: Store) {
    admit(&store, "a").await;
    let Ok(BookOutcome::Created(booking)) = store.book(&booking_for("a", "key", 1)).await else {
        panic!("not created");
    };
    assert_eq!(taken(&store).await, 1);
    assert!(store.cancel(&booking.reference).await.unwrap());
    assert!(!store.cancel(&booking.reference).await.unwrap());
    assert_eq!(taken(&store).await, 0);
    let cancelled = store.booking(&booking.reference).await.unwrap().unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(store.booking_count(CAMPAIGN).await.unwrap(), 0);
    admit(&store, "b").await;
    assert!(matches!(
        store.book(&booking_for("b", "key-b", 1)).await,
        Ok(BookOutcome::Created(_))
    ));
}

async fn one_holder_leads_admission_until_its_lease_lapses(store: Store) {
    let lease = 3_000;
    let lead = |holder: &'static str, at: i64| {
        let store = store.clone();
        async move {
            store
                .lead_admission(CAMPAIGN, holder, at, lease)
                .await
                .unwrap()
        }
    };
    assert!(lead("a", NOW_MS).await);
    assert!(!lead("b", NOW_MS + 1).await);
    assert!(lead("a", NOW_MS + 2_000).await, "the holder renews");
    assert!(
        !lead("b", NOW_MS + 4_000).await,
        "the renewal holds until +5 s"
    );
    assert!(lead("b", NOW_MS + 5_000).await, "a lapsed lease passes on");
    assert!(!lead("a", NOW_MS + 5_001).await);
    let holders: Vec<String> = (0..10).map(|n| format!("h{n}")).collect();
    let won = join_all(
        holders
            .iter()
            .map(|holder| store.lead_admission("another", holder, NOW_MS, lease)),
    )
    .await;
    let leaders = won.iter().filter(|won| matches!(won, Ok(true))).count();
    assert_eq!(leaders, 1, "{won:?}");
}
