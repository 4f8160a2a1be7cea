//! Survey weighting of a unit's public respondents (post-stratification or raking) and the
//! weighted index, satisfaction rate and NPS.

use crate::score::result::{PublicComponent, PublicWeightingResult, Status, Warning, WeightCell};
use crate::score::rules::{Aggregation, PublicWeighting, ScoringRules};
use crate::score::state::{CellAcc, PublicAcc};
use crate::stats::dist::stable_sum;
use crate::stats::interval::Interval;
use std::collections::BTreeMap;

use super::warnings::warn;

/// Cell weights, raking converged, cap satisfied.
type CellWeights = (Vec<f64>, Option<bool>, Option<bool>);

/// Weights of the unit's cells (mean 1 over respondents), in the order of `acc.cells`.
fn cell_weights(
    acc: &PublicAcc,
    w: &PublicWeighting,
    unit: &str,
) -> Result<CellWeights, (String, Option<String>)> {
    use crate::stats::weighting::{
        post_stratify, rake, CellRecord, Margin, MissingCellPolicy, PostStratInput, RakeInput,
        RakeRecord, WeightingError,
    };
    let norm = |m: &BTreeMap<String, f64>| -> BTreeMap<String, f64> {
        let total = stable_sum(m.values().copied());
        m.iter()
            .map(|(k, v)| (k.clone(), if total > 0.0 { v / total } else { *v }))
            .collect()
    };
    let cell_of_err = |e: &WeightingError| -> Option<String> {
        match e {
            WeightingError::SampleCellWithoutPopulation { cell, .. }
            | WeightingError::EmptyPopulationCell { cell, .. } => Some(cell.clone()),
            WeightingError::MissingTarget { margin, category }
            | WeightingError::EmptyCategory {
                margin, category, ..
            } => Some(format!("{margin}={category}")),
            _ => None,
        }
    };
    let fail = |e: WeightingError| (e.to_string(), cell_of_err(&e));
    let (raw, converged, cap_ok) = match w {
        PublicWeighting::PostStratify {
            population,
            population_by_unit,
            collapse,
            ..
        } => {
            let input = PostStratInput {
                records: acc
                    .cells
                    .iter()
                    .map(|(k, c)| CellRecord {
                        cell: k.join("|"),
                        base_weight: 1.0,
                        count: c.respondents,
                    })
                    .collect(),
                population: norm(population_by_unit.get(unit).unwrap_or(population)),
                missing: if collapse.is_empty() {
                    MissingCellPolicy::Report
                } else {
                    MissingCellPolicy::Collapse {
                        map: collapse.clone(),
                    }
                },
            };
            (post_stratify(&input).map_err(fail)?.weights, None, None)
        }
        PublicWeighting::Rake {
            margins,
            margins_by_unit,
            cap,
        } => {
            let ms = margins_by_unit.get(unit).unwrap_or(margins);
            let input = RakeInput {
                margins: ms
                    .iter()
                    .map(|(q, t)| Margin {
                        name: q.clone(),
                        targets: norm(t),
                    })
                    .collect(),
                records: acc
                    .cells
                    .iter()
                    .map(|(k, c)| RakeRecord {
                        categories: k.clone(),
                        base_weight: 1.0,
                        count: c.respondents,
                    })
                    .collect(),
                tolerance: 1e-10,
                max_iterations: 1000,
                cap: *cap,
                max_trim_rounds: 50,
            };
            let r = rake(&input).map_err(fail)?;
            (r.weights, Some(r.converged), Some(r.cap_satisfied))
        }
    };
    let n: u64 = acc.cells.values().map(|c| c.respondents).sum();
    let sw = stable_sum(
        raw.iter()
            .zip(acc.cells.values())
            .map(|(w, c)| w * c.respondents as f64),
    );
    if !(sw > 0.0 && sw.is_finite()) || n == 0 {
        return Err(("the weights add up to 0".into(), None));
    }
    let mean = sw / n as f64;
    Ok((raw.iter().map(|w| w / mean).collect(), converged, cap_ok))
}

/// Wilson interval of a weighted proportion `p` with Kish effective n.
fn wilson_weighted(p: f64, n_eff: f64, n: u64, level: f64) -> Option<Interval> {
    if !(n_eff > 0.0 && level > 0.0 && level < 1.0) {
        return None;
    }
    let z = crate::stats::dist::normal_quantile(1.0 - (1.0 - level) / 2.0);
    let z2 = z * z;
    let centre = p + z2 / (2.0 * n_eff);
    let half = z * (p * (1.0 - p) / n_eff + z2 / (4.0 * n_eff * n_eff)).sqrt();
    let denom = 1.0 + z2 / n_eff;
    Some(Interval {
        estimate: p,
        lower: ((centre - half) / denom).max(0.0),
        upper: ((centre + half) / denom).min(1.0),
        level,
        n,
    })
}

/// Replaces the unit's public index, rate and NPS by their weighted versions. The cell
/// weights come from the headcounts of `acc` (every record of the unit); each record then
/// counts with its cell's weight times its quality weight (`classes`: each quality weight
/// with the records that have it; `[(1.0, acc)]` without down-weighting).
#[allow(clippy::too_many_arguments)]
pub(super) fn apply_weighting(
    public: &mut PublicComponent,
    acc: &PublicAcc,
    classes: &[(f64, &PublicAcc)],
    w: &PublicWeighting,
    unit: &str,
    rules: &ScoringRules,
    component_weight: f64,
    warnings: &mut Vec<Warning>,
) {
    let method = match w {
        PublicWeighting::PostStratify { .. } => "post_stratify",
        PublicWeighting::Rake { .. } => "rake",
    };
    let mut result = PublicWeightingResult {
        method: method.into(),
        status: "ok".into(),
        error: None,
        cells: Vec::new(),
        design_effect: None,
        effective_n: None,
        unweighted_value: public.summary.value,
        converged: None,
        cap_satisfied: None,
    };
    let weights = match cell_weights(acc, w, unit) {
        Ok((ws, conv, cap)) => {
            result.converged = conv;
            result.cap_satisfied = cap;
            ws
        }
        Err((msg, cell)) => {
            warn(
                warnings,
                "public_weighting_failed",
                Some(unit),
                cell.as_deref(),
                format!("{unit}：公众样本无法加权（{msg}），使用未加权结果"),
                format!("{unit}: the public sample cannot be weighted ({msg}); unweighted figures are used"),
            );
            result.status = "failed".into();
            result.error = Some(msg);
            result.cells = acc
                .cells
                .iter()
                .map(|(k, c)| WeightCell {
                    cell: k.join("|"),
                    respondents: c.respondents,
                    weight: 1.0,
                })
                .collect();
            public.weighting = Some(result);
            return;
        }
    };
    result.cells = acc
        .cells
        .iter()
        .zip(&weights)
        .map(|((k, c), w)| WeightCell {
            cell: k.join("|"),
            respondents: c.respondents,
            weight: *w,
        })
        .collect();
    let by_cell: BTreeMap<&Vec<String>, f64> = acc.cells.keys().zip(weights).collect();
    let index = &by_cell;
    let cells: Vec<(&Vec<String>, &CellAcc, f64)> = classes
        .iter()
        .flat_map(|(q, a)| {
            a.cells
                .iter()
                .map(move |(k, c)| (k, c, index.get(k).copied().unwrap_or(0.0) * q))
        })
        .collect();
    let n: f64 = cells.iter().map(|c| c.1.respondents as f64).sum();
    let sw = stable_sum(cells.iter().map(|(_, c, w)| w * c.respondents as f64));
    let sw2 = stable_sum(cells.iter().map(|(_, c, w)| w * w * c.respondents as f64));
    if sw2 > 0.0 {
        result.design_effect = Some(n * sw2 / (sw * sw));
        result.effective_n = Some(sw * sw / sw2);
    }

    weighted_index(public, &cells, rules, unit, component_weight, warnings);
    weighted_rate_and_nps(public, &cells, acc, rules.confidence);
    public.weighting = Some(result);
}

/// The weighted index of the unit's respondents (mean or median), its Kish effective n and
/// the t interval of the weighted mean; warns when the effective n is below the minimum.
pub(super) fn weighted_index(
    public: &mut PublicComponent,
    cells: &[(&Vec<String>, &CellAcc, f64)],
    rules: &ScoringRules,
    unit: &str,
    component_weight: f64,
    warnings: &mut Vec<Warning>,
) {
    use crate::stats::tally::{WeightedOutcome, WeightedTally};
    let pr = &rules.public;
    let mut wt = WeightedTally::new();
    for (_, c, w) in cells {
        for (v, k) in c.index.values() {
            // A weight the tally refuses leaves the cell out, as one record at a time would.
            let _ = wt.record_n(v, *w, k);
        }
        wt.record_unable_n(c.index.unable_to_judge());
    }
    if let WeightedOutcome::Ok(sum) = wt.summarize(1) {
        public.summary.n_eff = Some(sum.effective_n);
        if public.summary.value.is_some() {
            public.summary.value = Some(match pr.aggregation {
                Aggregation::Median => sum.median,
                _ => sum.mean,
            });
        }
        // t interval of the weighted mean with Kish n_eff: s² = Σw(x−m)²/Σw · n/(n−1).
        let m = sum.mean;
        let nn = sum.n as f64;
        let ss = stable_sum(cells.iter().flat_map(|(_, c, w)| {
            c.index
                .values()
                .into_iter()
                .map(move |(v, k)| w * k as f64 * (v - m) * (v - m))
        }));
        public.summary.interval = if sum.n >= 2 && sum.effective_n > 1.0 {
            let var = ss / sum.sum_weights * nn / (nn - 1.0);
            let t = crate::stats::dist::student_t_quantile(
                1.0 - (1.0 - rules.confidence) / 2.0,
                sum.effective_n - 1.0,
            );
            let half = t * (var / sum.effective_n).sqrt();
            Some(Interval {
                estimate: m,
                lower: m - half,
                upper: m + half,
                level: rules.confidence,
                n: sum.n,
            })
        } else {
            None
        };
        if component_weight > 0.0
            && public.summary.status == Status::Ok
            && sum.effective_n < pr.min_n as f64
        {
            warn(
                warnings,
                "public_low_effective_n",
                Some(unit),
                None,
                format!(
                    "{unit}：加权后公众样本有效样本量 {:.1}，少于 {}（设计效应 {:.2}）",
                    sum.effective_n, pr.min_n, sum.design_effect
                ),
                format!(
                    "{unit}: effective n of the weighted public sample is {:.1}, below {} (design effect {:.2})",
                    sum.effective_n, pr.min_n, sum.design_effect
                ),
            );
        }
    }
}

/// The weighted top-box satisfaction rate (Wilson interval with Kish n) and the weighted NPS
/// (its counts stay raw).
pub(super) fn weighted_rate_and_nps(
    public: &mut PublicComponent,
    cells: &[(&Vec<String>, &CellAcc, f64)],
    acc: &PublicAcc,
    level: f64,
) {
    // satisfaction rate
    let sat_n = stable_sum(cells.iter().map(|(_, c, w)| w * c.satisfaction_n as f64));
    let sat_n2 = stable_sum(
        cells
            .iter()
            .map(|(_, c, w)| w * w * c.satisfaction_n as f64),
    );
    let sat = stable_sum(cells.iter().map(|(_, c, w)| w * c.satisfied as f64));
    public.satisfaction_rate = if sat_n > 0.0 && sat_n2 > 0.0 {
        wilson_weighted(
            sat / sat_n,
            sat_n * sat_n / sat_n2,
            acc.satisfaction_n,
            level,
        )
    } else {
        None
    };
    // NPS (counts stay raw; the score is weighted)
    if let Some(nps) = public.nps.as_mut() {
        let tot = stable_sum(
            cells
                .iter()
                .map(|(_, c, w)| w * (c.promoters + c.passives + c.detractors) as f64),
        );
        let pro = stable_sum(cells.iter().map(|(_, c, w)| w * c.promoters as f64));
        let det = stable_sum(cells.iter().map(|(_, c, w)| w * c.detractors as f64));
        if tot > 0.0 {
            nps.nps = (pro - det) / tot * 100.0;
        }
    }
}
