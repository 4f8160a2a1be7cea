//! Blank year-end tables for the office to fill: one row per unit and indicator that applies
//! to its category (figures), one row per unit for last year (history). Their headers are the
//! names the readers know first, so a filled template reads back as it is.

use crate::cells::{Cell, Table};
use crate::plan::{IndicatorKind, Plan};

/// The figures template in `lang` (`zh-CN` or `en`): unit, its name, indicator, its name, kind
/// and measure (read past), then the value columns, empty.
pub fn figures_template(plan: &Plan, lang: &str) -> Table {
    let en = lang == "en";
    let headers: &[&str] = if en {
        &[
            "unit",
            "unit_name",
            "indicator",
            "indicator_name",
            "kind",
            "measure",
            "actual",
            "target",
            "baseline",
            "milestones_done",
            "milestones_total",
            "passed",
            "veto",
            "reason",
        ]
    } else {
        &[
            "单位",
            "单位名称",
            "指标",
            "指标名称",
            "指标类型",
            "计量单位",
            "实际值",
            "目标值",
            "基期值",
            "已完成节点",
            "节点总数",
            "是否达标",
            "一票否决",
            "原因",
        ]
    };
    let mut rows = Vec::new();
    for u in &plan.units {
        for i in &plan.indicators {
            if !i.weights.contains_key(&u.category) {
                continue;
            }
            let kind = match (i.kind, en) {
                (IndicatorKind::Data, false) => "数据类",
                (IndicatorKind::Project, false) => "项目类",
                (IndicatorKind::Constraint, false) => "约束类",
                (IndicatorKind::Data, true) => "data",
                (IndicatorKind::Project, true) => "project",
                (IndicatorKind::Constraint, true) => "constraint",
            };
            let measure = i.measure.as_ref().map(|m| m.get(lang).to_owned());
            let mut row = vec![
                Cell::Text(u.id.clone()),
                Cell::Text(u.name.get(lang).to_owned()),
                Cell::Text(i.id.clone()),
                Cell::Text(i.name.get(lang).to_owned()),
                Cell::Text(kind.to_owned()),
                measure.map_or(Cell::Empty, Cell::Text),
            ];
            row.resize(headers.len(), Cell::Empty);
            rows.push(row);
        }
    }
    Table {
        id: "figures".into(),
        title: if en {
            "Indicator figures"
        } else {
            "指标数据"
        }
        .into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

/// The history template in `lang`: one row per unit for the year before the plan's, grade and
/// team grade empty.
pub fn history_template(plan: &Plan, lang: &str) -> Table {
    let en = lang == "en";
    let headers: &[&str] = if en {
        &["unit", "unit_name", "year", "grade", "team_grade"]
    } else {
        &["单位", "单位名称", "年度", "等次", "班子等次"]
    };
    let rows = plan
        .units
        .iter()
        .map(|u| {
            vec![
                Cell::Text(u.id.clone()),
                Cell::Text(u.name.get(lang).to_owned()),
                Cell::Number(f64::from(plan.year - 1)),
                Cell::Empty,
                Cell::Empty,
            ]
        })
        .collect();
    Table {
        id: "history".into(),
        title: if en { "History" } else { "往年等次" }.into(),
        headers: headers.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}
