//! Campaign check: a campaign proves itself before it opens. Only the server's `check` command
//! and its refusal to open a failing campaign use this crate; the widget never does, so it lives
//! outside `fairline-core`.
//!
//! [`check_campaign`] runs the file's examples through core's
//! [`fairline_core::eligibility::evaluate_input`] and lints the rules — overlapping cohorts, gaps
//! in the declared coverage, reversed or empty windows, windows outside the campaign period,
//! rotas that miss a digit — and builds the cohort × day table an operator reads to see what
//! citizens will see. `fairline-server check` prints [`CheckReport::render`] and exits non-zero
//! unless [`CheckReport::passes`]; the server refuses to serve a campaign that does not pass.
//!
//! One concern a module: [`lints`] (the rules), [`examples`] (the file's examples), [`table`]
//! (the cohort × day table) and [`render`] (the terminal layout).

pub mod examples;
pub mod lints;
pub mod render;
pub mod table;

use serde::{Deserialize, Serialize};
use time::Date;

use fairline_core::campaign::{Campaign, Example};
use fairline_core::eligibility::Verdict;

use crate::examples::run_examples;
use crate::lints::{lint_campaign, lint_cohort, lint_coverage, lint_overlaps, lint_sites};
use crate::render::{format_date, format_instant};
use crate::table::build_table;

/// The longest span of days the table shows; a campaign whose windows span more is summarised.
pub const MAX_TABLE_DAYS: i64 = 400;

/// Stable codes for everything `check` can find wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingCode {
    /// An example's verdict is not the one it expects.
    ExampleFailed,
    /// An example names a cohort the campaign does not have.
    ExampleUnknownCohort,
    /// The campaign has no cohorts.
    NoCohorts,
    /// Two cohorts share an id.
    DuplicateCohortId,
    /// A cohort states both `born` and `ages`.
    CohortBornAndAges,
    /// A cohort states neither `born` nor `ages`.
    CohortWithoutMembers,
    /// A birth range ends before it starts, or an age range's `min` exceeds its `max`.
    BirthRangeReversed,
    /// A cohort states both `window` and `rota`.
    CohortWindowAndRota,
    /// A cohort states neither `window` nor `rota`.
    CohortWithoutWindow,
    /// A window closes before it opens.
    WindowReversed,
    /// A window closes when it opens.
    WindowEmpty,
    /// A window starts before or ends after the campaign period.
    WindowOutsidePeriod,
    /// A rota names a digit outside 0–9.
    RotaDigitOutOfRange,
    /// A rota gives one digit two days.
    RotaDuplicateDigit,
    /// A rota gives a digit no day.
    RotaMissingDigit,
    /// A birth date is in two cohorts whose windows differ.
    CohortOverlap,
    /// Birth dates inside the declared coverage that no cohort takes.
    CoverageGap,
    /// A cohort takes birth dates outside the declared coverage.
    CohortOutsideCoverage,
    /// The campaign declares no coverage.
    CoverageMissing,
    /// The coverage ends before it starts.
    CoverageReversed,
    /// The campaign declares no period.
    PeriodMissing,
    /// The period ends before (or when) it starts.
    PeriodReversed,
    /// The queue opens after the first booking window does.
    QueueOpensAfterFirstWindow,
    /// Two sites share an id.
    DuplicateSiteId,
    /// A site's last day is before its first day.
    SiteDaysReversed,
    /// A site offers no slots, or a slot has no capacity or no length.
    SiteWithoutCapacity,
}

impl FindingCode {
    /// The stable snake_case code.
    pub fn as_str(self) -> &'static str {
        match self {
            FindingCode::ExampleFailed => "example_failed",
            FindingCode::ExampleUnknownCohort => "example_unknown_cohort",
            FindingCode::NoCohorts => "no_cohorts",
            FindingCode::DuplicateCohortId => "duplicate_cohort_id",
            FindingCode::CohortBornAndAges => "cohort_born_and_ages",
            FindingCode::CohortWithoutMembers => "cohort_without_members",
            FindingCode::BirthRangeReversed => "birth_range_reversed",
            FindingCode::CohortWindowAndRota => "cohort_window_and_rota",
            FindingCode::CohortWithoutWindow => "cohort_without_window",
            FindingCode::WindowReversed => "window_reversed",
            FindingCode::WindowEmpty => "window_empty",
            FindingCode::WindowOutsidePeriod => "window_outside_period",
            FindingCode::RotaDigitOutOfRange => "rota_digit_out_of_range",
            FindingCode::RotaDuplicateDigit => "rota_duplicate_digit",
            FindingCode::RotaMissingDigit => "rota_missing_digit",
            FindingCode::CohortOverlap => "cohort_overlap",
            FindingCode::CoverageGap => "coverage_gap",
            FindingCode::CohortOutsideCoverage => "cohort_outside_coverage",
            FindingCode::CoverageMissing => "coverage_missing",
            FindingCode::CoverageReversed => "coverage_reversed",
            FindingCode::PeriodMissing => "period_missing",
            FindingCode::PeriodReversed => "period_reversed",
            FindingCode::QueueOpensAfterFirstWindow => "queue_opens_after_first_window",
            FindingCode::DuplicateSiteId => "duplicate_site_id",
            FindingCode::SiteDaysReversed => "site_days_reversed",
            FindingCode::SiteWithoutCapacity => "site_without_capacity",
        }
    }
}

/// One thing wrong with a campaign. Any finding stops the campaign from opening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable code.
    pub code: FindingCode,
    /// The cohort concerned, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// The example concerned, if one is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub example: Option<String>,
    /// What is wrong, for the operator.
    pub message: String,
}

/// An example and the verdict it actually got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExampleOutcome {
    /// The example as written.
    pub example: Example,
    /// The verdict `evaluate` gave.
    pub verdict: Verdict,
    /// Whether it is the expected one.
    pub holds: bool,
}

/// One row of the cohort × day table: a local day (or a run of days nobody books on).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRow {
    /// First local day of the row.
    pub first_day: Date,
    /// Last local day of the row (equal to `first_day` unless nobody books in the run).
    pub last_day: Date,
    /// One cell per cohort, in file order; empty when that cohort cannot book that day.
    pub cells: Vec<String>,
}

/// Everything `check` found, ready to print.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckReport {
    /// The campaign id.
    pub campaign_id: String,
    /// `"ko / en"` campaign name.
    pub campaign_name: String,
    /// The campaign's rules version.
    pub rules_version: String,
    /// The campaign's local offset, in seconds east of UTC.
    pub utc_offset_s: i32,
    /// When the queue opens (local).
    pub opens_at: String,
    /// One line per cohort: id, birth dates, names.
    pub cohort_lines: Vec<(String, String)>,
    /// The cohort × day table rows.
    pub table: Vec<TableRow>,
    /// Whether the table was cut at [`MAX_TABLE_DAYS`].
    pub table_truncated: bool,
    /// Every example's outcome, in file order.
    pub examples: Vec<ExampleOutcome>,
    /// Every finding.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Whether the campaign may open: no findings at all.
    pub fn passes(&self) -> bool {
        self.findings.is_empty()
    }

    /// The findings with `code`.
    pub fn findings_with(&self, code: FindingCode) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| f.code == code)
    }
}

/// Checks `campaign`: runs its examples, lints its rules and builds its table.
pub fn check_campaign(campaign: &Campaign) -> CheckReport {
    let mut findings = Vec::new();
    lint_campaign(campaign, &mut findings);
    for cohort in &campaign.cohorts {
        lint_cohort(campaign, cohort, &mut findings);
    }
    lint_overlaps(campaign, &mut findings);
    lint_coverage(campaign, &mut findings);
    lint_sites(campaign, &mut findings);
    let examples = run_examples(campaign, &mut findings);
    let (table, table_truncated) = build_table(campaign);
    let local = |instant| format_instant(campaign.local(instant));
    CheckReport {
        campaign_id: campaign.id.clone(),
        campaign_name: format!("{} / {}", campaign.names.ko, campaign.names.en),
        rules_version: campaign.compute_rules_version(),
        utc_offset_s: campaign.local_offset().whole_seconds(),
        opens_at: local(campaign.opens_at),
        cohort_lines: campaign
            .cohorts
            .iter()
            .map(|cohort| {
                let born = match cohort.birth_dates() {
                    Some(range) => format!(
                        "born {} to {}",
                        format_date(range.from),
                        format_date(range.through)
                    ),
                    None => "born (none)".to_owned(),
                };
                (
                    cohort.id.clone(),
                    format!("{born}  {} / {}", cohort.names.ko, cohort.names.en),
                )
            })
            .collect(),
        table,
        table_truncated,
        examples,
        findings,
    }
}

pub(crate) fn finding(code: FindingCode, cohort: Option<&str>, message: String) -> Finding {
    Finding {
        code,
        cohort: cohort.map(str::to_owned),
        example: None,
        message,
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::render::{display_width, pad};

    const KOREAN: &str = include_str!("../../../campaigns/kr-covid19-2021-07.toml");

    fn codes(report: &CheckReport) -> Vec<&'static str> {
        report.findings.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn the_korean_campaign_passes() {
        let report = check_campaign(&Campaign::from_toml_str(KOREAN).unwrap());
        assert!(report.passes(), "{}", report.render());
        assert!(report.examples.iter().all(|e| e.holds));
    }

    #[test]
    fn a_rota_missing_a_digit_and_a_duplicate_are_found() {
        let text = KOREAN.replace("last_digits = [4]", "last_digits = [3]");
        let report = check_campaign(&Campaign::from_toml_str(&text).unwrap());
        assert!(
            codes(&report).contains(&"rota_missing_digit"),
            "{}",
            report.render()
        );
        assert!(codes(&report).contains(&"rota_duplicate_digit"));
        let missing = report
            .findings_with(FindingCode::RotaMissingDigit)
            .next()
            .unwrap();
        assert_eq!(missing.cohort.as_deref(), Some("age-18-49"));
        assert!(missing.message.contains("ends in 4"));
    }

    #[test]
    fn gaps_and_overlaps_in_birth_dates_are_found() {
        let gap = KOREAN.replace(
            r#"born = { from = "1967-01-01", through = "1968-12-31" }"#,
            r#"born = { from = "1967-03-01", through = "1968-12-31" }"#,
        );
        let report = check_campaign(&Campaign::from_toml_str(&gap).unwrap());
        let found: Vec<_> = report.findings_with(FindingCode::CoverageGap).collect();
        assert_eq!(found.len(), 1, "{}", report.render());
        assert!(found[0].message.contains("1967-01-01 to 1967-02-28"));

        let overlap = KOREAN.replace(
            r#"born = { from = "1967-01-01", through = "1968-12-31" }"#,
            r#"born = { from = "1966-07-01", through = "1968-12-31" }"#,
        );
        let report = check_campaign(&Campaign::from_toml_str(&overlap).unwrap());
        let found: Vec<_> = report.findings_with(FindingCode::CohortOverlap).collect();
        assert_eq!(found.len(), 1, "{}", report.render());
        assert!(found[0].message.contains("1966-07-01 to 1966-12-31"));
        assert!(found[0].message.contains("age-55-59") && found[0].message.contains("age-53-54"));

        let beyond = KOREAN.replace(r#"through = "2003-12-31" }"#, r#"through = "2004-06-30" }"#);
        let report = check_campaign(&Campaign::from_toml_str(&beyond).unwrap());
        assert!(
            codes(&report).contains(&"cohort_outside_coverage"),
            "{}",
            report.render()
        );
    }

    #[test]
    fn reversed_empty_and_out_of_period_windows_are_found() {
        let reversed = KOREAN.replace(
            r#"window = { opens = "2021-07-19T20:00:00+09:00", closes = "2021-07-20T18:00:00+09:00" }"#,
            r#"window = { opens = "2021-07-20T18:00:00+09:00", closes = "2021-07-19T20:00:00+09:00" }"#,
        );
        assert_ne!(reversed, KOREAN);
        let report = check_campaign(&Campaign::from_toml_str(&reversed).unwrap());
        let found = report
            .findings_with(FindingCode::WindowReversed)
            .next()
            .unwrap();
        assert_eq!(found.cohort.as_deref(), Some("age-53-54"));

        let empty = KOREAN.replace(
            r#"closes = "2021-07-20T18:00:00+09:00" }"#,
            r#"closes = "2021-07-19T20:00:00+09:00" }"#,
        );
        let report = check_campaign(&Campaign::from_toml_str(&empty).unwrap());
        assert!(
            codes(&report).contains(&"window_empty"),
            "{}",
            report.render()
        );

        let late = KOREAN.replace(
            r#"closes = "2021-08-19T18:00:00+09:00""#,
            r#"closes = "2021-09-19T18:00:00+09:00""#,
        );
        let report = check_campaign(&Campaign::from_toml_str(&late).unwrap());
        let found = report
            .findings_with(FindingCode::WindowOutsidePeriod)
            .next()
            .unwrap();
        assert!(found.message.contains("[8]"), "{}", found.message);
    }

    #[test]
    fn a_minimal_campaign_does_not_pass() {
        let minimal = "id = \"x\"\nopens_at = \"2021-07-12T20:00:00+09:00\"\nnames = { ko = \"엑스\", en = \"X\" }\n";
        let report = check_campaign(&Campaign::from_toml_str(minimal).unwrap());
        assert_eq!(
            codes(&report),
            ["no_cohorts", "period_missing", "coverage_missing"]
        );
        assert!(report.render().contains("FAILS"));
    }

    #[test]
    fn display_width_counts_hangul_twice() {
        assert_eq!(display_width("만 55"), 5);
        assert_eq!(pad("가", 4), "가  ");
    }
}
