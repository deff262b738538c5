//! Booking wire types: eligibility answers, sites and availability, booking requests and
//! receipts — the JSON the server sends and the widget reads for the choose-and-book steps.

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::{campaign::Names, eligibility::Verdict, person::PersonInput};

/// `POST /v1/campaigns/{id}/eligibility` answer: core's verdict at server time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EligibilityResponse {
    /// The verdict the server reached.
    pub verdict: Verdict,
    /// The rules it used; a widget holding another version reloads the campaign.
    pub rules_version: String,
    /// Server time of the decision.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub server_time: OffsetDateTime,
}

/// One site as listed by `GET /v1/campaigns/{id}/sites`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SiteSummary {
    /// Site id.
    pub id: String,
    /// Display names.
    pub names: Names,
    /// Region.
    pub region: Names,
    /// Street address.
    pub address: Names,
    /// Local days with appointments, first to last.
    pub days: Vec<DayOpen>,
}

/// A local day at a site and whether any place is left that day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayOpen {
    /// The local day (`YYYY-MM-DD`).
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// Places left over all of the day's slots.
    pub remaining: u32,
}

/// `GET /v1/campaigns/{id}/sites/{site}/days/{YYYY-MM-DD}`: the slots of one day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DayAvailability {
    /// Site id.
    pub site_id: String,
    /// The local day.
    #[serde(with = "iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub day: Date,
    /// Slots in time order.
    pub slots: Vec<SlotAvailability>,
}

/// A slot and how many places it has left.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlotAvailability {
    /// Start (campaign offset).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: OffsetDateTime,
    /// End.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: OffsetDateTime,
    /// Places in total.
    pub capacity: u32,
    /// Places left.
    pub remaining: u32,
}

/// `POST /v1/campaigns/{id}/bookings` body (with `Authorization: Bearer <admission token>` and
/// an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingRequest {
    /// The person, as declared when joining (eligibility is checked again).
    pub person: PersonInput,
    /// Where.
    pub site_id: String,
    /// Which slot, by its start.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: OffsetDateTime,
}

/// Whether a booking stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum BookingStatus {
    /// The place is held.
    Confirmed,
    /// Cancelled; the place was given back.
    Cancelled,
}

/// A booking as the server stores and shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Booking {
    /// Short reference the citizen quotes, e.g. `FL-7K3M-Q9XD`.
    pub reference: String,
    /// Campaign id.
    pub campaign_id: String,
    /// Site id.
    pub site_id: String,
    /// Slot start.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub starts_at: OffsetDateTime,
    /// Slot end.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub ends_at: OffsetDateTime,
    /// The admission that allowed this booking.
    pub admission_id: String,
    /// Confirmed or cancelled.
    pub status: BookingStatus,
    /// When it was made (server time).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub created_at: OffsetDateTime,
}

/// Answer to a booking request: the booking and the secret that lets its holder look it up or
/// cancel it (`Fairline-Booking-Secret` header). A retry with the same `Idempotency-Key` gets
/// the same receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BookingReceipt {
    /// The booking.
    pub booking: Booking,
    /// Secret for lookup and cancel.
    pub secret: String,
}

/// `YYYY-MM-DD` dates in JSON.
pub mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::{macros::format_description, Date};

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(date: &Date, serializer: S) -> Result<S::Ok, S::Error> {
        let text = date
            .format(format_description!("[year]-[month]-[day]"))
            .map_err(serde::ser::Error::custom)?;
        serializer.serialize_str(&text)
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom("expected a date as YYYY-MM-DD"))
    }

    /// `YYYY-MM-DD`, or None.
    pub fn parse(text: &str) -> Option<Date> {
        Date::parse(text, format_description!("[year]-[month]-[day]")).ok()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn availability_round_trips_with_plain_dates() {
        let day = DayAvailability {
            site_id: "seoul-1".into(),
            day: date!(2021 - 07 - 27),
            slots: vec![SlotAvailability {
                starts_at: datetime!(2021-07-27 09:00 +09:00),
                ends_at: datetime!(2021-07-27 09:30 +09:00),
                capacity: 20,
                remaining: 0,
            }],
        };
        let json = serde_json::to_string(&day).unwrap();
        assert!(json.contains(r#""day":"2021-07-27""#), "{json}");
        assert_eq!(serde_json::from_str::<DayAvailability>(&json).unwrap(), day);
        assert!(iso_date::parse("2021-02-30").is_none());
        assert!(iso_date::parse("").is_none());
    }
}
