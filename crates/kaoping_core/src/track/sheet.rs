//! The sheets the review page fills in, found by id: a review instrument of the plan (laid out
//! by [`crate::review`]) or a quarterly site-check sheet of the plan's tracking section
//! (`tracking.site_checks`, laid out here: projects grouped by unit × check criteria, the rater
//! groups, the quarters of the plan's year). Both are then checked and sealed by the same
//! review code; site-check records come back to tracking through `records.rs`.

use super::SiteCheckSheet;
use crate::plan::{Plan, RaterGroup};
use crate::record::{RecordError, ResponseRecord};
use crate::review::{
    self, ReviewAnswers, ReviewCarryOver, ReviewSheetLayout, ReviewState, ReviewSubmission,
    SheetCategory, SheetIndicator, SheetKind, SheetUnit,
};
use crate::text::Text;
use serde::Deserialize;

/// The units × indicators of a review instrument, or the projects × criteria of a site-check
/// sheet of the plan's tracking section.
pub fn sheet(plan: &Plan, instrument: &str) -> Result<ReviewSheetLayout, RecordError> {
    if let Some(layout) = review::review_sheet(plan, instrument) {
        return layout;
    }
    let rules = SheetRules::of(plan);
    match rules.site_checks.iter().find(|s| s.id == instrument) {
        Some(sc) => Ok(site_check_layout(plan, &rules, sc)),
        None => Err(RecordError::UnknownInstrument(instrument.to_owned())),
    }
}

/// What the sheets read of the plan's `tracking` section: its site-check sheets, and the
/// projects' ids, units and names.
///
/// Read on its own rather than as [`super::TrackingRules`], whose deserializer (progress
/// profiles, indicators, warnings, notices) was most of the review page's WASM
/// (docs/size.md). The section's other keys are not read here, so a mistake in one of them
/// no longer hides the sheets from the review page; plan validation (`validate_tracking`)
/// refuses such a plan before it is published. A section these two lists do not read as
/// written gives no sheets, as before.
#[derive(Deserialize, Default)]
#[serde(default)]
struct SheetRules {
    site_checks: Vec<SiteCheckSheet>,
    projects: Vec<SheetProject>,
}

#[derive(Deserialize)]
struct SheetProject {
    id: String,
    unit: String,
    name: Text,
}

impl SheetRules {
    fn of(plan: &Plan) -> SheetRules {
        SheetRules::deserialize(&plan.tracking).unwrap_or_default()
    }

    /// The projects of `sc`, in sheet order (every project when it lists none; unknown ids
    /// left out: validation names them).
    fn projects(&self, sc: &SiteCheckSheet) -> Vec<&SheetProject> {
        if sc.projects.is_empty() {
            self.projects.iter().collect()
        } else {
            (sc.projects.iter())
                .filter_map(|id| self.projects.iter().find(|p| &p.id == id))
                .collect()
        }
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

fn site_check_layout(plan: &Plan, rules: &SheetRules, sc: &SiteCheckSheet) -> ReviewSheetLayout {
    let criteria: Vec<String> = sc.criteria.iter().map(|c| c.id.clone()).collect();
    let projects = rules.projects(sc);
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The sheets read only `site_checks` and `projects`: the same layout as the whole
    /// tracking rules give, and a mistake elsewhere in the section does not hide them.
    #[test]
    fn the_site_check_sheet_reads_only_its_part_of_tracking() {
        let plan = crate::plan::demo_plan();
        let rules = super::super::TrackingRules::of(&plan).unwrap();
        let sc = rules
            .site_check("site_check")
            .expect("the demo has a site-check sheet");
        let layout = sheet(&plan, "site_check").unwrap();
        assert_eq!(layout.instrument, sc.id);
        let projects: Vec<&str> = (layout.categories.iter())
            .flat_map(|c| c.units.iter().map(|u| u.id.as_str()))
            .collect();
        let mut expected: Vec<&str> = Vec::new();
        for unit in &plan.units {
            for p in sc
                .projects(&rules)
                .into_iter()
                .filter(|p| p.unit == unit.id)
            {
                expected.push(&p.id);
            }
        }
        assert!(!expected.is_empty());
        assert_eq!(projects, expected);

        let mut odd = plan.clone();
        odd.tracking["warnings"] = serde_json::json!("not a list");
        assert!(super::super::TrackingRules::of(&odd).is_err());
        assert_eq!(sheet(&odd, "site_check").unwrap(), layout);
        odd.tracking["site_checks"] = serde_json::json!("not a list");
        assert!(sheet(&odd, "site_check").is_err());
    }
}
