//! Kendall's coefficient of concordance W, with the correction for tied ranks.
//!
//! Source: Kendall, M. G. (1948). *Rank Correlation Methods*. London: Griffin; the same
//! formulas as R `irr::kendall` (Gamer et al.) and `DescTools::KendallW`.
//!
//! Each rater's ratings are ranked across the units (midranks for ties). With m raters,
//! n units and R_j the rank sum of unit j, S = Σ_j (R_j − R̄)²,
//! W = 12 S / (m² (n³ − n) − m Σ_i T_i), T_i = Σ_groups (t³ − t) over the tie groups of
//! rater i (T_i = 0 when uncorrected). χ² = m (n − 1) W with n − 1 degrees of freedom;
//! the p-value is the upper chi-square tail (a large-sample approximation).
//!
//! Units with any missing rating are dropped (listwise, as in `irr::kendall`).

use super::dist::{chi_square_sf, stable_sum};
use super::RatingMatrix;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The result of [`kendall_w`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KendallW {
    pub w: f64,
    pub chi_square: f64,
    pub df: usize,
    pub p_value: f64,
    /// m, the raters.
    pub raters: usize,
    /// n, the units with a rating from every rater.
    pub units_used: usize,
    /// Units left out because at least one rating was missing.
    pub units_dropped: usize,
    /// Whether the tie correction was applied.
    pub tie_corrected: bool,
    /// Whether any rater gave tied ratings.
    pub has_ties: bool,
}

/// Why W could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum KendallError {
    #[error("Kendall's W needs at least 2 raters, got {0}")]
    TooFewRaters(usize),
    #[error("Kendall's W needs at least 2 units rated by every rater, got {used} ({dropped} dropped for missing ratings)")]
    TooFewUnits { used: usize, dropped: usize },
    #[error("every rater tied all units: W is undefined")]
    AllTied,
}

/// The columns (units, targets) that every row (rater, judge) rated, and how many columns
/// are left out: the listwise deletion of Kendall's W and of the ICCs (`icc.rs`).
pub(super) fn complete_columns(m: &RatingMatrix) -> (Vec<usize>, usize) {
    let complete: Vec<usize> = (0..m.n_cols())
        .filter(|&c| m.column(c).all(|v| v.is_some()))
        .collect();
    let dropped = m.n_cols() - complete.len();
    (complete, dropped)
}

/// Midranks (1-based) of `values`.
pub fn midranks(values: &[f64]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..values.len()).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    let mut ranks = vec![0.0; values.len()];
    let mut i = 0;
    while i < idx.len() {
        let mut j = i;
        while j + 1 < idx.len() && values[idx[j + 1]] == values[idx[i]] {
            j += 1;
        }
        let r = (i + j) as f64 / 2.0 + 1.0;
        for &k in &idx[i..=j] {
            ranks[k] = r;
        }
        i = j + 1;
    }
    ranks
}

/// Kendall's W for a raters × units matrix (rows = raters, columns = units).
pub fn kendall_w(m: &RatingMatrix, correct_ties: bool) -> Result<KendallW, KendallError> {
    let raters = m.n_rows();
    if raters < 2 {
        return Err(KendallError::TooFewRaters(raters));
    }
    let (complete, dropped) = complete_columns(m);
    let n = complete.len();
    if n < 2 {
        return Err(KendallError::TooFewUnits { used: n, dropped });
    }
    let mut rank_sums = vec![0.0; n];
    let mut ties_total = 0.0;
    let mut has_ties = false;
    for row in &m.cells {
        let vals: Vec<f64> = complete
            .iter()
            .map(|&c| row[c].unwrap_or(f64::NAN))
            .collect();
        let ranks = midranks(&vals);
        for (s, r) in rank_sums.iter_mut().zip(&ranks) {
            *s += r; // half-integers: exact in f64
        }
        let mut sorted = vals.clone();
        sorted.sort_by(f64::total_cmp);
        let mut i = 0;
        while i < sorted.len() {
            let mut j = i;
            while j + 1 < sorted.len() && sorted[j + 1] == sorted[i] {
                j += 1;
            }
            let t = (j - i + 1) as f64;
            if t > 1.0 {
                has_ties = true;
                ties_total += t * t * t - t;
            }
            i = j + 1;
        }
    }
    let mf = raters as f64;
    let nf = n as f64;
    let mean = mf * (nf + 1.0) / 2.0;
    let s = stable_sum(rank_sums.iter().map(|r| (r - mean) * (r - mean)));
    let t = if correct_ties { ties_total } else { 0.0 };
    let denom = mf * mf * (nf * nf * nf - nf) - mf * t;
    if denom <= 0.0 {
        return Err(KendallError::AllTied);
    }
    let w = 12.0 * s / denom;
    let chi_square = mf * (nf - 1.0) * w;
    let df = n - 1;
    Ok(KendallW {
        w,
        chi_square,
        df,
        p_value: chi_square_sf(chi_square, df as f64),
        raters,
        units_used: n,
        units_dropped: dropped,
        tie_corrected: correct_ties,
        has_ties,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midranks_ties() {
        assert_eq!(midranks(&[3.0, 1.0, 3.0, 2.0]), vec![3.5, 1.0, 3.5, 2.0]);
    }

    #[test]
    fn perfect_concordance() {
        let s = Some;
        let m = RatingMatrix::from_rows(vec![
            vec![s(1.), s(2.), s(3.), None],
            vec![s(10.), s(20.), s(30.), s(4.)],
        ]);
        let k = kendall_w(&m, true).unwrap();
        assert_eq!(k.w, 1.0);
        assert_eq!(k.units_dropped, 1);
        assert_eq!(k.chi_square, 4.0);
    }

    #[test]
    fn errors() {
        let s = Some;
        let one = RatingMatrix::from_rows(vec![vec![s(1.), s(2.)]]);
        assert_eq!(kendall_w(&one, true), Err(KendallError::TooFewRaters(1)));
        let tied = RatingMatrix::from_rows(vec![vec![s(1.), s(1.)], vec![s(2.), s(2.)]]);
        assert_eq!(kendall_w(&tied, true), Err(KendallError::AllTied));
        let few = RatingMatrix::from_rows(vec![vec![s(1.), None], vec![s(2.), s(2.)]]);
        assert_eq!(
            kendall_w(&few, true),
            Err(KendallError::TooFewUnits {
                used: 1,
                dropped: 1
            })
        );
    }
}
