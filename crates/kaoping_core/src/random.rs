//! The one seeded generator of the core: splitmix64 (Steele, Lea & Flood 2014, with Vigna's
//! reference constants), for the demo data sets (`score::demo`, `track::demo`). Only integer
//! arithmetic and `+ − × ÷` on floats, so the same seed gives the same numbers on every
//! platform and in WASM.

/// splitmix64 from a seed.
pub(crate) struct SplitMix64(pub(crate) u64);

impl SplitMix64 {
    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1) with 53 bits.
    pub(crate) fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize % n.max(1)
    }

    /// Approximately standard normal: the Irwin–Hall sum of 12 uniforms, minus 6.
    pub(crate) fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.f64();
        }
        s - 6.0
    }
}

#[cfg(test)]
mod tests {
    use super::SplitMix64;

    /// The published reference outputs of splitmix64 seeded with 0 (Vigna's splitmix64.c,
    /// https://prng.di.unimi.it/splitmix64.c; the same vectors are used by its many ports).
    #[test]
    fn matches_the_reference_sequence() {
        let mut r = SplitMix64(0);
        let got: Vec<u64> = (0..4).map(|_| r.next_u64()).collect();
        assert_eq!(
            got,
            [
                0xE220_A839_7B1D_CDAF,
                0x6E78_9E6A_A1B9_65F4,
                0x06C4_5D18_8009_454F,
                0xF88B_B8A8_724C_81EC,
            ]
        );
        let mut r = SplitMix64(0);
        assert!((0..1000).all(|_| (0.0..1.0).contains(&r.f64())));
        assert!((0..1000).all(|_| r.below(7) < 7));
        assert_eq!(r.below(0), 0);
    }
}
