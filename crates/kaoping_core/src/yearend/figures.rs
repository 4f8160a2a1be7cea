//! Indicator figures from a table: one row per unit and indicator, the value columns that the
//! indicator's kind uses (数据类 actual, target, baseline; 项目类 milestones done and total;
//! 约束类 passed, veto, reason).

use super::sheet::{self, Field, Sheet, SheetRow};
use super::{TableProblem, TableRead, YearEndError};
use crate::plan::{Indicator, IndicatorKind, Plan, Unit};
use crate::score::{IndicatorInput, IndicatorValue};
use crate::text::Text;
use std::collections::BTreeMap;

pub(super) const UNIT: usize = 0;
pub(super) const INDICATOR: usize = 1;
const ACTUAL: usize = 2;
const TARGET: usize = 3;
const BASELINE: usize = 4;
const DONE: usize = 5;
const TOTAL: usize = 6;
const PASSED: usize = 7;
const VETO: usize = 8;
const REASON_ZH: usize = 9;
const REASON_EN: usize = 10;

/// The columns of a figures table; the first name of each is the template's zh-CN header.
pub(super) const FIELDS: &[Field] = &[
    sheet::UNIT_FIELD,
    Field {
        key: "indicator",
        names: &["指标", "指标编号", "指标名称", "indicator", "indicator_id"],
    },
    Field {
        key: "actual",
        names: &["实际值", "完成值", "实际完成值", "actual"],
    },
    Field {
        key: "target",
        names: &["目标值", "年度目标", "目标", "target"],
    },
    Field {
        key: "baseline",
        names: &["基期值", "基数", "上年值", "baseline"],
    },
    Field {
        key: "milestones_done",
        names: &["已完成节点", "完成节点数", "milestones_done"],
    },
    Field {
        key: "milestones_total",
        names: &["节点总数", "计划节点数", "milestones_total"],
    },
    Field {
        key: "passed",
        names: &["是否达标", "达标", "是否通过", "passed"],
    },
    Field {
        key: "veto",
        names: &["一票否决", "否决", "veto"],
    },
    Field {
        key: "reason",
        names: &["原因", "说明", "reason::zh-CN"],
    },
    Field {
        key: "reason_en",
        names: &["reason", "reason::en"],
    },
];

/// Reads indicator figures from `bytes` (see the module doc of [`super`]).
pub fn read_figures(
    plan: &Plan,
    file: &str,
    bytes: &[u8],
) -> Result<TableRead<IndicatorInput>, YearEndError> {
    let sheet = sheet::open(file, bytes, FIELDS, &[UNIT, INDICATOR])?;
    let names = Names::new(plan);
    let mut out = TableRead {
        entries: Vec::new(),
        blank_rows: Vec::new(),
    };
    let mut problems = Vec::new();
    let mut seen: BTreeMap<(String, String), u64> = BTreeMap::new();
    for row in &sheet.rows {
        let read = figure(&sheet, row, &names);
        match read {
            Ok(Some(f)) => out.entries.push(f),
            Ok(None) => {
                out.blank_rows.push(row.number);
                continue;
            }
            Err(p) => problems.extend(p),
        }
        // Twice the same unit and indicator, whether or not either row is right.
        let key = names.key(sheet.cell(row, UNIT), sheet.cell(row, INDICATOR));
        if let Some(first) = key.and_then(|k| seen.insert(k, row.number)) {
            problems.push(sheet.problem(
                row,
                Some(INDICATOR),
                Text::new(
                    &format!("该单位的此项指标已在第 {first} 行填写"),
                    &format!("this unit's figure for the indicator is already in row {first}"),
                ),
            ));
        }
    }
    sheet::done(file, out, problems)
}

/// The plan's units and indicators by id and by name in every language.
pub(super) struct Names<'p> {
    pub(super) units: BTreeMap<&'p str, &'p Unit>,
    indicators: BTreeMap<&'p str, &'p Indicator>,
}

impl<'p> Names<'p> {
    pub(super) fn new(plan: &'p Plan) -> Names<'p> {
        let mut units = BTreeMap::new();
        for u in &plan.units {
            for n in u.name.0.values() {
                units.entry(n.trim()).or_insert(u);
            }
        }
        for u in &plan.units {
            units.insert(u.id.as_str(), u);
        }
        let mut indicators = BTreeMap::new();
        for i in &plan.indicators {
            for n in i.name.0.values() {
                indicators.entry(n.trim()).or_insert(i);
            }
        }
        for i in &plan.indicators {
            indicators.insert(i.id.as_str(), i);
        }
        Names { units, indicators }
    }

    /// The unit that row `row`'s cell of field `f` names, or the problem that it names none.
    pub(super) fn unit(
        &self,
        sheet: &Sheet,
        row: &SheetRow,
        f: usize,
    ) -> Result<&'p Unit, TableProblem> {
        let cell = sheet.cell(row, f);
        self.units.get(cell).copied().ok_or_else(|| {
            let zh = format!("方案中没有单位“{cell}”（填单位编号或名称）");
            let en = format!("the plan has no unit {cell:?} (give the unit's id or name)");
            sheet.problem(row, Some(f), Text::new(&zh, &en))
        })
    }

    /// The unit and indicator ids that two cells name, when both are the plan's.
    fn key(&self, unit: &str, indicator: &str) -> Option<(String, String)> {
        let u = self.units.get(unit)?;
        let i = self.indicators.get(indicator)?;
        Some((u.id.clone(), i.id.clone()))
    }
}

/// The figure of one row, `None` for a row whose value cells are all empty.
fn figure(
    sheet: &Sheet,
    row: &SheetRow,
    names: &Names,
) -> Result<Option<IndicatorInput>, Vec<TableProblem>> {
    let at = |f: usize, zh: String, en: String| sheet.problem(row, Some(f), Text::new(&zh, &en));
    let ind_cell = sheet.cell(row, INDICATOR);
    let mut problems = Vec::new();
    let unit = names
        .unit(sheet, row, UNIT)
        .map_err(|p| problems.push(p))
        .ok();
    let ind = names.indicators.get(ind_cell).copied();
    if ind.is_none() {
        problems.push(at(
            INDICATOR,
            format!("方案中没有指标“{ind_cell}”（填指标编号或名称）"),
            format!("the plan has no indicator {ind_cell:?} (give the indicator's id or name)"),
        ));
    }
    let (Some(unit), Some(ind)) = (unit, ind) else {
        return Err(problems);
    };
    if !ind.weights.contains_key(&unit.category) {
        return Err(vec![at(
            INDICATOR,
            format!("单位“{}”所属类别不考核指标“{}”", unit.id, ind.id),
            format!(
                "indicator {:?} does not apply to unit {:?} (its category {:?})",
                ind.id, unit.id, unit.category
            ),
        )]);
    }
    let value_fields = [
        ACTUAL, TARGET, BASELINE, DONE, TOTAL, PASSED, VETO, REASON_ZH, REASON_EN,
    ];
    if value_fields.iter().all(|&f| sheet.cell(row, f).is_empty()) {
        return Ok(None);
    }
    let mut cx = RowCx {
        sheet,
        row,
        problems: Vec::new(),
    };
    let value = match ind.kind {
        IndicatorKind::Data => cx.data(),
        IndicatorKind::Project => cx.project(),
        IndicatorKind::Constraint => cx.constraint(),
    };
    match value {
        Some(value) if cx.problems.is_empty() => Ok(Some(IndicatorInput {
            unit: unit.id.clone(),
            indicator: ind.id.clone(),
            value,
        })),
        _ => Err(cx.problems),
    }
}

/// Reading the value cells of one row, gathering its problems.
struct RowCx<'a> {
    sheet: &'a Sheet,
    row: &'a SheetRow,
    problems: Vec<TableProblem>,
}

impl RowCx<'_> {
    fn problem(&mut self, f: usize, zh: &str, en: &str) {
        let p = self.sheet.problem(self.row, Some(f), Text::new(zh, en));
        self.problems.push(p);
    }

    fn cell(&self, f: usize) -> &str {
        self.sheet.cell(self.row, f)
    }

    /// The columns of other kinds must be empty, so that a figure is never put in the
    /// wrong place and silently ignored.
    fn unused(&mut self, fields: &[usize], kind_zh: &str, kind_en: &str) {
        for &f in fields {
            let c = self.cell(f);
            if !c.is_empty() {
                let zh = format!("{kind_zh}指标不用此列（“{c}”）；请清空或检查指标");
                let en = format!("a {kind_en} indicator does not use this column ({c:?}); clear it or check the indicator");
                self.problem(f, &zh, &en);
            }
        }
    }

    /// A number, or a problem; `None` for an empty optional cell.
    fn number(&mut self, f: usize, required: bool) -> Option<f64> {
        let c = self.cell(f).to_owned();
        if c.is_empty() {
            if required {
                self.problem(f, "缺少数值", "a number is missing");
            }
            return None;
        }
        match parse_number(&c) {
            Some(v) => Some(v),
            None => {
                let zh = format!("“{c}”不是数字（如 12.5，不带单位或 %）");
                let en = format!("{c:?} is not a number (such as 12.5, without a unit or %)");
                self.problem(f, &zh, &en);
                None
            }
        }
    }

    fn data(&mut self) -> Option<IndicatorValue> {
        self.unused(&[DONE, TOTAL, PASSED, VETO], "数据类", "data");
        let actual = self.number(ACTUAL, true);
        let target = self.number(TARGET, true);
        let baseline = self.number(BASELINE, false);
        Some(IndicatorValue::Data {
            actual: actual?,
            target: target?,
            baseline,
        })
    }

    fn project(&mut self) -> Option<IndicatorValue> {
        self.unused(
            &[ACTUAL, TARGET, BASELINE, PASSED, VETO],
            "项目类",
            "project",
        );
        let done = self.count(DONE);
        let total = self.count(TOTAL);
        let (done, total) = (done?, total?);
        if done > total {
            let zh = format!("已完成节点 {done} 多于节点总数 {total}");
            let en = format!("{done} milestones done is more than the {total} in all");
            self.problem(DONE, &zh, &en);
            return None;
        }
        Some(IndicatorValue::Project {
            milestones_done: done,
            milestones_total: total,
        })
    }

    fn constraint(&mut self) -> Option<IndicatorValue> {
        self.unused(
            &[ACTUAL, TARGET, BASELINE, DONE, TOTAL],
            "约束类",
            "constraint",
        );
        let passed = self.flag(PASSED, true);
        let veto = self.flag(VETO, false).unwrap_or(false);
        let mut reason = Text::default();
        for (f, lang) in [(REASON_ZH, "zh-CN"), (REASON_EN, "en")] {
            let c = self.cell(f);
            if !c.is_empty() {
                reason.0.insert(lang.to_owned(), c.to_owned());
            }
        }
        Some(IndicatorValue::Constraint {
            passed: passed?,
            veto,
            reason: (!reason.0.is_empty()).then_some(reason),
        })
    }

    /// A whole number ≥ 0 (milestones).
    fn count(&mut self, f: usize) -> Option<u32> {
        let v = self.number(f, true)?;
        if v >= 0.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) {
            return Some(v as u32);
        }
        let zh = format!("节点数应为不小于 0 的整数，而不是 {v}");
        let en = format!("a count of milestones is a whole number ≥ 0, not {v}");
        self.problem(f, &zh, &en);
        None
    }

    /// Yes or no: 是/否, 达标/未达标, 通过/未通过, true/false, yes/no, 1/0, √/×.
    fn flag(&mut self, f: usize, required: bool) -> Option<bool> {
        let c = self.cell(f).to_owned();
        if c.is_empty() {
            if required {
                self.problem(f, "缺少“是”或“否”", "yes or no is missing");
            }
            return None;
        }
        match parse_flag(&c) {
            Some(b) => Some(b),
            None => {
                let zh = format!("“{c}”应为“是”或“否”");
                let en = format!("{c:?} should be yes or no");
                self.problem(f, &zh, &en);
                None
            }
        }
    }
}

/// A plain decimal (`12.5`, `-3`, `1e3`), with thousands separators allowed (`1,234.5`, as
/// spreadsheets format numbers); not a percentage or a number with a unit.
pub(crate) fn parse_number(cell: &str) -> Option<f64> {
    let plain: String = cell.chars().filter(|&c| c != ',').collect();
    if cell.contains(',') && !grouped_right(cell) {
        return None;
    }
    let v: f64 = plain.trim().parse().ok()?;
    v.is_finite().then_some(v)
}

/// Whether the commas of `cell` group its integer digits by three (`1,234,567.5`).
fn grouped_right(cell: &str) -> bool {
    let int = cell.trim().trim_start_matches(['-', '+']);
    let int = int.split('.').next().unwrap_or("");
    let groups: Vec<&str> = int.split(',').collect();
    groups.len() > 1
        && (1..=3).contains(&groups[0].len())
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.bytes().all(|b| b.is_ascii_digit()))
}

pub(crate) fn parse_flag(cell: &str) -> Option<bool> {
    let c = cell.trim().to_lowercase();
    match c.as_str() {
        "是" | "达标" | "通过" | "合格" | "true" | "yes" | "y" | "1" | "√" | "✓" => {
            Some(true)
        }
        "否" | "未达标" | "不达标" | "未通过" | "不合格" | "false" | "no" | "n" | "0" | "×"
        | "✗" => Some(false),
        _ => None,
    }
}
