//! `ScoringRules`: the `scoring` section of a plan, with its defaults and its checks.
//!
//! Every field has a default (see `docs/scoring.md`), so a plan without a `scoring`
//! section is scored by the defaults.

mod check;
mod quality;
mod weights;

pub(crate) use check::check_range;
pub use check::{validate_rules, RuleProblem};
pub(crate) use quality::quality_error;
pub use quality::{QualityAction, QualityOutcome, QualityRules, QUALITY_RULES};
pub use weights::AHP_CR_THRESHOLD;
pub(crate) use weights::{ahp_of, entropy_criteria};

use crate::plan::Plan;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a set of ratings is summarised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum Aggregation {
    /// Arithmetic mean.
    Mean,
    /// Median (mean of the two middle values when n is even).
    Median,
    /// Mean after dropping the `k` lowest and `k` highest ratings (去掉最高分和最低分).
    Trimmed {
        /// Ratings dropped at each end.
        k: u64,
    },
}

impl Aggregation {
    /// The smallest n for which the aggregate exists (2k + 1 for a trimmed mean).
    pub fn needs(&self) -> u64 {
        match self {
            Aggregation::Trimmed { k } => 2 * k + 1,
            _ => 1,
        }
    }
}

/// What to do when a part of a score has no (or too few) ratings: a rater group of the
/// expert panel, a component of a unit's composite, an indicator of a unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum MissingPolicy {
    /// Leave the part out and divide by the weights of the parts that are present.
    Renormalise,
    /// The whole score is declared incomplete (no value, no rank).
    Incomplete,
}

/// Rounding of a quota `share × units in the category`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuotaRounding {
    Floor,
    Ceil,
    /// Half away from zero (0.9 → 1, 1.2 → 1, 1.5 → 2).
    Round,
}

/// The `scoring` section of a plan.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ScoringRules {
    /// Decimals that composite scores are rounded to before ranking and grading.
    pub precision: u32,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// A missing rater group, component or indicator: renormalise or incomplete.
    pub missing: MissingPolicy,
    pub public: PublicRules,
    pub expert: ExpertRules,
    pub leadership: LeadershipRules,
    pub indicators: IndicatorRules,
    /// Per category id: how the weights of (some of) its indicators are derived. A
    /// category not listed uses the plan's direct weights (`plan.indicators[].weights`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub indicator_weights: BTreeMap<String, IndicatorWeights>,
    /// Grades tried in order; the first whose conditions hold is given. A unit that meets
    /// none, or has a veto, is `non_compliant` (不达标).
    pub grades: Vec<GradeRule>,
    pub quota_rounding: QuotaRounding,
    pub cadre: CadreRules,
    pub team: TeamRules,
    /// Indicators on each unit's positive and on its negative list (正、反向清单).
    pub list_size: usize,
    /// Krippendorff's α (interval metric) below this flags low agreement of the panel.
    pub alpha_threshold: f64,
    /// Cronbach's α of a unit's public satisfaction scale (the `public.items`) below this
    /// flags low reliability of the scale (`low_reliability` and a warning). 0.7 is the
    /// usual floor for a scale used to compare groups (Nunnally 1978).
    pub cronbach_threshold: f64,
    /// What happens to records with quality flags (speeders, straight-lining, repeats);
    /// absent: they are counted like any record and nothing is reported.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quality: Option<QualityRules>,
}

impl Default for ScoringRules {
    fn default() -> Self {
        ScoringRules {
            precision: 2,
            confidence: 0.95,
            missing: MissingPolicy::Renormalise,
            public: PublicRules::default(),
            expert: ExpertRules::default(),
            leadership: LeadershipRules::default(),
            indicators: IndicatorRules::default(),
            indicator_weights: BTreeMap::new(),
            grades: vec![
                GradeRule {
                    id: "merit".into(),
                    name: Text::new("立功单位", "Merit unit"),
                    min_score: Some(85.0),
                    top_share: Some(0.3),
                    merit: true,
                },
                GradeRule {
                    id: "compliant".into(),
                    name: Text::new("达标单位", "Compliant"),
                    min_score: Some(60.0),
                    top_share: None,
                    merit: false,
                },
            ],
            quota_rounding: QuotaRounding::Round,
            cadre: CadreRules::default(),
            team: TeamRules::default(),
            list_size: 3,
            alpha_threshold: 0.667,
            cronbach_threshold: 0.7,
            quality: None,
        }
    }
}

/// Public satisfaction (社会公众满意度).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct PublicRules {
    /// Instrument id of the survey.
    pub instrument: String,
    /// The single-choice question whose answer is the unit rated.
    pub unit_question: String,
    /// Questions forming the satisfaction index: every row of a matrix, or a rating.
    pub items: Vec<String>,
    /// Rating question of the satisfaction rate (top-box share).
    pub satisfaction_question: Option<String>,
    /// Number of top scale points counted as satisfied (2 = top-2 box).
    pub top_box: u32,
    /// NPS question (0–10): promoters 9–10, detractors 0–6.
    pub nps_question: Option<String>,
    pub aggregation: Aggregation,
    /// Fewer scored respondents than this: `insufficient`. With `weighting`, also the
    /// Kish effective n below which a warning is given.
    pub min_n: u64,
    /// Survey weighting of each unit's respondents (none: every respondent counts 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting: Option<PublicWeighting>,
    /// A matrix of the survey whose rows are units the public uses rather than lives in
    /// (city departments, development zones): "which of these did you use this year, and how
    /// satisfied were you". Each row a respondent rated is that respondent's rating of the
    /// unit, scored beside the residents of `unit_question`'s units (rows left empty: not
    /// used). No row may be an option of `unit_question`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit_matrix: Option<String>,
    /// A choice question (最希望改进的方面) counted per unit of `unit_question`: how many
    /// respondents chose each option (records the quality rules exclude are not counted;
    /// counts are unweighted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priorities_question: Option<String>,
}

/// How the indicator weights of a category are obtained.
///
/// The derived weights (Σ = 1 over `criteria`) replace the direct weights of the
/// criteria, rescaled to the share of the component that the criteria's direct weights
/// had: `weight_i = (Σ_{j ∈ criteria} direct_j) × derived_i`. The other indicators of the
/// category keep their direct weights, so the category's weights still add up as before.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum IndicatorWeights {
    /// The plan's weights as given (the default).
    Direct,
    /// Analytic hierarchy process (层次分析法): principal eigenvector of a pairwise
    /// comparison matrix; rejected when CR ≥ 0.10.
    Ahp {
        /// Indicator ids, in the order of the matrix rows and columns.
        criteria: Vec<String>,
        /// a_ij = importance of criterion i over j (1/3 written 0.3333…); reciprocal.
        matrix: Vec<Vec<f64>>,
        /// Random-index table: `saaty1980`, `saaty2005`, `alonso-lamata2006`,
        /// `donegan-dodd1991`.
        #[serde(default = "default_random_index")]
        random_index: String,
    },
    /// Entropy weight method (熵权法) at scoring time, from the actual/target ratios of
    /// the criteria over the category's units that have figures for all of them
    /// (min–max normalisation; direction from `indicator.direction`).
    Entropy {
        /// Data indicator ids; empty = every data indicator of the category.
        #[serde(default)]
        criteria: Vec<String>,
    },
}

fn default_random_index() -> String {
    "saaty1980".into()
}

/// Survey weighting of the public respondents, applied within each unit.
///
/// Targets are population *shares* (any positive scale; they are normalised to sum 1)
/// and apply to every unit, unless the unit has its own targets in `*_by_unit`.
/// Weights are computed at `finish` from the merged per-cell counts and normalised to
/// mean 1 within the unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "method", rename_all = "snake_case", deny_unknown_fields)]
pub enum PublicWeighting {
    /// Post-stratification: w = population share of the cell / sample share of the cell.
    PostStratify {
        /// Single-choice question ids forming the cell; the cell key is the answers
        /// joined by `|`, e.g. `"18-29|female"`.
        by: Vec<String>,
        /// Population share of each cell.
        population: BTreeMap<String, f64>,
        /// Unit id → its own population shares (overrides `population` for that unit).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        population_by_unit: BTreeMap<String, BTreeMap<String, f64>>,
        /// Cells merged before weighting (cell → merged cell), for cells without
        /// respondents; a cell still empty is reported (warning, unit left unweighted).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        collapse: BTreeMap<String, String>,
    },
    /// Raking (iterative proportional fitting) to one or more margins.
    Rake {
        /// Single-choice question id → population share of each answer.
        margins: BTreeMap<String, BTreeMap<String, f64>>,
        /// Unit id → its own margins (overrides `margins` for that unit).
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        margins_by_unit: BTreeMap<String, BTreeMap<String, BTreeMap<String, f64>>>,
        /// Cap on a weight as a multiple of the mean weight (> 1), e.g. 5.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap: Option<f64>,
    },
}

impl PublicWeighting {
    /// The questions whose answers form a respondent's weighting cell, in key order.
    pub fn questions(&self) -> Vec<String> {
        match self {
            PublicWeighting::PostStratify { by, .. } => by.clone(),
            PublicWeighting::Rake { margins, .. } => margins.keys().cloned().collect(),
        }
    }
}

impl Default for PublicRules {
    fn default() -> Self {
        PublicRules {
            instrument: "public".into(),
            unit_question: "district".into(),
            items: vec!["services".into(), "overall".into()],
            satisfaction_question: Some("overall".into()),
            top_box: 2,
            nps_question: Some("recommend".into()),
            aggregation: Aggregation::Mean,
            min_n: 30,
            weighting: None,
            unit_matrix: None,
            priorities_question: None,
        }
    }
}

/// Expert review panel (专家评审团). Group weights are the plan's `review.groups`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ExpertRules {
    pub instrument: String,
    /// Aggregation of the reviewers' unit scores within a rater group.
    pub aggregation: Aggregation,
    /// Fewer scored reviewers than this in a group: the group is `insufficient`.
    pub min_n: u64,
    /// Per-reviewer z-score calibration of the unit scores (leniency/harshness).
    pub calibrate: bool,
}

impl Default for ExpertRules {
    fn default() -> Self {
        ExpertRules {
            instrument: "expert".into(),
            aggregation: Aggregation::Trimmed { k: 1 },
            min_n: 3,
            calibrate: false,
        }
    }
}

/// Leadership team appraisal (领导班子评价) from the cadre instrument.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct LeadershipRules {
    pub instrument: String,
    pub unit_question: String,
    /// Matrix question rating the team (its mean row score is the respondent's score).
    pub team_question: String,
    /// Matrix question with one row per cadre, voted 1..4.
    pub cadre_question: String,
    pub aggregation: Aggregation,
    pub min_n: u64,
}

impl Default for LeadershipRules {
    fn default() -> Self {
        LeadershipRules {
            instrument: "cadre".into(),
            unit_question: "unit".into(),
            team_question: "team".into(),
            cadre_question: "cadres".into(),
            aggregation: Aggregation::Mean,
            min_n: 5,
        }
    }
}

/// Scoring of indicator data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct IndicatorRules {
    /// Data indicator: score = clamp(ratio, floor, cap) × 100, where ratio is
    /// actual / target (higher is better) or target / actual (lower is better).
    pub data_floor: f64,
    pub data_cap: f64,
    /// Project indicator: weight of milestone completion; 1 − this is the weight of the
    /// expert review score of that indicator.
    pub milestone_weight: f64,
    /// Constraint indicator scores.
    pub constraint_pass: f64,
    pub constraint_fail: f64,
}

impl Default for IndicatorRules {
    fn default() -> Self {
        IndicatorRules {
            data_floor: 0.0,
            data_cap: 1.2,
            milestone_weight: 0.5,
            constraint_pass: 100.0,
            constraint_fail: 0.0,
        }
    }
}

/// A grade: given when the composite (rounded) is ≥ `min_score`, the unit's rank within
/// its category is within the quota `top_share`, and it has no veto.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GradeRule {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub min_score: Option<f64>,
    /// Share of the units of the category (rank ≤ rounded share × units; ties included).
    #[serde(default)]
    pub top_share: Option<f64>,
    /// Units with this grade are merit units (立功单位).
    #[serde(default)]
    pub merit: bool,
}

/// Cadre grades from vote shares (rows of the cadre matrix, votes 1..4).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct CadreRules {
    /// 不称职 when the share of 不称职 votes is above this.
    pub incompetent_above: f64,
    /// 基本称职 when the share of 不称职 + 基本称职 votes is above this.
    pub basic_above: f64,
    /// 优秀 when the share of 优秀 votes is at least this.
    pub excellent_at_least: f64,
    /// Fewer votes than this: no grade (`insufficient`).
    pub min_votes: u64,
    /// The most 优秀 as a share of the cadres graded city-wide (all units; `insufficient`
    /// not counted): ⌊share × graded⌋ cadres may be 优秀. Those 优秀 by votes beyond it (fewest
    /// 优秀 votes as a share first, ties by name in Unicode order, then unit and role id) are
    /// graded 称职 with `excellent_capped`. Absent: no cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub excellent_max_share: Option<f64>,
    /// 一对一谈话提醒: a cadre graded 称职 or 优秀 whose share of 不称职 + 基本称职 votes is
    /// above this is put on the unit's reminder-talk list. Absent: no such list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reminder_talk_above: Option<f64>,
}

impl Default for CadreRules {
    fn default() -> Self {
        CadreRules {
            incompetent_above: 1.0 / 3.0,
            basic_above: 1.0 / 3.0,
            excellent_at_least: 2.0 / 3.0,
            min_votes: 5,
            excellent_max_share: None,
            reminder_talk_above: None,
        }
    }
}

/// The leadership team's grade and what follows from the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TeamRules {
    /// Team appraisal score below this: the team is `non_compliant`.
    pub non_compliant_below: f64,
    /// Team appraisal score at least this: `good`; otherwise `compliant`.
    pub good_at_least: f64,
    /// A unit with a veto has a non-compliant team.
    pub veto_makes_non_compliant: bool,
}

impl Default for TeamRules {
    fn default() -> Self {
        TeamRules {
            non_compliant_below: 60.0,
            good_at_least: 85.0,
            veto_makes_non_compliant: true,
        }
    }
}
impl ScoringRules {
    /// The plan's scoring rules: its `scoring` section read over the defaults.
    pub fn of(plan: &Plan) -> Result<ScoringRules, crate::score::ScoreError> {
        if plan.scoring.is_null() {
            return Ok(ScoringRules::default());
        }
        serde_json::from_value(plan.scoring.clone())
            .map_err(|e| crate::score::ScoreError::Rules(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::validate_plan;
    use serde_json::{json, Value};

    fn demo_with(scoring: Value) -> Vec<(String, String)> {
        crate::validate::demo_problems_with("scoring", scoring)
    }

    #[test]
    fn a_plan_without_scoring_gets_the_defaults() {
        let mut plan: Value =
            serde_json::from_str(crate::plan::DEMO_PLAN_JSON).expect("demo plan is JSON");
        if let Value::Object(m) = &mut plan {
            m.remove("scoring");
        }
        let report = validate_plan(&plan.to_string());
        assert!(report.ok, "{:?}", report.problems);
        let parsed = report.plan.expect("plan");
        assert_eq!(
            super::ScoringRules::of(&parsed).unwrap(),
            super::ScoringRules::default()
        );
        // the demo plan spells out exactly the defaults, plus AHP weights for the
        // central districts, raking of the public survey, the units rated as used, the
        // priorities question
        let mut demo = super::ScoringRules::of(&crate::plan::demo_plan()).unwrap();
        assert!(demo.indicator_weights.contains_key("central"));
        assert!(demo.public.weighting.is_some());
        assert_eq!(demo.public.unit_matrix.as_deref(), Some("units_used"));
        assert_eq!(
            demo.public.priorities_question.as_deref(),
            Some("priorities")
        );
        demo.indicator_weights.clear();
        demo.public.weighting = None;
        demo.public.unit_matrix = None;
        demo.public.priorities_question = None;
        // and the cap on 优秀 and the reminder talks of the cadre rules
        assert_eq!(demo.cadre.excellent_max_share, Some(0.15));
        assert_eq!(demo.cadre.reminder_talk_above, Some(0.2));
        demo.cadre.excellent_max_share = None;
        demo.cadre.reminder_talk_above = None;
        assert_eq!(demo, super::ScoringRules::default());
    }

    #[test]
    fn bad_rules_are_reported_with_json_paths() {
        let problems = demo_with(json!({
            "grades": [{"id": "merit", "name": {"zh-CN": "立功", "en": "Merit"}, "min_score": 120, "top_share": 0}],
            "indicators": {"data_floor": 2, "data_cap": 1.2},
            "public": {"unit_question": "age_group_x"},
            "confidence": 1.5,
            "alpha_threshold": -2,
            "cronbach_threshold": 1.01
        }));
        let paths: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
        for want in [
            "/scoring/grades/0/min_score",
            "/scoring/grades/0/top_share",
            "/scoring/indicators/data_floor",
            "/scoring/public/unit_question",
            "/scoring/confidence",
            "/scoring/alpha_threshold",
            "/scoring/cronbach_threshold",
        ] {
            assert!(paths.contains(&want), "{want} not in {problems:?}");
        }
    }

    #[test]
    fn an_inconsistent_ahp_matrix_is_rejected_with_its_cr_and_path() {
        // tests/fixtures/weights/ahp/rejects_inconsistent: A > B > C > A.
        let problems = demo_with(json!({"indicator_weights": {"central": {
            "method": "ahp",
            "criteria": ["gdp_growth", "investment_growth", "fiscal_revenue"],
            "matrix": [[1, 5, 1.0 / 9.0], [0.2, 1, 5], [9, 0.2, 1]],
            "random_index": "alonso-lamata2006"
        }}}));
        let hit = problems
            .iter()
            .find(|p| p.0 == "/scoring/indicator_weights/central/matrix")
            .unwrap_or_else(|| panic!("no matrix problem in {problems:?}"));
        assert!(
            hit.1.contains("CR = ") && hit.1.contains("≥ 0.10"),
            "{hit:?}"
        );
        // and scoring an unvalidated plan with it is refused
        let mut plan = crate::plan::demo_plan();
        plan.scoring["indicator_weights"] = json!({"central": {
            "method": "ahp",
            "criteria": ["gdp_growth", "investment_growth", "fiscal_revenue"],
            "matrix": [[1, 5, 1.0 / 9.0], [0.2, 1, 5], [9, 0.2, 1]]
        }});
        let inputs = crate::score::demo_inputs(1, 2);
        assert!(matches!(
            crate::score::evaluate(&plan, &inputs),
            Err(crate::score::ScoreError::Rules(m)) if m.contains("/scoring/indicator_weights/central/matrix")
        ));
    }

    #[test]
    fn bad_indicator_weights_and_weighting_are_reported() {
        let problems = demo_with(json!({
            "indicator_weights": {
                "central": {"method": "ahp", "criteria": ["gdp_growth", "hightech_output"],
                            "matrix": [[1, 2, 3], [0.5, 1, 1]]},
                "new": {"method": "entropy", "criteria": ["gdp_growth", "urbanisation"]},
                "zone": {"method": "ahp", "criteria": ["gdp_growth", "investment_growth"],
                         "matrix": [[1, 2], [2, 1]]},
                "nowhere": {"method": "direct"}
            },
            "public": {"weighting": {"method": "rake", "margins": {"age_group": {"18-29": 0.5, "99+": 0.5}, "overall": {"1": 1}}, "cap": 1}}
        }));
        let paths: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
        for want in [
            "/scoring/indicator_weights/central/criteria/1",
            "/scoring/indicator_weights/central/matrix",
            "/scoring/indicator_weights/new/criteria/1",
            "/scoring/indicator_weights/zone/matrix",
            "/scoring/indicator_weights/nowhere",
            "/scoring/public/weighting/margins/age_group/99+",
            "/scoring/public/weighting/margins/overall",
            "/scoring/public/weighting/cap",
        ] {
            assert!(paths.contains(&want), "{want} not in {problems:?}");
        }
        let problems = demo_with(json!({
            "public": {"aggregation": {"method": "trimmed", "k": 1},
                       "weighting": {"method": "post_stratify", "by": ["age_group"],
                                     "population": {"18-29": 1, "18-29|x": 1},
                                     "population_by_unit": {"atlantis": {"60+": 1}}}}
        }));
        let paths: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
        for want in [
            "/scoring/public/aggregation",
            "/scoring/public/weighting/population/18-29|x",
            "/scoring/public/weighting/population_by_unit/atlantis",
        ] {
            assert!(paths.contains(&want), "{want} not in {problems:?}");
        }
    }

    #[test]
    fn unknown_scoring_keys_are_rejected() {
        let problems = demo_with(json!({"precison": 3}));
        assert!(!problems.is_empty());
    }
}
