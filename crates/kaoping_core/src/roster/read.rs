//! A roster file as a table of trimmed text cells: a workbook's first sheet, or CSV text.

use super::{RosterError, RosterProblem};
use crate::table::csv::{CsvProblem, Tokenizer};
use crate::text::Text;
use std::collections::BTreeMap;

/// The most data rows a roster may have. A panel has tens of raters and a cadre appraisal a
/// few hundred; a file far larger is not a roster (and every row becomes a signed token).
pub const MAX_ROWS: usize = 10_000;

/// A roster's table: the sheet's name (a workbook's), the header row and the data rows.
pub(super) struct Table {
    pub(super) sheet: Option<String>,
    pub(super) header: Vec<String>,
    pub(super) rows: Vec<TableRow>,
    /// Rows whose CSV quoting is broken, as problems.
    pub(super) problems: Vec<RosterProblem>,
}

/// One data row: its spreadsheet row number and its cells, trimmed.
pub(super) struct TableRow {
    pub(super) number: u64,
    pub(super) cells: Vec<String>,
}

impl Table {
    /// The reference of 0-based column `col` in row `row`: `C4`, or `名单!C4` in a workbook
    /// (the sheet's name quoted as Excel does when it holds a space or punctuation).
    pub(super) fn cell_ref(&self, col: usize, row: u64) -> String {
        cell_ref(self.sheet.as_deref(), col, row)
    }

    /// The column of each field, found by its header names (trimmed, ASCII case-insensitive).
    pub(super) fn columns(&self, fields: &[(&str, &[&str])]) -> Vec<Option<usize>> {
        fields
            .iter()
            .map(|(_, names)| {
                self.header
                    .iter()
                    .position(|h| names.iter().any(|n| n.eq_ignore_ascii_case(h.trim())))
            })
            .collect()
    }
}

/// Rows keyed by what may appear once: the row where `key` was first seen, or `None` (and
/// `row` is remembered as its first).
pub(super) fn seen_before<K: Ord>(first: &mut BTreeMap<K, u64>, key: K, row: u64) -> Option<u64> {
    match first.get(&key) {
        Some(at) => Some(*at),
        None => {
            first.insert(key, row);
            None
        }
    }
}

/// A row's outcome: its item kept when it has no problem, else its problems reported.
pub(super) fn settle<T>(
    item: Option<T>,
    problems: Vec<RosterProblem>,
    items: &mut Vec<T>,
    reported: &mut Vec<RosterProblem>,
) {
    match item {
        Some(item) if problems.is_empty() => items.push(item),
        _ => reported.extend(problems),
    }
}

fn cell_ref(sheet: Option<&str>, col: usize, row: u64) -> String {
    let a1 = crate::yearend::sheet::cell_ref(col, row);
    match sheet {
        None => a1,
        Some(s) if s.chars().all(|c| c.is_alphanumeric() || c == '_') => format!("{s}!{a1}"),
        Some(s) => format!("'{}'!{a1}", s.replace('\'', "''")),
    }
}

/// Reads the file's first sheet (a workbook) or its CSV text (decoded as ingest does: UTF-8
/// with or without BOM, UTF-16 with BOM, else GB18030; tab-separated when the first line has a
/// tab). Blank rows are skipped, their numbers kept by the others; the first non-blank row is
/// the header.
pub(super) fn read_table(file: &str, bytes: &[u8]) -> Result<Table, RosterError> {
    let workbook = |error| RosterError::Workbook {
        file: file.to_owned(),
        error,
    };
    let (sheet, rows, problems) = if crate::xlsx::is_workbook(file, bytes) {
        let (name, rows) = crate::xlsx::read_sheet(bytes, None).map_err(workbook)?;
        let rows = rows
            .into_iter()
            .zip(1u64..)
            .map(|(cells, number)| TableRow {
                number,
                cells: cells.iter().map(|c| c.trim().to_owned()).collect(),
            })
            .collect();
        (Some(name), rows, Vec::new())
    } else {
        let (rows, problems) = csv_rows(bytes);
        (None, rows, problems)
    };
    let mut rows = rows
        .into_iter()
        .filter(|r| !r.cells.iter().all(String::is_empty));
    let header = rows.next().map(|r| r.cells).unwrap_or_default();
    let rows: Vec<TableRow> = rows.take(MAX_ROWS + 1).collect();
    if rows.len() > MAX_ROWS {
        return Err(RosterError::TooManyRows {
            file: file.to_owned(),
            max: MAX_ROWS,
        });
    }
    Ok(Table {
        sheet,
        header,
        rows,
        problems,
    })
}

fn csv_rows(bytes: &[u8]) -> (Vec<TableRow>, Vec<RosterProblem>) {
    let text = crate::table::decode::decode_all(bytes).0;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let tab = text.lines().next().is_some_and(|l| l.contains('\t'));
    let mut tok = Tokenizer::new(if tab { b'\t' } else { b',' });
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut on_row = |r: &crate::table::csv::Row| {
        if let Some((p, field)) = r.problem {
            problems.push(csv_problem(p, field, r.number));
        } else if rows.len() <= MAX_ROWS + 1 {
            let cells = (0..r.len())
                .map(|i| String::from_utf8_lossy(r.field(i)).trim().to_owned())
                .collect();
            rows.push(TableRow {
                number: r.number,
                cells,
            });
        }
    };
    tok.feed(text.as_bytes(), &mut on_row);
    tok.finish(&mut on_row);
    (rows, problems)
}

fn csv_problem(p: CsvProblem, field: usize, row: u64) -> RosterProblem {
    let (zh, en) = match p {
        CsvProblem::UnterminatedQuote => (
            "引号未闭合，其后内容无法读取",
            "a quote is not closed; the rest of the file cannot be read",
        ),
        CsvProblem::TextAfterQuote => ("右引号后还有文字", "text after a closing quote"),
        CsvProblem::TooLong => ("此行超过 1 MiB", "the row is over 1 MiB"),
    };
    RosterProblem {
        row,
        column: None,
        cell: Some(cell_ref(None, field, row)),
        code: "csv_syntax".into(),
        message: Text::new(&format!("CSV 格式错误：{zh}"), &format!("CSV syntax: {en}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workbook_cells_name_their_sheet() {
        assert_eq!(cell_ref(None, 2, 4), "C4");
        assert_eq!(cell_ref(Some("名单"), 2, 4), "名单!C4");
        assert_eq!(cell_ref(Some("Sheet 1"), 0, 2), "'Sheet 1'!A2");
        assert_eq!(cell_ref(Some("O'Neil"), 0, 2), "'O''Neil'!A2");
    }

    #[test]
    fn blank_rows_keep_the_numbers_of_the_others() {
        let t = read_table("r.csv", "\n评审人编号,姓名\n\nE01,张三\n".as_bytes()).unwrap();
        assert_eq!(t.header, ["评审人编号", "姓名"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].number, 4);
    }

    #[test]
    fn too_many_rows_is_an_error() {
        let text = "rater\n".to_owned() + &"E\n".repeat(MAX_ROWS + 1);
        let e = read_table("r.csv", text.as_bytes()).err().unwrap();
        assert!(matches!(e, RosterError::TooManyRows { .. }), "{e}");
        let text = "rater\n".to_owned() + &"E\n".repeat(MAX_ROWS);
        assert_eq!(
            read_table("r.csv", text.as_bytes()).unwrap().rows.len(),
            MAX_ROWS
        );
    }
}
