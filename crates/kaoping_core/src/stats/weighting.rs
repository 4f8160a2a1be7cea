//! Survey weighting of the public-satisfaction sample: post-stratification to known
//! population cells, raking (iterative proportional fitting) to several margins with a
//! weight cap, and the Kish design effect.
//!
//! Determinism: records that share the same categories and base weight are pooled into
//! one *profile*; every sum runs over the profiles in sorted order, so the weights do
//! not depend on the order of the responses (bit for bit).
//!
//! References: Deming, W. E. & Stephan, F. F. (1940) "On a least squares adjustment of a
//! sampled frequency table when the expected marginal totals are known", Ann. Math.
//! Statist. 11(4):427–444; Battaglia, M. P., Hoaglin, D. C. & Frankel, M. R. (2009)
//! "Practical considerations in raking survey data", Survey Practice 2(5); Kish, L.
//! (1965) *Survey Sampling*, Wiley (design effect of weighting 1 + CV²).

use serde::Serialize;

mod post_stratification;
mod raking;

pub use post_stratification::{
    post_stratify, CellAdjustment, CellRecord, MissingCellPolicy, PostStratInput, PostStratResult,
};
pub use raking::{rake, Margin, MarginFit, RakeInput, RakeRecord, RakeResult};

/// Errors of the weighting functions.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WeightingError {
    /// The input JSON does not have the expected shape.
    #[error("bad weighting input: {message}")]
    BadInput {
        /// Parser message.
        message: String,
    },
    /// No record.
    #[error("no respondent record")]
    Empty,
    /// A base weight or a count is not valid.
    #[error("record {record}: base weight {base_weight} must be finite and > 0, count ≥ 1")]
    InvalidRecord {
        /// 1-based record.
        record: usize,
        /// The base weight.
        base_weight: f64,
    },
    /// A population or target figure is not a finite number ≥ 0.
    #[error("target for {cell:?} = {value} must be finite and ≥ 0")]
    InvalidTarget {
        /// Cell or category.
        cell: String,
        /// Value.
        value: f64,
    },
    /// A sample cell has no population figure.
    #[error("sample cell {cell:?} ({sample_n} respondents) has no population share")]
    SampleCellWithoutPopulation {
        /// Cell.
        cell: String,
        /// Respondents in it.
        sample_n: u64,
    },
    /// A population cell with a positive share has no respondent.
    #[error("population cell {cell:?} (share {population}) has no respondent")]
    EmptyPopulationCell {
        /// Cell.
        cell: String,
        /// Population figure.
        population: f64,
    },
    /// A collapse rule sends a cell to a cell that is itself collapsed (chains are not followed).
    #[error("collapse rule {from:?} → {to:?}: the target is itself collapsed")]
    CollapseChain {
        /// Source cell.
        from: String,
        /// Target cell.
        to: String,
    },
    /// A record has the wrong number of categories.
    #[error("record {record}: {found} categories for {expected} margins")]
    CategoryCount {
        /// 1-based record.
        record: usize,
        /// Margins.
        expected: usize,
        /// Categories given.
        found: usize,
    },
    /// A respondent category has no target in its margin.
    #[error("margin {margin:?}: category {category:?} appears in the sample but has no target")]
    MissingTarget {
        /// Margin.
        margin: String,
        /// Category.
        category: String,
    },
    /// A target category with a positive target has no respondent.
    #[error("margin {margin:?}: category {category:?} has target {target} but no respondent")]
    EmptyCategory {
        /// Margin.
        margin: String,
        /// Category.
        category: String,
        /// Target.
        target: f64,
    },
    /// The margins do not share one grand total.
    #[error("margin {margin:?} totals {total}, but margin {first:?} totals {first_total}")]
    InconsistentTotals {
        /// Margin.
        margin: String,
        /// Its total.
        total: f64,
        /// First margin.
        first: String,
        /// Its total.
        first_total: f64,
    },
    /// Invalid option.
    #[error("invalid option: {message}")]
    InvalidOption {
        /// What is wrong.
        message: String,
    },
}

fn bad_input(e: serde_json::Error) -> WeightingError {
    WeightingError::BadInput {
        message: e.to_string(),
    }
}

/// Neumaier compensated sum in the order given.
fn nsum<I: IntoIterator<Item = f64>>(xs: I) -> f64 {
    let (mut s, mut c) = (0.0_f64, 0.0_f64);
    for x in xs {
        let t = s + x;
        if s.abs() >= x.abs() {
            c += (s - t) + x;
        } else {
            c += (x - t) + s;
        }
        s = t;
    }
    s + c
}

/// Weight diagnostics (Kish 1965).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct WeightDiagnostics {
    /// Respondents (Σ counts).
    pub n: u64,
    /// Σ w.
    pub sum_weights: f64,
    /// Smallest weight.
    pub min_weight: f64,
    /// Largest weight.
    pub max_weight: f64,
    /// Coefficient of variation of the weights (population SD / mean).
    pub cv: f64,
    /// Kish design effect due to weighting: n Σw² / (Σw)² = 1 + CV².
    pub design_effect: f64,
    /// Kish effective sample size (Σw)² / Σw² = n / deff.
    pub effective_n: f64,
}

/// Kish diagnostics of weights `w` with multiplicities `count` (sums in the order given).
pub fn diagnostics(w: &[f64], count: &[u64]) -> WeightDiagnostics {
    let n: u64 = count.iter().sum();
    let sum_w = nsum(w.iter().zip(count).map(|(w, c)| w * *c as f64));
    let sum_w2 = nsum(w.iter().zip(count).map(|(w, c)| w * w * *c as f64));
    let nf = n as f64;
    let deff = if sum_w > 0.0 {
        nf * sum_w2 / (sum_w * sum_w)
    } else {
        1.0
    };
    WeightDiagnostics {
        n,
        sum_weights: sum_w,
        min_weight: w.iter().copied().fold(f64::INFINITY, f64::min),
        max_weight: w.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        cv: (deff - 1.0).max(0.0).sqrt(),
        design_effect: deff,
        effective_n: if sum_w2 > 0.0 {
            sum_w * sum_w / sum_w2
        } else {
            0.0
        },
    }
}

fn default_weight() -> f64 {
    1.0
}
fn default_count() -> u64 {
    1
}
