//! XLSX (Office Open XML spreadsheets), written and read without any IO: a writer for the
//! export tables (one sheet per table, bold frozen header row, numbers as numbers, shared
//! strings) and a reader that turns a sheet into rows of strings for ingest.
//!
//! Both use a small ZIP implementation ([`zip`]: deflate through `miniz_oxide`, CRC-32) and
//! a small XML reader ([`xml`]), so that the office WASM stays modest.

mod read;
mod sheet;
mod write;
pub mod xml;
pub mod zip;

pub(crate) use read::read_sheet;
pub use read::{
    read_rows, sheet_names, MAX_COLUMNS, MAX_ROWS, MAX_SHARED_STRINGS, MAX_SHARED_STRING_BYTES,
    MAX_SHEET_CELLS, MAX_SHEET_TEXT,
};

/// Whether a file is an Excel workbook: its name ends in `.xlsx` (any case) or its first
/// bytes are a ZIP local file header (`PK\x03\x04`). The one rule for every reader (ingest,
/// aggregate, tracking, the pages).
pub fn is_workbook(name: &str, first_bytes: &[u8]) -> bool {
    name.to_ascii_lowercase().ends_with(".xlsx") || first_bytes.starts_with(b"PK\x03\x04")
}

/// A whole file's text: an Excel workbook's first sheet as CSV text ([`read_csv_text`]),
/// anything else decoded (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030).
pub fn file_text(name: &str, bytes: &[u8]) -> Result<String, XlsxError> {
    if is_workbook(name, bytes) {
        return read_csv_text(bytes, None);
    }
    Ok(crate::table::decode::decode_all(bytes).0)
}

/// A sheet (the first, or `sheet`) as CSV text: the cells as they are (no formula guard: this
/// is input, not export), quoted where they hold a comma, a quote or a line break; one line per
/// row with as many cells as the widest row, empty rows kept, so that row numbers stay the
/// spreadsheet's.
pub fn read_csv_text(bytes: &[u8], sheet: Option<&str>) -> Result<String, XlsxError> {
    let (name, rows) = read::read_sheet(bytes, sheet)?;
    // A sheet leaves trailing empty cells out; CSV rows have every column.
    let width = rows.iter().map(Vec::len).max().unwrap_or(0);
    // Padding every row to the widest is the CSV's shape; it is bounded like the rows.
    let filled = rows.iter().filter(|r| !r.is_empty()).count();
    if filled.saturating_mul(width) > read::MAX_SHEET_CELLS {
        return Err(XlsxError::Limit {
            sheet: name,
            cell: format!("{width} columns × {filled} rows"),
            why: format!(
                "as a table the sheet has more than {} cells",
                read::MAX_SHEET_CELLS
            ),
        });
    }
    let mut out = String::new();
    for row in rows {
        if row.iter().all(String::is_empty) {
            out.push('\n'); // a blank line, as a blank spreadsheet row
            continue;
        }
        let cells: Vec<String> = row
            .iter()
            .chain(std::iter::repeat(&String::new()))
            .take(width)
            .map(|c| {
                if c.contains([',', '"', '\n', '\r']) {
                    format!("\"{}\"", c.replace('"', "\"\""))
                } else {
                    c.clone()
                }
            })
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    Ok(out)
}
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
    #[error("the ZIP entry {entry} is too large to read: {why} (docs/limits.md)")]
    TooLarge { entry: String, why: String },
    #[error("sheet {sheet:?}, {cell}: {why} (docs/limits.md)")]
    Limit {
        sheet: String,
        cell: String,
        why: String,
    },
}

#[cfg(test)]
mod file_text_tests {
    use super::*;

    #[test]
    fn a_workbook_is_told_by_its_name_or_its_first_bytes() {
        assert!(is_workbook("期末.XLSX", b""));
        assert!(is_workbook("renamed.csv", b"PK\x03\x04rest"));
        assert!(!is_workbook("public.csv", b"unit,q1"));
        assert!(!is_workbook("x.xlsx.csv", b"PK\x05\x06")); // an empty archive's end record
    }

    #[test]
    fn file_text_reads_a_first_sheet_or_decodes_text() {
        let book = write_workbook(&[Sheet {
            name: "表".into(),
            headers: vec!["单位".into(), "满意度".into()],
            rows: Vec::new(),
        }]);
        assert_eq!(file_text("a.bin", &book).unwrap(), "单位,满意度\n");
        let gbk: &[u8] = &[0xBA, 0xBA, 0xD1, 0xF4, 0xC7, 0xF8, 0x2C, 0x31]; // 汉阳区,1
        assert_eq!(file_text("a.csv", gbk).unwrap(), "汉阳区,1");
        assert!(matches!(
            file_text("a.xlsx", b"unit,q1"),
            Err(XlsxError::NotZip(_))
        ));
    }
}
