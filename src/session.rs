//! What every step shares: the API client, the campaign, the server clock, the current step,
//! the one live region's message, and what the widget keeps in local storage.

use core::time::Duration;

use fairline_core::{
    booking::BookingReceipt,
    campaign::Campaign,
    clock::{check_skew, ClockSample, ClockSkew, ServerClock, SKEW_THRESHOLD},
    person::PersonInput,
    token,
    wire::{from_unix_ms, unix_ms, AdmissionClaims, AdmitResponse, Signed, TicketClaims},
};
use leptos::prelude::*;
use time::OffsetDateTime;

use crate::api::ApiClient;
use crate::browser;

/// Where the citizen is in the journey.
#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Entering details and learning the verdict.
    Check,
    /// In the queue with this ticket.
    Wait {
        /// The signed ticket.
        ticket: Signed<TicketClaims>,
    },
    /// Admitted: choosing a place and time.
    Choose {
        /// The admission (and extensions left).
        admission: AdmitResponse,
    },
    /// Booked.
    Done {
        /// The receipt.
        receipt: BookingReceipt,
    },
}

/// Local-storage entries, per campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    /// The ticket token.
    Ticket,
    /// The admission token and extensions left (`{extensions_left}:{token}`).
    Admission,
    /// The declared person (needed to book).
    Person,
    /// The booking receipt (JSON).
    Receipt,
    /// An unconfirmed booking attempt: its idempotency key and request (JSON).
    PendingBooking,
    /// People ahead when the waiter first learned their place.
    FirstAhead,
}

impl Saved {
    fn name(self) -> &'static str {
        match self {
            Saved::Ticket => "ticket",
            Saved::Admission => "admission",
            Saved::Person => "person",
            Saved::Receipt => "receipt",
            Saved::PendingBooking => "pending-booking",
            Saved::FirstAhead => "first-ahead",
        }
    }
}

/// The shared state of one mounted widget (cheap to clone: handles and one client).
#[derive(Debug, Clone)]
pub struct Session {
    /// The API client.
    pub api: ApiClient,
    /// The campaign (reloaded when its `rules_version` changes).
    pub campaign: RwSignal<Campaign>,
    /// Server clock samples.
    pub clock: RwSignal<ServerClock>,
    /// Monotonic milliseconds, refreshed every second (read it to re-render with time).
    pub tick: RwSignal<f64>,
    /// The current step.
    pub step: RwSignal<Step>,
    /// The live region's message.
    pub announcement: RwSignal<String>,
    /// The device clock's disagreement with the server, once measured.
    pub skew: RwSignal<Option<ClockSkew>>,
    /// The service runs a rehearsal clock, so every device clock differs from it.
    pub rehearsal: RwSignal<bool>,
}

impl Session {
    /// A session for `campaign` over `api`, at the step restored from storage.
    pub fn new(api: ApiClient, campaign: Campaign) -> Self {
        let step = restore_step(&campaign.id);
        Self {
            api,
            campaign: RwSignal::new(campaign),
            clock: RwSignal::new(ServerClock::new()),
            tick: RwSignal::new(browser::mono_now_ms()),
            step: RwSignal::new(step),
            announcement: RwSignal::new(String::new()),
            skew: RwSignal::new(None),
            rehearsal: RwSignal::new(false),
        }
    }

    /// The campaign id.
    pub fn campaign_id(&self) -> String {
        self.campaign.with_untracked(|c| c.id.clone())
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
        let resolution = if server.nanosecond() == 0 {
            1000.0
        } else {
            1.0
        };
        self.add_sample(ClockSample {
            sent_mono_ms,
            received_mono_ms,
            server_ms: unix_ms(server),
            server_resolution_ms: resolution,
        });
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
        let offset = self.clock.with_untracked(ServerClock::offset);
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
    pub fn announce(&self, message: impl Into<String>) {
        let message = message.into();
        let same = self.announcement.with_untracked(|m| *m == message);
        if same {
            self.announcement.set(format!("{message}\u{00a0}"));
        } else {
            self.announcement.set(message);
        }
    }

    /// Reads a saved entry.
    pub fn load(&self, entry: Saved) -> Option<String> {
        browser::load(&key(&self.campaign_id(), entry))
    }

    /// Saves an entry.
    pub fn save(&self, entry: Saved, value: &str) {
        browser::store(&key(&self.campaign_id(), entry), value);
    }

    /// Forgets an entry.
    pub fn forget(&self, entry: Saved) {
        browser::forget(&key(&self.campaign_id(), entry));
    }

    /// The declared person, as saved when joining.
    pub fn person(&self) -> Option<PersonInput> {
        serde_json::from_str(&self.load(Saved::Person)?).ok()
    }

    /// Saves an admission and moves to the choose step.
    pub fn admitted(&self, admission: AdmitResponse) {
        self.save(Saved::Admission, &admission_entry(&admission));
        self.step.set(Step::Choose { admission });
    }
}

/// Runs `task` under `owner`, cancelled when `owner` is cleaned up (not when the reactive block
/// that happened to start it re-renders).
pub fn spawn_owned(owner: &Owner, task: impl core::future::Future<Output = ()> + 'static) {
    owner.with(|| leptos::task::spawn_local_scoped_with_cancellation(task));
}

/// The storage key of `entry` for `campaign_id`.
pub fn key(campaign_id: &str, entry: Saved) -> String {
    format!("fairline:{campaign_id}:{}", entry.name())
}

/// `{extensions_left}:{token}`.
pub fn admission_entry(admission: &AdmitResponse) -> String {
    format!(
        "{}:{}",
        admission.extensions_left,
        token::encode(&admission.admission)
    )
}

/// Reads an admission entry back.
pub fn parse_admission_entry(entry: &str) -> Option<AdmitResponse> {
    let (left, token) = entry.split_once(':')?;
    Some(AdmitResponse {
        extensions_left: left.parse().ok()?,
        admission: token::decode::<AdmissionClaims>(token).ok()?,
    })
}

/// The step a returning citizen resumes at: booked, admitted, queued, or at the start.
pub fn restore_step(campaign_id: &str) -> Step {
    let load = |entry| browser::load(&key(campaign_id, entry));
    if let Some(receipt) = load(Saved::Receipt).and_then(|r| serde_json::from_str(&r).ok()) {
        return Step::Done { receipt };
    }
    if let Some(admission) = load(Saved::Admission).and_then(|a| parse_admission_entry(&a)) {
        return Step::Choose { admission };
    }
    if let Some(ticket) = load(Saved::Ticket).and_then(|t| token::decode(&t).ok()) {
        return Step::Wait { ticket };
    }
    Step::Check
}

/// Takes three clock samples from `/v1/health` at the start.
pub async fn sample_clock(session: Session) {
    for _ in 0..3 {
        let sent = browser::mono_now_ms();
        match session.api.health().await {
            Ok(health) => {
                let received = browser::mono_now_ms();
                session.rehearsal.set(health.rehearsal);
                if let Some(server_time) = health.server_time {
                    session.add_clock_sample(sent, received, server_time);
                }
            }
            Err(_) => break,
        }
        browser::sleep(Some(Duration::from_millis(300)), &browser::Waker::new()).await;
    }
}
