//! Durability: the real binary is killed with SIGKILL in the middle of a booking load and started
//! again on the same data folder; every acknowledged booking is there and no place is issued
//! twice.

mod common;

use std::{collections::HashSet, path::Path, sync::Arc, time::Duration};

use common::{person, start_server, SLOT};
use fairline_core::{
    booking::{Booking, BookingReceipt, BookingRequest, BookingStatus},
    person::PersonInput,
    token,
    wire::{AdmitRequest, AdmitResponse, JoinResponse, QueuePlace},
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

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sigkill_mid_load_loses_no_acknowledged_booking_and_reissues_no_place() {
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
    // Kill once some bookings are acknowledged, while the rest are still in flight.
    for _ in 0..400 {
        if receipts.lock().await.len() >= 15 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.start_kill().unwrap();
    server.wait().await.unwrap();
    for task in load {
        let _ = task.await;
    }
    let acknowledged = receipts.lock().await.clone();
    assert!(
        acknowledged.len() >= 15,
        "only {} bookings before the kill",
        acknowledged.len()
    );

    let (_server, base) = start(data.path()).await;
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
    let mut seen: HashSet<QueuePlace> = places.lock().await.iter().copied().collect();
    assert_eq!(
        seen.len(),
        places.lock().await.len(),
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
