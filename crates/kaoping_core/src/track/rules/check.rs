//! The checks of the `tracking` section against the rest of the plan.

use super::{kind_en, kind_zh, Condition, Date, Period, PeriodKind, Progress, TrackingRules};
use crate::plan::{IndicatorKind, Plan};
use crate::score::{check_range, RuleProblem};
use crate::text::Text;
use std::collections::BTreeSet;

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
    check_indicators(&mut out, plan, &r);
    check_projects(&mut out, plan, &r);
    check_site_checks(&mut out, plan, &r);
    check_warnings(&mut out, plan, &r);
    check_notices(&mut out, &r.notices);
    out
}

/// The notice rules: each number pattern has `{seq}` (else two notices could share a number),
/// a reply period of 1 to 60 working days, holidays on weekdays and workdays on weekends,
/// every date real.
fn check_notices(out: &mut Vec<RuleProblem>, n: &super::NoticeRules) {
    for (field, pattern) in [
        ("notice_number", &n.notice_number),
        ("warning_number", &n.warning_number),
    ] {
        if !pattern.contains("{seq}") && !pattern.contains("{seq:") {
            bad(
                out,
                &format!("/notices/{field}"),
                &format!("文号格式“{pattern}”中没有 {{seq}}（序号），各通知单的文号会相同"),
                &format!("the number pattern \"{pattern}\" has no {{seq}}: every notice would get the same number"),
            );
        }
    }
    if !(1..=super::MAX_REPLY_WORKING_DAYS).contains(&n.reply_working_days) {
        bad(
            out,
            "/notices/reply_working_days",
            &format!(
                "答复期限应为 1 至 {} 个工作日",
                super::MAX_REPLY_WORKING_DAYS
            ),
            &format!(
                "the reply period must be 1 to {} working days",
                super::MAX_REPLY_WORKING_DAYS
            ),
        );
    }
    for (field, list, weekend) in [
        ("holidays", &n.holidays, false),
        ("workdays", &n.workdays, true),
    ] {
        for (i, d) in list.iter().enumerate() {
            let path = format!("/notices/{field}/{i}");
            match Date::parse(d) {
                None => bad(
                    out,
                    &path,
                    &format!("“{d}”不是日期（应为 YYYY-MM-DD）"),
                    &format!("\"{d}\" is not a date (YYYY-MM-DD)"),
                ),
                Some(date) if crate::track::register::is_weekend(date) != weekend => {
                    if weekend {
                        bad(
                            out,
                            &path,
                            &format!("{d} 不是周末，无需列为调休上班日"),
                            &format!("{d} is not a weekend day, so it is a working day anyway"),
                        );
                    } else {
                        bad(
                            out,
                            &path,
                            &format!("{d} 是周末，无需列为节假日"),
                            &format!("{d} is a weekend day, so it is not a working day anyway"),
                        );
                    }
                }
                Some(_) => {}
            }
        }
    }
}
/// The tracked indicators: each once, a data indicator of the plan, targets positive and of
/// units whose category has it, a start period in the plan's year, progress profiles.
fn check_indicators(out: &mut Vec<RuleProblem>, plan: &Plan, r: &TrackingRules) {
    let mut seen = BTreeSet::new();
    for (i, t) in r.indicators.iter().enumerate() {
        let p = format!("/indicators/{i}");
        if !seen.insert(t.indicator.as_str()) {
            bad(
                out,
                &format!("{p}/indicator"),
                &format!("指标“{}”重复跟踪", t.indicator),
                &format!("indicator \"{}\" is tracked twice", t.indicator),
            );
        }
        let Some(ind) = plan.indicator(&t.indicator) else {
            bad(
                out,
                &format!("{p}/indicator"),
                &format!("方案中没有指标“{}”", t.indicator),
                &format!("the plan has no indicator \"{}\"", t.indicator),
            );
            continue;
        };
        if ind.kind != IndicatorKind::Data {
            bad(
                out,
                &format!("{p}/indicator"),
                &format!("“{}”不是数据类指标，不能按期跟踪数值", t.indicator),
                &format!(
                    "\"{}\" is not a data indicator; only data indicators have period figures",
                    t.indicator
                ),
            );
        }
        if let Some(v) = t.target {
            positive(out, &format!("{p}/target"), v);
        }
        for (unit, &v) in &t.targets {
            let up = format!("{p}/targets/{unit}");
            match plan.unit(unit) {
                None => bad(
                    out,
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
                        out,
                        &up,
                        &format!("单位“{unit}”的类别没有指标“{}”", t.indicator),
                        &format!(
                            "unit \"{unit}\" is in a category without indicator \"{}\"",
                            t.indicator
                        ),
                    )
                }
                Some(_) => positive(out, &up, v),
            }
        }
        let start = t.start.as_deref().or(ind.from_period.as_deref());
        if let Some(s) = start {
            let sp = if t.start.is_some() {
                format!("/tracking{p}/start")
            } else {
                format!("/indicators/{}/from_period", plan_index(plan, &t.indicator))
            };
            check_start(out, &sp, s, plan, r.period);
        }
        check_unit_starts(out, plan, r, t, ind, &p);
        if let Some(pr) = &t.progress {
            check_progress(out, &format!("{p}/progress"), pr, r.period);
        }
    }
}

/// The projects: unique ids, a known unit, a project indicator of its category, milestones
/// with unique ids and due dates in the plan's year.
fn check_projects(out: &mut Vec<RuleProblem>, plan: &Plan, r: &TrackingRules) {
    let mut ids = BTreeSet::new();
    for (i, pj) in r.projects.iter().enumerate() {
        let p = format!("/projects/{i}");
        if !ids.insert(pj.id.as_str()) {
            bad(
                out,
                &format!("{p}/id"),
                &format!("项目 id“{}”重复", pj.id),
                &format!("project id \"{}\" is repeated", pj.id),
            );
        }
        let unit = plan.unit(&pj.unit);
        if unit.is_none() {
            bad(
                out,
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
                out,
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
                out,
                &format!("{p}/milestones"),
                "项目至少应有一个节点",
                "a project needs at least one milestone",
            );
        }
        for (j, m) in pj.milestones.iter().enumerate() {
            if !ms.insert(m.id.as_str()) {
                bad(
                    out,
                    &format!("{p}/milestones/{j}/id"),
                    &format!("节点 id“{}”重复", m.id),
                    &format!("milestone id \"{}\" is repeated", m.id),
                );
            }
            match Date::parse(&m.due) {
                Some(d) if d.year == plan.year => {}
                _ => bad(
                    out,
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
}

/// The warning rules: unique ids, thresholds in range, known indicators.
fn check_warnings(out: &mut Vec<RuleProblem>, plan: &Plan, r: &TrackingRules) {
    let mut rule_ids = BTreeSet::new();
    for (i, w) in r.warnings.iter().enumerate() {
        let p = format!("/warnings/{i}");
        if !rule_ids.insert(w.id.as_str()) {
            bad(
                out,
                &format!("{p}/id"),
                &format!("预警规则 id“{}”重复", w.id),
                &format!("warning rule id \"{}\" is repeated", w.id),
            );
        }
        match &w.when {
            Condition::BehindProgress { points } => range(
                out,
                &format!("{p}/when/behind_progress/points"),
                *points,
                0.0,
                100.0,
            ),
            Condition::BehindConsecutive { periods, points } => {
                if *periods < 2 || *periods > r.period.count() {
                    bad(
                        out,
                        &format!("{p}/when/behind_consecutive/periods"),
                        &format!("连续期数应在 2 到 {} 之间", r.period.count()),
                        &format!("periods must be between 2 and {}", r.period.count()),
                    );
                }
                range(
                    out,
                    &format!("{p}/when/behind_consecutive/points"),
                    *points,
                    0.0,
                    100.0,
                );
            }
            Condition::SiteCheckBelow { score } => range(
                out,
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
                    out,
                    &format!("{p}/indicators/{j}"),
                    &format!("方案中没有指标“{id}”"),
                    &format!("the plan has no indicator \"{id}\""),
                );
            }
        }
    }
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

/// A first period counted: a period of the plan's year.
fn check_start(out: &mut Vec<RuleProblem>, path: &str, s: &str, plan: &Plan, kind: PeriodKind) {
    match Period::parse(s, kind) {
        Some(per) if per.year == plan.year => {}
        _ => out.push(RuleProblem {
            path: path.to_owned(),
            code: "invalid_tracking",
            message: Text::new(
                &format!(
                    "起始期“{s}”无效：应为 {} 年内的{}",
                    plan.year,
                    kind_zh(kind)
                ),
                &format!(
                    "start period \"{s}\" is not a {} of {}",
                    kind_en(kind),
                    plan.year
                ),
            ),
        }),
    }
}

/// `starts` (追加下达 to one unit): each a unit of the plan that has the indicator, and a
/// period of the year.
fn check_unit_starts(
    out: &mut Vec<RuleProblem>,
    plan: &Plan,
    r: &TrackingRules,
    t: &super::TrackedIndicator,
    ind: &crate::plan::Indicator,
    p: &str,
) {
    for (unit, s) in &t.starts {
        let up = format!("{p}/starts/{unit}");
        match plan.unit(unit) {
            None => bad(
                out,
                &up,
                &format!("方案中没有责任单位“{unit}”"),
                &format!("the plan has no unit \"{unit}\""),
            ),
            Some(u) if !ind.weights.contains_key(&u.category) => bad(
                out,
                &up,
                &format!("单位“{unit}”的类别没有指标“{}”", t.indicator),
                &format!(
                    "unit \"{unit}\" is in a category without indicator \"{}\"",
                    t.indicator
                ),
            ),
            Some(_) => check_start(out, &format!("/tracking{up}"), s, plan, r.period),
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
    check_range(bad, out, path, v, lo, hi);
}
