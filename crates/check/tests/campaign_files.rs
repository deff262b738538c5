//! The campaign check on the shipped campaign files, on both targets.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use fairline_check::{check_campaign, FindingCode};
use fairline_core::campaign::Campaign;

const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");
const EXAMPLE: &str = include_str!("../../../campaigns/example.toml");

const WINDOW_53_54: &str =
    r#"window = { opens = "2021-07-19T20:00:00+09:00", closes = "2021-07-20T18:00:00+09:00" }"#;
const WINDOW_50_52: &str =
    r#"window = { opens = "2021-07-20T20:00:00+09:00", closes = "2021-07-24T18:00:00+09:00" }"#;

fn korean_with_53_54_and_50_52_windows_swapped() -> String {
    assert_eq!(KOREAN.matches(WINDOW_53_54).count(), 1);
    assert_eq!(KOREAN.matches(WINDOW_50_52).count(), 1);
    KOREAN
        .replace(WINDOW_53_54, "@@53@@")
        .replace(WINDOW_50_52, WINDOW_53_54)
        .replace("@@53@@", WINDOW_50_52)
}

#[test]
fn the_shipped_campaigns_pass_their_check() {
    for text in [KOREAN, EXAMPLE] {
        let campaign = Campaign::from_toml_str(text).unwrap();
        let report = check_campaign(&campaign);
        assert!(report.passes(), "{}", report.render());
        assert!(!report.examples.is_empty());
        assert!(report.examples.iter().all(|e| e.holds));
    }
}

#[test]
fn swapping_the_53_54_and_50_52_windows_fails_naming_the_cohort_and_the_example() {
    let swapped = Campaign::from_toml_str(&korean_with_53_54_and_50_52_windows_swapped()).unwrap();
    let report = check_campaign(&swapped);
    assert!(!report.passes());
    let failed: Vec<_> = report.findings_with(FindingCode::ExampleFailed).collect();
    let the_2021_error = failed
        .iter()
        .find(|f| {
            f.example
                .as_deref()
                .is_some_and(|e| e.starts_with("the July 2021 error"))
        })
        .expect("the July 2021 example fails");
    assert_eq!(the_2021_error.cohort.as_deref(), Some("age-53-54"));
    assert!(the_2021_error
        .message
        .contains("expected eligible_now in cohort age-53-54"));
    assert!(the_2021_error.message.contains("got not_yet in age-53-54"));
    let rendered = report.render();
    assert!(
        rendered.contains("example_failed [cohort age-53-54, example \"the July 2021 error"),
        "{rendered}"
    );
    assert!(rendered.contains("FAILS"));
    // The rules changed, so the rules version did too.
    assert_ne!(
        swapped.rules_version,
        Campaign::from_toml_str(KOREAN).unwrap().rules_version
    );
}
