//! The one error shape every Fairline endpoint returns: a stable [`ErrorCode`], the field at
//! fault, a `Retry-After` mirror and, for eligibility refusals, the verdict behind it.
//!
//! This module sits on top of core's layers (it names field errors, draw and position errors and
//! verdicts; none of them name it). The server turns an [`ErrorCode`] into an HTTP status; the
//! widget turns it into words. Neither ever compares code strings.

use serde::{Deserialize, Serialize};

use crate::draw::DrawError;
use crate::eligibility::Verdict;
use crate::person::{FieldError, FieldErrorCode};
use crate::position::PositionError;

/// Declares [`ErrorCode`] with its wire strings, the list of all codes and `as_str`, from one
/// table, so the three can never disagree.
macro_rules! error_codes {
    ($($(#[doc = $doc:literal])* $variant:ident = $wire:literal,)*) => {
        /// Every machine code a Fairline server sends in an error body (snake_case on the wire).
        ///
        /// A code the widget does not know (a newer server) reads as [`ErrorCode::Unknown`].
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum ErrorCode {
            $($(#[doc = $doc])* #[serde(rename = $wire)] $variant,)*
            /// A code this build does not know (sent by a newer server). Never sent.
            #[serde(other)]
            Unknown,
        }

        impl ErrorCode {
            /// Every code a server may send (not [`ErrorCode::Unknown`]).
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// The stable wire string, e.g. `campaign_not_found`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $wire,)*
                    ErrorCode::Unknown => "unknown",
                }
            }
        }
    };
}

error_codes! {
    // --- Requests the server cannot read.
    /// The body is not JSON.
    MalformedJson = "malformed_json",
    /// The request has a body without `Content-Type: application/json`.
    JsonRequired = "json_required",
    /// The JSON does not have the expected shape.
    InvalidBody = "invalid_body",
    /// The body is larger than any real request.
    BodyTooLarge = "body_too_large",
    /// The declared person cannot be read at all.
    InvalidInput = "invalid_input",
    /// A day in a path or query is not `YYYY-MM-DD`.
    InvalidDay = "invalid_day",
    /// An operator's admission rate is outside (0, 100 000].
    RateOutOfRange = "rate_out_of_range",
    /// A booking request without an `Idempotency-Key` header.
    IdempotencyKeyMissing = "idempotency_key_missing",

    // --- The declared person's fields (core's input checks; `field` names the field).
    /// The field is empty.
    Required = "required",
    /// The value is longer than any real value.
    TooLong = "too_long",
    /// A name holds digits, control characters or symbols.
    NameInvalidCharacters = "name_invalid_characters",
    /// A name holds no letter.
    NameNoLetters = "name_no_letters",
    /// A date is not written as a date.
    DateFormat = "date_format",
    /// The date does not exist.
    DateNotACalendarDate = "date_not_a_calendar_date",
    /// The year is out of range.
    DateOutOfRange = "date_out_of_range",
    /// The date of birth is in the future.
    BirthDateInFuture = "birth_date_in_future",
    /// Not a mobile number.
    MobileFormat = "mobile_format",
    /// A Korean number that is not a mobile number.
    MobileNotMobile = "mobile_not_mobile",
    /// Not `YYMMDD-G`.
    ResidentNumberFormat = "resident_number_format",
    /// More than the first seven digits.
    ResidentNumberTooManyDigits = "resident_number_too_many_digits",
    /// `YYMMDD` is not a calendar date.
    ResidentNumberNotACalendarDate = "resident_number_not_a_calendar_date",
    /// The resident number disagrees with the date of birth.
    ResidentNumberMismatch = "resident_number_mismatch",

    // --- Eligibility refusals (the body carries the verdict).
    /// The person's booking window has not opened yet.
    NotYet = "not_yet",
    /// The person's booking window has closed.
    Closed = "closed",
    /// The campaign is not for this person.
    NotEligible = "not_eligible",

    // --- Things that do not exist.
    /// No campaign with this id.
    CampaignNotFound = "campaign_not_found",
    /// No site with this id in the campaign.
    SiteNotFound = "site_not_found",
    /// No slot starts at this time at this site.
    SlotNotFound = "slot_not_found",
    /// No booking with this reference (or a wrong secret).
    BookingNotFound = "booking_not_found",

    // --- Tickets and admissions.
    /// The token cannot be decoded.
    TokenMalformed = "token_malformed",
    /// The token was signed with a key this server does not hold.
    TokenUnknownKey = "token_unknown_key",
    /// The token's signature does not verify.
    TokenBadSignature = "token_bad_signature",
    /// The token belongs to another campaign.
    TokenWrongCampaign = "token_wrong_campaign",
    /// The admission belongs to another person.
    TokenWrongPerson = "token_wrong_person",
    /// The admission was already used.
    TokenReplayed = "token_replayed",
    /// The admission's time limit has passed.
    TokenExpired = "token_expired",
    /// A request that needs an admission came without one.
    AdmissionMissing = "admission_missing",
    /// The ticket's turn has not come yet.
    NotYourTurn = "not_your_turn",
    /// An admission was issued for this ticket and lapsed unused.
    AdmissionLapsed = "admission_lapsed",
    /// The ticket's turn came and its claim window passed.
    AdmissionWindowMissed = "admission_window_missed",
    /// The admission was extended as often as allowed.
    NoExtensionsLeft = "no_extensions_left",
    /// A ticket's campaign differs from the queue state document's.
    TicketCampaignMismatch = "ticket_campaign_mismatch",
    /// A pre-queue index is not below the revealed pre-queue size.
    TicketIndexOutsideDraw = "ticket_index_outside_draw",
    /// The published draw seed is not 64 hex digits.
    DrawSeedMalformed = "draw_seed_malformed",
    /// The published draw seed does not match its commitment.
    DrawCommitmentMismatch = "draw_commitment_mismatch",
    /// The seed is published without the pre-queue size.
    DrawSizeMissing = "draw_size_missing",

    // --- Bookings.
    /// The slot has no places left.
    SlotFull = "slot_full",
    /// The slot has already started.
    SlotInPast = "slot_in_past",
    /// The idempotency key was used with a different request.
    IdempotencyKeyReused = "idempotency_key_reused",
    /// A booking read or cancel without its secret.
    BookingSecretMissing = "booking_secret_missing",
    /// Only a confirmed booking can be cancelled.
    BookingNotConfirmed = "booking_not_confirmed",

    // --- Protection and operations.
    /// The server sheds load; retry after `Retry-After`.
    Overloaded = "overloaded",
    /// Too many joins from one client; retry after `Retry-After`.
    TooManyJoins = "too_many_joins",
    /// The request's `Origin` is not an allowed partner.
    OriginNotAllowed = "origin_not_allowed",
    /// The operator's bearer token is missing or wrong.
    AdminTokenInvalid = "admin_token_invalid",
    /// Something failed inside the server (details are logged, never sent).
    Internal = "internal",
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<FieldErrorCode> for ErrorCode {
    fn from(code: FieldErrorCode) -> Self {
        match code {
            FieldErrorCode::Required => ErrorCode::Required,
            FieldErrorCode::TooLong => ErrorCode::TooLong,
            FieldErrorCode::NameInvalidCharacters => ErrorCode::NameInvalidCharacters,
            FieldErrorCode::NameNoLetters => ErrorCode::NameNoLetters,
            FieldErrorCode::DateFormat => ErrorCode::DateFormat,
            FieldErrorCode::DateNotACalendarDate => ErrorCode::DateNotACalendarDate,
            FieldErrorCode::DateOutOfRange => ErrorCode::DateOutOfRange,
            FieldErrorCode::BirthDateInFuture => ErrorCode::BirthDateInFuture,
            FieldErrorCode::MobileFormat => ErrorCode::MobileFormat,
            FieldErrorCode::MobileNotMobile => ErrorCode::MobileNotMobile,
            FieldErrorCode::ResidentNumberFormat => ErrorCode::ResidentNumberFormat,
            FieldErrorCode::ResidentNumberTooManyDigits => ErrorCode::ResidentNumberTooManyDigits,
            FieldErrorCode::ResidentNumberNotACalendarDate => {
                ErrorCode::ResidentNumberNotACalendarDate
            }
            FieldErrorCode::ResidentNumberMismatch => ErrorCode::ResidentNumberMismatch,
        }
    }
}

impl From<DrawError> for ErrorCode {
    fn from(error: DrawError) -> Self {
        match error {
            DrawError::MalformedSeed => ErrorCode::DrawSeedMalformed,
            DrawError::CommitmentMismatch => ErrorCode::DrawCommitmentMismatch,
            DrawError::MissingPreQueueSize => ErrorCode::DrawSizeMissing,
        }
    }
}

impl From<PositionError> for ErrorCode {
    fn from(error: PositionError) -> Self {
        match error {
            PositionError::CampaignMismatch => ErrorCode::TicketCampaignMismatch,
            PositionError::IndexOutsideDraw => ErrorCode::TicketIndexOutsideDraw,
            PositionError::Draw(draw) => draw.into(),
        }
    }
}

/// The JSON body of every error response: a stable code, the field at fault (when one is), how
/// long to wait before retrying (when the server asks for that), and the verdict behind an
/// eligibility refusal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiError {
    /// Stable machine-readable code.
    pub code: ErrorCode,
    /// The input field at fault, if the error is about one (e.g. `birth_date`, `starts_at`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    /// Seconds the client must wait before trying again (mirrors `Retry-After`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_s: Option<u32>,
    /// The server's eligibility verdict, when the request was refused because of it (join,
    /// book), so the widget can show it if it differs from its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<Verdict>,
}

impl ApiError {
    /// An error with `code` and nothing else.
    pub fn new(code: ErrorCode) -> Self {
        Self {
            code,
            field: None,
            retry_after_s: None,
            verdict: None,
        }
    }

    /// The same error, naming the field at fault.
    pub fn with_field(mut self, field: &str) -> Self {
        self.field = Some(field.to_owned());
        self
    }

    /// The same error, carrying the verdict that caused it.
    pub fn with_verdict(mut self, verdict: Verdict) -> Self {
        self.verdict = Some(verdict);
        self
    }

    /// The same error, asking the client to wait `seconds` before retrying.
    pub fn with_retry_after(mut self, seconds: u32) -> Self {
        self.retry_after_s = Some(seconds);
        self
    }

    /// The refusal for a verdict that does not allow joining or booking (carrying the verdict),
    /// or `None` when it does. The server sends it; the widget knows it before asking.
    pub fn for_verdict(verdict: &Verdict) -> Option<Self> {
        let error = match verdict {
            Verdict::EligibleNow { .. } => return None,
            Verdict::Invalid { errors } => match errors.first() {
                Some(first) => Self::from(first),
                None => Self::new(ErrorCode::InvalidInput).with_field("person"),
            },
            Verdict::NotYet { .. } => Self::new(ErrorCode::NotYet),
            Verdict::Closed { .. } => Self::new(ErrorCode::Closed),
            Verdict::NotEligible { .. } => Self::new(ErrorCode::NotEligible),
        };
        Some(error.with_verdict(verdict.clone()))
    }
}

impl From<&FieldError> for ApiError {
    fn from(error: &FieldError) -> Self {
        ApiError::new(error.code.into()).with_field(error.field.as_str())
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::{ApiError, ErrorCode};
    use crate::person::{Field, FieldError, FieldErrorCode};

    #[test]
    fn codes_travel_as_stable_snake_case_and_optional_parts_are_omitted() {
        let json = serde_json::to_string(&ApiError::new(ErrorCode::CampaignNotFound)).unwrap();
        assert_eq!(json, r#"{"code":"campaign_not_found"}"#);
        let with_field = ApiError::new(ErrorCode::DateFormat)
            .with_field("birth_date")
            .with_retry_after(3);
        let json = serde_json::to_string(&with_field).unwrap();
        assert_eq!(
            json,
            r#"{"code":"date_format","field":"birth_date","retry_after_s":3}"#
        );
        assert_eq!(serde_json::from_str::<ApiError>(&json).unwrap(), with_field);
    }

    #[test]
    fn every_code_round_trips_and_as_str_is_its_wire_form() {
        for &code in ErrorCode::ALL {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        let mut wire: Vec<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        wire.sort_unstable();
        wire.dedup();
        assert_eq!(wire.len(), ErrorCode::ALL.len(), "two codes share a string");
    }

    #[test]
    fn a_code_from_a_newer_server_reads_as_unknown() {
        let error: ApiError = serde_json::from_str(r#"{"code":"brand_new_code"}"#).unwrap();
        assert_eq!(error.code, ErrorCode::Unknown);
    }

    #[test]
    fn layer_errors_map_to_their_codes() {
        use crate::draw::DrawError;
        use crate::position::PositionError;
        assert_eq!(
            ErrorCode::from(PositionError::CampaignMismatch).as_str(),
            "ticket_campaign_mismatch"
        );
        assert_eq!(
            ErrorCode::from(PositionError::Draw(DrawError::CommitmentMismatch)),
            ErrorCode::DrawCommitmentMismatch
        );
    }

    #[test]
    fn field_codes_keep_their_wire_strings() {
        let error = ApiError::from(&FieldError::new(
            Field::BirthDate,
            FieldErrorCode::DateNotACalendarDate,
        ));
        assert_eq!(
            error.code.as_str(),
            FieldErrorCode::DateNotACalendarDate.as_str()
        );
        assert_eq!(error.field.as_deref(), Some("birth_date"));
    }
}
