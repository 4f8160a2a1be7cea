//! Entropy weight method (熵权法): objective indicator weights from a units × indicators
//! matrix.
//!
//! For m units (rows) and n indicators (columns):
//! 1. normalise each column (`MinMax`, default):
//!    benefit `r_ij = (x_ij − min_j)/(max_j − min_j)`, cost `r_ij = (max_j − x_ij)/(max_j − min_j)`;
//!    or `Proportion` (Hwang & Yoon 1981; Xu 2004; Zavadskas & Podvezko 2016):
//!    `r_ij = x_ij` (values ≥ 0) whatever the direction — entropy measures dispersion
//!    only, so the direction is ignored in this mode (some software uses 1/x for cost
//!    criteria; that is a different method and is not done here);
//! 2. `p_ij = r_ij / Σ_i r_ij`;
//! 3. `e_j = −k Σ_i p_ij ln p_ij`, `k = 1/ln m`, with `0 · ln 0 = 0`;
//! 4. `d_j = 1 − e_j`, `w_j = d_j / Σ_j d_j`.
//!
//! Edge cases: a constant column carries no information: `e_j = 1`, `d_j = 0`, weight 0,
//! and its index is listed in `constant_indicators`; if every column is constant the
//! weights are undefined ([`EntropyError::NoInformation`]). m must be ≥ 2 (k = 1/ln 1 is
//! undefined). Each column is summed in ascending order of its values, so the weights do
//! not depend on the order of the units; `ln` is computed by [`det_ln`] (IEEE basic
//! operations only) so native and WebAssembly agree bit for bit.

use std::str::FromStr;

use serde::Serialize;

/// Natural logarithm computed with IEEE-754 `+ − × ÷` only, so the result is the same
/// bit for bit on every target (the platform `ln` of native libm and of the wasm32
/// runtime need not agree in the last bit). Accuracy ≈ 1–2 ulp, for finite `x > 0`.
///
/// x = m · 2^e with m ∈ [√½, √2); ln m = 2 atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716,
/// by its series to s⁴¹; ln 2 split in two parts (fdlibm constants).
pub(crate) fn det_ln(x: f64) -> f64 {
    const LN2_HI: f64 = f64::from_bits(0x3fe6_2e42_fee0_0000); // 6.93147180369123816490e-01
    const LN2_LO: f64 = f64::from_bits(0x3dea_39ef_3579_3c76); // 1.90821492927058770002e-10
    const TWO54: f64 = 18_014_398_509_481_984.0;
    let mut bits = x.to_bits();
    let mut e = ((bits >> 52) & 0x7ff) as i64;
    if e == 0 {
        // subnormal: scale into the normal range (exact)
        bits = (x * TWO54).to_bits();
        e = ((bits >> 52) & 0x7ff) as i64 - 54;
    }
    e -= 1023;
    let mut m = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if m > std::f64::consts::SQRT_2 {
        m /= 2.0;
        e += 1;
    }
    let s = (m - 1.0) / (m + 1.0);
    let s2 = s * s;
    let mut t = 0.0;
    for k in (0..=20u32).rev() {
        t = t * s2 + 1.0 / f64::from(2 * k + 1);
    }
    let ef = e as f64;
    ef * LN2_HI + (ef * LN2_LO + 2.0 * s * t)
}

/// Direction of an indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Higher is better (正向指标).
    Benefit,
    /// Lower is better (负向指标).
    Cost,
}

impl FromStr for Direction {
    type Err = EntropyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "benefit" | "+" | "max" | "positive" => Ok(Self::Benefit),
            "cost" | "-" | "min" | "negative" => Ok(Self::Cost),
            _ => Err(EntropyError::UnknownDirection {
                name: s.to_string(),
            }),
        }
    }
}

/// Column normalisation before p_ij.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Normalisation {
    /// Min–max (极差标准化), the usual Chinese 熵权法.
    MinMax,
    /// Raw proportions x / Σx, direction ignored, as in Hwang & Yoon (1981).
    Proportion,
}

impl FromStr for Normalisation {
    type Err = EntropyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "min-max" | "minmax" => Ok(Self::MinMax),
            "proportion" | "sum" => Ok(Self::Proportion),
            _ => Err(EntropyError::UnknownNormalisation {
                name: s.to_string(),
            }),
        }
    }
}

/// Errors of [`entropy_weights`]. Rows and columns are 1-based.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EntropyError {
    /// Unknown direction name.
    #[error("unknown indicator direction {name:?} (expected benefit or cost)")]
    UnknownDirection {
        /// Name given.
        name: String,
    },
    /// Unknown normalisation name.
    #[error("unknown normalisation {name:?} (expected min-max or proportion)")]
    UnknownNormalisation {
        /// Name given.
        name: String,
    },
    /// Fewer than two units.
    #[error("the entropy method needs at least 2 units, got {m}")]
    TooFewUnits {
        /// Units given.
        m: usize,
    },
    /// No indicator.
    #[error("the matrix has no indicator column")]
    NoIndicators,
    /// A row has the wrong length.
    #[error("row {row} has {found} values, expected {expected}")]
    RaggedRow {
        /// Row.
        row: usize,
        /// Values expected.
        expected: usize,
        /// Values found.
        found: usize,
    },
    /// Directions do not match the columns.
    #[error("{found} directions given for {expected} indicators")]
    DirectionCount {
        /// Indicators.
        expected: usize,
        /// Directions given.
        found: usize,
    },
    /// NaN or infinite value.
    #[error("value at row {row}, column {column} is not finite")]
    NonFinite {
        /// Row.
        row: usize,
        /// Column.
        column: usize,
    },
    /// `Proportion` normalisation needs values ≥ 0.
    #[error("value {value} at row {row}, column {column} is negative: proportion normalisation needs values ≥ 0")]
    NotPositive {
        /// Row.
        row: usize,
        /// Column.
        column: usize,
        /// The value.
        value: f64,
    },
    /// max − min of a column overflows f64.
    #[error("column {column}: max − min overflows; rescale the indicator")]
    RangeOverflow {
        /// Column.
        column: usize,
    },
    /// Every indicator is constant: no information, weights undefined.
    #[error("every indicator is constant across units: the entropy weights are undefined")]
    NoInformation,
}

/// Result of [`entropy_weights`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EntropyResult {
    /// Entropy e_j of each indicator (1 for a constant column).
    pub entropy: Vec<f64>,
    /// Degree of divergence d_j = 1 − e_j.
    pub divergence: Vec<f64>,
    /// Weights w_j (Σ = 1).
    pub weights: Vec<f64>,
    /// 0-based indices of constant indicators (weight 0).
    pub constant_indicators: Vec<usize>,
    /// Normalisation used.
    pub normalisation: Normalisation,
}

/// Entropy weights of the columns of `matrix` (rows = units).
pub fn entropy_weights(
    matrix: &[Vec<f64>],
    directions: &[Direction],
    normalisation: Normalisation,
) -> Result<EntropyResult, EntropyError> {
    let m = matrix.len();
    if m < 2 {
        return Err(EntropyError::TooFewUnits { m });
    }
    let n = matrix[0].len();
    if n == 0 {
        return Err(EntropyError::NoIndicators);
    }
    for (i, row) in matrix.iter().enumerate() {
        if row.len() != n {
            return Err(EntropyError::RaggedRow {
                row: i + 1,
                expected: n,
                found: row.len(),
            });
        }
        for (j, v) in row.iter().enumerate() {
            if !v.is_finite() {
                return Err(EntropyError::NonFinite {
                    row: i + 1,
                    column: j + 1,
                });
            }
        }
    }
    if directions.len() != n {
        return Err(EntropyError::DirectionCount {
            expected: n,
            found: directions.len(),
        });
    }
    let k = 1.0 / det_ln(m as f64);
    let mut entropy = Vec::with_capacity(n);
    let mut constant = Vec::new();
    for (j, dir) in directions.iter().enumerate() {
        let col: Vec<f64> = matrix.iter().map(|r| r[j]).collect();
        let r: Vec<f64> = match normalisation {
            Normalisation::MinMax => {
                let lo = col.iter().copied().fold(f64::INFINITY, f64::min);
                let hi = col.iter().copied().fold(f64::NEG_INFINITY, f64::max);
                let range = hi - lo;
                if !range.is_finite() {
                    return Err(EntropyError::RangeOverflow { column: j + 1 });
                }
                if range == 0.0 {
                    vec![0.0; m]
                } else {
                    col.iter()
                        .map(|&x| match dir {
                            Direction::Benefit => (x - lo) / range,
                            Direction::Cost => (hi - x) / range,
                        })
                        .collect()
                }
            }
            Normalisation::Proportion => {
                // Direction does not enter: entropy measures dispersion only.
                for (i, &x) in col.iter().enumerate() {
                    if x < 0.0 {
                        return Err(EntropyError::NotPositive {
                            row: i + 1,
                            column: j + 1,
                            value: x,
                        });
                    }
                }
                col
            }
        };
        // Sum in ascending order so that the result does not depend on the order of
        // the units (rows).
        let mut r = r;
        r.sort_by(f64::total_cmp);
        let total: f64 = r.iter().sum();
        let is_constant = total == 0.0 || r.iter().all(|&x| x == r[0]);
        if is_constant {
            constant.push(j);
            entropy.push(1.0);
            continue;
        }
        let mut s = 0.0;
        for &x in &r {
            let p = x / total;
            if p > 0.0 {
                s += p * det_ln(p);
            }
        }
        // clamp rounding noise: e_j lies in [0, 1]
        entropy.push((-k * s).clamp(0.0, 1.0));
    }
    let divergence: Vec<f64> = entropy.iter().map(|e| 1.0 - e).collect();
    let total_d: f64 = divergence.iter().sum();
    if total_d <= 0.0 {
        return Err(EntropyError::NoInformation);
    }
    let weights = divergence.iter().map(|d| d / total_d).collect();
    Ok(EntropyResult {
        entropy,
        divergence,
        weights,
        constant_indicators: constant,
        normalisation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_column_gets_zero_weight() {
        let m = vec![
            vec![1.0, 5.0, 3.0],
            vec![2.0, 5.0, 1.0],
            vec![4.0, 5.0, 2.0],
        ];
        let d = [Direction::Benefit, Direction::Benefit, Direction::Cost];
        let r = entropy_weights(&m, &d, Normalisation::MinMax).unwrap();
        assert_eq!(r.weights[1], 0.0);
        assert_eq!(r.constant_indicators, vec![1]);
        assert!((r.weights.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    #[test]
    fn min_max_equals_proportion_when_columns_start_at_zero() {
        // With min_j = 0, r_ij = x_ij / max_j and p_ij = x_ij / Σ x_ij: both modes agree.
        let m = vec![
            vec![0.0, 4.0],
            vec![3.0, 0.0],
            vec![5.0, 1.0],
            vec![1.0, 2.0],
        ];
        let d = [Direction::Benefit, Direction::Benefit];
        let a = entropy_weights(&m, &d, Normalisation::MinMax).unwrap();
        let b = entropy_weights(&m, &d, Normalisation::Proportion).unwrap();
        for (x, y) in a.weights.iter().zip(&b.weights) {
            assert!((x - y).abs() < 1e-15);
        }
        // a cost column is the benefit column reflected: (max − x)/(max − min)
        let reflected: Vec<Vec<f64>> = m.iter().map(|r| vec![5.0 - r[0], r[1]]).collect();
        let c = entropy_weights(
            &reflected,
            &[Direction::Cost, Direction::Benefit],
            Normalisation::MinMax,
        )
        .unwrap();
        assert_eq!(a.weights, c.weights);
    }

    #[test]
    fn det_ln_matches_platform_ln() {
        let mut x = 1e-300_f64;
        while x < 1e300 {
            for y in [x, x * 1.37, x * 2.9, x * 7.77] {
                let (a, b) = (det_ln(y), y.ln());
                assert!(
                    (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0),
                    "{y}: {a} vs {b}"
                );
            }
            x *= 10.0;
        }
        assert_eq!(det_ln(1.0), 0.0);
        let sub = 3e-310_f64;
        assert!((det_ln(sub) - sub.ln()).abs() < 1e-12);
        for y in [0.5, 0.75, 0.999_999, 1.000_001, 1.5, 2.0, 1.0 / 3.0] {
            assert!((det_ln(y) - y.ln()).abs() <= 2.0 * f64::EPSILON, "{y}");
        }
    }

    #[test]
    fn unit_order_does_not_matter() {
        let m = vec![
            vec![0.31, 7.0, 1e3],
            vec![0.17, 2.5, 3e3],
            vec![0.93, 4.25, 7e2],
            vec![0.11, 9.0, 5e3],
        ];
        let d = [Direction::Benefit, Direction::Cost, Direction::Benefit];
        let mut rev = m.clone();
        rev.reverse();
        for norm in [Normalisation::MinMax, Normalisation::Proportion] {
            let a = entropy_weights(&m, &d, norm).unwrap();
            let b = entropy_weights(&rev, &d, norm).unwrap();
            assert_eq!(a, b);
        }
    }

    #[test]
    fn errors() {
        let d = [Direction::Benefit];
        assert_eq!(
            entropy_weights(&[vec![1.0]], &d, Normalisation::MinMax),
            Err(EntropyError::TooFewUnits { m: 1 })
        );
        assert_eq!(
            entropy_weights(&[vec![1.0], vec![1.0]], &d, Normalisation::MinMax),
            Err(EntropyError::NoInformation)
        );
        assert!(matches!(
            entropy_weights(&[vec![1.0], vec![-1.0]], &d, Normalisation::Proportion),
            Err(EntropyError::NotPositive {
                row: 2,
                column: 1,
                ..
            })
        ));
    }
}
