//! What an aggregation publishes: the result JSON, one CSV per table and the workbook.

use super::OutputFile;
use crate::cells::Table;
use crate::export::{self, csv::to_csv};
use crate::ingest::IngestReport;
use crate::plan::Plan;
use crate::score::EvaluationResult;

/// The file name of the result JSON among the outputs.
pub const RESULT_FILE: &str = "result.json";
/// The file name of the workbook among the outputs.
pub const XLSX_FILE: &str = "result.xlsx";

/// Every table an aggregation publishes: the result tables, then the rejections and the
/// per-file counts.
pub fn all_tables(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: &IngestReport,
    lang: &str,
) -> Vec<Table> {
    let summary = export::IngestSummary::of(ingest);
    export::tables_with_ingest(plan, result, Some(&summary), lang)
}

/// The output files: `result.json` (canonical JSON), one CSV per table, `result.xlsx` (one
/// sheet per table). The same inputs give the same bytes.
pub fn outputs(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: &IngestReport,
    lang: &str,
) -> Vec<OutputFile> {
    let tables = all_tables(plan, result, ingest, lang);
    let mut out = vec![OutputFile {
        name: RESULT_FILE.into(),
        bytes: export::json(result).into_bytes(),
    }];
    for t in &tables {
        out.push(OutputFile {
            name: format!("{}.csv", t.id),
            bytes: to_csv(t).into_bytes(),
        });
    }
    out.push(OutputFile {
        name: XLSX_FILE.into(),
        bytes: crate::xlsx::write_tables(&tables),
    });
    out
}

/// The names of the output files every aggregation writes, in order. Some write more:
/// `quality.csv` after `warnings.csv` when the plan has quality rules, `superseded.csv` and
/// `codes.csv` after `rejections.csv` when signed sheets were superseded or an instrument
/// takes one-time codes.
pub fn output_names() -> Vec<String> {
    let mut names = vec![RESULT_FILE.to_owned()];
    names.extend(export::RESULT_TABLES.iter().map(|t| format!("{t}.csv")));
    names.push(format!("{}.csv", export::REJECTIONS_TABLE));
    names.push(format!("{}.csv", export::INGEST_FILES_TABLE));
    names.push(XLSX_FILE.to_owned());
    names
}
