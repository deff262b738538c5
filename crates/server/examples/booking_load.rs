//! Durable bookings per second on a running `fairline-server`, beside a baseline measured in the
//! same run: `cargo run --release -p fairline-server --example booking_load -- BASE_URL N`.
//!
//! It joins and admits N distinct eligible people first (not timed), then fires their N bookings
//! with at most [`IN_FLIGHT`] requests in flight, spread over every slot of the campaign, and
//! times them. The baseline is N `GET /v1/health` requests at the same concurrency, so the ratio
//! says how much of a trivial request's speed a durable booking keeps. `cargo xtask bench` runs it
//! against a release server rehearsing the first opening of the July 2021 campaign.

use std::time::{Duration, Instant};

use fairline_core::{
    booking::{BookingRequest, DayAvailability, SiteSummary},
    person::PersonInput,
    token,
    wire::{AdmitRequest, AdmitResponse, JoinResponse},
};
use futures::{stream, StreamExt};
use time::OffsetDateTime;

/// The campaign the server is expected to serve.
const CAMPAIGN_ID: &str = "kr-covid19-2021-07";
/// Requests in flight at once, for the set-up, the bookings and the baseline alike.
const IN_FLIGHT: usize = 32;
/// How long one person may wait for their turn before the load gives up.
const ADMISSION_PATIENCE: Duration = Duration::from_secs(60);

/// One admitted person, ready to book.
struct AdmittedPerson {
    number: u32,
    person: PersonInput,
    admission_token: String,
}

/// A slot bookings are spread over.
#[derive(Clone)]
struct BookableSlot {
    site_id: String,
    starts_at: OffsetDateTime,
}

#[tokio::main]
async fn main() -> Result<(), String> {
    let mut args = std::env::args().skip(1);
    let (Some(base), Some(count)) = (args.next(), args.next()) else {
        return Err("usage: booking_load BASE_URL N (e.g. http://127.0.0.1:8080 2000)".to_owned());
    };
    let base = base.trim_end_matches('/').to_owned();
    let count: u32 = count
        .parse()
        .ok()
        .filter(|count| *count > 0)
        .ok_or("N must be a positive whole number")?;
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(IN_FLIGHT)
        .build()
        .map_err(|e| e.to_string())?;
    let campaign_url = format!("{base}/v1/campaigns/{CAMPAIGN_ID}");

    let slots = bookable_slots(&client, &campaign_url).await?;
    let places: u64 = slots
        .iter()
        .map(|(_, remaining)| u64::from(*remaining))
        .sum();
    if places < u64::from(count) {
        return Err(format!(
            "the campaign has {places} free places, fewer than N = {count}"
        ));
    }
    println!(
        "set-up: joining and admitting {count} people ({} slots with {places} free places)",
        slots.len()
    );
    let set_up_started = Instant::now();
    let admitted: Vec<AdmittedPerson> = stream::iter(0..count)
        .map(|number| join_and_admit(&client, &campaign_url, number))
        .buffer_unordered(IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    println!(
        "set-up: done in {:.1} s (not timed)",
        set_up_started.elapsed().as_secs_f64()
    );

    let spread = spread_over(&slots, count as usize);
    let bookings_started = Instant::now();
    let statuses: Vec<u16> = stream::iter(admitted.iter().zip(spread))
        .map(|(admitted, slot)| book(&client, &campaign_url, admitted, slot))
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let bookings_elapsed = bookings_started.elapsed().as_secs_f64();
    let booked = statuses.iter().filter(|status| **status == 201).count();
    println!(
        "bookings: {count} requests, {booked} booked (201), statuses {}, in {bookings_elapsed:.3} s",
        breakdown(&statuses)
    );

    let health_url = format!("{base}/v1/health");
    let health_started = Instant::now();
    let health_statuses: Vec<u16> = stream::iter(0..count)
        .map(|_| {
            let request = client.get(&health_url);
            async move { request.send().await.map_or(0, |r| r.status().as_u16()) }
        })
        .buffer_unordered(IN_FLIGHT)
        .collect()
        .await;
    let health_elapsed = health_started.elapsed().as_secs_f64();
    println!(
        "baseline: {count} GET /v1/health, statuses {}, in {health_elapsed:.3} s",
        breakdown(&health_statuses)
    );

    let bookings_per_s = booked as f64 / bookings_elapsed;
    let health_per_s = count as f64 / health_elapsed;
    println!("measure bookings {count}");
    println!("measure booked {booked}");
    println!("measure in_flight {IN_FLIGHT}");
    println!("measure slots {}", slots.len());
    println!("measure bookings_per_s {bookings_per_s:.1}");
    println!("measure health_per_s {health_per_s:.1}");
    println!("measure ratio {:.4}", bookings_per_s / health_per_s);
    if booked < count as usize {
        return Err(format!("only {booked} of {count} bookings were made"));
    }
    Ok(())
}

/// Every slot of every site with places left, with its free places, day by day.
async fn bookable_slots(
    client: &reqwest::Client,
    campaign_url: &str,
) -> Result<Vec<(BookableSlot, u32)>, String> {
    let sites: Vec<SiteSummary> = get_json(client, &format!("{campaign_url}/sites")).await?;
    let days: Vec<(String, String)> = sites
        .iter()
        .flat_map(|site| {
            site.days
                .iter()
                .filter(|day| day.remaining > 0)
                .map(|day| (site.id.clone(), day.day.to_string()))
        })
        .collect();
    let listed: Vec<DayAvailability> = stream::iter(days)
        .map(|(site_id, day)| {
            let url = format!("{campaign_url}/sites/{site_id}/days/{day}");
            async move { get_json(client, &url).await }
        })
        .buffered(IN_FLIGHT)
        .collect::<Vec<_>>()
        .await
        .into_iter()
        .collect::<Result<_, _>>()?;
    Ok(listed
        .into_iter()
        .flat_map(|day| {
            let site_id = day.site_id;
            day.slots
                .into_iter()
                .filter(|slot| slot.remaining > 0)
                .map(move |slot| {
                    (
                        BookableSlot {
                            site_id: site_id.clone(),
                            starts_at: slot.starts_at,
                        },
                        slot.remaining,
                    )
                })
        })
        .collect())
}

/// `count` slots taken round-robin over `slots`, never more than a slot's free places.
fn spread_over(slots: &[(BookableSlot, u32)], count: usize) -> Vec<BookableSlot> {
    let mut left: Vec<u32> = slots.iter().map(|(_, remaining)| *remaining).collect();
    let mut spread = Vec::with_capacity(count);
    while spread.len() < count {
        for (index, (slot, _)) in slots.iter().enumerate() {
            if spread.len() == count {
                break;
            }
            if left[index] > 0 {
                left[index] -= 1;
                spread.push(slot.clone());
            }
        }
    }
    spread
}

/// Person `number`: eligible in the first cohort (born 1962–1966), a name of letters only and a
/// mobile number of its own.
fn person(number: u32) -> PersonInput {
    let mut letters = String::new();
    let mut rest = number;
    loop {
        letters.push(char::from(b'a' + (rest % 26) as u8));
        rest /= 26;
        if rest == 0 {
            break;
        }
    }
    PersonInput {
        name: format!("Park {letters}"),
        birth_date: format!(
            "{}-{:02}-{:02}",
            1962 + number % 5,
            1 + number % 12,
            1 + number % 28
        ),
        mobile: format!("010-{:04}-{:04}", 5000 + number / 10_000, number % 10_000),
        resident_number_front: None,
    }
}

async fn join_and_admit(
    client: &reqwest::Client,
    campaign_url: &str,
    number: u32,
) -> Result<AdmittedPerson, String> {
    let person = person(number);
    let response = client
        .post(format!("{campaign_url}/queue"))
        .json(&person)
        .send()
        .await
        .map_err(|e| format!("join {number}: {e}"))?;
    if response.status() != 200 {
        let status = response.status();
        let body = response.text().await.unwrap_or_default();
        return Err(format!("join {number}: {status} {body}"));
    }
    let joined: JoinResponse = response
        .json()
        .await
        .map_err(|e| format!("join {number}: {e}"))?;
    let started = Instant::now();
    loop {
        let response = client
            .post(format!("{campaign_url}/queue/admit"))
            .json(&AdmitRequest {
                ticket: joined.ticket.clone(),
            })
            .send()
            .await
            .map_err(|e| format!("admit {number}: {e}"))?;
        if response.status() == 200 {
            let admitted: AdmitResponse = response
                .json()
                .await
                .map_err(|e| format!("admit {number}: {e}"))?;
            return Ok(AdmittedPerson {
                number,
                person,
                admission_token: token::encode(&admitted.admission),
            });
        }
        if started.elapsed() > ADMISSION_PATIENCE {
            return Err(format!(
                "admit {number}: still {} after {} s",
                response.status(),
                ADMISSION_PATIENCE.as_secs()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Books `slot` for `admitted`; the status, or 0 when the request failed.
async fn book(
    client: &reqwest::Client,
    campaign_url: &str,
    admitted: &AdmittedPerson,
    slot: BookableSlot,
) -> u16 {
    client
        .post(format!("{campaign_url}/bookings"))
        .bearer_auth(&admitted.admission_token)
        .header(
            "Idempotency-Key",
            format!("booking-load-{}", admitted.number),
        )
        .json(&BookingRequest {
            person: admitted.person.clone(),
            site_id: slot.site_id,
            starts_at: slot.starts_at,
        })
        .send()
        .await
        .map_or(0, |response| response.status().as_u16())
}

async fn get_json<T: serde::de::DeserializeOwned>(
    client: &reqwest::Client,
    url: &str,
) -> Result<T, String> {
    let response = client
        .get(url)
        .send()
        .await
        .map_err(|e| format!("GET {url}: {e}"))?;
    if response.status() != 200 {
        return Err(format!("GET {url}: {}", response.status()));
    }
    response.json().await.map_err(|e| format!("GET {url}: {e}"))
}

/// `201×1998, 409×2` for a list of statuses (0: no response).
fn breakdown(statuses: &[u16]) -> String {
    let mut counts = std::collections::BTreeMap::new();
    for status in statuses {
        *counts.entry(*status).or_insert(0u32) += 1;
    }
    counts
        .iter()
        .map(|(status, count)| format!("{status}×{count}"))
        .collect::<Vec<_>>()
        .join(", ")
}
