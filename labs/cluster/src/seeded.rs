//! One seeded generator for every kit: `splitmix64`, tiny and well mixed.
//!
//! The storms, the suites and the races draw their inputs from it, so every run of a check sees
//! the same inputs (a failure reproduces) and no kit needs a dependency for randomness. It is not
//! for anything that must be unpredictable.

/// The next number of the `splitmix64` sequence whose state is `state` (advanced in place).
pub fn splitmix(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A seeded `splitmix64` generator.
#[derive(Clone, Debug)]
pub struct Seeded(u64);

impl Seeded {
    /// The generator whose first state is `seed`.
    pub fn new(seed: u64) -> Seeded {
        Seeded(seed)
    }

    /// The next number.
    pub fn next_u64(&mut self) -> u64 {
        splitmix(&mut self.0)
    }

    /// A number below `bound` (`bound > 0`), nearly uniform for bounds far below 2^64.
    pub fn below(&mut self, bound: u64) -> u64 {
        self.next_u64() % bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sequence_is_splitmix64() {
        // The first outputs of splitmix64 seeded with 0, from its reference implementation.
        let mut rng = Seeded::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }
}
