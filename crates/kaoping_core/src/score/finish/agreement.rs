//! The agreement of the expert panel, per category and reviewed indicator: Krippendorff's α
//! over every score given, Kendall's W and the ICCs over the reviewers who scored every unit.

use crate::plan::Category;
use crate::score::result::{AgreementResult, Warning};
use crate::stats::icc::icc;
use crate::stats::kendall::kendall_w;
use crate::stats::krippendorff::{krippendorff_alpha, Metric};
use crate::stats::matrix::RatingMatrix;

use super::panel::reviewed;
use super::warnings::warn;
use super::Year;

/// The panel's agreement on each reviewed indicator of each category; warns where it is low.
pub(super) fn panel_agreement(year: &Year, warnings: &mut Vec<Warning>) -> Vec<AgreementResult> {
    let mut agreement = Vec::new();
    let Some(sd) = year.sheet else {
        return agreement;
    };
    for cat in &year.plan.categories {
        let cat_units: Vec<&str> = year
            .plan
            .units
            .iter()
            .filter(|u| u.category == cat.id)
            .map(|u| u.id.as_str())
            .collect();
        for (ind, _) in reviewed(year.plan, sd, &cat.id, year.weights) {
            let m = score_matrix(year, &cat_units, &ind);
            agreement.push(agreement_on(year, cat, ind, &m, warnings));
        }
    }
    agreement
}

/// The reviewers' scores of the category's units on an indicator: a row per reviewer who
/// scored at least one of them.
fn score_matrix(year: &Year, cat_units: &[&str], ind: &str) -> RatingMatrix {
    let mut row_names = Vec::new();
    let mut cells = Vec::new();
    for (rid, sheet) in &year.state.sheets {
        let row: Vec<Option<f64>> = cat_units
            .iter()
            .map(|u| {
                sheet
                    .scores
                    .get(&((*u).to_owned(), ind.to_owned()))
                    .copied()
                    .flatten()
            })
            .collect();
        if row.iter().any(Option::is_some) {
            row_names.push(rid.clone());
            cells.push(row);
        }
    }
    RatingMatrix {
        row_names,
        col_names: cat_units.iter().map(|s| (*s).to_owned()).collect(),
        cells,
    }
}

/// α, W and the ICCs of one score matrix, with a note of what could not be computed.
fn agreement_on(
    year: &Year,
    cat: &Category,
    ind: String,
    m: &RatingMatrix,
    warnings: &mut Vec<Warning>,
) -> AgreementResult {
    let rules = year.rules;
    let mut note = Vec::new();
    let alpha = match krippendorff_alpha(m, Metric::Interval) {
        Ok(a) => Some(a.alpha),
        Err(e) => {
            note.push(format!("alpha: {e}"));
            None
        }
    };
    // Kendall's W needs a complete block: the reviewers who scored every
    // unit of the category on this indicator (recusals drop a reviewer here).
    let complete: Vec<usize> = (0..m.n_rows())
        .filter(|&r| m.cells[r].iter().all(Option::is_some))
        .collect();
    let block = RatingMatrix {
        row_names: complete.iter().map(|&r| m.row_names[r].clone()).collect(),
        col_names: m.col_names.clone(),
        cells: complete.iter().map(|&r| m.cells[r].clone()).collect(),
    };
    let (kw, kp) = match kendall_w(&block, true) {
        Ok(k) => (Some(k.w), Some(k.p_value)),
        Err(e) => {
            note.push(format!("kendall: {e}"));
            (None, None)
        }
    };
    let (icc_single, icc_average) = match icc(&block, rules.confidence) {
        Ok(r) => {
            let form = |name: &str| r.forms.iter().find(|f| f.name == name).map(|f| f.value);
            (form("ICC(2,1)"), form("ICC(2,k)"))
        }
        Err(e) => {
            note.push(format!("icc: {e}"));
            (None, None)
        }
    };
    let low = alpha.is_some_and(|a| a < rules.alpha_threshold);
    if low {
        warn_low_agreement(year, cat, &ind, alpha, warnings);
    }
    AgreementResult {
        category: cat.id.clone(),
        indicator: ind,
        raters: m.n_rows(),
        units: m.n_cols(),
        alpha,
        kendall_w: kw,
        kendall_p: kp,
        kendall_raters: block.n_rows(),
        icc_single,
        icc_average,
        low_agreement: low,
        note: if note.is_empty() {
            None
        } else {
            Some(note.join("; "))
        },
    }
}

fn warn_low_agreement(
    year: &Year,
    cat: &Category,
    ind: &str,
    alpha: Option<f64>,
    warnings: &mut Vec<Warning>,
) {
    let plan = year.plan;
    warn(
        warnings,
        "low_agreement",
        None,
        Some(&format!("{}/{}", cat.id, ind)),
        format!(
            "{}：{}指标评审一致性低（α = {:.3}）",
            cat.name.get("zh-CN"),
            plan.indicator(ind).map_or(ind, |i| i.name.get("zh-CN")),
            alpha.unwrap_or(0.0)
        ),
        format!(
            "low panel agreement on {} in {} (α = {:.3})",
            plan.indicator(ind).map_or(ind, |i| i.name.get("en")),
            cat.name.get("en"),
            alpha.unwrap_or(0.0)
        ),
    );
}
