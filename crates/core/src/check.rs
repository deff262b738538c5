//! Campaign check: a campaign proves itself before it opens.
//!
//! [`check_campaign`] runs the file's examples through [`crate::eligibility::evaluate_input`] and
//! lints the rules — overlapping cohorts, gaps in the declared coverage, reversed or empty
//! windows, windows outside the campaign period, rotas that miss a digit — and builds the
//! cohort × day table an operator reads to see what citizens will see. `fairline-server check`
//! prints [`CheckReport::render`] and exits non-zero unless [`CheckReport::passes`]; the server
//! refuses to serve a campaign that does not pass.

use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, UtcOffset};

use crate::campaign::{BirthDateRange, Campaign, Cohort, DigitsWindow, Example, Window};
use crate::eligibility::{evaluate_input, Verdict};
use crate::person::PersonInput;

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

    /// The report as text: the campaign, its cohorts, the cohort × day table in campaign local
    /// time, every example's outcome and every finding.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let offset = UtcOffset::from_whole_seconds(self.utc_offset_s).unwrap_or(UtcOffset::UTC);
        out.push_str(&format!(
            "Campaign {}: {}\n",
            self.campaign_id, self.campaign_name
        ));
        out.push_str(&format!("Rules version: {}\n", self.rules_version));
        out.push_str(&format!(
            "Local time: UTC{}. Queue opens {}. Windows are [opens, closes).\n\n",
            format_offset(offset),
            self.opens_at
        ));
        out.push_str("Cohorts:\n");
        let id_width = self
            .cohort_lines
            .iter()
            .map(|(id, _)| display_width(id))
            .max()
            .unwrap_or(0);
        for (id, line) in &self.cohort_lines {
            out.push_str(&format!("  {}  {line}\n", pad(id, id_width)));
        }
        out.push('\n');
        out.push_str("Who can book when (local time; [d] = last digit of the day of birth):\n");
        out.push_str(&self.render_table());
        if self.table_truncated {
            out.push_str(&format!("(table cut after {MAX_TABLE_DAYS} days)\n"));
        }
        out.push('\n');
        let holding = self.examples.iter().filter(|e| e.holds).count();
        out.push_str(&format!(
            "Examples: {holding} of {} hold.\n",
            self.examples.len()
        ));
        for outcome in &self.examples {
            out.push_str(&format!(
                "  {} {} -> {}\n",
                if outcome.holds { "ok  " } else { "FAIL" },
                outcome.example.name,
                describe_verdict(&outcome.verdict)
            ));
        }
        out.push('\n');
        if self.findings.is_empty() {
            out.push_str("Findings: none. The campaign passes.\n");
        } else {
            out.push_str(&format!("Findings ({}):\n", self.findings.len()));
            for finding in &self.findings {
                let mut about = Vec::new();
                if let Some(cohort) = &finding.cohort {
                    about.push(format!("cohort {cohort}"));
                }
                if let Some(example) = &finding.example {
                    about.push(format!("example {example:?}"));
                }
                let about = if about.is_empty() {
                    String::new()
                } else {
                    format!(" [{}]", about.join(", "))
                };
                out.push_str(&format!(
                    "  {}{about}: {}\n",
                    finding.code.as_str(),
                    finding.message
                ));
            }
            out.push_str(&format!(
                "The campaign FAILS the check ({} finding{}).\n",
                self.findings.len(),
                if self.findings.len() == 1 { "" } else { "s" }
            ));
        }
        out
    }

    fn render_table(&self) -> String {
        let headers: Vec<&str> = self
            .cohort_lines
            .iter()
            .map(|(id, _)| id.as_str())
            .collect();
        let labels: Vec<String> = self
            .table
            .iter()
            .map(|row| {
                if row.first_day == row.last_day {
                    format!("{} {}", format_date(row.first_day), weekday(row.first_day))
                } else {
                    format!(
                        "{} .. {}",
                        format_date(row.first_day),
                        format_date(row.last_day)
                    )
                }
            })
            .collect();
        let label_width = labels
            .iter()
            .map(|l| display_width(l))
            .max()
            .unwrap_or(0)
            .max(3);
        let widths: Vec<usize> = headers
            .iter()
            .enumerate()
            .map(|(i, header)| {
                self.table
                    .iter()
                    .filter_map(|row| row.cells.get(i))
                    .map(|cell| display_width(cell))
                    .chain([display_width(header)])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |first: &str, cells: &mut dyn Iterator<Item = &str>| {
            let mut text = pad(first, label_width);
            for (cell, width) in cells.zip(&widths) {
                text.push_str(" | ");
                text.push_str(&pad(cell, *width));
            }
            text.trim_end().to_owned() + "\n"
        };
        let mut out = line("day", &mut headers.iter().copied());
        let mut rule = "-".repeat(label_width);
        for width in &widths {
            rule.push_str("-+-");
            rule.push_str(&"-".repeat(*width));
        }
        out.push_str(&rule);
        out.push('\n');
        for (row, label) in self.table.iter().zip(&labels) {
            if row.cells.iter().all(String::is_empty) {
                out.push_str(&format!("{} | (nobody books)\n", pad(label, label_width)));
            } else {
                out.push_str(&line(label, &mut row.cells.iter().map(String::as_str)));
            }
        }
        out
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

fn finding(code: FindingCode, cohort: Option<&str>, message: String) -> Finding {
    Finding {
        code,
        cohort: cohort.map(str::to_owned),
        example: None,
        message,
    }
}

fn lint_campaign(campaign: &Campaign, findings: &mut Vec<Finding>) {
    if campaign.cohorts.is_empty() {
        findings.push(finding(
            FindingCode::NoCohorts,
            None,
            "the campaign has no cohorts".into(),
        ));
    }
    for (i, cohort) in campaign.cohorts.iter().enumerate() {
        if campaign.cohorts[..i].iter().any(|c| c.id == cohort.id) {
            findings.push(finding(
                FindingCode::DuplicateCohortId,
                Some(&cohort.id),
                format!("two cohorts are called {:?}", cohort.id),
            ));
        }
    }
    match campaign.period {
        None => findings.push(finding(
            FindingCode::PeriodMissing,
            None,
            "the campaign declares no [period] (starts_at, ends_at)".into(),
        )),
        Some(period) if period.ends_at <= period.starts_at => findings.push(finding(
            FindingCode::PeriodReversed,
            None,
            format!(
                "the period ends ({}) before or when it starts ({})",
                format_instant(campaign.local(period.ends_at)),
                format_instant(campaign.local(period.starts_at))
            ),
        )),
        Some(_) => {}
    }
    match campaign.coverage {
        None => findings.push(finding(
            FindingCode::CoverageMissing,
            None,
            "the campaign declares no [coverage] (born_from, born_through)".into(),
        )),
        Some(coverage) if coverage.born_through < coverage.born_from => findings.push(finding(
            FindingCode::CoverageReversed,
            None,
            format!(
                "coverage ends ({}) before it starts ({})",
                format_date(coverage.born_through),
                format_date(coverage.born_from)
            ),
        )),
        Some(_) => {}
    }
    let first_open = campaign
        .cohorts
        .iter()
        .flat_map(|c| c.windows())
        .map(|(_, w)| w.opens)
        .min();
    if let Some(first_open) = first_open {
        if campaign.opens_at > first_open {
            findings.push(finding(
                FindingCode::QueueOpensAfterFirstWindow,
                None,
                format!(
                    "the queue opens at {} but the first window opens at {}",
                    format_instant(campaign.local(campaign.opens_at)),
                    format_instant(campaign.local(first_open))
                ),
            ));
        }
    }
}

fn lint_cohort(campaign: &Campaign, cohort: &Cohort, findings: &mut Vec<Finding>) {
    let id = Some(cohort.id.as_str());
    match (&cohort.born, &cohort.ages) {
        (Some(_), Some(_)) => findings.push(finding(
            FindingCode::CohortBornAndAges,
            id,
            "states both `born` and `ages`; keep one".into(),
        )),
        (None, None) => findings.push(finding(
            FindingCode::CohortWithoutMembers,
            id,
            "states neither `born` nor `ages`, so nobody is in it".into(),
        )),
        _ => {}
    }
    if let Some(born) = &cohort.born {
        if born.through < born.from {
            findings.push(finding(
                FindingCode::BirthRangeReversed,
                id,
                format!(
                    "born from {} through {} is empty",
                    format_date(born.from),
                    format_date(born.through)
                ),
            ));
        }
    }
    if let Some(ages) = &cohort.ages {
        if ages.min > ages.max {
            findings.push(finding(
                FindingCode::BirthRangeReversed,
                id,
                format!("ages {} to {} is empty", ages.min, ages.max),
            ));
        }
    }
    match (&cohort.window, cohort.rota.is_empty()) {
        (Some(_), false) => findings.push(finding(
            FindingCode::CohortWindowAndRota,
            id,
            "states both `window` and `rota`; keep one".into(),
        )),
        (None, true) => findings.push(finding(
            FindingCode::CohortWithoutWindow,
            id,
            "states neither `window` nor `rota`, so nobody in it can book".into(),
        )),
        _ => {}
    }
    for (digits, window) in cohort.windows() {
        let what = match digits {
            Some(digits) => format!("the rota window for digits {digits:?}"),
            None => "the window".to_owned(),
        };
        lint_window(campaign, id, &what, window, findings);
    }
    if !cohort.rota.is_empty() {
        let mut days_for_digit = [0usize; 10];
        for day in &cohort.rota {
            for &digit in &day.last_digits {
                match days_for_digit.get_mut(usize::from(digit)) {
                    Some(count) => *count += 1,
                    None => findings.push(finding(
                        FindingCode::RotaDigitOutOfRange,
                        id,
                        format!("the rota names digit {digit}; last digits are 0 to 9"),
                    )),
                }
            }
        }
        for (digit, count) in days_for_digit.iter().enumerate() {
            if *count == 0 {
                findings.push(finding(
                    FindingCode::RotaMissingDigit,
                    id,
                    format!("nobody whose day of birth ends in {digit} has a booking day"),
                ));
            } else if *count > 1 {
                findings.push(finding(
                    FindingCode::RotaDuplicateDigit,
                    id,
                    format!("digit {digit} has {count} booking days"),
                ));
            }
        }
    }
}

fn lint_window(
    campaign: &Campaign,
    cohort: Option<&str>,
    what: &str,
    window: Window,
    findings: &mut Vec<Finding>,
) {
    let opens = format_instant(campaign.local(window.opens));
    let closes = format_instant(campaign.local(window.closes));
    if window.closes < window.opens {
        findings.push(finding(
            FindingCode::WindowReversed,
            cohort,
            format!("{what} closes ({closes}) before it opens ({opens})"),
        ));
    } else if window.closes == window.opens {
        findings.push(finding(
            FindingCode::WindowEmpty,
            cohort,
            format!("{what} opens and closes at {opens}"),
        ));
    }
    if let Some(period) = campaign.period {
        if window.opens < period.starts_at || window.closes > period.ends_at {
            findings.push(finding(
                FindingCode::WindowOutsidePeriod,
                cohort,
                format!(
                    "{what} ({opens} to {closes}) is not within the campaign period ({} to {})",
                    format_instant(campaign.local(period.starts_at)),
                    format_instant(campaign.local(period.ends_at))
                ),
            ));
        }
    }
}

fn lint_overlaps(campaign: &Campaign, findings: &mut Vec<Finding>) {
    for (i, first) in campaign.cohorts.iter().enumerate() {
        for second in &campaign.cohorts[i + 1..] {
            let (Some(a), Some(b)) = (first.birth_dates(), second.birth_dates()) else {
                continue;
            };
            let from = a.from.max(b.from);
            let through = a.through.min(b.through);
            if from > through || first.windows() == second.windows() {
                continue;
            }
            findings.push(finding(
                FindingCode::CohortOverlap,
                Some(&second.id),
                format!(
                    "people born {} to {} are in both {} and {}, which book at different times",
                    format_date(from),
                    format_date(through),
                    first.id,
                    second.id
                ),
            ));
        }
    }
}

fn lint_coverage(campaign: &Campaign, findings: &mut Vec<Finding>) {
    let Some(coverage) = campaign.coverage else {
        return;
    };
    if coverage.born_through < coverage.born_from {
        return;
    }
    let mut ranges: Vec<(BirthDateRange, &str)> = campaign
        .cohorts
        .iter()
        .filter_map(|c| c.birth_dates().map(|r| (r, c.id.as_str())))
        .filter(|(r, _)| r.from <= r.through)
        .collect();
    for (range, id) in &ranges {
        if range.from < coverage.born_from || range.through > coverage.born_through {
            findings.push(finding(
                FindingCode::CohortOutsideCoverage,
                Some(id),
                format!(
                    "takes people born {} to {}, beyond the coverage {} to {}",
                    format_date(range.from),
                    format_date(range.through),
                    format_date(coverage.born_from),
                    format_date(coverage.born_through)
                ),
            ));
        }
    }
    ranges.sort_by_key(|(r, _)| r.from);
    // `next_uncovered` is the first birth date not yet known to be in some cohort.
    let mut next_uncovered = Some(coverage.born_from);
    let mut gap = |from: Date, through: Date| {
        findings.push(finding(
            FindingCode::CoverageGap,
            None,
            format!(
                "nobody born {} to {} is in any cohort, though the coverage promises them one",
                format_date(from),
                format_date(through)
            ),
        ));
    };
    for (range, _) in &ranges {
        let Some(cursor) = next_uncovered else { break };
        if cursor > coverage.born_through {
            break;
        }
        if range.from > cursor {
            let gap_end = range.from.previous_day().unwrap_or(range.from);
            gap(cursor, gap_end.min(coverage.born_through));
        }
        if range.through >= cursor {
            next_uncovered = range.through.next_day();
        }
    }
    if let Some(cursor) = next_uncovered {
        if cursor <= coverage.born_through {
            gap(cursor, coverage.born_through);
        }
    }
}

fn lint_sites(campaign: &Campaign, findings: &mut Vec<Finding>) {
    for (i, site) in campaign.sites.iter().enumerate() {
        if campaign.sites[..i].iter().any(|s| s.id == site.id) {
            findings.push(finding(
                FindingCode::DuplicateSiteId,
                None,
                format!("two sites are called {:?}", site.id),
            ));
        }
        if site.last_day < site.first_day {
            findings.push(finding(
                FindingCode::SiteDaysReversed,
                None,
                format!("site {}: last_day is before first_day", site.id),
            ));
        }
        if site.slots.is_empty() || site.slots.iter().any(|s| s.capacity == 0 || s.minutes == 0) {
            findings.push(finding(
                FindingCode::SiteWithoutCapacity,
                None,
                format!(
                    "site {}: no slots, or a slot with no capacity or no length",
                    site.id
                ),
            ));
        }
    }
}

fn run_examples(campaign: &Campaign, findings: &mut Vec<Finding>) -> Vec<ExampleOutcome> {
    campaign
        .examples
        .iter()
        .map(|example| {
            let input = PersonInput {
                name: "Example Person".into(),
                birth_date: example.birth_date.clone(),
                mobile: "010-0000-0000".into(),
                resident_number_front: example.resident_number_front.clone(),
            };
            let verdict = evaluate_input(campaign, &input, example.at);
            let unknown_cohort = example
                .cohort
                .as_deref()
                .filter(|id| campaign.cohort(id).is_none());
            if let Some(id) = unknown_cohort {
                findings.push(Finding {
                    code: FindingCode::ExampleUnknownCohort,
                    cohort: Some(id.to_owned()),
                    example: Some(example.name.clone()),
                    message: format!("the example names cohort {id:?}, which does not exist"),
                });
            }
            let holds = verdict.kind() == example.expect
                && example
                    .cohort
                    .as_deref()
                    .is_none_or(|id| verdict.cohort() == Some(id));
            if !holds {
                let expected = match &example.cohort {
                    Some(id) => format!("{} in cohort {id}", example.expect),
                    None => example.expect.to_string(),
                };
                findings.push(Finding {
                    code: FindingCode::ExampleFailed,
                    cohort: example
                        .cohort
                        .clone()
                        .or_else(|| verdict.cohort().map(str::to_owned)),
                    example: Some(example.name.clone()),
                    message: format!(
                        "born {} at {}: expected {expected}, got {}",
                        example.birth_date.trim(),
                        format_instant(campaign.local(example.at)),
                        describe_verdict(&verdict)
                    ),
                });
            }
            ExampleOutcome {
                example: example.clone(),
                verdict,
                holds,
            }
        })
        .collect()
}

/// A verdict in a few words, times in their own (the campaign's) offset.
pub fn describe_verdict(verdict: &Verdict) -> String {
    match verdict {
        Verdict::EligibleNow { cohort, closes_at } => {
            format!(
                "eligible_now in {cohort} until {}",
                format_instant(*closes_at)
            )
        }
        Verdict::NotYet { cohort, opens_at } => {
            format!("not_yet in {cohort}, opens {}", format_instant(*opens_at))
        }
        Verdict::Closed { cohort, closed_at } => {
            format!("closed in {cohort}, closed {}", format_instant(*closed_at))
        }
        Verdict::NotEligible { reason } => format!("not_eligible ({})", reason.code()),
        Verdict::Invalid { errors } => {
            let codes: Vec<String> = errors
                .iter()
                .map(|e| format!("{}: {}", e.field.as_str(), e.code.as_str()))
                .collect();
            format!("invalid ({})", codes.join(", "))
        }
    }
}

fn build_table(campaign: &Campaign) -> (Vec<TableRow>, bool) {
    let offset = campaign.local_offset();
    let windows: Vec<Vec<DigitsWindow<'_>>> = campaign
        .cohorts
        .iter()
        .map(|c| {
            c.windows()
                .into_iter()
                .filter(|(_, w)| w.opens < w.closes)
                .collect()
        })
        .collect();
    let all = windows.iter().flatten().map(|(_, w)| *w);
    let first_day = all.clone().map(|w| local_date(w.opens, offset)).min();
    // The last day touched by [opens, closes) is the day of the last instant before `closes`.
    let last_day = all
        .map(|w| local_date(w.closes - Duration::nanoseconds(1), offset))
        .max();
    let (Some(first_day), Some(last_day)) = (first_day, last_day) else {
        return (Vec::new(), false);
    };
    let truncated = (last_day - first_day).whole_days() >= MAX_TABLE_DAYS;
    let mut rows: Vec<TableRow> = Vec::new();
    let mut day = Some(first_day);
    let mut shown = 0;
    while let Some(current) = day.filter(|d| *d <= last_day && shown < MAX_TABLE_DAYS) {
        let cells: Vec<String> = windows
            .iter()
            .map(|cohort_windows| day_cell(current, offset, cohort_windows))
            .collect();
        let empty = cells.iter().all(String::is_empty);
        match rows.last_mut() {
            Some(previous) if empty && previous.cells.iter().all(String::is_empty) => {
                previous.last_day = current;
            }
            _ => rows.push(TableRow {
                first_day: current,
                last_day: current,
                cells,
            }),
        }
        shown += 1;
        day = current.next_day();
    }
    (rows, truncated)
}

fn local_date(instant: OffsetDateTime, offset: UtcOffset) -> Date {
    instant.checked_to_offset(offset).unwrap_or(instant).date()
}

/// What one cohort can do on one local day, e.g. `from 20:00`, `[9] until 18:00, [0] from 20:00`.
fn day_cell(day: Date, offset: UtcOffset, windows: &[DigitsWindow<'_>]) -> String {
    let day_start = day.midnight().assume_offset(offset);
    let day_end = day_start + Duration::DAY;
    let mut parts = Vec::new();
    for (digits, window) in windows {
        let start = window.opens.max(day_start);
        let end = window.closes.min(day_end);
        if start >= end {
            continue;
        }
        let clock = |instant: OffsetDateTime| {
            let local = instant.to_offset(offset);
            format!("{:02}:{:02}", local.hour(), local.minute())
        };
        let span = match (start == day_start, end == day_end) {
            (true, true) => "all day".to_owned(),
            (true, false) => format!("until {}", clock(end)),
            (false, true) => format!("from {}", clock(start)),
            (false, false) => format!("{}-{}", clock(start), clock(end)),
        };
        let prefix = match digits {
            Some(digits) => {
                let list: Vec<String> = digits.iter().map(u8::to_string).collect();
                format!("[{}] ", list.join(","))
            }
            None => String::new(),
        };
        parts.push((start, format!("{prefix}{span}")));
    }
    parts.sort_by_key(|(start, _)| *start);
    parts
        .into_iter()
        .map(|(_, text)| text)
        .collect::<Vec<_>>()
        .join(", ")
}

fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

fn format_instant(instant: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02} {}",
        format_date(instant.date()),
        instant.hour(),
        instant.minute(),
        format_offset(instant.offset())
    )
}

fn format_offset(offset: UtcOffset) -> String {
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{sign}{:02}:{:02}",
        hours.unsigned_abs(),
        minutes.unsigned_abs()
    )
}

fn weekday(date: Date) -> &'static str {
    match date.weekday() {
        time::Weekday::Monday => "Mon",
        time::Weekday::Tuesday => "Tue",
        time::Weekday::Wednesday => "Wed",
        time::Weekday::Thursday => "Thu",
        time::Weekday::Friday => "Fri",
        time::Weekday::Saturday => "Sat",
        time::Weekday::Sunday => "Sun",
    }
}

/// Columns a terminal gives `text`: two for Hangul and other wide East Asian characters.
fn display_width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF
                | 0x4E00..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF
                | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

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
