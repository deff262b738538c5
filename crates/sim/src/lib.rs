//! `fairline-sim`: the opening-rush simulator. Millions of simulated citizens arrive around an
//! opening; Fairline clients run `fairline-core`'s own code, naive clients reload like in 2021,
//! and a model of the origin, its cache and admission control answers them. See [`engine`] for
//! the model.
//!
//! # The shipped code, not a copy
//!
//! - Every Fairline client drives its requests through core's
//!   [`PollScheduler`](fairline_core::schedule::PollScheduler), the scheduler the widget runs:
//!   errors in a row, the last Retry-After, the retry budget and the server's hints decide each
//!   delay (core's `poll` policy underneath).
//! - The server model publishes the admission rate measured by core's
//!   [`RateSampler`](fairline_core::sampler::RateSampler), the server's own sampler (one reading
//!   a second over 60 s, published from two readings), fed once per simulated second.
//! - Draw, position and wait estimate are core's `draw`, `position` and `estimate`.
//!
//! # Where the model simplifies
//!
//! - **Naive reloads are aggregated** (see [`engine`]): their load is the expected count per
//!   second, and each naive client's next success is drawn from the cumulative success hazard, so
//!   a naive client costs a handful of events instead of one per reload.
//! - **A Fairline widget's observation log is thinned** to its first, previous and latest readings
//!   before `estimate_wait` sees it (keeping a 64-entry log for 10 million clients would take
//!   about 10 GB). The mean rate over the log is exact, because the intervals telescope; the
//!   widget's own spread is measured over two intervals instead of all of them. The server's
//!   published rate and spread are measured in full.
//! - **Every 256th visible client keeps the widget's full log** ([`honesty`]): its screen is
//!   worked out at every poll (core's `estimate_wait` and `Estimate::as_shown`), and every second
//!   a range was on it is judged at its admission (the time-weighted honesty), beside its first
//!   range judged over that full log.
//! - **The server changes state once per second** (admission, the cached document, the origin's
//!   shed probability); client events carry exact milliseconds.

pub mod engine;
pub mod honesty;
pub mod metrics;
pub mod plot;
pub mod scenario;

use engine::Engine;
use metrics::Measures;
use scenario::{Population, Scenario};

/// Runs `scenario` with `population`, calling `progress(second, total)` every simulated second.
pub fn simulate(
    scenario: &Scenario,
    population: Population,
    progress: impl FnMut(u32, u32),
) -> Measures {
    Engine::new(scenario, population).run(progress)
}
