//! The poll scheduler: one waiter's bookkeeping around [`crate::poll`]'s policy — errors in a
//! row, the last `Retry-After`, the retry budget and the moments that bound the next request.
//!
//! The widget and the simulator both drive their polls through [`PollScheduler`], so the
//! simulator's figures describe the shipped behaviour. Times are monotonic milliseconds the
//! caller reads (`performance.now()` in the widget, the virtual clock in the simulator).
//!
//! # Usage
//!
//! ```
//! use core::time::Duration;
//! use fairline_core::{poll::Visibility, rng::SplitMix64, schedule::{PollScheduler, QueueView}, wire::PollHints};
//!
//! let mut scheduler = PollScheduler::new(0.0);
//! scheduler.record_sent(0.0);
//! scheduler.record_failure(120.0, Some(Duration::from_secs(30)));
//! let view = QueueView { people_ahead: Some(500), ..QueueView::default() };
//! let delay = scheduler.next_delay(view, Visibility::Visible, &mut SplitMix64::new(1));
//! assert!(delay >= Duration::from_secs(30), "Retry-After always wins");
//! scheduler.record_success(30_500.0, PollHints::default(), None);
//! assert_eq!(scheduler.consecutive_errors(), 0);
//! ```

use core::time::Duration;

use crate::poll::{
    next_delay, poll_window, DelayWindow, PollInput, RetryBudget, Visibility, ABSOLUTE_FLOOR,
};
use crate::rng::RandomSource;
use crate::wire::PollHints;

/// Bookkeeping of one waiter's polls: errors in a row, the last `Retry-After`, the retry budget
/// and the moments that bound the next request. Times are monotonic milliseconds.
#[derive(Debug, Clone, PartialEq)]
pub struct PollScheduler {
    consecutive_errors: u32,
    retry_after: Option<Duration>,
    budget_wait: Duration,
    budget: RetryBudget,
    hints: PollHints,
    last_sent_ms: Option<f64>,
    last_answer_ms: f64,
}

/// What the schedule needs to know about the queue as last seen.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct QueueView {
    /// People ahead, when the rank is known.
    pub people_ahead: Option<u64>,
    /// The published admission rate.
    pub admission_rate_per_s: Option<f64>,
    /// Time to the opening, while it is ahead.
    pub until_opening: Option<Duration>,
}

fn whole_ms(ms: f64) -> u64 {
    if ms.is_finite() && ms > 0.0 {
        ms as u64
    } else {
        0
    }
}

impl PollScheduler {
    /// A scheduler starting at monotonic time `now_ms`, with a full retry budget.
    pub fn new(now_ms: f64) -> Self {
        Self {
            consecutive_errors: 0,
            retry_after: None,
            budget_wait: Duration::ZERO,
            budget: RetryBudget::new(whole_ms(now_ms)),
            hints: PollHints::default(),
            last_sent_ms: None,
            last_answer_ms: now_ms,
        }
    }

    /// A request was sent at `now_ms`.
    pub fn record_sent(&mut self, now_ms: f64) {
        self.last_sent_ms = Some(now_ms);
    }

    /// A state document arrived at `now_ms`.
    pub fn record_success(&mut self, now_ms: f64, hints: PollHints, retry_after: Option<Duration>) {
        self.consecutive_errors = 0;
        self.retry_after = retry_after;
        self.budget_wait = Duration::ZERO;
        self.hints = hints;
        self.budget.record_success(whole_ms(now_ms));
        self.last_answer_ms = now_ms;
    }

    /// A poll failed at `now_ms` (network, 5xx, 429), with the server's `Retry-After` if any.
    /// The retry draws a token from the budget.
    pub fn record_failure(&mut self, now_ms: f64, retry_after: Option<Duration>) {
        self.consecutive_errors = self.consecutive_errors.saturating_add(1);
        self.retry_after = retry_after;
        self.budget_wait = self.budget.reserve_retry(whole_ms(now_ms));
        self.last_answer_ms = now_ms;
    }

    /// Errors in a row.
    pub fn consecutive_errors(&self) -> u32 {
        self.consecutive_errors
    }

    /// Core's input for the next delay.
    pub fn poll_input(&self, view: QueueView, visibility: Visibility) -> PollInput {
        PollInput {
            people_ahead: view.people_ahead,
            admission_rate_per_s: view.admission_rate_per_s,
            until_opening: view.until_opening,
            hints: self.hints,
            visibility,
            consecutive_errors: self.consecutive_errors,
            retry_after: self.retry_after,
            budget_wait: self.budget_wait,
        }
    }

    /// The window the next delay is drawn from (core's [`poll_window`]).
    pub fn window(&self, view: QueueView, visibility: Visibility) -> DelayWindow {
        poll_window(&self.poll_input(view, visibility))
    }

    /// The delay before the next poll, counted from the last answer (core's [`next_delay`]).
    pub fn next_delay(
        &self,
        view: QueueView,
        visibility: Visibility,
        rng: &mut impl RandomSource,
    ) -> Duration {
        next_delay(&self.poll_input(view, visibility), rng)
    }

    /// After an early wake-up (page shown again, back online) at `now_ms`: how long the poll
    /// must still wait so that it obeys `Retry-After`, the budget and the server's floor.
    pub fn wake_delay(&self, now_ms: f64) -> Duration {
        let asked = self
            .retry_after
            .unwrap_or(Duration::ZERO)
            .max(self.budget_wait);
        let mut not_before_ms = self.last_answer_ms + asked.as_secs_f64() * 1000.0;
        if let Some(sent) = self.last_sent_ms {
            let floor = Duration::from_secs(u64::from(self.hints.min_s)).max(ABSOLUTE_FLOOR);
            not_before_ms = not_before_ms.max(sent + floor.as_secs_f64() * 1000.0);
        }
        Duration::from_millis(whole_ms(not_before_ms - now_ms))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;
    use crate::rng::SplitMix64;

    fn far() -> QueueView {
        QueueView {
            people_ahead: Some(10_000),
            ..QueueView::default()
        }
    }

    #[test]
    fn delays_stay_inside_cores_window_and_spread() {
        let scheduler = PollScheduler::new(0.0);
        let window = scheduler.window(far(), Visibility::Visible);
        assert_eq!(window.earliest, Duration::from_secs(2));
        let mut rng = SplitMix64::new(3);
        let delays: Vec<Duration> = (0..200)
            .map(|_| scheduler.next_delay(far(), Visibility::Visible, &mut rng))
            .collect();
        assert!(delays
            .iter()
            .all(|d| *d >= window.earliest && *d <= window.latest));
        let distinct: std::collections::BTreeSet<_> = delays.iter().collect();
        assert!(distinct.len() > 100, "full jitter spreads the delays");
    }

    #[test]
    fn retry_after_is_never_undercut_and_errors_back_off() {
        let mut scheduler = PollScheduler::new(0.0);
        scheduler.record_sent(0.0);
        scheduler.record_failure(100.0, Some(Duration::from_secs(30)));
        let window = scheduler.window(far(), Visibility::Visible);
        assert!(window.earliest >= Duration::from_secs(30));
        // Woken early (tab shown again) 5 s later: still 25 s to wait.
        assert_eq!(scheduler.wake_delay(5_100.0), Duration::from_secs(25));
        // Plain errors without Retry-After: the upper end grows.
        let mut failing = PollScheduler::new(0.0);
        let near = QueueView {
            people_ahead: Some(0),
            ..QueueView::default()
        };
        let mut latest = Vec::new();
        for n in 0..4 {
            failing.record_failure(f64::from(n) * 1000.0, None);
            latest.push(failing.window(near, Visibility::Visible).latest);
        }
        assert!(latest.windows(2).all(|pair| pair[1] >= pair[0]));
        assert_eq!(failing.consecutive_errors(), 4);
        // A success resets the errors.
        failing.record_success(10_000.0, PollHints::default(), None);
        assert_eq!(failing.consecutive_errors(), 0);
    }

    #[test]
    fn the_budget_holds_back_a_burst_of_retries() {
        let mut scheduler = PollScheduler::new(0.0);
        let mut waits = Vec::new();
        for _ in 0..8 {
            scheduler.record_failure(1_000.0, None);
            waits.push(scheduler.poll_input(far(), Visibility::Visible).budget_wait);
        }
        // Five tokens, then each retry waits for a refill.
        assert!(waits[..5].iter().all(|w| w.is_zero()));
        assert!(waits[5] > Duration::ZERO && waits[7] > waits[6]);
    }

    #[test]
    fn hidden_pages_poll_slower_and_waking_respects_the_floor() {
        let scheduler = PollScheduler::new(0.0);
        let visible = scheduler.window(far(), Visibility::Visible);
        let hidden = scheduler.window(far(), Visibility::Hidden);
        assert!(hidden.earliest >= Duration::from_secs(60));
        assert!(hidden.latest > visible.latest);
        let mut sent = PollScheduler::new(0.0);
        sent.record_sent(1_000.0);
        sent.record_success(
            1_200.0,
            PollHints {
                min_s: 3,
                max_s: 60,
            },
            None,
        );
        assert_eq!(sent.wake_delay(2_000.0), Duration::from_secs(2));
        assert_eq!(sent.wake_delay(9_000.0), Duration::ZERO);
    }
}
