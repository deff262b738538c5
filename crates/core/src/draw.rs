//! The fair pre-queue draw: a keyed permutation of `[0, N)` from pre-queue index to rank, and the
//! SHA-256 commitment to its seed.
//!
//! # Protocol
//!
//! Before the opening the server draws a 32-byte seed from its cryptographic generator and
//! publishes only `commitment(seed) = SHA-256(seed)`. Nobody, the server's operators included,
//! can then change the seed without the change being visible. At the opening it publishes the
//! seed and the pre-queue size N. Everyone who joined before the opening holds a pre-queue index
//! `i` (arrival order, `0..N`) and gets rank `rank_of(i)`; the draw is a bijection, so ranks are
//! `0..N` with no gaps or ties. Those who join after the opening get rank `N + arrival order`.
//! Every widget computes its own rank from the state document, and anyone can check the seed
//! against the commitment and recompute the whole draw.
//!
//! # The permutation (exact, so that others can reimplement it)
//!
//! Let `b` be the number of bits of `N - 1` (at least 2), rounded up to an even number, and
//! `h = b / 2`. A balanced Feistel network of [`FEISTEL_ROUNDS`] rounds permutes `[0, 2^b)`: a
//! value `x` splits into `L = x >> h` and `R = x & (2^h - 1)`, and round `r` maps `(L, R)` to
//! `(R, L xor F_r(R))`, after which `x = (L << h) | R`. The round function is
//!
//! ```text
//! F_r(v) = u64_le(SHA-256(seed ‖ u64_le(N) ‖ u8(r) ‖ u64_le(v))[0..8]) & (2^h - 1)
//! ```
//!
//! (49 bytes hashed: one SHA-256 compression per round). Because `2^b < 4N`, *cycle walking*
//! (applying the network again until the value falls below N) restricts it to a permutation of
//! `[0, N)` after fewer than 4 applications on average. All arithmetic is on `u64`, so the draw
//! is bit-for-bit the same on 64-bit servers and in 32-bit wasm, and a lookup needs O(1) memory.
//!
//! Binding `N` into the round function means a draw for a different pre-queue size is unrelated,
//! so the server cannot pick N after the seed to steer anyone's rank without that showing.

use sha2::{Digest, Sha256};

use crate::wire::{from_hex_32, to_hex, QueueState};

/// Rounds of the Feistel network. Luby and Rackoff showed 4 rounds of a pseudorandom function
/// give a strong pseudorandom permutation; 8 doubles the margin for about a microsecond per
/// lookup, which the widget does once.
pub const FEISTEL_ROUNDS: u8 = 8;

/// The SHA-256 commitment to a draw seed, published before the opening.
pub fn commitment(seed: &[u8; 32]) -> [u8; 32] {
    Sha256::digest(seed).into()
}

/// True when `seed` hashes to the published `commitment_hex` (hex, either case).
pub fn verify_commitment(seed: &[u8; 32], commitment_hex: &str) -> bool {
    from_hex_32(commitment_hex) == Some(commitment(seed))
}

/// Why a state document's draw cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DrawError {
    /// The published seed is not 64 hex digits.
    MalformedSeed,
    /// The published seed does not hash to the commitment published before the opening.
    CommitmentMismatch,
    /// The seed is published but the pre-queue size is not.
    MissingPreQueueSize,
}

impl DrawError {
    /// What is wrong, in words for logs and test failures.
    pub fn describe(self) -> &'static str {
        match self {
            DrawError::MalformedSeed => "the published seed is not 64 hex digits",
            DrawError::CommitmentMismatch => "the published seed does not match its commitment",
            DrawError::MissingPreQueueSize => "the seed is published without the pre-queue size",
        }
    }
}

impl std::fmt::Display for DrawError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.describe())
    }
}

impl std::error::Error for DrawError {}

/// The revealed draw: seed and pre-queue size N, mapping pre-queue indexes to ranks and back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PreQueueDraw {
    seed: [u8; 32],
    size: u64,
    half_bits: u32,
}

impl PreQueueDraw {
    /// The draw of `size` pre-queue places under `seed`.
    pub fn new(seed: [u8; 32], size: u64) -> Self {
        // Bits needed for the largest value, size - 1; at least 2 so each half has one bit.
        let bits = (u64::BITS - size.saturating_sub(1).leading_zeros()).max(2);
        Self {
            seed,
            size,
            half_bits: bits.div_ceil(2),
        }
    }

    /// The draw a state document reveals: `Ok(None)` before the opening (no seed yet), an error
    /// when the seed is malformed, does not match the commitment, or comes without N.
    pub fn from_state(state: &QueueState) -> Result<Option<Self>, DrawError> {
        let Some(seed_hex) = state.seed.as_deref() else {
            return Ok(None);
        };
        let seed = from_hex_32(seed_hex).ok_or(DrawError::MalformedSeed)?;
        if !verify_commitment(&seed, &state.seed_commitment) {
            return Err(DrawError::CommitmentMismatch);
        }
        let size = state.pre_queue_size.ok_or(DrawError::MissingPreQueueSize)?;
        Ok(Some(Self::new(seed, size)))
    }

    /// The pre-queue size N.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The seed, lower-case hex.
    pub fn seed_hex(&self) -> String {
        to_hex(&self.seed)
    }

    /// The rank of pre-queue index `index`, or `None` when `index >= N`.
    pub fn rank_of(&self, index: u64) -> Option<u64> {
        (index < self.size).then(|| self.cycle_walk(index, Self::encrypt))
    }

    /// The pre-queue index holding `rank`, or `None` when `rank >= N` (the inverse of
    /// [`rank_of`](Self::rank_of)).
    pub fn index_of(&self, rank: u64) -> Option<u64> {
        (rank < self.size).then(|| self.cycle_walk(rank, Self::decrypt))
    }

    fn cycle_walk(&self, start: u64, step: fn(&Self, u64) -> u64) -> u64 {
        let mut value = step(self, start);
        while value >= self.size {
            value = step(self, value);
        }
        value
    }

    fn half_mask(&self) -> u64 {
        u64::MAX >> (u64::BITS - self.half_bits)
    }

    fn round_function(&self, round: u8, value: u64) -> u64 {
        let mut message = [0u8; 49];
        message[..32].copy_from_slice(&self.seed);
        message[32..40].copy_from_slice(&self.size.to_le_bytes());
        message[40] = round;
        message[41..].copy_from_slice(&value.to_le_bytes());
        let digest = Sha256::digest(message);
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first) & self.half_mask()
    }

    fn encrypt(&self, value: u64) -> u64 {
        let mask = self.half_mask();
        let (mut left, mut right) = (value >> self.half_bits, value & mask);
        for round in 0..FEISTEL_ROUNDS {
            (left, right) = (right, left ^ self.round_function(round, right));
        }
        (left << self.half_bits) | right
    }

    fn decrypt(&self, value: u64) -> u64 {
        let mask = self.half_mask();
        let (mut left, mut right) = (value >> self.half_bits, value & mask);
        for round in (0..FEISTEL_ROUNDS).rev() {
            (left, right) = (right ^ self.round_function(round, left), left);
        }
        (left << self.half_bits) | right
    }
}

/// The rank of the person who joined `arrival_order`-th (from 0) after the opening, behind the
/// whole pre-queue of `pre_queue_size`.
pub fn rank_after_opening(pre_queue_size: u64, arrival_order: u64) -> u64 {
    pre_queue_size.saturating_add(arrival_order)
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn commitment_is_plain_sha256_of_the_seed() {
        // SHA-256 of 32 zero bytes, a well-known test vector.
        assert_eq!(
            to_hex(&commitment(&[0u8; 32])),
            "66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925"
        );
        let seed = [9u8; 32];
        assert!(verify_commitment(
            &seed,
            &to_hex(&commitment(&seed)).to_uppercase()
        ));
        assert!(!verify_commitment(&seed, &to_hex(&commitment(&[8u8; 32]))));
        assert!(!verify_commitment(&seed, "not hex"));
    }

    #[test]
    fn small_draws_are_bijections_with_inverse() {
        for size in 0..=70u64 {
            let draw = PreQueueDraw::new([size as u8; 32], size);
            let mut seen = vec![false; size as usize];
            for index in 0..size {
                let rank = draw.rank_of(index).unwrap();
                assert!(!seen[rank as usize], "rank {rank} twice for N={size}");
                seen[rank as usize] = true;
                assert_eq!(draw.index_of(rank), Some(index));
            }
            assert_eq!(draw.rank_of(size), None);
            assert_eq!(draw.index_of(size), None);
        }
    }

    #[test]
    fn huge_sizes_do_not_overflow() {
        let draw = PreQueueDraw::new([1u8; 32], u64::MAX);
        for index in [0, 1, u64::MAX / 2, u64::MAX - 1] {
            let rank = draw.rank_of(index).unwrap();
            assert_eq!(draw.index_of(rank), Some(index));
        }
        assert_eq!(rank_after_opening(u64::MAX, 5), u64::MAX);
        assert_eq!(rank_after_opening(100, 5), 105);
    }
}
