//! The expert panel: which indicators a category's units are reviewed on, each reviewer's
//! total for each unit, and their calibration.

use crate::plan::{Plan, ReviewSheet};
use crate::score::result::Warning;
use crate::score::state::Sheet;
use crate::stats::dist::stable_sum;
use crate::stats::tally::{calibrate, Rating, ReviewerCalibration};
use std::collections::BTreeMap;

use super::warnings::warn;
use super::weights::{weight_in, WeightsInForce};
use super::Year;

/// The panel's totals, ready for each unit's expert component.
pub(super) struct Panel {
    /// (reviewer, unit) → the reviewer's total (calibrated when the rules say so);
    /// `None`: the reviewer was unable to judge any indicator of the unit.
    pub totals: BTreeMap<(String, String), Option<f64>>,
    /// Per-reviewer calibration figures (empty unless `expert.calibrate`).
    pub calibration: Vec<ReviewerCalibration>,
    /// The sheet's rater groups with their weights.
    pub groups: Vec<(String, f64)>,
}

/// Each reviewer's total for each unit they rated, calibrated when the rules ask for it.
pub(super) fn reviewer_totals(year: &Year, warnings: &mut Vec<Warning>) -> Panel {
    let plan = year.plan;
    let mut totals: BTreeMap<(String, String), Option<f64>> = BTreeMap::new();
    if let Some(sd) = year.sheet {
        for unit in &plan.units {
            let inds = reviewed(plan, sd, &unit.category, year.weights);
            for (rid, sheet) in &year.state.sheets {
                if let Some(t) = reviewer_total(sheet, &unit.id, &inds) {
                    totals.insert((rid.clone(), unit.id.clone()), t);
                }
            }
        }
    }
    let calibration = if year.rules.expert.calibrate {
        calibrate_totals(&mut totals, warnings)
    } else {
        Vec::new()
    };
    let groups = year
        .sheet
        .map(|sd| sd.groups.iter().map(|g| (g.id.clone(), g.weight)).collect())
        .unwrap_or_default();
    Panel {
        totals,
        calibration,
        groups,
    }
}

/// Replaces the totals by their calibrated values (for reviewer leniency or severity);
/// warns of reviewers left uncalibrated, or when calibration is not possible.
fn calibrate_totals(
    totals: &mut BTreeMap<(String, String), Option<f64>>,
    warnings: &mut Vec<Warning>,
) -> Vec<ReviewerCalibration> {
    let ratings: Vec<Rating> = totals
        .iter()
        .filter_map(|((r, u), s)| {
            s.map(|score| Rating {
                reviewer: r.clone(),
                unit: u.clone(),
                score,
            })
        })
        .collect();
    match calibrate(&ratings) {
        Ok(res) => {
            for c in &res.ratings {
                totals.insert((c.reviewer.clone(), c.unit.clone()), Some(c.calibrated));
            }
            for rv in &res.reviewers {
                if let Some(flag) = rv.flag {
                    warn(
                        warnings,
                        "calibration_skipped",
                        None,
                        Some(&rv.reviewer),
                        format!("评审人 {} 的评分未校准（{flag:?}）", rv.reviewer),
                        format!(
                            "reviewer {}'s scores were not calibrated ({flag:?})",
                            rv.reviewer
                        ),
                    );
                }
            }
            res.reviewers
        }
        Err(e) => {
            warn(
                warnings,
                "calibration_failed",
                None,
                None,
                format!("无法校准：{e}"),
                format!("calibration not possible: {e}"),
            );
            Vec::new()
        }
    }
}
/// The reviewed indicators of a category on the sheet, with their category weights.
pub(super) fn reviewed(
    plan: &Plan,
    sheet: &ReviewSheet,
    category: &str,
    weights: &WeightsInForce,
) -> Vec<(String, f64)> {
    if !sheet.categories.is_empty() && !sheet.categories.iter().any(|c| c == category) {
        return Vec::new();
    }
    plan.indicators
        .iter()
        .filter(|i| sheet.indicators.contains(&i.id))
        .filter_map(|i| {
            i.weights
                .get(category)
                .map(|w| (i.id.clone(), weight_in(weights, category, &i.id, *w)))
        })
        .collect()
}

/// A reviewer's total for a unit: weighted mean of the indicators scored (unable left
/// out). `Some(None)` = only "unable"; `None` = not rated.
fn reviewer_total(sheet: &Sheet, unit: &str, inds: &[(String, f64)]) -> Option<Option<f64>> {
    let mut parts = Vec::new();
    let mut any = false;
    for (i, w) in inds {
        if let Some(s) = sheet.scores.get(&(unit.to_owned(), i.clone())) {
            any = true;
            if let Some(s) = s {
                parts.push((*w, *s));
            }
        }
    }
    if !any {
        return None;
    }
    let sw = stable_sum(parts.iter().map(|p| p.0));
    if parts.is_empty() {
        return Some(None);
    }
    if sw <= 0.0 {
        return Some(Some(
            stable_sum(parts.iter().map(|p| p.1)) / parts.len() as f64,
        ));
    }
    Some(Some(stable_sum(parts.iter().map(|(w, s)| w * s)) / sw))
}
