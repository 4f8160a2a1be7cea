//! The plan as a workbook (方案工作簿): a plan written as an XLSX workbook that an office edits
//! in Excel or WPS, in the manner of XLSForm (ODK, Kobo), and read back into the same plan.
//!
//! Sheets: `设置`/`settings` (one row: id, version, year, languages, title, description),
//! `类别`/`categories` (component weights), `单位`/`units`, `指标`/`indicators` (one weight
//! column per category), `表单`/`instruments` (one row per instrument, naming its own sheet of
//! questions with `begin_group`/`end_group` rows as sections), `选项`/`choices`,
//! `量表`/`scales`, `评审组`/`rater_groups`, `计分`/`scoring` and `跟踪`/`tracking` (key and
//! value). Texts have a column per language (`label::zh-CN`, `label::en`). A value no column
//! can hold exactly (an empty text, a number of more than 15 digits, a list of constraints)
//! stays in the row's `其他JSON`/`json` cell, so the round trip loses nothing: plan → workbook
//! → plan gives the same canonical plan. See `docs/plan.md`, "方案工作簿".
//!
//! Reading reports every problem with its cell (`指标!D7`) and the JSON path it maps to; the
//! plan built is then validated ([`crate::validate`]) and each of those problems is placed at
//! the cell its value came from.

mod build;
mod read;
mod records;
mod spec;
mod table;
mod value;
mod write;

#[cfg(test)]
mod tests;

pub use spec::BookLang;

use crate::text::Text;
use serde::Serialize;
use serde_json::Value;

/// Whether a problem stops the plan from being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "BookSeverity")]
pub enum Severity {
    Error,
    /// Read anyway (an unknown column, a skipped title row); shown so that nothing is dropped
    /// unsaid.
    Warning,
}

/// One problem of a plan workbook, at its cell and its JSON path.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "BookProblem")]
pub struct Problem {
    /// The cell, with its sheet: `指标!D7` (or only the sheet's name, or empty for the whole
    /// workbook).
    pub cell: String,
    /// JSON Pointer (RFC 6901) of the plan value the cell maps to, e.g. `/indicators/5/weights/new`
    /// (empty when the problem is not about one value).
    pub path: String,
    pub severity: Severity,
    /// A stable machine-readable code, e.g. `not_a_number`, or the validation's own code.
    pub code: &'static str,
    /// What is wrong, in zh-CN and en, naming the cell.
    pub message: Text,
    /// The id of the instrument `path` is inside, when it is inside one that has an id (as a
    /// validation problem's): the office page links the problem to that form's preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The id of the question `path` is inside, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

impl Problem {
    pub(crate) fn at(
        cell: &str,
        path: &str,
        severity: Severity,
        code: &'static str,
        message: Text,
    ) -> Problem {
        Problem {
            cell: cell.to_owned(),
            path: path.to_owned(),
            severity,
            code,
            message,
            instrument: None,
            question: None,
        }
    }

    pub(crate) fn at_sheet(
        sheet: &str,
        severity: Severity,
        code: &'static str,
        message: Text,
    ) -> Problem {
        Problem::at(sheet, "", severity, code, message)
    }
}

/// A plan read from a workbook.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanFromBook {
    /// The plan's JSON (pretty-printed, keys in order), ready to save as `plan.json`.
    pub json: String,
    /// The plan's fingerprint (as [`crate::plan::Plan::sha256`]).
    pub sha256: String,
    /// Warnings (nothing that stops the plan).
    pub warnings: Vec<Problem>,
}

/// The plan (a plan's JSON value, as written) as a workbook, sheets and columns named in
/// `lang`. Any JSON value is accepted; a value that is not a plan's is kept in JSON cells.
pub fn plan_to_xlsx(plan: &Value, lang: BookLang) -> Vec<u8> {
    crate::xlsx::write_workbook(&write::Writer::new(plan, lang).sheets(plan))
}

/// A blank plan workbook: every sheet with its columns, no rows but the settings' with the
/// languages (zh-CN and en).
pub fn template_xlsx(lang: BookLang) -> Vec<u8> {
    let blank = serde_json::json!({"languages": ["zh-CN", "en"]});
    let mut sheets = write::Writer::new(&blank, lang).sheets(&blank);
    for s in sheets.iter_mut().skip(1) {
        s.rows.clear();
    }
    crate::xlsx::write_workbook(&sheets)
}

/// The plan's JSON value built from a workbook, without validating it, with every problem of
/// the reading (errors and warnings) and the pointer → cell map.
pub fn read_workbook(bytes: &[u8]) -> (Option<Value>, Vec<Problem>) {
    let (plan, problems, _) = read_located(bytes);
    (plan, problems)
}

fn read_located(bytes: &[u8]) -> (Option<Value>, Vec<Problem>, Vec<(String, String)>) {
    let mut r = match read::Reader::new(bytes) {
        Ok(r) => r,
        Err(p) => return (None, vec![*p], Vec::new()),
    };
    let plan = r.plan();
    let mut problems = r.b.problems;
    for p in &mut problems {
        (p.instrument, p.question) = crate::validate::place_of(&plan, &p.path);
    }
    (Some(plan), problems, r.b.located)
}

/// The cell a JSON Pointer's value came from: its own cell; else, for an object or list made
/// of several cells, the first of them (`/categories/1/components` → the first weight); else
/// the cell of the nearest value that contains it (its row).
fn cell_of<'a>(located: &'a [(String, String)], path: &str) -> Option<&'a str> {
    let inside = format!("{path}/");
    located
        .iter()
        .find(|(p, _)| p == path)
        .or_else(|| located.iter().find(|(p, _)| p.starts_with(&inside)))
        .or_else(|| {
            located
                .iter()
                .filter(|(p, _)| p.is_empty() || path.starts_with(&format!("{p}/")))
                .max_by_key(|(p, _)| p.len())
        })
        .map(|(_, c)| c.as_str())
}

/// A plan read from a workbook and validated: the plan's JSON with its warnings, or every
/// problem (the reading's and the validation's, each at its cell).
pub fn plan_from_xlsx(bytes: &[u8]) -> Result<PlanFromBook, Vec<Problem>> {
    let (plan, mut problems, located) = read_located(bytes);
    let Some(plan) = plan else {
        return Err(problems);
    };
    let json = serde_json::to_string_pretty(&plan).unwrap_or_default();
    let report = crate::validate::validate_plan(&json);
    // A cell that could not be read already has its problem; the value it left out (a missing
    // field, an empty list) is not a second one.
    let read_paths: Vec<String> = problems.iter().map(|p| p.path.clone()).collect();
    // Only an unreadable value (serde's "missing field") above the cell, or the cell's own path.
    let explained = |p: &crate::validate::Problem| {
        let inside = format!("{}/", p.path);
        read_paths.iter().any(|r| {
            !r.is_empty() && (*r == p.path || (p.code == "invalid_value" && r.starts_with(&inside)))
        })
    };
    for p in report.problems {
        if explained(&p) {
            continue;
        }
        let cell = cell_of(&located, &p.path).unwrap_or("").to_owned();
        let at = |lang: &str| {
            let m = p.message.get(lang);
            if cell.is_empty() {
                format!("{}: {m}", p.path)
            } else {
                format!("{cell}（{}）：{m}", p.path)
            }
        };
        let mut message = Text::new(&at("zh-CN"), &at("en"));
        if let Some(en) = message.0.get_mut("en") {
            *en = en.replacen('（', " (", 1).replacen("）：", "): ", 1);
        }
        problems.push(Problem {
            instrument: p.instrument,
            question: p.question,
            ..Problem::at(&cell, &p.path, Severity::Error, p.code, message)
        });
    }
    if problems.iter().any(|p| p.severity == Severity::Error) {
        return Err(problems);
    }
    Ok(PlanFromBook {
        sha256: crate::canonical::fingerprint_value(&plan),
        json,
        warnings: problems,
    })
}

/// A plan file as the office gives it, by its name and bytes: a plan workbook (an `.xlsx`
/// name or ZIP bytes, [`crate::xlsx::is_workbook`]) read with [`plan_from_xlsx`], or a JSON
/// text (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030) as it is. The plan's JSON
/// text to validate and load, or every problem of the workbook.
pub fn plan_text_of_file(name: &str, bytes: &[u8]) -> Result<PlanFromBook, Vec<Problem>> {
    if crate::xlsx::is_workbook(name, bytes) {
        return plan_from_xlsx(bytes);
    }
    let json = crate::table::decode::decode_all(bytes).0;
    let sha256 = crate::plan::read_plan_value(&json)
        .map(|(_, sha)| sha)
        .unwrap_or_default();
    Ok(PlanFromBook {
        json,
        sha256,
        warnings: Vec::new(),
    })
}
