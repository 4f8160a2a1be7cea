//! The office's overrides of year-end indicator figures (人工调整): a table with one row per
//! changed field (unit, indicator, field, new value, reason), and the record of each override
//! kept with the figures and in the aggregation's manifest (original value, new value, reason).
//!
//! Reading the table only reads its cells; what an override may change is checked against the
//! plan and the figures where it is applied (`track::close`), so that the page's overrides and
//! a file's go through the same checks.

use super::sheet::{self, Field};
use super::YearEndError;
use serde::{Deserialize, Serialize};

const UNIT: usize = 0;
const INDICATOR: usize = 1;
const FIELD: usize = 2;
const VALUE: usize = 3;
const REASON: usize = 4;

/// The columns of an overrides table; the first name of each is its zh-CN header.
const FIELDS: &[Field] = &[
    sheet::UNIT_FIELD,
    Field {
        key: "indicator",
        names: &["指标", "指标编号", "指标名称", "indicator", "indicator_id"],
    },
    Field {
        key: "field",
        names: &["调整项", "字段", "项目", "field"],
    },
    Field {
        key: "value",
        names: &["调整后", "新值", "调整值", "value", "new_value"],
    },
    Field {
        key: "reason",
        names: &["调整原因", "原因", "理由", "reason"],
    },
];

/// One override the office asks for: a field of a unit's figure for an indicator set to a
/// value (the cell's text, read by the field's kind where it is applied), with its reason.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OverrideRequest {
    /// The unit's id or its name in any plan language.
    pub unit: String,
    /// The indicator's id or its name in any plan language.
    pub indicator: String,
    /// `actual`, `target`, `baseline`, `milestones_done`, `milestones_total`, `passed`, `veto`
    /// (or the figures table's header: 实际值, 目标值, 基期值, 已完成节点, 节点总数, 是否达标, 一票否决).
    pub field: String,
    /// The new value as typed: a number, a whole number of milestones, or yes/no (是/否).
    pub value: String,
    /// Why (required).
    #[serde(default)]
    pub reason: String,
    /// Where the override was given: the spreadsheet row of a file (the header is row 1), or
    /// its place in the page's list (from 1).
    #[serde(default)]
    pub row: u64,
}

/// A value of one field of a figure.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum FieldValue {
    Flag(bool),
    Number(f64),
}

/// An override made: the field's value before (none where tracking had no value) and after,
/// and why. Kept in the year-end figures file and in the manifest entry of that file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IndicatorOverride {
    pub unit: String,
    pub indicator: String,
    /// The field's key (`actual`, `milestones_done`, `veto`, …).
    pub field: String,
    /// The value derived from tracking; none for a gap.
    pub original: Option<FieldValue>,
    pub value: FieldValue,
    pub reason: String,
}

/// Reads an overrides table (CSV in any encoding, or an XLSX workbook's first sheet): columns
/// unit, indicator, field, value, reason, by their names in either language.
pub fn read_overrides(file: &str, bytes: &[u8]) -> Result<Vec<OverrideRequest>, YearEndError> {
    let sheet = sheet::open(
        file,
        bytes,
        FIELDS,
        &[UNIT, INDICATOR, FIELD, VALUE, REASON],
    )?;
    Ok(sheet
        .rows
        .iter()
        .map(|row| OverrideRequest {
            unit: sheet.cell(row, UNIT).to_owned(),
            indicator: sheet.cell(row, INDICATOR).to_owned(),
            field: sheet.cell(row, FIELD).to_owned(),
            value: sheet.cell(row, VALUE).to_owned(),
            reason: sheet.cell(row, REASON).to_owned(),
            row: row.number,
        })
        .collect())
}

/// The fields of a figure an override may set, by kind: (key, zh-CN header).
pub const DATA_FIELDS: &[(&str, &str)] = &[
    ("actual", "实际值"),
    ("target", "目标值"),
    ("baseline", "基期值"),
];
pub const PROJECT_FIELDS: &[(&str, &str)] = &[
    ("milestones_done", "已完成节点"),
    ("milestones_total", "节点总数"),
];
pub const CONSTRAINT_FIELDS: &[(&str, &str)] = &[("passed", "是否达标"), ("veto", "一票否决")];

/// The key of the field a cell names: a key, or a name the figures table knows it by.
pub fn field_key(cell: &str) -> Option<&'static str> {
    let c = cell.trim();
    super::figures::FIELDS
        .iter()
        .find(|f| f.names.iter().any(|n| n.eq_ignore_ascii_case(c)))
        .map(|f| f.key)
        .filter(|k| {
            DATA_FIELDS
                .iter()
                .chain(PROJECT_FIELDS)
                .chain(CONSTRAINT_FIELDS)
                .any(|(key, _)| key == k)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overrides_table_is_read_in_either_language() {
        let csv = "单位,指标,调整项,调整后,调整原因\n江岸区,gdp_growth,实际值,6.1,统计局年报修订\n\njiangan,ecology,veto,否,\n";
        let rows = read_overrides("o.csv", csv.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].unit, "江岸区");
        assert_eq!(rows[0].field, "实际值");
        assert_eq!(rows[0].reason, "统计局年报修订");
        assert_eq!(rows[0].row, 2);
        // the blank line keeps its number; an empty reason is read, and refused where applied
        assert_eq!(rows[1].row, 4);
        assert_eq!(rows[1].reason, "");
        let en = "unit,indicator,field,value,reason\njiangan,gdp_growth,actual,6.1,revised\n";
        assert_eq!(
            read_overrides("o.csv", en.as_bytes()).unwrap()[0].value,
            "6.1"
        );
    }

    #[test]
    fn an_overrides_table_without_a_reason_column_is_refused() {
        let csv = "unit,indicator,field,value\njiangan,gdp_growth,actual,6.1\n";
        match read_overrides("o.csv", csv.as_bytes()) {
            Err(YearEndError::MissingColumns { missing, .. }) => {
                assert!(missing.contains("reason"), "{missing}")
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn fields_are_known_by_key_and_by_header() {
        assert_eq!(field_key("实际值"), Some("actual"));
        assert_eq!(field_key("Milestones_Done"), Some("milestones_done"));
        assert_eq!(field_key("一票否决"), Some("veto"));
        assert_eq!(field_key("reason"), None);
        assert_eq!(field_key("unit"), None);
    }
}
