//! The journey state machine on plain types: where a citizen is (check → wait → choose → done),
//! what the device keeps for it, and the one versioned record per campaign it is stored as.
//!
//! Every transition is a method here; [`crate::session::Session`] calls them and writes the
//! record in the same breath, so the step on screen and the record in storage never disagree.
//! A view (a language, a mode) only reads this state, so switching views never loses the place,
//! the admission or the booking attempt.

use fairline_core::{
    booking::{Booking, BookingReceipt, BookingRequest, BookingStatus},
    person::PersonInput,
    read::{FromJson, Json, Members, ReadError},
    wire::{AdmitResponse, Signed, TicketClaims},
    write::{Object, ToJson},
};

/// The version of the stored record. A record of any other version is dropped, never read.
pub const RECORD_VERSION: u32 = 1;

/// Where the citizen is in the journey.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Step {
    /// Entering details and learning the verdict.
    #[default]
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
    /// Booked (or, after a cancel in this visit, cancelled).
    Done {
        /// The receipt.
        receipt: BookingReceipt,
    },
}

/// Which step, without its data: what decides which screen is mounted (so a new admission
/// after an extension re-renders the timer, not the whole step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    /// [`Step::Check`].
    Check,
    /// [`Step::Wait`].
    Wait,
    /// [`Step::Choose`].
    Choose,
    /// [`Step::Done`].
    Done,
}

impl StepKind {
    /// The step's name for the host page (`fairline:step`'s `step`).
    pub fn tag(self) -> &'static str {
        match self {
            StepKind::Check => "check",
            StepKind::Wait => "wait",
            StepKind::Choose => "choose",
            StepKind::Done => "done",
        }
    }
}

impl Step {
    /// The step's kind.
    pub fn kind(&self) -> StepKind {
        match self {
            Step::Check => StepKind::Check,
            Step::Wait { .. } => StepKind::Wait,
            Step::Choose { .. } => StepKind::Choose,
            Step::Done { .. } => StepKind::Done,
        }
    }
}

/// A booking attempt not yet confirmed: its key is reused for the same request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingBooking {
    /// The idempotency key.
    pub key: String,
    /// The request it was first sent with.
    pub request: BookingRequest,
}

/// The key to send `request` with: the pending one when it is the same request, else `fresh`.
pub fn idempotency_key_for(
    pending: Option<&PendingBooking>,
    request: &BookingRequest,
    fresh: impl FnOnce() -> String,
) -> PendingBooking {
    match pending {
        Some(pending) if pending.request == *request => pending.clone(),
        _ => PendingBooking {
            key: fresh(),
            request: request.clone(),
        },
    }
}

/// A change of the journey: what the session applies (and stores) in one place.
#[derive(Debug, Clone, PartialEq)]
pub enum Transition {
    /// [`Journey::joined`].
    Joined(PersonInput, Signed<TicketClaims>),
    /// [`Journey::saw_ahead`].
    SawAhead(u64),
    /// [`Journey::admitted`].
    Admitted(AdmitResponse),
    /// [`Journey::extended`].
    Extended(AdmitResponse),
    /// [`Journey::no_extensions_left`].
    NoExtensionsLeft,
    /// [`Journey::slot_full`].
    SlotFull,
    /// [`Journey::booked`].
    Booked(BookingReceipt),
    /// [`Journey::cancelled`].
    Cancelled(Booking),
}

/// Everything the device keeps about one campaign's journey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Journey {
    /// The step.
    pub step: Step,
    /// The declared person, kept from the join until the booking (needed to book).
    pub person: Option<PersonInput>,
    /// People ahead when the waiter first learned their place (for the progress bar).
    pub first_ahead: Option<u64>,
    /// An unconfirmed booking attempt.
    pub pending_booking: Option<PendingBooking>,
}

/// The stored record: one flat, versioned JSON object (the step's data in its own field), written
/// and read by core's writers and readers ([`fairline_core::write`], [`fairline_core::read`]),
/// like the API's bodies. Every member may be missing (then it is its default).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// [`RECORD_VERSION`] when written by this build (0 when missing: never read).
    pub v: u32,
    /// The ticket, while waiting.
    pub ticket: Option<Signed<TicketClaims>>,
    /// The admission, while choosing.
    pub admission: Option<AdmitResponse>,
    /// The receipt, once booked.
    pub receipt: Option<BookingReceipt>,
    /// The declared person.
    pub person: Option<PersonInput>,
    /// People ahead when first told.
    pub first_ahead: Option<u64>,
    /// An unconfirmed booking attempt.
    pub pending_booking: Option<PendingBooking>,
}

impl ToJson for PendingBooking {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("key", &self.key)
            .member("request", &self.request)
            .end();
    }
}

impl ToJson for Record {
    /// Members without a value are left out.
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("v", &self.v)
            .some("ticket", &self.ticket)
            .some("admission", &self.admission)
            .some("receipt", &self.receipt)
            .some("person", &self.person)
            .some("first_ahead", &self.first_ahead)
            .some("pending_booking", &self.pending_booking)
            .end();
    }
}

impl FromJson for PendingBooking {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        Ok(Self {
            key: m.req("key")?,
            request: m.req("request")?,
        })
    }
}

impl FromJson for Record {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        Ok(Self {
            v: m.or_default("v")?,
            ticket: m.opt("ticket")?,
            admission: m.opt("admission")?,
            receipt: m.opt("receipt")?,
            person: m.opt("person")?,
            first_ahead: m.opt("first_ahead")?,
            pending_booking: m.opt("pending_booking")?,
        })
    }
}

impl Journey {
    /// The record to store, or `None` when there is nothing worth keeping (at the start, or
    /// after a cancel): then the entry is removed.
    pub fn to_record(&self) -> Option<Record> {
        let cancelled = matches!(
            &self.step,
            Step::Done { receipt } if receipt.booking.status == BookingStatus::Cancelled
        );
        let empty = matches!(self.step, Step::Check) && self.person.is_none();
        if cancelled || empty {
            return None;
        }
        let mut record = Record {
            v: RECORD_VERSION,
            person: self.person.clone(),
            first_ahead: self.first_ahead,
            pending_booking: self.pending_booking.clone(),
            ..Record::default()
        };
        match &self.step {
            Step::Check => {}
            Step::Wait { ticket } => record.ticket = Some(ticket.clone()),
            Step::Choose { admission } => record.admission = Some(admission.clone()),
            Step::Done { receipt } => record.receipt = Some(receipt.clone()),
        }
        Some(record)
    }

    /// The journey in a stored record; a record of another version is dropped (as is anything
    /// that does not read as a record at all: the caller gets no record then).
    pub fn from_record(record: Record) -> Option<Self> {
        if record.v != RECORD_VERSION {
            return None;
        }
        let step = match (record.receipt, record.admission, record.ticket) {
            (Some(receipt), _, _) => Step::Done { receipt },
            (None, Some(admission), _) => Step::Choose { admission },
            (None, None, Some(ticket)) => Step::Wait { ticket },
            (None, None, None) => Step::Check,
        };
        Some(Journey {
            step,
            person: record.person,
            first_ahead: record.first_ahead,
            pending_booking: record.pending_booking,
        })
    }

    /// Applies `transition`.
    pub fn apply(&mut self, transition: Transition) {
        match transition {
            Transition::Joined(person, ticket) => self.joined(person, ticket),
            Transition::SawAhead(ahead) => {
                self.saw_ahead(ahead);
            }
            Transition::Admitted(admission) => self.admitted(admission),
            Transition::Extended(admission) => self.extended(admission),
            Transition::NoExtensionsLeft => self.no_extensions_left(),
            Transition::SlotFull => self.slot_full(),
            Transition::Booked(receipt) => self.booked(receipt),
            Transition::Cancelled(booking) => self.cancelled(booking),
        }
    }

    /// Joined the queue as `person` with `ticket`.
    pub fn joined(&mut self, person: PersonInput, ticket: Signed<TicketClaims>) {
        *self = Journey {
            step: Step::Wait { ticket },
            person: Some(person),
            first_ahead: None,
            pending_booking: None,
        };
    }

    /// Learned the number of people ahead; true when it is the first number (kept for the
    /// progress bar).
    pub fn saw_ahead(&mut self, ahead: u64) -> bool {
        if self.first_ahead.is_some() {
            return false;
        }
        self.first_ahead = Some(ahead);
        true
    }

    /// Admitted: on to choosing.
    pub fn admitted(&mut self, admission: AdmitResponse) {
        self.step = Step::Choose { admission };
    }

    /// The admission was extended (ignored outside the choose step).
    pub fn extended(&mut self, admission: AdmitResponse) {
        if let Step::Choose { admission: current } = &mut self.step {
            *current = admission;
        }
    }

    /// The server says no extension is left.
    pub fn no_extensions_left(&mut self) {
        if let Step::Choose { admission } = &mut self.step {
            admission.extensions_left = 0;
        }
    }

    /// The admission being used, if choosing.
    pub fn admission(&self) -> Option<&AdmitResponse> {
        match &self.step {
            Step::Choose { admission } => Some(admission),
            _ => None,
        }
    }

    /// A booking of `request` is about to be sent: the attempt (and its key) to send it with,
    /// kept until the answer, so a retry of the same request reuses the key.
    pub fn booking_attempt(
        &mut self,
        request: BookingRequest,
        fresh_key: impl FnOnce() -> String,
    ) -> PendingBooking {
        let attempt = idempotency_key_for(self.pending_booking.as_ref(), &request, fresh_key);
        self.pending_booking = Some(attempt.clone());
        attempt
    }

    /// The chosen slot was full: that attempt is over.
    pub fn slot_full(&mut self) {
        self.pending_booking = None;
    }

    /// Booked: only the receipt is kept (the person, ticket and admission are forgotten).
    pub fn booked(&mut self, receipt: BookingReceipt) {
        *self = Journey {
            step: Step::Done { receipt },
            ..Journey::default()
        };
    }

    /// The booking was cancelled: shown as cancelled now, nothing kept for the next visit.
    pub fn cancelled(&mut self, booking: Booking) {
        if let Step::Done { receipt } = &mut self.step {
            receipt.booking = booking;
        }
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use fairline_core::wire::{AdmissionClaims, QueuePlace};
    use time::macros::datetime;

    fn person() -> PersonInput {
        PersonInput {
            name: "Kim Minji".into(),
            birth_date: "1964-03-15".into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: None,
        }
    }

    fn ticket() -> Signed<TicketClaims> {
        Signed {
            claims: TicketClaims {
                key_id: "k".into(),
                ticket_id: "t".into(),
                campaign_id: "c".into(),
                person_key_hash: "00".into(),
                issued_at: datetime!(2021-07-12 10:59:00 UTC),
                place: QueuePlace::PreQueue { index: 7 },
            },
            signature: "00".into(),
        }
    }

    fn admission(left: u32) -> AdmitResponse {
        AdmitResponse {
            admission: Signed {
                claims: AdmissionClaims {
                    key_id: "k".into(),
                    admission_id: "a".into(),
                    ticket_id: "t".into(),
                    campaign_id: "c".into(),
                    person_key_hash: "00".into(),
                    issued_at: datetime!(2021-07-12 11:00:00 UTC),
                    expires_at: datetime!(2021-07-12 11:10:00 UTC),
                    extensions_used: 0,
                },
                signature: "00".into(),
            },
            extensions_left: left,
        }
    }

    fn request(site: &str) -> BookingRequest {
        BookingRequest {
            person: PersonInput::default(),
            site_id: site.into(),
            starts_at: datetime!(2021-07-26 09:00 +09:00),
        }
    }

    fn receipt() -> BookingReceipt {
        BookingReceipt {
            booking: Booking {
                reference: "FL-1".into(),
                campaign_id: "c".into(),
                site_id: "s".into(),
                starts_at: datetime!(2021-07-26 09:00 +09:00),
                ends_at: datetime!(2021-07-26 09:30 +09:00),
                admission_id: "a".into(),
                status: BookingStatus::Confirmed,
                created_at: datetime!(2021-07-12 11:05 UTC),
            },
            secret: "s".into(),
        }
    }

    fn round_trip(journey: &Journey) -> Option<Journey> {
        read(&fairline_core::write::to_json(&journey.to_record()?))
    }

    /// What the session does with stored text: read a record, or drop it.
    fn read(stored: &str) -> Option<Journey> {
        Journey::from_record(fairline_core::read::from_json(stored).ok()?)
    }

    #[test]
    fn a_retry_of_the_same_booking_reuses_its_key_and_a_new_choice_gets_a_new_one() {
        let first = idempotency_key_for(None, &request("a"), || "k1".into());
        assert_eq!(first.key, "k1");
        let retry = idempotency_key_for(Some(&first), &request("a"), || "k2".into());
        assert_eq!(retry.key, "k1");
        let other = idempotency_key_for(Some(&first), &request("b"), || "k3".into());
        assert_eq!(other.key, "k3");
    }

    #[test]
    fn every_step_survives_a_reload_through_the_record() {
        let mut journey = Journey::default();
        assert_eq!(journey.to_record(), None, "nothing to keep at the start");
        journey.joined(person(), ticket());
        assert!(journey.saw_ahead(120));
        assert!(!journey.saw_ahead(80), "the first number is kept");
        assert_eq!(round_trip(&journey), Some(journey.clone()));
        assert_eq!(journey.step.kind(), StepKind::Wait);

        journey.admitted(admission(2));
        journey.extended(admission(1));
        assert_eq!(journey.admission().unwrap().extensions_left, 1);
        journey.no_extensions_left();
        assert_eq!(journey.admission().unwrap().extensions_left, 0);
        let attempt = journey.booking_attempt(request("a"), || "k1".into());
        let reloaded = round_trip(&journey).unwrap();
        assert_eq!(reloaded, journey);
        assert_eq!(reloaded.person, Some(person()));
        let mut reloaded = reloaded;
        let retry = reloaded.booking_attempt(request("a"), || "k2".into());
        assert_eq!(retry, attempt, "a reload does not change the key");
        journey.slot_full();
        assert_eq!(journey.pending_booking, None);

        journey.booked(receipt());
        assert_eq!(journey.person, None, "the details go once booked");
        assert_eq!(journey.first_ahead, None);
        assert_eq!(round_trip(&journey), Some(journey.clone()));

        let mut cancelled = receipt().booking;
        cancelled.status = BookingStatus::Cancelled;
        journey.cancelled(cancelled);
        assert!(
            matches!(&journey.step, Step::Done { receipt } if receipt.booking.status == BookingStatus::Cancelled)
        );
        assert_eq!(journey.to_record(), None, "a cancelled booking is not kept");
    }

    #[test]
    fn other_versions_and_damaged_records_are_dropped_not_read() {
        let mut journey = Journey::default();
        journey.joined(person(), ticket());
        let stored = fairline_core::write::to_json(&journey.to_record().unwrap());
        assert!(stored.starts_with(r#"{"v":1,"#), "{stored}");
        assert_eq!(read(&stored), Some(journey.clone()));
        let newer = stored.replacen(r#""v":1"#, r#""v":2"#, 1);
        assert_eq!(read(&newer), None);
        let unversioned = stored.replacen(r#""v":1,"#, "", 1);
        assert_eq!(read(&unversioned), None);
        assert_eq!(read(r#""3:eyJhIjoxfQ""#), None, "the old admission form");
        assert_eq!(read("3:eyJhIjoxfQ"), None);
        assert_eq!(read(r#"{"v":1,"ticket":"3:eyJhIjoxfQ"}"#), None);
        assert_eq!(read(r#"{"v":"1"}"#), None);
        assert_eq!(read("null"), None);
        assert_eq!(read(r#"{"v":1}"#), Some(Journey::default()));
    }
}
