//! The head of the result: the plan scored, its rules, what went in, and the words for the
//! grades.

use crate::score::labels::labels;
use crate::score::result::{EvaluationResult, InputSummary, RESULT_FORMAT};

use super::Year;

/// The result's plan, rules, input counts and grade labels; its units, rankings, agreement,
/// weights, calibration and warnings empty, for the steps to fill in.
pub(super) fn result_header(year: &Year) -> EvaluationResult {
    let plan = year.plan;
    let state = year.state;
    EvaluationResult {
        format: RESULT_FORMAT.into(),
        plan_id: plan.id.clone(),
        plan_version: plan.version.clone(),
        plan_sha256: plan.sha256.clone(),
        year: plan.year,
        precision: year.rules.precision,
        rules: year.rules.clone(),
        inputs: InputSummary {
            records_used: state.used.clone(),
            records_skipped: state.skipped.clone(),
            reviewers: state.sheets.len(),
            indicator_inputs: state.indicators.len(),
            history_entries: state.history.len(),
        },
        units: Vec::new(),
        categories: Vec::new(),
        agreement: Vec::new(),
        indicator_weights: Vec::new(),
        calibration: Vec::new(),
        warnings: Vec::new(),
        labels: labels(year.rules),
        quality: Vec::new(),
    }
}
