//! The rules a campaign file must obey: its period and cohorts, windows, overlaps, the
//! declared coverage and its sites. Each lint adds [`crate::Finding`]s.

use time::Date;

use fairline_core::campaign::{BirthDateRange, Campaign, Cohort, Window};

use crate::render::{format_date, format_instant};
use crate::{finding, Finding, FindingCode};

pub(crate) fn lint_campaign(campaign: &Campaign, findings: &mut Vec<Finding>) {
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

pub(crate) fn lint_cohort(campaign: &Campaign, cohort: &Cohort, findings: &mut Vec<Finding>) {
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

pub(crate) fn lint_window(
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

pub(crate) fn lint_overlaps(campaign: &Campaign, findings: &mut Vec<Finding>) {
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

pub(crate) fn lint_coverage(campaign: &Campaign, findings: &mut Vec<Finding>) {
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

pub(crate) fn lint_sites(campaign: &Campaign, findings: &mut Vec<Finding>) {
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
