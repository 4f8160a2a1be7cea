//! XLSX (Office Open XML spreadsheets), written and read without any IO: a writer for the
//! export tables (one sheet per table, bold frozen header row, numbers as numbers, shared
//! strings) and a reader that turns a sheet into rows of strings for ingest.
//!
//! Both use a small ZIP implementation ([`zip`]: deflate through `miniz_oxide`, CRC-32) and
//! a small XML reader ([`xml`]), so that the office WASM stays modest.

mod read;
mod write;
pub mod xml;
pub mod zip;

pub use read::{read_rows, sheet_names};
pub use write::{sheet_name, write_tables, write_workbook, Sheet};

/// Why a workbook could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum XlsxError {
    #[error("not an XLSX file (not a ZIP archive: {0})")]
    NotZip(String),
    #[error("ZIP64 archives are not supported; save the workbook again as .xlsx")]
    Zip64,
    #[error("the ZIP entry {entry} is damaged: {why}")]
    Corrupt { entry: String, why: String },
    #[error("not an XLSX workbook: the archive has no xl/workbook.xml (an .xls, .ods or .docx?)")]
    NoWorkbook,
    #[error("the workbook has no sheet {name:?}; its sheets are: {}", available.join(", "))]
    SheetMissing {
        name: String,
        available: Vec<String>,
    },
    #[error("the workbook has no sheets")]
    NoSheets,
    #[error("{entry}: malformed XML: {why}")]
    Xml { entry: String, why: String },
    #[error("{entry}: not UTF-8 text")]
    NotUtf8 { entry: String },
}
