//! Eligibility against the shipped campaign files, on both targets.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use fairline_core::campaign::Campaign;
use fairline_core::eligibility::{
    evaluate, evaluate_input, NotEligibleReason, Verdict, VerdictKind,
};
use fairline_core::person::{FieldErrorCode, PersonInput};
use time::macros::datetime;

const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");

fn input(birth_date: &str) -> PersonInput {
    PersonInput {
        name: "홍길동".into(),
        birth_date: birth_date.into(),
        mobile: "010-9876-5432".into(),
        resident_number_front: None,
    }
}

#[test]
fn eligible_53_54_year_olds_are_told_so_all_through_their_window() {
    let campaign = Campaign::from_toml_str(KOREAN).unwrap();
    for born in ["1967-01-01", "1967-05-01", "1968-07-20", "1968-12-31"] {
        for at in [
            datetime!(2021-07-19 20:00 +9),
            datetime!(2021-07-19 20:30 +9),
            datetime!(2021-07-20 03:00 +9),
            datetime!(2021-07-20 17:59:59 +9),
        ] {
            let verdict = evaluate_input(&campaign, &input(born), at);
            assert_eq!(
                verdict,
                Verdict::EligibleNow {
                    cohort: "age-53-54".into(),
                    closes_at: datetime!(2021-07-20 18:00 +9)
                },
                "born {born} at {at}"
            );
        }
    }
}

#[test]
fn every_rota_digit_books_on_its_own_day() {
    let campaign = Campaign::from_toml_str(KOREAN).unwrap();
    // Digit 9 on 9 August, then 0, 1, …, 8 on the following days.
    for (offset_days, digit) in [9u8, 0, 1, 2, 3, 4, 5, 6, 7, 8].into_iter().enumerate() {
        let day = 9 + offset_days as u8;
        let born = format!("1990-01-{:02}", if digit == 0 { 10 } else { digit });
        let opens = time::Date::from_calendar_date(2021, time::Month::August, day)
            .unwrap()
            .with_hms(20, 0, 0)
            .unwrap()
            .assume_offset(campaign.local_offset());
        let person = input(&born).parse().unwrap();
        let before = evaluate(&campaign, &person, opens - time::Duration::SECOND);
        assert_eq!(
            before.kind(),
            VerdictKind::NotYet,
            "digit {digit}: {before:?}"
        );
        let during = evaluate(&campaign, &person, opens);
        assert_eq!(
            during,
            Verdict::EligibleNow {
                cohort: "age-18-49".into(),
                closes_at: opens + time::Duration::hours(22)
            },
            "digit {digit}"
        );
    }
}

#[test]
fn invalid_and_ineligible_people_get_reasons() {
    let campaign = Campaign::from_toml_str(KOREAN).unwrap();
    let at = datetime!(2021-07-19 20:30 +9);
    let Verdict::Invalid { errors } = evaluate_input(&campaign, &PersonInput::default(), at) else {
        panic!("empty input is invalid");
    };
    assert!(errors.iter().all(|e| e.code == FieldErrorCode::Required));
    assert_eq!(errors.len(), 3);
    assert_eq!(
        evaluate_input(&campaign, &input("1950-06-01"), at),
        Verdict::NotEligible {
            reason: NotEligibleReason::NoCohortForBirthDate
        }
    );
}

#[test]
fn the_widget_document_round_trips_and_keeps_its_rules_version() {
    let campaign = Campaign::from_toml_str(KOREAN).unwrap();
    let json = campaign.to_json();
    let widget_copy = Campaign::from_json_str(&json).unwrap();
    assert_eq!(widget_copy, campaign);
    assert_eq!(widget_copy.rules_version, campaign.compute_rules_version());
    let at = datetime!(2021-07-19 20:30 +9);
    assert_eq!(
        evaluate_input(&widget_copy, &input("1967-05-01"), at),
        evaluate_input(&campaign, &input("1967-05-01"), at)
    );
}
