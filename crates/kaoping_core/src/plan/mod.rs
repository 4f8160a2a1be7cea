//! The plan: what a city evaluates, who rates it, and with which forms.
//!
//! A plan is JSON written by the evaluation office (see `docs/plan.md` and the demo plan in
//! `plans/demo.json`). These types are the plan after it has passed [`crate::validate`].

use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub mod access;
mod demo;
mod form_read;
mod history;
pub(crate) mod keys;
mod next_year;
mod raw;
pub use demo::{
    demo_plan, form_plan_or_demo, DEMO_FORMS_JSON, DEMO_PLAN_JSON, DEMO_PLAN_SHA256,
    DEMO_PLAN_SOURCE,
};
pub use history::{incompatible_message, Amendment, RecordVersion};
pub use next_year::{next_year, NextYear, NextYearError};

/// The whole evaluation plan for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Plan {
    /// Stable identifier, e.g. `wuhan-2026`.
    pub id: String,
    /// The plan's own revision, chosen by the office.
    pub version: String,
    pub year: i32,
    pub title: Text,
    #[serde(default)]
    pub description: Option<Text>,
    /// Languages every text of the plan is written in; the first is the default.
    pub languages: Vec<String>,
    pub categories: Vec<Category>,
    pub units: Vec<Unit>,
    pub indicators: Vec<Indicator>,
    pub instruments: Vec<Instrument>,
    /// How the year is scored, ranked and graded (see `docs/scoring.md`).
    // Kept as JSON and read by `crate::score::ScoringRules::of`: forms never need it, so the
    // respondent's WASM carries no scoring code. Its schema is `ScoringRules`', put in by
    // `crate::schema::plan_schema` (the plan's layer is below scoring's).
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub scoring: serde_json::Value,
    /// How progress is watched through the year: periods, time progress, targets, projects,
    /// warning rules (see `docs/tracking.md`). Kept as JSON and read by
    /// `crate::track::TrackingRules::of`, like `scoring`.
    // Its schema is `TrackingRules`', put in by `crate::schema::plan_schema`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub tracking: serde_json::Value,
    /// Who may rate: the office's public keys and which instruments need an invitation or a
    /// one-time code (see `docs/trust.md`). Kept as JSON and read by
    /// `crate::trust::TrustRules::of`, like `scoring`; left out when null, so plans without it
    /// keep their fingerprint.
    // Its schema is `TrustRules`', put in by `crate::schema::plan_schema`.
    #[serde(default, skip_serializing_if = "serde_json::Value::is_null")]
    pub trust: serde_json::Value,
    /// The plan's version history (修订记录), oldest first: what each amendment replaced and
    /// which instruments' earlier records stay valid (see `docs/plan.md`). Left out of the
    /// plan's JSON when empty, so plans without amendments keep their fingerprint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub amendments: Vec<Amendment>,
    /// What the public results page (公示) may show (see `docs/publish.md`); the defaults
    /// when absent. Left out of the plan's JSON when absent, so plans without it keep their
    /// fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication: Option<Publication>,
    /// SHA-256 of the plan as written: the canonical JSON of its text parsed as a JSON value
    /// (see [`crate::canonical`]). Set when the plan is read ([`load_plan`],
    /// [`crate::validate::validate_plan`]); not part of the plan's JSON.
    #[serde(skip)]
    #[schemars(skip)]
    pub sha256: String,
}

/// The respondents a published share or mean needs when `publication.min_publish_n` is not
/// given: a common floor of statistical offices for small cells (fewer answers than this and a
/// share says more about a few people than about a unit).
pub const DEFAULT_MIN_PUBLISH_N: u32 = 10;

/// The days a unit's feedback letter gives it to report its rectification when
/// `publication.rectify_within_days` is not given (a month, as offices commonly ask).
pub const DEFAULT_RECTIFY_WITHIN_DAYS: u32 = 30;

/// The most days `publication.rectify_within_days` may give: a rectification is reported
/// within the next year's evaluation.
pub const MAX_RECTIFY_WITHIN_DAYS: u32 = 366;

/// The plan's `publication` section: what the public results page (公示) may show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Publication {
    /// A public share or mean from fewer respondents than this is shown as "too few answers"
    /// (with complementary suppression, so that it cannot be recovered from a total). At
    /// least 1; default 10.
    #[serde(default = "default_min_publish_n")]
    #[schemars(range(min = 1))]
    pub min_publish_n: u32,
    /// Each unit's feedback letter asks for its rectification report within this many days
    /// of the letter. 1 to 366; default 30.
    #[serde(default = "default_rectify_within_days")]
    #[schemars(range(min = 1, max = 366))]
    pub rectify_within_days: u32,
}

fn default_rectify_within_days() -> u32 {
    DEFAULT_RECTIFY_WITHIN_DAYS
}

fn default_min_publish_n() -> u32 {
    DEFAULT_MIN_PUBLISH_N
}

impl Default for Publication {
    fn default() -> Self {
        Publication {
            min_publish_n: DEFAULT_MIN_PUBLISH_N,
            rectify_within_days: DEFAULT_RECTIFY_WITHIN_DAYS,
        }
    }
}

impl Plan {
    /// The plan's `publication` section, its defaults filled in.
    pub fn publication(&self) -> Publication {
        self.publication.unwrap_or_default()
    }
}

/// A type of unit with its own core indicators and its own component weights
/// (中心城区, 新城区, 开发区, 市直部门).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Category {
    pub id: String,
    pub name: Text,
    /// Weight of each component of the composite score for units of this category.
    pub components: Components,
}

/// Weights of the four components of a unit's composite score; they add up to 1.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Components {
    /// Indicator performance (目标、职责、问题导向指标).
    pub indicators: f64,
    /// Expert review panel (专家评审团).
    pub expert: f64,
    /// Public satisfaction (社会公众满意度).
    pub public: f64,
    /// Leadership appraisal (领导评价).
    pub leadership: f64,
}

impl Components {
    pub fn sum(&self) -> f64 {
        self.indicators + self.expert + self.public + self.leadership
    }
}

/// A responsible unit (责任单位).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Unit {
    pub id: String,
    pub name: Text,
    /// The id of its [`Category`].
    pub category: String,
}

/// One indicator of the annual model (年度绩效管理指标).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Indicator {
    pub id: String,
    pub name: Text,
    pub orientation: Orientation,
    pub kind: IndicatorKind,
    /// Weight within the indicator component, per category id. A category that is not listed
    /// does not have this indicator. Each category's weights add up to 1.
    pub weights: BTreeMap<String, f64>,
    /// A triggered veto makes the unit non-compliant (一票否决).
    #[serde(default)]
    pub veto: bool,
    /// Measurement unit of a data indicator, e.g. `%` or `亿元`.
    #[serde(default)]
    pub measure: Option<Text>,
    /// Whether a higher actual value is better (data indicators).
    #[serde(default)]
    pub direction: Option<Direction>,
    /// The first period the indicator applies from, when added during the year (追加下达).
    #[serde(default)]
    pub from_period: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Orientation {
    /// 目标导向: the year's key targets.
    Goal,
    /// 职责导向: the core duties of the unit's category.
    Duty,
    /// 问题导向: hard constraints such as ecology and work style.
    Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum IndicatorKind {
    /// 数据类: economic and social figures, monitored monthly.
    Data,
    /// 项目类: major projects and works, checked quarterly.
    Project,
    /// 约束类: veto items and rectification, watched as events happen.
    Constraint,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    HigherIsBetter,
    LowerIsBetter,
}

/// A form: the public survey, an expert review sheet, a cadre appraisal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Instrument {
    pub id: String,
    pub kind: InstrumentKind,
    pub title: Text,
    #[serde(default)]
    pub intro: Option<Text>,
    /// Answering faster than this is recorded as a speeder (not blocked).
    #[serde(default)]
    pub min_seconds: Option<u32>,
    /// Pages of questions; a respondent sees one section at a time.
    #[serde(default)]
    pub sections: Vec<Section>,
    /// The review sheet of a `review` instrument.
    #[serde(default)]
    pub review: Option<ReviewSheet>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    /// 社会公众满意度调查.
    Survey,
    /// 专家评审表: units × indicators for one reviewer.
    Review,
    /// 干部考评: votes on leading cadres.
    Appraisal,
}

/// A page of questions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Section {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Option<Text>,
    /// Show the section only when this expression is true.
    #[serde(default)]
    pub relevant: Option<String>,
    pub questions: Vec<Question>,
}

/// One question of a form. In JSON the kind's fields sit beside the common ones, with
/// `"type"` naming the kind (see [`QuestionKind`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(try_from = "raw::RawQuestion", into = "raw::RawQuestion")]
#[schemars(with = "raw::RawQuestion")]
pub struct Question {
    pub id: String,
    pub kind: QuestionKind,
    pub label: Text,
    #[serde(default)]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// Show the question only when this expression is true (see `docs/expressions.md`).
    #[serde(default)]
    pub relevant: Option<String>,
    #[serde(default)]
    pub constraints: Vec<Constraint>,
    /// Offer "unable to judge" (无法评价); such an answer is excluded from scores, not zero.
    #[serde(default)]
    pub unable: bool,
    /// A written reason is required when a rating is at or below a value (不满意须说明理由).
    #[serde(default)]
    pub reason: Option<ReasonRule>,
}

/// The kinds of question, with what each kind needs.
#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    Single {
        options: Vec<Choice>,
    },
    Multiple {
        options: Vec<Choice>,
        min_select: Option<u32>,
        max_select: Option<u32>,
    },
    Rating {
        scale: Scale,
    },
    Matrix {
        rows: Vec<Choice>,
        scale: Scale,
        /// Every shown row must be answered when the question is required.
        each_row_required: bool,
    },
    Number {
        min: Option<f64>,
        max: Option<f64>,
        step: Option<f64>,
        decimals: Option<u32>,
    },
    Text {
        min_length: Option<u32>,
        max_length: Option<u32>,
        long: bool,
        /// The whole answer must match this pattern (see [`crate::pattern`]).
        pattern: Option<String>,
        /// Shown when the pattern does not match.
        pattern_message: Option<Text>,
    },
    Ranking {
        options: Vec<Choice>,
    },
    Nps,
}

impl QuestionKind {
    /// The scale a rating or matrix question is answered on; NPS has the fixed 0–10 scale.
    pub fn scale(&self) -> Option<Scale> {
        match self {
            QuestionKind::Rating { scale } | QuestionKind::Matrix { scale, .. } => {
                Some(scale.clone())
            }
            QuestionKind::Nps => Some(Scale::nps()),
            _ => None,
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            QuestionKind::Single { .. } => "single",
            QuestionKind::Multiple { .. } => "multiple",
            QuestionKind::Rating { .. } => "rating",
            QuestionKind::Matrix { .. } => "matrix",
            QuestionKind::Number { .. } => "number",
            QuestionKind::Text { .. } => "text",
            QuestionKind::Ranking { .. } => "ranking",
            QuestionKind::Nps => "nps",
        }
    }
}

/// An option of a choice question, or a row of a matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Choice {
    pub value: String,
    pub label: Text,
}

/// A numeric scale with labelled points, e.g. 1–5 满意度, 0–10, 0–100.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Scale {
    pub min: f64,
    pub max: f64,
    #[serde(default = "one")]
    pub step: f64,
    /// Labelled points; on a 1–5 scale usually every point, on 0–100 the anchors.
    pub points: Vec<ScalePoint>,
}

fn one() -> f64 {
    1.0
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Scale {
    /// The Net Promoter scale: 0–10, anchors at both ends.
    pub fn nps() -> Scale {
        Scale {
            min: 0.0,
            max: 10.0,
            step: 1.0,
            points: vec![
                ScalePoint {
                    value: 0.0,
                    label: Text::new("完全不可能", "Not at all likely"),
                    score: None,
                },
                ScalePoint {
                    value: 10.0,
                    label: Text::new("极有可能", "Extremely likely"),
                    score: None,
                },
            ],
        }
    }

    /// Whether `v` is a point of this scale (within range and on a step).
    pub fn contains(&self, v: f64) -> bool {
        if !v.is_finite() || v < self.min - 1e-9 || v > self.max + 1e-9 {
            return false;
        }
        let k = (v - self.min) / self.step;
        (k - k.round()).abs() < 1e-9
    }

    /// The scale's points from `min` by `step` to `max`; `None` when it has no usable step or
    /// more than 10,001 points.
    pub fn values(&self) -> Option<Vec<f64>> {
        if !(self.step > 0.0 && self.max >= self.min) {
            return None;
        }
        let n = ((self.max - self.min) / self.step).round();
        if !(0.0..=10_000.0).contains(&n) {
            return None;
        }
        Some(
            (0..=n as u32)
                .map(|k| self.min + f64::from(k) * self.step)
                .collect(),
        )
    }

    /// Whether every point of the scale has a label (short scales show them as buttons).
    pub fn fully_labelled(&self) -> bool {
        let n = ((self.max - self.min) / self.step).round() as usize + 1;
        n == self.points.len()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ScalePoint {
    pub value: f64,
    pub label: Text,
    /// The score on 0–100 that this answer counts for (e.g. 满意 → 100), when not linear.
    #[serde(default)]
    pub score: Option<f64>,
}

/// A rule an answer must satisfy, with the message shown when it does not.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Constraint {
    /// An expression that must be true; `.` is the question's own answer.
    pub expr: String,
    pub message: Text,
}

/// 不满意须说明理由: a reason is required when a rating is at or below `at_or_below`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReasonRule {
    pub at_or_below: f64,
    pub label: Text,
    #[serde(default)]
    pub min_length: Option<u32>,
}

/// An expert review sheet: each unit in `units` (or all units of `categories`) rated on
/// each indicator in `indicators` on `scale`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ReviewSheet {
    pub scale: Scale,
    pub indicators: Vec<String>,
    /// Categories whose units are reviewed; empty means all.
    #[serde(default)]
    pub categories: Vec<String>,
    /// A comment is required for scores at or below this value.
    #[serde(default)]
    pub comment_at_or_below: Option<f64>,
    /// Rater groups of the panel (行业专家, 高校学者, 基层代表) and their weights.
    #[serde(default)]
    pub groups: Vec<RaterGroup>,
    /// Offer "unable to judge" (无法评价) on every cell; such a cell counts as done.
    /// Left out of the plan's JSON when false, so existing plans keep their fingerprint.
    #[serde(default, skip_serializing_if = "is_false")]
    pub unable: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RaterGroup {
    pub id: String,
    pub name: Text,
    pub weight: f64,
}

impl Plan {
    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }

    pub fn unit(&self, id: &str) -> Option<&Unit> {
        self.units.iter().find(|u| u.id == id)
    }

    pub fn category(&self, id: &str) -> Option<&Category> {
        self.categories.iter().find(|c| c.id == id)
    }

    pub fn indicator(&self, id: &str) -> Option<&Indicator> {
        self.indicators.iter().find(|i| i.id == id)
    }
}

impl Instrument {
    /// All questions of all sections, in order.
    pub fn questions(&self) -> impl Iterator<Item = &Question> {
        self.sections.iter().flat_map(|s| s.questions.iter())
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions().find(|q| q.id == id)
    }
}

/// A plan's text that cannot be read as a plan, with where (line and column are 0 when the
/// JSON itself is sound and the problem is in its content: `kaoping validate` and the office
/// page locate those).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("the plan cannot be read: {message}{}", if *line > 0 { format!(" (line {line}, column {column})") } else { String::new() })]
pub struct PlanLoadError {
    pub message: String,
    pub line: usize,
    pub column: usize,
}

impl From<serde_json::Error> for PlanLoadError {
    fn from(e: serde_json::Error) -> Self {
        PlanLoadError {
            message: e.to_string(),
            line: e.line(),
            column: e.column(),
        }
    }
}

/// A plan's text parsed as a JSON value, with its fingerprint (SHA-256 of the canonical JSON
/// of that value). A byte-order mark is ignored.
pub fn read_plan_value(text: &str) -> Result<(serde_json::Value, String), PlanLoadError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: serde_json::Value = serde_json::from_str(text)?;
    let sha = crate::canonical::fingerprint_value(&value);
    Ok((value, sha))
}

/// A plan read for answering and scoring: parsed and fingerprinted, without the full
/// validation report (the office validates a plan before it publishes it; see
/// [`crate::validate`]).
pub fn load_plan(text: &str) -> Result<Plan, PlanLoadError> {
    Ok(load_plan_as_written(text)?.1)
}

/// A plan read once for the office page: the plan as written (for the page to draw), the
/// typed plan, and what the forms need of it ([`FormPlan::of`]), all of one reading of the
/// text and one fingerprint.
pub fn load_plan_as_written(text: &str) -> Result<(serde_json::Value, Plan), PlanLoadError> {
    let (value, sha256) = read_plan_value(text)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // Typed from the text (not from the value) so that an error carries its line and column.
    let plan: Plan = serde_json::from_str(text)?;
    Ok((value, Plan { sha256, ..plan }))
}

/// As [`load_plan_as_written`], the typed plan read from the parsed value rather than from the
/// text: a JSON syntax error still has its line and column, a problem in the content has none
/// (line 0, as documented on [`PlanLoadError`]). For the review page's WASM, which then carries
/// one deserializer of the plan's types instead of two (−6.0 KB gzip of its WASM, measured),
/// and reads the instruments by hand as the forms build does (`form_read`); the office keeps
/// [`load_plan_as_written`], whose content errors are located.
pub fn load_plan_from_value(text: &str) -> Result<(serde_json::Value, Plan), PlanLoadError> {
    let (value, sha256) = read_plan_value(text)?;
    let plan = form_read::plan(&value)?;
    Ok((value, Plan { sha256, ..plan }))
}

/// What the forms need of a plan: its identity, its fingerprint and its instruments. The
/// respondent's build reads only this (the other keys of the plan are skipped unread), so it
/// carries no code for categories, units, indicators or scoring.
#[derive(Debug, Clone, PartialEq, Deserialize, schemars::JsonSchema)]
pub struct FormPlan {
    pub id: String,
    pub version: String,
    /// The plan's fingerprint, as [`Plan::sha256`].
    #[serde(skip)]
    pub sha256: String,
    pub instruments: Vec<Instrument>,
    /// The instruments that take a one-time code (the plan's `trust.instruments` says `code`),
    /// read from `trust` without the rest of that section.
    // Read from the plan's value by `load_form_plan`, not deserialized: a `Value` deserializer
    // here cost the respondent's WASM 2.3 KB gzip.
    #[serde(skip)]
    pub coded: Vec<String>,
}

impl FormPlan {
    /// The forms part of a plan already read whole (the same fingerprint).
    pub fn of(plan: &Plan) -> FormPlan {
        FormPlan {
            id: plan.id.clone(),
            version: plan.version.clone(),
            sha256: plan.sha256.clone(),
            instruments: plan.instruments.clone(),
            coded: access::coded_instruments(&plan.trust),
        }
    }

    /// Whether a response to this instrument carries a one-time code (the page asks for it).
    pub fn needs_code(&self, instrument: &str) -> bool {
        self.coded.iter().any(|i| i == instrument)
    }

    pub fn instrument(&self, id: &str) -> Option<&Instrument> {
        self.instruments.iter().find(|i| i.id == id)
    }
}

/// A plan read for answering: the plan as written (a JSON value, for the pages to draw) and
/// what the forms need of it, fingerprinted.
pub fn load_form_plan(text: &str) -> Result<(serde_json::Value, FormPlan), PlanLoadError> {
    let (value, sha256) = read_plan_value(text)?;
    // Read from the parsed value, not the text again: one JSON reader in the respondent's WASM
    // instead of two (about 6 KB gzip). Content errors then carry no position. Read by hand,
    // with serde's errors, not by serde's value deserializer (`form_read`).
    let form = form_read::form_plan(&value)?;
    let trust = value.get("trust").unwrap_or(&serde_json::Value::Null);
    let coded = access::coded_instruments(trust);
    Ok((
        value,
        FormPlan {
            sha256,
            coded,
            ..form
        },
    ))
}

#[cfg(test)]
mod load_tests {
    use super::*;

    #[test]
    fn the_form_plan_is_the_plan_s_forms_with_the_same_fingerprint() {
        let plan = demo_plan();
        let (value, form) = load_form_plan(DEMO_PLAN_JSON).unwrap();
        assert_eq!(form.id, plan.id);
        assert_eq!(form.version, plan.version);
        assert_eq!(form.sha256, plan.sha256);
        assert_eq!(form.instruments, plan.instruments);
        assert_eq!(crate::canonical::fingerprint_value(&value), plan.sha256);
        assert_eq!(FormPlan::of(&plan), form);
        let (written, whole) = load_plan_as_written(DEMO_PLAN_JSON).unwrap();
        assert_eq!((written, whole), (value, plan));
    }

    #[test]
    fn a_plan_read_from_its_value_is_the_plan_read_from_its_text() {
        let (value, plan) = load_plan_from_value(DEMO_PLAN_JSON).unwrap();
        assert_eq!((value, plan), load_plan_as_written(DEMO_PLAN_JSON).unwrap());
        // A syntax error is located; a content error is not (the office's validation does).
        let e = load_plan_from_value("{\n  \"id\": ").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        let bad = DEMO_PLAN_JSON.replacen("\"instruments\"", "\"instrumentz\"", 1);
        let e = load_plan_from_value(&bad).unwrap_err();
        assert_eq!((e.line, e.column), (0, 0), "{e}");
        assert!(e.message.contains("instruments"), "{e}");
        assert!(load_plan_as_written(&bad).unwrap_err().line > 0);
    }

    #[test]
    fn the_demo_s_forms_part_is_the_plan_without_scoring_and_tracking_with_its_fingerprint() {
        let plan = demo_plan();
        assert_eq!(DEMO_PLAN_SHA256, plan.sha256);
        let (json, form) = form_plan_or_demo(None).unwrap();
        assert_eq!(form.sha256, plan.sha256);
        assert_eq!(form.instruments, plan.instruments);
        let mut whole: serde_json::Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
        whole.as_object_mut().unwrap().remove("tracking");
        whole.as_object_mut().unwrap().remove("scoring");
        assert_eq!(json, whole);
        assert!(DEMO_FORMS_JSON.len() < DEMO_PLAN_JSON.len());
    }

    #[test]
    fn a_text_that_is_not_a_plan_is_refused_with_its_position() {
        let e = load_form_plan("{\"id\": 1}").unwrap_err();
        assert!(e.message.contains("invalid type: integer `1`"), "{e}");
        let e = load_form_plan("{\n  \"id\": \"x\",").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
        assert!(load_plan("{\"id\": 1}").is_err());
    }
}
