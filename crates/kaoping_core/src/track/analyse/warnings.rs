//! The warnings (通知单, 预警通知单) the plan's rules give, one function per condition, each
//! with its figures and its message in zh-CN and en.

use super::super::{Basis, Condition, Period, TrackingRules, WarningRule};
use super::{d1, EventEntry, ProjectStatus, Series, Warning};
use crate::plan::Plan;
use crate::text::Text;
use serde_json::{json, Map, Value};

/// A warning rule at work: the names and the rule's tail its messages share.
struct RuleCx<'a> {
    plan: &'a Plan,
    rule: &'a WarningRule,
    through: Period,
}

impl RuleCx<'_> {
    fn unit_name(&self, u: &str, lang: &str) -> String {
        self.plan
            .unit(u)
            .map(|x| x.name.get(lang).to_owned())
            .unwrap_or_else(|| u.to_owned())
    }

    fn ind_name(&self, i: &str, lang: &str) -> String {
        self.plan
            .indicator(i)
            .map(|x| x.name.get(lang).to_owned())
            .unwrap_or_else(|| i.to_owned())
    }

    /// Whether the rule applies to an indicator (no list: to all).
    fn applies(&self, ind: &str) -> bool {
        self.rule.indicators.is_empty() || self.rule.indicators.iter().any(|i| i == ind)
    }

    /// A warning of this rule about `unit`'s `indicator`, with its message in zh-CN and en (a
    /// project's warning sets `project` and `milestone` over it).
    fn warning(
        &self,
        unit: &str,
        indicator: &str,
        period: Period,
        figures: Map<String, Value>,
        msg: impl Fn(&str) -> String,
    ) -> Warning {
        Warning {
            rule: self.rule.id.clone(),
            level: self.rule.level,
            unit: unit.to_owned(),
            indicator: Some(indicator.to_owned()),
            project: None,
            milestone: None,
            period,
            figures,
            message: Text::new(&msg("zh-CN"), &msg("en")),
        }
    }

    /// The rule and its level, at the end of a message.
    fn tail(&self, lang: &str) -> String {
        let (rule, lv) = (self.rule, self.rule.level.name());
        if lang == "en" {
            format!(" (rule {}, {})", rule.id, lv.get("en"))
        } else {
            format!("（规则 {}，{}）", rule.id, lv.get("zh-CN"))
        }
    }
}

/// The warnings the plan's rules give, by unit (plan order), then rule (plan order).
pub(super) fn warnings(
    plan: &Plan,
    rules: &TrackingRules,
    through: Period,
    series: &[Series],
    projects: &[ProjectStatus],
    events: &[EventEntry],
) -> Vec<Warning> {
    let mut out: Vec<(usize, usize, Warning)> = Vec::new();
    for (ri, rule) in rules.warnings.iter().enumerate() {
        let cx = RuleCx {
            plan,
            rule,
            through,
        };
        let mut push = |w: Warning| out.push((super::unit_pos(plan, &w.unit), ri, w));
        match &rule.when {
            Condition::BehindProgress { points } => behind_progress(&cx, points, series, &mut push),
            Condition::BehindConsecutive { periods, points } => {
                behind_consecutive(&cx, periods, points, series, &mut push)
            }
            Condition::VetoEvent {} | Condition::ConstraintEvent {} => {
                event_warnings(&cx, events, &mut push)
            }
            Condition::MilestoneSlipped { grace_days } => {
                milestone_slipped(&cx, rules, grace_days, projects, &mut push)
            }
            Condition::SiteCheckBelow { score } => {
                site_check_below(&cx, rules, score, projects, &mut push)
            }
        }
    }
    // by unit (plan order), then rule (plan order); within a rule the loops below are ordered
    out.sort_by_key(|x| (x.0, x.1));
    out.into_iter().map(|x| x.2).collect()
}

/// Behind time progress by more than `points` in the period analysed.
fn behind_progress(cx: &RuleCx, points: &f64, series: &[Series], push: &mut dyn FnMut(Warning)) {
    let (plan, through) = (cx.plan, cx.through);
    for s in series.iter().filter(|s| cx.applies(&s.indicator)) {
        let Some(p) = s.points.last().filter(|p| p.period == through) else {
            continue;
        };
        let (Some(c), Some(g)) = (p.completion, p.gap) else {
            continue;
        };
        if g < -points {
            let mut figures = Map::new();
            figures.insert("completion".into(), json!(c));
            figures.insert("progress".into(), json!(p.progress));
            figures.insert("gap".into(), json!(g));
            figures.insert("threshold".into(), json!(points));
            if let Some(t) = s.target {
                figures.insert("target".into(), json!(t));
            }
            if let Some(v) = p.value {
                figures.insert("value".into(), json!(v));
            }
            let measure = |lang: &str| {
                plan.indicator(&s.indicator)
                    .and_then(|i| i.measure.as_ref())
                    .map(|m| m.get(lang).to_owned())
                    .unwrap_or_default()
            };
            let level = |lang: &str| {
                let with = |x: f64| {
                    let m = measure(lang);
                    if lang == "en" && !m.is_empty() && m != "%" {
                        format!("{} {m}", d1(x))
                    } else {
                        format!("{}{m}", d1(x))
                    }
                };
                let v = p.value.map(with).unwrap_or_default();
                let t = s.target.map(with).unwrap_or_default();
                if lang == "en" {
                    format!(
                        "{}, {}: {v} in {through} against a target of {t}, {}% of the target, {} points short (more than {} allowed){}",
                        cx.unit_name(&s.unit, lang), cx.ind_name(&s.indicator, lang), d1(c), d1(-g), points, cx.tail(lang)
                    )
                } else {
                    format!(
                        "{}{}：{through} 为 {v}，目标 {t}，完成目标的 {}%，差 {} 个百分点（超过 {} 个百分点）{}",
                        cx.unit_name(&s.unit, lang), cx.ind_name(&s.indicator, lang), d1(c), d1(-g), points, cx.tail(lang)
                    )
                }
            };
            let msg = |lang: &str| {
                if s.basis == Basis::Level {
                    level(lang)
                } else if lang == "en" {
                    format!(
                        "{}, {}: {}% of the annual target by {through} against time progress of {}%, {} points behind (more than {} allowed){}",
                        cx.unit_name(&s.unit, lang), cx.ind_name(&s.indicator, lang), d1(c), d1(p.progress), d1(-g), points, cx.tail(lang)
                    )
                } else {
                    format!(
                        "{}{}：截至 {through} 完成年度目标的 {}%，时间进度 {}%，落后 {} 个百分点（超过 {} 个百分点）{}",
                        cx.unit_name(&s.unit, lang), cx.ind_name(&s.indicator, lang), d1(c), d1(p.progress), d1(-g), points, cx.tail(lang)
                    )
                }
            };
            push(cx.warning(&s.unit, &s.indicator, through, figures, msg));
        }
    }
}

/// Behind time progress by more than `points` in each of the last `periods` periods.
fn behind_consecutive(
    cx: &RuleCx,
    periods: &u32,
    points: &f64,
    series: &[Series],
    push: &mut dyn FnMut(Warning),
) {
    let through = cx.through;
    let k = *periods as usize;
    for s in series.iter().filter(|s| cx.applies(&s.indicator)) {
        if s.points.len() < k || s.points.last().map(|p| p.period) != Some(through) {
            continue;
        }
        let last = &s.points[s.points.len() - k..];
        let gaps: Vec<f64> = last.iter().filter_map(|p| p.gap).collect();
        if gaps.len() == k && gaps.iter().all(|g| *g < -points) {
            let mut figures = Map::new();
            figures.insert("periods".into(), json!(periods));
            figures.insert(
                "gaps".into(),
                Value::Object(
                    last.iter()
                        .map(|p| (p.period.to_string(), json!(p.gap)))
                        .collect(),
                ),
            );
            let shown: Vec<String> = last
                .iter()
                .map(|p| format!("{} {}", p.period, d1(p.gap.unwrap_or(0.0))))
                .collect();
            let msg = |lang: &str| {
                if lang == "en" {
                    format!(
                        "{}, {}: behind time progress {} periods in a row (gap in points: {}){}",
                        cx.unit_name(&s.unit, lang),
                        cx.ind_name(&s.indicator, lang),
                        periods,
                        shown.join(", "),
                        cx.tail(lang)
                    )
                } else {
                    format!(
                        "{}{}：连续 {} 期落后于时间进度（差距，百分点：{}）{}",
                        cx.unit_name(&s.unit, lang),
                        cx.ind_name(&s.indicator, lang),
                        periods,
                        shown.join("，"),
                        cx.tail(lang)
                    )
                }
            };
            push(cx.warning(&s.unit, &s.indicator, through, figures, msg));
        }
    }
}

/// A veto or constraint event (as the rule's condition says).
fn event_warnings(cx: &RuleCx, events: &[EventEntry], push: &mut dyn FnMut(Warning)) {
    let (rule, through) = (cx.rule, cx.through);
    let veto = matches!(rule.when, Condition::VetoEvent {});
    for e in events
        .iter()
        .filter(|e| e.veto == veto && cx.applies(&e.indicator))
    {
        let mut figures = Map::new();
        figures.insert("date".into(), json!(e.date.to_string()));
        figures.insert("veto".into(), json!(e.veto));
        figures.insert("evidence".into(), json!(e.evidence));
        let what = e.description.clone().unwrap_or_default();
        let msg = |lang: &str| {
            if lang == "en" {
                format!(
                    "{}, {}: {} event on {}{} (evidence {}){}",
                    cx.unit_name(&e.unit, lang),
                    cx.ind_name(&e.indicator, lang),
                    if e.veto {
                        "veto (one-vote veto for the year)"
                    } else {
                        "constraint"
                    },
                    e.date,
                    if what.is_empty() {
                        String::new()
                    } else {
                        format!(": {what}")
                    },
                    e.evidence,
                    cx.tail(lang)
                )
            } else {
                format!(
                    "{}{}：{} 发生{}{}（证据 {}）{}",
                    cx.unit_name(&e.unit, lang),
                    cx.ind_name(&e.indicator, lang),
                    e.date,
                    if e.veto {
                        "一票否决事项，本年度综合考评不达标"
                    } else {
                        "约束性事项"
                    },
                    if what.is_empty() {
                        String::new()
                    } else {
                        format!("：{what}")
                    },
                    e.evidence,
                    cx.tail(lang)
                )
            }
        };
        push(cx.warning(
            &e.unit,
            &e.indicator,
            Period::of_date(e.date, through.kind),
            figures,
            msg,
        ));
    }
}

/// A milestone overdue by more than `grace_days` at the end of the period analysed.
fn milestone_slipped(
    cx: &RuleCx,
    rules: &TrackingRules,
    grace_days: &u32,
    projects: &[ProjectStatus],
    push: &mut dyn FnMut(Warning),
) {
    let through = cx.through;
    let end = through.last_day();
    for pj in projects.iter().filter(|p| cx.applies(&p.indicator)) {
        let plan_pj = rules.project(&pj.project);
        for m in pj.milestones.iter().filter(|m| m.status == "overdue") {
            if m.slip_days <= i64::from(*grace_days) {
                continue;
            }
            let names = |lang: &str| {
                let p = plan_pj
                    .map(|p| p.name.get(lang).to_owned())
                    .unwrap_or_default();
                let ms = plan_pj
                    .and_then(|p| p.milestones.iter().find(|x| x.id == m.milestone))
                    .map(|x| x.name.get(lang).to_owned())
                    .unwrap_or_default();
                (p, ms)
            };
            let mut figures = Map::new();
            figures.insert("due".into(), json!(m.due.to_string()));
            figures.insert("slip_days".into(), json!(m.slip_days));
            figures.insert("as_of".into(), json!(end.to_string()));
            let msg = |lang: &str| {
                let (p, ms) = names(lang);
                if lang == "en" {
                    format!(
                        "{}, project {p}: milestone \"{ms}\" was due on {} and is not reported done by {end}: {} days late{}",
                        cx.unit_name(&pj.unit, lang), m.due, m.slip_days, cx.tail(lang)
                    )
                } else {
                    format!(
                        "{}项目“{p}”：节点“{ms}”应于 {} 完成，截至 {end} 未报完成，滞后 {} 天{}",
                        cx.unit_name(&pj.unit, lang),
                        m.due,
                        m.slip_days,
                        cx.tail(lang)
                    )
                }
            };
            push(Warning {
                project: Some(pj.project.clone()),
                milestone: Some(m.milestone.clone()),
                ..cx.warning(&pj.unit, &pj.indicator, through, figures, msg)
            });
        }
    }
}

/// A quarter's mean site-check rating of a rater group below `score`.
fn site_check_below(
    cx: &RuleCx,
    rules: &TrackingRules,
    score: &f64,
    projects: &[ProjectStatus],
    push: &mut dyn FnMut(Warning),
) {
    for pj in projects.iter().filter(|p| cx.applies(&p.indicator)) {
        let name = |lang: &str| {
            rules
                .project(&pj.project)
                .map(|p| p.name.get(lang).to_owned())
                .unwrap_or_default()
        };
        for r in pj.ratings.iter().filter(|r| r.mean < *score) {
            let mut figures = Map::new();
            figures.insert("quarter".into(), json!(r.quarter.to_string()));
            figures.insert("rater".into(), json!(r.rater));
            figures.insert("mean".into(), json!(r.mean));
            figures.insert("n".into(), json!(r.n));
            figures.insert("threshold".into(), json!(score));
            let msg = |lang: &str| {
                if lang == "en" {
                    format!(
                        "{}, project {}: {} site check, mean rating of the {} {} (n = {}), below {}{}",
                        cx.unit_name(&pj.unit, lang), name(lang), r.quarter, r.rater.name().get("en"), d1(r.mean), r.n, score, cx.tail(lang)
                    )
                } else {
                    format!(
                        "{}项目“{}”：{} 现场检查，{}评价均分 {}（{} 份），低于 {} 分{}",
                        cx.unit_name(&pj.unit, lang),
                        name(lang),
                        r.quarter,
                        r.rater.name().get("zh-CN"),
                        d1(r.mean),
                        r.n,
                        score,
                        cx.tail(lang)
                    )
                }
            };
            push(Warning {
                project: Some(pj.project.clone()),
                ..cx.warning(&pj.unit, &pj.indicator, r.quarter, figures, msg)
            });
        }
    }
}
