//! Queue maths tests that run on both targets (natively and under wasm32 in Chromium): the draw's
//! fixed vectors, bijection and fairness, the poll schedule's bounds, the retry budget, and the
//! estimate against synthetic admission series.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use core::time::Duration;

use fairline_core::draw::{commitment, verify_commitment, PreQueueDraw};
use fairline_core::estimate::{estimate_wait, measure_admission_rate, Estimate, Observation};
use fairline_core::poll::{next_delay, PollInput, RetryBudget, Visibility};
use fairline_core::position::{position, Position};
use fairline_core::rng::{RandomSource, SplitMix64};
use fairline_core::wire::{to_hex, AdmissionRate, PollHints, QueueState, TicketClaims};

fn counting_seed() -> [u8; 32] {
    core::array::from_fn(|i| i as u8)
}

#[test]
fn draw_gives_the_same_ranks_on_every_target() {
    // Computed once natively; a wasm32 run must reproduce every value bit for bit.
    let seed = counting_seed();
    assert_eq!(
        to_hex(&commitment(&seed)),
        "630dcd2966c4336691125448bbb25b4ff412a49c732db2c8abc1b8581bd710dd"
    );
    let big = PreQueueDraw::new(seed, 10_000_000);
    let ranks: Vec<u64> = [0, 1, 2, 3, 1_000, 9_999_999]
        .iter()
        .map(|&index| big.rank_of(index).unwrap())
        .collect();
    assert_eq!(
        ranks,
        [6_798_667, 9_820_037, 9_828_345, 2_909_749, 6_503_982, 2_251_110]
    );
    let small = PreQueueDraw::new(seed, 10);
    let ranks: Vec<u64> = (0..10).map(|index| small.rank_of(index).unwrap()).collect();
    assert_eq!(ranks, [3, 5, 0, 6, 8, 2, 1, 7, 9, 4]);
}

#[test]
fn draw_is_a_bijection_for_every_size_up_to_300_and_a_few_larger() {
    let sizes = (1..=300u64).chain([1_023, 1_024, 1_025, 4_099]);
    for size in sizes {
        let draw = PreQueueDraw::new([(size % 251) as u8; 32], size);
        let mut taken = vec![false; size as usize];
        for index in 0..size {
            let rank = draw.rank_of(index).expect("index below N has a rank");
            assert!(rank < size);
            assert!(!taken[rank as usize], "N={size}: rank {rank} given twice");
            taken[rank as usize] = true;
        }
    }
}

#[test]
fn different_seeds_give_different_draws() {
    let size = 1_000;
    let first = PreQueueDraw::new([1; 32], size);
    let second = PreQueueDraw::new([2; 32], size);
    let same_rank = (0..size)
        .filter(|&i| first.rank_of(i) == second.rank_of(i))
        .count();
    // Two independent random permutations agree in about one place; allow a handful.
    assert!(same_rank < 8, "{same_rank} places agree");
    // Same seed, different N: unrelated draws too.
    let resized = PreQueueDraw::new([1; 32], size + 1);
    let same_rank = (0..size)
        .filter(|&i| first.rank_of(i) == resized.rank_of(i))
        .count();
    assert!(same_rank < 8, "{same_rank} places agree");
}

#[test]
fn joining_early_gives_no_advantage() {
    // The first tenth of the pre-queue should land all over, averaging mid-queue.
    let size = 10_000u64;
    let draw = PreQueueDraw::new([42; 32], size);
    let early: Vec<u64> = (0..size / 10).map(|i| draw.rank_of(i).unwrap()).collect();
    let mean = early.iter().sum::<u64>() as f64 / early.len() as f64;
    assert!(
        (4_500.0..5_500.0).contains(&mean),
        "mean rank of early joiners {mean}"
    );
    let in_first_tenth = early.iter().filter(|&&rank| rank < size / 10).count();
    assert!((60..140).contains(&in_first_tenth), "{in_first_tenth}");
}

fn state_json(seed: Option<[u8; 32]>, admitted_through: u64) -> QueueState {
    let committed = counting_seed();
    let seed_field = seed
        .map(|s| format!(r#""seed":"{}","pre_queue_size":1000,"#, to_hex(&s)))
        .unwrap_or_default();
    serde_json::from_str(&format!(
        r#"{{"campaign_id":"kr","server_time":"2021-07-12T20:00:30+09:00","opens_at":"2021-07-12T20:00:00+09:00",
            "seed_commitment":"{}",{seed_field}"admitted_through":{admitted_through},
            "admission_rate":{{"per_second":5.0,"spread_per_second":1.0,"window_s":60}},
            "paused":false,"poll":{{"min_s":2,"max_s":60}}}}"#,
        to_hex(&commitment(&committed))
    ))
    .unwrap()
}

#[test]
fn a_widget_goes_from_state_document_to_position_estimate_and_next_poll() {
    let ticket: TicketClaims = serde_json::from_str(
        r#"{"key_id":"k1","ticket_id":"t","campaign_id":"kr","person_key_hash":"ab",
            "issued_at":"2021-07-12T19:58:00+09:00","place":{"kind":"pre_queue","index":17}}"#,
    )
    .unwrap();
    let before = state_json(None, 0);
    assert_eq!(
        position(&ticket, &before).unwrap(),
        Position::awaiting_draw()
    );

    let after = state_json(Some(counting_seed()), 100);
    assert!(verify_commitment(&counting_seed(), &after.seed_commitment));
    let rank = PreQueueDraw::new(counting_seed(), 1_000)
        .rank_of(17)
        .unwrap();
    let at = position(&ticket, &after).unwrap();
    assert_eq!(at, Position::from_rank(rank, 100));

    let estimate = estimate_wait(&at, &after, &[Observation::from_state(&after)]);
    match estimate {
        Estimate::Range { low, high, .. } => assert!(low < high),
        Estimate::YourTurn => assert!(rank < 100),
        other => panic!("unexpected {other:?}"),
    }
    let input = PollInput {
        people_ahead: at.people_ahead,
        admission_rate_per_s: after.admission_rate.map(|r| r.per_second),
        hints: after.poll,
        ..PollInput::default()
    };
    let delay = next_delay(&input, &mut SplitMix64::new(1));
    assert!(delay >= Duration::from_secs(2) && delay <= Duration::from_secs(60));
}

#[test]
fn delays_respect_floor_ceiling_and_retry_after() {
    let mut rng = SplitMix64::new(11);
    let hints = PollHints {
        min_s: 3,
        max_s: 45,
    };
    for ahead in [None, Some(0), Some(10), Some(10_000), Some(50_000_000)] {
        for retry_after_s in [None, Some(1), Some(10), Some(200)] {
            for errors in [0, 1, 4, 30] {
                let input = PollInput {
                    people_ahead: ahead,
                    hints,
                    consecutive_errors: errors,
                    retry_after: retry_after_s.map(Duration::from_secs),
                    ..PollInput::default()
                };
                for _ in 0..50 {
                    let delay = next_delay(&input, &mut rng);
                    assert!(delay >= Duration::from_secs(3), "below floor: {delay:?}");
                    if let Some(r) = retry_after_s {
                        assert!(delay >= Duration::from_secs(r), "before Retry-After");
                    }
                    if errors == 0 && retry_after_s.is_none_or(|r| r <= 45) {
                        assert!(delay <= Duration::from_secs(45), "above ceiling: {delay:?}");
                    }
                }
            }
        }
    }
}

#[test]
fn polls_get_rarer_with_distance_and_when_hidden() {
    let mut rng = SplitMix64::new(5);
    let mut mean_delay = |input: PollInput| {
        (0..2_000)
            .map(|_| next_delay(&input, &mut rng).as_secs_f64())
            .sum::<f64>()
            / 2_000.0
    };
    let distances = [0u64, 100, 1_000, 10_000, 100_000, 1_000_000];
    let means: Vec<f64> = distances
        .iter()
        .map(|&ahead| {
            mean_delay(PollInput {
                people_ahead: Some(ahead),
                ..PollInput::default()
            })
        })
        .collect();
    for pair in means.windows(2) {
        assert!(pair[1] > pair[0], "poll rate did not fall: {means:?}");
    }
    assert!(means[0] < 4.0 && means[5] > 25.0, "{means:?}");
    let hidden = mean_delay(PollInput {
        people_ahead: Some(0),
        visibility: Visibility::Hidden,
        ..PollInput::default()
    });
    assert!(hidden >= 60.0, "{hidden}");
}

#[test]
fn the_retry_budget_caps_retries_in_any_window() {
    // A client whose every request fails, retrying as the policy says, for an hour.
    let mut rng = SplitMix64::new(99);
    let mut budget = RetryBudget::new(0);
    let mut now_ms = 0u64;
    let mut retry_times = Vec::new();
    let mut errors = 0;
    while now_ms < 3_600_000 {
        errors += 1;
        let budget_wait = budget.reserve_retry(now_ms);
        let input = PollInput {
            people_ahead: Some(0),
            // A server that sheds with Retry-After: 1 would let an unbudgeted client retry every
            // second or two.
            retry_after: Some(Duration::from_secs(1)),
            consecutive_errors: errors.min(2),
            budget_wait,
            ..PollInput::default()
        };
        now_ms += next_delay(&input, &mut rng).as_millis() as u64;
        retry_times.push(now_ms);
    }
    let window_ms = 60_000;
    let most_in_a_window = retry_times
        .iter()
        .enumerate()
        .map(|(i, &start)| {
            retry_times[i..]
                .iter()
                .take_while(|&&t| t < start + window_ms)
                .count()
        })
        .max()
        .unwrap();
    // Capacity 5 + 60 s / 12 s = 10 per minute at most.
    assert!(
        most_in_a_window <= 10,
        "{most_in_a_window} retries in one minute"
    );
    assert!(
        retry_times.len() <= 5 + 3_600 / 12 + 1,
        "{} retries in an hour",
        retry_times.len()
    );
    // And it is a budget, not a ban: the client keeps retrying.
    assert!(retry_times.len() >= 250, "{}", retry_times.len());
}

/// Roughly normal noise: the Irwin–Hall sum of 12 uniforms, minus 6.
fn standard_normal(rng: &mut SplitMix64) -> f64 {
    (0..12).map(|_| rng.next_unit_f64()).sum::<f64>() - 6.0
}

#[test]
fn the_range_contains_the_true_wait_on_noisy_admission_series() {
    const MEAN_PER_S: f64 = 40.0;
    const NOISE_PER_S: f64 = 15.0;
    const ESTIMATE_AT_S: usize = 120;
    let mut contained = 0;
    let mut trials = 0;
    let mut width_ratios = Vec::new();
    for trial in 0..50u64 {
        let mut rng = SplitMix64::new(1_000 + trial);
        // admitted[s] = admitted_through at the end of second s.
        let mut admitted = vec![0u64];
        for _ in 0..4_000 {
            let this_second = (MEAN_PER_S + NOISE_PER_S * standard_normal(&mut rng))
                .round()
                .max(0.0);
            admitted.push(admitted[admitted.len() - 1] + this_second as u64);
        }
        let observe = |second: usize| Observation {
            server_time_ms: second as i64 * 1_000,
            admitted_through: admitted[second],
        };
        // The server samples every 5 s and publishes the last 60 s.
        let server_samples: Vec<Observation> = (ESTIMATE_AT_S - 60..=ESTIMATE_AT_S)
            .step_by(5)
            .map(observe)
            .collect();
        let published: AdmissionRate = measure_admission_rate(&server_samples).unwrap();
        // The widget polled every 10 s for the last minute.
        let widget_samples: Vec<Observation> = (ESTIMATE_AT_S - 60..=ESTIMATE_AT_S)
            .step_by(10)
            .map(observe)
            .collect();
        let mut state = state_json(None, admitted[ESTIMATE_AT_S]);
        state.admission_rate = Some(published);
        for ahead in [0u64, 50, 500, 5_000, 20_000, 100_000] {
            let rank = admitted[ESTIMATE_AT_S] + ahead;
            let at = Position::from_rank(rank, admitted[ESTIMATE_AT_S]);
            let Estimate::Range { low, high, .. } = estimate_wait(&at, &state, &widget_samples)
            else {
                panic!("expected a range");
            };
            let admitted_at = admitted
                .iter()
                .position(|&through| through > rank)
                .expect("series long enough");
            let true_wait = Duration::from_secs((admitted_at - ESTIMATE_AT_S) as u64);
            trials += 1;
            if low <= true_wait && true_wait <= high {
                contained += 1;
            }
            if ahead == 100_000 {
                width_ratios.push(high.as_secs_f64() / low.as_secs_f64());
            }
        }
    }
    assert!(
        contained * 100 >= trials * 95,
        "range held the truth in {contained} of {trials}"
    );
    // Honest but still useful: with 5 s intervals the spread is about 17 % of the mean, so the
    // typical long wait is given as "x to about 1.8 x".
    width_ratios.sort_by(f64::total_cmp);
    let median_ratio = width_ratios[width_ratios.len() / 2];
    assert!(median_ratio < 2.2, "median high/low {median_ratio}");
}
