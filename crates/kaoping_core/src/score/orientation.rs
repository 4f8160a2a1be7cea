//! Subtotals by orientation (目标导向, 职责导向, 问题导向): each unit's indicator scores
//! grouped by the orientation the plan gives each indicator, and each category's mean.
//! Computed from a finished [`EvaluationResult`] and its plan rather than stored in the
//! result, so `result.json` stays as it is (as [`super::satisfaction`] does).
//!
//! Per unit and orientation:
//! - `score`: the mean of the orientation's scored indicators weighted by their weights in the
//!   category (0–100), the unit's standing on that orientation alone;
//! - `contribution`: the sum of those indicators' contributions to the indicator component
//!   (weight used × score), so the orientations' contributions add up to the component's
//!   value wherever it has one.

use super::result::EvaluationResult;
use crate::plan::{Orientation, Plan};
use crate::stats::dist::stable_sum;
use serde::Serialize;

/// The orientations in the order the seed lists them.
pub const ORIENTATIONS: [Orientation; 3] =
    [Orientation::Goal, Orientation::Duty, Orientation::Problem];

/// One unit's indicators of one orientation.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct OrientationSubtotal {
    pub orientation: Orientation,
    /// The indicators of this orientation the unit's category is assessed on.
    pub indicators: u32,
    /// How many of them have a score.
    pub scored: u32,
    /// Their weights in the category, summed (the plan's or the derived ones).
    pub weight: f64,
    /// Weighted mean score of the scored ones (0–100); none when none is scored.
    pub score: Option<f64>,
    /// Their contributions to the indicator component, summed; none when none contributes.
    pub contribution: Option<f64>,
}

/// A unit's subtotals, one per orientation its category has indicators of.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UnitOrientations {
    pub unit: String,
    pub subtotals: Vec<OrientationSubtotal>,
}

/// A category's subtotals: its orientations (goal, duty, problem; those it has indicators
/// of), each unit's subtotals in the result's unit order, and the mean over its units.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CategoryOrientations {
    pub category: String,
    pub orientations: Vec<Orientation>,
    pub units: Vec<UnitOrientations>,
    /// Per orientation (same order): the mean of the units' `score`s, over the units with one.
    pub means: Vec<Option<f64>>,
}

/// Subtotals by orientation for every category of the result, in plan order. An indicator
/// the plan no longer has (a result of another plan) is left out.
pub fn orientation_subtotals(plan: &Plan, result: &EvaluationResult) -> Vec<CategoryOrientations> {
    let orientation_of = |id: &str| {
        plan.indicators
            .iter()
            .find(|i| i.id == id)
            .map(|i| i.orientation)
    };
    result
        .categories
        .iter()
        .map(|cat| {
            let orientations: Vec<Orientation> = ORIENTATIONS
                .into_iter()
                .filter(|o| {
                    plan.indicators
                        .iter()
                        .any(|i| i.orientation == *o && i.weights.contains_key(&cat.category))
                })
                .collect();
            let units: Vec<UnitOrientations> = result
                .units
                .iter()
                .filter(|u| u.category == cat.category)
                .map(|u| UnitOrientations {
                    unit: u.unit.clone(),
                    subtotals: orientations
                        .iter()
                        .map(|&o| {
                            let items: Vec<_> = u
                                .components
                                .indicators
                                .items
                                .iter()
                                .filter(|it| orientation_of(&it.indicator) == Some(o))
                                .collect();
                            subtotal(o, &items)
                        })
                        .collect(),
                })
                .collect();
            let means = (0..orientations.len())
                .map(|k| {
                    let scores: Vec<f64> =
                        units.iter().filter_map(|u| u.subtotals[k].score).collect();
                    (!scores.is_empty())
                        .then(|| stable_sum(scores.iter().copied()) / scores.len() as f64)
                })
                .collect();
            CategoryOrientations {
                category: cat.category.clone(),
                orientations,
                units,
                means,
            }
        })
        .collect()
}

fn subtotal(
    orientation: Orientation,
    items: &[&super::result::IndicatorScore],
) -> OrientationSubtotal {
    let scored: Vec<(f64, f64)> = items
        .iter()
        .filter_map(|it| Some((it.weight, it.score?)))
        .collect();
    let w: f64 = stable_sum(scored.iter().map(|p| p.0));
    let score =
        (!scored.is_empty() && w > 0.0).then(|| stable_sum(scored.iter().map(|(w, s)| w * s)) / w);
    let contributions: Vec<f64> = items.iter().filter_map(|it| it.contribution).collect();
    OrientationSubtotal {
        orientation,
        indicators: items.len() as u32,
        scored: scored.len() as u32,
        weight: stable_sum(items.iter().map(|it| it.weight)),
        score,
        contribution: (!contributions.is_empty()).then(|| stable_sum(contributions)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::demo_plan;
    use crate::score::{demo_inputs, evaluate};

    fn demo_result() -> EvaluationResult {
        evaluate(&demo_plan(), &demo_inputs(7, 400)).unwrap()
    }

    #[test]
    fn contributions_add_up_to_the_indicator_component() {
        let plan = demo_plan();
        let result = demo_result();
        let table = orientation_subtotals(&plan, &result);
        assert_eq!(table.len(), result.categories.len());
        for cat in &table {
            for u in &cat.units {
                let r = result.units.iter().find(|r| r.unit == u.unit).unwrap();
                let ind = &r.components.indicators;
                let n: u32 = u.subtotals.iter().map(|s| s.indicators).sum();
                assert_eq!(
                    n as usize,
                    ind.items.len(),
                    "{}: every indicator in one orientation",
                    u.unit
                );
                if let Some(v) = ind.summary.value {
                    let sum: f64 = u.subtotals.iter().filter_map(|s| s.contribution).sum();
                    assert!((sum - v).abs() < 1e-9, "{}: {sum} vs {v}", u.unit);
                }
            }
        }
    }

    /// One unit worked by hand: the goal subtotal is the weighted mean of its goal indicators'
    /// scores, and a category mean is the plain mean of its units' subtotals.
    #[test]
    fn a_subtotal_is_the_weighted_mean_of_its_indicators() {
        let plan = demo_plan();
        let result = evaluate(&plan, &demo_inputs(7, 400)).unwrap();
        let table = orientation_subtotals(&plan, &result);
        let cat = &table[0];
        assert!(cat.orientations.contains(&Orientation::Goal));
        let k = cat
            .orientations
            .iter()
            .position(|o| *o == Orientation::Goal)
            .unwrap();
        let u = &cat.units[0];
        let r = result.units.iter().find(|r| r.unit == u.unit).unwrap();
        let goal: Vec<(f64, f64)> = r
            .components
            .indicators
            .items
            .iter()
            .filter(|it| {
                plan.indicators
                    .iter()
                    .find(|i| i.id == it.indicator)
                    .unwrap()
                    .orientation
                    == Orientation::Goal
            })
            .filter_map(|it| Some((it.weight, it.score?)))
            .collect();
        assert!(!goal.is_empty());
        let by_hand =
            goal.iter().map(|(w, s)| w * s).sum::<f64>() / goal.iter().map(|p| p.0).sum::<f64>();
        let got = u.subtotals[k].score.unwrap();
        assert!((got - by_hand).abs() < 1e-9, "{got} vs {by_hand}");
        let scores: Vec<f64> = cat
            .units
            .iter()
            .filter_map(|u| u.subtotals[k].score)
            .collect();
        let mean = scores.iter().sum::<f64>() / scores.len() as f64;
        assert!((cat.means[k].unwrap() - mean).abs() < 1e-9);
        // A category without problem-oriented indicators has no problem column.
        for c in &table {
            for o in &c.orientations {
                assert!(plan
                    .indicators
                    .iter()
                    .any(|i| i.orientation == *o && i.weights.contains_key(&c.category)));
            }
        }
    }
}
