//! The cohort × day table: for every cohort (and rota digit), which days in campaign local time
//! it may book.

use time::{Date, Duration, OffsetDateTime, UtcOffset};

use fairline_core::campaign::{Campaign, DigitsWindow};

use crate::{TableRow, MAX_TABLE_DAYS};

pub(crate) fn build_table(campaign: &Campaign) -> (Vec<TableRow>, bool) {
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

pub(crate) fn local_date(instant: OffsetDateTime, offset: UtcOffset) -> Date {
    instant.checked_to_offset(offset).unwrap_or(instant).date()
}

/// What one cohort can do on one local day, e.g. `from 20:00`, `[9] until 18:00, [0] from 20:00`.
pub(crate) fn day_cell(day: Date, offset: UtcOffset, windows: &[DigitsWindow<'_>]) -> String {
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
