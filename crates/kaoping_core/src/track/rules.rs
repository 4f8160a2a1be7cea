//! `TrackingRules`: the `tracking` section of a plan, with its checks (see `docs/tracking.md`).

use super::period::{Date, Period, PeriodKind};
use super::RaterGroup;
use crate::plan::{Direction, IndicatorKind, Plan, Scale};
use crate::score::RuleProblem;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The `tracking` section of a plan: how progress is watched through the year.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingRules {
    /// Month (default) or quarter.
    pub period: PeriodKind,
    /// Time progress: the share of the annual target expected by the end of each period.
    pub progress: Progress,
    /// The name of the peer-city benchmark that period files may carry (`peer_city`),
    /// e.g. 副省级城市平均.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peer_city: Option<Text>,
    /// The data indicators watched, with their targets.
    pub indicators: Vec<TrackedIndicator>,
    /// Major projects (项目类) with milestones and due dates.
    pub projects: Vec<Project>,
    /// Warning rules (预警规则), each with its level.
    pub warnings: Vec<WarningRule>,
    /// Quarterly site-check sheets (现场查核评价表): the projects rated on check criteria by
    /// experts, beneficiaries and builders, on the review page; their records are project
    /// reports (see `docs/tracking.md`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub site_checks: Vec<SiteCheckSheet>,
}

/// A site-check sheet: the expert review sheet's form with the plan's tracking projects as
/// rows and check criteria as columns, for one quarter and one rater group. It is filled in on
/// the review page (`review.html?instrument=ID`) and its sealed record (instrument `id`) is
/// read by tracking as the projects input, never by scoring.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteCheckSheet {
    /// The sheet's id: the `instrument` of its records (distinct from the plan's instruments).
    pub id: String,
    pub title: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intro: Option<Text>,
    /// Answering faster than this is recorded as a speeder (not blocked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_seconds: Option<u32>,
    /// The score scale of every criterion; a project's rating is its mean criterion score
    /// mapped linearly onto 0–100 (`min` → 0, `max` → 100).
    pub scale: Scale,
    /// The check criteria (the sheet's columns), e.g. 进度, 质量, 安全文明施工, 群众满意.
    pub criteria: Vec<Criterion>,
    /// Project ids of `projects` on the sheet, in that order; empty: every project.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub projects: Vec<String>,
    /// Rater groups who fill the sheet in; empty: all three (expert, beneficiary, builder).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<RaterGroup>,
    /// A comment is required for scores at or below this value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment_at_or_below: Option<f64>,
    /// Offer "unable to judge" (无法评价) on every cell; such a cell is left out of the mean.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub unable: bool,
}

/// A check criterion of a site-check sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Criterion {
    pub id: String,
    pub name: Text,
}

impl SiteCheckSheet {
    /// The rater groups of the sheet (all three when the plan lists none).
    pub fn rater_groups(&self) -> Vec<RaterGroup> {
        if self.groups.is_empty() {
            vec![
                RaterGroup::Expert,
                RaterGroup::Beneficiary,
                RaterGroup::Builder,
            ]
        } else {
            self.groups.clone()
        }
    }

    /// The projects of the sheet, in sheet order (unknown ids left out: validation names them).
    pub fn projects<'r>(&self, rules: &'r TrackingRules) -> Vec<&'r Project> {
        if self.projects.is_empty() {
            rules.projects.iter().collect()
        } else {
            self.projects
                .iter()
                .filter_map(|id| rules.project(id))
                .collect()
        }
    }
}

/// Time progress (时间进度): the expected cumulative share of the annual target by the end of
/// each period.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "profile", rename_all = "snake_case", deny_unknown_fields)]
pub enum Progress {
    /// k / n after period k of n.
    #[default]
    Linear,
    /// Seasonal: the cumulative share after each period (12 or 4 values, not decreasing,
    /// the last 1), e.g. fiscal revenue that comes in late in the year.
    Seasonal { cumulative: Vec<f64> },
}

/// How the period figures of an indicator add up to the year.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// Each period's figure is that period's own amount; the year so far is their sum.
    #[default]
    Sum,
    /// Each period's figure is the year so far (1–N月累计).
    YearToDate,
    /// A level or rate (a growth rate so far, an average time): compared with the target as
    /// it is; time progress does not apply (100% is due from the start).
    Level,
}

/// A data indicator watched through the year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrackedIndicator {
    /// The plan's indicator id (a data indicator).
    pub indicator: String,
    #[serde(default)]
    pub basis: Basis,
    /// Annual target of every unit that has the indicator, unless in `targets` or given in
    /// the period files (`target` column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<f64>,
    /// Annual target per unit id.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub targets: BTreeMap<String, f64>,
    /// Higher or lower is better; default: the indicator's `direction`, else higher.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<Direction>,
    /// First period counted (追加下达: added during the year); default: the indicator's
    /// `from_period`, else the first period of the year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    /// Time progress of this indicator, when not the section's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
}

/// A major project of a unit, under one of its project indicators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    pub unit: String,
    /// A project indicator of the unit's category.
    pub indicator: String,
    pub name: Text,
    pub milestones: Vec<Milestone>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    pub id: String,
    pub name: Text,
    /// Due date, `YYYY-MM-DD`.
    pub due: String,
}

/// Level of a warning.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// 通知单.
    Notice,
    /// 预警通知单.
    Warning,
}

impl Level {
    pub fn name(self) -> Text {
        match self {
            Level::Notice => Text::new("通知单", "Notice"),
            Level::Warning => Text::new("预警通知单", "Warning notice"),
        }
    }
}

/// A warning rule: when its condition holds for a unit (and indicator, project), a warning of
/// its level is given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WarningRule {
    pub id: String,
    pub level: Level,
    pub when: Condition,
    /// Indicator ids the rule applies to; empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub indicators: Vec<String>,
}

/// What makes a warning rule fire (at the latest period analysed).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Completion more than `points` percentage points behind time progress.
    BehindProgress { points: f64 },
    /// Behind time progress (by more than `points`) in each of the last `periods` periods.
    BehindConsecutive {
        periods: u32,
        #[serde(default)]
        points: f64,
    },
    /// A veto event (一票否决) of the unit.
    VetoEvent {},
    /// A constraint event of the unit that is not a veto (vetoes have `veto_event`).
    ConstraintEvent {},
    /// A milestone past its due date by more than `grace_days` and not reported done.
    MilestoneSlipped {
        #[serde(default)]
        grace_days: u32,
    },
    /// A group's mean site-check rating of a project in a quarter below `score` (0–100).
    SiteCheckBelow { score: f64 },
}

impl TrackingRules {
    /// The plan's tracking rules (defaults when the plan has no `tracking` section).
    pub fn of(plan: &Plan) -> Result<TrackingRules, String> {
        if plan.tracking.is_null() {
            return Ok(TrackingRules::default());
        }
        serde_json::from_value(plan.tracking.clone()).map_err(|e| e.to_string())
    }

    pub fn indicator(&self, id: &str) -> Option<&TrackedIndicator> {
        self.indicators.iter().find(|t| t.indicator == id)
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    pub fn site_check(&self, id: &str) -> Option<&SiteCheckSheet> {
        self.site_checks.iter().find(|s| s.id == id)
    }
}

fn bad(out: &mut Vec<RuleProblem>, path: &str, zh: &str, en: &str) {
    out.push(RuleProblem {
        path: format!("/tracking{path}"),
        code: "invalid_tracking",
        message: Text::new(zh, en),
    });
}

fn check_progress(out: &mut Vec<RuleProblem>, path: &str, p: &Progress, kind: PeriodKind) {
    if let Progress::Seasonal { cumulative } = p {
        let n = kind.count() as usize;
        let path = format!("{path}/cumulative");
        if cumulative.len() != n {
            bad(
                out,
                &path,
                &format!("季节进度应有 {n} 个累计比例，现有 {} 个", cumulative.len()),
                &format!(
                    "a seasonal profile needs {n} cumulative shares, not {}",
                    cumulative.len()
                ),
            );
            return;
        }
        let mut prev = 0.0;
        for (i, &s) in cumulative.iter().enumerate() {
            if !(s.is_finite() && s > 0.0 && s <= 1.0 && s >= prev) {
                bad(
                    out,
                    &format!("{path}/{i}"),
                    &format!("累计比例 {s} 应在 0 到 1 之间且不小于上一期（{prev}）"),
                    &format!(
                        "cumulative share {s} must be in (0, 1] and not below the period before ({prev})"
                    ),
                );
            }
            prev = s;
        }
        if (cumulative[n - 1] - 1.0).abs() > 1e-9 {
            bad(
                out,
                &format!("{path}/{}", n - 1),
                "最后一期的累计比例应为 1",
                "the last cumulative share must be 1",
            );
        }
    }
}

/// Checks the plan's `tracking` section against the rest of the plan.
pub fn validate_tracking(plan: &Plan) -> Vec<RuleProblem> {
    let mut out = Vec::new();
    let r = match TrackingRules::of(plan) {
        Ok(r) => r,
        Err(e) => {
            bad(
                &mut out,
                "",
                &format!("跟踪规则无效：{e}"),
                &format!("Invalid tracking rules: {e}"),
            );
            return out;
        }
    };
    check_progress(&mut out, "/progress", &r.progress, r.period);
    let mut seen = BTreeSet::new();
    for (i, t) in r.indicators.iter().enumerate() {
        let p = format!("/indicators/{i}");
        if !seen.insert(t.indicator.as_str()) {
            bad(
                &mut out,
                &format!("{p}/indicator"),
                &format!("指标“{}”重复跟踪", t.indicator),
                &format!("indicator \"{}\" is tracked twice", t.indicator),
            );
        }
        let Some(ind) = plan.indicator(&t.indicator) else {
            bad(
                &mut out,
                &format!("{p}/indicator"),
                &format!("方案中没有指标“{}”", t.indicator),
                &format!("the plan has no indicator \"{}\"", t.indicator),
            );
            continue;
        };
        if ind.kind != IndicatorKind::Data {
            bad(
                &mut out,
                &format!("{p}/indicator"),
                &format!("“{}”不是数据类指标，不能按期跟踪数值", t.indicator),
                &format!(
                    "\"{}\" is not a data indicator; only data indicators have period figures",
                    t.indicator
                ),
            );
        }
        if let Some(v) = t.target {
            positive(&mut out, &format!("{p}/target"), v);
        }
        for (unit, &v) in &t.targets {
            let up = format!("{p}/targets/{unit}");
            match plan.unit(unit) {
                None => bad(
                    &mut out,
                    &up,
                    &format!("方案中没有责任单位“{unit}”"),
                    &format!("the plan has no unit \"{unit}\""),
                ),
                // (a unit of an unknown category is reported under /units; not again here)
                Some(u)
                    if plan.category(&u.category).is_some()
                        && !ind.weights.contains_key(&u.category) =>
                {
                    bad(
                        &mut out,
                        &up,
                        &format!("单位“{unit}”的类别没有指标“{}”", t.indicator),
                        &format!(
                            "unit \"{unit}\" is in a category without indicator \"{}\"",
                            t.indicator
                        ),
                    )
                }
                Some(_) => positive(&mut out, &up, v),
            }
        }
        let start = t.start.as_deref().or(ind.from_period.as_deref());
        if let Some(s) = start {
            let sp = if t.start.is_some() {
                format!("/tracking{p}/start")
            } else {
                format!("/indicators/{}/from_period", plan_index(plan, &t.indicator))
            };
            match Period::parse(s, r.period) {
                Some(per) if per.year == plan.year => {}
                _ => out.push(RuleProblem {
                    path: sp,
                    code: "invalid_tracking",
                    message: Text::new(
                        &format!(
                            "起始期“{s}”无效：应为 {} 年内的{}",
                            plan.year,
                            kind_zh(r.period)
                        ),
                        &format!(
                            "start period \"{s}\" is not a {} of {}",
                            kind_en(r.period),
                            plan.year
                        ),
                    ),
                }),
            }
        }
        if let Some(pr) = &t.progress {
            check_progress(&mut out, &format!("{p}/progress"), pr, r.period);
        }
    }
    let mut ids = BTreeSet::new();
    for (i, pj) in r.projects.iter().enumerate() {
        let p = format!("/projects/{i}");
        if !ids.insert(pj.id.as_str()) {
            bad(
                &mut out,
                &format!("{p}/id"),
                &format!("项目 id“{}”重复", pj.id),
                &format!("project id \"{}\" is repeated", pj.id),
            );
        }
        let unit = plan.unit(&pj.unit);
        if unit.is_none() {
            bad(
                &mut out,
                &format!("{p}/unit"),
                &format!("方案中没有责任单位“{}”", pj.unit),
                &format!("the plan has no unit \"{}\"", pj.unit),
            );
        }
        match plan.indicator(&pj.indicator) {
            Some(ind)
                if ind.kind == IndicatorKind::Project
                    && unit.is_none_or(|u| {
                        plan.category(&u.category).is_none()
                            || ind.weights.contains_key(&u.category)
                    }) => {}
            _ => bad(
                &mut out,
                &format!("{p}/indicator"),
                &format!("“{}”不是该单位类别的项目类指标", pj.indicator),
                &format!(
                    "\"{}\" is not a project indicator of the unit's category",
                    pj.indicator
                ),
            ),
        }
        let mut ms = BTreeSet::new();
        if pj.milestones.is_empty() {
            bad(
                &mut out,
                &format!("{p}/milestones"),
                "项目至少应有一个节点",
                "a project needs at least one milestone",
            );
        }
        for (j, m) in pj.milestones.iter().enumerate() {
            if !ms.insert(m.id.as_str()) {
                bad(
                    &mut out,
                    &format!("{p}/milestones/{j}/id"),
                    &format!("节点 id“{}”重复", m.id),
                    &format!("milestone id \"{}\" is repeated", m.id),
                );
            }
            match Date::parse(&m.due) {
                Some(d) if d.year == plan.year => {}
                _ => bad(
                    &mut out,
                    &format!("{p}/milestones/{j}/due"),
                    &format!(
                        "完成时限“{}”应为 {} 年内的日期（YYYY-MM-DD）",
                        m.due, plan.year
                    ),
                    &format!(
                        "due date \"{}\" must be a date (YYYY-MM-DD) in {}",
                        m.due, plan.year
                    ),
                ),
            }
        }
    }
    check_site_checks(&mut out, plan, &r);
    let mut rule_ids = BTreeSet::new();
    for (i, w) in r.warnings.iter().enumerate() {
        let p = format!("/warnings/{i}");
        if !rule_ids.insert(w.id.as_str()) {
            bad(
                &mut out,
                &format!("{p}/id"),
                &format!("预警规则 id“{}”重复", w.id),
                &format!("warning rule id \"{}\" is repeated", w.id),
            );
        }
        match &w.when {
            Condition::BehindProgress { points } => range(
                &mut out,
                &format!("{p}/when/behind_progress/points"),
                *points,
                0.0,
                100.0,
            ),
            Condition::BehindConsecutive { periods, points } => {
                if *periods < 2 || *periods > r.period.count() {
                    bad(
                        &mut out,
                        &format!("{p}/when/behind_consecutive/periods"),
                        &format!("连续期数应在 2 到 {} 之间", r.period.count()),
                        &format!("periods must be between 2 and {}", r.period.count()),
                    );
                }
                range(
                    &mut out,
                    &format!("{p}/when/behind_consecutive/points"),
                    *points,
                    0.0,
                    100.0,
                );
            }
            Condition::SiteCheckBelow { score } => range(
                &mut out,
                &format!("{p}/when/site_check_below/score"),
                *score,
                0.0,
                100.0,
            ),
            Condition::VetoEvent {}
            | Condition::ConstraintEvent {}
            | Condition::MilestoneSlipped { .. } => {}
        }
        for (j, id) in w.indicators.iter().enumerate() {
            if plan.indicator(id).is_none() {
                bad(
                    &mut out,
                    &format!("{p}/indicators/{j}"),
                    &format!("方案中没有指标“{id}”"),
                    &format!("the plan has no indicator \"{id}\""),
                );
            }
        }
    }
    out
}

/// Site-check sheets: ids unique and not an instrument's, projects known and not repeated,
/// criteria present and unique, groups not repeated, the comment threshold on the scale. (The
/// scale and the texts are checked with the plan's other scales and texts.)
fn check_site_checks(out: &mut Vec<RuleProblem>, plan: &Plan, r: &TrackingRules) {
    let mut ids = BTreeSet::new();
    for (i, sc) in r.site_checks.iter().enumerate() {
        let p = format!("/site_checks/{i}");
        if !ids.insert(sc.id.as_str()) || plan.instrument(&sc.id).is_some() {
            bad(
                out,
                &format!("{p}/id"),
                &format!("现场查核表 id“{}”重复或与问卷 id 相同", sc.id),
                &format!(
                    "site-check sheet id \"{}\" is repeated or is also an instrument's id",
                    sc.id
                ),
            );
        }
        if r.projects.is_empty() {
            bad(
                out,
                &format!("{p}/projects"),
                "跟踪部分没有项目，现场查核表无可评价的项目",
                "the tracking section has no projects for the site-check sheet to rate",
            );
        }
        let mut seen = BTreeSet::new();
        for (j, id) in sc.projects.iter().enumerate() {
            if r.project(id).is_none() {
                bad(
                    out,
                    &format!("{p}/projects/{j}"),
                    &format!("方案的跟踪部分没有项目“{id}”"),
                    &format!("the plan's tracking section has no project \"{id}\""),
                );
            } else if !seen.insert(id.as_str()) {
                bad(
                    out,
                    &format!("{p}/projects/{j}"),
                    &format!("项目“{id}”重复"),
                    &format!("project \"{id}\" is listed twice"),
                );
            }
        }
        if sc.criteria.is_empty() {
            bad(
                out,
                &format!("{p}/criteria"),
                "现场查核表至少应有一项查核内容",
                "a site-check sheet needs at least one criterion",
            );
        }
        let mut crit = BTreeSet::new();
        for (j, c) in sc.criteria.iter().enumerate() {
            if c.id.trim().is_empty() || c.id.contains('/') {
                bad(
                    out,
                    &format!("{p}/criteria/{j}/id"),
                    "查核内容 id 不能为空，也不能含“/”",
                    "a criterion id must not be empty or contain \"/\"",
                );
            } else if !crit.insert(c.id.as_str()) {
                bad(
                    out,
                    &format!("{p}/criteria/{j}/id"),
                    &format!("查核内容 id“{}”重复", c.id),
                    &format!("criterion id \"{}\" is repeated", c.id),
                );
            }
        }
        let mut groups = BTreeSet::new();
        for (j, g) in sc.groups.iter().enumerate() {
            if !groups.insert(*g) {
                bad(
                    out,
                    &format!("{p}/groups/{j}"),
                    "评价主体重复",
                    "a rater group is listed twice",
                );
            }
        }
        if let Some(c) = sc.comment_at_or_below {
            if !(c.is_finite() && c >= sc.scale.min && c <= sc.scale.max) {
                bad(
                    out,
                    &format!("{p}/comment_at_or_below"),
                    &format!(
                        "须填评语的分数线 {c} 应在量表 {} 到 {} 之间",
                        sc.scale.min, sc.scale.max
                    ),
                    &format!(
                        "comment_at_or_below {c} must be on the scale ({} to {})",
                        sc.scale.min, sc.scale.max
                    ),
                );
            }
        }
    }
}

fn plan_index(plan: &Plan, id: &str) -> usize {
    plan.indicators.iter().position(|i| i.id == id).unwrap_or(0)
}

fn positive(out: &mut Vec<RuleProblem>, path: &str, v: f64) {
    if !(v.is_finite() && v > 0.0) {
        bad(
            out,
            path,
            &format!("目标值 {v} 应大于 0"),
            &format!("target {v} must be greater than 0"),
        );
    }
}

fn range(out: &mut Vec<RuleProblem>, path: &str, v: f64, lo: f64, hi: f64) {
    if !(v.is_finite() && v >= lo && v <= hi) {
        bad(
            out,
            path,
            &format!("取值 {v} 应在 {lo} 到 {hi} 之间"),
            &format!("value {v} must be between {lo} and {hi}"),
        );
    }
}

pub(crate) fn kind_zh(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Month => "月份（如 2026-03）",
        PeriodKind::Quarter => "季度（如 2026-Q1）",
    }
}

pub(crate) fn kind_en(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Month => "month (e.g. 2026-03)",
        PeriodKind::Quarter => "quarter (e.g. 2026-Q1)",
    }
}

#[cfg(test)]
mod tests {
    use crate::validate::validate_plan;
    use serde_json::{json, Value};

    fn demo_with(tracking: Value) -> Vec<(String, String)> {
        crate::validate::demo_problems_with("tracking", tracking)
    }

    #[test]
    fn the_demo_tracking_section_is_read() {
        let r = super::TrackingRules::of(&crate::plan::demo_plan()).unwrap();
        assert_eq!(r.indicators.len(), 7);
        assert_eq!(r.projects.len(), 6);
        assert_eq!(r.warnings.len(), 7);
    }

    #[test]
    fn bad_tracking_rules_are_reported_with_json_paths() {
        let problems = demo_with(json!({
            "progress": {"profile": "seasonal", "cumulative": [0.1, 0.05, 0.3, 1]},
            "indicators": [
                {"indicator": "gdp_growth", "targets": {"atlantis": 5, "ndrc": 5}, "target": -1},
                {"indicator": "major_projects", "start": "2026-13"},
                {"indicator": "gdp_growth"},
                {"indicator": "fiscal_revenue", "progress": {"profile": "seasonal", "cumulative": [0.2, 0.4, 0.6, 0.8, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.99]}}
            ],
            "projects": [
                {"id": "p", "unit": "ndrc", "indicator": "major_projects", "name": {"zh-CN": "项目"},
                 "milestones": [{"id": "m", "name": {"zh-CN": "节点", "en": "Step"}, "due": "2026-02-30"},
                                {"id": "m", "name": {"zh-CN": "节点", "en": "Step"}, "due": "2026-03-01"}]},
                {"id": "p", "unit": "atlantis", "indicator": "key_tasks", "name": {"zh-CN": "项目", "en": "P"}, "milestones": []}
            ],
            "warnings": [
                {"id": "w", "level": "notice", "when": {"behind_progress": {"points": -1}}},
                {"id": "w", "level": "warning", "when": {"behind_consecutive": {"periods": 1}}, "indicators": ["magic"]},
                {"id": "s", "level": "notice", "when": {"site_check_below": {"score": 101}}}
            ]
        }));
        let paths: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
        for want in [
            "/tracking/progress/cumulative",
            "/tracking/indicators/0/targets/atlantis",
            "/tracking/indicators/0/targets/ndrc",
            "/tracking/indicators/0/target",
            "/tracking/indicators/1/indicator",
            "/tracking/indicators/1/start",
            "/tracking/indicators/2/indicator",
            "/tracking/indicators/3/progress/cumulative/11",
            "/tracking/projects/0/indicator",
            "/tracking/projects/0/name",
            "/tracking/projects/0/milestones/0/due",
            "/tracking/projects/0/milestones/1/id",
            "/tracking/projects/1/id",
            "/tracking/projects/1/unit",
            "/tracking/projects/1/milestones",
            "/tracking/warnings/0/when/behind_progress/points",
            "/tracking/warnings/1/id",
            "/tracking/warnings/1/when/behind_consecutive/periods",
            "/tracking/warnings/1/indicators/0",
            "/tracking/warnings/2/when/site_check_below/score",
        ] {
            assert!(paths.contains(&want), "{want} not in {problems:#?}");
        }
        // a seasonal share below the one before is named at its index
        let p = demo_with(
            json!({"progress": {"profile": "seasonal", "cumulative": [0.1, 0.05, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 1]}}),
        );
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "/tracking/progress/cumulative/1");
    }

    #[test]
    fn a_unit_of_an_unknown_category_is_not_reported_again_under_tracking() {
        let mut plan: Value = serde_json::from_str(crate::plan::DEMO_PLAN_JSON).unwrap();
        plan["units"][0]["category"] = json!("nowhere");
        let r = validate_plan(&plan.to_string());
        assert_eq!(
            r.problems
                .iter()
                .map(|p| p.path.as_str())
                .collect::<Vec<_>>(),
            vec!["/units/0/category"]
        );
    }

    #[test]
    fn unknown_tracking_keys_and_a_mid_year_indicator_s_bad_from_period_are_reported() {
        let p = demo_with(json!({"period": "week"}));
        assert_eq!(p.len(), 1, "{p:?}");
        assert_eq!(p[0].0, "/tracking");
        assert!(p[0].1.contains("week"), "{p:?}");
        let mut plan: Value = serde_json::from_str(crate::plan::DEMO_PLAN_JSON).unwrap();
        plan["indicators"][0]["from_period"] = json!("2025-07");
        let r = validate_plan(&plan.to_string());
        assert_eq!(
            r.problems
                .iter()
                .map(|p| p.path.as_str())
                .collect::<Vec<_>>(),
            vec!["/indicators/0/from_period"]
        );
    }
}
