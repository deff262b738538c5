//! [`FromJson`] for the server's replies and the widget's stored record: queue and admission
//! wire types, eligibility verdicts, booking types and the error body. Each reads the JSON that
//! the type's serde `Serialize` writes (see the tests).

use super::{one_of, FromJson, Json, Members, ReadError};
use crate::booking::{
    Booking, BookingReceipt, BookingRequest, BookingStatus, DayAvailability, DayOpen,
    EligibilityResponse, SiteSummary, SlotAvailability,
};
use crate::campaign::VerdictKind;
use crate::eligibility::{NotEligibleReason, Verdict};
use crate::error::{ApiError, ErrorCode};
use crate::person::{Field, FieldError, FieldErrorCode, PersonInput};
use crate::wire::{
    AdmissionClaims, AdmissionRate, AdmitResponse, CampaignSummary, Health, HealthStatus,
    JoinResponse, PollHints, QueuePlace, QueueState, Signed, TicketClaims,
};

/// Implements [`FromJson`] for a struct whose members each read with `req`, `opt` or
/// `or_default`.
macro_rules! read_struct {
    ($t:ident { $($field:ident: $how:ident),* $(,)? }) => {
        impl FromJson for $t {
            fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
                let m = Members::of(value, at)?;
                Ok($t { $($field: m.$how(stringify!($field))?,)* })
            }
        }
    };
}
pub(crate) use read_struct;

impl<C: FromJson> FromJson for Signed<C> {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        Ok(Signed {
            claims: m.req("claims")?,
            signature: m.req("signature")?,
        })
    }
}

impl FromJson for QueuePlace {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        match m.tag("kind")? {
            "pre_queue" => Ok(QueuePlace::PreQueue {
                index: m.req("index")?,
            }),
            "ranked" => Ok(QueuePlace::Ranked {
                rank: m.req("rank")?,
            }),
            _ => Err(ReadError { at: "kind" }),
        }
    }
}

read_struct!(TicketClaims {
    key_id: req,
    ticket_id: req,
    campaign_id: req,
    person_key_hash: req,
    issued_at: req,
    place: req,
});
read_struct!(AdmissionRate {
    per_second: req,
    spread_per_second: req,
    window_s: req,
});
read_struct!(PollHints {
    min_s: req,
    max_s: req
});
read_struct!(QueueState {
    campaign_id: req,
    rules_version: or_default,
    server_time: req,
    opens_at: req,
    seed_commitment: req,
    seed: opt,
    pre_queue_size: opt,
    admitted_through: req,
    admission_rate: opt,
    paused: req,
    poll: req,
});
read_struct!(JoinResponse {
    ticket: req,
    rejoined: req,
});
read_struct!(AdmissionClaims {
    key_id: req,
    admission_id: req,
    ticket_id: req,
    campaign_id: req,
    person_key_hash: req,
    issued_at: req,
    expires_at: req,
    extensions_used: req,
});
read_struct!(AdmitResponse {
    admission: req,
    extensions_left: req,
});
read_struct!(Health {
    status: req,
    server_time: req,
    rehearsal: or_default,
    real_time: opt,
});
read_struct!(CampaignSummary {
    id: req,
    names: req
});

impl FromJson for HealthStatus {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        one_of(value, at, &[("ok", HealthStatus::Ok)])
    }
}

impl FromJson for Verdict {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        let kind = one_of(m.get("kind").unwrap_or(&Json::Null), "kind", VERDICT_KINDS)?;
        Ok(match kind {
            VerdictKind::EligibleNow => Verdict::EligibleNow {
                cohort: m.req("cohort")?,
                closes_at: m.req("closes_at")?,
            },
            VerdictKind::NotYet => Verdict::NotYet {
                cohort: m.req("cohort")?,
                opens_at: m.req("opens_at")?,
            },
            VerdictKind::Closed => Verdict::Closed {
                cohort: m.req("cohort")?,
                closed_at: m.req("closed_at")?,
            },
            VerdictKind::NotEligible => Verdict::NotEligible {
                reason: m.req("reason")?,
            },
            VerdictKind::Invalid => Verdict::Invalid {
                errors: m.req("errors")?,
            },
        })
    }
}

/// Every verdict kind by its wire name.
const VERDICT_KINDS: &[(&str, VerdictKind)] = &[
    ("eligible_now", VerdictKind::EligibleNow),
    ("not_yet", VerdictKind::NotYet),
    ("closed", VerdictKind::Closed),
    ("not_eligible", VerdictKind::NotEligible),
    ("invalid", VerdictKind::Invalid),
];

impl FromJson for VerdictKind {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        one_of(value, at, VERDICT_KINDS)
    }
}

impl FromJson for NotEligibleReason {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let m = Members::of(value, at)?;
        match m.tag("code")? {
            "no_cohort_for_birth_date" => Ok(NotEligibleReason::NoCohortForBirthDate),
            "no_window_in_cohort" => Ok(NotEligibleReason::NoWindowInCohort {
                cohort: m.req("cohort")?,
                last_digit: m.req("last_digit")?,
            }),
            _ => Err(ReadError { at: "code" }),
        }
    }
}

impl FromJson for Field {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let name = super::text(value, at)?;
        Field::ALL
            .iter()
            .copied()
            .find(|field| field.as_str() == name)
            .ok_or(ReadError { at })
    }
}

impl FromJson for FieldErrorCode {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let name = super::text(value, at)?;
        FieldErrorCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
            .ok_or(ReadError { at })
    }
}

read_struct!(FieldError {
    code: req,
    field: req
});
read_struct!(PersonInput {
    name: or_default,
    birth_date: or_default,
    mobile: or_default,
    resident_number_front: opt,
});

impl FromJson for ErrorCode {
    /// A code this build does not know reads as [`ErrorCode::Unknown`], as with serde.
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        let name = super::text(value, at)?;
        Ok(ErrorCode::ALL
            .iter()
            .copied()
            .find(|code| code.as_str() == name)
            .unwrap_or(ErrorCode::Unknown))
    }
}

read_struct!(ApiError {
    code: req,
    field: opt,
    retry_after_s: opt,
    verdict: opt,
});

read_struct!(EligibilityResponse {
    verdict: req,
    rules_version: req,
    server_time: req,
});
read_struct!(SiteSummary {
    id: req,
    names: req,
    region: req,
    address: req,
    days: req,
});
read_struct!(DayOpen {
    day: req,
    remaining: req
});
read_struct!(DayAvailability {
    site_id: req,
    day: req,
    slots: req,
});
read_struct!(SlotAvailability {
    starts_at: req,
    ends_at: req,
    capacity: req,
    remaining: req,
});
read_struct!(BookingRequest {
    person: req,
    site_id: req,
    starts_at: req,
});

impl FromJson for BookingStatus {
    fn read(value: &Json, at: &'static str) -> Result<Self, ReadError> {
        one_of(
            value,
            at,
            &[
                ("confirmed", BookingStatus::Confirmed),
                ("cancelled", BookingStatus::Cancelled),
            ],
        )
    }
}

read_struct!(Booking {
    reference: req,
    campaign_id: req,
    site_id: req,
    starts_at: req,
    ends_at: req,
    admission_id: req,
    status: req,
    created_at: req,
});
read_struct!(BookingReceipt {
    booking: req,
    secret: req,
});

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use core::fmt::Debug;

    use serde::{de::DeserializeOwned, Serialize};
    use time::macros::{date, datetime};

    use super::*;
    use crate::campaign::Names;
    use crate::read::from_json;
    use crate::read::samples::{admission, booking_request, person, receipt, ticket};

    /// Writes `value` with serde, reads it back both with serde and here: all three agree.
    pub(crate) fn agrees<T>(value: &T)
    where
        T: Serialize + DeserializeOwned + FromJson + PartialEq + Debug,
    {
        let text = serde_json::to_string(value).unwrap();
        assert_eq!(from_json::<T>(&text).as_ref(), Ok(value), "{text}");
        assert_eq!(&serde_json::from_str::<T>(&text).unwrap(), value);
    }

    fn verdicts() -> Vec<Verdict> {
        vec![
            Verdict::EligibleNow {
                cohort: "c".into(),
                closes_at: datetime!(2021-07-24 18:00 +09:00),
            },
            Verdict::NotYet {
                cohort: "c".into(),
                opens_at: datetime!(2021-07-12 20:00 +09:00),
            },
            Verdict::Closed {
                cohort: "c".into(),
                closed_at: datetime!(2021-07-12 20:00 +09:00),
            },
            Verdict::NotEligible {
                reason: NotEligibleReason::NoCohortForBirthDate,
            },
            Verdict::NotEligible {
                reason: NotEligibleReason::NoWindowInCohort {
                    cohort: "c".into(),
                    last_digit: 7,
                },
            },
            Verdict::Invalid {
                errors: Field::ALL
                    .iter()
                    .zip(FieldErrorCode::ALL.iter().cycle())
                    .map(|(field, code)| FieldError::new(*field, *code))
                    .chain(
                        FieldErrorCode::ALL
                            .iter()
                            .map(|code| FieldError::new(Field::Name, *code)),
                    )
                    .collect(),
            },
        ]
    }

    #[test]
    fn queue_and_admission_replies_agree_with_serde() {
        agrees(&JoinResponse {
            ticket: ticket(QueuePlace::PreQueue { index: 7 }),
            rejoined: false,
        });
        agrees(&JoinResponse {
            ticket: ticket(QueuePlace::Ranked { rank: u64::MAX }),
            rejoined: true,
        });
        agrees(&admission());
        let mut state = QueueState {
            campaign_id: "kr".into(),
            rules_version: "abc".into(),
            server_time: datetime!(2021-07-12 20:00:05.25 UTC),
            opens_at: datetime!(2021-07-12 20:00 +09:00),
            seed_commitment: "00".into(),
            seed: Some("11".into()),
            pre_queue_size: Some(12_345),
            admitted_through: 10,
            admission_rate: Some(AdmissionRate {
                per_second: 12.5,
                spread_per_second: 0.1,
                window_s: 60,
            }),
            paused: true,
            poll: PollHints::default(),
        };
        agrees(&state);
        state.seed = None;
        state.pre_queue_size = None;
        state.admission_rate = None;
        agrees(&state);
        agrees(&Health {
            status: HealthStatus::Ok,
            server_time: datetime!(2021-07-12 19:59 +09:00),
            rehearsal: true,
            real_time: Some(datetime!(2026-11-22 10:00:00.123456789 UTC)),
        });
        agrees(&vec![CampaignSummary {
            id: "kr".into(),
            names: Names {
                ko: "사전예약".into(),
                en: "Pre-booking".into(),
            },
        }]);
    }

    #[test]
    fn defaults_and_unknown_members_read_as_serde_reads_them() {
        let text = r#"{"campaign_id":"c","server_time":"2021-07-12T20:00:05Z","extra":[{"x":1}],
            "opens_at":"2021-07-12T20:00:00Z","seed_commitment":"00","admitted_through":10,
            "paused":false,"poll":{"min_s":2,"max_s":60},"seed":null}"#;
        let serde: QueueState = serde_json::from_str(text).unwrap();
        assert_eq!(from_json::<QueueState>(text), Ok(serde));
        let health = r#"{"status":"ok","server_time":"2021-07-12T20:00:05Z"}"#;
        assert_eq!(
            from_json::<Health>(health),
            Ok(serde_json::from_str(health).unwrap())
        );
        let person = r#"{"name":"a"}"#;
        assert_eq!(
            from_json::<PersonInput>(person),
            Ok(serde_json::from_str(person).unwrap())
        );
    }

    #[test]
    fn verdicts_errors_and_people_agree_with_serde() {
        for verdict in verdicts() {
            agrees(&verdict);
            agrees(&EligibilityResponse {
                verdict: verdict.clone(),
                rules_version: "v".into(),
                server_time: datetime!(2021-07-12 20:00 +09:00),
            });
            if let Some(error) = ApiError::for_verdict(&verdict) {
                agrees(&error);
            }
        }
        for code in ErrorCode::ALL {
            agrees(&ApiError::new(*code).with_field("starts_at"));
        }
        let mut error = ApiError::new(ErrorCode::TooManyJoins);
        error.retry_after_s = Some(30);
        agrees(&error);
        agrees(&person(None));
        agrees(&person(Some("660701")));
        // A code from a newer server reads as Unknown on both sides.
        let newer = r#"{"code":"from_the_future"}"#;
        assert_eq!(
            from_json::<ApiError>(newer),
            Ok(serde_json::from_str(newer).unwrap())
        );
        assert_eq!(
            from_json::<ApiError>(newer).unwrap().code,
            ErrorCode::Unknown
        );
    }

    #[test]
    fn booking_replies_agree_with_serde() {
        agrees(&vec![SiteSummary {
            id: "s".into(),
            names: Names {
                ko: "가".into(),
                en: "A".into(),
            },
            region: Names {
                ko: "서울".into(),
                en: "Seoul".into(),
            },
            address: Names {
                ko: "주소".into(),
                en: "Address".into(),
            },
            days: vec![DayOpen {
                day: date!(2021 - 07 - 27),
                remaining: 3,
            }],
        }]);
        agrees(&DayAvailability {
            site_id: "s".into(),
            day: date!(2021 - 07 - 27),
            slots: vec![SlotAvailability {
                starts_at: datetime!(2021-07-27 09:00 +09:00),
                ends_at: datetime!(2021-07-27 09:30 +09:00),
                capacity: 20,
                remaining: 0,
            }],
        });
        for status in [BookingStatus::Confirmed, BookingStatus::Cancelled] {
            agrees(&receipt(status));
        }
        agrees(&booking_request(person(Some("660701"))));
    }

    #[test]
    fn wrong_shapes_are_errors_naming_the_member() {
        assert_eq!(
            from_json::<QueuePlace>(r#"{"kind":"ranked","rank":"5"}"#),
            Err(ReadError { at: "rank" })
        );
        assert_eq!(
            from_json::<QueuePlace>(r#"{"kind":"other"}"#),
            Err(ReadError { at: "kind" })
        );
        assert_eq!(
            from_json::<Verdict>(r#"{"kind":"eligible_now","cohort":"c","closes_at":"soon"}"#),
            Err(ReadError { at: "closes_at" })
        );
        assert_eq!(
            from_json::<FieldError>(r#"{"code":"required","field":"shoe_size"}"#),
            Err(ReadError { at: "field" })
        );
        assert_eq!(
            from_json::<Booking>(r#"[]"#),
            Err(ReadError { at: "value" })
        );
    }
}
