//! The year-end files as the CLI and the office page hand them out: a template as CSV or
//! XLSX, and next year's history as JSON, CSV or XLSX from this year's result.json and this
//! year's history files. One call each, so both front ends write the same bytes.

use super::{carry_forward, history_template, read_history, YearEndError};
use crate::cells::{Cell, Table};
use crate::plan::Plan;
use crate::score::{EvaluationResult, HistoryEntry};
use serde::{Deserialize, Serialize};

/// A file format the year-end files are written in, from the file's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FileFormat {
    /// UTF-8 with a BOM and CRLF, as Excel opens it.
    Csv,
    Xlsx,
    /// `{"history": […]}` (history only).
    Json,
}

impl FileFormat {
    /// The format a file name asks for (`.csv`, `.xlsx`, `.json`, any case).
    pub fn of_name(name: &str) -> Result<FileFormat, YearEndError> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".csv") {
            Ok(FileFormat::Csv)
        } else if lower.ends_with(".xlsx") {
            Ok(FileFormat::Xlsx)
        } else if lower.ends_with(".json") {
            Ok(FileFormat::Json)
        } else {
            Err(YearEndError::OutName {
                name: name.to_owned(),
            })
        }
    }
}

/// The two year-end templates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum TemplateKind {
    /// Indicator figures: a row per unit and indicator that applies to it.
    Figures,
    /// Last year's grades: a row per unit.
    History,
}

/// A table's bytes as CSV or XLSX (JSON is not a table format: CSV is written).
pub fn table_bytes(table: &Table, format: FileFormat) -> Vec<u8> {
    match format {
        FileFormat::Xlsx => crate::xlsx::write_tables(std::slice::from_ref(table)),
        FileFormat::Csv | FileFormat::Json => crate::export::csv::to_csv(table).into_bytes(),
    }
}

/// The template `kind` for `plan` in `lang`, as the file `name` (`.csv` or `.xlsx`), and its
/// number of rows.
pub fn template_file(
    plan: &Plan,
    kind: TemplateKind,
    lang: &str,
    name: &str,
) -> Result<(Vec<u8>, usize), YearEndError> {
    let format = match FileFormat::of_name(name)? {
        FileFormat::Json => {
            return Err(YearEndError::OutName {
                name: name.to_owned(),
            })
        }
        f => f,
    };
    let table = match kind {
        TemplateKind::Figures => super::figures_template(plan, lang),
        TemplateKind::History => history_template(plan, lang),
    };
    Ok((table_bytes(&table, format), table.rows.len()))
}

/// A file given by name and bytes.
#[derive(Debug, Clone, Copy)]
pub struct NamedFile<'a> {
    pub name: &'a str,
    pub bytes: &'a [u8],
}

/// Next year's history written as `out_name` (`.json`, `.csv`, `.xlsx`): this year's grades
/// from `result` (a result.json of `plan`) and the entries of `history` (JSON or tables, as
/// aggregate reads them). Returns the bytes and the entries.
pub fn carry_forward_file(
    plan: &Plan,
    result: NamedFile,
    history: &[NamedFile],
    lang: &str,
    out_name: &str,
) -> Result<(Vec<u8>, Vec<HistoryEntry>), YearEndError> {
    let format = FileFormat::of_name(out_name)?;
    let result: EvaluationResult = serde_json::from_slice(result.bytes)
        .map_err(|e| YearEndError::NotAResult {
            file: result.name.to_owned(),
            why: e.to_string(),
        })
        .and_then(|r: EvaluationResult| {
            if r.plan_sha256 == plan.sha256 {
                Ok(r)
            } else {
                Err(YearEndError::OtherPlan {
                    file: result.name.to_owned(),
                    found: r.plan_sha256,
                    expected: plan.sha256.clone(),
                })
            }
        })?;
    let mut previous = Vec::new();
    for f in history {
        previous.extend(history_entries(plan, f)?);
    }
    let next = carry_forward(&result, &previous);
    let bytes = if format == FileFormat::Json {
        let json = serde_json::json!({ "history": next });
        serde_json::to_string_pretty(&json).expect("JSON serialises") + "\n"
    } else {
        let mut next_plan = plan.clone();
        next_plan.year = result.year + 1;
        let mut table = history_template(&next_plan, lang);
        table.rows = next.iter().map(|h| history_row(plan, h, lang)).collect();
        return Ok((table_bytes(&table, format), next));
    };
    Ok((bytes.into_bytes(), next))
}

/// A history file's entries: JSON (`{"history": […]}` or an array) or a table.
fn history_entries(plan: &Plan, f: &NamedFile) -> Result<Vec<HistoryEntry>, YearEndError> {
    let body = f.bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(f.bytes);
    if !matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    ) {
        return read_history(plan, f.name, f.bytes).map(|r| r.entries);
    }
    let bad = |e: serde_json::Error| YearEndError::HistoryJson {
        file: f.name.to_owned(),
        why: e.to_string(),
    };
    let v: serde_json::Value = serde_json::from_slice(body).map_err(bad)?;
    let list = v.get("history").cloned().unwrap_or(v);
    serde_json::from_value(list).map_err(bad)
}

/// A history entry as a row of the history template.
fn history_row(plan: &Plan, h: &HistoryEntry, lang: &str) -> Vec<Cell> {
    let unit = plan.units.iter().find(|u| u.id == h.unit);
    vec![
        Cell::Text(h.unit.clone()),
        unit.map_or(Cell::Empty, |u| Cell::Text(u.name.get(lang).to_owned())),
        Cell::Number(f64::from(h.year)),
        Cell::Text(h.grade.clone()),
        h.team_grade.clone().map_or(Cell::Empty, Cell::Text),
    ]
}
