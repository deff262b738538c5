//! Property tests (native only): random people × random instants × the shipped campaigns.
//! `evaluate` is total, never panics, and agrees with the windows read straight from the file;
//! every kind of bad input in every field yields a coded error, never a panic.
#![cfg(not(target_arch = "wasm32"))]

use fairline_core::campaign::{AgeRange, Campaign};
use fairline_core::eligibility::{evaluate, evaluate_input, NotEligibleReason, Verdict};
use fairline_core::person::{
    BirthDate, Field, FieldErrorCode, MobileNumber, Name, PersonInput, ResidentNumberFront,
};
use proptest::prelude::*;
use time::{Date, Duration, OffsetDateTime, UtcOffset};

const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");
const EXAMPLE: &str = include_str!("../../../campaigns/example.toml");

/// The shipped campaigns, parsed once.
fn campaigns() -> &'static [Campaign] {
    static CAMPAIGNS: std::sync::LazyLock<Vec<Campaign>> = std::sync::LazyLock::new(|| {
        [KOREAN, EXAMPLE]
            .iter()
            .map(|t| Campaign::from_toml_str(t).unwrap())
            .collect()
    });
    &CAMPAIGNS
}

fn date_in(from_year: i32, to_year: i32) -> impl Strategy<Value = Date> {
    let from = Date::from_calendar_date(from_year, time::Month::January, 1).unwrap();
    let days = Date::from_calendar_date(to_year, time::Month::December, 31).unwrap() - from;
    (0..=days.whole_days()).prop_map(move |d| from + Duration::days(d))
}

/// Instants around the campaigns, with whole-minute offsets from -12:00 to +14:00, biased
/// towards exact minutes so window boundaries are hit.
fn instant() -> impl Strategy<Value = OffsetDateTime> {
    let start = OffsetDateTime::from_unix_timestamp(1_609_459_200).unwrap(); // 2021-01-01
    let span_minutes = 6 * 366 * 24 * 60i64;
    (
        0..span_minutes,
        prop_oneof![Just(0i64), 0..60i64],
        -48..=56i8,
    )
        .prop_map(move |(minute, second, quarter_hours)| {
            let offset = UtcOffset::from_whole_seconds(i32::from(quarter_hours) * 900).unwrap();
            (start + Duration::minutes(minute) + Duration::seconds(second)).to_offset(offset)
        })
}

fn input_for(born: Date) -> PersonInput {
    PersonInput {
        name: "Kim Min-jun".into(),
        birth_date: format!(
            "{:04}-{:02}-{:02}",
            born.year(),
            u8::from(born.month()),
            born.day()
        ),
        mobile: "+82 10 1234 5678".into(),
        resident_number_front: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn evaluate_agrees_with_the_windows(born in date_in(1890, 2030), now in instant()) {
        for campaign in campaigns() {
            let person = input_for(born).parse().unwrap();
            let verdict = evaluate(campaign, &person, now);
            let today = now.to_offset(campaign.local_offset()).date();
            let member = campaign.cohorts.iter().find(|c| c.admits(born));
            match (&verdict, member) {
                (Verdict::Invalid { errors }, _) => {
                    prop_assert!(born > today);
                    prop_assert_eq!(errors[0].code, FieldErrorCode::BirthDateInFuture);
                }
                (Verdict::NotEligible { reason }, None) => {
                    prop_assert!(born <= today);
                    prop_assert_eq!(reason, &NotEligibleReason::NoCohortForBirthDate);
                }
                (_, None) => prop_assert!(false, "{:?} for someone in no cohort", verdict),
                (_, Some(cohort)) => {
                    prop_assert!(born <= today);
                    prop_assert_eq!(verdict.cohort(), Some(cohort.id.as_str()));
                    let window = cohort.window_for_digit(born.day() % 10).unwrap();
                    match &verdict {
                        Verdict::EligibleNow { closes_at, .. } => {
                            prop_assert!(window.opens <= now && now < window.closes);
                            prop_assert_eq!(*closes_at, window.closes);
                            prop_assert_eq!(closes_at.offset(), campaign.local_offset());
                        }
                        Verdict::NotYet { opens_at, .. } => {
                            prop_assert!(now < window.opens);
                            prop_assert_eq!(*opens_at, window.opens);
                        }
                        Verdict::Closed { closed_at, .. } => {
                            prop_assert!(now >= window.closes);
                            prop_assert_eq!(*closed_at, window.closes);
                        }
                        other => prop_assert!(false, "unexpected {:?}", other),
                    }
                }
            }
            // Serialised verdicts read back the same (what the server sends, the widget reads).
            let json = serde_json::to_string(&verdict).unwrap();
            prop_assert_eq!(serde_json::from_str::<Verdict>(&json).unwrap(), verdict);
        }
    }

    #[test]
    fn evaluate_input_is_total_on_any_strings(
        name in any::<String>(),
        birth_date in prop_oneof![any::<String>(), "[0-9]{4}-[0-9]{2}-[0-9]{2}", "[0-9]{8}"],
        mobile in prop_oneof![any::<String>(), "\\+?[0-9 -]{0,20}"],
        resident in proptest::option::of(prop_oneof![any::<String>(), "[0-9]{6}-?[0-9]{1,8}"]),
        now in instant(),
    ) {
        let input = PersonInput { name, birth_date, mobile, resident_number_front: resident };
        for campaign in campaigns() {
            let verdict = evaluate_input(campaign, &input, now);
            if let Verdict::Invalid { errors } = &verdict {
                prop_assert!(!errors.is_empty());
                for error in errors {
                    let api = fairline_core::error::ApiError::from(error);
                    prop_assert_eq!(api.code.as_str(), error.code.as_str());
                    prop_assert_eq!(api.field.as_deref(), Some(error.field.as_str()));
                }
            }
        }
    }

    #[test]
    fn bad_names_get_coded_errors(
        name in prop_oneof![
            "[ \\t\\n]{0,5}",
            "[a-z]{0,5}[0-9!@#$%^&*()_=+<>?/\\\\|{}~\\x00-\\x08\\x0e-\\x1f]{1,3}[a-z]{0,5}",
            "[가-힣]{65,80}",
            "[-.' ]{1,10}",
        ]
    ) {
        let error = Name::parse(&name).unwrap_err();
        prop_assert_eq!(error.field, Field::Name);
        prop_assert!(matches!(
            error.code,
            FieldErrorCode::Required | FieldErrorCode::TooLong
                | FieldErrorCode::NameInvalidCharacters | FieldErrorCode::NameNoLetters
        ));
    }

    #[test]
    fn bad_birth_dates_get_coded_errors(
        raw in prop_oneof![
            // Impossible days: day 32–99, or month 0 / 13–99.
            (1800..2200i32, 1..=12u32, 32..=99u32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            (1800..2200i32, prop_oneof![Just(0u32), 13..=99u32], 1..=28u32).prop_map(|(y, m, d)| format!("{y:04}-{m:02}-{d:02}")),
            // 29–31 of months too short for them (or 29 February of common years).
            (1800..2200i32, 29..=31u32).prop_filter_map("exists", |(y, d)| {
                let leap = time::util::is_leap_year(y);
                (d > 29 || !leap).then(|| format!("{y:04}-02-{d:02}"))
            }),
            // Years out of range, including year 0 and the far future.
            prop_oneof![0..1800i32, 2200..=9999i32].prop_map(|y| format!("{y:04}-01-01")),
            // Not a date at all.
            "[^0-9]{0,12}",
            "[0-9]{1,7}|[0-9]{9,12}",
        ]
    ) {
        let error = BirthDate::parse(&raw).unwrap_err();
        prop_assert_eq!(error.field, Field::BirthDate);
        prop_assert!(matches!(
            error.code,
            FieldErrorCode::Required | FieldErrorCode::TooLong | FieldErrorCode::DateFormat
                | FieldErrorCode::DateNotACalendarDate | FieldErrorCode::DateOutOfRange
        ), "{:?} for {:?}", error.code, raw);
    }

    #[test]
    fn valid_korean_mobiles_parse_and_bad_ones_get_coded_errors(
        middle in 0..10_000u32,
        last in 0..10_000u32,
        bad in prop_oneof![
            "0[2-9][0-9]-[0-9]{3,4}-[0-9]{4}",     // landlines and others: not mobile
            "010-[0-9]{3}-[0-9]{4}",                // too short for 010
            "010[0-9]{9,12}",                       // too long
            "[a-zA-Z가-힣]{1,10}",                   // not a number
            "\\+[0-9]{0,6}",                        // too short for E.164
            "[ ]{0,3}",                             // empty
        ],
    ) {
        let good = format!("010-{middle:04}-{last:04}");
        let number = MobileNumber::parse(&good).unwrap();
        prop_assert_eq!(number.e164(), format!("+8210{middle:04}{last:04}"));
        prop_assert_eq!(number.display_national(), good);
        let error = MobileNumber::parse(&bad).unwrap_err();
        prop_assert_eq!(error.field, Field::Mobile);
        prop_assert!(matches!(
            error.code,
            FieldErrorCode::Required | FieldErrorCode::MobileFormat | FieldErrorCode::MobileNotMobile
        ), "{:?} for {:?}", error.code, bad);
    }

    #[test]
    fn resident_number_fronts_agree_with_their_birth_dates(born in date_in(1800, 2099), digit in 0..10u8) {
        let century_digit = match born.year() / 100 {
            18 => [9u8, 0][usize::from(digit % 2)],
            19 => [1u8, 2, 5, 6][usize::from(digit % 4)],
            _ => [3u8, 4, 7, 8][usize::from(digit % 4)],
        };
        let raw = format!(
            "{:02}{:02}{:02}-{century_digit}",
            born.year() % 100,
            u8::from(born.month()),
            born.day()
        );
        let front = ResidentNumberFront::parse(&raw).unwrap();
        prop_assert_eq!(front.birth_date(), born);
        // With the birth date it agrees; a century away it does not.
        let mut input = input_for(born);
        input.resident_number_front = Some(raw.clone());
        prop_assert!(input.parse().is_ok());
        if let Some(other_century) = Date::from_calendar_date(born.year() + 100, born.month(), born.day())
            .ok()
            .filter(|d| d.year() <= 2199)
        {
            let errors = input_for(other_century)
                .parse()
                .map(|_| Vec::new())
                .unwrap_or_else(|e| e);
            let mut mismatched = input_for(other_century);
            mismatched.resident_number_front = Some(raw);
            let mismatch = mismatched.parse().unwrap_err();
            prop_assert!(errors.is_empty());
            prop_assert_eq!(mismatch[0].code, FieldErrorCode::ResidentNumberMismatch);
        }
    }

    #[test]
    fn bad_resident_number_fronts_get_coded_errors(
        raw in prop_oneof![
            "[0-9]{0,5}",
            "[0-9]{6}-[0-9]{2,7}",
            "[0-9]{2}(1[3-9]|00)[0-2][0-9]-[0-9]",
            "[0-9]{6}-[a-z]",
            "[a-z가-힣]{1,8}",
        ]
    ) {
        let error = ResidentNumberFront::parse(&raw).unwrap_err();
        prop_assert_eq!(error.field, Field::ResidentNumberFront);
        prop_assert!(matches!(
            error.code,
            FieldErrorCode::Required | FieldErrorCode::ResidentNumberFormat
                | FieldErrorCode::ResidentNumberTooManyDigits
                | FieldErrorCode::ResidentNumberNotACalendarDate
        ), "{:?} for {:?}", error.code, raw);
    }

    #[test]
    fn age_ranges_and_their_birth_dates_agree(
        on in date_in(1990, 2040),
        min in 0..120u16,
        span in 0..40u16,
        born in date_in(1850, 2040),
    ) {
        let ages = AgeRange { min, max: min + span, on };
        let range = ages.birth_dates().unwrap();
        prop_assert_eq!(ages.admits(born), range.contains(born), "{:?} {:?}", ages, range);
    }
}

#[test]
fn huge_and_strange_inputs_are_refused_without_panicking() {
    let campaign = Campaign::from_toml_str(KOREAN).unwrap();
    let huge = "9".repeat(1 << 20);
    let strange = [
        "\u{0}",
        "\u{FEFF}",
        "𝟙𝟡𝟞𝟟-𝟘𝟝-𝟘𝟙",
        "\u{202E}1967-05-01",
        "١٩٦٧-٠٥-٠١",
        &huge,
    ];
    let now = OffsetDateTime::from_unix_timestamp(1_626_694_200).unwrap();
    for raw in strange {
        let input = PersonInput {
            name: raw.to_owned(),
            birth_date: raw.to_owned(),
            mobile: raw.to_owned(),
            resident_number_front: Some(raw.to_owned()),
        };
        let Verdict::Invalid { errors } = evaluate_input(&campaign, &input, now) else {
            panic!("{raw:?} accepted");
        };
        let fields: Vec<Field> = errors.iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                Field::Name,
                Field::BirthDate,
                Field::Mobile,
                Field::ResidentNumberFront
            ],
            "{raw:?}"
        );
    }
    // The extremes of time do not break evaluation either.
    let person = input_for(Date::from_calendar_date(1967, time::Month::May, 1).unwrap())
        .parse()
        .unwrap();
    for now in [
        OffsetDateTime::new_utc(Date::MIN, time::Time::MIDNIGHT),
        OffsetDateTime::new_utc(Date::MAX, time::Time::MAX),
        OffsetDateTime::new_in_offset(
            Date::MAX,
            time::Time::MAX,
            UtcOffset::from_hms(-25, -59, -59).unwrap(),
        ),
    ] {
        let _ = evaluate(&campaign, &person, now);
    }
}
