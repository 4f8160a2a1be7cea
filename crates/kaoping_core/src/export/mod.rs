//! Exports: the tables an evaluation office publishes, built from an [`EvaluationResult`] (and
//! the ingest report), written as CSV ([`csv`]), XLSX (`crate::xlsx`, feature `office`) or
//! JSON ([`json`]).
//!
//! A [`Table`] is language-bound: its title, headers and words (grades, yes/no, names of
//! units, indicators, groups) are in the language asked for; ids stay beside the names so
//! that a table can be joined back to the JSON. Numbers are [`Cell::Number`]s, written as
//! numbers; scores, weights and contributions are rounded to 4 decimals, statistics
//! (α, W, ICC) to 4 and p-values to 4 significant digits. The JSON export keeps every number
//! in full.

mod cadre_tables;
pub mod csv;
mod ingest_tables;
mod result_tables;

#[cfg(feature = "office")]
pub use ingest_tables::codes_table;
pub use ingest_tables::{
    ingest_files_table, rejections_table, superseded_table, FileRow, IngestSummary, RejectionRow,
};
use result_tables::build;

use crate::cells::{Cell, Table};
use crate::plan::{Plan, QuestionKind};
use crate::score::{round_to, EvaluationResult, Status};
use crate::stats::interval::Interval;
use crate::text::Text;

/// The export's ways of making a cell (the type is [`crate::cells`]'s).
impl Cell {
    fn num(x: Option<f64>) -> Cell {
        match x {
            Some(v) if v.is_finite() => Cell::Number(v),
            _ => Cell::Empty,
        }
    }

    /// A score, weight or contribution, rounded to 4 decimals.
    fn score(x: Option<f64>) -> Cell {
        Cell::num(x.map(|v| round_to(v, 4)))
    }

    /// A p-value, to 4 significant digits.
    fn p(x: Option<f64>) -> Cell {
        // `{:.3e}` then parse: decimal rounding without float noise.
        Cell::num(x.map(|v| format!("{v:.3e}").parse::<f64>().unwrap_or(v)))
    }

    fn count<T: Into<f64>>(n: T) -> Cell {
        Cell::Number(n.into())
    }

    fn text(s: impl Into<String>) -> Cell {
        Cell::Text(s.into())
    }

    fn opt_text(s: Option<impl Into<String>>) -> Cell {
        s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
    }
}

/// The ids of the result tables, in the order [`tables`] returns them.
pub const RESULT_TABLES: [&str; 11] = [
    "ranking",
    "components",
    "indicators",
    "expert",
    "public",
    "public_items",
    "lists",
    "agreement",
    "cadres",
    "teams",
    "warnings",
];

/// The id of the ingest rejection table ([`rejections_table`]).
pub const REJECTIONS_TABLE: &str = "rejections";
/// The id of the per-file ingest counts ([`ingest_files_table`]).
pub const INGEST_FILES_TABLE: &str = "ingest_files";
/// The id of the quality rules' table (only when the plan has quality rules: [`tables`]).
pub const QUALITY_TABLE: &str = "quality";
/// The id of the expert comments' table (only when the result has comments: [`tables`]).
pub const COMMENTS_TABLE: &str = "comments";
/// The id of the priorities table (only when the result counts a priorities question:
/// [`tables`]).
pub const PRIORITIES_TABLE: &str = "priorities";
/// The id of the cadre talk lists' table (only when a cadre roster was given: [`tables`]).
pub const TALKS_TABLE: &str = "talks";
/// The id of the one-time codes table ([`codes_table`]; only when an instrument takes codes).
pub const CODES_TABLE: &str = "codes";
/// The id of the superseded sheets table ([`superseded_table`]; only when there are some).
pub const SUPERSEDED_TABLE: &str = "superseded";

/// Why an export could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ExportError {
    #[error("unknown table {0:?}; the tables are: {tables}", tables = RESULT_TABLES.join(", "))]
    UnknownTable(String),
    #[error("the result is of plan {result:?} but the plan loaded is {plan:?}")]
    PlanMismatch { result: String, plan: String },
}

struct Ctx<'a> {
    plan: &'a Plan,
    result: &'a EvaluationResult,
    lang: &'a str,
}

impl Ctx<'_> {
    fn en(&self) -> bool {
        self.lang == "en"
    }

    fn t(&self, zh: &str, en: &str) -> String {
        if self.en() { en } else { zh }.to_owned()
    }

    fn headers(&self, cols: &[(&str, &str)]) -> Vec<String> {
        cols.iter().map(|(zh, en)| self.t(zh, en)).collect()
    }

    fn yes_no(&self, b: bool) -> Cell {
        Cell::Text(if b {
            self.t("是", "yes")
        } else {
            self.t("否", "no")
        })
    }

    fn unit_name(&self, id: &str) -> String {
        self.plan
            .unit(id)
            .map_or(id, |u| u.name.get(self.lang))
            .to_owned()
    }

    fn category_name(&self, id: &str) -> String {
        self.plan
            .category(id)
            .map_or(id, |c| c.name.get(self.lang))
            .to_owned()
    }

    fn instrument_name(&self, id: &str) -> String {
        self.plan
            .instrument(id)
            .map_or(id, |i| i.title.get(self.lang))
            .to_owned()
    }

    fn indicator_name(&self, id: &str) -> String {
        self.plan
            .indicator(id)
            .map_or(id, |i| i.name.get(self.lang))
            .to_owned()
    }

    fn group_name(&self, id: &str) -> String {
        self.plan
            .instruments
            .iter()
            .filter_map(|i| i.review.as_ref())
            .flat_map(|r| r.groups.iter())
            .find(|g| g.id == id)
            .map_or(id, |g| g.name.get(self.lang))
            .to_owned()
    }

    /// `question` or `question/row` → the words of the question (and row).
    fn item_name(&self, item: &str) -> String {
        let (q, row) = match item.split_once('/') {
            Some((q, r)) => (q, Some(r)),
            None => (item, None),
        };
        let question = self.plan.instruments.iter().find_map(|i| i.question(q));
        let Some(question) = question else {
            return item.to_owned();
        };
        match (row, &question.kind) {
            (Some(r), QuestionKind::Matrix { rows, .. }) => rows
                .iter()
                .find(|c| c.value == r)
                .map_or(item.to_owned(), |c| {
                    let sep = if self.en() { ": " } else { "：" };
                    let q = question.label.get(self.lang);
                    format!("{q}{sep}{}", c.label.get(self.lang))
                }),
            (None, _) => question.label.get(self.lang).to_owned(),
            _ => item.to_owned(),
        }
    }

    fn cadre_name(&self, id: &str) -> String {
        let q = &self.result.rules.leadership.cadre_question;
        self.plan
            .instruments
            .iter()
            .find_map(|i| i.question(q))
            .and_then(|q| match &q.kind {
                QuestionKind::Matrix { rows, .. } => rows.iter().find(|c| c.value == id),
                _ => None,
            })
            .map_or(id, |c| c.label.get(self.lang))
            .to_owned()
    }

    fn label(&self, prefix: &str, id: &str) -> String {
        self.result
            .labels
            .get(&format!("{prefix}.{id}"))
            .map_or(id, |t| t.get(self.lang))
            .to_owned()
    }

    fn status(&self, s: Status) -> String {
        match s {
            Status::Ok => self.t("正常", "ok"),
            Status::Insufficient => self.t("样本不足", "insufficient"),
            Status::Missing => self.t("无数据", "missing"),
            Status::Incomplete => self.t("不完整", "incomplete"),
            Status::NotApplicable => self.t("不适用", "not applicable"),
        }
    }

    fn text(&self, t: &Text) -> String {
        t.get(self.lang).to_owned()
    }
}

fn interval_cells(i: Option<&Interval>) -> [Cell; 2] {
    [
        Cell::score(i.map(|i| i.lower)),
        Cell::score(i.map(|i| i.upper)),
    ]
}

/// Every result table, in the order of [`RESULT_TABLES`], then [`QUALITY_TABLE`] when the
/// result has quality rules' figures (a plan without quality rules has no such table), then
/// [`COMMENTS_TABLE`] when the experts wrote comments, then [`PRIORITIES_TABLE`] when the plan
/// counts a priorities question, then [`TALKS_TABLE`] when a cadre roster was given.
pub fn tables(plan: &Plan, result: &EvaluationResult, lang: &str) -> Vec<Table> {
    let cx = Ctx { plan, result, lang };
    let quality = has_quality(result).then_some(QUALITY_TABLE);
    let comments = has_comments(result).then_some(COMMENTS_TABLE);
    let priorities = has_priorities(result).then_some(PRIORITIES_TABLE);
    let talks = has_talks(result).then_some(TALKS_TABLE);
    RESULT_TABLES
        .iter()
        .copied()
        .chain(quality)
        .chain(comments)
        .chain(priorities)
        .chain(talks)
        .map(|id| build(&cx, id))
        .collect()
}

fn has_talks(result: &EvaluationResult) -> bool {
    result.units.iter().any(|u| u.talks.is_some())
}

fn has_comments(result: &EvaluationResult) -> bool {
    result.units.iter().any(|u| !u.comments.is_empty())
}

fn has_priorities(result: &EvaluationResult) -> bool {
    result
        .units
        .iter()
        .any(|u| u.components.public.priorities.is_some())
}

fn has_quality(result: &EvaluationResult) -> bool {
    !result.quality.is_empty() || result.units.iter().any(|u| !u.quality.is_empty())
}

/// One result table by id (see [`RESULT_TABLES`]).
pub fn table(
    plan: &Plan,
    result: &EvaluationResult,
    id: &str,
    lang: &str,
) -> Result<Table, ExportError> {
    let known = RESULT_TABLES.contains(&id)
        || (id == QUALITY_TABLE && has_quality(result))
        || (id == COMMENTS_TABLE && has_comments(result))
        || (id == PRIORITIES_TABLE && has_priorities(result))
        || (id == TALKS_TABLE && has_talks(result));
    if !known {
        return Err(ExportError::UnknownTable(id.to_owned()));
    }
    Ok(build(&Ctx { plan, result, lang }, id))
}

/// Every result table, then, with an ingest report, its rejections and per-file counts.
pub fn tables_with_ingest(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Vec<Table> {
    let mut t = tables(plan, result, lang);
    if let Some(i) = ingest {
        t.push(rejections_table(i, lang));
        t.extend(superseded_table(i, lang));
        #[cfg(feature = "office")]
        t.extend(codes_table(i, lang));
        t.push(ingest_files_table(i, lang));
    }
    t
}

/// [`tables_with_ingest`] for a result that came from elsewhere (the office page): refused
/// unless it was computed from `plan` ([`check_plan`]).
pub fn checked_tables(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Result<Vec<Table>, ExportError> {
    check_plan(plan, result)?;
    Ok(tables_with_ingest(plan, result, ingest, lang))
}

/// One result table as CSV text ([`csv::to_csv`]), for a result checked as in
/// [`checked_tables`].
pub fn checked_csv(
    plan: &Plan,
    result: &EvaluationResult,
    id: &str,
    lang: &str,
) -> Result<String, ExportError> {
    check_plan(plan, result)?;
    Ok(csv::to_csv(&table(plan, result, id, lang)?))
}

/// The workbook ([`xlsx`]), for a result checked as in [`checked_tables`].
#[cfg(feature = "office")]
pub fn checked_xlsx(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Result<Vec<u8>, ExportError> {
    check_plan(plan, result)?;
    Ok(xlsx(plan, result, ingest, lang))
}

/// Whether `result` was computed from `plan` (same id and fingerprint).
pub fn check_plan(plan: &Plan, result: &EvaluationResult) -> Result<(), ExportError> {
    if plan.id == result.plan_id && plan.sha256 == result.plan_sha256 {
        Ok(())
    } else {
        Err(ExportError::PlanMismatch {
            result: format!("{} {}", result.plan_id, result.plan_sha256),
            plan: format!("{} {}", plan.id, plan.sha256),
        })
    }
}

/// The workbook of an evaluation (feature `office`): one sheet per result table, then the rejections and the
/// per-file counts when an ingest report is given.
#[cfg(feature = "office")]
pub fn xlsx(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: Option<&IngestSummary>,
    lang: &str,
) -> Vec<u8> {
    crate::xlsx::write_tables(&tables_with_ingest(plan, result, ingest, lang))
}

/// The JSON export: the canonical JSON of the result (sorted keys, no whitespace), whose
/// SHA-256 is the result fingerprint of the manifest.
pub fn json(result: &EvaluationResult) -> String {
    crate::canonical::to_canonical_string(result)
}
