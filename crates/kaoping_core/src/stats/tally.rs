//! Mergeable, order-independent rating aggregation, and rater calibration.
//!
//! A [`Tally`] keeps ratings as *counts per distinct value* (a sorted multiset), so
//! `merge(a, b)` of any split of the responses is exactly the same object as one pass
//! over all of them, and every statistic is computed from the sorted multiset. The
//! result is therefore bit-identical whatever the order in which the responses arrive,
//! natively and in WebAssembly (only IEEE-754 `+ - * /` and `sqrt`, which are
//! correctly rounded on both).
//!
//! "Unable to judge" answers are counted apart and excluded from every statistic (they
//! are *not* scored as zero).
//!
//! Trimmed mean: trimmed **by count** `k` (drop the `k` lowest and the `k` highest
//! ratings, `k = 1` is the panels' "去掉一个最高分和一个最低分"). R's `mean(x, trim = t)`
//! trims by a *fraction* `t`, dropping `floor(n * t)` from each end; the two agree when
//! `k = floor(n * t)` (e.g. `x <- c(0:10, 50)`, `trim = 0.10`, n = 12 → k = 1 → 5.5).
//!
//! See `docs/methods-weights.md` for formulas and references.

use std::collections::BTreeMap;

use serde::Serialize;

mod calibration;
mod weighted;

pub use calibration::{
    calibrate, CalibratedRating, CalibrationFlag, CalibrationResult, Rating, ReviewerCalibration,
};
pub use weighted::{WeightedOutcome, WeightedSummary, WeightedTally};

/// Errors of the tally and calibration functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TallyError {
    /// A rating was NaN or infinite.
    #[error("rating {value} is not a finite number")]
    NonFinite {
        /// The offending value, as text (NaN cannot be compared).
        value: String,
    },
    /// A rating or weight is larger in magnitude than [`MAX_MAGNITUDE`].
    #[error("value {value} is out of range (|x| ≤ 1e15)")]
    OutOfRange {
        /// The value.
        value: f64,
    },
    /// A survey weight was not finite or not strictly positive (or above 1e15).
    #[error("survey weight {weight} must be finite, > 0 and ≤ 1e15")]
    InvalidWeight {
        /// The offending weight, as text.
        weight: String,
    },
    /// The same reviewer rated the same unit twice.
    #[error("reviewer {reviewer:?} rated unit {unit:?} more than once")]
    DuplicateRating {
        /// Reviewer id.
        reviewer: String,
        /// Unit id.
        unit: String,
    },
    /// Calibration needs at least two ratings in the panel.
    #[error("calibration needs at least 2 ratings in the panel, got {n}")]
    TooFewRatings {
        /// Number of ratings given.
        n: usize,
    },
}

/// Maps an `f64` to a `u64` whose unsigned order is the numeric order of the floats
/// (`-0.0` is normalised to `+0.0` first, NaN is rejected earlier).
fn order_key(x: f64) -> u64 {
    let x = if x == 0.0 { 0.0 } else { x };
    let bits = x.to_bits();
    if bits >> 63 == 1 {
        !bits
    } else {
        bits | (1 << 63)
    }
}

/// Inverse of [`order_key`].
fn from_order_key(k: u64) -> f64 {
    if k >> 63 == 1 {
        f64::from_bits(k & !(1 << 63))
    } else {
        f64::from_bits(!k)
    }
}

/// Largest magnitude accepted for a rating or a survey weight. With |x| ≤ 1e15 no sum,
/// square or sum of squares over up to 2⁶⁴ responses can overflow, so no statistic can
/// become ∞ or NaN.
pub const MAX_MAGNITUDE: f64 = 1e15;

fn check_finite(v: f64) -> Result<f64, TallyError> {
    if !v.is_finite() {
        return Err(TallyError::NonFinite {
            value: format!("{v}"),
        });
    }
    if v.abs() > MAX_MAGNITUDE {
        return Err(TallyError::OutOfRange { value: v });
    }
    Ok(if v == 0.0 { 0.0 } else { v })
}

/// Neumaier (improved Kahan–Babuška) compensated sum, in the order given.
#[derive(Default, Clone, Copy)]
struct Sum {
    s: f64,
    c: f64,
}

impl Sum {
    fn add(&mut self, x: f64) {
        let t = self.s + x;
        if self.s.abs() >= x.abs() {
            self.c += (self.s - t) + x;
        } else {
            self.c += (x - t) + self.s;
        }
        self.s = t;
    }
    fn value(self) -> f64 {
        self.s + self.c
    }
}

/// Order-independent multiset of ratings plus a count of "unable to judge" answers.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
pub struct Tally {
    /// order key of the value → count
    #[serde(serialize_with = "serialize_counts")]
    counts: BTreeMap<u64, u64>,
    n: u64,
    unable: u64,
}

fn serialize_counts<S: serde::Serializer>(m: &BTreeMap<u64, u64>, s: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(m.len()))?;
    for (k, c) in m {
        seq.serialize_element(&(from_order_key(*k), *c))?;
    }
    seq.end()
}

/// A statistic that may be withheld because too few ratings were given.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum TallyOutcome {
    /// Enough ratings: the summary.
    Ok(TallySummary),
    /// Fewer scored ratings than the declared minimum: no statistic is published.
    Insufficient {
        /// Scored ratings.
        n: u64,
        /// "Unable to judge" answers (excluded).
        unable_to_judge: u64,
        /// Declared minimum.
        min_n: u64,
    },
}

/// Summary statistics of a [`Tally`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TallySummary {
    /// Scored ratings.
    pub n: u64,
    /// "Unable to judge" answers (excluded from all statistics).
    pub unable_to_judge: u64,
    /// Arithmetic mean.
    pub mean: f64,
    /// Median (mean of the two middle values when n is even).
    pub median: f64,
    /// Smallest rating.
    pub min: f64,
    /// Largest rating.
    pub max: f64,
    /// Sample standard deviation (divisor n − 1); `None` when n < 2.
    pub sd: Option<f64>,
    /// Trimmed mean by count, if requested; `None` when n ≤ 2k.
    pub trimmed_mean: Option<f64>,
    /// The k used for the trimmed mean (0 = not requested).
    pub trim_k: u64,
}

/// Rule for publishing a summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SummaryRule {
    /// Minimum number of scored ratings to publish anything.
    pub min_n: u64,
    /// Ratings dropped at each end for the trimmed mean (0 = no trimmed mean).
    pub trim_k: u64,
}

impl Default for SummaryRule {
    fn default() -> Self {
        Self {
            min_n: 1,
            trim_k: 1,
        }
    }
}

impl Tally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds a tally from ratings (`None` = "unable to judge").
    pub fn from_answers<I: IntoIterator<Item = Option<f64>>>(
        answers: I,
    ) -> Result<Self, TallyError> {
        let mut t = Self::new();
        for a in answers {
            match a {
                Some(v) => t.record(v)?,
                None => t.record_unable(),
            }
        }
        Ok(t)
    }

    /// Records one rating. NaN, ±∞ and |x| > [`MAX_MAGNITUDE`] are rejected; `-0.0` is
    /// stored as `0.0`.
    pub fn record(&mut self, value: f64) -> Result<(), TallyError> {
        let v = check_finite(value)?;
        *self.counts.entry(order_key(v)).or_insert(0) += 1;
        self.n += 1;
        Ok(())
    }

    /// Records the same rating `count` times (as `count` calls of [`Tally::record`]).
    pub fn record_n(&mut self, value: f64, count: u64) {
        if count == 0 {
            return;
        }
        if let Ok(v) = check_finite(value) {
            *self.counts.entry(order_key(v)).or_insert(0) += count;
            self.n += count;
        }
    }

    /// Records `count` "unable to judge" answers.
    pub fn record_unable_n(&mut self, count: u64) {
        self.unable += count;
    }

    /// Records one "unable to judge" answer (excluded from the statistics).
    pub fn record_unable(&mut self) {
        self.unable += 1;
    }

    /// Adds the contents of `other` (exact: counts are added).
    pub fn merge(&mut self, other: &Tally) {
        for (k, c) in &other.counts {
            *self.counts.entry(*k).or_insert(0) += c;
        }
        self.n += other.n;
        self.unable += other.unable;
    }

    /// `a` merged with `b`, as a new tally (`merged(a, b) == merged(b, a)`).
    pub fn merged(a: &Tally, b: &Tally) -> Tally {
        let mut t = a.clone();
        t.merge(b);
        t
    }

    /// Scored ratings.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// "Unable to judge" answers.
    pub fn unable_to_judge(&self) -> u64 {
        self.unable
    }

    /// Distinct values in ascending order with their counts.
    pub fn values(&self) -> Vec<(f64, u64)> {
        self.counts
            .iter()
            .map(|(k, c)| (from_order_key(*k), *c))
            .collect()
    }

    fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, u64)> + '_ {
        self.counts.iter().map(|(k, c)| (from_order_key(*k), *c))
    }

    /// Mean of the ratings whose rank (0-based, ascending) is in `lo..hi`.
    fn mean_of_ranks(&self, lo: u64, hi: u64) -> Option<f64> {
        if hi <= lo {
            return None;
        }
        let mut sum = Sum::default();
        let mut pos = 0u64;
        for (v, c) in self.iter() {
            let start = pos.max(lo);
            let end = (pos + c).min(hi);
            if end > start {
                sum.add(v * (end - start) as f64);
            }
            pos += c;
            if pos >= hi {
                break;
            }
        }
        Some(sum.value() / (hi - lo) as f64)
    }

    /// The value of rank `r` (0-based, ascending).
    fn at_rank(&self, r: u64) -> Option<f64> {
        let mut pos = 0u64;
        for (v, c) in self.iter() {
            if r < pos + c {
                return Some(v);
            }
            pos += c;
        }
        None
    }

    /// Arithmetic mean; `None` when empty.
    pub fn mean(&self) -> Option<f64> {
        self.mean_of_ranks(0, self.n)
    }

    /// Median; `None` when empty.
    pub fn median(&self) -> Option<f64> {
        if self.n == 0 {
            return None;
        }
        let lo = self.at_rank((self.n - 1) / 2)?;
        let hi = self.at_rank(self.n / 2)?;
        Some(if lo == hi { lo } else { lo / 2.0 + hi / 2.0 })
    }

    /// Smallest rating.
    pub fn min(&self) -> Option<f64> {
        self.iter().next().map(|(v, _)| v)
    }

    /// Largest rating.
    pub fn max(&self) -> Option<f64> {
        self.iter().next_back().map(|(v, _)| v)
    }

    /// Mean after dropping the `k` lowest and the `k` highest ratings; `None` when
    /// `n ≤ 2k` (nothing would remain).
    pub fn trimmed_mean(&self, k: u64) -> Option<f64> {
        let hi = self.n.checked_sub(k)?;
        self.mean_of_ranks(k, hi)
    }

    /// Sample standard deviation (divisor n − 1, two-pass); `None` when n < 2.
    pub fn sample_sd(&self) -> Option<f64> {
        if self.n < 2 {
            return None;
        }
        let mean = self.mean()?;
        let mut ss = Sum::default();
        for (v, c) in self.iter() {
            let d = v - mean;
            ss.add(d * d * c as f64);
        }
        Some((ss.value() / (self.n - 1) as f64).sqrt())
    }

    /// All statistics, or [`TallyOutcome::Insufficient`] when `n < rule.min_n`.
    pub fn summarize(&self, rule: &SummaryRule) -> TallyOutcome {
        let insufficient = TallyOutcome::Insufficient {
            n: self.n,
            unable_to_judge: self.unable,
            min_n: rule.min_n,
        };
        if self.n == 0 || self.n < rule.min_n {
            return insufficient;
        }
        let (Some(mean), Some(median), Some(min), Some(max)) =
            (self.mean(), self.median(), self.min(), self.max())
        else {
            return insufficient;
        };
        TallyOutcome::Ok(TallySummary {
            n: self.n,
            unable_to_judge: self.unable,
            mean,
            median,
            min,
            max,
            sd: self.sample_sd(),
            trimmed_mean: if rule.trim_k == 0 {
                None
            } else {
                self.trimmed_mean(rule.trim_k)
            },
            trim_k: rule.trim_k,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn order_key_is_monotone() {
        let xs = [-1e300, -2.5, -0.0, 0.0, 1e-300, 3.0, 1e300];
        for w in xs.windows(2) {
            assert!(order_key(w[0]) <= order_key(w[1]));
            assert_eq!(from_order_key(order_key(w[1])), w[1]);
        }
    }

    #[test]
    fn r_mean_trim_example() {
        // R documentation, ?mean (base package), Examples:
        //   x <- c(0:10, 50); xm <- mean(x); c(xm, mean(x, trim = 0.10))
        // gives 8.75 and 5.5; trim = 0.10 with n = 12 drops floor(1.2) = 1 value at each
        // end, i.e. k = 1 here.
        let x: Vec<Option<f64>> = (0..=10)
            .map(|v| Some(v as f64))
            .chain([Some(50.0)])
            .collect();
        let t = Tally::from_answers(x).unwrap();
        assert_eq!(t.mean(), Some(8.75));
        assert_eq!(t.trimmed_mean(1), Some(5.5));
        assert_eq!(t.median(), Some(5.5));
    }

    #[test]
    fn unable_is_excluded_and_min_n_declared() {
        let t = Tally::from_answers([Some(80.0), None, Some(90.0)]).unwrap();
        assert_eq!(t.n(), 2);
        assert_eq!(t.unable_to_judge(), 1);
        assert_eq!(t.mean(), Some(85.0));
        let rule = SummaryRule {
            min_n: 3,
            trim_k: 1,
        };
        assert_eq!(
            t.summarize(&rule),
            TallyOutcome::Insufficient {
                n: 2,
                unable_to_judge: 1,
                min_n: 3
            }
        );
    }

    #[test]
    fn nan_rejected() {
        assert!(Tally::new().record(f64::NAN).is_err());
        assert_eq!(
            Tally::new().record(1e300),
            Err(TallyError::OutOfRange { value: 1e300 })
        );
        assert!(WeightedTally::new().record(1.0, 0.0).is_err());
    }
}
