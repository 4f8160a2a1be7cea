//! The result of a year's evaluation: units with their components, composite, rank, grade,
//! lists and cadre grades; rankings per category; panel agreement; warnings.

use super::rules::ScoringRules;
use super::IndicatorValue;
use crate::plan::IndicatorKind;
use crate::stats::interval::Interval;
use crate::stats::tally::ReviewerCalibration;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The format tag of a result.
pub const RESULT_FORMAT: &str = "kaoping.scores/1";

/// The whole year's result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct EvaluationResult {
    pub format: String,
    pub plan_id: String,
    pub plan_version: String,
    /// SHA-256 of the canonical JSON of the plan scored (rules included).
    pub plan_sha256: String,
    pub year: i32,
    /// Decimals of `composite_rounded`, used for ranks and grades.
    pub precision: u32,
    /// The rules applied (the plan's `scoring` section with its defaults filled in).
    pub rules: ScoringRules,
    pub inputs: InputSummary,
    /// One entry per unit, in plan order.
    pub units: Vec<UnitResult>,
    /// Rankings per category, in plan order.
    pub categories: Vec<CategoryResult>,
    /// Agreement of the expert panel per category and reviewed indicator.
    pub agreement: Vec<AgreementResult>,
    /// Indicator weights derived by AHP or entropy, per category (empty when every
    /// category uses the plan's direct weights).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicator_weights: Vec<IndicatorWeightsResult>,
    /// Per-reviewer calibration figures (empty unless `expert.calibrate`).
    pub calibration: Vec<ReviewerCalibration>,
    pub warnings: Vec<Warning>,
    /// Words for every grade id, keyed `unit.<id>`, `team.<id>`, `cadre.<id>`.
    pub labels: BTreeMap<String, Text>,
    /// The quality rules' totals over the units, per instrument (only with a `quality`
    /// section in the rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality: Vec<QualityResult>,
}

/// What the quality rules did to one instrument's records (of a unit, or in total).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QualityResult {
    pub instrument: String,
    /// Records of the unit the rules looked at (before any was excluded).
    pub records: u64,
    /// One entry per rule: `speeder`, `straight_lining`, `repeat`.
    pub rules: Vec<QualityRuleResult>,
    /// Records left out (touched by a rule that excludes).
    pub excluded: u64,
    /// Records counted with a weight below 1.
    pub down_weighted: u64,
}

/// One quality rule: its action and how many records it touched (records with its flag,
/// whatever the action; a record with two flags is touched by two rules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QualityRuleResult {
    pub rule: String,
    /// `count`, `down_weight` or `exclude`.
    pub action: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    pub touched: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InputSummary {
    /// Records used, by instrument id.
    pub records_used: BTreeMap<String, u64>,
    /// Records left out, by reason.
    pub records_skipped: BTreeMap<String, u64>,
    pub reviewers: usize,
    pub indicator_inputs: usize,
    pub history_entries: usize,
}

/// Whether a score could be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Ok,
    /// Some ratings, but fewer than the declared minimum.
    Insufficient,
    /// No data at all.
    Missing,
    /// A part is missing and the rule is `incomplete`.
    Incomplete,
    /// Weight 0 for this unit's category.
    NotApplicable,
}

/// The common figures of a component.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ComponentSummary {
    /// Weight in the category's composite.
    pub weight: f64,
    /// Weight after renormalisation over the components present (None if not used).
    pub weight_used: Option<f64>,
    pub status: Status,
    pub value: Option<f64>,
    /// weight_used × value.
    pub contribution: Option<f64>,
    /// Scored ratings / respondents / indicators.
    pub n: u64,
    pub unable_to_judge: u64,
    /// Kish effective n of a weighted part (expert panel).
    pub n_eff: Option<f64>,
    /// t interval of the mean of the underlying scores.
    pub interval: Option<Interval>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorScore {
    pub indicator: String,
    pub kind: IndicatorKind,
    /// Weight for the unit's category: the plan's, or the one derived by
    /// `weight_method` (see `indicator_weights` of the result).
    pub weight: f64,
    pub weight_used: Option<f64>,
    /// `ahp` or `entropy` when the weight was derived (absent: the plan's direct weight).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight_method: Option<String>,
    /// The plan's direct weight, when `weight` was derived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direct_weight: Option<f64>,
    pub input: Option<IndicatorValue>,
    /// Data: the clamped ratio; project: milestone completion (0–1).
    pub ratio: Option<f64>,
    /// Project: the panel's score of this indicator.
    pub expert: Option<f64>,
    pub score: Option<f64>,
    pub contribution: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorsComponent {
    #[serde(flatten)]
    pub summary: ComponentSummary,
    pub items: Vec<IndicatorScore>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GroupScore {
    pub group: String,
    pub weight: f64,
    pub weight_used: Option<f64>,
    pub status: Status,
    pub n: u64,
    pub unable_to_judge: u64,
    pub mean: Option<f64>,
    /// The group's aggregate (mean, median or trimmed mean).
    pub value: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpertIndicator {
    pub indicator: String,
    pub value: Option<f64>,
    pub groups: Vec<GroupScore>,
    /// Every reviewer's score of the unit on the indicator, all groups together: how many gave
    /// each value (ascending), and the t interval of their mean.
    pub distribution: Vec<ValueCount>,
    pub interval: Option<Interval>,
}

/// How many ratings had one value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ValueCount {
    pub value: f64,
    pub count: u64,
    /// For a public survey item: the answer given (the scale point whose score is `value`),
    /// when exactly one point has that score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<f64>,
    /// That answer's label in the plan, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<crate::text::Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpertComponent {
    #[serde(flatten)]
    pub summary: ComponentSummary,
    pub groups: Vec<GroupScore>,
    pub indicators: Vec<ExpertIndicator>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Nps {
    pub n: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// (promoters − detractors) / n × 100.
    pub nps: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ItemScore {
    pub item: String,
    pub n: u64,
    pub unable_to_judge: u64,
    pub mean: Option<f64>,
    /// t interval of the item's mean score (unweighted).
    pub interval: Option<Interval>,
    /// How many respondents gave each score (0–100, ascending).
    pub distribution: Vec<ValueCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicComponent {
    #[serde(flatten)]
    pub summary: ComponentSummary,
    /// Top-box share with its Wilson interval.
    pub satisfaction_rate: Option<Interval>,
    pub nps: Option<Nps>,
    /// Item means (unweighted).
    pub items: Vec<ItemScore>,
    /// Cronbach's α of the scale the items form (scores of the respondents who answered every
    /// item, unweighted), and how many such respondents there were.
    pub cronbach_alpha: Option<f64>,
    pub cronbach_n: u64,
    /// `cronbach_alpha` is below the rules' `cronbach_threshold`: the items do not hang
    /// together well enough to be read as one satisfaction scale (a warning says so).
    pub low_reliability: bool,
    /// Survey weighting of the unit's respondents, when the rules ask for it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weighting: Option<PublicWeightingResult>,
    /// What the unit's residents most want improved, when the rules name a
    /// `priorities_question`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priorities: Option<Priorities>,
}

/// 最希望改进的方面: how many of a unit's respondents chose each option of the plan's
/// priorities question (unweighted; records the quality rules exclude are not counted).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Priorities {
    pub question: String,
    /// Respondents who answered the question.
    pub n: u64,
    /// Every option of the question, most chosen first (ties in the plan's order).
    pub options: Vec<PriorityCount>,
}

/// One option of the priorities question with the respondents who chose it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PriorityCount {
    pub option: String,
    pub label: Text,
    pub count: u64,
    /// `count / n` (0 when nobody answered).
    pub share: f64,
}

/// How a unit's public respondents were weighted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PublicWeightingResult {
    /// `post_stratify` or `rake`.
    pub method: String,
    /// `ok`, or `failed` (estimates left unweighted; see `error` and the warnings).
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Weighting cells (answers joined by `|`) with respondents and weight (mean 1).
    pub cells: Vec<WeightCell>,
    /// Kish design effect n·Σw²/(Σw)² over the unit's respondents.
    pub design_effect: Option<f64>,
    /// Kish effective n (Σw)²/Σw² over the unit's respondents.
    pub effective_n: Option<f64>,
    /// The index aggregate without weights, for comparison.
    pub unweighted_value: Option<f64>,
    /// Raking: converged within tolerance, and no weight above the cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converged: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cap_satisfied: Option<bool>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WeightCell {
    pub cell: String,
    pub respondents: u64,
    pub weight: f64,
}

/// Indicator weights of a category derived by AHP or entropy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorWeightsResult {
    pub category: String,
    /// `ahp`, `entropy`, or `direct` when entropy could not be computed (see `note`).
    pub method: String,
    pub criteria: Vec<String>,
    /// The plan's direct weights of the criteria.
    pub direct: Vec<f64>,
    /// Their sum: the share of the component the criteria keep.
    pub share: f64,
    /// Weights by the method (Σ = 1).
    pub derived: Vec<f64>,
    /// share × derived: the weights used.
    pub weights: Vec<f64>,
    /// AHP: consistency ratio, λmax, random index and its table.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cr: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lambda_max: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub random_index: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub table: Option<String>,
    /// Entropy: e_j of each criterion, and the units whose figures were used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entropy: Option<Vec<f64>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub units: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[schemars(rename = "ComponentScores")]
pub struct Components {
    pub indicators: IndicatorsComponent,
    pub expert: ExpertComponent,
    pub public: PublicComponent,
    pub leadership: ComponentSummary,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Veto {
    pub indicator: String,
    pub reason: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ListItem {
    pub indicator: String,
    pub score: f64,
    pub category_mean: f64,
    /// score − category mean, rounded to the result's precision.
    pub difference: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TeamResult {
    pub score: Option<f64>,
    /// `good`, `compliant`, `non_compliant` or `insufficient`.
    pub grade: String,
    /// 诫勉谈话 with the head of a non-compliant team.
    pub admonition_talk: bool,
    pub previous_grade: Option<String>,
    /// 组织调整: non-compliant this year and last year.
    pub reorganisation: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CadreResult {
    pub cadre: String,
    /// Votes for 1 不称职, 2 基本称职, 3 称职, 4 优秀.
    pub votes: [u64; 4],
    pub n: u64,
    /// `excellent`, `competent`, `basically_competent`, `incompetent` or `insufficient`.
    pub grade: String,
    /// 诫勉谈话: graded `basically_competent` or `incompetent`.
    pub admonition_talk: bool,
    /// The person rated under this role (`cadre`), from the cadre roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The person's post title (职务), from the cadre roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub post: Option<String>,
    /// The office's id for the person, when the roster has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// 优秀 by the votes, graded `competent` because the plan's cap on the share of 优秀
    /// (`scoring.cadre.excellent_max_share`) was reached.
    #[serde(default, skip_serializing_if = "is_false")]
    pub excellent_capped: bool,
    /// 一对一谈话提醒: graded `competent` or `excellent` with a share of 不称职 + 基本称职
    /// votes above `scoring.cadre.reminder_talk_above`.
    #[serde(default, skip_serializing_if = "is_false")]
    pub reminder_talk: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A unit's talk lists by name (only with a cadre roster): who gets an admonition talk
/// (诫勉谈话) and who a one-to-one reminder talk (一对一谈话提醒).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CadreTalks {
    pub admonition: Vec<TalkEntry>,
    pub reminder: Vec<TalkEntry>,
}

/// One person on a talk list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TalkEntry {
    /// The role (row of the cadre question).
    pub cadre: String,
    pub name: String,
    pub post: String,
    pub grade: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitResult {
    pub unit: String,
    pub category: String,
    pub components: Components,
    pub status: Status,
    pub composite: Option<f64>,
    pub composite_rounded: Option<f64>,
    pub vetoes: Vec<Veto>,
    /// Rank within the category (ties share the rank: 1, 2, 2, 4).
    pub rank: Option<u32>,
    pub grade: String,
    pub merit: bool,
    /// 书面整改报告 (non-compliant units).
    pub rectification_required: bool,
    /// Consecutive non-compliant years up to this one (0 if compliant this year).
    pub non_compliant_years_running: u32,
    pub positive: Vec<ListItem>,
    pub negative: Vec<ListItem>,
    pub team: TeamResult,
    pub cadres: Vec<CadreResult>,
    /// The talk lists by name (only when a cadre roster was given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub talks: Option<CadreTalks>,
    /// What the quality rules did to the unit's records, per instrument (only with a
    /// `quality` section in the rules).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quality: Vec<QualityResult>,
    /// The expert panel's comments on the unit, without the reviewers' ids: by indicator in
    /// the plan's order, then rater group, then text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<ExpertComment>,
}

/// A reviewer's comment on a unit's indicator (its reviewer not named).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ExpertComment {
    pub indicator: String,
    /// The reviewer's rater group.
    pub group: String,
    /// The score the comment goes with (`None`: unable to judge).
    pub score: Option<f64>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RankEntry {
    pub unit: String,
    pub rank: Option<u32>,
    pub score: Option<f64>,
    pub grade: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CategoryResult {
    pub category: String,
    /// Listing order: score (rounded) descending, then unit id; unranked units last.
    pub ranking: Vec<RankEntry>,
    /// Mean indicator scores over the category's units (basis of the lists).
    pub indicator_means: BTreeMap<String, f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AgreementResult {
    pub category: String,
    pub indicator: String,
    pub raters: usize,
    pub units: usize,
    /// Krippendorff's α, interval metric.
    pub alpha: Option<f64>,
    /// Kendall's W (tie-corrected) over the reviewers who scored every unit.
    pub kendall_w: Option<f64>,
    pub kendall_p: Option<f64>,
    pub kendall_raters: usize,
    /// ICC(2,1) and ICC(2,k) (Shrout & Fleiss 1979) over the same complete block: the
    /// reliability of one reviewer's score and of the panel's mean score.
    pub icc_single: Option<f64>,
    pub icc_average: Option<f64>,
    pub low_agreement: bool,
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Warning {
    pub code: String,
    pub unit: Option<String>,
    pub subject: Option<String>,
    pub message: Text,
}
