//! Property tests of the queue maths (native only: proptest does not run in the browser): the draw
//! is a bijection for sizes up to 10 million, and poll delays stay within their bounds for any
//! input.
#![cfg(not(target_arch = "wasm32"))]

use core::time::Duration;

use fairline_core::draw::PreQueueDraw;
use fairline_core::poll::{next_delay, poll_window, PollInput, RetryBudget, Visibility};
use fairline_core::rng::SplitMix64;
use fairline_core::wire::PollHints;
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn sampled_indexes_map_to_distinct_ranks_and_back(
        seed in any::<[u8; 32]>(),
        size in 1u64..=10_000_000,
        picks in proptest::collection::vec(any::<u64>(), 1..40),
    ) {
        let draw = PreQueueDraw::new(seed, size);
        let mut ranks = std::collections::HashMap::new();
        for pick in picks {
            let index = pick % size;
            let rank = draw.rank_of(index).unwrap();
            prop_assert!(rank < size);
            // The inverse recovers the index, so no two indexes share a rank.
            prop_assert_eq!(draw.index_of(rank), Some(index));
            if let Some(previous) = ranks.insert(rank, index) {
                prop_assert_eq!(previous, index);
            }
        }
        prop_assert_eq!(draw.rank_of(size), None);
    }

    #[test]
    fn small_draws_are_exact_bijections(seed in any::<[u8; 32]>(), size in 1u64..2_000) {
        let draw = PreQueueDraw::new(seed, size);
        let mut ranks: Vec<u64> = (0..size).map(|i| draw.rank_of(i).unwrap()).collect();
        ranks.sort_unstable();
        prop_assert!(ranks.iter().copied().eq(0..size));
    }

    #[test]
    fn seeds_that_differ_give_different_draws(
        seed in any::<[u8; 32]>(),
        flip_byte in 0usize..32,
        size in 1_000u64..=10_000_000,
    ) {
        let mut other = seed;
        other[flip_byte] ^= 1;
        let first = PreQueueDraw::new(seed, size);
        let second = PreQueueDraw::new(other, size);
        let agreeing = (0..64).filter(|&i| first.rank_of(i) == second.rank_of(i)).count();
        prop_assert!(agreeing < 4, "{} of 64 ranks agree", agreeing);
    }

    #[test]
    fn delays_stay_between_floor_retry_after_and_ceiling(
        ahead in proptest::option::of(any::<u64>()),
        rate in proptest::option::of(0.0f64..10_000.0),
        until_opening_s in proptest::option::of(0u64..100_000),
        min_s in 0u32..30,
        extra_s in 0u32..600,
        hidden in any::<bool>(),
        errors in 0u32..100,
        retry_after_s in proptest::option::of(0u64..3_600),
        budget_wait_ms in 0u64..200_000,
        rng_seed in any::<u64>(),
    ) {
        let hints = PollHints { min_s, max_s: min_s + extra_s };
        let input = PollInput {
            people_ahead: ahead,
            admission_rate_per_s: rate,
            until_opening: until_opening_s.map(Duration::from_secs),
            hints,
            visibility: if hidden { Visibility::Hidden } else { Visibility::Visible },
            consecutive_errors: errors,
            retry_after: retry_after_s.map(Duration::from_secs),
            budget_wait: Duration::from_millis(budget_wait_ms),
        };
        let window = poll_window(&input);
        let mut rng = SplitMix64::new(rng_seed);
        for _ in 0..20 {
            let delay = next_delay(&input, &mut rng);
            prop_assert!(delay >= window.earliest && delay <= window.latest);
            prop_assert!(delay >= Duration::from_secs(u64::from(min_s.max(1))));
            if let Some(r) = retry_after_s {
                prop_assert!(delay >= Duration::from_secs(r));
            }
            prop_assert!(delay >= Duration::from_millis(budget_wait_ms));
            if hidden {
                prop_assert!(delay >= Duration::from_secs(60));
            }
            let unforced = errors == 0 && retry_after_s.is_none() && budget_wait_ms == 0;
            if unforced && !hidden {
                prop_assert!(delay <= Duration::from_secs(u64::from(hints.max_s.max(min_s.max(1)))));
            }
            if unforced && hidden {
                prop_assert!(delay <= Duration::from_secs(300).max(Duration::from_secs(u64::from(min_s))));
            }
        }
    }

    #[test]
    fn mean_delay_never_falls_as_distance_grows(
        near in 0u64..1_000_000_000,
        further in 0u64..1_000_000_000,
        rate in proptest::option::of(0.001f64..10_000.0),
        hidden in any::<bool>(),
    ) {
        let input = |ahead| PollInput {
            people_ahead: Some(ahead),
            admission_rate_per_s: rate,
            visibility: if hidden { Visibility::Hidden } else { Visibility::Visible },
            ..PollInput::default()
        };
        let nearer = poll_window(&input(near)).mean();
        let farther = poll_window(&input(near.saturating_add(further))).mean();
        prop_assert!(farther >= nearer, "{:?} < {:?}", farther, nearer);
    }

    #[test]
    fn the_budget_never_lets_more_than_capacity_plus_refill_through(
        attempt_gaps_ms in proptest::collection::vec(0u64..5_000, 1..300),
    ) {
        // Retries go out when the budget says (now + wait); count them per 60 s window.
        let mut budget = RetryBudget::new(0);
        let mut now_ms = 0;
        let mut sent = Vec::new();
        for gap in attempt_gaps_ms {
            now_ms += gap;
            let wait = budget.reserve_retry(now_ms).as_millis() as u64;
            now_ms += wait;
            sent.push(now_ms);
        }
        for (i, &start) in sent.iter().enumerate() {
            let in_window = sent[i..].iter().take_while(|&&t| t < start + 60_000).count();
            prop_assert!(in_window <= 5 + 5, "{} retries within a minute", in_window);
        }
    }
}
