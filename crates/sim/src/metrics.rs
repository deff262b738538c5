//! What a run measured: the per-second origin series, the summary numbers of issue 7, and the
//! invariants the tests assert, with their table and CSV forms.

use std::fmt::Write as _;

/// One simulated second.
#[derive(Debug, Clone, PartialEq)]
pub struct SecondRow {
    /// Seconds relative to the opening.
    pub second: i64,
    /// Servers running.
    pub servers: u32,
    /// The origin answers 503 to everything.
    pub outage: bool,
    /// Requests reaching the origin (naive reloads are an expected count, hence fractional).
    pub origin_requests: f64,
    /// Of which answered successfully.
    pub origin_served: f64,
    /// Requests the cache answered without the origin.
    pub cache_hits: u64,
    /// Ranks `0..admitted_through` may be admitted.
    pub admitted_through: u64,
    /// Bookings so far.
    pub bookings: u64,
}

/// Counts that must stay zero.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Invariants {
    /// Admissions granted to a rank the queue had not reached.
    pub out_of_order_admissions: u64,
    /// Fairline requests sent before their client's `PollScheduler` allowed (its `wake_delay`:
    /// the Retry-After received, the retry budget's wait and the server's floor).
    pub retry_after_violations: u64,
    /// Bookings without a granted admission.
    pub bookings_without_admission: u64,
}

impl Invariants {
    /// True when every invariant held.
    pub fn hold(&self) -> bool {
        *self == Invariants::default()
    }
}

/// The engine's raw totals, turned into [`Measures`] by [`Measures::from_run`].
pub struct RunTotals {
    pub scenario: String,
    pub population: String,
    pub seed: u64,
    pub citizens: u64,
    pub capacity_per_server: [f64; 4],
    pub rows: Vec<SecondRow>,
    pub bookings: u64,
    pub abandoned: u64,
    pub lapsed: u64,
    pub unresolved: u64,
    pub first_position_ms: Vec<u32>,
    pub notice_lag_ms: Vec<u32>,
    pub relative_half_widths: Vec<f32>,
    pub ranges_judged: u64,
    pub ranges_inside: u64,
    pub ranges_early: u64,
    pub ranges_judged_steady: u64,
    pub ranges_inside_steady: u64,
    pub claims: u64,
    pub overtaken_claims: u64,
    pub invariants: Invariants,
    pub retry_afters_received: u64,
    pub events: u64,
    /// The time-weighted honesty of the ranges a sample of clients saw.
    pub honesty: crate::honesty::HonestyTotals,
    /// The first ranges of the same sample, over the widget's full log.
    pub first_ranges: crate::honesty::FirstRanges,
}

/// Everything a run reports.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    /// Scenario name.
    pub scenario: String,
    /// `naive`, `fairline` or `mixed`.
    pub population: String,
    /// Seed of the run.
    pub seed: u64,
    /// Citizens simulated.
    pub citizens: u64,
    /// Requests per second one origin server answers, by kind (joins, state requests, admits,
    /// bookings: the order of `RequestKind::ALL`).
    pub capacity_per_server: [f64; 4],
    /// The per-second series.
    pub rows: Vec<SecondRow>,
    /// Citizens who booked.
    pub bookings: u64,
    /// Citizens who gave up.
    pub abandoned: u64,
    /// Citizens whose admission lapsed unclaimed.
    pub lapsed: u64,
    /// Citizens still in the system at the end of the horizon.
    pub unresolved: u64,
    /// All origin requests.
    pub origin_requests: f64,
    /// All requests answered by the cache.
    pub cache_hits: u64,
    /// Highest origin requests in one second.
    pub peak_origin_rps: f64,
    /// 99th percentile of origin requests per second (over the seconds with any traffic).
    pub p99_origin_rps: f64,
    /// Origin requests per booking.
    pub origin_requests_per_booking: f64,
    /// Share of all requests the cache answered.
    pub cache_share: f64,
    /// Seconds from arrival (or the opening, for the pre-queue) to the first position shown.
    pub first_position_p50_s: f64,
    /// 99th percentile of the same.
    pub first_position_p99_s: f64,
    /// Citizens who saw a position.
    pub positions_shown: u64,
    /// Seconds from a rank's turn to its admission being claimed, median.
    pub notice_lag_p50_s: f64,
    /// 99th percentile of the same.
    pub notice_lag_p99_s: f64,
    /// Admissions claimed.
    pub claims: u64,
    /// Share of claims made after a claim by someone whose turn came at least 60 s later.
    pub overtaken_share: f64,
    /// First ranges (after 60 s of history) whose rank was later admitted.
    pub ranges_judged: u64,
    /// Share of those where the admission fell inside the range.
    pub honesty_share: Option<f64>,
    /// Share of first ranges whose admission came before their low end.
    pub early_share: Option<f64>,
    /// First ranges judged where no outage began or ended and no server was added between the
    /// range and the admission.
    pub ranges_judged_steady: u64,
    /// Share of those where the admission fell inside the range.
    pub honesty_share_steady: Option<f64>,
    /// Every second a sampled client saw a range, judged at its admission
    /// ([`crate::honesty`]).
    pub honesty_time_weighted: crate::honesty::HonestyTotals,
    /// The first ranges of the sampled clients, over the widget's full log.
    pub sampled_first_ranges: crate::honesty::FirstRanges,
    /// Median of (high − low) / (high + low) over the first ranges.
    pub median_relative_half_width: Option<f64>,
    /// The invariants.
    pub invariants: Invariants,
    /// 503 + Retry-After answers Fairline clients received.
    pub retry_afters_received: u64,
    /// Events processed.
    pub events: u64,
}

fn quantile_ms(values: &mut [u32], q: f64) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    let at = ((values.len() - 1) as f64 * q).round() as usize;
    let (_, value, _) = values.select_nth_unstable(at);
    f64::from(*value) / 1000.0
}

impl Measures {
    /// Summarises a run.
    pub fn from_run(mut run: RunTotals) -> Self {
        let origin_requests: f64 = run.rows.iter().map(|r| r.origin_requests).sum();
        let cache_hits: u64 = run.rows.iter().map(|r| r.cache_hits).sum();
        let mut busy: Vec<f64> = run
            .rows
            .iter()
            .map(|r| r.origin_requests)
            .filter(|&r| r > 0.0)
            .collect();
        busy.sort_by(f64::total_cmp);
        let peak = busy.last().copied().unwrap_or(0.0);
        let p99 = if busy.is_empty() {
            0.0
        } else {
            busy[((busy.len() - 1) as f64 * 0.99).round() as usize]
        };
        let mut widths = std::mem::take(&mut run.relative_half_widths);
        let median_width = (!widths.is_empty()).then(|| {
            let at = (widths.len() - 1) / 2;
            let (_, value, _) = widths.select_nth_unstable_by(at, f32::total_cmp);
            f64::from(*value)
        });
        Self {
            scenario: run.scenario,
            population: run.population,
            seed: run.seed,
            citizens: run.citizens,
            capacity_per_server: run.capacity_per_server,
            bookings: run.bookings,
            abandoned: run.abandoned,
            lapsed: run.lapsed,
            unresolved: run.unresolved,
            origin_requests,
            cache_hits,
            peak_origin_rps: peak,
            p99_origin_rps: p99,
            origin_requests_per_booking: origin_requests / run.bookings.max(1) as f64,
            cache_share: cache_hits as f64 / (cache_hits as f64 + origin_requests).max(1.0),
            first_position_p50_s: quantile_ms(&mut run.first_position_ms, 0.5),
            first_position_p99_s: quantile_ms(&mut run.first_position_ms, 0.99),
            positions_shown: run.first_position_ms.len() as u64,
            notice_lag_p50_s: quantile_ms(&mut run.notice_lag_ms, 0.5),
            notice_lag_p99_s: quantile_ms(&mut run.notice_lag_ms, 0.99),
            claims: run.claims,
            overtaken_share: run.overtaken_claims as f64 / run.claims.max(1) as f64,
            ranges_judged: run.ranges_judged,
            honesty_share: (run.ranges_judged > 0)
                .then(|| run.ranges_inside as f64 / run.ranges_judged as f64),
            early_share: (run.ranges_judged > 0)
                .then(|| run.ranges_early as f64 / run.ranges_judged as f64),
            ranges_judged_steady: run.ranges_judged_steady,
            honesty_share_steady: (run.ranges_judged_steady > 0)
                .then(|| run.ranges_inside_steady as f64 / run.ranges_judged_steady as f64),
            median_relative_half_width: median_width,
            honesty_time_weighted: run.honesty,
            sampled_first_ranges: run.first_ranges,
            invariants: run.invariants,
            retry_afters_received: run.retry_afters_received,
            events: run.events,
            rows: run.rows,
        }
    }

    /// The rows of the summary, as (label, value) pairs.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let pct = |v: f64| format!("{:.2} %", v * 100.0);
        let opt_pct = |v: Option<f64>| v.map_or_else(|| "n/a".to_string(), pct);
        vec![
            ("citizens", self.citizens.to_string()),
            (
                "server capacity/s: joins / state / admits / bookings",
                self.capacity_per_server
                    .iter()
                    .map(|c| format!("{c:.0}"))
                    .collect::<Vec<_>>()
                    .join(" / "),
            ),
            ("booked", self.bookings.to_string()),
            ("gave up", self.abandoned.to_string()),
            ("admission lapsed", self.lapsed.to_string()),
            ("still waiting at the horizon", self.unresolved.to_string()),
            (
                "origin requests, total",
                format!("{:.0}", self.origin_requests),
            ),
            (
                "origin requests/s, peak",
                format!("{:.0}", self.peak_origin_rps),
            ),
            (
                "origin requests/s, p99",
                format!("{:.0}", self.p99_origin_rps),
            ),
            (
                "origin requests per booked citizen",
                format!("{:.1}", self.origin_requests_per_booking),
            ),
            ("share served by the cache", pct(self.cache_share)),
            (
                "first position shown, p50 / p99",
                format!(
                    "{:.1} s / {:.1} s",
                    self.first_position_p50_s, self.first_position_p99_s
                ),
            ),
            (
                "turn to admission claimed, p50 / p99",
                format!(
                    "{:.1} s / {:.1} s",
                    self.notice_lag_p50_s, self.notice_lag_p99_s
                ),
            ),
            (
                "claims overtaken (turn ≥ 60 s later)",
                pct(self.overtaken_share),
            ),
            (
                "admitted out of rank order",
                self.invariants.out_of_order_admissions.to_string(),
            ),
            (
                "Fairline 503 + Retry-After received",
                self.retry_afters_received.to_string(),
            ),
            (
                "polls before Retry-After",
                self.invariants.retry_after_violations.to_string(),
            ),
            (
                "bookings without admission",
                self.invariants.bookings_without_admission.to_string(),
            ),
            ("first ranges judged", self.ranges_judged.to_string()),
            (
                "admission inside the first range",
                opt_pct(self.honesty_share),
            ),
            ("… admission before the range", opt_pct(self.early_share)),
            (
                "first ranges with no outage or server change until admission",
                self.ranges_judged_steady.to_string(),
            ),
            (
                "… admission inside the range",
                opt_pct(self.honesty_share_steady),
            ),
            (
                "median range half-width / midpoint",
                opt_pct(self.median_relative_half_width),
            ),
            (
                "sampled citizens' first ranges judged (the widget's full log)",
                self.sampled_first_ranges.judged.to_string(),
            ),
            (
                "… admission inside the first range",
                opt_pct(self.sampled_first_ranges.share()),
            ),
            (
                "… admission before the range",
                opt_pct(self.sampled_first_ranges.early_share()),
            ),
            (
                "… with no outage or server change until admission: inside",
                format!(
                    "{} of {}",
                    opt_pct(self.sampled_first_ranges.share_steady()),
                    self.sampled_first_ranges.judged_steady
                ),
            ),
            (
                "… median range half-width / midpoint",
                opt_pct(self.sampled_first_ranges.median_half_width()),
            ),
            (
                "sampled citizens whose every displayed second was judged",
                self.honesty_time_weighted.clients.to_string(),
            ),
            (
                "seconds a range was shown: admission inside it (time-weighted)",
                opt_pct(self.honesty_time_weighted.share()),
            ),
            (
                "… counting seconds made false later by an outage or server change",
                opt_pct(self.honesty_time_weighted.share_all()),
            ),
            (
                "… seconds made false later, of all seconds shown",
                opt_pct({
                    let t = self.honesty_time_weighted;
                    let all = t.held_ms + t.false_ms + t.made_false_later_ms;
                    (all > 0).then(|| t.made_false_later_ms as f64 / all as f64)
                }),
            ),
            ("events processed", self.events.to_string()),
        ]
    }
}

/// A plain-text table with one column per run.
pub fn table(runs: &[&Measures]) -> String {
    let summaries: Vec<_> = runs.iter().map(|m| m.summary()).collect();
    let label_width = summaries.first().map_or(0, |rows| {
        rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0)
    });
    let mut out = String::new();
    let _ = write!(out, "{:label_width$}", "");
    for run in runs {
        let _ = write!(out, " | {:>24}", run.population);
    }
    out.push('\n');
    for (row, (label, _)) in summaries[0].iter().enumerate() {
        let _ = write!(out, "{label:label_width$}");
        for summary in &summaries {
            let _ = write!(out, " | {:>24}", summary[row].1);
        }
        out.push('\n');
    }
    out
}

/// The per-second series as CSV.
pub fn per_second_csv(measures: &Measures) -> String {
    let mut out = String::from(
        "second,servers,outage,origin_requests,origin_served,cache_hits,admitted_through,bookings\n",
    );
    for r in &measures.rows {
        let _ = writeln!(
            out,
            "{},{},{},{:.1},{:.1},{},{},{}",
            r.second,
            r.servers,
            u8::from(r.outage),
            r.origin_requests,
            r.origin_served,
            r.cache_hits,
            r.admitted_through,
            r.bookings
        );
    }
    out
}

/// The summaries as CSV, one row per measure and one column per run.
pub fn summary_csv(runs: &[&Measures]) -> String {
    let mut out = String::from("measure");
    for run in runs {
        let _ = write!(out, ",{}", run.population);
    }
    out.push('\n');
    let summaries: Vec<_> = runs.iter().map(|m| m.summary()).collect();
    for (row, (label, _)) in summaries[0].iter().enumerate() {
        out.push_str(label);
        for summary in &summaries {
            let _ = write!(out, ",\"{}\"", summary[row].1);
        }
        out.push('\n');
    }
    out
}
