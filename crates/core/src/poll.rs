//! The polling policy: how long a waiter sleeps before fetching the queue state again, backoff
//! after errors, and the retry budget that stops a failing crowd from hammering a recovering
//! server.
//!
//! Everything is pure: the caller passes what it knows ([`PollInput`]) and a [`RandomSource`], and
//! gets a delay. Time for the retry budget is a monotonic clock reading in milliseconds that the
//! caller takes (`performance.now()` in the widget, the simulator's virtual clock).
//!
//! # How the delay is chosen
//!
//! 1. **A target from the distance to the front.** [`distance_target`]: `NEAR_FRONT_TARGET`
//!    (4 s) at the front, growing by `SECONDS_PER_DOUBLING` (4 s) each time the number of people
//!    ahead doubles past `DISTANCE_SCALE_PEOPLE` (100), up to `FAR_TARGET` (60 s): 100 ahead → 8 s,
//!    1,000 → 18 s, 10,000 → 31 s, 1,000,000 → 57 s. When the admission rate is known the target is
//!    also at most `EXPECTED_WAIT_FRACTION` (half) of the expected time to the front, so a fast
//!    queue is not overslept. Before the draw (rank unknown) the target is `FAR_TARGET`, but not
//!    later than `OPENING_SPREAD` (5 s) after the opening. The target is clamped to the server's
//!    hints: `[min_s, max_s]` (and never below `ABSOLUTE_FLOOR`, 1 s, whatever the hints say).
//! 2. **Full jitter.** The delay is uniform over `[floor, target]` rather than `target ± a little`.
//!    Marc Brooker, "Exponential Backoff And Jitter", AWS Architecture Blog (2015), shows that
//!    "full jitter" (uniform from zero to the backoff) spreads a crowd best and does the least
//!    total work; we keep the server's floor as the lower end. The mean delay is therefore halfway
//!    between floor and target, and a crowd that started together (a page reload wave, the
//!    opening) loses its synchrony after one poll.
//! 3. **Errors: capped exponential backoff, still with full jitter.** After `n` consecutive errors
//!    the upper end grows to `BACKOFF_BASE · 2^n` (2 s, 4 s, 8 s …) up to `BACKOFF_CAP` (120 s);
//!    it never shrinks below the ordinary target, so an error never makes a waiter poll *faster*.
//! 4. **The retry budget.** Each retry also reserves a token from a [`RetryBudget`] (a token
//!    bucket: `RETRY_BUDGET_CAPACITY` = 5 tokens, refilled at one per `RETRY_BUDGET_REFILL`
//!    = 12 s, plus `RETRY_BUDGET_DEPOSIT_PER_SUCCESS` = 0.2 of a token per success). When the
//!    bucket is empty the retry waits until it has refilled. This is the "retry budget" of the
//!    Google SRE book, chapter 22 "Addressing Cascading Failures" (retries limited to a share of
//!    requests, so retries cannot multiply load on an overloaded backend), and Finagle's
//!    `RetryBudget` (a minimum rate of retries plus a percentage of successful requests, default
//!    20 %). A waiter therefore retries at most `5 + window / 12 s` times in any window, whatever
//!    the errors.
//! 5. **`Retry-After` always wins.** No delay is shorter than a `Retry-After` the server sent (nor
//!    than the budget's wait). Because every client in a shed crowd receives the same value, the
//!    delay is spread over `[R, R + max(1 s, min(R / 2, 30 s))]` above it, so they do not all return
//!    in the same second. A `Retry-After` may take the delay above the ceiling: the server asked.
//! 6. **Hidden pages poll slowly.** While the page is hidden the window is `[HIDDEN_FLOOR,
//!    clamp(HIDDEN_SLOWDOWN · target, 120 s, HIDDEN_CEILING)]`, i.e. 60 s to 2–5 minutes.
//!    Browsers throttle timers in hidden pages anyway (MDN, `setTimeout`, "Reasons for delays
//!    longer than specified": at most once per second in background tabs; Chrome 88's "intensive
//!    throttling", developer.chrome.com blog "Heavy throttling of chained JS timers beginning in
//!    Chrome 88": chained timers in pages hidden for 5 minutes run at most once a minute), so a
//!    faster schedule would only be batched by the browser. A minute is still short next to an
//!    admission window of several minutes, and the widget polls at once when the page becomes
//!    visible again (subject to `Retry-After` and the budget).

use core::time::Duration;

use crate::rng::RandomSource;
use crate::wire::PollHints;

/// Target delay at the front of the queue: a few seconds, so admission is noticed promptly.
pub const NEAR_FRONT_TARGET: Duration = Duration::from_secs(4);
/// Target delay far from the front: once a minute is enough when admission is minutes away.
pub const FAR_TARGET: Duration = Duration::from_secs(60);
/// People ahead at which the target starts to grow noticeably above [`NEAR_FRONT_TARGET`].
pub const DISTANCE_SCALE_PEOPLE: f64 = 100.0;
/// Seconds added to the target each time `1 + ahead / DISTANCE_SCALE_PEOPLE` doubles.
pub const SECONDS_PER_DOUBLING: f64 = 4.0;
/// With a known admission rate, never sleep longer than this share of the expected time to the
/// front (the estimate can be wrong by about this much, see [`crate::estimate`]).
pub const EXPECTED_WAIT_FRACTION: f64 = 0.5;
/// Before the draw, poll no later than this long after the opening.
pub const OPENING_SPREAD: Duration = Duration::from_secs(5);
/// Lowest delay ever used, even if the server's hints say 0.
pub const ABSOLUTE_FLOOR: Duration = Duration::from_secs(1);
/// First backoff step: after `n` errors the upper end is `BACKOFF_BASE · 2^n`.
pub const BACKOFF_BASE: Duration = Duration::from_secs(1);
/// Largest backoff upper end: two minutes spreads a recovering server's returning crowd.
pub const BACKOFF_CAP: Duration = Duration::from_secs(120);
/// Smallest spread above a `Retry-After` or budget wait.
pub const RETRY_AFTER_MIN_SPREAD: Duration = Duration::from_secs(1);
/// Largest spread above a `Retry-After` or budget wait (it is otherwise half of it).
pub const RETRY_AFTER_MAX_SPREAD: Duration = Duration::from_secs(30);
/// Hidden pages never poll more often than this (Chrome's intensive throttling aligns chained
/// timers in hidden pages to one minute).
pub const HIDDEN_FLOOR: Duration = Duration::from_secs(60);
/// Hidden pages stretch the visible target by this factor.
pub const HIDDEN_SLOWDOWN: u32 = 4;
/// Smallest upper end of the hidden window, so hidden polls are jittered too.
pub const HIDDEN_MIN_LATEST: Duration = Duration::from_secs(120);
/// Largest delay of a hidden page without errors or `Retry-After`.
pub const HIDDEN_CEILING: Duration = Duration::from_secs(300);
/// Retry tokens a full budget holds (a short burst of retries is fine).
pub const RETRY_BUDGET_CAPACITY: f64 = 5.0;
/// One retry token comes back every this long.
pub const RETRY_BUDGET_REFILL: Duration = Duration::from_secs(12);
/// Share of a token each successful request deposits (Finagle's default `percentCanRetry`).
pub const RETRY_BUDGET_DEPOSIT_PER_SUCCESS: f64 = 0.2;

/// Whether the page is visible (`document.visibilityState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Visibility {
    /// On screen.
    #[default]
    Visible,
    /// In a background tab, minimised, or the screen is off.
    Hidden,
}

/// Everything the schedule depends on.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PollInput {
    /// People ahead (from [`crate::position::Position`]); `None` while the rank is unknown.
    pub people_ahead: Option<u64>,
    /// The published admission rate per second, if any.
    pub admission_rate_per_s: Option<f64>,
    /// Time left until the opening, when it is still ahead.
    pub until_opening: Option<Duration>,
    /// The server's floor and ceiling.
    pub hints: PollHints,
    /// Page visibility.
    pub visibility: Visibility,
    /// Errors in a row since the last successful poll (0 after a success).
    pub consecutive_errors: u32,
    /// The last response's `Retry-After`, if it had one.
    pub retry_after: Option<Duration>,
    /// The wait the retry budget imposed on this retry ([`RetryBudget::reserve_retry`]); zero when
    /// not retrying or a token was available.
    pub budget_wait: Duration,
}

/// The interval a delay is drawn from, uniformly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DelayWindow {
    /// Shortest possible delay.
    pub earliest: Duration,
    /// Longest possible delay.
    pub latest: Duration,
}

impl DelayWindow {
    /// A uniformly drawn delay in `[earliest, latest]`, at millisecond resolution.
    pub fn sample(&self, rng: &mut impl RandomSource) -> Duration {
        let earliest_ms = duration_ms(self.earliest);
        let span_ms = duration_ms(self.latest).saturating_sub(earliest_ms);
        // `unit < 1`, so the offset never exceeds `span_ms`.
        let offset_ms = (rng.next_unit_f64() * (span_ms as f64 + 1.0)) as u64;
        Duration::from_millis(earliest_ms + offset_ms.min(span_ms))
    }

    /// The mean delay, `(earliest + latest) / 2`.
    pub fn mean(&self) -> Duration {
        (self.earliest + self.latest) / 2
    }
}

fn duration_ms(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

/// The server's floor (at least [`ABSOLUTE_FLOOR`]) and ceiling (at least the floor).
pub fn floor_and_ceiling(hints: PollHints) -> (Duration, Duration) {
    let floor = Duration::from_secs(u64::from(hints.min_s)).max(ABSOLUTE_FLOOR);
    let ceiling = Duration::from_secs(u64::from(hints.max_s)).max(floor);
    (floor, ceiling)
}

/// The visible target before clamping to the hints, from the distance to the front (see the
/// module documentation).
pub fn distance_target(
    people_ahead: Option<u64>,
    admission_rate_per_s: Option<f64>,
    until_opening: Option<Duration>,
) -> Duration {
    let Some(ahead) = people_ahead else {
        return match until_opening {
            Some(left) => (left + OPENING_SPREAD).min(FAR_TARGET),
            None => FAR_TARGET,
        };
    };
    let doublings = (1.0 + ahead as f64 / DISTANCE_SCALE_PEOPLE).log2();
    let mut target_s = (NEAR_FRONT_TARGET.as_secs_f64() + SECONDS_PER_DOUBLING * doublings)
        .min(FAR_TARGET.as_secs_f64());
    if let Some(rate) = admission_rate_per_s.filter(|rate| rate.is_finite() && *rate > 0.0) {
        let expected_s = ahead as f64 / rate;
        target_s = target_s
            .min((expected_s * EXPECTED_WAIT_FRACTION).max(NEAR_FRONT_TARGET.as_secs_f64()));
    }
    // Whole milliseconds (the target lies between the near-front and the far target): the
    // float-to-`Duration` conversion and its panic messages weigh about a kilobyte in the widget.
    Duration::from_millis((target_s * 1000.0) as u64)
}

/// The upper end of the error backoff after `consecutive_errors` errors (zero for none):
/// `min(BACKOFF_CAP, BACKOFF_BASE · 2^n)`.
pub fn backoff_latest(consecutive_errors: u32) -> Duration {
    if consecutive_errors == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32
        .checked_shl(consecutive_errors.min(31))
        .unwrap_or(u32::MAX);
    BACKOFF_BASE.saturating_mul(factor).min(BACKOFF_CAP)
}

/// The window the next delay is drawn from.
pub fn poll_window(input: &PollInput) -> DelayWindow {
    let (floor, ceiling) = floor_and_ceiling(input.hints);
    let target = distance_target(
        input.people_ahead,
        input.admission_rate_per_s,
        input.until_opening,
    )
    .clamp(floor, ceiling);
    let (mut earliest, mut latest) = match input.visibility {
        Visibility::Visible => (floor, target),
        Visibility::Hidden => {
            let stretched = target.saturating_mul(HIDDEN_SLOWDOWN);
            (
                HIDDEN_FLOOR.max(floor),
                stretched.clamp(HIDDEN_MIN_LATEST, HIDDEN_CEILING),
            )
        }
    };
    latest = latest.max(backoff_latest(input.consecutive_errors));
    let not_before = input
        .retry_after
        .unwrap_or(Duration::ZERO)
        .max(input.budget_wait);
    if not_before > earliest {
        earliest = not_before;
        let spread = (not_before / 2).clamp(RETRY_AFTER_MIN_SPREAD, RETRY_AFTER_MAX_SPREAD);
        latest = latest.max(earliest + spread);
    }
    DelayWindow {
        earliest,
        latest: latest.max(earliest),
    }
}

/// The delay before the next poll: uniform over [`poll_window`].
pub fn next_delay(input: &PollInput, rng: &mut impl RandomSource) -> Duration {
    poll_window(input).sample(rng)
}

/// A retry budget: a token bucket that every retry draws from, refilled over time and by
/// successes (see the module documentation). Times are monotonic milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct RetryBudget {
    tokens: f64,
    updated_at_ms: u64,
}

impl RetryBudget {
    /// A full budget at monotonic time `now_ms`.
    pub fn new(now_ms: u64) -> Self {
        Self {
            tokens: RETRY_BUDGET_CAPACITY,
            updated_at_ms: now_ms,
        }
    }

    fn refill(&mut self, now_ms: u64) {
        let elapsed_ms = now_ms.saturating_sub(self.updated_at_ms);
        let refill_ms = RETRY_BUDGET_REFILL.as_millis() as f64;
        self.tokens = (self.tokens + elapsed_ms as f64 / refill_ms).min(RETRY_BUDGET_CAPACITY);
        self.updated_at_ms = self.updated_at_ms.max(now_ms);
    }

    /// Tokens available at `now_ms` (negative while reserved retries are still being paid for).
    pub fn tokens(&self, now_ms: u64) -> f64 {
        let mut copy = self.clone();
        copy.refill(now_ms);
        copy.tokens
    }

    /// Records a successful request: deposits [`RETRY_BUDGET_DEPOSIT_PER_SUCCESS`].
    pub fn record_success(&mut self, now_ms: u64) {
        self.refill(now_ms);
        self.tokens = (self.tokens + RETRY_BUDGET_DEPOSIT_PER_SUCCESS).min(RETRY_BUDGET_CAPACITY);
    }

    /// Reserves one token for a retry and returns how long the retry must wait for it: zero when
    /// a token was available, otherwise the time until the bucket has refilled to cover it. Pass
    /// the result as [`PollInput::budget_wait`].
    pub fn reserve_retry(&mut self, now_ms: u64) -> Duration {
        self.refill(now_ms);
        self.tokens -= 1.0;
        if self.tokens >= 0.0 {
            return Duration::ZERO;
        }
        let wait_ms = (-self.tokens * RETRY_BUDGET_REFILL.as_millis() as f64).ceil();
        Duration::from_millis(wait_ms as u64)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::rng::SplitMix64;

    fn at(ahead: u64) -> PollInput {
        PollInput {
            people_ahead: Some(ahead),
            ..PollInput::default()
        }
    }

    #[test]
    fn targets_match_the_documented_table() {
        let secs = |ahead| distance_target(Some(ahead), None, None).as_secs_f64();
        assert_eq!(secs(0), 4.0);
        assert_eq!(secs(100), 8.0);
        assert!((17.0..19.0).contains(&secs(1_000)), "{}", secs(1_000));
        assert!((30.0..32.0).contains(&secs(10_000)));
        assert!((56.0..58.0).contains(&secs(1_000_000)));
        assert_eq!(secs(100_000_000), 60.0);
        // A fast queue: 1,000 ahead at 100/s is 10 s away, so sleep at most 5 s.
        assert_eq!(
            distance_target(Some(1_000), Some(100.0), None),
            Duration::from_secs(5)
        );
        // Rank unknown: far target, but wake shortly after the opening.
        assert_eq!(distance_target(None, None, None), FAR_TARGET);
        assert_eq!(
            distance_target(None, None, Some(Duration::from_secs(10))),
            Duration::from_secs(15)
        );
    }

    #[test]
    fn visible_window_is_floor_to_target_within_hints() {
        assert_eq!(
            poll_window(&at(0)),
            DelayWindow {
                earliest: Duration::from_secs(2),
                latest: Duration::from_secs(4)
            }
        );
        let narrow = PollInput {
            hints: PollHints {
                min_s: 5,
                max_s: 20,
            },
            ..at(10_000_000)
        };
        assert_eq!(
            poll_window(&narrow),
            DelayWindow {
                earliest: Duration::from_secs(5),
                latest: Duration::from_secs(20)
            }
        );
        let zero_hints = PollInput {
            hints: PollHints { min_s: 0, max_s: 0 },
            ..at(0)
        };
        assert_eq!(poll_window(&zero_hints).earliest, ABSOLUTE_FLOOR);
        assert_eq!(poll_window(&zero_hints).latest, ABSOLUTE_FLOOR);
    }

    #[test]
    fn hidden_pages_poll_at_most_once_a_minute() {
        let near = PollInput {
            visibility: Visibility::Hidden,
            ..at(0)
        };
        assert_eq!(
            poll_window(&near),
            DelayWindow {
                earliest: HIDDEN_FLOOR,
                latest: HIDDEN_MIN_LATEST
            }
        );
        let far = PollInput {
            visibility: Visibility::Hidden,
            ..at(10_000_000)
        };
        assert_eq!(poll_window(&far).latest, Duration::from_secs(240));
    }

    #[test]
    fn retry_after_and_budget_wait_set_the_earliest_and_spread_above_it() {
        let shed = PollInput {
            retry_after: Some(Duration::from_secs(100)),
            ..at(0)
        };
        assert_eq!(
            poll_window(&shed),
            DelayWindow {
                earliest: Duration::from_secs(100),
                latest: Duration::from_secs(130)
            }
        );
        let short = PollInput {
            retry_after: Some(Duration::from_secs(3)),
            ..at(1_000_000)
        };
        let window = poll_window(&short);
        assert_eq!(window.earliest, Duration::from_secs(3));
        assert_eq!(window.latest, distance_target(Some(1_000_000), None, None));
        let budget = PollInput {
            budget_wait: Duration::from_secs(10),
            consecutive_errors: 1,
            ..at(0)
        };
        assert_eq!(poll_window(&budget).earliest, Duration::from_secs(10));
        assert_eq!(poll_window(&budget).latest, Duration::from_secs(15));
    }

    #[test]
    fn backoff_doubles_to_its_cap_and_never_speeds_polling_up() {
        assert_eq!(backoff_latest(0), Duration::ZERO);
        assert_eq!(backoff_latest(1), Duration::from_secs(2));
        assert_eq!(backoff_latest(3), Duration::from_secs(8));
        assert_eq!(backoff_latest(7), BACKOFF_CAP);
        assert_eq!(backoff_latest(u32::MAX), BACKOFF_CAP);
        let far = at(1_000_000);
        let far_error = PollInput {
            consecutive_errors: 1,
            ..far
        };
        assert_eq!(poll_window(&far_error), poll_window(&far));
        let near_errors = PollInput {
            consecutive_errors: 5,
            ..at(0)
        };
        assert_eq!(poll_window(&near_errors).latest, Duration::from_secs(32));
    }

    #[test]
    fn samples_cover_the_window_and_stay_inside() {
        let window = DelayWindow {
            earliest: Duration::from_secs(2),
            latest: Duration::from_secs(4),
        };
        let mut rng = SplitMix64::new(3);
        let samples: Vec<Duration> = (0..2_000).map(|_| window.sample(&mut rng)).collect();
        assert!(samples
            .iter()
            .all(|d| *d >= window.earliest && *d <= window.latest));
        assert!(samples.iter().any(|d| *d < Duration::from_millis(2_100)));
        assert!(samples.iter().any(|d| *d > Duration::from_millis(3_900)));
        let point = DelayWindow {
            earliest: Duration::from_secs(1),
            latest: Duration::from_secs(1),
        };
        assert_eq!(point.sample(&mut rng), Duration::from_secs(1));
    }

    #[test]
    fn budget_allows_a_burst_then_one_retry_per_refill() {
        let mut budget = RetryBudget::new(0);
        for _ in 0..5 {
            assert_eq!(budget.reserve_retry(0), Duration::ZERO);
        }
        assert_eq!(budget.reserve_retry(0), RETRY_BUDGET_REFILL);
        assert_eq!(budget.reserve_retry(0), RETRY_BUDGET_REFILL * 2);
        // After two refills the debt is paid; successes add a fifth of a token each.
        assert!((budget.tokens(24_000) - 0.0).abs() < 1e-9);
        for _ in 0..5 {
            budget.record_success(24_000);
        }
        assert!((budget.tokens(24_000) - 1.0).abs() < 1e-9);
        assert_eq!(budget.reserve_retry(24_000), Duration::ZERO);
        assert!(budget.tokens(10_000_000) <= RETRY_BUDGET_CAPACITY);
    }
}
