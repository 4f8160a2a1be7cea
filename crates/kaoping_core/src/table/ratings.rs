//! A rating matrix read from a CSV file: one row per rater (or respondent), one column per
//! unit (or item). The first row holds the unit names (its first cell, the corner, is
//! ignored); every later row starts with the rater name. An empty cell (or one of only
//! spaces) is a missing rating.
//!
//! The file goes through the same reader as every other CSV file of the project: its encoding
//! detected by [`decode_all`] (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030, as
//! offices' spreadsheets save them) and its rows cut by the [`Tokenizer`] (RFC 4180 quoting,
//! LF, CRLF or CR line ends, blank lines skipped, rows numbered as a spreadsheet shows them).
//! Numbers are Rust's `f64` syntax after trimming spaces; `inf` and `NaN` are refused.

use super::csv::{CsvProblem, Tokenizer, MAX_ROW_BYTES};
use super::decode::decode_all;
use crate::stats::RatingMatrix;
use thiserror::Error;

/// Why a CSV file could not be read as a rating matrix. `row` is the spreadsheet row (the
/// header is row 1), `column` is 1-based (column 1 holds the rater names).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum MatrixError {
    #[error("the CSV text is empty")]
    Empty,
    #[error(
        "the header row has no unit columns (it needs a corner cell and at least one unit name)"
    )]
    NoUnits,
    #[error("there are no rating rows after the header")]
    NoRows,
    #[error("row {row}: a quoted field is not closed")]
    UnterminatedQuote { row: u64 },
    #[error("row {row}: unexpected character after a closing quote in column {column}")]
    TextAfterQuote { row: u64, column: usize },
    #[error("row {row}: longer than {MAX_ROW_BYTES} bytes (a quote that never closes?)")]
    RowTooLong { row: u64 },
    #[error("row {row}: {found} cells, but the header has {expected}")]
    RaggedRow {
        row: u64,
        expected: usize,
        found: usize,
    },
    #[error("row {row}, column {column} ({unit}): {text:?} is not a finite number")]
    NotANumber {
        row: u64,
        column: usize,
        unit: String,
        text: String,
    },
}

/// Reads a rating matrix from a CSV file's bytes (see the module documentation).
pub fn read_rating_matrix(bytes: &[u8]) -> Result<RatingMatrix, MatrixError> {
    let (text, _) = decode_all(bytes);
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    let mut problem = None;
    let mut take = |row: &super::csv::Row| {
        if problem.is_some() {
            return;
        }
        if let Some((p, field)) = row.problem {
            problem = Some(match p {
                CsvProblem::UnterminatedQuote => MatrixError::UnterminatedQuote { row: row.number },
                CsvProblem::TextAfterQuote => MatrixError::TextAfterQuote {
                    row: row.number,
                    column: field + 1,
                },
                CsvProblem::TooLong => MatrixError::RowTooLong { row: row.number },
            });
            return;
        }
        let fields = (0..row.len())
            .map(|i| String::from_utf8_lossy(row.field(i)).into_owned())
            .collect();
        rows.push((row.number, fields));
    };
    let mut tok = Tokenizer::new(b',');
    tok.feed(text.as_bytes(), &mut take);
    tok.finish(&mut take);
    if let Some(e) = problem {
        return Err(e);
    }
    matrix_of(rows)
}

/// The matrix of the rows (header first), each with its spreadsheet row number.
fn matrix_of(rows: Vec<(u64, Vec<String>)>) -> Result<RatingMatrix, MatrixError> {
    let mut it = rows.into_iter();
    let (_, header) = it.next().ok_or(MatrixError::Empty)?;
    if header.len() < 2 {
        return Err(MatrixError::NoUnits);
    }
    let col_names: Vec<String> = header[1..].iter().map(|s| s.trim().to_string()).collect();
    let mut row_names = Vec::new();
    let mut cells = Vec::new();
    for (row, rec) in it {
        if rec.len() != header.len() {
            return Err(MatrixError::RaggedRow {
                row,
                expected: header.len(),
                found: rec.len(),
            });
        }
        row_names.push(rec[0].trim().to_string());
        let mut values = Vec::with_capacity(col_names.len());
        for (j, cell) in rec[1..].iter().enumerate() {
            let t = cell.trim();
            if t.is_empty() {
                values.push(None);
                continue;
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => values.push(Some(v)),
                _ => {
                    return Err(MatrixError::NotANumber {
                        row,
                        column: j + 2,
                        unit: col_names[j].clone(),
                        text: t.to_string(),
                    })
                }
            }
        }
        cells.push(values);
    }
    if cells.is_empty() {
        return Err(MatrixError::NoRows);
    }
    Ok(RatingMatrix {
        row_names,
        col_names,
        cells,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<RatingMatrix, MatrixError> {
        read_rating_matrix(text.as_bytes())
    }

    #[test]
    fn parses_bom_crlf_quotes_and_missing() {
        let text = "\u{feff}rater,\"unit, one\",u2\r\nA,1,\r\n\"B \"\"x\"\"\", 2.5 ,3\r\n";
        let m = read(text).unwrap();
        assert_eq!(m.col_names, vec!["unit, one", "u2"]);
        assert_eq!(m.row_names, vec!["A", "B \"x\""]);
        assert_eq!(
            m.cells,
            vec![vec![Some(1.0), None], vec![Some(2.5), Some(3.0)]]
        );
    }

    #[test]
    fn reports_row_and_column() {
        let err = read("r,u1,u2\nA,1,x\n").unwrap_err();
        assert_eq!(
            err,
            MatrixError::NotANumber {
                row: 2,
                column: 3,
                unit: "u2".into(),
                text: "x".into()
            }
        );
        let err = read("r,u1,u2\nA,1\n").unwrap_err();
        assert_eq!(
            err,
            MatrixError::RaggedRow {
                row: 2,
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            read("r,u1\nA,\"1\n").unwrap_err(),
            MatrixError::UnterminatedQuote { row: 2 }
        );
        assert_eq!(
            read("r,u1\nA,\"1\"x\n").unwrap_err(),
            MatrixError::TextAfterQuote { row: 2, column: 2 }
        );
        assert_eq!(read("").unwrap_err(), MatrixError::Empty);
        assert_eq!(read("r\nA\n").unwrap_err(), MatrixError::NoUnits);
        assert_eq!(read("r,u1\n\n").unwrap_err(), MatrixError::NoRows);
        assert!(matches!(
            read("r,u1\nA,inf\n").unwrap_err(),
            MatrixError::NotANumber { .. }
        ));
    }

    #[test]
    fn no_trailing_newline_blank_lines_and_lone_cr() {
        let m = read("r,u1\n\nA,1\nB,2").unwrap();
        assert_eq!(m.n_rows(), 2);
        assert_eq!(m.transposed().cells, vec![vec![Some(1.0), Some(2.0)]]);
        // A blank line counts as a row, as a spreadsheet shows it.
        assert_eq!(
            read("r,u1\n\nA,x").unwrap_err(),
            MatrixError::NotANumber {
                row: 3,
                column: 2,
                unit: "u1".into(),
                text: "x".into()
            }
        );
        assert_eq!(read("r,u1\rA,1\rB,2\r").unwrap().n_rows(), 2);
    }

    /// Files as Chinese spreadsheets save them: GBK (GB18030) and UTF-16 with BOM.
    #[test]
    fn reads_gbk_and_utf16() {
        let text = "评委,市公安局,市税务局\r\n甲,85,90\r\n乙,,88\r\n";
        let (gbk, _, _) = encoding_rs::GB18030.encode(text);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        for bytes in [gbk.into_owned(), utf16] {
            let m = read_rating_matrix(&bytes).unwrap();
            assert_eq!(m.col_names, vec!["市公安局", "市税务局"]);
            assert_eq!(m.row_names, vec!["甲", "乙"]);
            assert_eq!(
                m.cells,
                vec![vec![Some(85.0), Some(90.0)], vec![None, Some(88.0)]]
            );
        }
    }
}
