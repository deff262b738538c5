//! Queue wire types: the JSON the server sends and the widget sends back, for tickets, the shared
//! queue state document and admissions.
//!
//! Instants are server times, written as RFC 3339 strings with an explicit offset (the same form
//! as the campaign file), e.g. `"2021-07-12T20:00:00Z"`. Durations are whole seconds in fields
//! named `…_s`. Counts are `u64`, identical on every target. Errors use the one error shape,
//! [`crate::error::ApiError`].
//!
//! Tickets and admissions are *claims* that the server signs with an HMAC; core defines the claims
//! and [`Claims::signing_bytes`], the canonical bytes to sign, and the [`Signed`] envelope that
//! carries claims and signature. The server owns the keys and computes and checks the MAC.

use serde::{de::DeserializeOwned, Deserialize, Serialize};
use time::OffsetDateTime;

use crate::campaign::Names;

/// Claims the server signs. The canonical bytes are the compact JSON of the claims, with fields in
/// declaration order (serde_json writes struct fields in that order and adds no whitespace), so
/// signing the bytes a verifier re-derives from the parsed claims gives the same MAC.
pub trait Claims: Serialize + DeserializeOwned {
    /// The bytes the server feeds to its MAC.
    fn signing_bytes(&self) -> Vec<u8> {
        // Serialising plain structs of strings, integers and RFC 3339 times cannot fail.
        serde_json::to_vec(self).unwrap_or_default()
    }
}

/// Claims together with the server's MAC over [`Claims::signing_bytes`] (lower-case hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(bound(serialize = "C: Serialize", deserialize = "C: DeserializeOwned"))]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Signed<C> {
    /// What the server vouches for.
    pub claims: C,
    /// Lower-case hex of the MAC the server computed over `claims.signing_bytes()` with the key
    /// named by the claims' `key_id`.
    pub signature: String,
}

/// Where a ticket stands in the queue: a pre-queue index (joined before the opening; the rank is
/// drawn at the opening) or a rank (joined after the opening: pre-queue size + arrival order).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum QueuePlace {
    /// Joined before the opening. The rank is `draw::PreQueueDraw::rank_of(index)` once the seed
    /// is revealed.
    PreQueue {
        /// Arrival order among the pre-queue, from 0.
        index: u64,
    },
    /// Joined after the opening. Rank 0 is admitted first.
    Ranked {
        /// Place in admission order, from 0.
        rank: u64,
    },
}

/// The signed claims of a queue ticket. Joining again for the same person returns the same
/// ticket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TicketClaims {
    /// Which server key signed this (keys rotate).
    pub key_id: String,
    /// Unique ticket id.
    pub ticket_id: String,
    /// The campaign the ticket queues for.
    pub campaign_id: String,
    /// Keyed hash of the person's normalised identity (lower-case hex); never the identity.
    pub person_key_hash: String,
    /// When the server issued the ticket (server time).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: OffsetDateTime,
    /// Pre-queue index or rank.
    pub place: QueuePlace,
}

impl Claims for TicketClaims {}

/// The server's measurement of how fast the queue moves, published in the state document.
///
/// The server samples `admitted_through` at regular intervals over a recent window and computes
/// both numbers with [`crate::estimate::measure_admission_rate`]: `per_second` is the mean rate
/// over the window (admissions divided by elapsed time) and `spread_per_second` is the
/// time-weighted standard deviation of the per-interval rates around that mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionRate {
    /// Mean admissions per second over the window.
    pub per_second: f64,
    /// Standard deviation of the per-interval admission rate, per second.
    pub spread_per_second: f64,
    /// Length of the measurement window in seconds.
    pub window_s: u32,
}

/// The server's polling hints: the widget never polls the state document more often than every
/// `min_s` seconds, nor (while visible and without a `Retry-After`) less often than every `max_s`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PollHints {
    /// Floor between two polls, in seconds.
    pub min_s: u32,
    /// Ceiling between two polls of a visible page, in seconds.
    pub max_s: u32,
}

impl Default for PollHints {
    /// 2 s floor, 60 s ceiling: the defaults the policy in [`crate::poll`] is tuned for.
    fn default() -> Self {
        Self {
            min_s: 2,
            max_s: 60,
        }
    }
}

/// `GET /v1/campaigns/{id}/queue/state`: one document, identical for every waiter and cacheable,
/// from which each widget computes its own position and estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueState {
    /// The campaign this queue belongs to.
    pub campaign_id: String,
    /// Version hash of the campaign rules; a widget holding another version reloads the rules.
    #[serde(default)]
    pub rules_version: String,
    /// Server time when the document was produced. A cached copy may be up to its `max-age`
    /// older than now.
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub server_time: OffsetDateTime,
    /// When the queue opens (the pre-queue is drawn then).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub opens_at: OffsetDateTime,
    /// SHA-256 of the draw seed, lower-case hex, published before the opening.
    pub seed_commitment: String,
    /// The draw seed, lower-case hex (32 bytes), published at the opening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    /// How many joined before the opening (N), published at the opening.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pre_queue_size: Option<u64>,
    /// Ranks `0..admitted_through` may be admitted.
    pub admitted_through: u64,
    /// Measured admission rate, when the server has enough history.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub admission_rate: Option<AdmissionRate>,
    /// Admission is paused by the operator or by overload protection.
    pub paused: bool,
    /// Polling floor and ceiling.
    pub poll: PollHints,
}

/// `POST /v1/campaigns/{id}/queue` answer: the person's ticket (the same one on every rejoin).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct JoinResponse {
    /// The signed ticket.
    pub ticket: Signed<TicketClaims>,
    /// True when this person already held the ticket and it is returned unchanged.
    pub rejoined: bool,
}

/// The signed claims of an admission: a short-lived, single-use permission to book.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionClaims {
    /// Which server key signed this.
    pub key_id: String,
    /// Unique admission id; every booking records it.
    pub admission_id: String,
    /// The ticket that was admitted.
    pub ticket_id: String,
    /// The campaign.
    pub campaign_id: String,
    /// Keyed hash of the person's identity (lower-case hex), the same as on the ticket.
    pub person_key_hash: String,
    /// When the admission was issued (server time).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub issued_at: OffsetDateTime,
    /// When it lapses unless extended (server time).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub expires_at: OffsetDateTime,
    /// How many times the holder has extended it.
    pub extensions_used: u32,
}

impl Claims for AdmissionClaims {}

/// `POST …/queue/admit` body: the holder's ticket. The server answers with an admission once the
/// ticket's rank is below `admitted_through` (the same [`crate::position::position`] check the
/// widget runs).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmitRequest {
    /// The holder's ticket.
    pub ticket: Signed<TicketClaims>,
}

/// Answer to an admit or extend request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmitResponse {
    /// The signed admission.
    pub admission: Signed<AdmissionClaims>,
    /// How many more extensions the holder may ask for.
    pub extensions_left: u32,
}

/// `GET /v1/health`'s status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum HealthStatus {
    /// The server answers.
    Ok,
}

/// `GET /v1/health`: liveness and the server time widgets sample their clock offset from.
/// Never cached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// Always [`HealthStatus::Ok`] when the server answers.
    pub status: HealthStatus,
    /// Server time (the rehearsed time during a rehearsal).
    #[serde(with = "time::serde::rfc3339")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub server_time: OffsetDateTime,
    /// The service runs a rehearsal clock (`--rehearse-at`), so every device clock differs from
    /// `server_time` on purpose.
    #[serde(default)]
    pub rehearsal: bool,
    /// The real time of the machine the server runs on: `server_time` except in a rehearsal.
    /// A widget checks the device clock against this one, so a rehearsal's shifted clock is
    /// never reported as the device being days off. Absent from a server older than this field.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "time::serde::rfc3339::option"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub real_time: Option<OffsetDateTime>,
}

/// One entry of `GET /v1/campaigns` (a widget with no campaign id takes the first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    /// The campaign id.
    pub id: String,
    /// Its names.
    pub names: Names,
}

/// The operator's view of admission, answered by every admin control (pause, resume, rate).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdmissionControls {
    /// Admission is paused.
    pub paused: bool,
    /// The configured admission rate, per second.
    pub rate_per_second: f64,
    /// Ranks `0..admitted_through` may be admitted.
    pub admitted_through: u64,
}

/// `POST /v1/admin/campaigns/{id}/rate` body.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RateChange {
    /// Admissions per second (0 < rate ≤ 100 000).
    pub per_second: f64,
}

/// Lower-case hex of `bytes`.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        out.push(DIGITS[usize::from(byte >> 4)] as char);
        out.push(DIGITS[usize::from(byte & 0x0f)] as char);
    }
    out
}

/// The 32 bytes written as 64 hex digits (either case), or `None`.
pub fn from_hex_32(text: &str) -> Option<[u8; 32]> {
    let digits = text.as_bytes();
    if digits.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        let high = char::from(pair[0]).to_digit(16)?;
        let low = char::from(pair[1]).to_digit(16)?;
        *byte = u8::try_from(high * 16 + low).ok()?;
    }
    Some(out)
}

/// Milliseconds since the Unix epoch of a server time (the unit queue maths works in).
pub fn unix_ms(instant: OffsetDateTime) -> i64 {
    i64::try_from(instant.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The server time (UTC) `ms` milliseconds after the Unix epoch, if representable.
pub fn from_unix_ms(ms: i64) -> Option<OffsetDateTime> {
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::datetime;

    fn ticket() -> TicketClaims {
        TicketClaims {
            key_id: "k1".into(),
            ticket_id: "t-42".into(),
            campaign_id: "kr-covid19-2021-07".into(),
            person_key_hash: "ab".repeat(32),
            issued_at: datetime!(2021-07-12 19:59:58.123 +09:00),
            place: QueuePlace::PreQueue { index: 7 },
        }
    }

    #[test]
    fn ticket_json_is_stable_and_signing_bytes_survive_a_round_trip() {
        let claims = ticket();
        let bytes = claims.signing_bytes();
        assert_eq!(
            String::from_utf8(bytes.clone()).unwrap(),
            format!(
                r#"{{"key_id":"k1","ticket_id":"t-42","campaign_id":"kr-covid19-2021-07","person_key_hash":"{}","issued_at":"2021-07-12T19:59:58.123+09:00","place":{{"kind":"pre_queue","index":7}}}}"#,
                "ab".repeat(32)
            )
        );
        let signed = Signed {
            claims,
            signature: "00ff".into(),
        };
        let parsed: Signed<TicketClaims> =
            serde_json::from_str(&serde_json::to_string(&signed).unwrap()).unwrap();
        assert_eq!(parsed, signed);
        assert_eq!(parsed.claims.signing_bytes(), bytes);
    }

    #[test]
    fn ranked_place_and_state_document_parse() {
        let state: QueueState = serde_json::from_str(
            r#"{"campaign_id":"c","server_time":"2021-07-12T20:00:05Z","opens_at":"2021-07-12T20:00:00Z",
                "seed_commitment":"00","admitted_through":10,"paused":false,"poll":{"min_s":2,"max_s":60},
                "admission_rate":{"per_second":12.5,"spread_per_second":3.0,"window_s":60}}"#,
        )
        .unwrap();
        assert_eq!(state.admitted_through, 10);
        assert_eq!(state.seed, None);
        assert_eq!(state.admission_rate.unwrap().per_second, 12.5);
        assert_eq!(state.rules_version, "");
        let place: QueuePlace = serde_json::from_str(r#"{"kind":"ranked","rank":5}"#).unwrap();
        assert_eq!(place, QueuePlace::Ranked { rank: 5 });
    }

    #[test]
    fn admission_signing_bytes_change_with_every_claim() {
        let base = AdmissionClaims {
            key_id: "k1".into(),
            admission_id: "a-1".into(),
            ticket_id: "t-42".into(),
            campaign_id: "c".into(),
            person_key_hash: "cd".repeat(32),
            issued_at: datetime!(2021-07-12 20:01:00 UTC),
            expires_at: datetime!(2021-07-12 20:11:00 UTC),
            extensions_used: 0,
        };
        let mut extended = base.clone();
        extended.extensions_used = 1;
        extended.expires_at = datetime!(2021-07-12 20:21:00 UTC);
        assert_ne!(base.signing_bytes(), extended.signing_bytes());
        let parsed: AdmissionClaims = serde_json::from_slice(&extended.signing_bytes()).unwrap();
        assert_eq!(parsed, extended);
    }

    #[test]
    fn hex_round_trips_and_rejects_bad_input() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 37) as u8);
        assert_eq!(from_hex_32(&to_hex(&bytes)), Some(bytes));
        assert_eq!(from_hex_32(&to_hex(&bytes).to_uppercase()), Some(bytes));
        assert_eq!(from_hex_32("00"), None);
        assert_eq!(from_hex_32(&"zz".repeat(32)), None);
        assert_eq!(from_hex_32(&"é".repeat(32)), None);
    }

    #[test]
    fn unix_ms_round_trips() {
        let t = datetime!(2021-07-12 20:00:00.250 +09:00);
        assert_eq!(unix_ms(t), 1_626_087_600_250);
        assert_eq!(from_unix_ms(unix_ms(t)).unwrap(), t);
    }
}
