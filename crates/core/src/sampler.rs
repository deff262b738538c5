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
pub const RATE_WINDOW_MS: i64 = 60_000;

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
}
