//! Writers of the wire types as JSON text without serde's serialisers: what the widget sends
//! (a person, a ticket, a booking request) and the record it keeps on the device, written by
//! [`to_json`] to exactly the text `serde_json` writes for the same value (the tests compare
//! the two byte for byte), with a fraction of the code in the wasm.
//!
//! # Usage
//!
//! ```
//! use fairline_core::{person::PersonInput, write::to_json};
//!
//! let person = PersonInput { name: "김민준".into(), ..PersonInput::default() };
//! assert_eq!(
//!     to_json(&person),
//!     r#"{"name":"김민준","birth_date":"","mobile":""}"#
//! );
//! ```

use time::OffsetDateTime;

use crate::booking::{Booking, BookingReceipt, BookingRequest, BookingStatus};
use crate::person::PersonInput;
use crate::wire::{AdmissionClaims, AdmitRequest, AdmitResponse, QueuePlace, Signed, TicketClaims};

/// A value written as JSON.
pub trait ToJson {
    /// Appends this value's JSON to `out`.
    fn write_json(&self, out: &mut String);
}

/// `value` as JSON text.
pub fn to_json<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

/// Writes one JSON object's members in order.
pub struct Object<'a> {
    out: &'a mut String,
    first: bool,
}

impl<'a> Object<'a> {
    /// Opens an object in `out`.
    pub fn new(out: &'a mut String) -> Self {
        out.push('{');
        Self { out, first: true }
    }

    /// Writes the member `name`.
    pub fn member<T: ToJson + ?Sized>(&mut self, name: &str, value: &T) -> &mut Self {
        if !self.first {
            self.out.push(',');
        }
        self.first = false;
        name.write_json(self.out);
        self.out.push(':');
        value.write_json(self.out);
        self
    }

    /// Writes the member `name` when there is a value (serde's `skip_serializing_if =
    /// "Option::is_none"`).
    pub fn some<T: ToJson>(&mut self, name: &str, value: &Option<T>) -> &mut Self {
        if let Some(value) = value {
            self.member(name, value);
        }
        self
    }

    /// Closes the object.
    pub fn end(&mut self) {
        self.out.push('}');
    }
}

impl ToJson for str {
    /// Escaped as `serde_json` escapes: `"`, `\` and control characters only.
    fn write_json(&self, out: &mut String) {
        out.push('"');
        for c in self.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                '\u{8}' => out.push_str("\\b"),
                '\u{c}' => out.push_str("\\f"),
                c if u32::from(c) < 0x20 => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    let byte = u32::from(c) as usize;
                    out.push_str("\\u00");
                    out.push(char::from(HEX[byte >> 4]));
                    out.push(char::from(HEX[byte & 0xf]));
                }
                c => out.push(c),
            }
        }
        out.push('"');
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        self.as_str().write_json(out);
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" });
    }
}

/// Unsigned integers in decimal.
macro_rules! write_unsigned {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                out.push_str(&self.to_string());
            }
        }
    )*};
}
write_unsigned!(u8, u16, u32, u64);

/// Two digits, zero-padded.
fn two(n: u8, out: &mut String) {
    out.push(char::from(b'0' + n / 10));
    out.push(char::from(b'0' + n % 10));
}

impl ToJson for OffsetDateTime {
    /// RFC 3339 as `time::serde::rfc3339` writes it, quoted ([`write_rfc3339`]).
    fn write_json(&self, out: &mut String) {
        out.push('"');
        write_rfc3339(self, out);
        out.push('"');
    }
}

/// `time` in RFC 3339 as `time::serde::rfc3339` writes it: the fraction without trailing zeros
/// (none when whole), the offset as `Z` when it is UTC, else `±HH:MM`. The widget writes its
/// `<time datetime>` attribute with it, so `time`'s own formatter stays out of the first load.
pub fn write_rfc3339(time: &OffsetDateTime, out: &mut String) {
    let year = time.year().unsigned_abs();
    two((year / 100) as u8, out);
    two((year % 100) as u8, out);
    out.push('-');
    two(u8::from(time.month()), out);
    out.push('-');
    two(time.day(), out);
    out.push('T');
    two(time.hour(), out);
    out.push(':');
    two(time.minute(), out);
    out.push(':');
    two(time.second(), out);
    let mut nanos = time.nanosecond();
    if nanos > 0 {
        out.push('.');
        let mut width = 9;
        while nanos.is_multiple_of(10) {
            nanos /= 10;
            width -= 1;
        }
        let text = nanos.to_string();
        for _ in text.len()..width {
            out.push('0');
        }
        out.push_str(&text);
    }
    let offset = time.offset();
    if offset.is_utc() {
        out.push('Z');
    } else {
        out.push(if offset.is_negative() { '-' } else { '+' });
        two(offset.whole_hours().unsigned_abs(), out);
        out.push(':');
        two(offset.minutes_past_hour().unsigned_abs(), out);
    }
}

impl ToJson for PersonInput {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("name", &self.name)
            .member("birth_date", &self.birth_date)
            .member("mobile", &self.mobile)
            .some("resident_number_front", &self.resident_number_front)
            .end();
    }
}

impl<C: ToJson> ToJson for Signed<C> {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("claims", &self.claims)
            .member("signature", &self.signature)
            .end();
    }
}

impl ToJson for QueuePlace {
    fn write_json(&self, out: &mut String) {
        match self {
            QueuePlace::PreQueue { index } => Object::new(out)
                .member("kind", "pre_queue")
                .member("index", index)
                .end(),
            QueuePlace::Ranked { rank } => Object::new(out)
                .member("kind", "ranked")
                .member("rank", rank)
                .end(),
        }
    }
}

impl ToJson for TicketClaims {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("key_id", &self.key_id)
            .member("ticket_id", &self.ticket_id)
            .member("campaign_id", &self.campaign_id)
            .member("person_key_hash", &self.person_key_hash)
            .member("issued_at", &self.issued_at)
            .member("place", &self.place)
            .end();
    }
}

impl ToJson for AdmissionClaims {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("key_id", &self.key_id)
            .member("admission_id", &self.admission_id)
            .member("ticket_id", &self.ticket_id)
            .member("campaign_id", &self.campaign_id)
            .member("person_key_hash", &self.person_key_hash)
            .member("issued_at", &self.issued_at)
            .member("expires_at", &self.expires_at)
            .member("extensions_used", &self.extensions_used)
            .end();
    }
}

impl ToJson for AdmitRequest {
    fn write_json(&self, out: &mut String) {
        Object::new(out).member("ticket", &self.ticket).end();
    }
}

impl ToJson for AdmitResponse {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("admission", &self.admission)
            .member("extensions_left", &self.extensions_left)
            .end();
    }
}

impl ToJson for BookingRequest {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("person", &self.person)
            .member("site_id", &self.site_id)
            .member("starts_at", &self.starts_at)
            .end();
    }
}

impl ToJson for BookingStatus {
    fn write_json(&self, out: &mut String) {
        match self {
            BookingStatus::Confirmed => "confirmed",
            BookingStatus::Cancelled => "cancelled",
        }
        .write_json(out);
    }
}

impl ToJson for Booking {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("reference", &self.reference)
            .member("campaign_id", &self.campaign_id)
            .member("site_id", &self.site_id)
            .member("starts_at", &self.starts_at)
            .member("ends_at", &self.ends_at)
            .member("admission_id", &self.admission_id)
            .member("status", &self.status)
            .member("created_at", &self.created_at)
            .end();
    }
}

impl ToJson for BookingReceipt {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .member("booking", &self.booking)
            .member("secret", &self.secret)
            .end();
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use core::fmt::Debug;

    use serde::Serialize;
    use time::macros::datetime;

    use super::*;
    use crate::read::samples::{admission, booking_request, person, receipt, ticket, ticket_at};
    use crate::read::{from_json, FromJson};

    /// Written here and by `serde_json`: the same text, and it reads back as the value.
    fn same_as_serde<T: ToJson + Serialize + FromJson + PartialEq + Debug>(value: &T) {
        let ours = to_json(value);
        assert_eq!(ours, serde_json::to_string(value).unwrap());
        assert_eq!(from_json::<T>(&ours).as_ref(), Ok(value));
    }

    #[test]
    fn every_instant_form_is_written_as_time_writes_it() {
        for instant in [
            datetime!(2021-07-12 19:59:58.123 +09:00),
            datetime!(2021-07-12 20:00 UTC),
            datetime!(2021-07-12 20:00:00.000000001 -03:30),
            datetime!(2021-07-12 20:00:00.5 +00:00),
            datetime!(0999-01-02 03:04:05.12345678 +14:00),
            datetime!(2024-02-29 23:59:59.999999999 -12:00),
        ] {
            same_as_serde(&ticket_at(instant, QueuePlace::Ranked { rank: 0 }));
        }
    }

    #[test]
    fn everything_the_widget_sends_or_keeps_is_written_as_serde_writes_it() {
        let person = person(Some("660701"));
        same_as_serde(&person);
        same_as_serde(&PersonInput::default());
        for place in [
            QueuePlace::PreQueue { index: 7 },
            QueuePlace::Ranked { rank: u64::MAX },
        ] {
            let request = AdmitRequest {
                ticket: ticket(place),
            };
            assert_eq!(to_json(&request), serde_json::to_string(&request).unwrap());
        }
        same_as_serde(&admission());
        same_as_serde(&booking_request(person));
        for status in [BookingStatus::Confirmed, BookingStatus::Cancelled] {
            same_as_serde(&receipt(status));
        }
    }

    #[test]
    fn the_widget_s_token_is_the_server_s_token() {
        let signed = Signed {
            claims: crate::wire::AdmissionClaims {
                key_id: "k1".into(),
                admission_id: "a-1".into(),
                ticket_id: "t1".into(),
                campaign_id: "kr-covid19-2021-07".into(),
                person_key_hash: "ab".into(),
                issued_at: datetime!(2021-07-12 11:00:01.5 UTC),
                expires_at: datetime!(2021-07-12 11:10 UTC),
                extensions_used: 1,
            },
            signature: "00ff".into(),
        };
        assert_eq!(
            crate::token::encode_json(&to_json(&signed)),
            crate::token::encode(&signed)
        );
    }
}
