//! Intraclass correlations ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k),
//! with F tests and F-based confidence intervals.
//!
//! Source: Shrout, P. E., & Fleiss, J. L. (1979). Intraclass correlations: Uses in
//! assessing rater reliability. *Psychological Bulletin*, 86(2), 420–428, Table 1 (mean
//! squares), equations for the six forms, and the confidence intervals of the section
//! "Confidence intervals" (ICC(2,1) with Satterthwaite's approximate df). The average-
//! measure intervals apply the Spearman–Brown formula to the single-measure bounds, as
//! R `psych::ICC` does.
//!
//! Input: rows = judges (raters), columns = targets (units). ICC needs complete targets:
//! targets with any missing rating are dropped and counted in `targets_dropped`.

use super::dist::{f_quantile, f_sf, stable_sum};
use super::kendall::complete_columns;
use super::RatingMatrix;
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// One ICC form with its F test and confidence interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IccForm {
    /// Shrout–Fleiss name, e.g. `ICC(2,1)` or `ICC(2,k)`.
    pub name: String,
    pub value: f64,
    pub f: f64,
    pub df1: f64,
    pub df2: f64,
    pub p_value: f64,
    pub lower: f64,
    pub upper: f64,
}

/// ANOVA mean squares (Shrout & Fleiss 1979, Table 1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IccAnova {
    /// Between-targets mean square.
    pub bms: f64,
    /// Within-target mean square (one-way).
    pub wms: f64,
    /// Between-judges mean square.
    pub jms: f64,
    /// Residual mean square (two-way).
    pub ems: f64,
}

/// The result of [`icc`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IccResult {
    /// n, complete targets used.
    pub targets: usize,
    /// Targets left out for a missing rating.
    pub targets_dropped: usize,
    /// k, judges.
    pub judges: usize,
    /// Confidence level of the intervals, e.g. 0.95.
    pub level: f64,
    pub anova: IccAnova,
    /// In order: ICC(1,1), ICC(2,1), ICC(3,1), ICC(1,k), ICC(2,k), ICC(3,k).
    pub forms: Vec<IccForm>,
}

/// Why the ICCs could not be computed.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum IccError {
    #[error("ICC needs at least 2 judges (rows), got {0}")]
    TooFewJudges(usize),
    #[error("ICC needs at least 2 targets rated by every judge, got {used} ({dropped} dropped for missing ratings)")]
    TooFewTargets { used: usize, dropped: usize },
    #[error("all ratings are equal: the mean squares are 0 and the ICCs are undefined")]
    ZeroVariance,
    #[error("confidence level must be strictly between 0 and 1, got {0}")]
    BadLevel(f64),
}

/// Computes the six Shrout–Fleiss ICCs for a judges × targets matrix at confidence `level`.
pub fn icc(m: &RatingMatrix, level: f64) -> Result<IccResult, IccError> {
    if !(level > 0.0 && level < 1.0) {
        return Err(IccError::BadLevel(level));
    }
    let k = m.n_rows();
    if k < 2 {
        return Err(IccError::TooFewJudges(k));
    }
    let (complete, dropped) = complete_columns(m);
    let n = complete.len();
    if n < 2 {
        return Err(IccError::TooFewTargets { used: n, dropped });
    }
    // x[i][j]: target i, judge j.
    let x: Vec<Vec<f64>> = complete
        .iter()
        .map(|&c| m.column(c).map(|v| v.unwrap_or(f64::NAN)).collect())
        .collect();
    let (nf, kf) = (n as f64, k as f64);
    let grand = stable_sum(x.iter().flatten().copied()) / (nf * kf);
    let target_means: Vec<f64> = x
        .iter()
        .map(|r| stable_sum(r.iter().copied()) / kf)
        .collect();
    let judge_means: Vec<f64> = (0..k)
        .map(|j| stable_sum(x.iter().map(|r| r[j])) / nf)
        .collect();
    let ss_total = stable_sum(x.iter().flatten().map(|v| (v - grand) * (v - grand)));
    let ss_targets = kf * stable_sum(target_means.iter().map(|t| (t - grand) * (t - grand)));
    let ss_judges = nf * stable_sum(judge_means.iter().map(|t| (t - grand) * (t - grand)));
    let ss_within = (ss_total - ss_targets).max(0.0);
    let ss_error = (ss_total - ss_targets - ss_judges).max(0.0);
    if ss_total == 0.0 {
        return Err(IccError::ZeroVariance);
    }
    let bms = ss_targets / (nf - 1.0);
    let wms = ss_within / (nf * (kf - 1.0));
    let jms = ss_judges / (kf - 1.0);
    let ems = ss_error / ((nf - 1.0) * (kf - 1.0));

    let alpha = 1.0 - level;
    let hi_q = 1.0 - alpha / 2.0;
    let sb = |r: f64| kf * r / (1.0 + (kf - 1.0) * r);

    // ICC(1,*): one-way.
    let icc11 = (bms - wms) / (bms + (kf - 1.0) * wms);
    let icc1k = (bms - wms) / bms;
    let f1 = bms / wms;
    let (d1a, d1b) = (nf - 1.0, nf * (kf - 1.0));
    let p1 = f_sf(f1, d1a, d1b);
    let fl1 = f1 / f_quantile(hi_q, d1a, d1b);
    let fu1 = f1 * f_quantile(hi_q, d1b, d1a);
    let (l11, u11) = (
        (fl1 - 1.0) / (fl1 + kf - 1.0),
        (fu1 - 1.0) / (fu1 + kf - 1.0),
    );
    let (l1k, u1k) = (1.0 - 1.0 / fl1, 1.0 - 1.0 / fu1);

    // ICC(3,*): two-way mixed, consistency.
    let icc31 = (bms - ems) / (bms + (kf - 1.0) * ems);
    let icc3k = (bms - ems) / bms;
    let f3 = bms / ems;
    let (d3a, d3b) = (nf - 1.0, (nf - 1.0) * (kf - 1.0));
    let p3 = f_sf(f3, d3a, d3b);
    let fl3 = f3 / f_quantile(hi_q, d3a, d3b);
    let fu3 = f3 * f_quantile(hi_q, d3b, d3a);
    let (l31, u31) = (
        (fl3 - 1.0) / (fl3 + kf - 1.0),
        (fu3 - 1.0) / (fu3 + kf - 1.0),
    );
    let (l3k, u3k) = (1.0 - 1.0 / fl3, 1.0 - 1.0 / fu3);

    // ICC(2,*): two-way random, absolute agreement; Satterthwaite df.
    let icc21 = (bms - ems) / (bms + (kf - 1.0) * ems + kf * (jms - ems) / nf);
    let icc2k = (bms - ems) / (bms + (jms - ems) / nf);
    // Shrout & Fleiss (1979), approximate df v for ICC(2,1).
    let fj = jms / ems;
    let r = icc21;
    let core = kf * r * fj + nf * (1.0 + (kf - 1.0) * r) - kf * r;
    let v = (kf - 1.0) * (nf - 1.0) * core * core
        / ((nf - 1.0) * kf * kf * r * r * fj * fj + (nf * (1.0 + (kf - 1.0) * r) - kf * r).powi(2));
    let fs = f_quantile(hi_q, nf - 1.0, v);
    let fss = f_quantile(hi_q, v, nf - 1.0);
    let l21 = nf * (bms - fs * ems) / (fs * (kf * jms + (kf * nf - kf - nf) * ems) + nf * bms);
    let u21 = nf * (fss * bms - ems) / (kf * jms + (kf * nf - kf - nf) * ems + nf * fss * bms);
    let (l2k, u2k) = (sb(l21), sb(u21));

    let form = |name: &str, value, f, df1, df2, p, lower, upper| IccForm {
        name: name.to_string(),
        value,
        f,
        df1,
        df2,
        p_value: p,
        lower,
        upper,
    };
    let forms = vec![
        form("ICC(1,1)", icc11, f1, d1a, d1b, p1, l11, u11),
        form("ICC(2,1)", icc21, f3, d3a, d3b, p3, l21, u21),
        form("ICC(3,1)", icc31, f3, d3a, d3b, p3, l31, u31),
        form("ICC(1,k)", icc1k, f1, d1a, d1b, p1, l1k, u1k),
        form("ICC(2,k)", icc2k, f3, d3a, d3b, p3, l2k, u2k),
        form("ICC(3,k)", icc3k, f3, d3a, d3b, p3, l3k, u3k),
    ];
    Ok(IccResult {
        targets: n,
        targets_dropped: dropped,
        judges: k,
        level,
        anova: IccAnova { bms, wms, jms, ems },
        forms,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Shrout & Fleiss (1979), Table 2: 6 targets × 4 judges (here judges are rows).
    fn sf() -> RatingMatrix {
        let rows = [
            [9., 6., 8., 7., 10., 6.],
            [2., 1., 4., 1., 5., 2.],
            [5., 3., 6., 2., 6., 4.],
            [8., 2., 8., 6., 9., 7.],
        ];
        RatingMatrix::from_rows(
            rows.iter()
                .map(|r| r.iter().map(|v| Some(*v)).collect())
                .collect(),
        )
    }

    #[test]
    fn shrout_fleiss_table_2() {
        let r = icc(&sf(), 0.95).unwrap();
        let got: Vec<f64> = r
            .forms
            .iter()
            .map(|f| (f.value * 100.0).round() / 100.0)
            .collect();
        // Shrout & Fleiss (1979), p. 426 (Table 2 example): .17 .29 .71 .44 .62 .91.
        assert_eq!(got, vec![0.17, 0.29, 0.71, 0.44, 0.62, 0.91]);
    }

    #[test]
    fn missing_targets_dropped_and_order_free() {
        let mut m = sf();
        m.cells[0].push(Some(1.0));
        for r in 1..4 {
            m.cells[r].push(None);
        }
        m.col_names.push("u7".into());
        let a = icc(&m, 0.95).unwrap();
        assert_eq!(a.targets_dropped, 1);
        let mut rev = sf();
        rev.cells.reverse();
        let b = icc(&rev, 0.95).unwrap();
        for (x, y) in a.forms.iter().zip(&b.forms) {
            assert_eq!(x.value.to_bits(), y.value.to_bits(), "{}", x.name);
        }
    }

    #[test]
    fn errors() {
        let s = Some;
        let flat = RatingMatrix::from_rows(vec![vec![s(1.), s(1.)], vec![s(1.), s(1.)]]);
        assert_eq!(icc(&flat, 0.95), Err(IccError::ZeroVariance));
        assert_eq!(icc(&sf(), 1.0), Err(IccError::BadLevel(1.0)));
        let one = RatingMatrix::from_rows(vec![vec![s(1.), s(2.)]]);
        assert_eq!(icc(&one, 0.95), Err(IccError::TooFewJudges(1)));
    }
}
