//! The server clock as seen from a device: an offset from the device's monotonic clock to server
//! time, estimated NTP-style from request round trips, and a check of the device's wall clock.
//!
//! # Reference clocks
//!
//! * **Monotonic milliseconds** (`mono_ms`, `f64`): the widget's `performance.now()`, milliseconds
//!   since the page's time origin, which never jumps when the user changes the device clock. The
//!   simulator uses its virtual clock. All queue timing in the widget uses this clock.
//! * **Server time** (`server_ms`, `i64`): Unix milliseconds by the server's clock, read from a
//!   response the origin produced *for this request* (an uncached state document's `server_time`,
//!   the join or admit response, or a cached document's `server_time` plus its `Age` header).
//! * **Device wall time** (`Date.now()`, Unix milliseconds by the device clock): used for nothing
//!   but the skew check, because the user can set it to anything.
//!
//! # Offset estimation
//!
//! A sample records the monotonic time a request was sent (`t0`), the server time in its answer
//! (`T`), and the monotonic time the answer arrived (`t1`). Assuming the server stamped `T` midway
//! through the round trip, `offset = T − (t0 + t1) / 2`, so that `server_now ≈ mono_now + offset`,
//! with an error of at most half the round trip `(t1 − t0) / 2` plus the server time's resolution.
//! As NTP's clock filter does (RFC 5905, section 10), the estimator keeps the last
//! [`MAX_CLOCK_SAMPLES`] samples and trusts the one with the smallest round trip: queueing delay
//! only ever adds to a round trip, so the shortest one is the least distorted.
//!
//! # Skew check
//!
//! The device clock is called off when `|device_wall − server_now|` exceeds [`SKEW_THRESHOLD`]
//! (2 minutes) by more than the offset's own uncertainty. The widget then tells the user their
//! clock is wrong (it shows server times only, and changing the device clock gains nothing), which
//! answers the 2021 "change the PC clock" bypass.

use core::time::Duration;

/// Samples kept by [`ServerClock`].
pub const MAX_CLOCK_SAMPLES: usize = 8;
/// A device clock further than this from server time is reported as off.
pub const SKEW_THRESHOLD: Duration = Duration::from_secs(120);

/// One request's timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockSample {
    /// Monotonic milliseconds when the request was sent.
    pub sent_mono_ms: f64,
    /// Monotonic milliseconds when the answer arrived.
    pub received_mono_ms: f64,
    /// Server time in the answer, Unix milliseconds.
    pub server_ms: i64,
    /// Resolution of that server time in milliseconds (1000 for whole seconds, 1 for
    /// millisecond timestamps).
    pub server_resolution_ms: f64,
}

impl ClockSample {
    /// The round trip in milliseconds (never negative).
    pub fn round_trip_ms(&self) -> f64 {
        (self.received_mono_ms - self.sent_mono_ms).max(0.0)
    }

    /// `server − midpoint`: add to a monotonic reading to get server time.
    pub fn offset_ms(&self) -> f64 {
        self.server_ms as f64 - (self.sent_mono_ms + self.received_mono_ms) / 2.0
    }
}

/// The estimated offset from monotonic time to server time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ClockOffset {
    /// Add to a monotonic reading to get server Unix milliseconds.
    pub offset_ms: f64,
    /// The offset is right to within this many milliseconds (half the round trip plus the
    /// server time's resolution).
    pub uncertainty_ms: f64,
}

impl ClockOffset {
    /// Server Unix milliseconds at monotonic time `mono_ms`.
    pub fn server_now_ms(&self, mono_ms: f64) -> i64 {
        (mono_ms + self.offset_ms).round() as i64
    }
}

/// Whether the device's wall clock agrees with the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClockSkew {
    /// Within [`SKEW_THRESHOLD`] (or not provably beyond it).
    Fine,
    /// The device clock is ahead of server time by this much.
    DeviceAhead(Duration),
    /// The device clock is behind server time by this much.
    DeviceBehind(Duration),
}

/// Collects samples and estimates the offset from the lowest-round-trip one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerClock {
    samples: Vec<ClockSample>,
}

impl ServerClock {
    /// No samples yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a sample, forgetting the oldest beyond [`MAX_CLOCK_SAMPLES`]. Samples whose answer
    /// arrived before they were sent, or with non-finite times, are ignored.
    pub fn add(&mut self, sample: ClockSample) {
        let sane = sample.sent_mono_ms.is_finite()
            && sample.received_mono_ms.is_finite()
            && sample.server_resolution_ms.is_finite()
            && sample.received_mono_ms >= sample.sent_mono_ms;
        if !sane {
            return;
        }
        self.samples.push(sample);
        let excess = self.samples.len().saturating_sub(MAX_CLOCK_SAMPLES);
        self.samples.drain(..excess);
    }

    /// The kept samples, oldest first.
    pub fn samples(&self) -> &[ClockSample] {
        &self.samples
    }

    /// The offset from the sample with the smallest round trip, or `None` without samples.
    pub fn offset(&self) -> Option<ClockOffset> {
        let best = self
            .samples
            .iter()
            .min_by(|a, b| a.round_trip_ms().total_cmp(&b.round_trip_ms()))?;
        Some(ClockOffset {
            offset_ms: best.offset_ms(),
            uncertainty_ms: best.round_trip_ms() / 2.0 + best.server_resolution_ms.max(0.0),
        })
    }

    /// Server Unix milliseconds at monotonic time `mono_ms`, once a sample exists.
    pub fn server_now_ms(&self, mono_ms: f64) -> Option<i64> {
        self.offset().map(|offset| offset.server_now_ms(mono_ms))
    }
}

/// Compares the device wall clock (`device_wall_ms`, read at monotonic time `mono_ms`) with server
/// time; reports it off only when it is beyond `threshold` by more than the offset's uncertainty.
pub fn check_skew(
    offset: &ClockOffset,
    mono_ms: f64,
    device_wall_ms: i64,
    threshold: Duration,
) -> ClockSkew {
    let server_ms = mono_ms + offset.offset_ms;
    let skew_ms = device_wall_ms as f64 - server_ms;
    let allowed_ms = threshold.as_secs_f64() * 1000.0 + offset.uncertainty_ms;
    if skew_ms.abs() <= allowed_ms {
        return ClockSkew::Fine;
    }
    let by = Duration::from_millis(skew_ms.abs().round() as u64);
    if skew_ms > 0.0 {
        ClockSkew::DeviceAhead(by)
    } else {
        ClockSkew::DeviceBehind(by)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    const SERVER_EPOCH_MS: i64 = 1_626_087_600_000;

    fn sample(sent: f64, received: f64, server_ms: i64) -> ClockSample {
        ClockSample {
            sent_mono_ms: sent,
            received_mono_ms: received,
            server_ms,
            server_resolution_ms: 1.0,
        }
    }

    #[test]
    fn offset_comes_from_the_shortest_round_trip() {
        let mut clock = ServerClock::new();
        assert_eq!(clock.offset(), None);
        // True offset: server = mono + SERVER_EPOCH_MS. A slow sample stamped early in its trip
        // would bias the estimate by 900 ms; the fast one is off by at most 10 ms.
        clock.add(sample(1_000.0, 3_000.0, SERVER_EPOCH_MS + 1_100));
        clock.add(sample(5_000.0, 5_020.0, SERVER_EPOCH_MS + 5_010));
        clock.add(sample(9_000.0, 10_500.0, SERVER_EPOCH_MS + 10_400));
        let offset = clock.offset().unwrap();
        assert_eq!(offset.offset_ms, SERVER_EPOCH_MS as f64);
        assert_eq!(offset.uncertainty_ms, 11.0);
        assert_eq!(
            clock.server_now_ms(20_000.0),
            Some(SERVER_EPOCH_MS + 20_000)
        );
    }

    #[test]
    fn keeps_a_bounded_window_and_ignores_nonsense() {
        let mut clock = ServerClock::new();
        clock.add(sample(10.0, 5.0, SERVER_EPOCH_MS));
        clock.add(sample(f64::NAN, 5.0, SERVER_EPOCH_MS));
        assert!(clock.samples().is_empty());
        for i in 0..20 {
            clock.add(sample(
                i as f64 * 1_000.0,
                i as f64 * 1_000.0 + 100.0,
                SERVER_EPOCH_MS,
            ));
        }
        assert_eq!(clock.samples().len(), MAX_CLOCK_SAMPLES);
        assert_eq!(clock.samples()[0].sent_mono_ms, 12_000.0);
    }

    #[test]
    fn skew_is_reported_beyond_the_threshold_only() {
        let offset = ClockOffset {
            offset_ms: SERVER_EPOCH_MS as f64,
            uncertainty_ms: 500.0,
        };
        let server_now = SERVER_EPOCH_MS + 1_000;
        assert_eq!(
            check_skew(&offset, 1_000.0, server_now + 60_000, SKEW_THRESHOLD),
            ClockSkew::Fine
        );
        // 120.4 s is within threshold + uncertainty; 10 minutes is not.
        assert_eq!(
            check_skew(&offset, 1_000.0, server_now - 120_400, SKEW_THRESHOLD),
            ClockSkew::Fine
        );
        assert_eq!(
            check_skew(&offset, 1_000.0, server_now + 600_000, SKEW_THRESHOLD),
            ClockSkew::DeviceAhead(Duration::from_secs(600))
        );
        assert_eq!(
            check_skew(&offset, 1_000.0, server_now - 3_600_000, SKEW_THRESHOLD),
            ClockSkew::DeviceBehind(Duration::from_secs(3_600))
        );
    }
}
