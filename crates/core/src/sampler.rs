//! The admission-rate sampler: how the server measures the rate it publishes in the queue state
//! document, the one implementation the server and the simulator both run.
//!
//! The sampler keeps one reading of `admitted_through` per [`SAMPLE_EVERY_MS`] over the last
//! [`RATE_WINDOW_MS`] and publishes [`crate::estimate::measure_admission_rate`] over those of the
//! queue's current pace ([`crate::estimate::current_pace`]: the readings since the latest change
//! of pace, so a stop or a restart shows in seconds, not after a whole window) once it has two
//! readings. The published rate is worked out once per kept reading, not per document. Readings from before the queue opened are not kept: admission cannot run
//! then, and zeros from before the opening would make the first minute's published rate far too
//! low (the simulator measured first ranges holding 80 % instead of 98 % with them).
//!
//! # Usage
//!
//! ```
//! use fairline_core::sampler::RateSampler;
//!
//! let mut sampler = RateSampler::new();
//! assert!(sampler.published().is_none());
//! sampler.record(false, -1_000, 0); // before the opening: not a reading
//! for second in 0..=10 {
//!     sampler.record(true, second * 1000, (second * 5) as u64); // 5 admissions a second
//! }
//! let rate = sampler.published().unwrap();
//! assert!((rate.per_second - 5.0).abs() < 1e-9);
//! ```

use std::collections::VecDeque;

use crate::estimate::{current_pace, measure_admission_rate, Observation};
use crate::wire::AdmissionRate;

/// The sampler keeps at most one reading per this many milliseconds.
pub const SAMPLE_EVERY_MS: i64 = 1_000;
/// Readings older than this behind the newest are dropped.
pub use crate::estimate::RATE_WINDOW_MS;

/// Readings of `admitted_through` over the recent window.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RateSampler {
    recent: VecDeque<Observation>,
    published: Option<AdmissionRate>,
}

impl RateSampler {
    /// An empty sampler.
    pub fn new() -> Self {
        Self::default()
    }

    /// Offers the reading `admitted_through` at server time `now_ms`, taken while the queue is
    /// `opened` (or not yet). Before the opening nothing is kept. After it, the reading is kept
    /// when at least [`SAMPLE_EVERY_MS`] have passed since the newest kept reading (or it is the
    /// first); readings older than [`RATE_WINDOW_MS`] are then dropped. Returns whether it was
    /// kept.
    pub fn record(&mut self, opened: bool, now_ms: i64, admitted_through: u64) -> bool {
        if !opened {
            self.recent.clear();
            self.published = None;
            return false;
        }
        let newest = self.recent.back().map(|o| o.server_time_ms);
        if newest.is_some_and(|time| now_ms - time < SAMPLE_EVERY_MS) {
            return false;
        }
        self.recent.push_back(Observation {
            server_time_ms: now_ms,
            admitted_through,
        });
        while self
            .recent
            .front()
            .is_some_and(|o| now_ms - o.server_time_ms > RATE_WINDOW_MS)
        {
            self.recent.pop_front();
        }
        let samples = self.recent.make_contiguous();
        self.published = measure_admission_rate(current_pace(samples));
        true
    }

    /// The rate to publish, once there are two readings: over the current pace.
    pub fn published(&self) -> Option<AdmissionRate> {
        self.published
    }

    /// The readings kept, oldest first.
    pub fn readings(&self) -> impl Iterator<Item = &Observation> {
        self.recent.iter()
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn keeps_one_reading_a_second_over_the_window() {
        let mut sampler = RateSampler::new();
        assert!(sampler.record(true, 0, 0));
        assert!(
            !sampler.record(true, 400, 1),
            "too soon after the last reading"
        );
        assert!(sampler.record(true, 1_000, 2));
        for second in 2..=120 {
            sampler.record(true, second * 1_000, (second * 2) as u64);
        }
        let readings: Vec<_> = sampler.readings().collect();
        assert_eq!(readings.len(), 61, "60 s of readings, both ends kept");
        assert_eq!(readings[0].server_time_ms, 60_000);
        let rate = sampler.published().unwrap();
        assert!((rate.per_second - 2.0).abs() < 1e-9);
        assert_eq!(rate.window_s, 60);
    }

    #[test]
    fn publishes_nothing_before_two_readings() {
        let mut sampler = RateSampler::new();
        assert_eq!(sampler.published(), None);
        sampler.record(true, 5_000, 10);
        assert_eq!(sampler.published(), None);
        sampler.record(true, 6_000, 12);
        assert!(sampler.published().is_some());
    }

    #[test]
    fn readings_before_the_opening_never_weigh_on_the_rate() {
        let mut sampler = RateSampler::new();
        for second in -30..0 {
            assert!(!sampler.record(false, second * 1_000, 0));
        }
        assert_eq!(sampler.published(), None);
        for second in 0..=10 {
            sampler.record(true, second * 1_000, (second * 100) as u64);
        }
        let rate = sampler.published().unwrap();
        assert!((rate.per_second - 100.0).abs() < 1e-9, "{rate:?}");
        assert_eq!(rate.window_s, 10);
    }

    use crate::estimate::{estimate_wait, Estimate, ObservationLog};
    use crate::position::Position;
    use crate::wire::{from_unix_ms, PollHints, QueueState};
    use time::macros::datetime;

    // The estimate over what this sampler publishes: the widget's side of the same readings.

    fn obs(second: i64, admitted_through: u64) -> Observation {
        Observation {
            server_time_ms: second * 1000,
            admitted_through,
        }
    }

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

    /// Readings every `every_s` seconds over `[from_s, to_s]` of a queue admitting `per_second`
    /// whole people each second (the rest carried).
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

    fn minutes(estimate: Estimate) -> (u64, u64) {
        match estimate {
            Estimate::Range { low, high, .. } => (low.as_secs() / 60, high.as_secs() / 60),
            other => panic!("expected a range, got {other:?}"),
        }
    }

    #[test]
    fn one_admission_a_second_gives_a_useful_range() {
        // Issue 16: 1 admission a second for 60 s with 300 ahead gave "16 min – 5 h 34 min".
        let log = steady_readings(0, 60, 5, 0, |_| 1.0);
        let mut sampler = RateSampler::new();
        for reading in steady_readings(0, 60, 1, 0, |_| 1.0) {
            sampler.record(true, reading.server_time_ms, reading.admitted_through);
        }
        let mut document = state(None, false);
        document.admission_rate = sampler.published();
        document.admitted_through = 60;
        document.server_time = from_unix_ms(60_000).unwrap();
        let at = Position::from_rank(360, 60);
        let (low, high) = minutes(estimate_wait(&at, &document, &log));
        assert!(
            low >= 3 && high <= 2 * low,
            "{low}–{high} min for 301 s of work"
        );
    }

    #[test]
    fn ranges_hold_on_poisson_admissions() {
        // Admissions drawn one by one with exponential gaps, at 0.5, 2 and 20 a second; the
        // widget polls every 5 s and the server publishes its sampler's rate. Every estimate
        // made after a minute is judged against when the 300th, 1,000th or 5,000th next
        // admission really came.
        use crate::rng::{RandomSource, SplitMix64};
        let mut rng = SplitMix64::new(16);
        let (mut judged, mut inside) = (0u32, 0u32);
        for rate in [0.5, 2.0, 20.0] {
            for trial in 0..40 {
                let mut times = Vec::new();
                let mut t = 0.0;
                while t < 6_000.0 / rate + 200.0 {
                    t += -(1.0 - rng.next_unit_f64()).ln() / rate;
                    times.push(t);
                }
                let admitted_by = |second: f64| times.partition_point(|&x| x <= second) as u64;
                let mut sampler = RateSampler::new();
                let mut log = ObservationLog::new();
                let now = 60 + trial;
                for second in 0..=now {
                    sampler.record(true, second * 1000, admitted_by(second as f64));
                    if second % 5 == 0 {
                        log.push(obs(second, admitted_by(second as f64)));
                    }
                }
                let through = admitted_by(now as f64);
                let mut document = state(None, false);
                document.admission_rate = sampler.published();
                document.admitted_through = through;
                document.server_time = from_unix_ms(now * 1000).unwrap();
                for ahead in [299u64, 999, 4_999] {
                    let at = Position::from_rank(through + ahead, through);
                    let Estimate::Range { low, high, .. } =
                        estimate_wait(&at, &document, log.observations())
                    else {
                        continue;
                    };
                    let turn = times[(through + ahead) as usize] - now as f64;
                    judged += 1;
                    inside += u32::from((low.as_secs_f64()..=high.as_secs_f64()).contains(&turn));
                }
            }
        }
        assert!(judged >= 300, "{judged} ranges");
        let share = f64::from(inside) / f64::from(judged);
        eprintln!("{inside} of {judged} ranges held");
        assert!(share >= 0.93, "{inside} of {judged} held");
    }
}
