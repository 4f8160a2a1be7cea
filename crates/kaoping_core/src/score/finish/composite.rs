//! A unit's composite score: its four components combined by the category's component
//! weights, and the unit's status.

use crate::plan::Components as ComponentWeights;
use crate::score::result::{Components, Status, Warning};

use super::figures::combine;
use super::warnings::{component_name, missing_rule_en, missing_rule_zh, warn};
use super::Year;

/// The composite of the unit's components by the category's weights (`None` when missing
/// under the rules); fills in each component's weight used and contribution, and warns of
/// weighted components without a score.
pub(super) fn composite(
    year: &Year,
    u: &str,
    cw: ComponentWeights,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Option<f64> {
    let missing = year.rules.missing;
    let parts = [
        (cw.indicators, components.indicators.summary.value),
        (cw.expert, components.expert.summary.value),
        (cw.public, components.public.summary.value),
        (cw.leadership, components.leadership.value),
    ];
    for (name, (w, v)) in ["indicators", "expert", "public", "leadership"]
        .iter()
        .zip(parts)
    {
        if w > 0.0 && v.is_none() {
            warn(
                warnings,
                "component_missing",
                Some(u),
                Some(name),
                format!(
                    "{u}：{}部分无得分（{}）",
                    component_name(name).0,
                    missing_rule_zh(missing)
                ),
                format!(
                    "{u}: no {} score ({})",
                    component_name(name).1,
                    missing_rule_en(missing)
                ),
            );
        }
    }
    let (composite, used) = combine(&parts, missing);
    let sums = [
        &mut components.indicators.summary,
        &mut components.expert.summary,
        &mut components.public.summary,
        &mut components.leadership,
    ];
    for (s, wu) in sums.into_iter().zip(used) {
        if s.weight == 0.0 && s.status == Status::Missing {
            s.status = Status::NotApplicable;
        }
        s.weight_used = wu;
        s.contribution = match (wu, s.value) {
            (Some(a), Some(b)) => Some(a * b),
            _ => None,
        };
    }
    composite
}

/// The unit's status: scored, missing (no component has data), or incomplete.
pub(super) fn unit_status(composite: Option<f64>, components: &Components) -> Status {
    if composite.is_some() {
        Status::Ok
    } else if [
        components.indicators.summary.status,
        components.expert.summary.status,
        components.public.summary.status,
        components.leadership.status,
    ]
    .iter()
    .all(|s| matches!(s, Status::Missing | Status::NotApplicable))
    {
        Status::Missing
    } else {
        Status::Incomplete
    }
}
