//! From the accumulated state to the [`EvaluationResult`], in steps: the indicator weights in
//! force, the expert panel's totals, each unit's components and composite, ranks and grades
//! per category, the lists, team grades and history, the panel's agreement, and the warnings.
//!
//! Every step reads the year being scored ([`Year`]) and adds its warnings in the order the
//! result lists them.

mod agreement;
mod composite;
mod expert;
mod figures;
mod indicators;
mod leadership;
mod lists;
mod panel;
mod public;
mod public_weighting;
mod quality;
mod ranking;
mod summary;
mod team;
mod unit;
mod warnings;
mod weights;

use crate::plan::{Plan, ReviewSheet};
use crate::score::result::EvaluationResult;
use crate::score::rules::ScoringRules;
use crate::score::state::ScoreState;
use crate::score::ScoreError;
use weights::WeightsInForce;

impl ScoreState<'_> {
    /// Computes the result. Does not depend on the order records were added or merged.
    pub fn finish(self) -> Result<EvaluationResult, ScoreError> {
        let mut warnings = Vec::new();
        let (weights, indicator_weights) = self.derive_weights(&mut warnings)?;
        let year = Year::of(&self, &weights);
        let panel = panel::reviewer_totals(&year, &mut warnings);
        let mut units = Vec::new();
        for unit in &year.plan.units {
            units.extend(unit::score_unit(&year, &panel, unit, &mut warnings));
        }
        leadership::settle_cadres(&year, &mut units);
        let mut categories = ranking::rank_and_grade(&year, &mut units);
        lists::compare_with_category_means(&year, &mut units, &mut categories);
        team::grade_teams_and_history(&year, &mut units);
        let agreement = agreement::panel_agreement(&year, &mut warnings);
        warnings::note_skipped_records(&year, &mut warnings);
        warnings::name_units(year.plan, &mut warnings);
        Ok(EvaluationResult {
            units,
            categories,
            agreement,
            indicator_weights,
            calibration: panel.calibration,
            warnings,
            quality: quality::quality_totals(&year),
            ..summary::result_header(&year)
        })
    }
}

/// The year being scored, as every step reads it: the plan and its rules, the records
/// accumulated, the expert review sheet and the indicator weights in force.
pub(super) struct Year<'a> {
    pub plan: &'a Plan,
    pub rules: &'a ScoringRules,
    pub state: &'a ScoreState<'a>,
    /// The review sheet of the rules' expert instrument, when the plan has one.
    pub sheet: Option<&'a ReviewSheet>,
    pub weights: &'a WeightsInForce,
}

impl<'a> Year<'a> {
    fn of(state: &'a ScoreState<'a>, weights: &'a WeightsInForce) -> Self {
        let plan = state.plan;
        let rules = &state.rules;
        Year {
            plan,
            rules,
            state,
            sheet: plan
                .instrument(&rules.expert.instrument)
                .and_then(|i| i.review.as_ref()),
            weights,
        }
    }
}
