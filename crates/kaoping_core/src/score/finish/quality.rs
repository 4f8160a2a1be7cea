//! What the quality rules did, per unit and instrument and in total, and the public figures of
//! a unit with down-weighted records.

use crate::score::result::{PublicComponent, QualityResult, QualityRuleResult, Warning};
use crate::score::rules::{QualityAction, QualityRules, QUALITY_RULES};
use crate::score::state::{merge_public, CellAcc, PublicAcc, QualityTally};

use super::public_weighting::{weighted_index, weighted_rate_and_nps};
use super::Year;

/// The instruments the rules apply to that scoring reads (the public survey, the cadre
/// appraisal), in that order.
fn scored_instruments<'a>(year: &'a Year, q: &QualityRules) -> Vec<&'a str> {
    [
        year.rules.public.instrument.as_str(),
        year.rules.leadership.instrument.as_str(),
    ]
    .into_iter()
    .filter(|i| year.plan.instrument(i).is_some() && q.applies_to(year.plan, i))
    .collect()
}

fn result_of(q: &QualityRules, instrument: &str, t: &QualityTally) -> QualityResult {
    QualityResult {
        instrument: instrument.to_owned(),
        records: t.records,
        rules: QUALITY_RULES
            .iter()
            .zip(q.actions())
            .zip(t.touched)
            .map(|((rule, action), touched)| {
                let (action, weight) = match action {
                    QualityAction::Count => ("count", None),
                    QualityAction::DownWeight { weight } => ("down_weight", Some(weight)),
                    QualityAction::Exclude => ("exclude", None),
                };
                QualityRuleResult {
                    rule: (*rule).to_owned(),
                    action: action.to_owned(),
                    weight,
                    touched,
                }
            })
            .collect(),
        excluded: t.excluded,
        down_weighted: t.down_weighted,
    }
}

/// What the rules did to the unit's records, per instrument; empty without a `quality`
/// section.
pub(super) fn unit_quality(year: &Year, unit: &str) -> Vec<QualityResult> {
    let Some(q) = &year.rules.quality else {
        return Vec::new();
    };
    scored_instruments(year, q)
        .into_iter()
        .map(|ins| {
            let t = year
                .state
                .quality
                .get(&(unit.to_owned(), ins.to_owned()))
                .cloned()
                .unwrap_or_default();
            result_of(q, ins, &t)
        })
        .collect()
}

/// The totals over every record, per instrument.
pub(super) fn quality_totals(year: &Year) -> Vec<QualityResult> {
    let Some(q) = &year.rules.quality else {
        return Vec::new();
    };
    scored_instruments(year, q)
        .into_iter()
        .map(|ins| {
            // Each record once, though it may count in several units' tallies.
            let total = year
                .state
                .quality_total
                .get(ins)
                .cloned()
                .unwrap_or_default();
            result_of(q, ins, &total)
        })
        .collect()
}

/// The unit's down-weighted public records, by weight (ascending bits: ascending weight).
pub(super) fn down_weighted<'a>(year: &'a Year, unit: &str) -> Vec<(f64, &'a PublicAcc)> {
    year.state
        .public_down
        .range((unit.to_owned(), 0)..=(unit.to_owned(), u64::MAX))
        .map(|((_, bits), acc)| (f64::from_bits(*bits), acc))
        .collect()
}

/// Every public record of the unit, whatever its weight (the headcounts: n, items, α).
pub(super) fn all_records(full: Option<&PublicAcc>, down: &[(f64, &PublicAcc)]) -> PublicAcc {
    let mut all = full.cloned().unwrap_or_default();
    for (_, acc) in down {
        merge_public(&mut all, (*acc).clone());
    }
    all
}

/// The unit's index, satisfaction rate and NPS with each record at its quality weight (no
/// survey weighting): the weighted mean (or median), Kish's effective n (Σw)²/Σw² and the t
/// interval with it, as survey weights are applied.
pub(super) fn apply_quality_weights(
    public: &mut PublicComponent,
    all: &PublicAcc,
    classes: &[(f64, &PublicAcc)],
    year: &Year,
    unit: &str,
    component_weight: f64,
    warnings: &mut Vec<Warning>,
) {
    let key: Vec<String> = Vec::new();
    let cells: Vec<CellAcc> = classes
        .iter()
        .map(|(_, a)| CellAcc {
            respondents: a.index.n() + a.index.unable_to_judge(),
            index: a.index.clone(),
            satisfied: a.satisfied,
            satisfaction_n: a.satisfaction_n,
            promoters: a.promoters,
            passives: a.passives,
            detractors: a.detractors,
        })
        .collect();
    let cells: Vec<(&Vec<String>, &CellAcc, f64)> = cells
        .iter()
        .zip(classes)
        .map(|(c, (w, _))| (&key, c, *w))
        .collect();
    weighted_index(public, &cells, year.rules, unit, component_weight, warnings);
    weighted_rate_and_nps(public, &cells, all, year.rules.confidence);
}
