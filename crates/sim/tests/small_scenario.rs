//! The small scenario end to end: deterministic for a seed, the protocol's invariants hold for
//! both client populations and a mix, and Fairline's origin load is far below naive's.

use fairline_sim::metrics::Measures;
use fairline_sim::scenario::{Population, Scenario};
use fairline_sim::simulate;

fn small() -> Scenario {
    Scenario::from_toml_str(include_str!("../scenarios/small.toml")).expect("small.toml parses")
}

fn run(scenario: &Scenario, population: Population) -> Measures {
    simulate(scenario, population, |_, _| {})
}

fn assert_invariants(measures: &Measures) {
    let who = &measures.population;
    assert_eq!(
        measures.invariants.out_of_order_admissions, 0,
        "{who}: admitted out of rank order"
    );
    assert_eq!(
        measures.invariants.retry_after_violations, 0,
        "{who}: a Fairline client sent before its Retry-After, budget or floor"
    );
    assert_eq!(
        measures.invariants.bookings_without_admission, 0,
        "{who}: a booking without an admission"
    );
    assert!(measures.bookings > 0, "{who}: nobody booked");
    assert!(
        measures.bookings <= measures.claims,
        "{who}: more bookings than admissions"
    );
    assert_eq!(
        measures.bookings + measures.abandoned + measures.lapsed + measures.unresolved,
        measures.citizens,
        "{who}: every citizen ends booked, gone, lapsed or still waiting"
    );
    // admitted_through never goes back, and bookings never exceed the admitted ranks.
    for pair in measures.rows.windows(2) {
        assert!(pair[1].admitted_through >= pair[0].admitted_through);
        assert!(pair[1].bookings <= pair[1].admitted_through);
    }
}

#[test]
fn same_seed_gives_identical_numbers() {
    let scenario = small();
    for population in [Population::Naive, Population::Fairline, Population::Mixed] {
        assert_eq!(run(&scenario, population), run(&scenario, population));
    }
    let mut other_seed = small();
    other_seed.seed += 1;
    assert_ne!(
        run(&scenario, Population::Fairline).origin_requests,
        run(&other_seed, Population::Fairline).origin_requests
    );
}

#[test]
fn invariants_hold_for_every_population() {
    let scenario = small();
    assert!(
        !scenario.outages.is_empty(),
        "the scenario exercises Retry-After"
    );
    for population in [Population::Naive, Population::Fairline, Population::Mixed] {
        assert_invariants(&run(&scenario, population));
    }
}

#[test]
fn the_outage_sends_retry_after_and_fairline_obeys_it() {
    let fairline = run(&small(), Population::Fairline);
    let outage_rows: Vec<_> = fairline.rows.iter().filter(|r| r.outage).collect();
    assert!(!outage_rows.is_empty());
    // Nothing is served and nobody is admitted while the origin is down.
    assert!(outage_rows.iter().all(|r| r.origin_served == 0.0));
    assert_eq!(
        outage_rows.first().map(|r| r.admitted_through),
        outage_rows.last().map(|r| r.admitted_through)
    );
    assert!(
        fairline.retry_afters_received > 0,
        "the outage and the shedding sent Retry-After"
    );
    assert_eq!(fairline.invariants.retry_after_violations, 0);
}

#[test]
fn fairline_costs_the_origin_far_less_than_naive_reloading() {
    let scenario = small();
    let naive = run(&scenario, Population::Naive);
    let fairline = run(&scenario, Population::Fairline);
    assert!(
        naive.origin_requests > 10.0 * fairline.origin_requests,
        "naive {} vs Fairline {}",
        naive.origin_requests,
        fairline.origin_requests
    );
    assert!(naive.peak_origin_rps > fairline.peak_origin_rps);
    assert!(
        fairline.cache_share > 0.5,
        "cache share {}",
        fairline.cache_share
    );
    assert_eq!(naive.cache_share, 0.0, "naive reloads bypass the cache");
    // Fairline widgets show a first range, and most of those hold.
    assert!(fairline.ranges_judged > scenario.citizens as u64 / 2);
    assert!(fairline.honesty_share.is_some_and(|share| share > 0.5));
    assert_eq!(naive.honesty_share, None);
}
