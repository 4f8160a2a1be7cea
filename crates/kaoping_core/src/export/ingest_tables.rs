//! The ingest tables: the rejections (file, row, column, reason), the per-file counts, and
//! (when the plan has trust rules) the superseded sheets and the one-time codes.

#[cfg(feature = "office")]
use super::CODES_TABLE;
use super::{INGEST_FILES_TABLE, REJECTIONS_TABLE, SUPERSEDED_TABLE};
use crate::cells::{Cell, Table};
use crate::ingest::IngestReport;
use crate::text::Text;
use serde::Serialize;
#[cfg(feature = "office")]
use {crate::trust::codes::CodeCounts, std::collections::BTreeMap};

/// What the ingest tables need of an ingest report; reads the JSON of an [`IngestReport`] too
/// (the office page hands it back for export).
#[derive(Debug, Clone, PartialEq, Default, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct IngestSummary {
    #[serde(default)]
    pub files: Vec<FileRow>,
    #[serde(default)]
    pub rejected: Vec<RejectionRow>,
    /// Signed sheets a later one replaced (`IngestReport::superseded`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<crate::ingest::Superseded>,
    /// One-time codes per instrument that takes them (`IngestReport::codes`).
    #[cfg(feature = "office")]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub codes: BTreeMap<String, CodeCounts>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct FileRow {
    pub file: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct RejectionRow {
    pub file: String,
    pub row: usize,
    #[serde(default)]
    pub column: Option<String>,
    pub code: String,
    pub message: Text,
}

impl IngestSummary {
    pub fn of(report: &IngestReport) -> IngestSummary {
        IngestSummary {
            files: report
                .files
                .iter()
                .map(|f| FileRow {
                    file: f.file.clone(),
                    read: f.read,
                    accepted: f.accepted,
                    rejected: f.rejected,
                })
                .collect(),
            rejected: report
                .rejected
                .iter()
                .map(|r| RejectionRow {
                    file: r.file.clone(),
                    row: r.row,
                    column: r.column.clone(),
                    code: r.code.to_owned(),
                    message: r.message.clone(),
                })
                .collect(),
            superseded: report.superseded.clone(),
            #[cfg(feature = "office")]
            codes: report.codes.clone(),
        }
    }
}

/// The signed sheets a later sheet of the same rater replaced, and which one counted (only
/// when there is one: an ingest without invitations has no such table).
pub fn superseded_table(report: &IngestSummary, lang: &str) -> Option<Table> {
    if report.superseded.is_empty() {
        return None;
    }
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Some(Table {
        id: SUPERSEDED_TABLE.into(),
        title: h("被取代的评分表", "Superseded sheets"),
        headers: vec![
            h("文件", "File"),
            h("行", "Row"),
            h("问卷", "Instrument"),
            h("评审人", "Rater"),
            h("提交时间", "Submitted at"),
            h("计分的文件", "Counted file"),
            h("计分的行", "Counted row"),
            h("计分的提交时间", "Counted submitted at"),
        ],
        rows: report
            .superseded
            .iter()
            .map(|s| {
                vec![
                    Cell::text(&s.file),
                    Cell::count(s.row as f64),
                    Cell::text(&s.instrument),
                    Cell::text(&s.rater),
                    Cell::text(&s.submitted_at),
                    Cell::text(&s.counted_file),
                    Cell::count(s.counted_row as f64),
                    Cell::text(&s.counted_submitted_at),
                ]
            })
            .collect(),
    })
}

/// The one-time codes of each instrument that takes them: issued in the valid batches given,
/// used once (their sheets counted), and the sheets rejected for an unknown, reused or missing
/// code (only when an instrument takes codes).
#[cfg(feature = "office")]
pub fn codes_table(report: &IngestSummary, lang: &str) -> Option<Table> {
    if report.codes.is_empty() {
        return None;
    }
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Some(Table {
        id: CODES_TABLE.into(),
        title: h("一次性评价码", "One-time codes"),
        headers: vec![
            h("问卷", "Instrument"),
            h("发放", "Issued"),
            h("已使用", "Used"),
            h("未知码", "Unknown code"),
            h("重复使用", "Reused"),
            h("未填码", "No code"),
        ],
        rows: report
            .codes
            .iter()
            .map(|(instrument, c)| {
                vec![
                    Cell::text(instrument),
                    Cell::count(c.issued as f64),
                    Cell::count(c.used as f64),
                    Cell::count(c.unknown as f64),
                    Cell::count(c.reused as f64),
                    Cell::count(c.missing as f64),
                ]
            })
            .collect(),
    })
}

/// The rejection report of an ingest: file, row, column, code and reason of every record
/// not accepted.
pub fn rejections_table(report: &IngestSummary, lang: &str) -> Table {
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Table {
        id: REJECTIONS_TABLE.into(),
        title: h("拒收记录", "Rejected records"),
        headers: vec![
            h("文件", "File"),
            h("行", "Row"),
            h("列", "Column"),
            h("代码", "Code"),
            h("原因", "Reason"),
        ],
        rows: report
            .rejected
            .iter()
            .map(|r| {
                vec![
                    Cell::text(&r.file),
                    Cell::count(r.row as f64),
                    Cell::opt_text(r.column.clone()),
                    Cell::text(&r.code),
                    Cell::text(r.message.get(lang)),
                ]
            })
            .collect(),
    }
}

/// Counts per file of an ingest: read, accepted, rejected.
pub fn ingest_files_table(report: &IngestSummary, lang: &str) -> Table {
    let en = lang == "en";
    let h = |zh: &str, e: &str| if en { e } else { zh }.to_owned();
    Table {
        id: INGEST_FILES_TABLE.into(),
        title: h("读取文件", "Files read"),
        headers: vec![
            h("文件", "File"),
            h("读取", "Read"),
            h("接受", "Accepted"),
            h("拒收", "Rejected"),
        ],
        rows: report
            .files
            .iter()
            .map(|f| {
                vec![
                    Cell::text(&f.file),
                    Cell::count(f.read as f64),
                    Cell::count(f.accepted as f64),
                    Cell::count(f.rejected as f64),
                ]
            })
            .collect(),
    }
}
