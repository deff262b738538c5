//! `fairline-sim`: the opening-rush simulator. Millions of simulated citizens arrive around an
//! opening; Fairline clients run `fairline-core`'s own polling, backoff, retry budget, draw,
//! position and estimator code, naive clients reload like in 2021, and a model of the origin, its
//! cache and admission control answers them. See [`engine`] for the model.

pub mod engine;
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
