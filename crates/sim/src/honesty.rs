//! Time-weighted honesty: for every second a sampled citizen saw a wait range, did their
//! admission fall inside it? The first-range figure judges one range per citizen; this one judges
//! what citizens saw, all the time they saw it, including every range shown after the first.
//!
//! # What is judged
//!
//! A sampled Fairline client keeps a real [`ObservationLog`] (the widget's, not the engine's
//! thinned one) and works out what the widget shows at every poll: core's `estimate_wait`, then
//! [`Estimate::as_shown`] with its failed polls in a row. Each stretch of time one range was on
//! screen is a segment `[from, to)` with the range's absolute ends `[low, high]`. When the
//! client's rank is admitted at `A`, every second of every segment is one of:
//!
//! - **held**: `low ≤ A ≤ high`;
//! - **made false later**: `A` fell outside, and an outage began or ended or the server count
//!   changed after that second and no later than the moment the range failed (`A` itself when
//!   `A < low`, the upper end when `A > high`). The range was the truth as it stood; an event no
//!   estimate can foresee made it false. The widget's part is to withdraw it within two polls,
//!   and the seconds after the event still count;
//! - **false**: the rest.
//!
//! [`HonestyTotals::share`] is held / (held + false); [`HonestyTotals::share_all`] counts the
//! seconds made false later as false too. Citizens who gave up or let their admission lapse are
//! never admitted and are not judged (as for the first range).
//!
//! # Usage
//!
//! ```
//! use fairline_sim::honesty::HonestyTracker;
//!
//! let mut tracker = HonestyTracker::new(4, 8, vec![50_000]);
//! assert!(tracker.tracks(4) && !tracker.tracks(5));
//! tracker.show(4, 0, Some((30_000, 40_000))); // a range shown from 0 s…
//! tracker.show(4, 10_000, None); // …withdrawn at 10 s
//! tracker.admitted(4, 35_000);
//! assert_eq!(tracker.totals().held_ms, 10_000);
//! ```

use fairline_core::estimate::{Estimate, ObservationLog};
use fairline_core::wire::unix_ms;

/// One stretch of time a range was on screen: `[from_ms, to_ms)` showing `[low_ms, high_ms]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Segment {
    from_ms: u32,
    to_ms: u32,
    low_ms: u32,
    high_ms: u32,
}

/// A sampled client's screen and the widget's own log.
#[derive(Debug, Default)]
struct Tracked {
    /// The range on screen since `.0`, with its ends.
    open: Option<(u32, u32, u32)>,
    segments: Vec<Segment>,
    log: ObservationLog,
    /// The estimate of the last successful poll, for [`HonestyTracker::poll_failed`].
    last: Option<Estimate>,
    /// When the first successful poll was (the widget's history starts there).
    first_poll_ms: Option<u32>,
    /// The first range shown after [`FIRST_RANGE_AFTER_MS`] of history: shown at, low, high.
    first_range: Option<(u32, u32, u32)>,
    judged: bool,
}

/// The first range is judged once the widget has this much history, as the engine's first-range
/// figure does.
pub const FIRST_RANGE_AFTER_MS: u32 = 60_000;

/// The first range each sampled client saw, judged at its admission: the widget's full log, not
/// the engine's thinned one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FirstRanges {
    /// First ranges judged.
    pub judged: u64,
    /// Of which the admission fell inside.
    pub inside: u64,
    /// Of which the admission came before the lower end.
    pub early: u64,
    /// First ranges with no outage or server change between them and the admission.
    pub judged_steady: u64,
    /// Of which the admission fell inside.
    pub inside_steady: u64,
    /// (high − low) / (high + low) of every first range shown.
    pub relative_half_widths: Vec<f32>,
}

impl FirstRanges {
    /// Share of first ranges that held.
    pub fn share(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.inside as f64 / self.judged as f64)
    }

    /// Share of first ranges that held where nothing unforeseeable came between.
    pub fn share_steady(&self) -> Option<f64> {
        (self.judged_steady > 0).then(|| self.inside_steady as f64 / self.judged_steady as f64)
    }

    /// Share of first ranges whose admission came early.
    pub fn early_share(&self) -> Option<f64> {
        (self.judged > 0).then(|| self.early as f64 / self.judged as f64)
    }

    /// Median relative half-width.
    pub fn median_half_width(&self) -> Option<f64> {
        let mut widths = self.relative_half_widths.clone();
        if widths.is_empty() {
            return None;
        }
        widths.sort_by(f32::total_cmp);
        Some(f64::from(widths[widths.len() / 2]))
    }
}

/// Seconds of displayed ranges, by verdict (milliseconds).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HonestyTotals {
    /// The admission fell inside the range on screen.
    pub held_ms: u64,
    /// It did not, and nothing unforeseeable came between.
    pub false_ms: u64,
    /// It did not, because of an outage or a server change after the second it was seen.
    pub made_false_later_ms: u64,
    /// Sampled clients judged (admitted after seeing at least one range).
    pub clients: u64,
}

impl HonestyTotals {
    /// Held / (held + false): the seconds made false later by an unforeseeable event left out.
    pub fn share(&self) -> Option<f64> {
        let judged = self.held_ms + self.false_ms;
        (judged > 0).then(|| self.held_ms as f64 / judged as f64)
    }

    /// Held / every second a range was seen.
    pub fn share_all(&self) -> Option<f64> {
        let judged = self.held_ms + self.false_ms + self.made_false_later_ms;
        (judged > 0).then(|| self.held_ms as f64 / judged as f64)
    }
}

/// The time-weighted honesty of the ranges a sample of clients saw.
#[derive(Debug)]
pub struct HonestyTracker {
    sample_every: u32,
    tracked: Vec<Option<Box<Tracked>>>,
    /// Simulated milliseconds of outage starts and ends and server-count changes, ascending.
    disruptions_ms: Vec<u32>,
    /// Simulated milliseconds minus server Unix milliseconds.
    sim_minus_server_ms: i64,
    totals: HonestyTotals,
    first: FirstRanges,
}

impl HonestyTracker {
    /// Tracks every `sample_every`-th client of `clients` (ids divisible by it), judging against
    /// the `disruptions_ms` (simulated milliseconds, any order).
    pub fn new(sample_every: u32, clients: u32, mut disruptions_ms: Vec<u32>) -> Self {
        let sample_every = sample_every.max(1);
        disruptions_ms.sort_unstable();
        Self {
            sample_every,
            tracked: (0..clients.div_ceil(sample_every)).map(|_| None).collect(),
            disruptions_ms,
            sim_minus_server_ms: 0,
            totals: HonestyTotals::default(),
            first: FirstRanges::default(),
        }
    }

    /// Server times (Unix ms) are `sim_minus_server_ms` behind simulated milliseconds.
    pub fn with_server_offset(mut self, sim_minus_server_ms: i64) -> Self {
        self.sim_minus_server_ms = sim_minus_server_ms;
        self
    }

    /// The absolute simulated `[low, high]` of what `estimate` shows, if it is a range.
    fn range_of(&self, estimate: Estimate) -> Option<(u32, u32)> {
        let Estimate::Range {
            low,
            high,
            updated_at,
        } = estimate
        else {
            return None;
        };
        let updated = unix_ms(updated_at) + self.sim_minus_server_ms;
        let at = |offset: core::time::Duration| {
            let ms = updated.saturating_add(i64::try_from(offset.as_millis()).unwrap_or(i64::MAX));
            ms.clamp(0, i64::from(u32::MAX)) as u32
        };
        Some((at(low), at(high)))
    }

    /// A successful poll at `now_ms`: the widget now shows `estimate` (core's `estimate_wait`
    /// over this client's [`Self::log_mut`]).
    pub fn polled(&mut self, id: u32, now_ms: u32, estimate: Estimate) {
        let range = self.range_of(estimate);
        let mut first_shown = None;
        if let Some(tracked) = self.entry(id) {
            tracked.last = Some(estimate);
            let since = *tracked.first_poll_ms.get_or_insert(now_ms);
            if let Some((low, high)) = range {
                if tracked.first_range.is_none() && now_ms - since >= FIRST_RANGE_AFTER_MS {
                    tracked.first_range = Some((now_ms, low, high));
                    first_shown = Some((now_ms, low, high));
                }
            }
        }
        if let Some((now, low, high)) = first_shown {
            let (low_s, high_s) = (
                f64::from(low - now.min(low)),
                f64::from(high - now.min(high)),
            );
            if low_s + high_s > 0.0 {
                self.first
                    .relative_half_widths
                    .push(((high_s - low_s) / (high_s + low_s)) as f32);
            }
        }
        self.show(id, now_ms, range);
    }

    /// A failed poll at `now_ms`, the `failed_polls`-th in a row: the last estimate as the
    /// widget shows it now ([`Estimate::as_shown`]: withdrawn once old and failing).
    pub fn poll_failed(&mut self, id: u32, now_ms: u32, failed_polls: u32) {
        let Some(last) = self.entry(id).and_then(|t| t.last) else {
            return;
        };
        let server_now_ms = i64::from(now_ms) - self.sim_minus_server_ms;
        let shown = last.as_shown(server_now_ms, failed_polls);
        let range = self.range_of(shown);
        self.show(id, now_ms, range);
    }

    /// Whether client `id` is in the sample.
    pub fn tracks(&self, id: u32) -> bool {
        id.is_multiple_of(self.sample_every)
            && ((id / self.sample_every) as usize) < self.tracked.len()
    }

    fn entry(&mut self, id: u32) -> Option<&mut Tracked> {
        if !self.tracks(id) {
            return None;
        }
        let slot = &mut self.tracked[(id / self.sample_every) as usize];
        Some(slot.get_or_insert_with(Box::default))
    }

    /// The widget's own observation log of a sampled client.
    pub fn log_mut(&mut self, id: u32) -> Option<&mut ObservationLog> {
        self.entry(id).map(|t| &mut t.log)
    }

    /// From `now_ms` on, client `id` sees `range` (absolute simulated `[low, high]`), or none.
    pub fn show(&mut self, id: u32, now_ms: u32, range: Option<(u32, u32)>) {
        let Some(tracked) = self.entry(id) else {
            return;
        };
        if tracked.judged {
            return;
        }
        if let Some((since, low, high)) = tracked.open {
            if range == Some((low, high)) {
                return;
            }
            if now_ms > since {
                tracked.segments.push(Segment {
                    from_ms: since,
                    to_ms: now_ms,
                    low_ms: low,
                    high_ms: high,
                });
            }
        }
        tracked.open = range.map(|(low, high)| (now_ms, low, high));
    }

    /// Client `id`'s rank was admitted at `at_ms`: judges every second it saw a range.
    pub fn admitted(&mut self, id: u32, at_ms: u32) {
        self.show(id, at_ms, None);
        if !self.tracks(id) {
            return;
        }
        let Some(tracked) = self.tracked[(id / self.sample_every) as usize].take() else {
            return;
        };
        if tracked.judged {
            return;
        }
        if let Some((shown, low, high)) = tracked.first_range {
            let inside = (low..=high).contains(&at_ms);
            self.first.judged += 1;
            self.first.inside += u64::from(inside);
            self.first.early += u64::from(at_ms < low);
            let disrupted = self.disruptions_ms.iter().any(|&d| d > shown && d <= at_ms);
            if !disrupted {
                self.first.judged_steady += 1;
                self.first.inside_steady += u64::from(inside);
            }
        }
        if tracked.segments.is_empty() {
            return;
        }
        for segment in &tracked.segments {
            let length = u64::from(segment.to_ms - segment.from_ms);
            if (segment.low_ms..=segment.high_ms).contains(&at_ms) {
                self.totals.held_ms += length;
                continue;
            }
            let failed_at = if at_ms < segment.low_ms {
                at_ms
            } else {
                segment.high_ms
            };
            // Seconds before the last disruption no later than the failure were made false by it.
            let last = self
                .disruptions_ms
                .partition_point(|&d| d <= failed_at)
                .checked_sub(1)
                .map(|i| self.disruptions_ms[i]);
            let excused_to = last.unwrap_or(0).clamp(segment.from_ms, segment.to_ms);
            let excused = u64::from(excused_to - segment.from_ms);
            self.totals.made_false_later_ms += excused;
            self.totals.false_ms += length - excused;
        }
        self.totals.clients += 1;
        // Keep a marker so a late show() does not start judging again.
        self.tracked[(id / self.sample_every) as usize] = Some(Box::new(Tracked {
            judged: true,
            ..Tracked::default()
        }));
    }

    /// What has been judged so far.
    pub fn totals(&self) -> HonestyTotals {
        self.totals
    }

    /// The first ranges judged so far.
    pub fn first_ranges(&self) -> &FirstRanges {
        &self.first
    }

    /// Both, at the end of a run.
    pub fn finish(self) -> (HonestyTotals, FirstRanges) {
        (self.totals, self.first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judges_every_second_by_its_range() {
        let mut tracker = HonestyTracker::new(1, 10, vec![]);
        tracker.show(3, 0, Some((100_000, 200_000)));
        tracker.show(3, 60_000, Some((100_000, 200_000))); // unchanged: one segment
        tracker.show(3, 90_000, Some((150_000, 250_000)));
        tracker.show(3, 120_000, None);
        tracker.show(3, 130_000, Some((160_000, 170_000)));
        tracker.admitted(3, 180_000);
        let totals = tracker.totals();
        assert_eq!(totals.held_ms, 90_000 + 30_000);
        assert_eq!(totals.false_ms, 50_000, "the last range ended at 170 s");
        assert_eq!(totals.clients, 1);
        assert!((totals.share().unwrap() - 120.0 / 170.0).abs() < 1e-12);
        // Nothing more is judged for that client.
        tracker.show(3, 200_000, Some((0, 1)));
        tracker.admitted(3, 300_000);
        assert_eq!(tracker.totals(), totals);
    }

    #[test]
    fn seconds_before_an_unforeseeable_event_are_set_apart() {
        // An outage at 100 s: a range shown from 0 s expected admission by 150 s; it came at
        // 400 s. Seconds 0–100 were the truth as it stood; 100–130 still showed it afterwards.
        let mut tracker = HonestyTracker::new(1, 10, vec![100_000, 200_000]);
        tracker.show(0, 0, Some((120_000, 150_000)));
        tracker.show(0, 130_000, None);
        tracker.admitted(0, 400_000);
        let totals = tracker.totals();
        assert_eq!(totals.made_false_later_ms, 100_000);
        assert_eq!(totals.false_ms, 30_000);
        assert_eq!(totals.share(), Some(0.0));
        // A range whose upper end had passed before the event is not excused by it.
        let mut late = HonestyTracker::new(1, 10, vec![100_000]);
        late.show(0, 0, Some((20_000, 50_000)));
        late.admitted(0, 150_000);
        assert_eq!(late.totals().false_ms, 150_000);
        assert_eq!(late.totals().made_false_later_ms, 0);
    }

    #[test]
    fn only_the_sample_is_tracked_and_unadmitted_clients_are_not_judged() {
        let mut tracker = HonestyTracker::new(4, 10, vec![]);
        assert!(tracker.tracks(0) && tracker.tracks(8) && !tracker.tracks(9));
        assert!(!tracker.tracks(12), "beyond the population");
        tracker.show(9, 0, Some((0, 10)));
        tracker.admitted(9, 5);
        tracker.show(8, 0, Some((0, 10)));
        assert_eq!(tracker.totals(), HonestyTotals::default());
        assert!(tracker.log_mut(8).is_some() && tracker.log_mut(9).is_none());
    }

    #[test]
    fn the_first_range_after_a_minute_of_history_is_judged_once() {
        use core::time::Duration;
        use fairline_core::wire::from_unix_ms;
        let mut tracker = HonestyTracker::new(1, 1, vec![]).with_server_offset(0);
        let range = |at_s: i64, low_s: u64, high_s: u64| Estimate::Range {
            low: Duration::from_secs(low_s),
            high: Duration::from_secs(high_s),
            updated_at: from_unix_ms(at_s * 1000).unwrap(),
        };
        tracker.polled(0, 0, range(0, 100, 200)); // too little history
        tracker.polled(0, 60_000, range(60, 100, 300)); // the first range: 160–360 s
        tracker.polled(0, 90_000, range(90, 10, 20));
        tracker.admitted(0, 200_000);
        let first = tracker.first_ranges();
        assert_eq!((first.judged, first.inside, first.early), (1, 1, 0));
        assert_eq!(first.share_steady(), Some(1.0));
        assert!((first.median_half_width().unwrap() - 0.5).abs() < 1e-6);
    }

    #[test]
    fn follows_what_the_widget_shows_through_failed_polls() {
        use core::time::Duration;
        use fairline_core::wire::from_unix_ms;
        // Server time 1,000,000 ms is simulated time 0.
        let mut tracker = HonestyTracker::new(1, 1, vec![]).with_server_offset(-1_000_000);
        let range = Estimate::Range {
            low: Duration::from_secs(60),
            high: Duration::from_secs(120),
            updated_at: from_unix_ms(1_000_000).unwrap(),
        };
        tracker.polled(0, 0, range);
        tracker.poll_failed(0, 10_000, 1); // one failure: still shown
        tracker.poll_failed(0, 40_000, 2); // two, and 40 s old: withdrawn
        tracker.admitted(0, 90_000);
        assert_eq!(tracker.totals().held_ms, 40_000);
        assert_eq!(tracker.totals().false_ms, 0);
    }
}
