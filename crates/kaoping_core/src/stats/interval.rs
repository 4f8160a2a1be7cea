//! Confidence intervals and weighting diagnostics.
//!
//! - [`wilson_interval`]: Wilson (1927) score interval for a binomial proportion, without
//!   continuity correction; Newcombe (1998), *Statistics in Medicine* 17, 857–872,
//!   method 3.
//! - [`t_interval`]: Student t interval for a mean, x̄ ± t_{1−α/2, n−1} · s/√n.
//! - [`kish_effective_n`] / [`design_effect`]: Kish (1965), *Survey Sampling*, §11.7:
//!   n_eff = (Σw)² / Σw², and the design effect due to unequal weights
//!   deff = n Σw² / (Σw)² = 1 + CV², where CV² uses the population variance (divisor n)
//!   of the weights divided by their squared mean.

use super::dist::{normal_quantile, stable_sum, student_t_quantile};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A two-sided interval around an estimate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Interval {
    pub estimate: f64,
    pub lower: f64,
    pub upper: f64,
    /// Confidence level, e.g. 0.95.
    pub level: f64,
    /// Sample size the interval is based on.
    pub n: u64,
}

/// Why an interval or weight summary could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IntervalError {
    #[error("confidence level must be strictly between 0 and 1, got {0}")]
    BadLevel(f64),
    #[error("the total must be at least 1")]
    ZeroTotal,
    #[error("successes ({successes}) exceed the total ({total})")]
    SuccessesExceedTotal { successes: u64, total: u64 },
    #[error("a t interval needs at least 2 finite values, got {0}")]
    TooFewValues(usize),
    #[error("value {index} is not finite")]
    NotFinite { index: usize },
    #[error("weight {index} is {value}: weights must be finite and >= 0")]
    BadWeight { index: usize, value: f64 },
    #[error("no weights, or all weights are 0")]
    NoWeight,
}

fn check_level(level: f64) -> Result<(), IntervalError> {
    if level > 0.0 && level < 1.0 {
        Ok(())
    } else {
        Err(IntervalError::BadLevel(level))
    }
}

/// Wilson score interval for `successes` out of `total` at confidence `level`.
///
/// (2r + z² ± z √(z² + 4 r (1 − p̂))) / (2 (n + z²)), with z = Φ⁻¹(1 − α/2).
/// Always inside [0, 1]; at r = 0 the lower bound is exactly 0, at r = n the upper is 1.
pub fn wilson_interval(successes: u64, total: u64, level: f64) -> Result<Interval, IntervalError> {
    check_level(level)?;
    if total == 0 {
        return Err(IntervalError::ZeroTotal);
    }
    if successes > total {
        return Err(IntervalError::SuccessesExceedTotal { successes, total });
    }
    let z = normal_quantile(1.0 - (1.0 - level) / 2.0);
    let (r, n) = (successes as f64, total as f64);
    let p = r / n;
    let z2 = z * z;
    let centre = 2.0 * r + z2;
    let half = z * (z2 + 4.0 * r * (1.0 - p)).sqrt();
    let denom = 2.0 * (n + z2);
    let lower = if successes == 0 {
        0.0
    } else {
        ((centre - half) / denom).max(0.0)
    };
    let upper = if successes == total {
        1.0
    } else {
        ((centre + half) / denom).min(1.0)
    };
    Ok(Interval {
        estimate: p,
        lower,
        upper,
        level,
        n: total,
    })
}

/// Student t interval for the mean of `values` at confidence `level`.
/// The values are counted per distinct value and summed order-free ([`t_interval_counts`]).
pub fn t_interval(values: &[f64], level: f64) -> Result<Interval, IntervalError> {
    check_level(level)?;
    if let Some(index) = values.iter().position(|v| !v.is_finite()) {
        return Err(IntervalError::NotFinite { index });
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mut counts: Vec<(f64, u64)> = Vec::new();
    for v in sorted {
        match counts.last_mut() {
            Some((last, c)) if *last == v => *c += 1,
            _ => counts.push((v, 1)),
        }
    }
    t_interval_counts(&counts, level)
}

/// Student t interval for the mean of a multiset given as (value, count) pairs in ascending
/// order of value (a [`Tally`](super::tally::Tally)'s `values()`): the mean Σcv/n and the
/// sample variance Σc(v − mean)²/(n − 1), each a compensated sum in that order, so the cost is
/// the number of distinct values, not of ratings.
pub fn t_interval_counts(values: &[(f64, u64)], level: f64) -> Result<Interval, IntervalError> {
    check_level(level)?;
    if let Some(index) = values.iter().position(|(v, _)| !v.is_finite()) {
        return Err(IntervalError::NotFinite { index });
    }
    let count: u64 = values.iter().map(|(_, c)| c).sum();
    if count < 2 {
        return Err(IntervalError::TooFewValues(count as usize));
    }
    let n = count as f64;
    let mean = neumaier(values.iter().map(|(v, c)| v * *c as f64)) / n;
    let var = neumaier(
        values
            .iter()
            .map(|(v, c)| (v - mean) * (v - mean) * *c as f64),
    ) / (n - 1.0);
    let t = student_t_quantile(1.0 - (1.0 - level) / 2.0, n - 1.0);
    let half = t * (var / n).sqrt();
    Ok(Interval {
        estimate: mean,
        lower: mean - half,
        upper: mean + half,
        level,
        n: count,
    })
}

/// Neumaier-compensated sum in the order given.
fn neumaier(values: impl IntoIterator<Item = f64>) -> f64 {
    let mut sum = 0.0_f64;
    let mut comp = 0.0_f64;
    for x in values {
        let t = sum + x;
        if sum.abs() >= x.abs() {
            comp += (sum - t) + x;
        } else {
            comp += (x - t) + sum;
        }
        sum = t;
    }
    sum + comp
}

/// Summary of a set of survey weights.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeightSummary {
    /// Number of weights (including zeros).
    pub n: usize,
    /// Kish effective sample size (Σw)² / Σw².
    pub effective_n: f64,
    /// Design effect n / n_eff = 1 + CV².
    pub design_effect: f64,
    /// Coefficient of variation of the weights (population SD / mean).
    pub cv: f64,
}

fn check_weights(weights: &[f64]) -> Result<(f64, f64), IntervalError> {
    for (index, &value) in weights.iter().enumerate() {
        if !value.is_finite() || value < 0.0 {
            return Err(IntervalError::BadWeight { index, value });
        }
    }
    let s = stable_sum(weights.iter().copied());
    if weights.is_empty() || s == 0.0 {
        return Err(IntervalError::NoWeight);
    }
    let s2 = stable_sum(weights.iter().map(|w| w * w));
    Ok((s, s2))
}

/// Kish effective sample size n_eff = (Σw)² / Σw².
pub fn kish_effective_n(weights: &[f64]) -> Result<f64, IntervalError> {
    let (s, s2) = check_weights(weights)?;
    Ok(s * s / s2)
}

/// Kish design effect due to unequal weighting, n Σw² / (Σw)² (= 1 + CV²).
pub fn design_effect(weights: &[f64]) -> Result<f64, IntervalError> {
    let (s, s2) = check_weights(weights)?;
    Ok(weights.len() as f64 * s2 / (s * s))
}

/// n, n_eff, design effect and CV of the weights in one pass.
pub fn weight_summary(weights: &[f64]) -> Result<WeightSummary, IntervalError> {
    let (s, s2) = check_weights(weights)?;
    let n = weights.len() as f64;
    let deff = n * s2 / (s * s);
    Ok(WeightSummary {
        n: weights.len(),
        effective_n: s * s / s2,
        design_effect: deff,
        cv: (deff - 1.0).max(0.0).sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r4(x: f64) -> f64 {
        (x * 10_000.0).round() / 10_000.0
    }

    #[test]
    fn wilson_edges() {
        let a = wilson_interval(0, 10, 0.95).unwrap();
        assert_eq!(a.lower, 0.0);
        let b = wilson_interval(10, 10, 0.95).unwrap();
        assert_eq!(b.upper, 1.0);
        assert_eq!(
            wilson_interval(11, 10, 0.95),
            Err(IntervalError::SuccessesExceedTotal {
                successes: 11,
                total: 10
            })
        );
        assert_eq!(wilson_interval(0, 0, 0.95), Err(IntervalError::ZeroTotal));
        assert_eq!(
            wilson_interval(1, 2, 1.0),
            Err(IntervalError::BadLevel(1.0))
        );
    }

    #[test]
    fn counts_agree_with_values() {
        // The same multiset as values and as counts: the same interval (to the last bits the
        // compensated sums allow), and n counts ratings, not distinct values.
        let values = [2.0, 4.5, 4.5, 1.0, 2.0, 2.0, 9.25];
        let a = t_interval(&values, 0.9).unwrap();
        let b = t_interval_counts(&[(1.0, 1), (2.0, 3), (4.5, 2), (9.25, 1)], 0.9).unwrap();
        assert_eq!(a, b);
        assert_eq!(b.n, 7);
        assert_eq!(
            t_interval_counts(&[(3.0, 1)], 0.95),
            Err(IntervalError::TooFewValues(1))
        );
    }

    #[test]
    fn kish_equal_weights() {
        // Equal weights: n_eff = n, deff = 1 (Kish 1965, §11.7).
        let s = weight_summary(&[2.0; 5]).unwrap();
        assert_eq!(s.effective_n, 5.0);
        assert_eq!(s.design_effect, 1.0);
        assert_eq!(s.cv, 0.0);
        // deff = 1 + CV² with population CV: w = (1, 3): mean 2, sd 1, CV² = 1/4.
        assert_eq!(design_effect(&[1.0, 3.0]).unwrap(), 1.25);
        assert_eq!(kish_effective_n(&[1.0, 3.0]).unwrap(), 1.6);
        assert!(matches!(
            kish_effective_n(&[1.0, -1.0]),
            Err(IntervalError::BadWeight { index: 1, .. })
        ));
        assert_eq!(kish_effective_n(&[0.0]), Err(IntervalError::NoWeight));
    }

    #[test]
    fn t_interval_basic() {
        let i = t_interval(&[1.0, 2.0, 3.0], 0.95).unwrap();
        assert_eq!(i.estimate, 2.0);
        // half-width = t(0.975, 2) · 1/√3, t(0.975, 2) = 4.302652729911275.
        assert_eq!(r4(i.upper - 2.0), r4(4.302_652_729_911_275 / 3f64.sqrt()));
        assert_eq!(
            t_interval(&[1.0], 0.95),
            Err(IntervalError::TooFewValues(1))
        );
    }
}
