//! `TrackingRules`: the `tracking` section of a plan, with its checks (see `docs/tracking.md`).

mod check;

pub use check::validate_tracking;

use super::period::{Date, Period, PeriodKind};
use super::RaterGroup;
use crate::plan::{Direction, Plan, Scale};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The `tracking` section of a plan: how progress is watched through the year.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TrackingRules {
    /// Month (default), quarter or half-year.
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
    /// The notice register (通知单台账): document numbers, the reply deadline in working days,
    /// the holiday calendar (see `docs/tracking.md`, 通知单台账).
    #[serde(skip_serializing_if = "NoticeRules::is_default")]
    pub notices: NoticeRules,
}

/// The longest reply period a plan may set (working days): three months; a longer one is
/// more likely a typo than a deadline.
pub const MAX_REPLY_WORKING_DAYS: u32 = 60;

/// How notices are numbered and when the units' replies are due.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NoticeRules {
    /// The document number (文号) of a notice (通知单): `{year}` is the year of issue, `{seq}`
    /// the notice's number in that year and kind (`{seq:3}` pads it to 3 digits).
    pub notice_number: String,
    /// The document number of a warning notice (预警通知单), with the same placeholders.
    pub warning_number: String,
    /// Working days a unit has to answer in writing, from the day after issue.
    pub reply_working_days: u32,
    /// Weekdays that are not working days (法定节假日), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<String>,
    /// Weekend days that are working days (调休上班), `YYYY-MM-DD`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub workdays: Vec<String>,
}

impl Default for NoticeRules {
    fn default() -> Self {
        NoticeRules {
            notice_number: "考评通〔{year}〕{seq}号".into(),
            warning_number: "考评预〔{year}〕{seq}号".into(),
            reply_working_days: 10,
            holidays: Vec::new(),
            workdays: Vec::new(),
        }
    }
}

impl NoticeRules {
    fn is_default(&self) -> bool {
        *self == NoticeRules::default()
    }
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
    /// First period counted per unit id, for an indicator handed to some units during the
    /// year (追加下达 to one unit); overrides `start` for that unit.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub starts: BTreeMap<String, String>,
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
        // From the borrowed value, as the review build reads the plan and the facade its
        // arguments: one of serde_json's two value deserializers in that WASM, not both.
        TrackingRules::deserialize(&plan.tracking).map_err(|e| e.to_string())
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
pub(crate) fn kind_zh(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Month => "月份（如 2026-03）",
        PeriodKind::Quarter => "季度（如 2026-Q1）",
        PeriodKind::HalfYear => "半年（如 2026-H1 上半年、2026-H2 下半年）",
    }
}

pub(crate) fn kind_en(k: PeriodKind) -> &'static str {
    match k {
        PeriodKind::Month => "month (e.g. 2026-03)",
        PeriodKind::Quarter => "quarter (e.g. 2026-Q1)",
        PeriodKind::HalfYear => "half-year (e.g. 2026-H1 for January to June, 2026-H2)",
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
    fn bad_notice_rules_are_reported_with_json_paths() {
        let problems = demo_with(json!({
            "notices": {
                "notice_number": "考评通〔{year}〕号",
                "reply_working_days": 0,
                "holidays": ["2026-10-01", "2026-10-03", "2026-02-30"],
                "workdays": ["2026-10-10", "2026-10-12"]
            }
        }));
        let paths: Vec<&str> = problems.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/tracking/notices/notice_number",
                "/tracking/notices/reply_working_days",
                "/tracking/notices/holidays/1",
                "/tracking/notices/holidays/2",
                "/tracking/notices/workdays/1",
            ],
            "{problems:?}"
        );
        assert!(demo_with(
            json!({"notices": {"warning_number": "W{seq:3}", "reply_working_days": 60}})
        )
        .is_empty());
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

    #[test]
    fn a_unit_s_own_start_must_be_a_unit_with_the_indicator_and_a_period_of_the_year() {
        let p = demo_with(json!({"indicators": [{
            "indicator": "hightech_output",
            "target": 100,
            "starts": {"wedz": "2026-07", "atlantis": "2026-07", "jiangan": "2026-07", "donghu_hitech": "2025-13"}
        }]}));
        let paths: Vec<&str> = p.iter().map(|(path, _)| path.as_str()).collect();
        assert_eq!(
            paths,
            [
                "/tracking/indicators/0/starts/atlantis",
                "/tracking/indicators/0/starts/donghu_hitech",
                "/tracking/indicators/0/starts/jiangan"
            ],
            "{p:?}"
        );
        assert!(p[1].1.contains("2025-13"), "{p:?}");
    }
}
