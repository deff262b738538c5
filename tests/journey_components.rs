//! Component tests of the journey in headless Chromium, against a scripted fake transport:
//! verdict rendering, the error summary, estimate states, the waiting loop's scheduling, the
//! admission and the booking.
#![cfg(target_arch = "wasm32")]

#[path = "support/fake_transport.rs"]
mod fake_transport;

use core::time::Duration;
use std::sync::Arc;

use fairline_core::{
    booking::{Booking, BookingReceipt, BookingStatus},
    campaign::Campaign,
    draw::commitment,
    person::PersonInput,
    wire::{
        to_hex, AdmissionClaims, AdmitResponse, PollHints, QueuePlace, QueueState, Signed,
        TicketClaims,
    },
};
use fairline_widget::{
    api::{ApiClient, HttpResponse, Method},
    browser,
    i18n::{Locale, Msg},
    journey::{Journey, Step},
    session::record_key,
    StepKind, WidgetWith,
};
use fake_transport::FakeTransport;
use leptos::prelude::*;
use time::macros::datetime;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

const KR_CAMPAIGN: &str = include_str!("../campaigns/kr-covid19-2021-07.toml");
const CAMPAIGN_ID: &str = "kr-covid19-2021-07";
const STATE_PATH: &str = "/v1/campaigns/kr-covid19-2021-07/queue/state";
const SEED: [u8; 32] = [42u8; 32];

fn campaign() -> Campaign {
    Campaign::from_toml_str(KR_CAMPAIGN).unwrap()
}

/// A fake server at 19:59:00 in Seoul on opening night, with the campaign and the clock.
fn fake_server() -> FakeTransport {
    fake_server_with_health(r#"{"status":"ok","server_time":"2021-07-12T19:59:00+09:00"}"#)
}

/// A fake server answering `/v1/health` with `health`, and the campaign.
fn fake_server_with_health(health: &str) -> FakeTransport {
    let fake = FakeTransport::new();
    fake.json(Method::Get, "/v1/health", 200, health);
    fake.json(
        Method::Get,
        "/v1/campaigns/kr-covid19-2021-07",
        200,
        &campaign().to_json(),
    );
    fake
}

fn host() -> web_sys::HtmlElement {
    let document = document();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    host
}

fn clear_storage() {
    let storage = window().local_storage().unwrap().unwrap();
    storage.clear().unwrap();
}

/// The English text of `msg` (the widget is mounted in English unless a test says otherwise).
fn en(msg: Msg) -> &'static str {
    msg.get(Locale::En)
}

fn mount(fake: &FakeTransport) -> (web_sys::HtmlElement, impl Drop) {
    mount_in(fake, Locale::En)
}

/// The widget over `fake`, the host asking for `locale`.
fn mount_in(fake: &FakeTransport, locale: Locale) -> (web_sys::HtmlElement, impl Drop) {
    let host = host();
    let api = ApiClient::with_transport(Arc::new(fake.clone()));
    let mounted = leptos::mount::mount_to(host.clone(), move || {
        view! { <WidgetWith api=api.clone() campaign_id=CAMPAIGN_ID.to_owned() locale=Some(locale) /> }
    });
    (host, mounted)
}

/// Waits (up to 10 s) until `condition` holds; fails the test otherwise.
async fn until(what: &str, condition: impl Fn() -> bool) {
    for _ in 0..500 {
        if condition() {
            return;
        }
        gloo_timers::future::sleep(Duration::from_millis(20)).await;
    }
    panic!("timed out waiting for: {what}");
}

async fn pause(ms: u64) {
    gloo_timers::future::sleep(Duration::from_millis(ms)).await;
}

fn find(host: &web_sys::HtmlElement, selector: &str) -> Option<web_sys::HtmlElement> {
    host.query_selector(selector)
        .unwrap()
        .map(|e| e.unchecked_into())
}

fn text_of(host: &web_sys::HtmlElement, selector: &str) -> String {
    find(host, selector)
        .and_then(|e| e.text_content())
        .unwrap_or_default()
}

fn type_into(host: &web_sys::HtmlElement, selector: &str, value: &str) {
    let input: web_sys::HtmlInputElement = find(host, selector).unwrap().unchecked_into();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    let event = web_sys::Event::new_with_event_init_dict("input", &init).unwrap();
    input.dispatch_event(&event).unwrap();
}

async fn fill_and_check(host: &web_sys::HtmlElement, born: &str) {
    until("the form", || find(host, "#fl-name").is_some()).await;
    type_into(host, "#fl-name", "Kim Minji");
    type_into(host, "#fl-birth-date", born);
    type_into(host, "#fl-mobile", "010-1234-5678");
    find(host, "form button[type=submit]").unwrap().click();
}

fn ticket(place: QueuePlace) -> Signed<TicketClaims> {
    Signed {
        claims: TicketClaims {
            key_id: "k1".into(),
            ticket_id: "t-1".into(),
            campaign_id: CAMPAIGN_ID.into(),
            person_key_hash: "ab".repeat(32),
            issued_at: datetime!(2021-07-12 19:58:00 +09:00),
            place,
        },
        signature: "00".into(),
    }
}

fn state(revealed: bool, admitted_through: u64, paused: bool, with_rate: bool) -> QueueState {
    QueueState {
        campaign_id: CAMPAIGN_ID.into(),
        rules_version: campaign().compute_rules_version(),
        server_time: if revealed {
            datetime!(2021-07-12 20:01:00 +09:00)
        } else {
            datetime!(2021-07-12 19:59:00 +09:00)
        },
        opens_at: datetime!(2021-07-12 20:00:00 +09:00),
        seed_commitment: to_hex(&commitment(&SEED)),
        seed: revealed.then(|| to_hex(&SEED)),
        pre_queue_size: revealed.then_some(1_000),
        admitted_through,
        admission_rate: with_rate.then_some(fairline_core::wire::AdmissionRate {
            per_second: 2.0,
            spread_per_second: 0.5,
            window_s: 60,
        }),
        paused,
        poll: PollHints::default(),
    }
}

fn admission() -> AdmitResponse {
    AdmitResponse {
        admission: Signed {
            claims: AdmissionClaims {
                key_id: "k1".into(),
                admission_id: "a-1".into(),
                ticket_id: "t-1".into(),
                campaign_id: CAMPAIGN_ID.into(),
                person_key_hash: "ab".repeat(32),
                issued_at: datetime!(2021-07-12 19:58:30 +09:00),
                expires_at: datetime!(2021-07-12 20:09:00 +09:00),
                extensions_used: 0,
            },
            signature: "00".into(),
        },
        extensions_left: 1,
    }
}

/// A fresh device that already holds a ticket for `place` (a returning citizen).
fn holding_ticket(place: QueuePlace) {
    clear_storage();
    save(&Journey {
        step: Step::Wait {
            ticket: ticket(place),
        },
        ..Journey::default()
    });
}

/// The fake answers every state poll with `document`.
fn serve_state(fake: &FakeTransport, document: &QueueState) {
    fake.json(
        Method::Get,
        STATE_PATH,
        200,
        &serde_json::to_string(document).unwrap(),
    );
}

fn save(journey: &Journey) {
    browser::store(&record_key(CAMPAIGN_ID), &journey.to_record().unwrap());
}

/// The journey as stored on this device.
fn stored() -> Option<Journey> {
    browser::load(&record_key(CAMPAIGN_ID)).and_then(Journey::from_record)
}

fn kim() -> PersonInput {
    PersonInput {
        name: "Kim Minji".into(),
        birth_date: "1964-03-15".into(),
        mobile: "010-1234-5678".into(),
        resident_number_front: None,
    }
}

#[wasm_bindgen_test]
async fn eligible_citizen_before_the_opening_sees_not_yet_with_a_countdown_and_may_join() {
    clear_storage();
    let fake = fake_server();
    let (host, _mounted) = mount(&fake);
    fill_and_check(&host, "1964-03-15").await;
    until("a verdict", || find(&host, "[data-verdict]").is_some()).await;
    let verdict = text_of(&host, "[data-verdict]");
    assert!(
        verdict.contains("Mon 12 July 2021, 20:00 (UTC+9)"),
        "{verdict}"
    );
    assert!(verdict.contains("That is in "), "{verdict}");
    assert_eq!(
        find(&host, "[data-verdict]")
            .unwrap()
            .get_attribute("data-verdict")
            .as_deref(),
        Some("not_yet")
    );
    assert!(text_of(&host, ".fl-result").contains(en(Msg::PreQueueMayJoin)));
    assert!(find(&host, "#fl-join").is_some());
    // The device clock (this machine's, years after 2021) is reported but changes nothing.
    until("the clock notice", || {
        find(&host, "#fl-clock-notice").is_some()
    })
    .await;
    assert_eq!(
        fake.count(Method::Post, "/v1/campaigns/kr-covid19-2021-07/queue"),
        0
    );
}

/// A rehearsal server's health: server time on opening night, real time `real_offset_ms` from
/// this device's clock.
fn rehearsal_health(real_offset_ms: f64) -> String {
    let real = js_sys::Date::new(&(js_sys::Date::now() + real_offset_ms).into());
    format!(
        r#"{{"status":"ok","server_time":"2021-07-12T19:59:00+09:00","rehearsal":true,"real_time":"{}"}}"#,
        String::from(real.to_iso_string())
    )
}

#[wasm_bindgen_test]
async fn a_rehearsal_checks_the_device_clock_against_the_real_time_not_the_rehearsed_one() {
    clear_storage();
    let fake = fake_server_with_health(&rehearsal_health(0.0));
    let (host, _mounted) = mount(&fake);
    until("the rehearsal notice", || {
        find(&host, "#fl-rehearsal-notice").is_some()
    })
    .await;
    until("three clock samples", || {
        fake.count(Method::Get, "/v1/health") >= 3
    })
    .await;
    pause(100).await;
    assert!(
        find(&host, "#fl-clock-notice").is_none(),
        "a device clock that agrees with the real time gets no notice, years from the rehearsal"
    );
}

#[wasm_bindgen_test]
async fn a_rehearsal_without_the_real_time_never_compares_the_device_with_the_rehearsed_clock() {
    clear_storage();
    // A server that rehearses but does not send its real time: nothing to check the device
    // clock against, so no notice (the rehearsed clock is years from this device's).
    let fake = fake_server_with_health(
        r#"{"status":"ok","server_time":"2021-07-12T19:59:00+09:00","rehearsal":true}"#,
    );
    let (host, _mounted) = mount(&fake);
    until("three clock samples", || {
        fake.count(Method::Get, "/v1/health") >= 3
    })
    .await;
    pause(100).await;
    assert!(find(&host, "#fl-rehearsal-notice").is_some());
    assert!(find(&host, "#fl-clock-notice").is_none());
}

#[wasm_bindgen_test]
async fn a_rehearsal_still_reports_a_device_clock_off_the_real_time() {
    clear_storage();
    // The server's real clock is a day (and five minutes) behind this device's.
    let fake = fake_server_with_health(&rehearsal_health(-86_700_000.0));
    let (host, _mounted) = mount(&fake);
    until("the clock notice", || {
        find(&host, "#fl-clock-notice").is_some()
    })
    .await;
    let notice = text_of(&host, "#fl-clock-notice");
    assert!(notice.contains("1 d 0 h ahead"), "{notice}");
    assert!(find(&host, "#fl-rehearsal-notice").is_some());
}

#[wasm_bindgen_test]
async fn ineligible_citizen_is_told_why_and_never_joins() {
    clear_storage();
    let fake = fake_server();
    let (host, _mounted) = mount(&fake);
    fill_and_check(&host, "2010-01-01").await;
    until("a verdict", || find(&host, "[data-verdict]").is_some()).await;
    assert_eq!(
        find(&host, "[data-verdict]")
            .unwrap()
            .get_attribute("data-verdict")
            .as_deref(),
        Some("not_eligible")
    );
    assert!(text_of(&host, "[data-verdict]").contains("no age group"));
    assert!(find(&host, "#fl-join").is_none());
    assert!(text_of(&host, ".fl-result").contains(en(Msg::CannotJoin)));
    // A later cohort (53–54) is told when, and cannot join either.
    type_into(&host, "#fl-birth-date", "1967-05-01");
    until("the new verdict", || {
        text_of(&host, "[data-verdict]").contains("19 July 2021")
    })
    .await;
    assert!(find(&host, "#fl-join").is_none());
    assert_eq!(
        fake.count(Method::Post, "/v1/campaigns/kr-covid19-2021-07/queue"),
        0
    );
}

#[wasm_bindgen_test]
async fn bad_input_gets_errors_beside_fields_and_a_summary_linking_to_them() {
    clear_storage();
    let fake = fake_server();
    let (host, _mounted) = mount(&fake);
    until("the form", || find(&host, "#fl-name").is_some()).await;
    type_into(&host, "#fl-birth-date", "1964-02-30");
    find(&host, "form button[type=submit]").unwrap().click();
    until("the summary", || find(&host, "#fl-error-summary").is_some()).await;
    let links = host.query_selector_all("#fl-error-summary a").unwrap();
    assert_eq!(links.length(), 3);
    let hrefs: Vec<String> = (0..links.length())
        .map(|i| {
            links
                .item(i)
                .unwrap()
                .unchecked_into::<web_sys::Element>()
                .get_attribute("href")
                .unwrap()
        })
        .collect();
    assert_eq!(hrefs, vec!["#fl-name", "#fl-birth-date", "#fl-mobile"]);
    assert_eq!(
        text_of(&host, "#fl-birth-date-error"),
        "This date does not exist."
    );
    let input = find(&host, "#fl-birth-date").unwrap();
    assert_eq!(input.get_attribute("aria-invalid").as_deref(), Some("true"));
    assert!(input
        .get_attribute("aria-describedby")
        .unwrap()
        .contains("fl-birth-date-error"));
    assert!(find(&host, "[data-verdict]").is_none());
    // Fixed as typed: the error goes away without resubmitting.
    type_into(&host, "#fl-birth-date", "1964-02-28");
    until("the error to clear", || {
        find(&host, "#fl-birth-date-error").is_none()
    })
    .await;
    assert!(fake.requests().iter().all(|r| r.method == Method::Get));
}

#[wasm_bindgen_test]
async fn a_differing_server_verdict_is_shown_and_wins() {
    clear_storage();
    let fake = fake_server();
    fake.json(
        Method::Post,
        "/v1/campaigns/kr-covid19-2021-07/eligibility",
        200,
        &format!(
            r#"{{"verdict":{{"kind":"not_eligible","reason":{{"code":"no_cohort_for_birth_date"}}}},"rules_version":"{}","server_time":"2021-07-12T19:59:01+09:00"}}"#,
            campaign().compute_rules_version()
        ),
    );
    let (host, _mounted) = mount(&fake);
    fill_and_check(&host, "1964-03-15").await;
    until("the server's verdict", || {
        find(&host, "#fl-server-verdict").is_some()
    })
    .await;
    assert!(text_of(&host, "#fl-server-verdict").contains("no age group"));
    assert!(find(&host, "#fl-join").is_none());
}

#[wasm_bindgen_test]
async fn joining_stores_the_ticket_and_shows_the_fair_draw_before_the_opening() {
    clear_storage();
    let fake = fake_server();
    let joined = serde_json::json!({ "ticket": ticket(QueuePlace::PreQueue { index: 7 }), "rejoined": false });
    fake.json(
        Method::Post,
        "/v1/campaigns/kr-covid19-2021-07/queue",
        200,
        &joined.to_string(),
    );
    serve_state(&fake, &state(false, 0, false, false));
    let (host, _mounted) = mount(&fake);
    fill_and_check(&host, "1964-03-15").await;
    until("the join button", || find(&host, "#fl-join").is_some()).await;
    find(&host, "#fl-join").unwrap().click();
    // The explanation shows from the ticket alone; the fingerprint comes with the first poll.
    until("the fair draw", || find(&host, "#fl-fair-draw").is_some()).await;
    let draw = text_of(&host, "#fl-fair-draw");
    assert!(draw.contains("Arriving earlier does not help"), "{draw}");
    let fingerprint = to_hex(&commitment(&SEED));
    until("the fingerprint", || {
        text_of(&host, "#fl-fair-draw").contains(&fingerprint)
    })
    .await;
    assert!(find(&host, "#fl-rank").is_none());
    let saved = stored().unwrap();
    assert!(
        matches!(&saved.step, Step::Wait { ticket } if ticket.claims.place == QueuePlace::PreQueue { index: 7 }),
        "{saved:?}"
    );
    assert_eq!(saved.person.unwrap().birth_date, "1964-03-15");
    let join = fake
        .requests()
        .into_iter()
        .find(|r| r.method == Method::Post && r.path.ends_with("/queue"))
        .unwrap();
    assert!(join.body.unwrap().contains("1964-03-15"));
}

#[wasm_bindgen_test]
async fn after_the_draw_the_rank_is_computed_here_and_the_estimate_is_a_range() {
    holding_ticket(QueuePlace::PreQueue { index: 7 });
    let fake = fake_server();
    serve_state(&fake, &state(true, 10, false, true));
    let (host, _mounted) = mount(&fake);
    until("the rank", || find(&host, "#fl-rank").is_some()).await;
    let expected = fairline_core::draw::PreQueueDraw::new(SEED, 1_000)
        .rank_of(7)
        .unwrap();
    assert_eq!(text_of(&host, "#fl-rank"), (expected + 1).to_string());
    assert_eq!(
        text_of(&host, "#fl-ahead"),
        fairline_widget::format::format_people(expected.saturating_sub(10), Locale::En)
    );
    let estimate = text_of(&host, "#fl-estimate");
    assert!(estimate.starts_with("about "), "{estimate}");
    assert!(estimate.contains("updated"), "{estimate}");
    assert!(text_of(&host, ".fl-step").contains(en(Msg::SeedVerified)));
}

#[wasm_bindgen_test]
async fn estimate_says_paused_or_unknown_instead_of_a_number() {
    holding_ticket(QueuePlace::Ranked { rank: 1_500 });
    let fake = fake_server();
    serve_state(&fake, &state(true, 10, true, true));
    let (host, _mounted) = mount(&fake);
    until("the estimate", || find(&host, "#fl-estimate").is_some()).await;
    assert_eq!(text_of(&host, "#fl-estimate"), en(Msg::WaitPaused));
    drop(_mounted);

    let fake = fake_server();
    serve_state(&fake, &state(true, 10, false, false));
    let (host, _mounted) = mount(&fake);
    until("the estimate", || find(&host, "#fl-estimate").is_some()).await;
    assert_eq!(text_of(&host, "#fl-estimate"), en(Msg::WaitUnknownHistory));
}

#[wasm_bindgen_test]
async fn a_shed_poll_waits_for_retry_after_and_tells_the_citizen_their_place_is_kept() {
    holding_ticket(QueuePlace::Ranked { rank: 1_500 });
    let fake = fake_server();
    // The server asks for a poll every second; then it sheds one poll with `Retry-After: 4`.
    // Ignoring it, the widget would poll again within the ordinary window after one error
    // (at most 2 s: the 1 s floor, the first backoff step); obeying it, not before 4 s.
    let mut quick = state(true, 10, false, true);
    quick.poll = PollHints { min_s: 1, max_s: 1 };
    let quick = serde_json::to_string(&quick).unwrap();
    fake.on(
        Method::Get,
        STATE_PATH,
        vec![
            Some(HttpResponse::json(200, quick.clone())),
            Some(HttpResponse::json(503, "").with_retry_after(4)),
            Some(HttpResponse::json(200, quick)),
        ],
    );
    let (host, _mounted) = mount(&fake);
    until("the busy notice", || {
        find(&host, "#fl-wait-notice").is_some()
    })
    .await;
    let shed_at = browser::mono_now_ms();
    assert_eq!(text_of(&host, "#fl-wait-notice"), en(Msg::ErrorBusy));
    assert_eq!(fake.count(Method::Get, STATE_PATH), 2);
    // Past the floor and the whole ordinary window, short of the Retry-After: no poll.
    pause(3_000).await;
    assert_eq!(
        fake.count(Method::Get, STATE_PATH),
        2,
        "polled again before Retry-After"
    );
    // And it does come back once the Retry-After has passed; the place is still shown.
    until("the poll after Retry-After", || {
        fake.count(Method::Get, STATE_PATH) == 3
    })
    .await;
    assert!(browser::mono_now_ms() - shed_at >= 3_900.0);
    until("the notice to clear", || {
        find(&host, "#fl-wait-notice").is_none()
    })
    .await;
    assert!(find(&host, "#fl-rank").is_some());
}

#[wasm_bindgen_test]
async fn your_turn_admits_changes_the_title_and_opens_the_choice() {
    holding_ticket(QueuePlace::Ranked { rank: 3 });
    let fake = fake_server();
    serve_state(&fake, &state(true, 10, false, true));
    fake.json(
        Method::Post,
        "/v1/campaigns/kr-covid19-2021-07/queue/admit",
        200,
        &serde_json::to_string(&admission()).unwrap(),
    );
    fake.json(
        Method::Get,
        "/v1/campaigns/kr-covid19-2021-07/sites",
        200,
        "[]",
    );
    let (host, _mounted) = mount(&fake);
    until("the choose step", || {
        text_of(&host, "#fl-step-heading") == en(Msg::ChooseHeading)
    })
    .await;
    assert_eq!(document().title(), en(Msg::TitleYourTurn));
    assert_eq!(stored().unwrap().step.kind(), StepKind::Choose);
    assert!(text_of(&host, "#fl-time-limit").contains("Time left to book"));
}

#[wasm_bindgen_test]
async fn choosing_disables_full_times_and_books_once_with_an_idempotency_key() {
    clear_storage();
    save(&Journey {
        step: Step::Choose {
            admission: admission(),
        },
        person: Some(kim()),
        ..Journey::default()
    });
    let fake = fake_server();
    fake.json(
        Method::Get,
        "/v1/campaigns/kr-covid19-2021-07/sites",
        200,
        r#"[{"id":"seoul-gangnam","names":{"ko":"강남","en":"Gangnam-gu Vaccination Centre"},
             "region":{"ko":"서울","en":"Seoul"},"address":{"ko":"주소","en":"426 Hakdong-ro"},
             "days":[{"day":"2021-07-26","remaining":3},{"day":"2021-07-27","remaining":0}]}]"#,
    );
    fake.json(
        Method::Get,
        "/v1/campaigns/kr-covid19-2021-07/sites/seoul-gangnam/days/2021-07-26",
        200,
        r#"{"site_id":"seoul-gangnam","day":"2021-07-26","slots":[
            {"starts_at":"2021-07-26T09:00:00+09:00","ends_at":"2021-07-26T09:30:00+09:00","capacity":40,"remaining":0},
            {"starts_at":"2021-07-26T09:30:00+09:00","ends_at":"2021-07-26T10:00:00+09:00","capacity":40,"remaining":3}]}"#,
    );
    let receipt = BookingReceipt {
        booking: Booking {
            reference: "FL-7K3M-Q9XD".into(),
            campaign_id: CAMPAIGN_ID.into(),
            site_id: "seoul-gangnam".into(),
            starts_at: datetime!(2021-07-26 09:30 +09:00),
            ends_at: datetime!(2021-07-26 10:00 +09:00),
            admission_id: "a-1".into(),
            status: BookingStatus::Confirmed,
            created_at: datetime!(2021-07-12 20:02 +09:00),
        },
        secret: "s3cret".into(),
    };
    let book_path = "/v1/campaigns/kr-covid19-2021-07/bookings";
    fake.on(
        Method::Post,
        book_path,
        vec![
            None,
            Some(HttpResponse::json(
                201,
                serde_json::to_string(&receipt).unwrap(),
            )),
        ],
    );
    let (host, _mounted) = mount(&fake);
    until("regions", || find(&host, "#fl-region-0").is_some()).await;
    find(&host, "#fl-region-0").unwrap().click();
    until("centres", || {
        find(&host, "#fl-centre-seoul-gangnam").is_some()
    })
    .await;
    find(&host, "#fl-centre-seoul-gangnam").unwrap().click();
    until("days", || find(&host, "#fl-day-2021-07-26").is_some()).await;
    let full_day: web_sys::HtmlInputElement =
        find(&host, "#fl-day-2021-07-27").unwrap().unchecked_into();
    assert!(full_day.disabled());
    find(&host, "#fl-day-2021-07-26").unwrap().click();
    until("times", || {
        host.query_selector_all(".fl-times input").unwrap().length() == 2
    })
    .await;
    let times = host.query_selector_all(".fl-times input").unwrap();
    let first: web_sys::HtmlInputElement = times.item(0).unwrap().unchecked_into();
    let second: web_sys::HtmlInputElement = times.item(1).unwrap().unchecked_into();
    assert!(first.disabled(), "a full time cannot be chosen");
    assert!(!second.disabled());
    assert!(text_of(&host, ".fl-times").contains(en(Msg::Full)));
    second.click();
    until("the book button", || {
        !find(&host, "#fl-book")
            .unwrap()
            .unchecked_into::<web_sys::HtmlButtonElement>()
            .disabled()
    })
    .await;
    // The first attempt gets no answer; the retry goes out with the same key.
    find(&host, "#fl-book").unwrap().click();
    until("the retry message", || {
        text_of(&host, "#fl-book-message") == en(Msg::BookingRetry)
    })
    .await;
    find(&host, "#fl-book").unwrap().click();
    until("the reference", || find(&host, "#fl-reference").is_some()).await;
    assert_eq!(text_of(&host, "#fl-reference"), "FL-7K3M-Q9XD");
    let keys: Vec<String> = fake
        .requests()
        .into_iter()
        .filter(|r| r.path == book_path)
        .map(|r| {
            r.headers
                .iter()
                .find(|(name, _)| name == "Idempotency-Key")
                .map(|(_, value)| value.clone())
                .unwrap()
        })
        .collect();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0], keys[1]);
    let auth = fake
        .requests()
        .into_iter()
        .find(|r| r.path == book_path)
        .unwrap()
        .headers
        .into_iter()
        .find(|(name, _)| name == "Authorization")
        .unwrap()
        .1;
    assert!(auth.starts_with("Bearer "));
    let kept = stored().unwrap();
    assert_eq!(kept.pending_booking, None);
    assert_eq!(kept.person, None, "the details are not kept once booked");
    assert_eq!(kept.step.kind(), StepKind::Done);
}

#[wasm_bindgen_test]
async fn a_record_of_another_version_or_the_old_format_is_dropped_and_the_journey_starts_afresh() {
    clear_storage();
    let mut newer = Journey {
        step: Step::Wait {
            ticket: ticket(QueuePlace::Ranked { rank: 3 }),
        },
        ..Journey::default()
    }
    .to_record()
    .unwrap();
    newer.v = 99;
    browser::store(&record_key(CAMPAIGN_ID), &newer);
    // An earlier widget's entry (the hand-made admission form) is removed, never read.
    window()
        .local_storage()
        .unwrap()
        .unwrap()
        .set_item(
            &format!("fairline:{CAMPAIGN_ID}:admission"),
            "1:not-a-token",
        )
        .unwrap();
    let fake = fake_server();
    let (host, _mounted) = mount(&fake);
    until("the form", || find(&host, "#fl-name").is_some()).await;
    assert_eq!(text_of(&host, "#fl-step-heading"), en(Msg::CheckHeading));
    let storage = window().local_storage().unwrap().unwrap();
    assert_eq!(
        storage
            .get_item(&format!("fairline:{CAMPAIGN_ID}:admission"))
            .unwrap(),
        None
    );
}

/// The digits of `text` (`1,234명` and `1,234 people` both give `1234`).
fn digits(text: &str) -> String {
    text.chars().filter(char::is_ascii_digit).collect()
}

fn click(host: &web_sys::HtmlElement, selector: &str) {
    find(host, selector)
        .unwrap_or_else(|| panic!("no {selector}"))
        .click();
}

#[wasm_bindgen_test]
async fn switching_language_while_waiting_keeps_the_rank_and_the_numbers() {
    clear_storage();
    holding_ticket(QueuePlace::PreQueue { index: 7 });
    let fake = fake_server();
    serve_state(&fake, &state(true, 10, false, true));
    let (host, _mounted) = mount_in(&fake, Locale::Ko);
    until("the rank", || find(&host, "#fl-rank").is_some()).await;
    let widget = find(&host, ".fl-widget").unwrap();
    assert_eq!(widget.get_attribute("lang").as_deref(), Some("ko"));
    assert_eq!(
        text_of(&host, "#fl-step-heading"),
        Msg::WaitHeading.get(Locale::Ko)
    );
    let (rank, ahead) = (text_of(&host, "#fl-rank"), text_of(&host, "#fl-ahead"));
    assert!(ahead.ends_with('명'), "{ahead}");
    let estimate = text_of(&host, "#fl-estimate");
    assert!(estimate.starts_with("약 "), "{estimate}");
    let polls = fake.count(Method::Get, STATE_PATH);

    click(&host, "button[lang=en]");
    until("English", || {
        text_of(&host, "#fl-step-heading") == en(Msg::WaitHeading)
    })
    .await;
    pause(300).await;
    assert_eq!(widget.get_attribute("lang").as_deref(), Some("en"));
    assert_eq!(digits(&text_of(&host, "#fl-rank")), digits(&rank));
    assert_eq!(digits(&text_of(&host, "#fl-ahead")), digits(&ahead));
    let english = text_of(&host, "#fl-estimate");
    assert!(english.starts_with("about "), "{english}");
    let range = |text: &str| digits(text.split(['(', '（']).next().unwrap_or(""));
    assert_eq!(range(&english), range(&estimate), "{english} / {estimate}");
    assert_eq!(
        fake.count(Method::Get, STATE_PATH),
        polls,
        "a switch asks the server nothing"
    );
    let button = find(&host, "button[lang=en]").unwrap();
    assert_eq!(
        button.get_attribute("aria-pressed").as_deref(),
        Some("true")
    );
    let saved = window().local_storage().unwrap().unwrap();
    assert_eq!(
        saved.get_item("fairline:locale").unwrap().as_deref(),
        Some("en")
    );
    clear_storage();
}

#[wasm_bindgen_test]
async fn switching_language_keeps_the_typed_details_and_the_step() {
    clear_storage();
    let fake = fake_server();
    let (host, _mounted) = mount_in(&fake, Locale::En);
    until("the form", || find(&host, "#fl-name").is_some()).await;
    type_into(&host, "#fl-name", "Kim Minji");
    type_into(&host, "#fl-birth-date", "1964-03-15");
    click(&host, "button[lang=ko]");
    until("Korean", || {
        text_of(&host, "#fl-step-heading") == Msg::CheckHeading.get(Locale::Ko)
    })
    .await;
    let name: web_sys::HtmlInputElement = find(&host, "#fl-name").unwrap().unchecked_into();
    assert_eq!(name.value(), "Kim Minji");
    let born: web_sys::HtmlInputElement = find(&host, "#fl-birth-date").unwrap().unchecked_into();
    assert_eq!(born.value(), "1964-03-15");
    assert_eq!(text_of(&host, "h1"), campaign().names.ko);
    clear_storage();
}
