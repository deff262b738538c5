//! Benchmark of the fair draw: nanoseconds per rank lookup for a 10 million place pre-queue,
//! against two baselines measured in the same run (one SHA-256 of 32 bytes, and a lookup in a
//! precomputed shuffled table, which is what the draw avoids having to build or ship).
//!
//! Run with `cargo run --release -p fairline-core --example rank_bench`. Native only: it reads the
//! native clock, which the crate itself never does.

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    use std::hint::black_box;
    use std::time::Instant;

    use fairline_core::draw::PreQueueDraw;
    use fairline_core::rng::{RandomSource, SplitMix64};
    use sha2::{Digest, Sha256};

    const SIZE: u64 = 10_000_000;
    const LOOKUPS: u64 = 200_000;

    fn ns_per(iterations: u64, run: impl FnOnce() -> u64) -> f64 {
        let started = Instant::now();
        black_box(run());
        started.elapsed().as_nanos() as f64 / iterations as f64
    }

    let seed: [u8; 32] = core::array::from_fn(|i| (i * 7 + 3) as u8);
    let draw = PreQueueDraw::new(seed, SIZE);
    let mut rng = SplitMix64::new(2021);
    let indexes: Vec<u64> = (0..LOOKUPS).map(|_| rng.next_u64() % SIZE).collect();

    // Warm up caches and the CPU clock.
    black_box(
        indexes
            .iter()
            .take(1_000)
            .map(|&i| draw.rank_of(i).unwrap_or(0))
            .sum::<u64>(),
    );

    let rank_ns = ns_per(LOOKUPS, || {
        indexes
            .iter()
            .map(|&i| draw.rank_of(black_box(i)).unwrap_or(0))
            .fold(0, u64::wrapping_add)
    });
    let sha_ns = ns_per(LOOKUPS, || {
        indexes
            .iter()
            .map(|&i| {
                let mut block = [0u8; 32];
                block[..8].copy_from_slice(&i.to_le_bytes());
                u64::from(Sha256::digest(black_box(block))[0])
            })
            .fold(0, u64::wrapping_add)
    });

    // The table baseline: a shuffled Vec of all 10 M ranks (Fisher–Yates with the same rng).
    let build_started = Instant::now();
    let mut table: Vec<u32> = (0..SIZE as u32).collect();
    for i in (1..table.len()).rev() {
        let j = (rng.next_u64() % (i as u64 + 1)) as usize;
        table.swap(i, j);
    }
    let build_ms = build_started.elapsed().as_secs_f64() * 1000.0;
    let table_ns = ns_per(LOOKUPS, || {
        indexes
            .iter()
            .map(|&i| u64::from(table[black_box(i) as usize]))
            .fold(0, u64::wrapping_add)
    });

    println!("fair draw, N = {SIZE}, {LOOKUPS} random lookups");
    println!("  rank lookup (Feistel + cycle walking): {rank_ns:>9.1} ns/lookup, O(1) memory");
    println!("  baseline: one SHA-256 of 32 bytes:     {sha_ns:>9.1} ns");
    println!(
        "  baseline: shuffled table lookup:       {table_ns:>9.1} ns ({} MB table, built in {build_ms:.0} ms)",
        table.len() * 4 / 1_000_000
    );
    println!("  rank lookup / SHA-256 = {:.1}", rank_ns / sha_ns);
    println!("  rank lookup / table lookup = {:.0}", rank_ns / table_ns);
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // The benchmark needs a native clock; the browser suite checks the draw's correctness instead.
}
