//! The report as terminal text: aligned columns (Hangul counted two columns wide), dates and
//! offsets written the way operators read them.

use time::{Date, OffsetDateTime, UtcOffset};

use crate::examples::describe_verdict;
use crate::{CheckReport, MAX_TABLE_DAYS};

impl CheckReport {
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

pub(crate) fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

pub(crate) fn format_instant(instant: OffsetDateTime) -> String {
    format!(
        "{} {:02}:{:02} {}",
        format_date(instant.date()),
        instant.hour(),
        instant.minute(),
        format_offset(instant.offset())
    )
}

pub(crate) fn format_offset(offset: UtcOffset) -> String {
    let (hours, minutes, _) = offset.as_hms();
    let sign = if offset.is_negative() { '-' } else { '+' };
    format!(
        "{sign}{:02}:{:02}",
        hours.unsigned_abs(),
        minutes.unsigned_abs()
    )
}

pub(crate) fn weekday(date: Date) -> &'static str {
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
pub(crate) fn display_width(text: &str) -> usize {
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

pub(crate) fn pad(text: &str, width: usize) -> String {
    let fill = width.saturating_sub(display_width(text));
    format!("{text}{}", " ".repeat(fill))
}
