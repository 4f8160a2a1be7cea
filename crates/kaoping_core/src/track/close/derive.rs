//! Each unit × indicator's figure from the report: data from its series, projects from their
//! milestones, constraints from the events; or the gap, with why.

use super::{DerivedFigure, ProjectRatings, Provenance};
use crate::plan::{Indicator, IndicatorKind, Plan, Unit};
use crate::score::{round_to, IndicatorValue};
use crate::text::Text;
use crate::track::{Basis, InputKind, Series, TrackReport, TrackingRules};

/// Every unit × indicator of the plan (units, then indicators, in plan order).
pub(super) fn derive(plan: &Plan, report: &TrackReport) -> Vec<DerivedFigure> {
    let rules = TrackingRules::of(plan).ok();
    let mut out = Vec::new();
    for unit in &plan.units {
        for ind in &plan.indicators {
            if !ind.weights.contains_key(&unit.category) {
                continue;
            }
            let mut fig = DerivedFigure {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                kind: ind.kind,
                derived: None,
                value: None,
                derived_text: None,
                value_text: None,
                fields: fields(ind),
                sources: Vec::new(),
                gap: None,
                overridden: false,
                site_checks: Vec::new(),
            };
            let made = match ind.kind {
                IndicatorKind::Data => data(report, unit, ind, &mut fig),
                IndicatorKind::Project => project(rules.as_ref(), report, unit, ind, &mut fig),
                IndicatorKind::Constraint => constraint(report, unit, ind, &mut fig),
            };
            match made {
                Ok(v) => {
                    fig.derived = Some(v.clone());
                    fig.value = Some(v);
                }
                Err(why) => fig.gap = Some(why),
            }
            out.push(fig);
        }
    }
    out
}

/// The fields of the indicator's kind an override may set.
fn fields(ind: &Indicator) -> Vec<&'static str> {
    use crate::yearend::{CONSTRAINT_FIELDS, DATA_FIELDS, PROJECT_FIELDS};
    let of = match ind.kind {
        IndicatorKind::Data => DATA_FIELDS,
        IndicatorKind::Project => PROJECT_FIELDS,
        IndicatorKind::Constraint => CONSTRAINT_FIELDS,
    };
    of.iter()
        .map(|f| f.0)
        .filter(|f| *f != "veto" || ind.veto)
        .collect()
}

fn said(zh: &str, en: &str) -> Provenance {
    Provenance {
        text: Text::new(zh, en),
        source: None,
    }
}

/// A figure for the texts: as given, no binary noise (`124.73`, `5`).
fn num(x: f64) -> String {
    crate::cells::format_number(round_to(x, 6) + 0.0)
}

/// A data indicator: the series' value and target at the year's last period.
fn data(
    report: &TrackReport,
    unit: &Unit,
    ind: &Indicator,
    fig: &mut DerivedFigure,
) -> Result<IndicatorValue, Text> {
    let Some(s) = report
        .series
        .iter()
        .find(|s| s.unit == unit.id && s.indicator == ind.id)
    else {
        return Err(Text::new(
            "方案的跟踪管理部分未跟踪此指标",
            "the plan's tracking section does not track this indicator",
        ));
    };
    let through = report.through;
    let Some(last) = s.points.last().filter(|p| p.period == through) else {
        return Err(Text::new(
            &format!("此指标自 {} 起考核，年内无数据", s.start),
            &format!("counted from {}: no period in the year", s.start),
        ));
    };
    let missing: Vec<String> = s.missing.iter().map(ToString::to_string).collect();
    let Some(actual) = last.value else {
        let list = missing.join("、");
        return Err(match s.basis {
            Basis::Sum => Text::new(
                &format!("全年合计缺 {list} 的数据（缺报不补零）"),
                &format!(
                    "the year's sum lacks {} (a missing period is never taken as zero)",
                    missing.join(", ")
                ),
            ),
            _ => Text::new(
                &format!("缺 {through} 的数据"),
                &format!("no figure for {through}"),
            ),
        });
    };
    let Some(target) = s.target else {
        return Err(Text::new(
            "方案和数据均未给出年度目标",
            "neither the plan nor the period files give an annual target",
        ));
    };
    fig.sources.push(value_source(s, actual));
    fig.sources.push(target_source(s, target));
    let baseline = baseline(s);
    if let Some(b) = baseline {
        fig.sources.push(said(
            &format!("基期值 {}：上年同期", num(b)),
            &format!("baseline {}: the same periods last year", num(b)),
        ));
    }
    Ok(IndicatorValue::Data {
        actual,
        target,
        baseline,
    })
}

fn value_source(s: &Series, actual: f64) -> Provenance {
    let (first, last) = (s.start, s.points.last().map_or(s.start, |p| p.period));
    let n = s.points.len();
    let a = num(actual);
    match s.basis {
        Basis::Sum => said(
            &format!("实际值 {a}：{first} 至 {last} 共 {n} 期之和"),
            &format!("actual {a}: the sum of {n} periods, {first} to {last}"),
        ),
        Basis::YearToDate => said(
            &format!("实际值 {a}：{last} 的 1–{last} 累计"),
            &format!("actual {a}: the year to date of {last}"),
        ),
        Basis::Level => said(
            &format!("实际值 {a}：{last} 的数值"),
            &format!("actual {a}: the figure of {last}"),
        ),
    }
}

fn target_source(s: &Series, target: f64) -> Provenance {
    let t = num(target);
    match s.target_source {
        Some("data") => said(
            &format!("目标值 {t}：数据文件中的目标"),
            &format!("target {t}: from the period files"),
        ),
        Some("plan_unit") => said(
            &format!("目标值 {t}：方案为该单位定的目标"),
            &format!("target {t}: the plan's target for the unit"),
        ),
        _ => said(
            &format!("目标值 {t}：方案的目标"),
            &format!("target {t}: the plan's target"),
        ),
    }
}

/// Last year's value over the same periods: the sum of last year's figures (all of them
/// given), or last year's figure of the last period.
fn baseline(s: &Series) -> Option<f64> {
    match s.basis {
        Basis::Sum => {
            let mut sum = 0.0;
            for p in &s.points {
                sum += p.last_year?;
            }
            Some(round_to(sum, 6) + 0.0)
        }
        _ => s.points.last()?.last_year,
    }
}

/// A project indicator: the milestones of the unit's projects under it.
fn project(
    rules: Option<&TrackingRules>,
    report: &TrackReport,
    unit: &Unit,
    ind: &Indicator,
    fig: &mut DerivedFigure,
) -> Result<IndicatorValue, Text> {
    let planned: Vec<_> = rules
        .map(|r| r.projects.as_slice())
        .unwrap_or_default()
        .iter()
        .filter(|p| p.unit == unit.id && p.indicator == ind.id)
        .collect();
    if planned.is_empty() {
        return Err(Text::new(
            "方案的跟踪管理部分没有该单位此项指标的项目",
            "the plan's tracking section has no project of the unit under this indicator",
        ));
    }
    let status: Vec<_> = report
        .projects
        .iter()
        .filter(|p| p.unit == unit.id && p.indicator == ind.id)
        .collect();
    if status.is_empty() {
        return Err(Text::new(
            "未载入项目进展文件",
            "no project reports were loaded",
        ));
    }
    let (mut done, mut total) = (0, 0);
    for p in &status {
        done += p.done;
        total += p.total;
        let name = planned
            .iter()
            .find(|x| x.id == p.project)
            .map_or_else(|| Text::new(&p.project, &p.project), |x| x.name.clone());
        let list = |lang: &str| -> String {
            p.milestones
                .iter()
                .map(|m| match m.done_on {
                    Some(d) if m.status == "done" => format!("{} ✓ {d}", m.milestone),
                    Some(d) => {
                        let late = if lang == "en" { "late" } else { "逾期" };
                        format!("{} ✓ {d} ({late} {})", m.milestone, m.slip_days)
                    }
                    None => format!("{} ✗", m.milestone),
                })
                .collect::<Vec<_>>()
                .join("; ")
        };
        fig.sources.push(said(
            &format!(
                "{}：完成节点 {}/{}（{}）",
                name.get("zh-CN"),
                p.done,
                p.total,
                list("zh-CN")
            ),
            &format!(
                "{}: {} of {} milestones ({})",
                name.get("en"),
                p.done,
                p.total,
                list("en")
            ),
        ));
        if !p.ratings.is_empty() {
            fig.site_checks.push(ProjectRatings {
                project: p.project.clone(),
                ratings: p.ratings.clone(),
            });
        }
    }
    if total == 0 {
        return Err(Text::new("项目没有节点", "the projects have no milestones"));
    }
    Ok(IndicatorValue::Project {
        milestones_done: done,
        milestones_total: total,
    })
}

/// A constraint indicator: passed unless the unit had an event; vetoed by a veto event.
fn constraint(
    report: &TrackReport,
    unit: &Unit,
    ind: &Indicator,
    fig: &mut DerivedFigure,
) -> Result<IndicatorValue, Text> {
    if !report.files.iter().any(|f| f.kind == InputKind::Events) {
        return Err(Text::new(
            "未载入约束事件文件，无法判断",
            "no event file was loaded: nothing to judge by",
        ));
    }
    let events: Vec<_> = report
        .events
        .iter()
        .filter(|e| e.unit == unit.id && e.indicator == ind.id)
        .collect();
    if events.is_empty() {
        let year = report.through.year;
        fig.sources.push(said(
            &format!("{year} 年未报告约束事件：达标"),
            &format!("no event reported in {year}: passed"),
        ));
        return Ok(IndicatorValue::Constraint {
            passed: true,
            veto: false,
            reason: None,
        });
    }
    let mut reasons = Vec::new();
    for e in &events {
        let what = e.description.as_deref().unwrap_or("");
        let veto_zh = if e.veto { "（一票否决）" } else { "" };
        let veto_en = if e.veto { " (veto)" } else { "" };
        fig.sources.push(Provenance {
            text: Text::new(
                &format!("{} {what}{veto_zh}；证据：{}", e.date, e.evidence),
                &format!("{} {what}{veto_en}; evidence: {}", e.date, e.evidence),
            ),
            source: Some(e.source.clone()),
        });
        reasons.push(format!("{} {what}（{}）", e.date, e.evidence));
    }
    let mut reason = Text::default();
    reason.0.insert("zh-CN".to_owned(), reasons.join("；"));
    Ok(IndicatorValue::Constraint {
        passed: false,
        veto: events.iter().any(|e| e.veto),
        reason: Some(reason),
    })
}
