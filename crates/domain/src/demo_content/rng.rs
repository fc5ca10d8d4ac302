//! A tiny deterministic PRNG (SplitMix64) so demo data is byte-identical on every machine.
//!
//! Only integer arithmetic is used: no floating point, no platform-dependent hashing.

/// The SplitMix64 finaliser: a good 64-bit mixing function for deriving seeds.
pub(super) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// SplitMix64 (Steele, Lea and Flood 2014).
#[derive(Debug, Clone)]
pub(super) struct Rng {
    state: u64,
}

impl Rng {
    const GOLDEN: u64 = 0x9E37_79B9_7F4A_7C15;

    pub(super) fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(Self::GOLDEN);
        mix(self.state)
    }

    /// Uniform in `0..n` (Lemire's multiply-shift; the tiny bias is irrelevant here).
    /// Returns 0 for `n == 0`.
    pub(super) fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Uniform in `lo..=hi`.
    pub(super) fn between(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }

    /// Uniform in `-spread..=spread`.
    pub(super) fn jitter(&mut self, spread: i32) -> i32 {
        self.below((2 * spread + 1) as usize) as i32 - spread
    }

    /// True with probability `permille / 1000`.
    pub(super) fn chance(&mut self, permille: u32) -> bool {
        (self.below(1000) as u32) < permille
    }

    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// Fisher–Yates.
    pub(super) fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.below(i + 1);
            items.swap(i, j);
        }
    }

    /// An index drawn with the given non-negative weights; `None` when all are zero.
    pub(super) fn weighted(&mut self, weights: &[u32]) -> Option<usize> {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        if total == 0 {
            return None;
        }
        let mut target = ((u128::from(self.next_u64()) * u128::from(total)) >> 64) as u64;
        for (i, &w) in weights.iter().enumerate() {
            let w = u64::from(w);
            if target < w {
                return Some(i);
            }
            target -= w;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix_reference_values() {
        // Reference output of SplitMix64 seeded with 0 (as in the published reference code).
        let mut rng = Rng::new(0);
        assert_eq!(rng.next_u64(), 0xE220_A839_7B1D_CDAF);
        assert_eq!(rng.next_u64(), 0x6E78_9E6A_A1B9_65F4);
    }

    #[test]
    fn below_and_weighted_stay_in_range() {
        let mut rng = Rng::new(7);
        for n in 1..50 {
            assert!(rng.below(n) < n);
        }
        assert_eq!(rng.below(0), 0);
        assert_eq!(rng.weighted(&[0, 0]), None);
        for _ in 0..100 {
            assert_eq!(rng.weighted(&[0, 3, 0]), Some(1));
        }
        let j = rng.jitter(5);
        assert!((-5..=5).contains(&j));
    }
}
