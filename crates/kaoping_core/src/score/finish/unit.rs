//! One unit's result: its four components (expert review, indicators, public satisfaction,
//! leadership), composite, vetoes and cadre grades. Ranks, grades, lists and the team's
//! grade are filled in per category afterwards.

use crate::plan::Unit;
use crate::score::result::{Components, ExpertComment, TeamResult, UnitResult, Warning};
use crate::score::round_to;

use super::composite::{composite, unit_status};
use super::expert::expert_component;
use super::indicators::indicator_component;
use super::leadership::{cadre_grades, leadership_component};
use super::panel::Panel;
use super::public::public_component;
use super::Year;

/// The unit's components, composite, vetoes and cadre grades, in the order their warnings
/// are listed; `None` for a unit of no category of the plan.
pub(super) fn score_unit(
    year: &Year,
    panel: &Panel,
    unit: &Unit,
    warnings: &mut Vec<Warning>,
) -> Option<UnitResult> {
    let cw = year.plan.category(&unit.category)?.components;
    let u = unit.id.as_str();
    let expert = expert_component(year, panel, unit, cw.expert, warnings);
    let (indicators, vetoes) = indicator_component(year, unit, &expert, cw.indicators, warnings);
    let public = public_component(year, u, cw.public, warnings);
    let leadership = leadership_component(year, u, cw.leadership);
    let mut components = Components {
        indicators,
        expert,
        public,
        leadership,
    };
    let composite = composite(year, u, cw, &mut components, warnings);
    let status = unit_status(composite, &components);
    let team_score = components.leadership.value;
    Some(UnitResult {
        unit: u.to_owned(),
        category: unit.category.clone(),
        components,
        status,
        composite,
        composite_rounded: composite.map(|c| round_to(c, year.rules.precision)),
        vetoes,
        rank: None,
        grade: String::new(),
        merit: false,
        rectification_required: false,
        non_compliant_years_running: 0,
        positive: Vec::new(),
        negative: Vec::new(),
        team: TeamResult {
            score: team_score,
            grade: String::new(),
            admonition_talk: false,
            previous_grade: None,
            reorganisation: false,
        },
        cadres: cadre_grades(year, u, warnings),
        talks: None,
        quality: super::quality::unit_quality(year, u),
        comments: comments(year, u),
    })
}

/// The panel's comments on unit `u`, ordered without regard to who wrote them (indicator in
/// the plan's order, group, text), so that the order names no reviewer.
fn comments(year: &Year, u: &str) -> Vec<ExpertComment> {
    let order = |ind: &str| year.plan.indicators.iter().position(|i| i.id == ind);
    let mut out: Vec<ExpertComment> = year
        .state
        .sheets
        .values()
        .flat_map(|sheet| {
            sheet
                .comments
                .iter()
                .filter(|((unit, _), _)| unit == u)
                .map(|((unit, ind), text)| ExpertComment {
                    indicator: ind.clone(),
                    group: sheet.group.clone(),
                    score: sheet
                        .scores
                        .get(&(unit.clone(), ind.clone()))
                        .copied()
                        .flatten(),
                    text: text.clone(),
                })
        })
        .collect();
    let score = |c: &ExpertComment| c.score.map(f64::to_bits);
    out.sort_by(|a, b| {
        (order(&a.indicator), &a.group, &a.text, score(a)).cmp(&(
            order(&b.indicator),
            &b.group,
            &b.text,
            score(b),
        ))
    });
    out
}
