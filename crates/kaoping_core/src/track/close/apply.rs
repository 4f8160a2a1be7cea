//! The office's overrides applied to the derived figures: each names a unit, an indicator of
//! its category, a field of the indicator's kind, a value of that field's type and a reason;
//! a gap may be filled, with every field its kind needs. Any problem refuses them all.

use super::DerivedFigure;
use crate::plan::{IndicatorKind, Plan};
use crate::score::IndicatorValue;
use crate::text::Text;
use crate::yearend::{
    field_key, parse_flag, parse_number, FieldValue, IndicatorOverride, OverrideRequest,
    TableProblem, CONSTRAINT_FIELDS, DATA_FIELDS, PROJECT_FIELDS,
};
use std::collections::BTreeMap;

/// The fields of one figure, each maybe known.
#[derive(Default)]
struct Parts {
    actual: Option<f64>,
    target: Option<f64>,
    baseline: Option<f64>,
    done: Option<f64>,
    total: Option<f64>,
    passed: Option<bool>,
    veto: Option<bool>,
    reason: Option<Text>,
}

impl Parts {
    fn of(v: Option<&IndicatorValue>) -> Parts {
        match v {
            Some(IndicatorValue::Data {
                actual,
                target,
                baseline,
            }) => Parts {
                actual: Some(*actual),
                target: Some(*target),
                baseline: *baseline,
                ..Parts::default()
            },
            Some(IndicatorValue::Project {
                milestones_done,
                milestones_total,
            }) => Parts {
                done: Some(f64::from(*milestones_done)),
                total: Some(f64::from(*milestones_total)),
                ..Parts::default()
            },
            Some(IndicatorValue::Constraint {
                passed,
                veto,
                reason,
            }) => Parts {
                passed: Some(*passed),
                veto: Some(*veto),
                reason: reason.clone(),
                ..Parts::default()
            },
            None => Parts::default(),
        }
    }

    fn get(&self, field: &str) -> Option<FieldValue> {
        let n = |x: Option<f64>| x.map(FieldValue::Number);
        let f = |x: Option<bool>| x.map(FieldValue::Flag);
        match field {
            "actual" => n(self.actual),
            "target" => n(self.target),
            "baseline" => n(self.baseline),
            "milestones_done" => n(self.done),
            "milestones_total" => n(self.total),
            "passed" => f(self.passed),
            _ => f(self.veto),
        }
    }

    fn set(&mut self, field: &str, v: FieldValue) {
        match (field, v) {
            ("actual", FieldValue::Number(x)) => self.actual = Some(x),
            ("target", FieldValue::Number(x)) => self.target = Some(x),
            ("baseline", FieldValue::Number(x)) => self.baseline = Some(x),
            ("milestones_done", FieldValue::Number(x)) => self.done = Some(x),
            ("milestones_total", FieldValue::Number(x)) => self.total = Some(x),
            ("passed", FieldValue::Flag(b)) => self.passed = Some(b),
            ("veto", FieldValue::Flag(b)) => self.veto = Some(b),
            _ => {}
        }
    }

    /// The figure of `kind`, or the fields still missing (zh-CN header, key).
    fn value(
        self,
        kind: IndicatorKind,
    ) -> Result<IndicatorValue, Vec<(&'static str, &'static str)>> {
        match kind {
            IndicatorKind::Data => match (self.actual, self.target) {
                (Some(actual), Some(target)) => Ok(IndicatorValue::Data {
                    actual,
                    target,
                    baseline: self.baseline,
                }),
                (a, t) => Err(missing(&[
                    (a.is_none(), DATA_FIELDS[0]),
                    (t.is_none(), DATA_FIELDS[1]),
                ])),
            },
            IndicatorKind::Project => match (self.done, self.total) {
                (Some(d), Some(t)) => Ok(IndicatorValue::Project {
                    milestones_done: d as u32,
                    milestones_total: t as u32,
                }),
                (d, t) => Err(missing(&[
                    (d.is_none(), PROJECT_FIELDS[0]),
                    (t.is_none(), PROJECT_FIELDS[1]),
                ])),
            },
            IndicatorKind::Constraint => match self.passed {
                Some(passed) => Ok(IndicatorValue::Constraint {
                    passed,
                    veto: self.veto.unwrap_or(false),
                    reason: self.reason,
                }),
                None => Err(vec![CONSTRAINT_FIELDS[0]]),
            },
        }
    }
}

fn missing(which: &[(bool, (&'static str, &'static str))]) -> Vec<(&'static str, &'static str)> {
    which.iter().filter(|w| w.0).map(|w| w.1).collect()
}

/// A problem of the override given at `row`, about its `column`.
fn problem(row: u64, column: &str, zh: &str, en: &str) -> TableProblem {
    TableProblem {
        row,
        column: Some(column.to_owned()),
        cell: None,
        message: Text::new(zh, en),
    }
}

/// Applies `requests` to `figures`; the overrides made, or every problem.
pub(super) fn apply(
    plan: &Plan,
    figures: &mut [DerivedFigure],
    requests: &[OverrideRequest],
) -> Result<Vec<IndicatorOverride>, Vec<TableProblem>> {
    let mut problems = Vec::new();
    let mut made = Vec::new();
    // per figure (its index), its parts as overridden so far and the rows that touched it
    let mut touched: BTreeMap<usize, (Parts, Vec<u64>)> = BTreeMap::new();
    let mut seen: BTreeMap<(usize, &str), u64> = BTreeMap::new();
    for r in requests {
        let Some((i, field, value)) = check(plan, figures, r, &mut problems) else {
            continue;
        };
        if let Some(first) = seen.insert((i, field), r.row) {
            problems.push(problem(
                r.row,
                "field",
                &format!("此项已在第 {first} 行调整"),
                &format!("this field is already overridden in row {first}"),
            ));
            continue;
        }
        let fig = &figures[i];
        let entry = touched
            .entry(i)
            .or_insert_with(|| (Parts::of(fig.derived.as_ref()), Vec::new()));
        made.push(IndicatorOverride {
            unit: fig.unit.clone(),
            indicator: fig.indicator.clone(),
            field: field.to_owned(),
            original: Parts::of(fig.derived.as_ref()).get(field),
            value,
            reason: r.reason.trim().to_owned(),
        });
        entry.0.set(field, value);
        entry.1.push(r.row);
    }
    for (i, (parts, rows)) in touched {
        let fig = &mut figures[i];
        match parts.value(fig.kind) {
            Ok(IndicatorValue::Project {
                milestones_done,
                milestones_total,
            }) if milestones_done > milestones_total => problems.push(problem(
                rows[0],
                "value",
                &format!(
                    "{} {}：已完成节点 {milestones_done} 多于节点总数 {milestones_total}",
                    fig.unit, fig.indicator
                ),
                &format!(
                    "{} {}: {milestones_done} milestones done is more than the {milestones_total} in all",
                    fig.unit, fig.indicator
                ),
            )),
            Ok(v) => {
                fig.value = Some(v);
                fig.overridden = true;
            }
            Err(lack) => {
                let zh: Vec<&str> = lack.iter().map(|l| l.1).collect();
                let en: Vec<&str> = lack.iter().map(|l| l.0).collect();
                problems.push(problem(
                    rows[0],
                    "field",
                    &format!(
                        "{} {} 跟踪数据中没有数值，补填时还须调整：{}",
                        fig.unit,
                        fig.indicator,
                        zh.join("、")
                    ),
                    &format!(
                        "{} {} has no value from tracking; to fill it in, also give: {}",
                        fig.unit,
                        fig.indicator,
                        en.join(", ")
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(made)
    } else {
        problems.sort_by_key(|p| p.row);
        Err(problems)
    }
}

/// The figure an override is of (its index), its field's key and its value; or its problems.
fn check(
    plan: &Plan,
    figures: &[DerivedFigure],
    r: &OverrideRequest,
    problems: &mut Vec<TableProblem>,
) -> Option<(usize, &'static str, FieldValue)> {
    let before = problems.len();
    let row = r.row;
    let (unit, ind, field) = names(plan, r, problems);
    let value = field.and_then(|f| field_value(f, &r.value));
    if let (Some(field), None) = (field, value) {
        let name = |s: &str| s.trim().to_owned();
        let v = name(&r.value);
        let (zh, en) = match field {
            "passed" | "veto" => (
                format!("“{v}”应为“是”或“否”"),
                format!("{v:?} should be yes or no"),
            ),
            "milestones_done" | "milestones_total" => (
                format!("节点数应为不小于 0 的整数，而不是“{v}”"),
                format!("a count of milestones is a whole number ≥ 0, not {v:?}"),
            ),
            _ => (
                format!("“{v}”不是数字（如 12.5，不带单位或 %）"),
                format!("{v:?} is not a number (such as 12.5, without a unit or %)"),
            ),
        };
        problems.push(problem(row, "value", &zh, &en));
    }
    let (Some(unit), Some(ind), Some(field)) = (unit, ind, field) else {
        return None;
    };
    let Some(i) = figures
        .iter()
        .position(|f| f.unit == unit.id && f.indicator == ind.id)
    else {
        problems.push(problem(
            row,
            "indicator",
            &format!("单位“{}”所属类别不考核指标“{}”", unit.id, ind.id),
            &format!(
                "indicator {:?} does not apply to unit {:?} (its category {:?})",
                ind.id, unit.id, unit.category
            ),
        ));
        return None;
    };
    let (fields, kind_zh, kind_en) = match ind.kind {
        IndicatorKind::Data => (DATA_FIELDS, "数据类", "data"),
        IndicatorKind::Project => (PROJECT_FIELDS, "项目类", "project"),
        IndicatorKind::Constraint => (CONSTRAINT_FIELDS, "约束类", "constraint"),
    };
    if !fields.iter().any(|f| f.0 == field) {
        let zh: Vec<&str> = fields.iter().map(|f| f.1).collect();
        let en: Vec<&str> = fields.iter().map(|f| f.0).collect();
        problems.push(problem(
            row,
            "field",
            &format!(
                "{kind_zh}指标“{}”没有此项；可调整：{}",
                ind.id,
                zh.join("、")
            ),
            &format!(
                "a {kind_en} indicator ({}) has no {field}; it has: {}",
                ind.id,
                en.join(", ")
            ),
        ));
        return None;
    }
    if field == "veto" && !ind.veto {
        problems.push(problem(
            row,
            "field",
            &format!("指标“{}”不是一票否决指标", ind.id),
            &format!("indicator {:?} has no veto", ind.id),
        ));
    }
    (problems.len() == before).then_some((i, field, value?))
}

/// The unit, indicator and field an override names, each problem pushed (its reason too).
fn names<'p>(
    plan: &'p Plan,
    r: &OverrideRequest,
    problems: &mut Vec<TableProblem>,
) -> (
    Option<&'p crate::plan::Unit>,
    Option<&'p crate::plan::Indicator>,
    Option<&'static str>,
) {
    let row = r.row;
    if r.reason.trim().is_empty() {
        problems.push(problem(
            row,
            "reason",
            "调整须写明原因（必填）",
            "an override needs a reason (required)",
        ));
    }
    let name = |s: &str| s.trim().to_owned();
    let unit = plan
        .units
        .iter()
        .find(|u| u.id == r.unit.trim() || u.name.0.values().any(|n| n.trim() == r.unit.trim()));
    if unit.is_none() {
        problems.push(problem(
            row,
            "unit",
            &format!("方案中没有单位“{}”（填单位编号或名称）", name(&r.unit)),
            &format!(
                "the plan has no unit {:?} (give the unit's id or name)",
                name(&r.unit)
            ),
        ));
    }
    let ind = plan.indicators.iter().find(|i| {
        i.id == r.indicator.trim() || i.name.0.values().any(|n| n.trim() == r.indicator.trim())
    });
    if ind.is_none() {
        problems.push(problem(
            row,
            "indicator",
            &format!("方案中没有指标“{}”（填指标编号或名称）", name(&r.indicator)),
            &format!(
                "the plan has no indicator {:?} (give the indicator's id or name)",
                name(&r.indicator)
            ),
        ));
    }
    let field = field_key(&r.field);
    if field.is_none() {
        problems.push(problem(
            row,
            "field",
            &format!(
                "“{}”不是可调整的项（实际值、目标值、基期值、已完成节点、节点总数、是否达标、一票否决）",
                name(&r.field)
            ),
            &format!(
                "{:?} is not a field that can be overridden (actual, target, baseline, milestones_done, milestones_total, passed, veto)",
                name(&r.field)
            ),
        ));
    }
    (unit, ind, field)
}

/// The typed value of a field from its text.
fn field_value(field: &str, text: &str) -> Option<FieldValue> {
    match field {
        "passed" | "veto" => parse_flag(text).map(FieldValue::Flag),
        "milestones_done" | "milestones_total" => parse_number(text)
            .filter(|v| *v >= 0.0 && v.fract() == 0.0 && *v <= f64::from(u32::MAX))
            .map(FieldValue::Number),
        _ => parse_number(text).map(FieldValue::Number),
    }
}
