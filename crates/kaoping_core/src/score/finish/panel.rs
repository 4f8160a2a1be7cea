//! The expert panel's review sheet: which indicators a category's units are reviewed on, and
//! each reviewer's total for a unit.

use crate::plan::{Plan, ReviewSheet};
use crate::score::state::Sheet;
use crate::stats::dist::stable_sum;

use super::weights::{weight_in, WeightsInForce};

/// The reviewed indicators of a category on the sheet, with their category weights.
pub(super) fn reviewed(
    plan: &Plan,
    sheet: &ReviewSheet,
    category: &str,
    derived: &WeightsInForce,
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
                .map(|w| (i.id.clone(), weight_in(derived, category, &i.id, *w)))
        })
        .collect()
}

/// A reviewer's total for a unit: weighted mean of the indicators scored (unable left
/// out). `Some(None)` = only "unable"; `None` = not rated.
pub(super) fn reviewer_total(
    sheet: &Sheet,
    unit: &str,
    inds: &[(String, f64)],
) -> Option<Option<f64>> {
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
