//! The randomness input: core never draws random numbers of its own, callers pass a source in.
//!
//! The widget passes a source seeded from `crypto.getRandomValues`, the server one seeded from the
//! operating system, and tests and the simulator pass [`SplitMix64`] with a fixed seed so every
//! run is reproducible. Nothing here is used for secrets: the fair draw's seed comes from the
//! server's own cryptographic generator, and jitter only needs to be spread, not unguessable.

/// A source of uniformly distributed 64-bit values.
pub trait RandomSource {
    /// The next uniformly distributed `u64`.
    fn next_u64(&mut self) -> u64;

    /// A uniformly distributed `f64` in `[0, 1)`, built from the top 53 bits of [`next_u64`]
    /// (the width of an `f64` mantissa), so every value is exactly representable.
    ///
    /// [`next_u64`]: RandomSource::next_u64
    fn next_unit_f64(&mut self) -> f64 {
        const TWO_POW_MINUS_53: f64 = 1.0 / (1u64 << 53) as f64;
        (self.next_u64() >> 11) as f64 * TWO_POW_MINUS_53
    }
}

impl<R: RandomSource + ?Sized> RandomSource for &mut R {
    fn next_u64(&mut self) -> u64 {
        (**self).next_u64()
    }
}

/// SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number generators",
/// OOPSLA 2014): a tiny, fast, deterministic generator with good statistical quality, used by
/// tests and the simulator. Identical output on every target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitMix64 {
    state: u64,
}

impl SplitMix64 {
    /// A generator whose sequence is fully determined by `seed`.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }
}

impl RandomSource for SplitMix64 {
    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::{RandomSource, SplitMix64};

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // Reference values for seed 1234567 from the public-domain C implementation
        // (Vigna, prng.di.unimi.it/splitmix64.c).
        let mut rng = SplitMix64::new(1_234_567);
        assert_eq!(rng.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(rng.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(rng.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn unit_f64_stays_in_range_and_spreads() {
        let mut rng = SplitMix64::new(7);
        let mut below_half = 0;
        for _ in 0..10_000 {
            let x = rng.next_unit_f64();
            assert!((0.0..1.0).contains(&x));
            if x < 0.5 {
                below_half += 1;
            }
        }
        assert!((4_700..5_300).contains(&below_half), "{below_half}");
    }
}
