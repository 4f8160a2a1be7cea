//! The scoring engine: from response records, indicator data and history to each unit's
//! components, composite, rank, grade, lists, cadre grades and flags.
//!
//! Records are collected in a [`ScoreState`], which is mergeable: any split of the records
//! across workers, merged in any order, finishes to the same [`EvaluationResult`], bit for
//! bit. Every statistic is computed from sorted multisets ([`crate::stats::tally::Tally`])
//! or from maps keyed by id, never from the order of arrival. See `docs/scoring.md`.

pub mod cadres;
mod demo;
mod demo_csv;
#[cfg(feature = "office")]
pub mod demo_settings;
mod finish;
pub mod labels;
pub mod orientation;
mod public_state;
mod reliability;
mod result;
mod rules;
pub mod satisfaction;
pub(crate) mod state;

pub use demo::{demo_files, demo_inputs, DemoFiles};
pub use demo_csv::{demo_public_csv, demo_public_header};
pub use result::*;
pub use rules::*;
pub use state::ScoreState;

use crate::plan::Plan;
use crate::record::ResponseRecord;
use crate::text::Text;
use serde::{Deserialize, Serialize};

/// Why scoring could not run.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScoreError {
    #[error("record of plan {found:?} given to the plan {expected:?}")]
    PlanMismatch { expected: String, found: String },
    #[error("record for unknown instrument {0:?}")]
    UnknownInstrument(String),
    #[error("reviewer {0:?} submitted more than one review sheet")]
    DuplicateReviewer(String),
    #[error("indicator input for unit {unit:?} and indicator {indicator:?} given twice")]
    DuplicateIndicatorInput { unit: String, indicator: String },
    #[error("indicator input for unknown unit {unit:?} or indicator {indicator:?}")]
    UnknownIndicatorInput { unit: String, indicator: String },
    #[error("indicator input for {unit:?}/{indicator:?} does not fit the indicator's kind: {why}")]
    BadIndicatorInput {
        unit: String,
        indicator: String,
        why: String,
    },
    #[error("history for unit {unit:?} and year {year} given twice")]
    DuplicateHistory { unit: String, year: i32 },
    #[error("states of different plans cannot be merged")]
    MergePlanMismatch,
    #[error("the plan's scoring section is invalid: {0}")]
    Rules(String),
    #[error("the cadre roster cannot be used: {why}")]
    CadreRoster { why: String, why_zh: String },
}

/// Everything scored for one year.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoringInputs {
    #[serde(default)]
    pub records: Vec<ResponseRecord>,
    #[serde(default)]
    pub indicators: Vec<IndicatorInput>,
    #[serde(default)]
    pub history: Vec<HistoryEntry>,
    /// The people appraised (干部名单, `score::cadres`); absent: the cadre question's rows
    /// are graded as roles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadres: Option<cadres::CadreRoster>,
}

/// The year's figure of one indicator for one unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorInput {
    pub unit: String,
    pub indicator: String,
    #[serde(flatten)]
    pub value: IndicatorValue,
}

/// Data, project or constraint figures (told apart by their fields).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum IndicatorValue {
    Data {
        actual: f64,
        target: f64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        baseline: Option<f64>,
    },
    Project {
        milestones_done: u32,
        milestones_total: u32,
    },
    Constraint {
        passed: bool,
        #[serde(default)]
        veto: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<Text>,
    },
}

/// An earlier year's result of a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct HistoryEntry {
    pub unit: String,
    pub year: i32,
    pub grade: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub team_grade: Option<String>,
}

/// Scores the plan's year from all inputs in one pass (same result as any split of
/// `inputs.records` into [`ScoreState`]s merged in any order).
pub fn evaluate(plan: &Plan, inputs: &ScoringInputs) -> Result<EvaluationResult, ScoreError> {
    let mut state = ScoreState::new(plan)?;
    for r in &inputs.records {
        state.add(r)?;
    }
    for i in &inputs.indicators {
        state.add_indicator(i)?;
    }
    for h in &inputs.history {
        state.add_history(h)?;
    }
    if let Some(r) = &inputs.cadres {
        state.set_cadre_roster(r.clone())?;
    }
    state.finish()
}

/// Rounds half away from zero to `decimals` (x·10^d computed in f64, then `round`).
pub fn round_to(x: f64, decimals: u32) -> f64 {
    let mut p = 1.0_f64;
    for _ in 0..decimals {
        p *= 10.0;
    }
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reviewer_counted_twice_is_an_error_in_add_and_in_merge() {
        let plan = crate::plan::demo_plan();
        let inputs = demo_inputs(1, 5);
        let sheet = inputs
            .records
            .iter()
            .find(|r| r.instrument == "expert")
            .cloned()
            .expect("a review sheet");
        let mut a = ScoreState::new(&plan).unwrap();
        a.add(&sheet).expect("first");
        assert_eq!(
            a.add(&sheet),
            Err(ScoreError::DuplicateReviewer(sheet.respondent_id.clone()))
        );
        let mut b = ScoreState::new(&plan).unwrap();
        b.add(&sheet).expect("first in b");
        assert!(matches!(a.merge(b), Err(ScoreError::DuplicateReviewer(_))));
    }

    /// Issue 16: one reviewer id on two review instruments is two sheets, not a duplicate
    /// (only the scored instrument's sheets count; the other's are skipped, not an error).
    #[test]
    fn one_reviewer_on_two_review_instruments_is_no_duplicate() {
        let mut plan = crate::plan::demo_plan();
        let mut site = plan.instrument("expert").cloned().expect("expert");
        site.id = "expert_site".into();
        plan.instruments.push(site);
        let inputs = demo_inputs(1, 5);
        let sheet = inputs
            .records
            .iter()
            .find(|r| r.instrument == "expert")
            .cloned()
            .expect("a review sheet");
        let mut other = sheet.clone();
        other.instrument = "expert_site".into();
        let mut a = ScoreState::new(&plan).unwrap();
        a.add(&sheet).expect("the expert sheet");
        a.add(&other)
            .expect("the same reviewer on the other instrument");
        let mut b = ScoreState::new(&plan).unwrap();
        b.add(&other).expect("in b");
        a.merge(b).expect("merged");
        assert_eq!(a.sheets.len(), 1, "only the scored instrument's sheet");
        // The same reviewer twice on one instrument is still refused.
        assert_eq!(
            a.add(&sheet),
            Err(ScoreError::DuplicateReviewer(sheet.respondent_id.clone()))
        );
        let r = a.finish().expect("scored");
        assert!(!r.units.is_empty());
    }

    /// Each score in a public item's distribution names the answer behind it and its label in
    /// the plan: 1–5 scale points scored 0, 25, 50, 75, 100 in the demo plan.
    #[test]
    fn public_distributions_name_the_answer_and_its_label() {
        let plan = crate::plan::demo_plan();
        let result = evaluate(&plan, &demo_inputs(3, 400)).unwrap();
        let scale = plan
            .instrument("public")
            .unwrap()
            .questions()
            .find(|q| q.id == "overall")
            .unwrap()
            .kind
            .scale()
            .unwrap();
        let mut seen = 0;
        for u in &result.units {
            for item in u
                .components
                .public
                .items
                .iter()
                .filter(|i| i.item == "overall")
            {
                for d in &item.distribution {
                    let answer = d.answer.expect("an answer");
                    assert_eq!(state::point_score(&scale, answer), d.value);
                    let point = scale.points.iter().find(|p| p.value == answer).unwrap();
                    assert_eq!(d.label.as_ref(), Some(&point.label));
                    seen += 1;
                }
            }
        }
        assert!(seen >= 10, "{seen}");
        // The answer 5 (非常满意) is the score 100.
        let five = result.units[0]
            .components
            .public
            .items
            .iter()
            .flat_map(|i| &i.distribution)
            .find(|d| d.value == 100.0)
            .unwrap();
        assert_eq!(five.answer, Some(5.0));
        assert_eq!(
            five.label.as_ref().map(|l| l.get("zh-CN")),
            Some("非常满意")
        );
    }

    #[test]
    fn records_of_another_plan_are_refused() {
        let plan = crate::plan::demo_plan();
        let mut rec = demo_inputs(1, 1).records[0].clone();
        rec.plan_id = "elsewhere".into();
        assert!(matches!(
            ScoreState::new(&plan).unwrap().add(&rec),
            Err(ScoreError::PlanMismatch { .. })
        ));
    }

    #[test]
    fn rounding_is_half_away_from_zero() {
        assert_eq!(round_to(80.004, 2), 80.0);
        assert_eq!(round_to(79.996, 2), 80.0);
        assert_eq!(round_to(2.5, 0), 3.0);
        assert_eq!(round_to(-2.5, 0), -3.0);
    }
}
