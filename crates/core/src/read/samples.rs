//! Sample values of the wire types the widget reads, sends and keeps, shared by the tests of
//! [`crate::read`] and [`crate::write`] (test builds only).

use time::macros::datetime;
use time::OffsetDateTime;

use crate::booking::{Booking, BookingReceipt, BookingRequest, BookingStatus};
use crate::person::PersonInput;
use crate::wire::{AdmissionClaims, AdmitResponse, QueuePlace, Signed, TicketClaims};

/// A signed ticket issued at `issued_at` for `place`.
pub fn ticket_at(issued_at: OffsetDateTime, place: QueuePlace) -> Signed<TicketClaims> {
    Signed {
        claims: TicketClaims {
            key_id: "k1".into(),
            ticket_id: "t-42".into(),
            campaign_id: "kr".into(),
            person_key_hash: "ab".repeat(32),
            issued_at,
            place,
        },
        signature: "00ff".into(),
    }
}

/// A signed ticket for `place`, issued with a fraction of a second in a `+09:00` offset.
pub fn ticket(place: QueuePlace) -> Signed<TicketClaims> {
    ticket_at(datetime!(2021-07-12 19:59:58.123 +09:00), place)
}

/// An admission with one extension used and one left.
pub fn admission() -> AdmitResponse {
    AdmitResponse {
        admission: Signed {
            claims: AdmissionClaims {
                key_id: "k1".into(),
                admission_id: "a-1".into(),
                ticket_id: "t-42".into(),
                campaign_id: "kr".into(),
                person_key_hash: "cd".repeat(32),
                issued_at: datetime!(2021-07-12 20:01:00 UTC),
                expires_at: datetime!(2021-07-12 20:11:00.5 UTC),
                extensions_used: 1,
            },
            signature: "sig".into(),
        },
        extensions_left: 1,
    }
}

/// Typed details whose name needs every kind of JSON escape.
pub fn person(resident: Option<&str>) -> PersonInput {
    PersonInput {
        name: "김 \"민준\" \\ / \n\r\t\u{8}\u{c}\u{1}\u{1f}é😀".into(),
        birth_date: "1966-07-01".into(),
        mobile: "010-1234-5678".into(),
        resident_number_front: resident.map(str::to_owned),
    }
}

/// A booking request for `person`.
pub fn booking_request(person: PersonInput) -> BookingRequest {
    BookingRequest {
        person,
        site_id: "s".into(),
        starts_at: datetime!(2021-07-27 09:00 +09:00),
    }
}

/// A receipt whose booking has `status`.
pub fn receipt(status: BookingStatus) -> BookingReceipt {
    BookingReceipt {
        booking: Booking {
            reference: "R-1".into(),
            campaign_id: "kr".into(),
            site_id: "s".into(),
            starts_at: datetime!(2021-07-27 09:00 +09:00),
            ends_at: datetime!(2021-07-27 09:30 +09:00),
            admission_id: "a-1".into(),
            status,
            created_at: datetime!(2021-07-12 20:05:00.001 UTC),
        },
        secret: "s3cret".into(),
    }
}
