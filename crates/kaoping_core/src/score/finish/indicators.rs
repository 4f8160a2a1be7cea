//! The indicator component of a unit: each indicator's score from the year's figures (data
//! against target, project milestones with the panel's score, constraints passed or failed),
//! the one-vote vetoes, and their weighted combination.

use crate::plan::{Direction, Indicator, IndicatorKind, Unit};
use crate::score::result::{
    ComponentSummary, ExpertComponent, IndicatorScore, IndicatorsComponent, Status, Veto, Warning,
};
use crate::score::IndicatorValue;

use super::figures::combine;
use super::warnings::warn;
use super::Year;

/// The unit's indicator component and its vetoes; warns of indicators without figures and of
/// veto flags on indicators that are not veto indicators.
pub(super) fn indicator_component(
    year: &Year,
    unit: &Unit,
    expert: &ExpertComponent,
    weight: f64,
    warnings: &mut Vec<Warning>,
) -> (IndicatorsComponent, Vec<Veto>) {
    let u = unit.id.as_str();
    let mut items = Vec::new();
    let mut vetoes = Vec::new();
    for ind in &year.plan.indicators {
        let Some(&direct_w) = ind.weights.get(&unit.category) else {
            continue;
        };
        let d = year.weights.get(&(unit.category.clone(), ind.id.clone()));
        let w = d.map_or(direct_w, |d| d.0);
        let input = year
            .state
            .indicators
            .get(&(u.to_owned(), ind.id.clone()))
            .cloned();
        let ex = expert
            .indicators
            .iter()
            .find(|e| e.indicator == ind.id)
            .and_then(|e| e.value);
        let (ratio, score, exp_used) =
            indicator_score(year, u, ind, input.as_ref(), ex, &mut vetoes, warnings);
        if score.is_none() {
            warn(
                warnings,
                "indicator_missing",
                Some(u),
                Some(&ind.id),
                format!("{u}：指标 {} 无数据", ind.id),
                format!("{u}: no figures for indicator {}", ind.id),
            );
        }
        items.push(IndicatorScore {
            indicator: ind.id.clone(),
            kind: ind.kind,
            weight: w,
            weight_used: None,
            weight_method: d.map(|d| d.1.to_owned()),
            direct_weight: d.map(|d| d.2),
            input,
            ratio,
            expert: exp_used,
            score,
            contribution: None,
        });
    }
    let parts: Vec<(f64, Option<f64>)> = items.iter().map(|i| (i.weight, i.score)).collect();
    let (ind_value, used) = combine(&parts, year.rules.missing);
    for (it, wu) in items.iter_mut().zip(used) {
        it.weight_used = wu;
        it.contribution = match (wu, it.score) {
            (Some(a), Some(b)) => Some(a * b),
            _ => None,
        };
    }
    let n_scored = items.iter().filter(|i| i.score.is_some()).count() as u64;
    let component = IndicatorsComponent {
        summary: ComponentSummary {
            weight,
            weight_used: None,
            status: match ind_value {
                Some(_) => Status::Ok,
                None if n_scored == 0 => Status::Missing,
                None => Status::Incomplete,
            },
            value: ind_value,
            contribution: None,
            n: n_scored,
            unable_to_judge: 0,
            n_eff: None,
            interval: None,
        },
        items,
    };
    (component, vetoes)
}

/// One indicator's (ratio, score, panel score used) from the unit's figures and the panel's
/// score `ex`; a vetoed constraint adds to `vetoes`.
fn indicator_score(
    year: &Year,
    u: &str,
    ind: &Indicator,
    input: Option<&IndicatorValue>,
    ex: Option<f64>,
    vetoes: &mut Vec<Veto>,
    warnings: &mut Vec<Warning>,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    let ir = &year.rules.indicators;
    match (input, ind.kind) {
        (Some(IndicatorValue::Data { actual, target, .. }), _) => {
            let raw = match ind.direction.unwrap_or(Direction::HigherIsBetter) {
                Direction::HigherIsBetter => actual / target,
                Direction::LowerIsBetter => {
                    if *actual <= 0.0 {
                        ir.data_cap
                    } else {
                        target / actual
                    }
                }
            };
            let r = raw.clamp(ir.data_floor, ir.data_cap);
            (Some(r), Some(r * 100.0), None)
        }
        (
            Some(IndicatorValue::Project {
                milestones_done,
                milestones_total,
            }),
            _,
        ) => {
            let r = f64::from(*milestones_done) / f64::from(*milestones_total);
            let (s, _) = combine(
                &[
                    (ir.milestone_weight, Some(r * 100.0)),
                    (1.0 - ir.milestone_weight, ex),
                ],
                year.rules.missing,
            );
            (Some(r), s, ex)
        }
        (None, IndicatorKind::Project) if ex.is_some() => {
            let (s, _) = combine(
                &[(ir.milestone_weight, None), (1.0 - ir.milestone_weight, ex)],
                year.rules.missing,
            );
            (None, s, ex)
        }
        (
            Some(IndicatorValue::Constraint {
                passed,
                veto,
                reason,
            }),
            _,
        ) => {
            if *veto {
                if ind.veto {
                    vetoes.push(Veto {
                        indicator: ind.id.clone(),
                        reason: reason.clone(),
                    });
                } else {
                    warn(
                        warnings,
                        "veto_not_allowed",
                        Some(u),
                        Some(&ind.id),
                        format!("{u}：指标 {} 不是一票否决指标，否决标记被忽略", ind.id),
                        format!(
                            "{u}: indicator {} is not a veto indicator; the veto flag is ignored",
                            ind.id
                        ),
                    );
                }
            }
            let s = if *passed && !(*veto && ind.veto) {
                ir.constraint_pass
            } else {
                ir.constraint_fail
            };
            (None, Some(s), None)
        }
        (None, _) => (None, None, None),
    }
}
