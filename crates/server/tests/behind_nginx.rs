//! Three `fairline-server` processes on one throwaway PostgreSQL behind nginx running the shipped
//! `deploy/nginx.conf` (issue 15's "Must show"): 200 pollers of the queue state cost the origin
//! about one request a second; a rush of 1,000 bookers for 100 places through nginx, while the
//! admission leader is killed with SIGKILL, books exactly the places, once each, every booking
//! acknowledged stored and traceable to its admission; nginx passes a 503 with its `Retry-After`
//! through unchanged; and the per-client join limit holds through nginx (its `X-Forwarded-For`
//! hop, trusted by `--trusted-proxy`), whatever hop the client forges.
//!
//! Run with `cargo test -p fairline-server --test behind_nginx` (needs the Debian packages
//! `postgresql` and `nginx`; traffic goes to 127.0.0.1 only and every loop ends by itself).

mod common;

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use common::{
    cluster::{counter, TestCluster, CAMPAIGN},
    person, SLOT,
};
use fairline_core::{
    booking::BookingRequest,
    person::PersonInput,
    wire::{AdmitRequest, AdmitResponse, JoinResponse, QueuePlace, QueueState},
};
use fairline_server::store::{Database, Store};
use futures::future::join_all;

/// Held by the two heavy tests, so that neither measures the other's load (on two cores).
static HEAVY: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The request counter the instances keep for `GET …/queue/state`.
const STATE_REQUESTS: &str = "fairline_queue_state_requests_total";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_pollers_through_nginx_cost_the_origin_about_one_request_a_second() {
    const POLLERS: usize = 200;
    const SECONDS: u64 = 3;
    let _alone = HEAVY.lock().await;
    let cluster = TestCluster::start(3, 40, &[]).await;
    let client = reqwest::Client::new();
    let origin = |client: reqwest::Client, bases: Vec<String>| async move {
        let mut counts = Vec::new();
        for base in bases {
            counts.push(counter(&client, &base, STATE_REQUESTS).await.unwrap());
        }
        counts
    };
    let bases: Vec<String> = cluster.instances.iter().map(|i| i.base.clone()).collect();
    let before = origin(client.clone(), bases.clone()).await;
    let url = cluster.campaign_url("/queue/state");
    let began = Instant::now();
    let deadline = began + Duration::from_secs(SECONDS);
    let polls = join_all((0..POLLERS).map(|_| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let (mut ok, mut other) = (0u32, Vec::new());
            while Instant::now() < deadline {
                match client.get(&url).send().await {
                    Ok(response) if response.status() == 200 => {
                        let state: QueueState = response.json().await.unwrap();
                        assert_eq!(state.campaign_id, CAMPAIGN);
                        ok += 1;
                    }
                    Ok(response) => other.push(response.status().as_u16()),
                    Err(e) => panic!("poll through nginx: {e}"),
                }
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            (ok, other)
        }
    }))
    .await;
    let elapsed = began.elapsed().as_secs_f64();
    let after = origin(client.clone(), bases).await;
    let per_instance: Vec<u64> = after.iter().zip(&before).map(|(a, b)| a - b).collect();
    let answered: u32 = polls.iter().map(|(ok, _)| ok).sum();
    let refused: Vec<u16> = polls.iter().flat_map(|(_, other)| other.clone()).collect();
    eprintln!(
        "{POLLERS} pollers, {elapsed:.1} s: {answered} answers through nginx, origin requests per \
         instance {per_instance:?}"
    );
    assert!(refused.is_empty(), "pollers got {refused:?}");
    assert!(
        polls.iter().all(|(ok, _)| *ok >= 10),
        "every poller was answered"
    );
    let limit = SECONDS + 1;
    assert!(
        per_instance.iter().all(|&n| n <= limit),
        "an instance answered more than {limit} queue-state requests: {per_instance:?}"
    );
    let total: u64 = per_instance.iter().sum();
    assert!(
        (1..=SECONDS + 2).contains(&total),
        "origin requests in all: {total}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn nginx_passes_a_503_and_its_retry_after_through() {
    // One instance taking one join at a time: a burst of joins through nginx is shed with 503 +
    // `Retry-After`, which nginx must pass through (not retry elsewhere, not replace).
    let cluster = TestCluster::start(1, 40, &["--join-concurrency", "1"]).await;
    let client = reqwest::Client::new();
    let url = cluster.campaign_url("/queue");
    let answers = join_all((0..64u32).map(|n| {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let response = client.post(url).json(&person(n)).send().await.unwrap();
            let retry_after = response
                .headers()
                .get("retry-after")
                .map(|value| value.to_str().unwrap().to_owned());
            let status = response.status().as_u16();
            (status, retry_after, response.text().await.unwrap())
        }
    }))
    .await;
    let shed: Vec<_> = answers
        .iter()
        .filter(|(status, ..)| *status == 503)
        .collect();
    assert!(!shed.is_empty(), "no 503 among {answers:?}");
    for (_, retry_after, body) in shed {
        assert_eq!(retry_after.as_deref(), Some("2"), "{body}");
        assert!(body.contains("\"code\":\"overloaded\""), "{body}");
    }
    assert!(
        answers
            .iter()
            .all(|(status, ..)| [200, 503].contains(status)),
        "{answers:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_join_limit_is_per_client_through_nginx_and_blind_to_a_forged_forwarded_for() {
    // Two joins per client: nginx appends the address it saw to `X-Forwarded-For` and the
    // instance, trusting nginx (`--trusted-proxy 127.0.0.1`), counts that last hop.
    let cluster = TestCluster::start(1, 40, &["--join-burst", "2"]).await;
    let from = |address: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(address))
            .build()
            .unwrap()
    };
    let (first, second) = (from([127, 0, 0, 1]), from([127, 0, 0, 2]));
    let url = cluster.campaign_url("/queue");
    let mut statuses = Vec::new();
    for n in 0..3u32 {
        // A forged hop of its own each time: ignored, nginx's hop comes last.
        let forged = format!("203.0.113.{n}");
        let response = first
            .post(&url)
            .header("X-Forwarded-For", forged)
            .json(&person(100 + n))
            .send()
            .await
            .unwrap();
        statuses.push(response.status().as_u16());
    }
    assert_eq!(statuses, [200, 200, 429], "the first client's joins");
    let other = second.post(&url).json(&person(200)).send().await.unwrap();
    assert_eq!(
        other.status(),
        200,
        "another client is not limited by the first"
    );
}

const RUSH_BOOKERS: u32 = 1000;
const RUSH_PLACES: u32 = 100;
/// Admissions per second: 1,000 bookers are admitted in about ten seconds plus the failover.
const RUSH_ADMIT_RATE: &str = "100";
/// The leader is killed once this many bookers hold a place or admission has passed
/// [`KILL_AFTER_RANK`], whichever comes first: the rush is under way and most of the admission is
/// still to come. (Admission moves in jumps during the join burst: the joins hold the campaign's
/// counter row, the leader's step waits, then admits for all the time it waited.)
const KILL_AFTER_JOINS: u64 = 300;
/// See [`KILL_AFTER_JOINS`].
const KILL_AFTER_RANK: u64 = 50;
/// The lease (3 s), a step, and the new leader's first steps waiting behind the join burst's
/// row lock: 3.7–8 s measured on two shared, loaded cores; 3.7 s in `failover.rs` without load.
const TAKEOVER_LIMIT: Duration = Duration::from_secs(12);
/// How long one booker may take from joining to its last answer.
const BOOKER_LIMIT: Duration = Duration::from_secs(90);

/// Requests the bookers sent again (no answer, 502, 503).
static RETRIED: AtomicU64 = AtomicU64::new(0);

/// A booker's client: `POST`/`GET` through nginx, retrying what never got a real answer (nginx's
/// 502 when the instance died under the request, a 503 after its `Retry-After`, a refused
/// connection) with the same body and idempotency key, until `deadline`.
struct Booker {
    client: reqwest::Client,
    deadline: Instant,
}

impl Booker {
    async fn send(&self, request: impl Fn() -> reqwest::RequestBuilder) -> (u16, String) {
        loop {
            assert!(Instant::now() < self.deadline, "a booker ran out of time");
            if let Ok(response) = request().timeout(Duration::from_secs(15)).send().await {
                let status = response.status().as_u16();
                let wait = response
                    .headers()
                    .get("retry-after")
                    .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
                match status {
                    502 | 504 => {}
                    503 | 429 => {
                        let seconds = wait.unwrap_or(1).min(2);
                        tokio::time::sleep(Duration::from_secs(seconds)).await;
                    }
                    _ => return (status, response.text().await.unwrap_or_default()),
                }
            }
            RETRIED.fetch_add(1, Ordering::Relaxed);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

/// One booker: joins through nginx, polls the cached queue state until its rank is admitted,
/// claims its admission, books with an idempotency key (every tenth gives up on the first
/// attempt, half after its answer was lost, half within a few milliseconds, and retries with the
/// same key). Its admission id and the last booking answer.
async fn book(
    client: reqwest::Client,
    cluster: Arc<TestCluster>,
    n: u32,
) -> (String, (u16, String)) {
    let booker = Booker {
        client,
        deadline: Instant::now() + BOOKER_LIMIT,
    };
    let citizen: PersonInput = person(7000 + n);
    let (status, body) = booker
        .send(|| {
            booker
                .client
                .post(cluster.campaign_url("/queue"))
                .json(&citizen)
        })
        .await;
    assert_eq!(status, 200, "join: {body}");
    let joined: JoinResponse = serde_json::from_str(&body).unwrap();
    let QueuePlace::Ranked { rank } = joined.ticket.claims.place else {
        panic!("joined after the opening, so ranked: {joined:?}");
    };
    // Poll as the widget does (the document nginx caches), at a pace of its own.
    let pause = Duration::from_millis(400 + u64::from(n % 200));
    loop {
        let (status, body) = booker
            .send(|| booker.client.get(cluster.campaign_url("/queue/state")))
            .await;
        assert_eq!(status, 200, "state: {body}");
        let state: QueueState = serde_json::from_str(&body).unwrap();
        if state.admitted_through > rank {
            break;
        }
        tokio::time::sleep(pause).await;
    }
    let admit = AdmitRequest {
        ticket: joined.ticket.clone(),
    };
    let admitted: AdmitResponse = loop {
        let (status, body) = booker
            .send(|| {
                booker
                    .client
                    .post(cluster.campaign_url("/queue/admit"))
                    .json(&admit)
            })
            .await;
        match status {
            200 => break serde_json::from_str(&body).unwrap(),
            // The instance asked has not adopted the latest step yet.
            409 if body.contains("not_your_turn") => {
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
            _ => panic!("admit: {status} {body}"),
        }
    };
    let token = fairline_core::token::encode(&admitted.admission);
    let request = BookingRequest {
        person: citizen.clone(),
        site_id: "seoul-gangnam".into(),
        starts_at: SLOT,
    };
    let key = format!("nginx-rush-{n}");
    let attempt = || {
        booker
            .client
            .post(cluster.campaign_url("/bookings"))
            .bearer_auth(&token)
            .header("Idempotency-Key", &key)
            .json(&request)
    };
    if n.is_multiple_of(10) {
        let first = attempt().send();
        if n.is_multiple_of(20) {
            let _lost = first.await;
        } else {
            let wait = Duration::from_millis(u64::from(n % 7));
            let _ = tokio::time::timeout(wait, first).await;
        }
    }
    let outcome = booker.send(attempt).await;
    (admitted.admission.claims.admission_id, outcome)
}

/// The campaign's lease holder, `admitted_through` and places issued, as the database has them.
async fn lease_and_admission(db: &mut sqlx::PgConnection) -> (Option<String>, u64, u64) {
    let holder: Option<(String,)> =
        sqlx::query_as("SELECT holder FROM admission_leases WHERE campaign_id = $1")
            .bind(CAMPAIGN)
            .fetch_optional(&mut *db)
            .await
            .unwrap();
    let (through, issued): (i64, i64) = sqlx::query_as(
        "SELECT admitted_through, arrivals_issued FROM queue_meta WHERE campaign_id = $1",
    )
    .bind(CAMPAIGN)
    .fetch_one(&mut *db)
    .await
    .unwrap();
    let count = |n: i64| u64::try_from(n).unwrap();
    (holder.map(|(h,)| h), count(through), count(issued))
}

/// The lease holder id the instance at `base` writes (from its `/metrics`).
async fn holder_id(client: &reqwest::Client, base: &str) -> String {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let prefix = format!("fairline_admission_lease_holder{{campaign=\"{CAMPAIGN}\",holder=\"");
    text.lines()
        .find_map(|line| Some(line.strip_prefix(&prefix)?.split('"').next()?.to_owned()))
        .expect("the instance names its lease holder id")
}

/// Waits until the database says `joins` places are issued or admission passed `rank`, kills the instance holding the
/// admission lease (`holders`: each instance's holder id) with SIGKILL, and measures how long
/// until another instance holds the lease and admission has gone past where the killed one left
/// it: (killed index, that rank, time to resume).
async fn kill_the_leader(
    cluster: &TestCluster,
    holders: &[String],
    (joins, rank): (u64, u64),
) -> (usize, u64, Duration) {
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&cluster.database)
        .await
        .unwrap();
    let watch_until = Instant::now() + BOOKER_LIMIT;
    let (leader, holder) = loop {
        assert!(Instant::now() < watch_until, "the rush never got under way");
        let (holder, through, issued) = lease_and_admission(&mut db).await;
        let leader = holder
            .as_ref()
            .and_then(|holder| holders.iter().position(|h| h == holder));
        if let (Some(leader), Some(holder), true) =
            (leader, holder, issued >= joins || through >= rank)
        {
            break (leader, holder);
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    cluster.kill(leader).await;
    let killed_at = Instant::now();
    let (_, at_kill, _) = lease_and_admission(&mut db).await;
    assert!(
        at_kill < u64::from(RUSH_BOOKERS),
        "everyone was admitted before the leader was killed: nothing left to take over"
    );
    loop {
        let (now_holder, through, _) = lease_and_admission(&mut db).await;
        if now_holder.is_some_and(|h| h != holder) && through > at_kill {
            return (leader, at_kill, killed_at.elapsed());
        }
        assert!(
            killed_at.elapsed() < TAKEOVER_LIMIT,
            "admission stalled at {at_kill} for {TAKEOVER_LIMIT:?} after the leader was killed"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_rush_through_nginx_survives_killing_the_admission_leader() {
    let _alone = HEAVY.lock().await;
    let began = Instant::now();
    let cluster = TestCluster::start(
        3,
        RUSH_PLACES,
        &["--admit-rate", RUSH_ADMIT_RATE, "--max-active", "100000"],
    )
    .await;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(256)
        .build()
        .unwrap();
    // Each instance's lease holder id, asked before the rush.
    let mut holders = Vec::new();
    for instance in &cluster.instances {
        holders.push(holder_id(&client, &instance.base).await);
    }
    let cluster = Arc::new(cluster);
    let killer = tokio::spawn({
        let cluster = Arc::clone(&cluster);
        async move { kill_the_leader(&cluster, &holders, (KILL_AFTER_JOINS, KILL_AFTER_RANK)).await }
    });
    let outcomes = join_all(
        (0..RUSH_BOOKERS).map(|n| tokio::spawn(book(client.clone(), Arc::clone(&cluster), n))),
    )
    .await;
    let (killed, at_kill, resumed_after) = killer.await.unwrap();
    let outcomes: Vec<_> = outcomes.into_iter().map(|o| o.unwrap()).collect();
    eprintln!(
        "instance {killed} (the admission leader) killed at admitted_through {at_kill}; another \
         instance admitted on {resumed_after:?} later; {RUSH_BOOKERS} bookers done in {:?} from \
         the start; {} requests sent again",
        began.elapsed(),
        RETRIED.load(Ordering::Relaxed)
    );
    assert!(resumed_after < TAKEOVER_LIMIT);

    let store = Store::open(&Database::Postgres(cluster.database.clone()))
        .await
        .unwrap();
    common::check_rush(&outcomes, &store, RUSH_PLACES).await;
    assert_eq!(
        store.booking_count(CAMPAIGN).await.unwrap(),
        u64::from(RUSH_PLACES)
    );
    // In the database: one booking per person, each on an admission of that person.
    use sqlx::Connection;
    let mut db = sqlx::PgConnection::connect(&cluster.database)
        .await
        .unwrap();
    let (people, traced): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(DISTINCT b.person_key_hash), COUNT(a.admission_id) FROM bookings b \
         LEFT JOIN admissions a ON a.admission_id = b.admission_id \
         AND a.person_key_hash = b.person_key_hash AND a.used_at_ms IS NOT NULL",
    )
    .fetch_one(&mut db)
    .await
    .unwrap();
    assert_eq!(
        (people, traced),
        (i64::from(RUSH_PLACES), i64::from(RUSH_PLACES))
    );
}
