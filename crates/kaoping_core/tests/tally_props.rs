//! Property tests: a `Tally` / `WeightedTally` built from any split of the responses,
//! merged in any order, is identical (bit for bit) to one pass; statistics do not depend
//! on the order of the responses.

use kaoping_core::stats::tally::{calibrate, Rating, SummaryRule, Tally, WeightedTally};
use proptest::prelude::*;

/// Ratings on a 0–100 scale with some decimals, `None` = "unable to judge".
fn answers() -> impl Strategy<Value = Vec<Option<f64>>> {
    prop::collection::vec(
        prop_oneof![
            9 => (0u32..=1000).prop_map(|v| Some(f64::from(v) / 10.0)),
            1 => Just(None),
        ],
        0..200,
    )
}

fn bits(o: &kaoping_core::stats::tally::TallyOutcome) -> String {
    // Debug of f64 is round-trip exact, so equal strings mean equal bits.
    format!("{o:?}")
}

proptest! {
    #[test]
    fn split_merge_equals_one_pass(
        xs in answers(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..6),
        order in any::<prop::sample::Index>(),
    ) {
        let whole = Tally::from_answers(xs.iter().copied()).unwrap();
        // cut points → parts
        let mut idx: Vec<usize> = cuts.iter().map(|c| c.index(xs.len() + 1)).collect();
        idx.push(0);
        idx.push(xs.len());
        idx.sort_unstable();
        let mut parts: Vec<Tally> = idx
            .windows(2)
            .map(|w| Tally::from_answers(xs[w[0]..w[1]].iter().copied()).unwrap())
            .collect();
        // merge in a rotated order
        let k = order.index(parts.len().max(1));
        parts.rotate_left(k);
        let mut merged = Tally::new();
        for p in parts.iter().rev() {
            merged.merge(p);
        }
        prop_assert_eq!(&merged, &whole);
        if parts.len() >= 2 {
            prop_assert_eq!(
                Tally::merged(&parts[0], &parts[1]),
                Tally::merged(&parts[1], &parts[0])
            );
        }
        let rule = SummaryRule { min_n: 1, trim_k: 1 };
        prop_assert_eq!(bits(&merged.summarize(&rule)), bits(&whole.summarize(&rule)));
    }

    #[test]
    fn permutation_invariant(xs in answers(), seed in any::<u64>()) {
        let mut ys = xs.clone();
        // deterministic Fisher–Yates with a simple LCG
        let mut s = seed;
        for i in (1..ys.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let j = (s >> 33) as usize % (i + 1);
            ys.swap(i, j);
        }
        let a = Tally::from_answers(xs).unwrap();
        let b = Tally::from_answers(ys).unwrap();
        let rule = SummaryRule { min_n: 3, trim_k: 2 };
        prop_assert_eq!(bits(&a.summarize(&rule)), bits(&b.summarize(&rule)));
        prop_assert_eq!(a.mean().map(f64::to_bits), b.mean().map(f64::to_bits));
        prop_assert_eq!(a.sample_sd().map(f64::to_bits), b.sample_sd().map(f64::to_bits));
    }

    #[test]
    fn weighted_split_merge_and_permutation(
        xs in prop::collection::vec((0u32..=100, 1u32..=50), 0..150),
        cut in any::<prop::sample::Index>(),
    ) {
        let pairs: Vec<(f64, f64)> =
            xs.iter().map(|&(v, w)| (f64::from(v), f64::from(w) / 7.0)).collect();
        let mut whole = WeightedTally::new();
        for &(v, w) in &pairs { whole.record(v, w).unwrap(); }
        let c = cut.index(pairs.len() + 1);
        let (mut a, mut b) = (WeightedTally::new(), WeightedTally::new());
        for &(v, w) in &pairs[..c] { a.record(v, w).unwrap(); }
        for &(v, w) in &pairs[c..] { b.record(v, w).unwrap(); }
        b.merge(&a); // merged in the other order
        prop_assert_eq!(&b, &whole);
        let mut rev = WeightedTally::new();
        for &(v, w) in pairs.iter().rev() { rev.record(v, w).unwrap(); }
        prop_assert_eq!(format!("{:?}", rev.summarize(1)), format!("{:?}", whole.summarize(1)));
    }

    #[test]
    fn calibration_order_independent(
        scores in prop::collection::vec(0u32..=100, 2..60),
        rot in any::<prop::sample::Index>(),
    ) {
        let ratings: Vec<Rating> = scores
            .iter()
            .enumerate()
            .map(|(i, &s)| Rating {
                reviewer: format!("r{}", i % 4),
                unit: format!("u{}", i / 4),
                score: f64::from(s),
            })
            .collect();
        let mut shuffled = ratings.clone();
        shuffled.rotate_left(rot.index(ratings.len()));
        shuffled.reverse();
        let a = calibrate(&ratings).unwrap();
        let b = calibrate(&shuffled).unwrap();
        prop_assert_eq!(format!("{a:?}"), format!("{b:?}"));
    }
}
