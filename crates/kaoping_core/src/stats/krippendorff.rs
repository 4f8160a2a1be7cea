//! Krippendorff's alpha by the coincidence-matrix method, for nominal, ordinal, interval
//! and ratio metrics, with missing values.
//!
//! Source: Krippendorff, K. (2011). *Computing Krippendorff's Alpha-Reliability*.
//! Annenberg School for Communication, University of Pennsylvania,
//! <https://repository.upenn.edu/asc_papers/43>, section C (any number of observers,
//! missing data) and section E (difference functions).
//!
//! α = 1 − D_o / D_e with
//! D_o = (1/n) Σ_c Σ_k o_ck δ²_ck and D_e = 1/(n(n−1)) Σ_c Σ_k n_c n_k δ²_ck,
//! where o_ck = Σ_u (number of c–k pairs of values in unit u) / (m_u − 1).
//!
//! Units with fewer than 2 values (m_u < 2) are not pairable and are dropped (counted in
//! [`KrippendorffAlpha::units_dropped`]). The result does not depend on the order of rows
//! or columns bit for bit: coincidences are accumulated as exact integer counts grouped by
//! m_u, then divided and summed in a fixed order.

use super::RatingMatrix;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use thiserror::Error;

/// Level of measurement, which selects the difference function δ².
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Metric {
    /// δ² = 0 if c = k, else 1.
    Nominal,
    /// δ²_ck = (Σ_{g=c..k} n_g − (n_c + n_k)/2)², using the pairable-value frequencies n_g.
    Ordinal,
    /// δ² = (c − k)².
    Interval,
    /// δ² = ((c − k)/(c + k))²; values must be ≥ 0 (δ² = 0 when c = k = 0).
    Ratio,
}

impl Metric {
    /// The lowercase name (`nominal`, `ordinal`, `interval`, `ratio`).
    pub fn name(self) -> &'static str {
        match self {
            Metric::Nominal => "nominal",
            Metric::Ordinal => "ordinal",
            Metric::Interval => "interval",
            Metric::Ratio => "ratio",
        }
    }
}

impl std::str::FromStr for Metric {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "nominal" => Ok(Metric::Nominal),
            "ordinal" => Ok(Metric::Ordinal),
            "interval" => Ok(Metric::Interval),
            "ratio" => Ok(Metric::Ratio),
            other => Err(format!(
                "unknown metric {other:?} (expected nominal, ordinal, interval or ratio)"
            )),
        }
    }
}

/// Krippendorff's guidance on how far an alpha can be relied upon.
///
/// Krippendorff, K. (2004). *Content Analysis: An Introduction to Its Methodology*
/// (2nd ed.), p. 241: rely on variables with α ≥ .800; consider variables with
/// .667 ≤ α < .800 only for drawing tentative conclusions; discard lower ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum AgreementLevel {
    /// α ≥ 0.800.
    Reliable,
    /// 0.667 ≤ α < 0.800.
    Tentative,
    /// α < 0.667 (or NaN): the low-agreement flag.
    Unreliable,
}

/// Classifies an alpha per [`AgreementLevel`]. NaN is `Unreliable`.
pub fn agreement_level(alpha: f64) -> AgreementLevel {
    if alpha >= 0.800 {
        AgreementLevel::Reliable
    } else if alpha >= 0.667 {
        AgreementLevel::Tentative
    } else {
        AgreementLevel::Unreliable
    }
}

/// The result of [`krippendorff_alpha`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KrippendorffAlpha {
    pub metric: Metric,
    pub alpha: f64,
    /// D_o, observed disagreement.
    pub observed_disagreement: f64,
    /// D_e, disagreement expected by chance.
    pub expected_disagreement: f64,
    /// n, the number of pairable values.
    pub pairable_values: u64,
    /// Units with at least 2 values.
    pub units_used: usize,
    /// Units with fewer than 2 values (not pairable), left out.
    pub units_dropped: usize,
    pub raters: usize,
    /// Distinct values among the pairable values, ascending.
    pub values: Vec<f64>,
    pub level: AgreementLevel,
}

/// Why alpha could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum AlphaError {
    #[error("no unit has ratings from at least 2 raters, so there are no pairable values")]
    NoPairableUnits,
    #[error("all pairable values are equal ({value}): expected disagreement is 0 and alpha is undefined")]
    NoVariation { value: f64 },
    #[error("ratio metric needs values >= 0, but rater {rater:?} gave {value} to unit {unit:?}")]
    NegativeRatio {
        rater: String,
        unit: String,
        value: f64,
    },
}

fn normalize(v: f64) -> f64 {
    // Maps -0.0 to 0.0 so that equal values index identically.
    v + 0.0
}

/// Krippendorff's alpha for a raters × units matrix (rows = raters, columns = units).
pub fn krippendorff_alpha(
    m: &RatingMatrix,
    metric: Metric,
) -> Result<KrippendorffAlpha, AlphaError> {
    if metric == Metric::Ratio {
        check_ratio_values(m)?;
    }
    let (units, dropped) = pairable_units(m);
    if units.is_empty() {
        return Err(AlphaError::NoPairableUnits);
    }
    let mut distinct: Vec<f64> = units.iter().flatten().copied().collect();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    if distinct.len() < 2 {
        return Err(AlphaError::NoVariation { value: distinct[0] });
    }
    let (o, n_c) = coincidences(&units, &distinct);
    let n: u64 = n_c.iter().sum();
    let nf = n as f64;
    let (obs, exp) = disagreements(metric, &distinct, &o, &n_c);
    let d_o = obs / nf;
    let d_e = exp / (nf * (nf - 1.0));
    let alpha = 1.0 - d_o / d_e;
    Ok(KrippendorffAlpha {
        metric,
        alpha,
        observed_disagreement: d_o,
        expected_disagreement: d_e,
        pairable_values: n,
        units_used: units.len(),
        units_dropped: dropped,
        raters: m.n_rows(),
        values: distinct,
        level: agreement_level(alpha),
    })
}

/// The ratio metric needs every value ≥ 0: the first negative one, row by row, is the error.
fn check_ratio_values(m: &RatingMatrix) -> Result<(), AlphaError> {
    for (r, row) in m.cells.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if let Some(v) = v {
                if *v < 0.0 {
                    return Err(AlphaError::NegativeRatio {
                        rater: m.row_names.get(r).cloned().unwrap_or_default(),
                        unit: m.col_names.get(c).cloned().unwrap_or_default(),
                        value: *v,
                    });
                }
            }
        }
    }
    Ok(())
}

/// The values of each pairable unit (column with at least 2 values), in column order, and
/// the number of units dropped.
fn pairable_units(m: &RatingMatrix) -> (Vec<Vec<f64>>, usize) {
    let mut units: Vec<Vec<f64>> = Vec::new();
    let mut dropped = 0usize;
    for c in 0..m.n_cols() {
        let vals: Vec<f64> = m.column(c).flatten().map(normalize).collect();
        if vals.len() >= 2 {
            units.push(vals);
        } else {
            dropped += 1;
        }
    }
    (units, dropped)
}

/// The coincidence matrix o (v × v, row-major, v = `distinct.len()`) and the pairable-value
/// frequencies n_c. Pairs are counted exactly as integers grouped by m_u, then divided by
/// m_u − 1 and summed in ascending m_u.
fn coincidences(units: &[Vec<f64>], distinct: &[f64]) -> (Vec<f64>, Vec<u64>) {
    let v = distinct.len();
    let index = |x: f64| distinct.binary_search_by(|d| d.total_cmp(&x)).unwrap_or(0);

    // Exact integer pair counts, grouped by m_u.
    let mut by_mu: BTreeMap<usize, Vec<u64>> = BTreeMap::new();
    let mut n_c = vec![0u64; v];
    for vals in units {
        let mut counts = vec![0u64; v];
        for &x in vals {
            counts[index(x)] += 1;
        }
        let acc = by_mu.entry(vals.len()).or_insert_with(|| vec![0u64; v * v]);
        for c in 0..v {
            if counts[c] == 0 {
                continue;
            }
            n_c[c] += counts[c];
            for k in 0..v {
                let pairs = if c == k {
                    counts[c] * (counts[c] - 1)
                } else {
                    counts[c] * counts[k]
                };
                acc[c * v + k] += pairs;
            }
        }
    }
    let mut o = vec![0f64; v * v];
    for (mu, acc) in &by_mu {
        let denom = (*mu - 1) as f64;
        for (oi, &a) in o.iter_mut().zip(acc.iter()) {
            *oi += a as f64 / denom;
        }
    }
    (o, n_c)
}

/// Σ_c Σ_k o_ck δ²_ck and Σ_c Σ_k n_c n_k δ²_ck (before division by n and n(n − 1)), both
/// summed with c then k ascending.
fn disagreements(metric: Metric, distinct: &[f64], o: &[f64], n_c: &[u64]) -> (f64, f64) {
    let v = distinct.len();
    // Difference function δ².
    let ordinal_cum: Vec<f64> = {
        let mut cum = Vec::with_capacity(v + 1);
        let mut s = 0u64;
        cum.push(0.0);
        for &x in n_c {
            s += x;
            cum.push(s as f64);
        }
        cum
    };
    let delta2 = |c: usize, k: usize| -> f64 {
        if c == k {
            return 0.0;
        }
        match metric {
            Metric::Nominal => 1.0,
            Metric::Ordinal => {
                let (lo, hi) = if c < k { (c, k) } else { (k, c) };
                let s = ordinal_cum[hi + 1] - ordinal_cum[lo];
                let d = s - (n_c[lo] as f64 + n_c[hi] as f64) / 2.0;
                d * d
            }
            Metric::Interval => {
                let d = distinct[c] - distinct[k];
                d * d
            }
            Metric::Ratio => {
                let (a, b) = (distinct[c], distinct[k]);
                if a + b == 0.0 {
                    0.0
                } else {
                    let d = (a - b) / (a + b);
                    d * d
                }
            }
        }
    };
    let mut obs = 0.0;
    let mut exp = 0.0;
    for c in 0..v {
        for k in 0..v {
            let d = delta2(c, k);
            obs += o[c * v + k] * d;
            exp += (n_c[c] as f64) * (n_c[k] as f64) * d;
        }
    }
    (obs, exp)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Krippendorff (2011), section C: 4 observers × 12 units, missing data (0 here).
    fn k2011() -> RatingMatrix {
        let rows = [
            [1, 2, 3, 3, 2, 1, 4, 1, 2, 0, 0, 0],
            [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, 0, 3],
            [0, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 0],
            [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, 0],
        ];
        RatingMatrix::from_rows(
            rows.iter()
                .map(|r| r.iter().map(|&v| (v > 0).then_some(f64::from(v))).collect())
                .collect(),
        )
    }

    #[test]
    fn krippendorff_2011_example() {
        let m = k2011();
        let a = krippendorff_alpha(&m, Metric::Nominal).unwrap();
        // Krippendorff (2011) section C: n = 40 pairable values, unit 12 dropped.
        assert_eq!(a.pairable_values, 40);
        assert_eq!(a.units_dropped, 1);
        assert_eq!((a.alpha * 1000.0).round() / 1000.0, 0.743);
    }

    #[test]
    fn order_free_bits() {
        let m = k2011();
        let mut r = m.clone();
        r.cells.reverse();
        for row in &mut r.cells {
            row.reverse();
        }
        for metric in [
            Metric::Nominal,
            Metric::Ordinal,
            Metric::Interval,
            Metric::Ratio,
        ] {
            let a = krippendorff_alpha(&m, metric).unwrap().alpha;
            let b = krippendorff_alpha(&r, metric).unwrap().alpha;
            assert_eq!(a.to_bits(), b.to_bits());
        }
    }

    #[test]
    fn edge_cases() {
        let s = Some;
        let one = RatingMatrix::from_rows(vec![vec![s(1.), None], vec![None, s(2.)]]);
        assert_eq!(
            krippendorff_alpha(&one, Metric::Nominal),
            Err(AlphaError::NoPairableUnits)
        );
        let same = RatingMatrix::from_rows(vec![vec![s(3.), s(3.)], vec![s(3.), s(3.)]]);
        assert_eq!(
            krippendorff_alpha(&same, Metric::Interval),
            Err(AlphaError::NoVariation { value: 3.0 })
        );
        let neg = RatingMatrix::from_rows(vec![vec![s(-1.), s(3.)], vec![s(1.), s(3.)]]);
        assert!(matches!(
            krippendorff_alpha(&neg, Metric::Ratio),
            Err(AlphaError::NegativeRatio { .. })
        ));
        let perfect = RatingMatrix::from_rows(vec![vec![s(1.), s(2.)], vec![s(1.), s(2.)]]);
        assert_eq!(
            krippendorff_alpha(&perfect, Metric::Interval)
                .unwrap()
                .alpha,
            1.0
        );
    }

    #[test]
    fn levels() {
        assert_eq!(agreement_level(0.8), AgreementLevel::Reliable);
        assert_eq!(agreement_level(0.7999), AgreementLevel::Tentative);
        assert_eq!(agreement_level(0.667), AgreementLevel::Tentative);
        assert_eq!(agreement_level(0.6669), AgreementLevel::Unreliable);
        assert_eq!(agreement_level(f64::NAN), AgreementLevel::Unreliable);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn matrix() -> impl Strategy<Value = Vec<Vec<Option<f64>>>> {
            (2usize..5, 2usize..8).prop_flat_map(|(r, c)| {
                proptest::collection::vec(
                    proptest::collection::vec(
                        proptest::option::weighted(0.8, (0u8..6).prop_map(f64::from)),
                        c,
                    ),
                    r,
                )
            })
        }

        proptest! {
            #[test]
            fn alpha_is_order_free_and_at_most_one(rows in matrix(), rot in 0usize..8) {
                let m = RatingMatrix::from_rows(rows.clone());
                let mut p = rows;
                p.reverse();
                for r in &mut p {
                    let k = rot % r.len();
                    r.rotate_left(k);
                }
                let q = RatingMatrix::from_rows(p);
                for metric in [Metric::Nominal, Metric::Ordinal, Metric::Interval, Metric::Ratio] {
                    match (krippendorff_alpha(&m, metric), krippendorff_alpha(&q, metric)) {
                        (Ok(a), Ok(b)) => {
                            prop_assert_eq!(a.alpha.to_bits(), b.alpha.to_bits());
                            prop_assert!(a.alpha <= 1.0 + 1e-12);
                        }
                        (Err(a), Err(b)) => prop_assert_eq!(a, b),
                        (a, b) => prop_assert!(false, "{:?} vs {:?}", a, b),
                    }
                }
            }
        }
    }
}
