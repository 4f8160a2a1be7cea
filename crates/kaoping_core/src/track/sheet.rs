//! The sheets the review page fills in, found by id: a review instrument of the plan (laid out
//! by [`crate::review`]) or a quarterly site-check sheet of the plan's tracking section
//! (`tracking.site_checks`, laid out here: projects grouped by unit × check criteria, the rater
//! groups, the quarters of the plan's year). Both are then checked and sealed by the same
//! review code; site-check records come back to tracking through `records.rs`.

use super::{SiteCheckSheet, TrackingRules};
use crate::plan::{Plan, RaterGroup};
use crate::record::{RecordError, ResponseRecord};
use crate::review::{
    self, ReviewAnswers, ReviewCarryOver, ReviewSheetLayout, ReviewState, ReviewSubmission,
    SheetCategory, SheetIndicator, SheetKind, SheetUnit,
};
use crate::text::Text;

/// The units × indicators of a review instrument, or the projects × criteria of a site-check
/// sheet of the plan's tracking section.
pub fn sheet(plan: &Plan, instrument: &str) -> Result<ReviewSheetLayout, RecordError> {
    if let Some(layout) = review::review_sheet(plan, instrument) {
        return layout;
    }
    let rules = TrackingRules::of(plan).unwrap_or_default();
    match rules.site_check(instrument) {
        Some(sc) => Ok(site_check_layout(plan, &rules, sc)),
        None => Err(RecordError::UnknownInstrument(instrument.to_owned())),
    }
}

/// Evaluate an expert's answers against a review instrument or site-check sheet, with messages
/// in `lang`.
pub fn evaluate_review(
    plan: &Plan,
    instrument: &str,
    answers: &ReviewAnswers,
    lang: &str,
) -> Result<ReviewState, RecordError> {
    Ok(review::evaluate_layout(
        &sheet(plan, instrument)?,
        answers,
        lang,
    ))
}

/// Build the record of a complete review or site-check sheet ([`review::build_record`]).
pub fn build_review_record(
    plan: &Plan,
    plan_sha256: &str,
    sub: &ReviewSubmission,
) -> Result<ResponseRecord, RecordError> {
    let layout = sheet(plan, &sub.instrument)?;
    review::build_record(plan, plan_sha256, &layout, sub)
}

/// Carry `answers`, entered on sheet `instrument` of another version of the plan, over to the
/// sheet of `plan`.
pub fn carry_over_review(
    plan: &Plan,
    instrument: &str,
    answers: &ReviewAnswers,
) -> Result<ReviewCarryOver, RecordError> {
    Ok(review::carry_over(&sheet(plan, instrument)?, answers))
}

/// The name of a site-check rater group as the sheet shows it.
fn rater_label(g: super::RaterGroup) -> Text {
    use super::RaterGroup as G;
    match g {
        G::Expert => Text::new("专家", "Experts"),
        G::Beneficiary => Text::new("受益主体（受益群众、单位）", "Beneficiaries"),
        G::Builder => Text::new("项目建设者", "Project builders"),
    }
}

fn site_check_layout(plan: &Plan, rules: &TrackingRules, sc: &SiteCheckSheet) -> ReviewSheetLayout {
    let criteria: Vec<String> = sc.criteria.iter().map(|c| c.id.clone()).collect();
    let projects = sc.projects(rules);
    let mut categories = Vec::new();
    let mut cells = 0;
    for unit in &plan.units {
        let rows: Vec<SheetUnit> = projects
            .iter()
            .filter(|p| p.unit == unit.id)
            .map(|p| SheetUnit {
                id: p.id.clone(),
                name: p.name.clone(),
                category: unit.id.clone(),
                indicators: criteria.clone(),
            })
            .collect();
        if rows.is_empty() {
            continue;
        }
        cells += rows.len() * criteria.len();
        categories.push(SheetCategory {
            id: unit.id.clone(),
            name: unit.name.clone(),
            units: rows,
        });
    }
    let groups = sc.rater_groups();
    let weight = 1.0 / groups.len().max(1) as f64;
    ReviewSheetLayout {
        kind: SheetKind::SiteCheck,
        instrument: sc.id.clone(),
        title: sc.title.clone(),
        intro: sc.intro.clone(),
        scale: sc.scale.clone(),
        unable: sc.unable,
        comment_at_or_below: sc.comment_at_or_below,
        groups: groups
            .into_iter()
            .map(|g| RaterGroup {
                id: g.id().to_owned(),
                name: rater_label(g),
                weight,
            })
            .collect(),
        indicators: sc
            .criteria
            .iter()
            .map(|c| SheetIndicator {
                id: c.id.clone(),
                name: c.name.clone(),
            })
            .collect(),
        categories,
        cells,
        quarters: (1..=4).map(|q| format!("{}-Q{q}", plan.year)).collect(),
        min_seconds: sc.min_seconds,
    }
}
