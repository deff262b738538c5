//! Eligibility: who may book now, later, no longer, or not at all — the one rule the widget and
//! the server both run.
//!
//! [`evaluate`] takes the campaign, a parsed person and the server's time (core never reads a
//! clock) and returns a [`Verdict`]. Ages are international ("만") ages; windows are
//! `[opens, closes)` compared as instants, so a window that closes at 18:00 +09:00 is open at
//! 17:59:59 and closed at 18:00:00 whatever offset the caller's instant is written in. Times in a
//! verdict are given in the campaign's offset.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use crate::campaign::VerdictKind;
use crate::campaign::{Campaign, Window};
use crate::person::{Field, FieldError, FieldErrorCode, Person, PersonInput};

/// What a person may do at a given server time, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Verdict {
    /// The person may book now, until `closes_at`.
    EligibleNow {
        /// The cohort they book in.
        cohort: String,
        /// When their window closes.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        closes_at: OffsetDateTime,
    },
    /// The person's window opens at `opens_at`.
    NotYet {
        /// The cohort they will book in.
        cohort: String,
        /// When their window opens.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        opens_at: OffsetDateTime,
    },
    /// The person's window closed at `closed_at`.
    Closed {
        /// The cohort they were in.
        cohort: String,
        /// When their window closed.
        #[serde(with = "time::serde::rfc3339")]
        #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
        closed_at: OffsetDateTime,
    },
    /// The campaign is not for this person.
    NotEligible {
        /// Why not.
        reason: NotEligibleReason,
    },
    /// The input is wrong; nothing was decided.
    Invalid {
        /// Every field error.
        errors: Vec<FieldError>,
    },
}

/// Why a campaign is not for someone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NotEligibleReason {
    /// No cohort takes this date of birth.
    NoCohortForBirthDate,
    /// The cohort's rota (or the cohort itself) has no window for this person.
    NoWindowInCohort {
        /// The cohort.
        cohort: String,
        /// The last digit of the person's day of birth.
        last_digit: u8,
    },
}

impl NotEligibleReason {
    /// The stable code, e.g. `no_cohort_for_birth_date`.
    pub fn code(&self) -> &'static str {
        match self {
            NotEligibleReason::NoCohortForBirthDate => "no_cohort_for_birth_date",
            NotEligibleReason::NoWindowInCohort { .. } => "no_window_in_cohort",
        }
    }
}

impl Verdict {
    /// The verdict's kind.
    pub fn kind(&self) -> VerdictKind {
        match self {
            Verdict::EligibleNow { .. } => VerdictKind::EligibleNow,
            Verdict::NotYet { .. } => VerdictKind::NotYet,
            Verdict::Closed { .. } => VerdictKind::Closed,
            Verdict::NotEligible { .. } => VerdictKind::NotEligible,
            Verdict::Invalid { .. } => VerdictKind::Invalid,
        }
    }

    /// The cohort the verdict is about, if it names one.
    pub fn cohort(&self) -> Option<&str> {
        match self {
            Verdict::EligibleNow { cohort, .. }
            | Verdict::NotYet { cohort, .. }
            | Verdict::Closed { cohort, .. } => Some(cohort),
            Verdict::NotEligible {
                reason: NotEligibleReason::NoWindowInCohort { cohort, .. },
            } => Some(cohort),
            Verdict::NotEligible { .. } | Verdict::Invalid { .. } => None,
        }
    }
}

/// The verdict for `person` at `server_now`.
///
/// If several cohorts take the person (a campaign `check` refuses that unless their windows
/// agree), the first open window wins, else the soonest to open, else the latest to have closed.
pub fn evaluate(campaign: &Campaign, person: &Person, server_now: OffsetDateTime) -> Verdict {
    let born = person.birth_date.date();
    let today = campaign.local(server_now).date();
    if born > today {
        return Verdict::Invalid {
            errors: vec![FieldError::new(
                Field::BirthDate,
                FieldErrorCode::BirthDateInFuture,
            )],
        };
    }
    let last_digit = person.birth_date.last_digit();
    let members: Vec<_> = campaign.cohorts.iter().filter(|c| c.admits(born)).collect();
    let Some(first_member) = members.first() else {
        return Verdict::NotEligible {
            reason: NotEligibleReason::NoCohortForBirthDate,
        };
    };
    let windows: Vec<(&str, Window)> = members
        .iter()
        .filter_map(|c| c.window_for_digit(last_digit).map(|w| (c.id.as_str(), w)))
        .collect();
    let local = |instant| campaign.local(instant);
    if let Some((cohort, window)) = windows.iter().find(|(_, w)| w.contains(server_now)) {
        return Verdict::EligibleNow {
            cohort: (*cohort).to_owned(),
            closes_at: local(window.closes),
        };
    }
    if let Some((cohort, window)) = windows
        .iter()
        .filter(|(_, w)| server_now < w.opens)
        .min_by_key(|(_, w)| w.opens)
    {
        return Verdict::NotYet {
            cohort: (*cohort).to_owned(),
            opens_at: local(window.opens),
        };
    }
    if let Some((cohort, window)) = windows.iter().max_by_key(|(_, w)| w.closes) {
        return Verdict::Closed {
            cohort: (*cohort).to_owned(),
            closed_at: local(window.closes),
        };
    }
    Verdict::NotEligible {
        reason: NotEligibleReason::NoWindowInCohort {
            cohort: first_member.id.clone(),
            last_digit,
        },
    }
}

/// Parses what a citizen typed and evaluates it: [`Verdict::Invalid`] with every field error if
/// the input does not parse.
pub fn evaluate_input(
    campaign: &Campaign,
    input: &PersonInput,
    server_now: OffsetDateTime,
) -> Verdict {
    match input.parse() {
        Ok(person) => evaluate(campaign, &person, server_now),
        Err(errors) => Verdict::Invalid { errors },
    }
}

/// The join rule, the same in the widget (before it offers the button) and the server (before
/// it issues a ticket): the verdict at `server_now`, or at the queue's opening while the opening
/// is still ahead (a join before the opening enters the fair pre-queue and is judged at the
/// opening instant). Only [`Verdict::EligibleNow`] may join.
pub fn join_verdict(
    campaign: &Campaign,
    input: &PersonInput,
    server_now: OffsetDateTime,
) -> Verdict {
    evaluate_input(campaign, input, server_now.max(campaign.opens_at))
}

/// Whether [`join_verdict`] lets this person join.
pub fn may_join(campaign: &Campaign, input: &PersonInput, server_now: OffsetDateTime) -> bool {
    matches!(
        join_verdict(campaign, input, server_now),
        Verdict::EligibleNow { .. }
    )
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use time::macros::datetime;

    const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");

    fn person(birth_date: &str) -> Person {
        PersonInput {
            name: "김민준".into(),
            birth_date: birth_date.into(),
            mobile: "010-1234-5678".into(),
            resident_number_front: None,
        }
        .parse()
        .unwrap()
    }

    #[test]
    fn the_2021_error_is_not_repeated() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let verdict = evaluate(
            &campaign,
            &person("1967-05-01"),
            datetime!(2021-07-19 20:30 +9),
        );
        assert_eq!(
            verdict,
            Verdict::EligibleNow {
                cohort: "age-53-54".into(),
                closes_at: datetime!(2021-07-20 18:00 +9),
            }
        );
    }

    #[test]
    fn windows_are_exact_to_the_second_in_any_offset() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let born_1968 = person("1968-12-31");
        let at = |instant| evaluate(&campaign, &born_1968, instant).kind();
        assert_eq!(at(datetime!(2021-07-19 19:59:59 +9)), VerdictKind::NotYet);
        assert_eq!(at(datetime!(2021-07-19 20:00 +9)), VerdictKind::EligibleNow);
        assert_eq!(
            at(datetime!(2021-07-19 11:00 UTC)),
            VerdictKind::EligibleNow
        );
        assert_eq!(
            at(datetime!(2021-07-20 17:59:59 +9)),
            VerdictKind::EligibleNow
        );
        assert_eq!(at(datetime!(2021-07-20 18:00 +9)), VerdictKind::Closed);
        assert_eq!(at(datetime!(2021-07-20 09:00 UTC)), VerdictKind::Closed);
    }

    #[test]
    fn verdict_times_are_in_the_campaign_offset() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let verdict = evaluate(
            &campaign,
            &person("1970-01-01"),
            datetime!(2021-07-01 00:00 UTC),
        );
        let Verdict::NotYet { cohort, opens_at } = &verdict else {
            panic!("{verdict:?}")
        };
        assert_eq!(cohort, "age-50-52");
        assert_eq!(opens_at.offset().whole_hours(), 9);
        assert_eq!(*opens_at, datetime!(2021-07-20 20:00 +9));
    }

    #[test]
    fn the_rota_books_by_the_last_digit_of_the_day_of_birth() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let on_9_aug = datetime!(2021-08-09 20:00 +9);
        assert_eq!(
            evaluate(&campaign, &person("1985-03-19"), on_9_aug),
            Verdict::EligibleNow {
                cohort: "age-18-49".into(),
                closes_at: datetime!(2021-08-10 18:00 +9)
            }
        );
        assert_eq!(
            evaluate(&campaign, &person("1985-03-10"), on_9_aug),
            Verdict::NotYet {
                cohort: "age-18-49".into(),
                opens_at: datetime!(2021-08-10 20:00 +9)
            }
        );
        assert_eq!(
            evaluate(&campaign, &person("1985-03-08"), on_9_aug),
            Verdict::NotYet {
                cohort: "age-18-49".into(),
                opens_at: datetime!(2021-08-18 20:00 +9)
            }
        );
    }

    #[test]
    fn outsiders_future_births_and_bad_input_get_reasons() {
        let campaign = Campaign::from_toml_str(KOREAN).unwrap();
        let now = datetime!(2021-07-19 20:30 +9);
        assert_eq!(
            evaluate(&campaign, &person("1961-12-31"), now),
            Verdict::NotEligible {
                reason: NotEligibleReason::NoCohortForBirthDate
            }
        );
        let future = evaluate(&campaign, &person("2021-07-20"), now);
        assert_eq!(future.kind(), VerdictKind::Invalid);
        // Born "today" in Seoul while it is still yesterday in UTC is not the future.
        let today_in_seoul = evaluate(
            &campaign,
            &person("2021-07-20"),
            datetime!(2021-07-19 15:30 UTC),
        );
        assert_eq!(today_in_seoul.kind(), VerdictKind::NotEligible);
        let input = PersonInput {
            birth_date: "1967-02-30".into(),
            ..PersonInput::default()
        };
        let Verdict::Invalid { errors } = evaluate_input(&campaign, &input, now) else {
            panic!("expected invalid")
        };
        assert_eq!(errors.len(), 3);
    }

    #[test]
    fn verdicts_are_tagged_json() {
        let verdict = Verdict::NotYet {
            cohort: "age-50-52".into(),
            opens_at: datetime!(2021-07-20 20:00 +9),
        };
        let json = serde_json::to_string(&verdict).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"not_yet","cohort":"age-50-52","opens_at":"2021-07-20T20:00:00+09:00"}"#
        );
        assert_eq!(serde_json::from_str::<Verdict>(&json).unwrap(), verdict);
        let not_eligible = Verdict::NotEligible {
            reason: NotEligibleReason::NoCohortForBirthDate,
        };
        let json = serde_json::to_string(&not_eligible).unwrap();
        assert_eq!(
            json,
            r#"{"kind":"not_eligible","reason":{"code":"no_cohort_for_birth_date"}}"#
        );
        assert_eq!(
            serde_json::from_str::<Verdict>(&json).unwrap(),
            not_eligible
        );
    }
}
