//! The honest wait estimate: a range from the admissions counted over the queue's current pace,
//! or a plain statement that the wait is unknown, stalled, paused, or over.
//!
//! # The estimator
//!
//! A waiter with `D` people ahead is admitted after `n = D + 1` more admissions. Two measurements
//! of the admission rate are available:
//!
//! * the server's, published in the state document ([`AdmissionRate`]), made by
//!   the server's rate sampler (core's `sampler` module) from one reading a second;
//! * the widget's own, from the `(server_time, admitted_through)` pairs of the documents it has
//!   fetched ([`Observation`]), once they span at least [`LOCAL_MIN_SPAN`] or show a change of
//!   pace.
//!
//! Both are measured by the same function over the same kind of readings, [`current_rate`]:
//!
//! 1. **The current pace only.** [`current_pace`] looks for the latest change of pace in the
//!    readings: for every split it compares the admissions counted after it with what the rate
//!    over both sides predicts, and a difference beyond [`Z_CHANGE`] standard deviations (counting
//!    noise, the measured burstiness and [`TIMING_JITTER`]) is a change when it is a rise of at
//!    least [`MIN_RELATIVE_CHANGE`] or a fall to [`COLLAPSE`] of the rate or less. Only the readings after
//!    the last change are used, so a stop, a collapse or a rise shows within one or two polls,
//!    and a range comes back only once the new pace has been measured.
//! 2. **Counts, not per-second noise.** Over the current pace `N` admissions were counted in `T`
//!    seconds: the rate is `m = N / T`. A Poisson-like stream of `N` admissions gives the rate to
//!    a relative standard deviation of `√(1/N)`; burstiness beyond Poisson (the dispersion `d ≥ 1`
//!    of the counts, [`AdmissionRate::spread_per_second`]² / `m`) multiplies it. The `n`
//!    admissions still to come add their own counting noise, `d / n`. So the wait's relative
//!    uncertainty is
//!
//!    ```text
//!    u = √(d/N + d/n + 2 (jitter/T)²)
//!    ```
//!
//!    So the interval narrows as admissions accumulate and widens only with real variation (a
//!    bursty stream has `d > 1`). At 1 admission a second, 60 s of history and 300 ahead,
//!    `u ≈ 0.14`. A pace that moves for longer than a burst is a change of pace (below).
//! 3. **The range** leans pessimistic: the fastest plausible rate is `m (1 + max(Z_FAST u,
//!    FAST_FLOOR))` and the slowest `m (1 − max(Z_SLOW u, SLOW_FLOOR))`, never below
//!    [`MIN_RATE_FRACTION`] of `m`. Over both measurements the fastest of the fast ends and the
//!    slowest of the slow ends are taken; the fast end also reaches the rate the widget saw over
//!    its whole history (plus `FAST_FLOOR`), because a pace that fell may come back. Then
//!
//!    ```text
//!    low  = n / fastest, rounded down to a whole minute
//!    high = n / slowest, rounded up to a whole minute, and at least low + 1 minute
//!    ```
//!
//!    The floors keep every range at least −10 % / +25 % wide however steady the queue looked: no
//!    rate can foresee a server lost or added.
//!
//! When fewer than [`MIN_COUNTED`] admissions were counted since a change of pace, or the pace
//! fell below [`FELL_BELOW`] of what the widget saw over its history, the estimate is
//! [`UnknownReason::Remeasuring`]; when none were, [`Estimate::Stalled`] says since when the
//! queue has not moved. A range whose document is old while polls fail is withdrawn by
//! [`Estimate::as_shown`]. When the queue is paused the estimate is [`Estimate::Paused`], never a
//! number; before the pre-queue draw it is [`Estimate::Unknown`] with
//! [`UnknownReason::RankNotDrawn`].

use core::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::position::Position;
use crate::wire::{from_unix_ms, unix_ms, AdmissionRate, QueueState};

/// The optimistic side uses this many relative standard deviations.
pub const Z_FAST: f64 = 1.65;
/// The pessimistic side uses this many relative standard deviations.
pub const Z_SLOW: f64 = 2.0;
/// The optimistic side is at least this much faster than the measured rate.
pub const FAST_FLOOR: f64 = 0.1;
/// The pessimistic side is at least this much slower than the measured rate.
pub const SLOW_FLOOR: f64 = 0.2;
/// The slowest plausible rate is at least this share of the measured one.
pub const MIN_RATE_FRACTION: f64 = 0.2;
/// A split of the readings whose counts differ by more than this many standard deviations marks
/// a change of pace.
pub const Z_CHANGE: f64 = 4.5;
/// A rise of the pace counts as a change when the new rate is at least this share above the old
/// one, relative to the new: smaller wavers are the rate's own variation, which the range's floors
/// and `v` already cover.
pub const MIN_RELATIVE_CHANGE: f64 = 0.25;
/// A fall of the pace counts as a change only when the new rate is at most this share of the old
/// one (a stop or a collapse). A lesser fall is often admission held back for a minute or two by
/// the open sessions: it stays in the window, whose spread then widens the range both ways, so the
/// range still reaches the pace the queue may return to.
pub const COLLAPSE: f64 = 0.1;
/// A pace below this share of the rate over the widget's whole history gives no range (the
/// pace fell; it may come back within a minute or stay).
pub const FELL_BELOW: f64 = 0.5;
/// How far a reading's `admitted_through` may be from its `server_time` (admission moves in
/// steps, documents are cached): its standard deviation, in time.
pub const TIMING_JITTER: Duration = Duration::from_millis(200);
/// A range needs at least this many admissions counted at the current pace.
pub const MIN_COUNTED: f64 = 5.0;
/// The widget's own observations count as a rate measurement once they span this long (or show
/// a change of pace).
pub const LOCAL_MIN_SPAN: Duration = Duration::from_secs(20);
/// How far back the server's sampler measures the published rate (milliseconds): a published
/// window shorter than this starts at a change of pace (or the opening).
pub const RATE_WINDOW_MS: i64 = 60_000;
/// Range ends are whole multiples of this.
pub const RANGE_RESOLUTION: Duration = Duration::from_secs(60);
/// A range is withdrawn once its document is this old and the last two polls failed.
pub const STALE_AFTER: Duration = Duration::from_secs(30);
/// [`ObservationLog`] keeps observations no older than this behind the newest.
pub const OBSERVATION_HISTORY: Duration = Duration::from_secs(300);
/// [`ObservationLog`] keeps at most this many observations.
pub const MAX_OBSERVATIONS: usize = 64;

/// One reading of the queue: `admitted_through` at a server time (Unix milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Observation {
    /// Server time of the reading, Unix milliseconds.
    pub server_time_ms: i64,
    /// `admitted_through` at that time.
    pub admitted_through: u64,
}

impl Observation {
    /// The reading a state document carries.
    pub fn from_state(state: &QueueState) -> Self {
        Self {
            server_time_ms: unix_ms(state.server_time),
            admitted_through: state.admitted_through,
        }
    }
}

/// The observations a widget has collected: time-ordered, one per server time, bounded to
/// [`OBSERVATION_HISTORY`] and [`MAX_OBSERVATIONS`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObservationLog {
    observations: Vec<Observation>,
}

impl ObservationLog {
    /// An empty log.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a reading (a cached document seen twice is kept once) and drops old ones.
    pub fn push(&mut self, observation: Observation) {
        match self
            .observations
            .binary_search_by_key(&observation.server_time_ms, |o| o.server_time_ms)
        {
            Ok(_) => return,
            Err(at) => self.observations.insert(at, observation),
        }
        let newest = self.observations[self.observations.len() - 1].server_time_ms;
        let history_ms = i64::try_from(OBSERVATION_HISTORY.as_millis()).unwrap_or(i64::MAX);
        self.observations
            .retain(|o| newest.saturating_sub(o.server_time_ms) <= history_ms);
        let excess = self.observations.len().saturating_sub(MAX_OBSERVATIONS);
        self.observations.drain(..excess);
    }

    /// The readings, oldest first.
    pub fn observations(&self) -> &[Observation] {
        &self.observations
    }
}

/// What a run of intervals between readings adds up to: enough to measure the rate and the
/// burstiness of any contiguous run in constant time from prefix sums.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    seconds: f64,
    count: f64,
    count_sq: f64,
    count_seconds: f64,
    seconds_sq: f64,
    intervals: f64,
}

impl Tally {
    fn add(mut self, seconds: f64, count: f64) -> Self {
        if seconds > 0.0 {
            self.seconds += seconds;
            self.count += count;
            self.count_sq += count * count;
            self.count_seconds += count * seconds;
            self.seconds_sq += seconds * seconds;
            self.intervals += 1.0;
        }
        self
    }

    fn minus(self, other: Self) -> Self {
        Self {
            seconds: self.seconds - other.seconds,
            count: self.count - other.count,
            count_sq: self.count_sq - other.count_sq,
            count_seconds: self.count_seconds - other.count_seconds,
            seconds_sq: self.seconds_sq - other.seconds_sq,
            intervals: self.intervals - other.intervals,
        }
    }

    fn rate(&self) -> f64 {
        if self.seconds > 0.0 {
            self.count / self.seconds
        } else {
            0.0
        }
    }

    /// `Σ (count_i − rate · seconds_i)²` around `rate`.
    fn squared_deviation(&self, rate: f64) -> f64 {
        (self.count_sq - 2.0 * rate * self.count_seconds + rate * rate * self.seconds_sq).max(0.0)
    }
}

/// The interval between `earlier` and `later`: seconds and admissions.
fn interval(earlier: &Observation, later: &Observation) -> (f64, f64) {
    let seconds = (later.server_time_ms - earlier.server_time_ms) as f64 / 1000.0;
    let admitted = later
        .admitted_through
        .saturating_sub(earlier.admitted_through) as f64;
    (seconds, admitted)
}

/// Prefix tallies: entry `i` sums the intervals between readings `0..=i`.
fn prefix_tallies(samples: &[Observation]) -> Vec<Tally> {
    let mut tallies = Vec::with_capacity(samples.len());
    let mut running = Tally::default();
    tallies.push(running);
    for pair in samples.windows(2) {
        let (seconds, admitted) = interval(&pair[0], &pair[1]);
        running = running.add(seconds, admitted);
        tallies.push(running);
    }
    tallies
}

/// The dispersion used for counts: the measured one (variance of the counts over their mean)
/// less two of its standard errors under a Poisson-like stream, and never below 1. A steady or
/// Poisson-like stream gets 1; only burstiness beyond what its own noise explains widens ranges.
fn dispersion_used(measured: f64, intervals: f64) -> f64 {
    let noise = 2.0 * (2.0 / intervals.max(1.0)).sqrt();
    (measured - noise).max(1.0)
}

/// How many standard deviations the admissions counted `after` a split differ from what the
/// rate over both sides predicts.
fn change_score(before: Tally, after: Tally) -> f64 {
    let seconds = before.seconds + after.seconds;
    if before.seconds <= 0.0 || after.seconds <= 0.0 {
        return 0.0;
    }
    let rate = (before.count + after.count) / seconds;
    let (rate_before, rate_after) = (before.rate(), after.rate());
    let rise = rate_after - rate_before >= MIN_RELATIVE_CHANGE * rate_after;
    let collapse = rate_after <= COLLAPSE * rate_before;
    if rate <= ZERO_RATE || !(rise || collapse) {
        return 0.0;
    }
    let within = before.squared_deviation(before.rate()) + after.squared_deviation(after.rate());
    let dispersion = dispersion_used(within / seconds / rate, before.intervals + after.intervals);
    let jitter = rate * TIMING_JITTER.as_secs_f64();
    let variance =
        dispersion * rate * before.seconds * after.seconds / seconds + 2.0 * jitter * jitter;
    (after.count - rate * after.seconds) / variance.sqrt()
}

/// The readings of the queue's current pace: `samples` (time-ordered) from the latest change of
/// pace on, or all of them when none shows. A change is the split whose counts after it differ
/// most from the rate over both sides, by more than [`Z_CHANGE`] standard deviations; the search
/// repeats after it, so a stop followed by a restart yields the readings since the restart.
pub fn current_pace(samples: &[Observation]) -> &[Observation] {
    let mut start = 0;
    while samples.len() >= start + 3 {
        let run = &samples[start..];
        let tallies = prefix_tallies(run);
        let total = tallies[tallies.len() - 1];
        let mut best = (0.0, 0);
        for (split, before) in tallies.iter().enumerate().take(run.len() - 1).skip(1) {
            let score = change_score(*before, total.minus(*before)).abs();
            if score > best.0 {
                best = (score, split);
            }
        }
        if best.0 <= Z_CHANGE {
            break;
        }
        start += best.1;
    }
    &samples[start..]
}

/// The mean admission rate over time-ordered `samples` and the spread of the admissions counted
/// per second (`√(Σ (count_i − mean · seconds_i)² / Σ seconds_i)`: about `√mean` for a
/// Poisson-like stream, 0 for a perfectly steady one), or `None` with fewer than two samples or no
/// elapsed time. The server publishes this over its current pace; the widget runs it over its own
/// observations.
pub fn measure_admission_rate(samples: &[Observation]) -> Option<AdmissionRate> {
    let tallies = prefix_tallies(samples);
    let total = tallies[tallies.len() - 1];
    if total.seconds <= 0.0 {
        return None;
    }
    let mean = total.rate();
    Some(AdmissionRate {
        per_second: mean,
        spread_per_second: (total.squared_deviation(mean) / total.seconds).sqrt(),
        window_s: total.seconds.round().min(f64::from(u32::MAX)) as u32,
    })
}

/// Why no range can be given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnknownReason {
    /// A pre-queue ticket before the draw: the rank is not known yet.
    RankNotDrawn,
    /// Neither the server nor the widget has measured the rate yet.
    TooLittleHistory,
    /// The pace changed (a stop, a slowdown, a restart) and too few admissions have been counted
    /// since to measure the new one.
    Remeasuring,
    /// The last polls failed and the last document is older than [`STALE_AFTER`].
    NoRecentUpdate,
}

/// What the widget tells a waiter about the wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Estimate {
    /// Probably between `low` and `high` from `updated_at` (the server time of the state it is
    /// based on; show "updated N s ago").
    Range {
        /// Optimistic end.
        low: Duration,
        /// Pessimistic end (always above `low`).
        high: Duration,
        /// Server time of the underlying state document.
        #[serde(with = "time::serde::rfc3339")]
        updated_at: OffsetDateTime,
    },
    /// No honest number can be given.
    Unknown {
        /// Why.
        why: UnknownReason,
    },
    /// Nobody has been admitted since `since` (server time): the queue has not moved for
    /// `updated_at − since` at least.
    Stalled {
        /// The earliest reading at the current `admitted_through`.
        #[serde(with = "time::serde::rfc3339")]
        since: OffsetDateTime,
        /// Server time of the underlying state document.
        #[serde(with = "time::serde::rfc3339")]
        updated_at: OffsetDateTime,
    },
    /// Admission is paused.
    Paused,
    /// The holder may be admitted now.
    YourTurn,
}

impl Estimate {
    /// What to show at server time `server_now_ms` after `failed_polls` failed polls in a row:
    /// a range (or a stall) whose document is older than [`STALE_AFTER`] while the last two polls
    /// failed is withdrawn ([`UnknownReason::NoRecentUpdate`]); anything else is shown as it is.
    /// A lone failed poll (a shed request during the rush) keeps the range.
    pub fn as_shown(self, server_now_ms: i64, failed_polls: u32) -> Estimate {
        let updated_at = match self {
            Estimate::Range { updated_at, .. } | Estimate::Stalled { updated_at, .. } => updated_at,
            _ => return self,
        };
        let age_ms = server_now_ms.saturating_sub(unix_ms(updated_at));
        let stale_ms = i64::try_from(STALE_AFTER.as_millis()).unwrap_or(i64::MAX);
        if failed_polls >= 2 && age_ms >= stale_ms {
            Estimate::Unknown {
                why: UnknownReason::NoRecentUpdate,
            }
        } else {
            self
        }
    }
}

/// A rate measured over one pace.
#[derive(Debug, Clone, Copy)]
struct Pace {
    per_second: f64,
    /// Admissions counted.
    counted: f64,
    seconds: f64,
    /// The dispersion used (at least 1).
    dispersion: f64,
    /// Server time (Unix ms) the pace was measured from.
    from_ms: i64,
    /// Whether it starts at a change of pace (or the opening) rather than at the edge of the
    /// history.
    changed: bool,
    /// When nothing was counted: the earliest reading at the current `admitted_through`.
    still_since_ms: i64,
    /// The widget's own count test found a stop (a change to no admissions at all).
    stop_found: bool,
    /// False while the only interval since a change of pace still mixes in the old one.
    settled: bool,
}

impl Pace {
    /// The published rate of `state`, measured by the server's sampler from one reading a second.
    fn published(state: &QueueState) -> Option<Self> {
        let rate = state.admission_rate?;
        let (mean, spread) = (rate.per_second, rate.spread_per_second);
        if !(mean.is_finite() && spread.is_finite() && mean >= 0.0) || rate.window_s == 0 {
            return None;
        }
        let seconds = f64::from(rate.window_s);
        let now_ms = unix_ms(state.server_time);
        let from_ms = now_ms - i64::from(rate.window_s) * 1000;
        let measured = if mean > ZERO_RATE {
            spread * spread / mean
        } else {
            1.0
        };
        Some(Self {
            per_second: mean,
            counted: mean * seconds,
            seconds,
            dispersion: dispersion_used(measured, seconds),
            from_ms,
            changed: i64::from(rate.window_s) * 1000 + 1000 < RATE_WINDOW_MS,
            still_since_ms: from_ms,
            stop_found: false,
            settled: true,
        })
    }

    /// The widget's own pace, once it spans [`LOCAL_MIN_SPAN`] or shows a change.
    fn local(observations: &[Observation]) -> Option<Self> {
        let mut pace = current_pace(observations);
        let changed = pace.len() < observations.len();
        // The first interval after a change holds some of the old pace: once there is another,
        // it is left out; until then the new pace is not measured yet (unless it is a stop).
        let settled = !changed || pace.len() >= 3;
        if changed && pace.len() >= 3 {
            pace = &pace[1..];
        }
        let (first, last) = (pace.first()?, pace.last()?);
        let span_ms = last.server_time_ms - first.server_time_ms;
        let min_span_ms = i64::try_from(LOCAL_MIN_SPAN.as_millis()).unwrap_or(i64::MAX);
        if span_ms <= 0 || (!changed && span_ms < min_span_ms) {
            return None;
        }
        let tallies = prefix_tallies(pace);
        let total = tallies[tallies.len() - 1];
        let mean = total.rate();
        let measured = if mean > ZERO_RATE {
            total.squared_deviation(mean) / total.seconds / mean
        } else {
            1.0
        };
        let still_since_ms = observations
            .iter()
            .find(|o| o.admitted_through == last.admitted_through)
            .map_or(last.server_time_ms, |o| o.server_time_ms);
        Some(Self {
            per_second: mean,
            counted: total.count,
            seconds: total.seconds,
            dispersion: dispersion_used(measured, total.intervals),
            from_ms: first.server_time_ms,
            changed,
            still_since_ms,
            stop_found: changed && total.count == 0.0,
            settled,
        })
    }

    /// The relative standard deviation of the wait for `needed` more admissions at this pace.
    fn uncertainty(&self, needed: f64) -> f64 {
        let jitter = TIMING_JITTER.as_secs_f64() / self.seconds;
        (self.dispersion / self.counted + self.dispersion / needed + 2.0 * jitter * jitter).sqrt()
    }
}

/// Rates at or below this (admissions per second) count as zero.
pub const ZERO_RATE: f64 = 1e-6;

/// The paces to estimate from: the freshest alone when it starts at a change of pace later than
/// the other begins (the other still mixes in the old pace), otherwise both.
fn paces_to_use(published: Option<Pace>, local: Option<Pace>) -> Vec<Pace> {
    match (published, local) {
        (Some(a), Some(b)) => {
            let (later, earlier) = if a.from_ms >= b.from_ms {
                (a, b)
            } else {
                (b, a)
            };
            if later.changed && later.from_ms > earlier.from_ms + 2_000 {
                vec![later]
            } else {
                vec![a, b]
            }
        }
        (a, b) => a.into_iter().chain(b).collect(),
    }
}

/// The estimate for a holder at `position` under `state`, given the widget's `observations`
/// (oldest first; [`ObservationLog::observations`]).
pub fn estimate_wait(
    position: &Position,
    state: &QueueState,
    observations: &[Observation],
) -> Estimate {
    if position.may_admit {
        return Estimate::YourTurn;
    }
    if state.paused {
        return Estimate::Paused;
    }
    let Some(ahead) = position.people_ahead else {
        return Estimate::Unknown {
            why: UnknownReason::RankNotDrawn,
        };
    };
    let paces = paces_to_use(Pace::published(state), Pace::local(observations));
    // A pace that fell below half of what the widget saw over its history is no ground for a
    // range: it may last, or pass in a minute as admission held back by the open sessions does.
    // Until the history itself has the new pace, the wait is not known.
    let history_rate = measure_admission_rate(observations).map_or(0.0, |r| r.per_second);
    if paces
        .iter()
        .any(|p| p.per_second > ZERO_RATE && p.per_second < FELL_BELOW * history_rate)
    {
        return Estimate::Unknown {
            why: UnknownReason::Remeasuring,
        };
    }
    if paces.is_empty() {
        return Estimate::Unknown {
            why: UnknownReason::TooLittleHistory,
        };
    }
    let min_span_s = LOCAL_MIN_SPAN.as_secs_f64();
    if let Some(stalled) = paces.iter().find(|p| p.per_second <= ZERO_RATE) {
        // A stop the count test found, or nothing counted for long enough to mean something
        // (two seconds without an admission at the start say nothing).
        if stalled.stop_found || stalled.seconds >= min_span_s {
            return Estimate::Stalled {
                since: from_unix_ms(stalled.still_since_ms).unwrap_or(state.server_time),
                updated_at: state.server_time,
            };
        }
    }
    if paces
        .iter()
        .any(|p| !p.settled || p.counted < MIN_COUNTED || p.per_second <= ZERO_RATE)
    {
        let changed = paces.iter().any(|p| p.changed);
        return Estimate::Unknown {
            why: if changed {
                UnknownReason::Remeasuring
            } else {
                UnknownReason::TooLittleHistory
            },
        };
    }
    let needed = ahead.saturating_add(1) as f64;
    // The pace may return to what the widget saw over its history: the fast end reaches it.
    let fastest = paces
        .iter()
        .map(|p| p.per_second * (1.0 + (Z_FAST * p.uncertainty(needed)).max(FAST_FLOOR)))
        .fold(history_rate * (1.0 + FAST_FLOOR), f64::max);
    let slowest = paces
        .iter()
        .map(|p| {
            let slower = (Z_SLOW * p.uncertainty(needed)).max(SLOW_FLOOR);
            p.per_second * (1.0 - slower).max(MIN_RATE_FRACTION)
        })
        .fold(f64::INFINITY, f64::min);
    let resolution_s = RANGE_RESOLUTION.as_secs_f64();
    let low_s = (needed / fastest / resolution_s).floor() * resolution_s;
    let high_s =
        ((needed / slowest / resolution_s).ceil() * resolution_s).max(low_s + resolution_s);
    Estimate::Range {
        low: duration_from_secs(low_s),
        high: duration_from_secs(high_s),
        updated_at: state.server_time,
    }
}

fn duration_from_secs(seconds: f64) -> Duration {
    // Whole minutes. Bounded by about 10^20 s (u64 ahead over a rate of at least 10^-6 per
    // second); `as` saturates rather than panics on anything larger (and reads NaN as 0).
    Duration::from_secs(seconds as u64)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::wire::PollHints;
    use time::macros::datetime;

    fn state(rate: Option<(f64, f64)>, paused: bool) -> QueueState {
        QueueState {
            campaign_id: "c".into(),
            rules_version: String::new(),
            server_time: datetime!(2021-07-12 11:10:00 UTC),
            opens_at: datetime!(2021-07-12 11:00:00 UTC),
            seed_commitment: String::new(),
            seed: None,
            pre_queue_size: None,
            admitted_through: 1_000,
            admission_rate: rate.map(|(per_second, spread_per_second)| AdmissionRate {
                per_second,
                spread_per_second,
                window_s: 60,
            }),
            paused,
            poll: PollHints::default(),
        }
    }

    fn obs(second: i64, admitted_through: u64) -> Observation {
        Observation {
            server_time_ms: second * 1000,
            admitted_through,
        }
    }

    #[test]
    fn rate_measurement_gives_mean_and_spread() {
        // 10/s then 30/s for 10 s each: mean 20; the counts 100 and 300 are 100 off the 200
        // expected, so the spread per second is √(2 · 100² / 20 s) = √1000.
        let rate = measure_admission_rate(&[obs(0, 0), obs(10, 100), obs(20, 400)]).unwrap();
        assert!((rate.per_second - 20.0).abs() < 1e-9);
        assert!((rate.spread_per_second - 1000f64.sqrt()).abs() < 1e-9);
        // The same counts read every second or every 5 s give the same spread.
        let every_second: Vec<_> = (0..=20).map(|s| obs(s, s as u64 * 20)).collect();
        let every_five: Vec<_> = (0..=4).map(|s| obs(s * 5, s as u64 * 100)).collect();
        assert_eq!(
            measure_admission_rate(&every_second)
                .unwrap()
                .spread_per_second,
            0.0
        );
        assert_eq!(
            measure_admission_rate(&every_five)
                .unwrap()
                .spread_per_second,
            0.0
        );
        assert_eq!(rate.window_s, 20);
        assert_eq!(measure_admission_rate(&[obs(0, 0)]), None);
        assert_eq!(measure_admission_rate(&[obs(5, 0), obs(5, 10)]), None);
    }

    #[test]
    fn range_leans_pessimistic_and_is_never_a_point() {
        // 5,999 ahead → 6,000 admissions at 10 ± 1 per second: fastest 11/s, slowest 8/s.
        let at = Position::from_rank(6_999, 1_000);
        let Estimate::Range {
            low,
            high,
            updated_at,
        } = estimate_wait(&at, &state(Some((10.0, 1.0)), false), &[])
        else {
            panic!("expected a range");
        };
        assert_eq!(low, Duration::from_secs(540)); // 545 s rounded down
        assert_eq!(high, Duration::from_secs(780)); // 750 s rounded up
        assert!(high - Duration::from_secs(600) > Duration::from_secs(600) - low);
        assert_eq!(updated_at, datetime!(2021-07-12 11:10:00 UTC));
        // A perfectly steady rate still gets ±10 %, and a tiny wait still a one-minute range.
        let steady = estimate_wait(
            &Position::from_rank(1_000, 1_000),
            &state(Some((10.0, 0.0)), false),
            &[],
        );
        assert_eq!(
            steady,
            Estimate::Range {
                low: Duration::ZERO,
                high: Duration::from_secs(60),
                updated_at: datetime!(2021-07-12 11:10:00 UTC)
            }
        );
    }

    #[test]
    fn local_observations_widen_the_range_when_the_queue_slows() {
        let at = Position::from_rank(7_000, 1_000);
        let published_only = estimate_wait(&at, &state(Some((10.0, 1.0)), false), &[]);
        // The widget saw only 2/s over the last 30 s.
        let slowed = estimate_wait(
            &at,
            &state(Some((10.0, 1.0)), false),
            &[obs(0, 940), obs(30, 1_000)],
        );
        let (Estimate::Range { high: before, .. }, Estimate::Range { high: after, .. }) =
            (published_only, slowed)
        else {
            panic!("expected ranges");
        };
        assert!(after > before * 3, "{after:?} vs {before:?}");
        // Without a published rate, the widget's own history is enough.
        assert!(matches!(
            estimate_wait(&at, &state(None, false), &[obs(0, 940), obs(30, 1_000)]),
            Estimate::Range { .. }
        ));
    }

    #[test]
    fn says_so_instead_of_inventing_a_number() {
        let at = Position::from_rank(7_000, 1_000);
        assert_eq!(
            estimate_wait(&at, &state(Some((10.0, 1.0)), true), &[]),
            Estimate::Paused
        );
        assert_eq!(
            estimate_wait(&at, &state(None, false), &[obs(0, 1_000), obs(5, 1_000)]),
            Estimate::Unknown {
                why: UnknownReason::TooLittleHistory
            }
        );
        assert_eq!(
            estimate_wait(&at, &state(Some((0.0, 0.0)), false), &[]),
            Estimate::Stalled {
                since: datetime!(2021-07-12 11:09:00 UTC),
                updated_at: datetime!(2021-07-12 11:10:00 UTC)
            },
            "a published rate of zero over 60 s: not moved for at least a minute"
        );
        let mut just_started = state(Some((0.0, 0.0)), false);
        just_started.admission_rate.as_mut().unwrap().window_s = 2;
        assert!(
            matches!(
                estimate_wait(&at, &just_started, &[]),
                Estimate::Unknown { .. }
            ),
            "two seconds without an admission say nothing yet"
        );
        assert_eq!(
            estimate_wait(
                &Position::awaiting_draw(),
                &state(Some((10.0, 1.0)), false),
                &[]
            ),
            Estimate::Unknown {
                why: UnknownReason::RankNotDrawn
            }
        );
        assert_eq!(
            estimate_wait(
                &Position::from_rank(5, 1_000),
                &state(Some((10.0, 1.0)), true),
                &[]
            ),
            Estimate::YourTurn
        );
    }

    #[test]
    fn observation_log_dedupes_orders_and_forgets() {
        let mut log = ObservationLog::new();
        log.push(obs(10, 100));
        log.push(obs(0, 0));
        log.push(obs(10, 100));
        assert_eq!(log.observations(), &[obs(0, 0), obs(10, 100)]);
        log.push(obs(400, 4_000));
        assert_eq!(log.observations(), &[obs(400, 4_000)]);
        for second in 401..500 {
            log.push(obs(second, 4_000));
        }
        assert_eq!(log.observations().len(), MAX_OBSERVATIONS);
        assert_eq!(log.observations().last(), Some(&obs(499, 4_000)));
    }

    /// Readings every `every_s` seconds from `from_s` to `to_s` of a queue admitting
    /// `per_second(second)` people each second (whole people, the rest carried), starting at
    /// `admitted`; returns the readings and the final count.
    fn steady_readings(
        from_s: i64,
        to_s: i64,
        every_s: i64,
        mut admitted: u64,
        per_second: impl Fn(i64) -> f64,
    ) -> Vec<Observation> {
        let mut credit = 0.0;
        let mut readings = vec![obs(from_s, admitted)];
        for second in from_s..to_s {
            credit += per_second(second);
            let whole = credit.floor();
            credit -= whole;
            admitted += whole as u64;
            if (second + 1 - from_s) % every_s == 0 {
                readings.push(obs(second + 1, admitted));
            }
        }
        readings
    }

    #[test]
    fn finds_the_latest_change_of_pace() {
        // 60 s at 10/s: one pace.
        let steady = steady_readings(0, 60, 1, 0, |_| 10.0);
        assert_eq!(current_pace(&steady).len(), steady.len());
        // Then a stop: within 3 s the pace is the stop alone.
        let mut stopped = steady.clone();
        for second in 61..=63 {
            stopped.push(obs(second, 600));
        }
        let pace = current_pace(&stopped);
        assert_eq!(pace[0], obs(60, 600), "{pace:?}");
        // Then a restart at 40/s: the pace is the restart.
        let mut restarted = stopped.clone();
        restarted.extend(
            steady_readings(63, 70, 1, 600, |_| 40.0)
                .into_iter()
                .skip(1),
        );
        assert_eq!(current_pace(&restarted)[0], obs(63, 600));
        // A rise at 1/s read every 5 s shows in two readings, not in one lucky count.
        let slow = steady_readings(0, 60, 5, 0, |_| 1.0);
        let mut risen = slow.clone();
        risen.push(obs(65, 60 + 20));
        risen.push(obs(70, 60 + 40));
        assert_eq!(current_pace(&risen)[0], obs(60, 60));
        let mut lucky = slow.clone();
        lucky.push(obs(65, 60 + 9));
        assert_eq!(
            current_pace(&lucky).len(),
            lucky.len(),
            "9 in 5 s at 1/s is noise"
        );
    }

    #[test]
    fn a_stop_shows_as_stalled_and_the_range_returns_once_measured_again() {
        let at = Position::from_rank(7_000, 1_000);
        let published = state(Some((10.0, 1.0)), false);
        let mut log = steady_readings(0, 60, 5, 0, |_| 10.0);
        assert!(matches!(
            estimate_wait(&at, &published, &log),
            Estimate::Range { .. }
        ));
        // Two polls without movement, while the published rate still says 10/s.
        log.push(obs(65, 600));
        log.push(obs(70, 600));
        assert_eq!(
            estimate_wait(&at, &published, &log),
            Estimate::Stalled {
                since: from_unix_ms(60_000).unwrap(),
                updated_at: published.server_time,
            }
        );
        // Moving again: a count too small to measure first, then a range.
        log.push(obs(71, 602));
        assert_eq!(
            estimate_wait(&at, &state(None, false), &log),
            Estimate::Unknown {
                why: UnknownReason::Remeasuring
            }
        );
        log.push(obs(76, 652));
        log.push(obs(81, 702));
        // (The restart at 10/s is the pace of the history again.)
        assert!(matches!(
            estimate_wait(&at, &state(None, false), &log),
            Estimate::Range { .. }
        ));
    }

    /// Unix milliseconds of the test state's server time, plus `seconds`.
    fn at_state_time(seconds: i64) -> i64 {
        unix_ms(datetime!(2021-07-12 11:10:00 UTC)) + seconds * 1000
    }

    #[test]
    fn a_collapse_is_no_ground_for_a_range() {
        let at = Position::from_rank(7_000, 1_000);
        let mut log = steady_readings(0, 60, 5, 0, |_| 10.0);
        // Down to 0.8 a second for three polls: not a stall, and counted well enough, but far too
        // slow to be the pace the widget saw for a minute, and it may pass.
        log.push(obs(65, 604));
        log.push(obs(70, 608));
        log.push(obs(75, 612));
        assert_eq!(
            estimate_wait(&at, &state(None, false), &log),
            Estimate::Unknown {
                why: UnknownReason::Remeasuring
            }
        );
    }

    #[test]
    fn a_range_is_withdrawn_when_polls_fail_and_it_grows_old() {
        let range = estimate_wait(
            &Position::from_rank(7_000, 1_000),
            &state(Some((10.0, 1.0)), false),
            &[],
        );
        assert_eq!(range.as_shown(at_state_time(300), 1), range, "one failure");
        assert_eq!(range.as_shown(at_state_time(10), 5), range, "still fresh");
        assert_eq!(
            range.as_shown(at_state_time(30), 2),
            Estimate::Unknown {
                why: UnknownReason::NoRecentUpdate
            }
        );
        assert_eq!(
            Estimate::Paused.as_shown(at_state_time(300), 9),
            Estimate::Paused
        );
    }
}
