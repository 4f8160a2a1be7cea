//! Indicator weights in force: the plan's direct weights, or those derived by AHP (from the
//! plan's pairwise matrix) or entropy (from the year's figures), rescaled to the share of the
//! component the criteria's direct weights hold.

use crate::plan::{Direction, Plan};
use crate::score::result::{IndicatorWeightsResult, Warning};
use crate::score::rules::{ahp_of, entropy_criteria, IndicatorWeights, AHP_CR_THRESHOLD};
use crate::score::state::ScoreState;
use crate::score::{IndicatorValue, ScoreError};
use crate::stats::dist::stable_sum;
use std::collections::BTreeMap;

use super::warnings::warn;

/// (category, indicator) → (weight used, method, direct weight), for the derived weights.
pub(super) type WeightsInForce = BTreeMap<(String, String), (f64, &'static str, f64)>;

/// The weight in force of an indicator in a category: derived, else the plan's `direct`.
pub(super) fn weight_in(weights: &WeightsInForce, cat: &str, ind: &str, direct: f64) -> f64 {
    weights
        .get(&(cat.to_owned(), ind.to_owned()))
        .map_or(direct, |d| d.0)
}

/// The plan's direct weight of an indicator in a category (0 when it has none).
fn direct_weight(plan: &Plan, cat: &str, ind: &str) -> f64 {
    plan.indicators
        .iter()
        .find(|i| i.id == ind)
        .and_then(|i| i.weights.get(cat))
        .copied()
        .unwrap_or(0.0)
}

impl ScoreState<'_> {
    /// Indicator weights derived by AHP (from the plan) or entropy (from the figures),
    /// rescaled to the share of the criteria's direct weights.
    pub(super) fn derive_weights(
        &self,
        warnings: &mut Vec<Warning>,
    ) -> Result<(WeightsInForce, Vec<IndicatorWeightsResult>), ScoreError> {
        let plan = self.plan;
        let mut in_force = WeightsInForce::new();
        let mut out = Vec::new();
        for (cat, how) in &self.rules.indicator_weights {
            let res = match how {
                IndicatorWeights::Direct => continue,
                IndicatorWeights::Ahp {
                    criteria,
                    matrix,
                    random_index,
                } => {
                    let res = ahp_weights(cat, criteria, matrix, random_index)?;
                    rescale(plan, "ahp", res, &mut in_force)
                }
                IndicatorWeights::Entropy { criteria } => {
                    let criteria = entropy_criteria(plan, cat, criteria);
                    match self.entropy_weights(cat, &criteria) {
                        (res, None) => rescale(plan, "entropy", res, &mut in_force),
                        (res, Some(why)) => direct_fallback(plan, res, why, warnings),
                    }
                }
            };
            out.push(res);
        }
        Ok((in_force, out))
    }

    /// Entropy weights of a category's criteria from the actual/target ratios of the units
    /// that have figures for all of them; with the reason when they cannot be computed.
    fn entropy_weights(
        &self,
        cat: &str,
        criteria: &[String],
    ) -> (IndicatorWeightsResult, Option<String>) {
        use crate::stats::entropy::{entropy_weights, Direction as EDir, Normalisation};
        let plan = self.plan;
        let dirs: Vec<EDir> = criteria
            .iter()
            .map(|c| {
                match plan
                    .indicators
                    .iter()
                    .find(|i| &i.id == c)
                    .and_then(|i| i.direction)
                {
                    Some(Direction::LowerIsBetter) => EDir::Cost,
                    _ => EDir::Benefit,
                }
            })
            .collect();
        let mut rows = Vec::new();
        let mut units = Vec::new();
        for unit in plan.units.iter().filter(|u| u.category == cat) {
            let row: Option<Vec<f64>> = criteria
                .iter()
                .map(
                    |c| match self.indicators.get(&(unit.id.clone(), c.clone())) {
                        Some(IndicatorValue::Data { actual, target, .. }) => {
                            Some(actual / target).filter(|r| r.is_finite())
                        }
                        _ => None,
                    },
                )
                .collect();
            if let Some(row) = row {
                rows.push(row);
                units.push(unit.id.clone());
            }
        }
        let mut res = IndicatorWeightsResult {
            category: cat.to_owned(),
            method: "entropy".into(),
            criteria: criteria.to_vec(),
            direct: Vec::new(),
            share: 0.0,
            derived: Vec::new(),
            weights: Vec::new(),
            cr: None,
            lambda_max: None,
            random_index: None,
            table: None,
            entropy: None,
            units: Some(units),
            note: None,
        };
        match entropy_weights(&rows, &dirs, Normalisation::MinMax) {
            Ok(e) => {
                res.derived = e.weights;
                // + 0.0 turns −0 (a column with e = 0) into 0
                res.entropy = Some(e.entropy.iter().map(|x| x + 0.0).collect());
                (res, None)
            }
            Err(e) => (res, Some(e.to_string())),
        }
    }
}

/// AHP weights of a category's criteria from the plan's pairwise matrix; an error when the
/// matrix or its random-index table is invalid, or the matrix inconsistent (CR ≥ 0.10).
fn ahp_weights(
    cat: &str,
    criteria: &[String],
    matrix: &[Vec<f64>],
    random_index: &str,
) -> Result<IndicatorWeightsResult, ScoreError> {
    use crate::stats::ahp::RandomIndexTable;
    let path = format!("/scoring/indicator_weights/{cat}/matrix");
    let table: RandomIndexTable = random_index
        .parse()
        .map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
    let r =
        ahp_of(criteria, matrix, table).map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
    if r.cr >= AHP_CR_THRESHOLD {
        return Err(ScoreError::Rules(format!(
            "{path}: the pairwise matrix is inconsistent: CR = {:.4} ≥ 0.10",
            r.cr
        )));
    }
    Ok(IndicatorWeightsResult {
        category: cat.to_owned(),
        method: "ahp".into(),
        criteria: criteria.to_vec(),
        direct: Vec::new(),
        share: 0.0,
        derived: r.weights.clone(),
        weights: Vec::new(),
        cr: Some(r.cr),
        lambda_max: Some(r.lambda_max),
        random_index: Some(r.random_index),
        table: Some(random_index.to_owned()),
        entropy: None,
        units: None,
        note: None,
    })
}

/// Rescales the derived weights to the share of the criteria's direct weights, and puts them
/// in force.
fn rescale(
    plan: &Plan,
    method: &'static str,
    mut res: IndicatorWeightsResult,
    in_force: &mut WeightsInForce,
) -> IndicatorWeightsResult {
    res.direct = res
        .criteria
        .iter()
        .map(|c| direct_weight(plan, &res.category, c))
        .collect();
    res.share = stable_sum(res.direct.iter().copied());
    res.weights = res.derived.iter().map(|w| res.share * w).collect();
    for ((c, w), d) in res.criteria.iter().zip(&res.weights).zip(&res.direct) {
        in_force.insert((res.category.clone(), c.clone()), (*w, method, *d));
    }
    res
}

/// Entropy weights that cannot be computed: the plan's direct weights stay in force, and a
/// warning says why.
fn direct_fallback(
    plan: &Plan,
    mut res: IndicatorWeightsResult,
    why: String,
    warnings: &mut Vec<Warning>,
) -> IndicatorWeightsResult {
    let cat = res.category.clone();
    warn(
        warnings,
        "indicator_weights_fallback",
        None,
        Some(&cat),
        format!("{cat} 类熵权无法计算（{why}），使用方案的直接权重"),
        format!(
            "entropy weights of {cat} cannot be computed ({why}); the plan's direct weights are used"
        ),
    );
    res.method = "direct".into();
    res.note = Some(why);
    res.direct = res
        .criteria
        .iter()
        .map(|c| direct_weight(plan, &cat, c))
        .collect();
    res.share = stable_sum(res.direct.iter().copied());
    res.weights = res.direct.clone();
    res
}
