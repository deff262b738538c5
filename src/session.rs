//! What every step shares: the API client, the campaign, the server clock, the live region, and
//! the journey — changed only through this module's transition methods, each of which updates
//! the step on screen and the one stored record together.

use core::time::Duration;
use std::sync::Arc;

use fairline_core::{
    booking::{Booking, BookingReceipt, BookingRequest},
    campaign::Campaign,
    clock::{check_skew, ClockSample, ClockSkew, ServerClock, SKEW_THRESHOLD},
    person::PersonInput,
    token,
    wire::{from_unix_ms, unix_ms, AdmitResponse, Signed, TicketClaims},
    write,
};
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::api::ApiClient;
use crate::browser;
use crate::choice::Choice;
use crate::host_events::{use_host_events, HostEvent, HostEvents};
use crate::i18n::{use_i18n, I18n, Msg};
pub use crate::journey::{Journey, PendingBooking, Step, StepKind, Transition};

/// The storage key of the journey record for `campaign_id`.
pub fn record_key(campaign_id: &str) -> String {
    format!("fairline:{campaign_id}:journey")
}

/// Entries an earlier widget kept per campaign (one per fact); removed on start.
const LEGACY_ENTRIES: [&str; 6] = [
    "ticket",
    "admission",
    "person",
    "receipt",
    "pending-booking",
    "first-ahead",
];

/// The journey stored for `campaign_id` (a missing, older or damaged record starts afresh).
pub fn restore_journey(campaign_id: &str) -> Journey {
    for entry in LEGACY_ENTRIES {
        browser::forget(&format!("fairline:{campaign_id}:{entry}"));
    }
    browser::load(&record_key(campaign_id))
        .and_then(Journey::from_record)
        .unwrap_or_default()
}

/// A read-only, copyable handle on the session's journey.
#[derive(Debug, Clone, Copy)]
pub struct JourneyView(RwSignal<Journey>);

impl JourneyView {
    /// Reads the journey, tracking it.
    pub fn with<T>(&self, read: impl FnOnce(&Journey) -> T) -> T {
        self.0.with(read)
    }

    /// Reads the journey without tracking it.
    pub fn with_untracked<T>(&self, read: impl FnOnce(&Journey) -> T) -> T {
        self.0.with_untracked(read)
    }
}

/// The shared state of one mounted widget (cheap to clone: handles and one client).
#[derive(Debug, Clone)]
pub struct Session {
    /// The API client.
    pub api: ApiClient,
    /// The campaign (reloaded by [`Session::reload_rules_if_changed`]), shared, never copied.
    pub campaign: RwSignal<Arc<Campaign>>,
    /// Server clock samples (server time: the rehearsed time during a rehearsal).
    pub clock: RwSignal<ServerClock>,
    /// Samples of the server machine's real clock (`/v1/health`'s `real_time`). The device clock
    /// is checked against these once there are any, since a rehearsal shifts server time on
    /// purpose; queue timing keeps using [`Session::clock`].
    pub real_clock: RwSignal<ServerClock>,
    /// Monotonic milliseconds, refreshed every second (read it to re-render with time).
    pub tick: RwSignal<f64>,
    /// The live region's message.
    pub announcement: RwSignal<String>,
    /// The device clock's disagreement with the server, once measured.
    pub skew: RwSignal<Option<ClockSkew>>,
    /// The service runs a rehearsal clock, so every device clock differs from it.
    pub rehearsal: RwSignal<bool>,
    /// The details as typed so far (kept across views; stored only once the citizen joins).
    pub details: RwSignal<PersonInput>,
    /// The place and time being chosen.
    pub choice: RwSignal<Choice>,
    /// The rules were reloaded during this visit.
    pub rules_reloaded: RwSignal<bool>,
    /// The language the widget speaks.
    pub i18n: I18n,
    /// What the host page is told (admitted, booked, cancelled, the place, errors).
    pub events: HostEvents,
    journey: RwSignal<Journey>,
    step_kind: Memo<StepKind>,
}

impl Session {
    /// A session for `campaign` over `api`, at the journey restored from storage.
    pub fn new(api: ApiClient, campaign: Arc<Campaign>) -> Self {
        let journey = restore_journey(&campaign.id);
        let details = journey.person.clone().unwrap_or_default();
        let journey = RwSignal::new(journey);
        Self {
            api,
            campaign: RwSignal::new(campaign),
            clock: RwSignal::new(ServerClock::new()),
            real_clock: RwSignal::new(ServerClock::new()),
            tick: RwSignal::new(browser::mono_now_ms()),
            announcement: RwSignal::new(String::new()),
            skew: RwSignal::new(None),
            rehearsal: RwSignal::new(false),
            details: RwSignal::new(details),
            choice: RwSignal::new(Choice::default()),
            rules_reloaded: RwSignal::new(false),
            i18n: use_i18n(),
            events: use_host_events(),
            journey,
            step_kind: Memo::new(move |_| journey.with(|j| j.step.kind())),
        }
    }

    /// The journey, to read (change it through the transition methods).
    pub fn journey(&self) -> JourneyView {
        JourneyView(self.journey)
    }

    /// Which step is on screen (changes only when the step itself changes).
    pub fn step_kind(&self) -> Memo<StepKind> {
        self.step_kind
    }

    /// The campaign id.
    pub fn campaign_id(&self) -> String {
        self.campaign.with_untracked(|c| c.id.clone())
    }

    /// Applies `transition` to the journey and stores the result (or removes the record when
    /// nothing is worth keeping). With [`Session::booking_attempt`], the only place the journey
    /// changes or is stored.
    fn commit(&self, transition: Transition) {
        let event = match &transition {
            Transition::Admitted(_) => Some(HostEvent::Admitted),
            Transition::Booked(receipt) => Some(HostEvent::Booked {
                reference: receipt.booking.reference.clone(),
            }),
            Transition::Cancelled(booking) => Some(HostEvent::Cancelled {
                reference: booking.reference.clone(),
            }),
            _ => None,
        };
        self.journey.update(|j| j.apply(transition));
        self.store();
        if let Some(event) = event {
            self.events.send(&event);
        }
    }

    fn store(&self) {
        let key = record_key(&self.campaign_id());
        match self.journey.with_untracked(Journey::to_record) {
            Some(record) => browser::store(&key, &record),
            None => browser::forget(&key),
        }
    }

    /// Joined the queue as `person` with `ticket`: on to the wait step.
    pub fn joined(&self, person: PersonInput, ticket: Signed<TicketClaims>) {
        self.commit(Transition::Joined(person, ticket));
    }

    /// Learned the people ahead; the first number is kept for the progress bar.
    pub fn saw_ahead(&self, ahead: u64) {
        let first = self.journey.with_untracked(|j| j.first_ahead.is_none());
        if first {
            self.commit(Transition::SawAhead(ahead));
        }
    }

    /// Admitted: on to the choose step.
    pub fn admitted(&self, admission: AdmitResponse) {
        self.commit(Transition::Admitted(admission));
    }

    /// The admission was extended.
    pub fn extended(&self, admission: AdmitResponse) {
        self.commit(Transition::Extended(admission));
    }

    /// No extension is left.
    pub fn no_extensions_left(&self) {
        self.commit(Transition::NoExtensionsLeft);
    }

    /// Records a booking attempt of `request` (reusing the pending key for the same request).
    pub fn booking_attempt(&self, request: BookingRequest) -> PendingBooking {
        let mut attempt = None;
        self.journey.update(|j| {
            attempt = Some(j.booking_attempt(request, || {
                browser::new_idempotency_key(&mut browser::BrowserRandom)
            }));
        });
        self.store();
        attempt.expect("the journey lives as long as the session")
    }

    /// The chosen slot was full: the attempt is over and the time must be chosen again.
    pub fn slot_full(&self) {
        self.commit(Transition::SlotFull);
        self.choice.update(Choice::slot_full);
    }

    /// Booked: on to the receipt.
    pub fn booked(&self, receipt: BookingReceipt) {
        self.commit(Transition::Booked(receipt));
    }

    /// The booking was cancelled.
    pub fn cancelled(&self, booking: Booking) {
        self.commit(Transition::Cancelled(booking));
    }

    /// The admission token to book or extend with, while choosing.
    pub fn admission_token(&self) -> Option<String> {
        self.journey.with_untracked(|j| {
            j.admission()
                .map(|a| token::encode_json(&write::to_json(&a.admission)))
        })
    }

    /// Reloads the campaign when the server's `rules_version` differs from the one held (the
    /// check and wait steps both learn it); true when the rules were reloaded.
    pub async fn reload_rules_if_changed(&self, rules_version: &str) -> bool {
        if rules_version.is_empty() {
            return false;
        }
        let stale = self
            .campaign
            .with_untracked(|c| c.rules_version != rules_version);
        if !stale {
            return false;
        }
        match self.api.campaign(&self.campaign_id()).await {
            Ok(fresh) => {
                self.campaign.set(Arc::new(fresh));
                self.rules_reloaded.set(true);
                true
            }
            Err(_) => false,
        }
    }

    /// Server Unix milliseconds now, once the clock has a sample (not reactive).
    pub fn server_now_ms(&self) -> Option<i64> {
        self.clock
            .with_untracked(|clock| clock.server_now_ms(browser::mono_now_ms()))
    }

    /// Server time now, re-evaluated every tick when read reactively.
    pub fn server_now(&self) -> Option<OffsetDateTime> {
        let mono = self.tick.get();
        self.clock
            .with(|clock| clock.server_now_ms(mono.max(browser::mono_now_ms())))
            .and_then(from_unix_ms)
    }

    /// Records a clock sample and re-checks the device clock.
    pub fn add_clock_sample(
        &self,
        sent_mono_ms: f64,
        received_mono_ms: f64,
        server: OffsetDateTime,
    ) {
        self.add_sample(round_trip_sample(sent_mono_ms, received_mono_ms, server));
    }

    /// Records a sample of the server machine's real clock and re-checks the device clock
    /// against it.
    pub fn add_real_clock_sample(
        &self,
        sent_mono_ms: f64,
        received_mono_ms: f64,
        real: OffsetDateTime,
    ) {
        let sample = round_trip_sample(sent_mono_ms, received_mono_ms, real);
        self.real_clock.update(|clock| clock.add(sample));
        self.check_device_clock();
    }

    /// Records a sample of a possibly cached document (`age_allowance_ms` of staleness).
    pub fn add_stale_clock_sample(
        &self,
        received_mono_ms: f64,
        server: OffsetDateTime,
        age_allowance_ms: f64,
    ) {
        self.add_sample(ClockSample {
            sent_mono_ms: received_mono_ms,
            received_mono_ms,
            server_ms: unix_ms(server),
            server_resolution_ms: age_allowance_ms,
        });
    }

    fn add_sample(&self, sample: ClockSample) {
        self.clock.update(|clock| clock.add(sample));
        self.check_device_clock();
    }

    /// Compares the device clock with the server's real clock when it has been sampled, else with
    /// server time.
    fn check_device_clock(&self) {
        // In a rehearsal the server's clock is the rehearsed one: the device is compared with
        // the real clock only, never with that.
        let rehearsal = self.rehearsal.get_untracked();
        let offset = self
            .real_clock
            .with_untracked(ServerClock::offset)
            .or_else(|| {
                (!rehearsal)
                    .then(|| self.clock.with_untracked(ServerClock::offset))
                    .flatten()
            });
        if let Some(offset) = offset {
            let skew = check_skew(
                &offset,
                browser::mono_now_ms(),
                browser::device_wall_ms(),
                SKEW_THRESHOLD,
            );
            self.skew.set(Some(skew));
        }
    }

    /// Puts `message` in the live region (re-announced even when it repeats).
    pub fn say(&self, msg: Msg) {
        self.announce(msg.get(self.i18n.now()));
    }

    /// Puts `message` in the live region (said again even when it repeats).
    pub fn announce(&self, message: impl Into<String>) {
        let message = message.into();
        let same = self.announcement.with_untracked(|m| *m == message);
        if same {
            self.announcement.set(format!("{message}\u{00a0}"));
        } else {
            self.announcement.set(message);
        }
    }
}

/// One round trip's sample of the clock that stamped `at`.
fn round_trip_sample(sent_mono_ms: f64, received_mono_ms: f64, at: OffsetDateTime) -> ClockSample {
    let resolution = if at.nanosecond() == 0 { 1000.0 } else { 1.0 };
    ClockSample {
        sent_mono_ms,
        received_mono_ms,
        server_ms: unix_ms(at),
        server_resolution_ms: resolution,
    }
}

/// Takes three clock samples from `/v1/health` at the start.
pub async fn sample_clock(session: Session) {
    // After the first screen is drawn: the clock check never holds it up.
    browser::sleep(Some(Duration::from_millis(400)), &browser::Waker::new()).await;
    for _ in 0..3 {
        let sent = browser::mono_now_ms();
        match session.api.health().await {
            Ok(health) => {
                let received = browser::mono_now_ms();
                session.rehearsal.set(health.rehearsal);
                // The real clock first, so the device is never checked against a rehearsed time.
                if let Some(real) = health.real_time {
                    session.add_real_clock_sample(sent, received, real);
                }
                session.add_clock_sample(sent, received, health.server_time);
            }
            Err(_) => break,
        }
        browser::sleep(Some(Duration::from_millis(300)), &browser::Waker::new()).await;
    }
}

/// Runs `task` under `owner`, cancelled when `owner` is cleaned up (not when the reactive block
/// that happened to start it re-renders).
pub fn spawn_owned(owner: &Owner, task: impl core::future::Future<Output = ()> + 'static) {
    owner.with(|| crate::erased::spawn(Box::pin(task)));
}
