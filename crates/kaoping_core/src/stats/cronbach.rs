//! Cronbach's alpha for a respondents × items matrix.
//!
//! Source: Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
//! *Psychometrika*, 16(3), 297–334.
//!
//! α = k/(k − 1) · (1 − Σ_i s²_i / s²_T), with s²_i the sample variance (divisor n − 1)
//! of item i and s²_T that of the respondents' total scores. Respondents with any missing
//! item are dropped (listwise deletion); the number used is reported.

use super::dist::stable_sum;
use super::RatingMatrix;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The result of [`cronbach_alpha`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CronbachAlpha {
    pub alpha: f64,
    /// k, the items (columns).
    pub items: usize,
    /// Respondents with every item answered.
    pub respondents_used: usize,
    /// Respondents left out for a missing item.
    pub respondents_dropped: usize,
    /// Sample variance of each item, in column order.
    pub item_variances: Vec<f64>,
    /// Sample variance of the total scores.
    pub total_variance: f64,
}

/// Why alpha could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CronbachError {
    #[error("Cronbach's alpha needs at least 2 items (columns), got {0}")]
    TooFewItems(usize),
    #[error("Cronbach's alpha needs at least 2 complete respondents, got {used} ({dropped} dropped for missing items)")]
    TooFewRespondents { used: usize, dropped: usize },
    #[error("the total scores have zero variance: alpha is undefined")]
    ZeroVariance,
}

fn sample_variance(v: &[f64]) -> f64 {
    let n = v.len() as f64;
    let mean = stable_sum(v.iter().copied()) / n;
    stable_sum(v.iter().map(|x| (x - mean) * (x - mean))) / (n - 1.0)
}

/// Cronbach's alpha; rows = respondents, columns = items.
pub fn cronbach_alpha(m: &RatingMatrix) -> Result<CronbachAlpha, CronbachError> {
    let k = m.n_cols();
    if k < 2 {
        return Err(CronbachError::TooFewItems(k));
    }
    let rows: Vec<Vec<f64>> = m
        .cells
        .iter()
        .filter_map(|r| r.iter().copied().collect::<Option<Vec<f64>>>())
        .collect();
    let dropped = m.n_rows() - rows.len();
    if rows.len() < 2 {
        return Err(CronbachError::TooFewRespondents {
            used: rows.len(),
            dropped,
        });
    }
    let item_variances: Vec<f64> = (0..k)
        .map(|j| sample_variance(&rows.iter().map(|r| r[j]).collect::<Vec<_>>()))
        .collect();
    let totals: Vec<f64> = rows.iter().map(|r| stable_sum(r.iter().copied())).collect();
    let total_variance = sample_variance(&totals);
    if total_variance == 0.0 {
        return Err(CronbachError::ZeroVariance);
    }
    let kf = k as f64;
    let alpha =
        kf / (kf - 1.0) * (1.0 - stable_sum(item_variances.iter().copied()) / total_variance);
    Ok(CronbachAlpha {
        alpha,
        items: k,
        respondents_used: rows.len(),
        respondents_dropped: dropped,
        item_variances,
        total_variance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equals_icc_3k_on_shrout_fleiss() {
        // Cronbach's alpha equals ICC(3,k) (psych::ICC documentation: "alpha and ICC3k
        // are identical"); Shrout & Fleiss (1979) report ICC(3,4) = .91 for Table 2.
        // Respondents = targets, items = judges.
        let judges = [
            [9., 6., 8., 7., 10., 6.],
            [2., 1., 4., 1., 5., 2.],
            [5., 3., 6., 2., 6., 4.],
            [8., 2., 8., 6., 9., 7.],
        ];
        let rows = (0..6)
            .map(|t| judges.iter().map(|j| Some(j[t])).collect())
            .collect();
        let a = cronbach_alpha(&RatingMatrix::from_rows(rows)).unwrap();
        assert_eq!((a.alpha * 100.0).round() / 100.0, 0.91);
    }

    #[test]
    fn listwise_and_errors() {
        let s = Some;
        let m = RatingMatrix::from_rows(vec![
            vec![s(1.), s(2.)],
            vec![s(2.), None],
            vec![s(3.), s(3.)],
            vec![s(4.), s(5.)],
        ]);
        let a = cronbach_alpha(&m).unwrap();
        assert_eq!((a.respondents_used, a.respondents_dropped), (3, 1));
        let flat = RatingMatrix::from_rows(vec![vec![s(1.), s(1.)], vec![s(1.), s(1.)]]);
        assert_eq!(cronbach_alpha(&flat), Err(CronbachError::ZeroVariance));
        let one = RatingMatrix::from_rows(vec![vec![s(1.)], vec![s(2.)]]);
        assert_eq!(cronbach_alpha(&one), Err(CronbachError::TooFewItems(1)));
    }
}
