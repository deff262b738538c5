//! Golden test: the cohort × day table `check` prints for the Korean campaign, compared with
//! the checked-in `golden/kr-covid19-2021-07.check.txt`. Run with `UPDATE_GOLDEN=1` (natively)
//! to rewrite the file after an intended change, and review the diff.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use fairline_check::check_campaign;
use fairline_core::campaign::Campaign;

const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");
const KOREAN_GOLDEN: &str = include_str!("golden/kr-covid19-2021-07.check.txt");
const EXAMPLE: &str = include_str!("../../../campaigns/example.toml");
const EXAMPLE_GOLDEN: &str = include_str!("golden/example.check.txt");

fn compare_with_golden(rendered: &str, golden: &str, file_name: &str) {
    #[cfg(not(target_arch = "wasm32"))]
    if std::env::var_os("UPDATE_GOLDEN").is_some_and(|v| v == "1") {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden")
            .join(file_name);
        std::fs::write(&path, rendered).expect("golden file is writable");
        return;
    }
    assert!(
        rendered == golden,
        "the rendered check of {file_name} differs from the golden file \
         (rerun natively with UPDATE_GOLDEN=1 and review the diff)\n--- rendered ---\n{rendered}"
    );
}

#[test]
fn the_korean_table_matches_the_golden_file() {
    let report = check_campaign(&Campaign::from_toml_str(KOREAN).unwrap());
    assert!(report.passes());
    compare_with_golden(
        &report.render(),
        KOREAN_GOLDEN,
        "kr-covid19-2021-07.check.txt",
    );
}

#[test]
fn the_example_table_matches_the_golden_file() {
    let report = check_campaign(&Campaign::from_toml_str(EXAMPLE).unwrap());
    assert!(report.passes());
    compare_with_golden(&report.render(), EXAMPLE_GOLDEN, "example.check.txt");
}
