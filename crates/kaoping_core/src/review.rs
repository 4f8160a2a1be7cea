//! The expert review sheet (专家评审表): which units × indicators an expert rates, what is
//! still missing or wrong in their scores, and the record of a complete sheet.
//!
//! A unit gets the indicators of the sheet that its category has (the indicator's `weights`
//! list the category); units come grouped by category, both in plan order. A unit the expert
//! declares a conflict of interest with (回避) leaves the sheet and needs no scores. The pages
//! call [`crate::track::sheet::evaluate_review`] after every change and
//! [`crate::track::sheet::build_review_record`] on submit: they find the sheet's layout by id
//! (a review instrument's, [`review_sheet`], or a site check's) and call [`evaluate_layout`]
//! and [`build_record`] here.
//!
//! The same sheet serves the quarterly site checks (现场查核) of the plan's tracking projects
//! (`tracking.site_checks`, see `docs/tracking.md`): rows are the projects (grouped by unit),
//! columns the check criteria, the rater group is expert, beneficiary (受益主体) or builder
//! (项目建设者), and the quarter checked is chosen on the sheet. A project left out (not
//! checked, or a conflict of interest) is "recused" like a unit.

use crate::form::{is_answered, UNABLE};
use crate::plan::{InstrumentKind, Plan, RaterGroup, Scale};
use crate::record::RecordError;
use crate::text::{number_text, Text};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod carry;
mod read;
mod record;
pub use carry::{carry_over, ReviewCarryOver, ReviewDropped};
pub use record::build_record;

/// What an expert has entered so far on a review sheet.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewAnswers {
    /// The reviewer's staff or panel number (工号/编号); it becomes the record's `respondent_id`.
    #[serde(default)]
    pub reviewer: String,
    /// The rater group (行业专家, 高校学者, 基层代表; site checks: expert, beneficiary,
    /// builder), required when the sheet has groups.
    #[serde(default)]
    pub group: Option<String>,
    /// Site checks: the quarter checked (`2026-Q2`), required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quarter: Option<String>,
    /// Units the expert has a conflict of interest with (回避): they leave the sheet.
    #[serde(default)]
    pub recused: Vec<String>,
    /// Score per unit id and indicator id: a number on the scale or `"unable"`. Anything else
    /// typed (e.g. `"8o"`) is kept as a string and reported.
    #[serde(default)]
    pub scores: BTreeMap<String, BTreeMap<String, Value>>,
    /// Comments keyed `"unit/indicator"`.
    #[serde(default)]
    pub comments: BTreeMap<String, String>,
}

/// An indicator as the sheet shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SheetIndicator {
    pub id: String,
    pub name: Text,
}

/// A unit of the sheet with the indicators it is rated on, in sheet order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SheetUnit {
    pub id: String,
    pub name: Text,
    pub category: String,
    pub indicators: Vec<String>,
}

/// A category of units on the sheet, in plan order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SheetCategory {
    pub id: String,
    pub name: Text,
    pub units: Vec<SheetUnit>,
}

/// What a sheet's rows are.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum SheetKind {
    /// An expert review sheet: units (grouped by category) × indicators.
    #[default]
    Review,
    /// A site-check sheet: tracking projects (grouped by unit) × check criteria.
    SiteCheck,
}

/// The cells of a review sheet that exist, before any recusal. For a site check, `categories`
/// are the units with projects on the sheet, their `units` the projects, and `indicators` the
/// check criteria.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewSheetLayout {
    #[serde(default)]
    pub kind: SheetKind,
    pub instrument: String,
    pub title: Text,
    #[serde(default)]
    pub intro: Option<Text>,
    pub scale: Scale,
    /// Whether "unable to judge" (无法评价) is allowed.
    pub unable: bool,
    pub comment_at_or_below: Option<f64>,
    pub groups: Vec<RaterGroup>,
    /// The sheet's indicators with their names, in sheet order.
    pub indicators: Vec<SheetIndicator>,
    pub categories: Vec<SheetCategory>,
    /// Number of unit × indicator cells.
    pub cells: usize,
    /// Site checks: the quarters of the plan's year, one of which is checked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub quarters: Vec<String>,
    /// Answering faster than this is recorded as a speeder.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_seconds: Option<u32>,
}

/// One thing to fix before the sheet can be submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewIssue {
    /// `"reviewer"`, `"group"`, `"recused"` or `"score"` / `"comment"` of a cell.
    pub field: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub indicator: Option<String>,
    pub code: String,
    /// The message in the requested language; it names the unit and indicator.
    pub message: String,
}

/// How far one unit of the sheet is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct UnitProgress {
    pub unit: String,
    pub recused: bool,
    /// Cells of the unit (0 when recused) and cells without any issue.
    pub total: usize,
    pub done: usize,
    pub complete: bool,
}

/// The state of a review sheet after evaluating the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewState {
    /// Cells still on the sheet (recused units removed) and cells done (valid score and,
    /// when required, a comment).
    pub cells_total: usize,
    pub cells_done: usize,
    /// Per unit of the layout, in sheet order.
    pub units: Vec<UnitProgress>,
    /// Cells (`"unit/indicator"`) whose comment is required now.
    pub comments_required: Vec<String>,
    pub issues: Vec<ReviewIssue>,
    /// True when there is no issue: the sheet can be submitted.
    pub complete: bool,
}

/// What the review page knows at submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewSubmission {
    pub instrument: String,
    /// Milliseconds since the Unix epoch (UTC) when the sheet was opened and submitted.
    pub started_ms: f64,
    pub submitted_ms: f64,
    pub lang: String,
    pub answers: ReviewAnswers,
    /// How many sheets this browser has already submitted for this plan and instrument.
    #[serde(default)]
    pub earlier_submissions: u32,
}

/// The key of a cell in `comments` and in the record's `reasons`.
pub fn cell_key(unit: &str, indicator: &str) -> String {
    format!("{unit}/{indicator}")
}

/// The layout of the plan's review instrument `id`; `None` when the plan has no instrument
/// `id` (it may be a site-check sheet: [`crate::track::sheet`]).
pub fn review_sheet(plan: &Plan, id: &str) -> Option<Result<ReviewSheetLayout, RecordError>> {
    let ins = plan.instrument(id)?;
    Some(match (&ins.kind, &ins.review) {
        (InstrumentKind::Review, Some(review)) => Ok(review_layout(plan, ins, review)),
        _ => Err(RecordError::NotAReview(id.to_owned())),
    })
}

fn review_layout(
    plan: &Plan,
    ins: &crate::plan::Instrument,
    review: &crate::plan::ReviewSheet,
) -> ReviewSheetLayout {
    let indicators: Vec<SheetIndicator> = review
        .indicators
        .iter()
        .filter_map(|id| plan.indicator(id))
        .map(|i| SheetIndicator {
            id: i.id.clone(),
            name: i.name.clone(),
        })
        .collect();
    let mut categories = Vec::new();
    let mut cells = 0;
    for cat in &plan.categories {
        if !review.categories.is_empty() && !review.categories.contains(&cat.id) {
            continue;
        }
        let inds: Vec<String> = review
            .indicators
            .iter()
            .filter(|id| {
                plan.indicator(id)
                    .is_some_and(|i| i.weights.contains_key(&cat.id))
            })
            .cloned()
            .collect();
        if inds.is_empty() {
            continue;
        }
        let units: Vec<SheetUnit> = plan
            .units
            .iter()
            .filter(|u| u.category == cat.id)
            .map(|u| SheetUnit {
                id: u.id.clone(),
                name: u.name.clone(),
                category: cat.id.clone(),
                indicators: inds.clone(),
            })
            .collect();
        if units.is_empty() {
            continue;
        }
        cells += units.len() * inds.len();
        categories.push(SheetCategory {
            id: cat.id.clone(),
            name: cat.name.clone(),
            units,
        });
    }
    ReviewSheetLayout {
        kind: SheetKind::Review,
        instrument: ins.id.clone(),
        title: ins.title.clone(),
        intro: ins.intro.clone(),
        scale: review.scale.clone(),
        unable: review.unable,
        comment_at_or_below: review.comment_at_or_below,
        groups: review.groups.clone(),
        indicators,
        categories,
        cells,
        quarters: Vec::new(),
        min_seconds: ins.min_seconds,
    }
}

struct Out<'a> {
    lang: &'a str,
    issues: Vec<ReviewIssue>,
}

impl Out<'_> {
    fn push(&mut self, field: &str, cell: Option<(&str, &str)>, code: &str, zh: &str, en: &str) {
        self.issues.push(ReviewIssue {
            field: field.to_owned(),
            unit: cell.map(|c| c.0.to_owned()),
            indicator: cell.map(|c| c.1.to_owned()).filter(|s| !s.is_empty()),
            code: code.to_owned(),
            message: Text::new(zh, en).get(self.lang).to_owned(),
        });
    }
}

/// Evaluate an expert's answers against a sheet's layout (of a review instrument or a site
/// check: [`crate::track::sheet::evaluate_review`] finds it by id), with messages in `lang`.
pub fn evaluate_layout(
    layout: &ReviewSheetLayout,
    answers: &ReviewAnswers,
    lang: &str,
) -> ReviewState {
    let mut out = Out {
        lang,
        issues: Vec::new(),
    };
    check_rater(layout, answers, &mut out);
    let recused: BTreeSet<&str> = answers.recused.iter().map(String::as_str).collect();
    check_recused(layout, &recused, &mut out);
    let names: BTreeMap<&str, &Text> = layout
        .indicators
        .iter()
        .map(|i| (i.id.as_str(), &i.name))
        .collect();
    let mut units = Vec::new();
    let mut comments_required = Vec::new();
    let (mut cells_total, mut cells_done) = (0, 0);
    for unit in layout.categories.iter().flat_map(|c| c.units.iter()) {
        if recused.contains(unit.id.as_str()) {
            units.push(UnitProgress {
                unit: unit.id.clone(),
                recused: true,
                total: 0,
                done: 0,
                complete: true,
            });
            continue;
        }
        let mut done = 0;
        for ind in &unit.indicators {
            let before = out.issues.len();
            let iname = names
                .get(ind.as_str())
                .copied()
                .cloned()
                .unwrap_or_default();
            let cell = Cell {
                unit,
                indicator: ind,
                name: &iname,
            };
            check_cell(layout, answers, &cell, &mut comments_required, &mut out);
            if out.issues.len() == before {
                done += 1;
            }
        }
        let total = unit.indicators.len();
        cells_total += total;
        cells_done += done;
        units.push(UnitProgress {
            unit: unit.id.clone(),
            recused: false,
            total,
            done,
            complete: done == total,
        });
    }
    let complete = out.issues.is_empty();
    ReviewState {
        cells_total,
        cells_done,
        units,
        comments_required,
        issues: out.issues,
        complete,
    }
}

/// The rater's fields at the top of the sheet: their number, group and (site checks) quarter.
fn check_rater(layout: &ReviewSheetLayout, answers: &ReviewAnswers, out: &mut Out) {
    let site = layout.kind == SheetKind::SiteCheck;
    if answers.reviewer.trim().is_empty() {
        if site {
            out.push(
                "reviewer",
                None,
                "reviewer_required",
                "请填写您的评价人编号。",
                "Enter your rater number.",
            );
        } else {
            out.push(
                "reviewer",
                None,
                "reviewer_required",
                "请填写您的工号或编号。",
                "Enter your staff or panel number.",
            );
        }
    }
    if !layout.groups.is_empty() {
        match answers
            .group
            .as_deref()
            .map(str::trim)
            .filter(|g| !g.is_empty())
        {
            None => out.push(
                "group",
                None,
                "group_required",
                "请选择您所属的评审组别。",
                "Choose your rater group.",
            ),
            Some(g) if !layout.groups.iter().any(|x| x.id == g) => out.push(
                "group",
                None,
                "unknown_group",
                "所选组别不在本评审表中。",
                "The chosen group is not part of this sheet.",
            ),
            _ => {}
        }
    }
    if site {
        match answers
            .quarter
            .as_deref()
            .map(str::trim)
            .filter(|q| !q.is_empty())
        {
            None => out.push(
                "quarter",
                None,
                "quarter_required",
                "请选择查核的季度。",
                "Choose the quarter checked.",
            ),
            Some(q) if !layout.quarters.iter().any(|x| x == q) => out.push(
                "quarter",
                None,
                "bad_quarter",
                &format!("季度“{q}”不是本年度的季度。"),
                &format!("“{q}” is not a quarter of the plan's year."),
            ),
            _ => {}
        }
    }
}

/// Recusals (回避; site checks: projects left out) of units the sheet does not have, and a
/// site check with every project left out.
fn check_recused(layout: &ReviewSheetLayout, recused: &BTreeSet<&str>, out: &mut Out) {
    let site = layout.kind == SheetKind::SiteCheck;
    let all_units: BTreeSet<&str> = layout
        .categories
        .iter()
        .flat_map(|c| c.units.iter().map(|u| u.id.as_str()))
        .collect();
    for r in recused {
        if !all_units.contains(r) {
            if site {
                out.push(
                    "recused",
                    Some((r, "")),
                    "unknown_unit",
                    "未评价的项目不在本评价表中。",
                    "A project you left out is not on this sheet.",
                );
            } else {
                out.push(
                    "recused",
                    Some((r, "")),
                    "unknown_unit",
                    "申请回避的单位不在本评审表中。",
                    "A unit you declared a conflict with is not on this sheet.",
                );
            }
        }
    }
    if site && !all_units.is_empty() && all_units.iter().all(|u| recused.contains(u)) {
        out.push(
            "recused",
            None,
            "nothing_rated",
            "请至少评价一个项目。",
            "Rate at least one project.",
        );
    }
}

/// One unit × indicator cell of the sheet, with the indicator's name.
struct Cell<'a> {
    unit: &'a SheetUnit,
    indicator: &'a str,
    name: &'a Text,
}

/// The score of one cell, and its comment when the score requires one (its key then goes to
/// `comments_required`).
fn check_cell(
    layout: &ReviewSheetLayout,
    answers: &ReviewAnswers,
    c: &Cell,
    comments_required: &mut Vec<String>,
    out: &mut Out,
) {
    let (unit, ind) = (c.unit, c.indicator);
    let (un_zh, un_en) = (unit.name.get("zh-CN"), unit.name.get("en"));
    let (in_zh, in_en) = (c.name.get("zh-CN"), c.name.get("en"));
    let cell = Some((unit.id.as_str(), ind));
    let value = answers.scores.get(&unit.id).and_then(|m| m.get(ind));
    if !is_answered(value) {
        out.push(
            "score",
            cell,
            "score_required",
            &format!("请为{un_zh}“{in_zh}”打分。"),
            &format!("Score {un_en}: {in_en}."),
        );
    } else if value.and_then(Value::as_str) == Some(UNABLE) {
        if !layout.unable {
            out.push(
                "score",
                cell,
                "unable_not_allowed",
                &format!("{un_zh}“{in_zh}”不能选择“无法评价”，请打分。"),
                &format!("{un_en}: {in_en} cannot be marked “unable to judge”; enter a score."),
            );
        }
    } else {
        match value.and_then(Value::as_f64) {
            Some(x) if layout.scale.contains(x) => {
                if layout.comment_at_or_below.is_some_and(|c| x <= c) {
                    let key = cell_key(&unit.id, ind);
                    let given = answers
                        .comments
                        .get(&key)
                        .is_some_and(|s| !s.trim().is_empty());
                    comments_required.push(key);
                    if !given {
                        let c = number_text(layout.comment_at_or_below.unwrap_or_default());
                        out.push(
                            "comment",
                            cell,
                            "comment_required",
                            &format!("{un_zh}“{in_zh}”评分为 {c} 分及以下，请填写评语。"),
                            &format!("{un_en}: {in_en} is scored {c} or below; write a comment."),
                        );
                    }
                }
            }
            _ => {
                let (lo, hi) = (number_text(layout.scale.min), number_text(layout.scale.max));
                let whole = layout.scale.step == 1.0 && layout.scale.min.fract() == 0.0;
                let (zh, en) = if whole {
                    (
                        format!("{un_zh}“{in_zh}”的分数须为 {lo} 到 {hi} 之间的整数。"),
                        format!("{un_en}: {in_en} must be a whole number from {lo} to {hi}."),
                    )
                } else {
                    let s = number_text(layout.scale.step);
                    (
                        format!("{un_zh}“{in_zh}”的分数须在 {lo} 到 {hi} 之间，步长 {s}。"),
                        format!("{un_en}: {in_en} must be from {lo} to {hi} in steps of {s}."),
                    )
                };
                out.push("score", cell, "not_on_scale", &zh, &en);
            }
        }
    }
}
