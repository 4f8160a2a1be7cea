//! A rating matrix parsed from CSV text: one row per rater (or respondent), one column
//! per unit (or item). The first record holds the unit names (its first cell, the corner,
//! is ignored); every later record starts with the rater name. An empty cell (or one of
//! only spaces) is a missing rating.
//!
//! The parser accepts RFC 4180 quoting (`"a ""quoted"", name"`), a leading UTF-8 BOM,
//! LF or CRLF line ends, and ignores blank lines. Numbers are parsed with Rust's `f64`
//! parser after trimming spaces; non-finite values (`inf`, `NaN`) are rejected.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a CSV text could not be read as a rating matrix. `line` is 1-based in the text,
/// `column` is 1-based in the record (column 1 is the rater name).
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
    #[error("line {line}: a quoted field is not closed")]
    UnterminatedQuote { line: usize },
    #[error("line {line}: unexpected character after a closing quote in column {column}")]
    TextAfterQuote { line: usize, column: usize },
    #[error("line {line}: {found} cells, but the header has {expected}")]
    RaggedRow {
        line: usize,
        expected: usize,
        found: usize,
    },
    #[error("line {line}, column {column} ({unit}): {text:?} is not a finite number")]
    NotANumber {
        line: usize,
        column: usize,
        unit: String,
        text: String,
    },
}

/// Ratings: `cells[r][c]` is rater `r`'s rating of unit `c`, `None` when missing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RatingMatrix {
    pub row_names: Vec<String>,
    pub col_names: Vec<String>,
    pub cells: Vec<Vec<Option<f64>>>,
}

impl RatingMatrix {
    /// Builds a matrix from rows of optional values, with generated names
    /// (`r1..`, `u1..`). Rows shorter than the longest are padded with `None`.
    pub fn from_rows(rows: Vec<Vec<Option<f64>>>) -> Self {
        let ncol = rows.iter().map(Vec::len).max().unwrap_or(0);
        let cells: Vec<Vec<Option<f64>>> = rows
            .into_iter()
            .map(|mut r| {
                r.resize(ncol, None);
                r
            })
            .collect();
        RatingMatrix {
            row_names: (1..=cells.len()).map(|i| format!("r{i}")).collect(),
            col_names: (1..=ncol).map(|i| format!("u{i}")).collect(),
            cells,
        }
    }

    /// Number of rows (raters / respondents).
    pub fn n_rows(&self) -> usize {
        self.cells.len()
    }

    /// Number of columns (units / items).
    pub fn n_cols(&self) -> usize {
        self.col_names.len()
    }

    /// The values of column `c`, top to bottom.
    pub fn column(&self, c: usize) -> impl Iterator<Item = Option<f64>> + '_ {
        self.cells.iter().map(move |r| r.get(c).copied().flatten())
    }

    /// The transposed matrix (rows become columns).
    pub fn transposed(&self) -> RatingMatrix {
        let cells = (0..self.n_cols())
            .map(|c| self.column(c).collect())
            .collect();
        RatingMatrix {
            row_names: self.col_names.clone(),
            col_names: self.row_names.clone(),
            cells,
        }
    }

    /// Parses CSV text (see the module documentation for the format).
    pub fn from_csv(text: &str) -> Result<RatingMatrix, MatrixError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let records = parse_records(text)?;
        let mut it = records.into_iter();
        let (_, header) = it.next().ok_or(MatrixError::Empty)?;
        if header.len() < 2 {
            return Err(MatrixError::NoUnits);
        }
        let col_names: Vec<String> = header[1..].iter().map(|s| s.trim().to_string()).collect();
        let mut row_names = Vec::new();
        let mut cells = Vec::new();
        for (line, rec) in it {
            if rec.len() != header.len() {
                return Err(MatrixError::RaggedRow {
                    line,
                    expected: header.len(),
                    found: rec.len(),
                });
            }
            row_names.push(rec[0].trim().to_string());
            let mut row = Vec::with_capacity(col_names.len());
            for (j, cell) in rec[1..].iter().enumerate() {
                let t = cell.trim();
                if t.is_empty() {
                    row.push(None);
                    continue;
                }
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() => row.push(Some(v)),
                    _ => {
                        return Err(MatrixError::NotANumber {
                            line,
                            column: j + 2,
                            unit: col_names[j].clone(),
                            text: t.to_string(),
                        })
                    }
                }
            }
            cells.push(row);
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
}

/// Splits CSV text into records of fields, each with its 1-based starting line.
/// Blank lines (outside quotes) are skipped.
fn parse_records(text: &str) -> Result<Vec<(usize, Vec<String>)>, MatrixError> {
    let mut records = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut in_quotes = false;
    let mut after_quote = false;
    let mut field_started = false;
    let mut chars = text.chars().peekable();
    while let Some(ch) = chars.next() {
        if in_quotes {
            match ch {
                '"' => {
                    if chars.peek() == Some(&'"') {
                        chars.next();
                        field.push('"');
                    } else {
                        in_quotes = false;
                        after_quote = true;
                    }
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(ch),
            }
            continue;
        }
        match ch {
            '"' if !field_started || field.trim().is_empty() => {
                field.clear();
                in_quotes = true;
                field_started = true;
            }
            ',' => {
                fields.push(std::mem::take(&mut field));
                after_quote = false;
                field_started = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                if field_started || !field.is_empty() || !fields.is_empty() {
                    fields.push(std::mem::take(&mut field));
                    records.push((record_line, std::mem::take(&mut fields)));
                }
                after_quote = false;
                field_started = false;
                line += 1;
                record_line = line;
            }
            c if after_quote => {
                if !c.is_whitespace() {
                    return Err(MatrixError::TextAfterQuote {
                        line,
                        column: fields.len() + 1,
                    });
                }
            }
            c => {
                field.push(c);
                field_started = true;
            }
        }
    }
    if in_quotes {
        return Err(MatrixError::UnterminatedQuote { line: record_line });
    }
    if field_started || !field.is_empty() || !fields.is_empty() {
        fields.push(field);
        records.push((record_line, fields));
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_bom_crlf_quotes_and_missing() {
        let text = "\u{feff}rater,\"unit, one\",u2\r\nA,1,\r\n\"B \"\"x\"\"\", 2.5 ,3\r\n";
        let m = RatingMatrix::from_csv(text).unwrap();
        assert_eq!(m.col_names, vec!["unit, one", "u2"]);
        assert_eq!(m.row_names, vec!["A", "B \"x\""]);
        assert_eq!(
            m.cells,
            vec![vec![Some(1.0), None], vec![Some(2.5), Some(3.0)]]
        );
    }

    #[test]
    fn reports_row_and_column() {
        let err = RatingMatrix::from_csv("r,u1,u2\nA,1,x\n").unwrap_err();
        assert_eq!(
            err,
            MatrixError::NotANumber {
                line: 2,
                column: 3,
                unit: "u2".into(),
                text: "x".into()
            }
        );
        let err = RatingMatrix::from_csv("r,u1,u2\nA,1\n").unwrap_err();
        assert_eq!(
            err,
            MatrixError::RaggedRow {
                line: 2,
                expected: 3,
                found: 2
            }
        );
        assert_eq!(
            RatingMatrix::from_csv("r,u1\nA,\"1\n").unwrap_err(),
            MatrixError::UnterminatedQuote { line: 2 }
        );
        assert_eq!(RatingMatrix::from_csv("").unwrap_err(), MatrixError::Empty);
        assert_eq!(
            RatingMatrix::from_csv("r\nA\n").unwrap_err(),
            MatrixError::NoUnits
        );
        assert_eq!(
            RatingMatrix::from_csv("r,u1\n\n").unwrap_err(),
            MatrixError::NoRows
        );
        assert!(matches!(
            RatingMatrix::from_csv("r,u1\nA,inf\n").unwrap_err(),
            MatrixError::NotANumber { .. }
        ));
    }

    #[test]
    fn no_trailing_newline_and_blank_lines() {
        let m = RatingMatrix::from_csv("r,u1\n\nA,1\nB,2").unwrap();
        assert_eq!(m.n_rows(), 2);
        assert_eq!(m.transposed().cells, vec![vec![Some(1.0), Some(2.0)]]);
    }
}
