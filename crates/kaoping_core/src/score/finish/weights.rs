//! Indicator weights in force: the plan's direct weights, or those derived by AHP or entropy.

use crate::plan::Direction;
use crate::score::result::{IndicatorWeightsResult, Warning};
use crate::score::rules::{ahp_of, entropy_criteria, IndicatorWeights, AHP_CR_THRESHOLD};
use crate::score::state::ScoreState;
use crate::score::{IndicatorValue, ScoreError};
use crate::stats::dist::stable_sum;
use std::collections::BTreeMap;

use super::warnings::warn;

/// (category, indicator) → (weight used, method, direct weight).
pub(super) type Derived = BTreeMap<(String, String), (f64, &'static str, f64)>;

pub(super) fn weight_in(derived: &Derived, cat: &str, ind: &str, direct: f64) -> f64 {
    derived
        .get(&(cat.to_owned(), ind.to_owned()))
        .map_or(direct, |d| d.0)
}

impl ScoreState<'_> {
    /// Indicator weights derived by AHP (from the plan) or entropy (from the figures),
    /// rescaled to the share of the criteria's direct weights.
    pub(super) fn derive_weights(
        &self,
        warnings: &mut Vec<Warning>,
    ) -> Result<(Derived, Vec<IndicatorWeightsResult>), ScoreError> {
        use crate::stats::ahp::RandomIndexTable;
        use crate::stats::entropy::{entropy_weights, Direction as EDir, Normalisation};
        let plan = self.plan;
        let mut derived = Derived::new();
        let mut out = Vec::new();
        for (cat, how) in &self.rules.indicator_weights {
            let direct_of = |c: &str| -> f64 {
                plan.indicators
                    .iter()
                    .find(|i| i.id == c)
                    .and_then(|i| i.weights.get(cat))
                    .copied()
                    .unwrap_or(0.0)
            };
            let (method, criteria, res): (&'static str, Vec<String>, IndicatorWeightsResult) =
                match how {
                    IndicatorWeights::Direct => continue,
                    IndicatorWeights::Ahp {
                        criteria,
                        matrix,
                        random_index,
                    } => {
                        let path = format!("/scoring/indicator_weights/{cat}/matrix");
                        let table: RandomIndexTable = random_index
                            .parse()
                            .map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
                        let r = ahp_of(criteria, matrix, table)
                            .map_err(|e| ScoreError::Rules(format!("{path}: {e}")))?;
                        if r.cr >= AHP_CR_THRESHOLD {
                            return Err(ScoreError::Rules(format!(
                                "{path}: the pairwise matrix is inconsistent: CR = {:.4} ≥ 0.10",
                                r.cr
                            )));
                        }
                        let res = IndicatorWeightsResult {
                            category: cat.clone(),
                            method: "ahp".into(),
                            criteria: criteria.clone(),
                            direct: Vec::new(),
                            share: 0.0,
                            derived: r.weights.clone(),
                            weights: Vec::new(),
                            cr: Some(r.cr),
                            lambda_max: Some(r.lambda_max),
                            random_index: Some(r.random_index),
                            table: Some(random_index.clone()),
                            entropy: None,
                            units: None,
                            note: None,
                        };
                        ("ahp", criteria.clone(), res)
                    }
                    IndicatorWeights::Entropy { criteria } => {
                        let criteria = entropy_criteria(plan, cat, criteria);
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
                        for unit in plan.units.iter().filter(|u| &u.category == cat) {
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
                            category: cat.clone(),
                            method: "entropy".into(),
                            criteria: criteria.clone(),
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
                                ("entropy", criteria, res)
                            }
                            Err(e) => {
                                warn(
                                    warnings,
                                    "indicator_weights_fallback",
                                    None,
                                    Some(cat),
                                    format!("{cat} 类熵权无法计算（{e}），使用方案的直接权重"),
                                    format!(
                                        "entropy weights of {cat} cannot be computed ({e}); the plan's direct weights are used"
                                    ),
                                );
                                res.method = "direct".into();
                                res.note = Some(e.to_string());
                                res.direct = criteria.iter().map(|c| direct_of(c)).collect();
                                res.share = stable_sum(res.direct.iter().copied());
                                res.weights = res.direct.clone();
                                out.push(res);
                                continue;
                            }
                        }
                    }
                };
            let mut res = res;
            res.direct = criteria.iter().map(|c| direct_of(c)).collect();
            res.share = stable_sum(res.direct.iter().copied());
            res.weights = res.derived.iter().map(|w| res.share * w).collect();
            for ((c, w), d) in criteria.iter().zip(&res.weights).zip(&res.direct) {
                derived.insert((cat.clone(), c.clone()), (*w, method, *d));
            }
            out.push(res);
        }
        Ok((derived, out))
    }
}
