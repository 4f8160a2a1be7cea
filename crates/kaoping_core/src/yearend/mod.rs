//! Year-end data as tables an office keeps in Excel, WPS or any survey tool's export: the
//! year's indicator figures (数据类 actual and target, 项目类 milestones, 约束类 passed and veto)
//! and earlier years' grades (history), read from CSV (UTF-8, UTF-16 or GB18030) or an XLSX
//! workbook's first sheet and checked against the plan; templates pre-filled with the plan's
//! units × indicators; and next year's history carried forward from this year's result.
//!
//! **Columns** are found by name, in zh-CN or English (the template's own headers, the JSON
//! field names, and the usual spellings: 单位/责任单位, 指标, 实际值/完成值, 目标值, 基期值,
//! 已完成节点, 节点总数, 是否达标, 一票否决, 原因; 年度, 等次, 班子等次). A unit is given by
//! its id or its name in any plan language, an indicator likewise, a grade by its id or its
//! label. Other columns (the template's 单位名称, 指标类型) are read past.
//!
//! **Nothing is dropped.** A file with any problem is refused whole, with every problem listed
//! by row, column and cell reference (`D7`), so that scores are never computed on part of an
//! office's figures. A row whose value cells are all empty (a template row not yet filled)
//! gives nothing and is counted in [`TableRead::blank_rows`]; the caller says how many.

mod figures;
mod files;
mod history;
mod overrides;
pub mod sheet;
mod template;

pub use figures::read_figures;
pub(crate) use figures::{parse_flag, parse_number};
pub use files::{
    carry_forward_file, table_bytes, template_file, FileFormat, NamedFile, TemplateKind,
};
pub use history::{carry_forward, read_history};
pub use overrides::{
    field_key, read_overrides, FieldValue, IndicatorOverride, OverrideRequest, CONSTRAINT_FIELDS,
    DATA_FIELDS, PROJECT_FIELDS,
};
pub use template::{figures_template, history_template};

use crate::text::Text;
use serde::Serialize;

/// One problem of a year-end table, where it is.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TableProblem {
    /// The spreadsheet row (the header is row 1).
    pub row: u64,
    /// The column's header, as written.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// The cell's A1 reference (`D7`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cell: Option<String>,
    pub message: Text,
}

impl TableProblem {
    /// `D7 (实际值): …` in `lang`.
    pub fn describe(&self, lang: &str) -> String {
        let row = if lang == "en" {
            format!("row {}", self.row)
        } else {
            format!("第 {} 行", self.row)
        };
        let at = match (&self.cell, &self.column) {
            (Some(c), Some(h)) => format!("{c} ({h})"),
            (Some(c), None) => c.clone(),
            (None, Some(h)) => format!("{row} ({h})"),
            (None, None) => row,
        };
        format!("{at}: {}", self.message.get(lang))
    }
}

/// Why a year-end file could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum YearEndError {
    #[error("{file}: {error}")]
    Workbook {
        file: String,
        error: crate::xlsx::XlsxError,
    },
    #[error("{file}: the header row lacks the column(s) {missing}")]
    MissingColumns { file: String, missing: String },
    #[error("{file}: more than {max} rows; a year-end table has one row per unit and indicator")]
    TooManyRows { file: String, max: usize },
    #[error("{name}: write a .csv, .xlsx or (history only) .json file")]
    OutName { name: String },
    #[error("{file}: not a kaoping result.json: {why}")]
    NotAResult { file: String, why: String },
    #[error(
        "{file} was scored with another plan (fingerprint {found}; this plan's is {expected})"
    )]
    OtherPlan {
        file: String,
        found: String,
        expected: String,
    },
    #[error(
        "{file}: not history JSON ({{\"history\": [{{unit, year, grade, team_grade}}]}}): {why}"
    )]
    HistoryJson { file: String, why: String },
    #[error("{file}: {} problem(s), nothing was read; {}", problems.len(), list(problems, "en"))]
    Rows {
        file: String,
        problems: Vec<TableProblem>,
    },
}

impl YearEndError {
    /// The file the error is about.
    pub fn file(&self) -> &str {
        match self {
            YearEndError::Workbook { file, .. }
            | YearEndError::MissingColumns { file, .. }
            | YearEndError::TooManyRows { file, .. }
            | YearEndError::Rows { file, .. }
            | YearEndError::NotAResult { file, .. }
            | YearEndError::OtherPlan { file, .. }
            | YearEndError::HistoryJson { file, .. } => file,
            YearEndError::OutName { name } => name,
        }
    }
}

/// At most this many problems are written out in an error's text (all are in the error).
pub const PROBLEMS_SHOWN: usize = 20;

/// The first [`PROBLEMS_SHOWN`] problems, `; `-separated, in `lang`.
pub(crate) fn list(problems: &[TableProblem], lang: &str) -> String {
    let mut out: Vec<String> = problems
        .iter()
        .take(PROBLEMS_SHOWN)
        .map(|p| p.describe(lang))
        .collect();
    if problems.len() > PROBLEMS_SHOWN {
        out.push(if lang == "en" {
            format!("and {} more", problems.len() - PROBLEMS_SHOWN)
        } else {
            format!("另有 {} 处", problems.len() - PROBLEMS_SHOWN)
        });
    }
    out.join("; ")
}

/// What a year-end table gave: its entries, and the rows left blank (a unit, maybe an
/// indicator or a year, and every value cell empty: a template row not filled in).
#[derive(Debug, Clone, PartialEq)]
pub struct TableRead<T> {
    pub entries: Vec<T>,
    /// The spreadsheet row numbers of the blank rows.
    pub blank_rows: Vec<u64>,
}

/// Whether a table's header row is that of indicator figures or of history: it names a unit,
/// an indicator and at least one value column (figures), or a unit, a year and a grade
/// (history), and no `respondent_id`. Used to tell these files from response tables, whose
/// columns are question ids (a question may well be called `unit`); `None` for anything else.
pub fn kind_of_header(header: &[String]) -> Option<YearEndKind> {
    let has = |f: &[sheet::Field], key: &str| {
        let field = f.iter().find(|x| x.key == key).expect("known field");
        header
            .iter()
            .any(|h| field.names.iter().any(|n| n.eq_ignore_ascii_case(h.trim())))
    };
    let respondents = header
        .iter()
        .any(|h| ["respondent_id", "答卷编号"].contains(&h.trim()));
    let (ff, hf) = (figures::FIELDS, history::FIELDS);
    let values = [
        "actual",
        "target",
        "milestones_done",
        "milestones_total",
        "passed",
    ];
    if respondents {
        None
    } else if has(ff, "unit") && has(ff, "indicator") && values.iter().any(|v| has(ff, v)) {
        Some(YearEndKind::Figures)
    } else if has(hf, "unit") && has(hf, "year") && has(hf, "grade") {
        Some(YearEndKind::History)
    } else {
        None
    }
}

/// The cells of a table's first line (CSV, comma- or tab-separated, quotes allowed).
pub fn header_cells(line: &str) -> Vec<String> {
    let line = line.strip_prefix('\u{feff}').unwrap_or(line);
    let line = line.lines().next().unwrap_or("");
    let delimiter = if line.contains('\t') { b'\t' } else { b',' };
    let mut tok = crate::table::csv::Tokenizer::new(delimiter);
    let mut cells = Vec::new();
    let mut take = |r: &crate::table::csv::Row| {
        if cells.is_empty() {
            cells = (0..r.len())
                .map(|i| String::from_utf8_lossy(r.field(i)).trim().to_owned())
                .collect();
        }
    };
    tok.feed(line.as_bytes(), &mut take);
    tok.finish(&mut take);
    cells
}

/// The two kinds of year-end table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum YearEndKind {
    Figures,
    History,
}

#[cfg(test)]
pub(crate) mod tests;
