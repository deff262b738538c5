//! Durability: the real binary is killed with SIGKILL in the middle of a booking load and of a
//! burst of group-committed joins (joins sharing transactions, as `/metrics` shows before the
//! kill), and started again on the same data folder; every acknowledged booking is there, every
//! acknowledged join gets its very ticket back on rejoining, and no place is issued twice.

mod common;

use std::{
    collections::HashSet,
    path::Path,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::Duration,
};

use common::{person, start_server, SLOT};
use fairline_core::{
    booking::{Booking, BookingReceipt, BookingRequest, BookingStatus},
    person::PersonInput,
    token,
    wire::{AdmitRequest, AdmitResponse, JoinResponse, QueuePlace, Signed, TicketClaims},
};
use tokio::{process::Child, sync::Mutex};

async fn start(data: &Path) -> (Child, String) {
    start_server(data, &["--admit-rate", "10000"]).await
}

/// Join, wait for admission, book one of three slots; returns the place and, if acknowledged,
/// the receipt and the person.
async fn journey(
    client: &reqwest::Client,
    base: &str,
    citizen: PersonInput,
    n: u32,
) -> Option<(QueuePlace, Option<BookingReceipt>)> {
    let campaign = format!("{base}/v1/campaigns/kr-covid19-2021-07");
    let joined: JoinResponse = client
        .post(format!("{campaign}/queue"))
        .json(&citizen)
        .send()
        .await
        .ok()?
        .json()
        .await
        .ok()?;
    let place = joined.ticket.claims.place;
    let mut admission = None;
    for _ in 0..100 {
        let response = client
            .post(format!("{campaign}/queue/admit"))
            .json(&AdmitRequest {
                ticket: joined.ticket.clone(),
            })
            .send()
            .await
            .ok()?;
        if response.status() == 200 {
            admission = Some(response.json::<AdmitResponse>().await.ok()?);
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let Some(admission) = admission else {
        return Some((place, None));
    };
    let request = BookingRequest {
        person: citizen,
        site_id: "seoul-gangnam".into(),
        starts_at: SLOT + time::Duration::minutes(30 * i64::from(n % 3)),
    };
    let response = client
        .post(format!("{campaign}/bookings"))
        .bearer_auth(token::encode(&admission.admission))
        .header("Idempotency-Key", format!("restart-{n}"))
        .json(&request)
        .send()
        .await
        .ok()?;
    if response.status() != 201 {
        return Some((place, None));
    }
    Some((place, response.json::<BookingReceipt>().await.ok()))
}

/// Joiners of the burst running across the kill, each joining people one after another.
const JOINERS: u32 = 48;
/// The most joins one joiner sends (the burst is bounded even if the kill never came).
const JOINS_EACH: u32 = 400;

/// One joiner of the burst: people `first`, `first + JOINERS`, … joined one after another (a
/// refused join is skipped after a pause) until the server stops answering at all; every
/// acknowledged join, with its ticket, and whether the joiner was still running when it stopped.
async fn join_burst(
    client: reqwest::Client,
    base: String,
    first: u32,
    acks: Arc<AtomicUsize>,
) -> (Vec<(u32, Signed<TicketClaims>)>, bool) {
    let mut acknowledged = Vec::new();
    for k in 0..JOINS_EACH {
        let n = 5000 + first + k * JOINERS;
        let response = client
            .post(format!("{base}/v1/campaigns/kr-covid19-2021-07/queue"))
            .json(&person(n))
            .send()
            .await;
        let Ok(response) = response else {
            return (acknowledged, true);
        };
        if response.status() != 200 {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        }
        match response.json::<JoinResponse>().await {
            Ok(joined) => {
                acknowledged.push((n, joined.ticket));
                acks.fetch_add(1, Ordering::SeqCst);
            }
            Err(_) => return (acknowledged, true),
        }
    }
    (acknowledged, false)
}

/// (join transactions committed, joins answered from them) from the server's `/metrics`.
async fn join_transactions(client: &reqwest::Client, base: &str) -> (u64, u64) {
    let text = client
        .get(format!("{base}/metrics"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let read = |name: &str| -> u64 {
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.trim().parse().ok())
            .unwrap_or_else(|| panic!("no {name} in /metrics"))
    };
    (
        read("fairline_join_transactions_total "),
        read("fairline_joins_committed_total "),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_mid_load_loses_no_acknowledged_booking_or_join_and_reissues_no_place() {
    let data = tempfile::tempdir().unwrap();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let (mut server, base) = start(data.path()).await;

    let places = Arc::new(Mutex::new(Vec::new()));
    let receipts = Arc::new(Mutex::new(Vec::new()));
    let mut load = Vec::new();
    for n in 0..120u32 {
        let (client, base, places, receipts) = (
            client.clone(),
            base.clone(),
            places.clone(),
            receipts.clone(),
        );
        load.push(tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(u64::from(n) * 5)).await;
            if let Some((place, receipt)) = journey(&client, &base, person(n), n).await {
                places.lock().await.push(place);
                if let Some(receipt) = receipt {
                    receipts.lock().await.push(receipt);
                }
            }
        }));
    }
    let acks = Arc::new(AtomicUsize::new(0));
    let burst: Vec<_> = (0..JOINERS)
        .map(|first| {
            let acks = Arc::clone(&acks);
            tokio::spawn(join_burst(client.clone(), base.clone(), first, acks))
        })
        .collect();
    // Kill once some bookings are acknowledged, while the rest are still in flight, the moment
    // a join is acknowledged (when a join answered before its commit would be lost).
    for _ in 0..400 {
        if receipts.lock().await.len() >= 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let acked = acks.load(Ordering::SeqCst);
    for _ in 0..2000 {
        if acks.load(Ordering::SeqCst) > acked {
            break;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let (transactions, joins) = join_transactions(&client, &base).await;
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    for task in load {
        let _ = task.await;
    }
    let (mut joined, mut cut) = (Vec::new(), 0);
    for task in burst {
        let (acknowledged, killed) = task.await.unwrap();
        joined.extend(acknowledged);
        cut += u32::from(killed);
    }
    assert!(
        cut >= JOINERS / 2,
        "the kill came after the burst: only {cut} joiners were still joining"
    );
    assert!(
        joins >= 2 * transactions && transactions > 0,
        "joins were not group-committed before the kill: {joins} joins in {transactions} transactions"
    );
    assert!(
        joined.len() >= 40,
        "only {} joins of the burst before the kill",
        joined.len()
    );
    eprintln!(
        "before the kill: {joins} joins in {transactions} transactions; {} burst joins \
         acknowledged, {cut} joiners cut by the kill",
        joined.len()
    );
    let (_server, base) = start(data.path()).await;
    // Every acknowledged join of the burst is there: rejoining gives the very same ticket.
    for (n, ticket) in &joined {
        let again: JoinResponse = client
            .post(format!("{base}/v1/campaigns/kr-covid19-2021-07/queue"))
            .json(&person(*n))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(again.rejoined, "person {n}: an acknowledged join was lost");
        assert_eq!(again.ticket.claims.ticket_id, ticket.claims.ticket_id);
        assert_eq!(again.ticket.claims.place, ticket.claims.place);
    }
    let acknowledged = receipts.lock().await.clone();
    assert!(
        acknowledged.len() >= 15,
        "only {} bookings before the kill",
        acknowledged.len()
    );

    for receipt in &acknowledged {
        let found: Booking = client
            .get(format!("{base}/v1/bookings/{}", receipt.booking.reference))
            .header("fairline-booking-secret", &receipt.secret)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(found.status, BookingStatus::Confirmed);
        assert_eq!(found.admission_id, receipt.booking.admission_id);
    }
    let mut all_places = places.lock().await.clone();
    all_places.extend(joined.iter().map(|(_, ticket)| ticket.claims.place));
    let mut seen: HashSet<QueuePlace> = all_places.iter().copied().collect();
    assert_eq!(
        seen.len(),
        all_places.len(),
        "a place was issued twice before the kill"
    );
    for n in 1000..1040u32 {
        let joined: JoinResponse = client
            .post(format!("{base}/v1/campaigns/kr-covid19-2021-07/queue"))
            .json(&person(n))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert!(
            seen.insert(joined.ticket.claims.place),
            "place {:?} issued twice",
            joined.ticket.claims.place
        );
    }
}
