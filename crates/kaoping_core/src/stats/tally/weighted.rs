//! [`WeightedTally`]: ratings with survey weights, as order-independent as [`Tally`](super::Tally).

use std::collections::BTreeMap;

use serde::Serialize;

use super::{check_finite, from_order_key, order_key, Sum, TallyError, MAX_MAGNITUDE};

/// Order-independent multiset of (rating, survey weight) pairs.
///
/// Sums run over the pairs sorted by value then weight, so the result does not depend
/// on the order of the responses, and merging parts equals one pass.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, schemars::JsonSchema)]
pub struct WeightedTally {
    #[serde(serialize_with = "serialize_wcounts")]
    counts: BTreeMap<(u64, u64), u64>,
    n: u64,
    unable: u64,
}

fn serialize_wcounts<S: serde::Serializer>(
    m: &BTreeMap<(u64, u64), u64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeSeq;
    let mut seq = s.serialize_seq(Some(m.len()))?;
    for ((v, w), c) in m {
        seq.serialize_element(&(from_order_key(*v), from_order_key(*w), *c))?;
    }
    seq.end()
}

/// Summary of a [`WeightedTally`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WeightedSummary {
    /// Scored responses.
    pub n: u64,
    /// "Unable to judge" answers (excluded).
    pub unable_to_judge: u64,
    /// Σ w over scored responses.
    pub sum_weights: f64,
    /// Σ w·x / Σ w.
    pub mean: f64,
    /// Weighted median: the smallest value whose cumulative weight reaches half the
    /// total; when the cumulative weight equals exactly half, the mean of that value and
    /// the next one.
    pub median: f64,
    /// Kish effective sample size (Σw)² / Σw².
    pub effective_n: f64,
    /// Kish design effect due to weighting n·Σw² / (Σw)² = 1 + CV².
    pub design_effect: f64,
}

/// Weighted statistic or a declared "insufficient" result.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum WeightedOutcome {
    /// Enough responses.
    Ok(WeightedSummary),
    /// Fewer scored responses than the declared minimum.
    Insufficient {
        /// Scored responses.
        n: u64,
        /// "Unable to judge" answers.
        unable_to_judge: u64,
        /// Declared minimum.
        min_n: u64,
    },
}

impl WeightedTally {
    /// An empty weighted tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records a rating with its survey weight (finite, > 0).
    pub fn record(&mut self, value: f64, weight: f64) -> Result<(), TallyError> {
        self.record_n(value, weight, 1)
    }

    /// Records `count` ratings of the same value and weight: exactly `count` calls of
    /// [`WeightedTally::record`].
    pub fn record_n(&mut self, value: f64, weight: f64, count: u64) -> Result<(), TallyError> {
        let v = check_finite(value)?;
        if !(weight.is_finite() && weight > 0.0 && weight <= MAX_MAGNITUDE) {
            return Err(TallyError::InvalidWeight {
                weight: format!("{weight}"),
            });
        }
        if count > 0 {
            *self
                .counts
                .entry((order_key(v), order_key(weight)))
                .or_insert(0) += count;
            self.n += count;
        }
        Ok(())
    }

    /// Records an "unable to judge" answer.
    pub fn record_unable(&mut self) {
        self.unable += 1;
    }

    /// Records `count` "unable to judge" answers.
    pub fn record_unable_n(&mut self, count: u64) {
        self.unable += count;
    }

    /// Adds the contents of `other` exactly.
    pub fn merge(&mut self, other: &WeightedTally) {
        for (k, c) in &other.counts {
            *self.counts.entry(*k).or_insert(0) += c;
        }
        self.n += other.n;
        self.unable += other.unable;
    }

    /// Scored responses.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// Weighted summary, or `Insufficient` when fewer than `min_n` scored responses.
    pub fn summarize(&self, min_n: u64) -> WeightedOutcome {
        if self.n == 0 || self.n < min_n {
            return WeightedOutcome::Insufficient {
                n: self.n,
                unable_to_judge: self.unable,
                min_n,
            };
        }
        let items: Vec<(f64, f64, f64)> = self
            .counts
            .iter()
            .map(|((v, w), c)| (from_order_key(*v), from_order_key(*w), *c as f64))
            .collect();
        let mut sw = Sum::default();
        let mut swx = Sum::default();
        let mut sw2 = Sum::default();
        for &(v, w, c) in &items {
            sw.add(w * c);
            swx.add(w * c * v);
            sw2.add(w * w * c);
        }
        let sum_w = sw.value();
        let sum_w2 = sw2.value();
        let half = sum_w / 2.0;
        // Weighted median over values (weights of equal values pooled, ascending).
        let mut by_value: Vec<(f64, f64)> = Vec::new();
        for &(v, w, c) in &items {
            match by_value.last_mut() {
                Some((lv, lw)) if *lv == v => *lw += w * c,
                _ => by_value.push((v, w * c)),
            }
        }
        let mut cum = 0.0;
        let mut median = by_value.last().map(|x| x.0).unwrap_or(0.0);
        for (i, &(v, w)) in by_value.iter().enumerate() {
            cum += w;
            if cum > half {
                median = v;
                break;
            }
            if cum == half {
                median = match by_value.get(i + 1) {
                    Some(&(next, _)) => v / 2.0 + next / 2.0,
                    None => v,
                };
                break;
            }
        }
        let n = self.n as f64;
        WeightedOutcome::Ok(WeightedSummary {
            n: self.n,
            unable_to_judge: self.unable,
            sum_weights: sum_w,
            mean: swx.value() / sum_w,
            median,
            effective_n: sum_w * sum_w / sum_w2,
            design_effect: n * sum_w2 / (sum_w * sum_w),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weighted_record_n_is_record_n_times() {
        let (mut one, mut many) = (WeightedTally::new(), WeightedTally::new());
        for (v, w, k) in [
            (80.0, 1.5, 3),
            (60.0, 0.5, 2),
            (80.0, 1.5, 0),
            (100.0, 2.0, 1),
        ] {
            for _ in 0..k {
                one.record(v, w).unwrap();
            }
            many.record_n(v, w, k).unwrap();
        }
        one.record_unable();
        one.record_unable();
        many.record_unable_n(2);
        assert_eq!(many.n(), 6);
        assert_eq!(one.summarize(1), many.summarize(1));
        assert_eq!(one.counts, many.counts);
        assert!(many.record_n(1.0, 0.0, 5).is_err());
        assert_eq!(many.n(), 6);
    }
}
