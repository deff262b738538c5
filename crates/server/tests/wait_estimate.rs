//! The wait estimate through the real server at a low admission rate (issue 16): the server's
//! sampler publishes the rate in the state document, and a waiter polls it over HTTP on core's
//! poll schedule and estimates with core's estimator and observation log, as the widget does.
//!
//! Run with `cargo test -p fairline-server --test wait_estimate`.

mod common;

use std::time::Duration;

use common::{person, spawn_app_with, test_tuning, AppOptions, TestApp};
use fairline_core::{
    estimate::{estimate_wait, Estimate, Observation, ObservationLog},
    poll::Visibility,
    position::position,
    rng::SplitMix64,
    schedule::{PollScheduler, QueueView},
    wire::{unix_ms, JoinResponse, RateChange},
};
use fairline_server::config::Tuning;

/// One waiter: core's schedule, log and estimate over the server's state document.
struct Waiter {
    joined: JoinResponse,
    scheduler: PollScheduler,
    log: ObservationLog,
    rng: SplitMix64,
    view: QueueView,
    /// Server time of the first poll, Unix ms.
    started_ms: Option<i64>,
}

impl Waiter {
    fn new(joined: JoinResponse) -> Self {
        Self {
            joined,
            scheduler: PollScheduler::new(0.0),
            log: ObservationLog::new(),
            rng: SplitMix64::new(16),
            view: QueueView::default(),
            started_ms: None,
        }
    }

    /// Waits (moving the server's clock a second at a time) until the schedule's next poll, polls
    /// and estimates. Returns the seconds since the first poll, the people ahead and the estimate.
    async fn poll(&mut self, app: &TestApp) -> (i64, u64, Estimate) {
        if self.started_ms.is_some() {
            let delay = self
                .scheduler
                .next_delay(self.view, Visibility::Visible, &mut self.rng);
            for _ in 0..delay.as_secs().max(1) {
                app.advance(Duration::from_secs(1)).await;
            }
        }
        let state = app.queue_state().await;
        let now_ms = unix_ms(state.server_time);
        self.scheduler.record_sent(now_ms as f64);
        self.scheduler
            .record_success(now_ms as f64, state.poll, None);
        self.log.push(Observation::from_state(&state));
        let at = position(&self.joined.ticket.claims, &state).expect("a drawn rank");
        self.view = QueueView {
            people_ahead: at.people_ahead,
            admission_rate_per_s: state.admission_rate.map(|r| r.per_second),
            until_opening: None,
        };
        let started = *self.started_ms.get_or_insert(now_ms);
        let estimate = estimate_wait(&at, &state, self.log.observations());
        (
            (now_ms - started) / 1000,
            at.people_ahead.unwrap_or(0),
            estimate,
        )
    }
}

fn minutes(estimate: &Estimate) -> Option<(u64, u64)> {
    match estimate {
        Estimate::Range { low, high, .. } => Some((low.as_secs() / 60, high.as_secs() / 60)),
        _ => None,
    }
}

#[tokio::test]
async fn at_one_admission_a_second_the_range_is_useful_and_follows_a_fourfold_rise() {
    let app = spawn_app_with(AppOptions {
        tuning: Tuning {
            admit_rate_per_s: 1.0,
            ..test_tuning()
        },
        ..AppOptions::default()
    })
    .await;
    // 360 people ahead of the waiter: after a minute at 1 a second, 300.
    for n in 0..360 {
        app.joined(&person(n)).await;
    }
    let mut waiter = Waiter::new(app.joined(&person(360)).await);
    let (second, ahead, estimate) = loop {
        let polled = waiter.poll(&app).await;
        if polled.0 >= 60 {
            break polled;
        }
    };
    let (low, high) = minutes(&estimate)
        .unwrap_or_else(|| panic!("no range after {second} s at 1/s: {estimate:?}"));
    println!("after {second} s, {ahead} ahead: {low}–{high} min");
    assert!(
        (295..=305).contains(&ahead),
        "{ahead} ahead after {second} s"
    );
    assert!(
        low >= 1 && high <= 2 * low,
        "{low}–{high} min for {ahead} ahead at 1/s: the upper end is more than twice the lower"
    );

    // The operator raises the rate fourfold.
    let token = app.state.secrets().admin_token.clone();
    let raised = app
        .client
        .post(app.url("/v1/admin/campaigns/kr-covid19-2021-07/rate"))
        .bearer_auth(&token)
        .json(&RateChange { per_second: 4.0 })
        .send()
        .await
        .unwrap();
    assert_eq!(raised.status(), 200);
    let mut after = Vec::new();
    for _ in 0..2 {
        let (second, ahead, estimate) = waiter.poll(&app).await;
        println!("after {second} s, {ahead} ahead: {estimate:?}");
        after.push(minutes(&estimate));
    }
    let moved = after.iter().flatten().any(|&(new_low, new_high)| {
        // At 4/s the ~290 left take about 73 s: the range must come down to match, not just
        // shrink by the few people admitted meanwhile.
        new_high < high && new_low < low && new_high <= high.div_ceil(2)
    });
    assert!(
        moved,
        "after a fourfold rise the range did not move down within two polls: {low}–{high} min, \
         then {after:?}"
    );
}
