//! A year-end file as a table: its header row and its rows of text cells, each row with the
//! number a spreadsheet shows; columns found by their names in either language.

use super::{TableProblem, YearEndError};
use crate::table::csv::{CsvProblem, Tokenizer};
use crate::text::Text;

/// The most data rows a year-end table may have. A city's year has a few thousand
/// unit × indicator rows (the demo: 120); a file far larger is not a year-end table.
pub const MAX_ROWS: usize = 200_000;

/// A field a year-end table may have, and the column names it is known by (compared after
/// trimming, case-insensitively for ASCII).
pub(super) struct Field {
    pub(super) key: &'static str,
    pub(super) names: &'static [&'static str],
}

/// The unit column, the same in both tables.
pub(super) const UNIT_FIELD: Field = Field {
    key: "unit",
    names: &[
        "单位",
        "责任单位",
        "被考评单位",
        "单位编号",
        "单位名称",
        "unit",
        "unit_id",
    ],
};

/// Reads the table (see [`read`]) and checks that its header has the `required` fields.
pub(super) fn open(
    file: &str,
    bytes: &[u8],
    fields: &[Field],
    required: &[usize],
) -> Result<Sheet, YearEndError> {
    let sheet = read(file, bytes, fields)?;
    match missing(&sheet, fields, required) {
        Some(missing) => Err(YearEndError::MissingColumns {
            file: file.to_owned(),
            missing,
        }),
        None => Ok(sheet),
    }
}

/// What was read, or every problem: a table with any problem is refused whole.
pub(super) fn done<T>(
    file: &str,
    out: super::TableRead<T>,
    problems: Vec<TableProblem>,
) -> Result<super::TableRead<T>, YearEndError> {
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(YearEndError::Rows {
            file: file.to_owned(),
            problems,
        })
    }
}

/// A table read from a file: its header cells as written, the field each column is (by index
/// into the caller's field list), and its rows.
pub(super) struct Sheet {
    pub(super) header: Vec<String>,
    pub(super) fields: Vec<Option<usize>>,
    pub(super) rows: Vec<SheetRow>,
}

/// One data row: its spreadsheet row number and its cells, trimmed.
pub(super) struct SheetRow {
    pub(super) number: u64,
    pub(super) cells: Vec<String>,
}

impl Sheet {
    /// The column of field `f`, if the header has it.
    pub(super) fn column(&self, f: usize) -> Option<usize> {
        self.fields.iter().position(|c| *c == Some(f))
    }

    /// Row `row`'s cell of field `f`, "" when the column is absent or the row short.
    pub(super) fn cell<'a>(&self, row: &'a SheetRow, f: usize) -> &'a str {
        self.column(f)
            .and_then(|c| row.cells.get(c))
            .map(String::as_str)
            .unwrap_or("")
    }

    /// A problem in row `row`, at field `f`'s cell (or the row's first cell).
    pub(super) fn problem(&self, row: &SheetRow, f: Option<usize>, message: Text) -> TableProblem {
        let col = f.and_then(|f| self.column(f));
        TableProblem {
            row: row.number,
            column: col.map(|c| self.header[c].clone()),
            cell: Some(cell_ref(col.unwrap_or(0), row.number)),
            message,
        }
    }
}

/// The A1 reference of 0-based column `col` in spreadsheet row `row` (`D7`).
pub fn cell_ref(col: usize, row: u64) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        let r = (n - 1) % 26;
        letters.push(b'A' + r as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{row}", String::from_utf8_lossy(&letters))
}

/// Reads `bytes` (an XLSX workbook's first sheet, or CSV text in any encoding
/// [`crate::table::decode`] knows) as a header row and data rows. Blank rows are skipped (their
/// numbers are kept by the others); a row with broken CSV quoting is a problem, not dropped.
pub(super) fn read(file: &str, bytes: &[u8], fields: &[Field]) -> Result<Sheet, YearEndError> {
    let text = crate::xlsx::file_text(file, bytes).map_err(|error| YearEndError::Workbook {
        file: file.to_owned(),
        error,
    })?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let delimiter = if text.lines().next().is_some_and(|l| l.contains('\t')) {
        b'\t'
    } else {
        b','
    };
    let mut tok = Tokenizer::new(delimiter);
    let mut header: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut problems = Vec::new();
    let mut too_many = false;
    let mut on_row = |r: &crate::table::csv::Row| {
        let cells: Vec<String> = (0..r.len())
            .map(|i| String::from_utf8_lossy(r.field(i)).trim().to_owned())
            .collect();
        if let Some((p, field)) = r.problem {
            problems.push(csv_problem(p, field, r.number));
            return;
        }
        if header.is_none() {
            header = Some(cells);
            return;
        }
        if cells.iter().all(String::is_empty) {
            return;
        }
        if rows.len() == MAX_ROWS {
            too_many = true;
            return;
        }
        rows.push(SheetRow {
            number: r.number,
            cells,
        });
    };
    tok.feed(text.as_bytes(), &mut on_row);
    tok.finish(&mut on_row);
    if too_many {
        return Err(YearEndError::TooManyRows {
            file: file.to_owned(),
            max: MAX_ROWS,
        });
    }
    if !problems.is_empty() {
        return Err(YearEndError::Rows {
            file: file.to_owned(),
            problems,
        });
    }
    let header = header.unwrap_or_default();
    let fields = header.iter().map(|h| field_of(h, fields)).collect();
    Ok(Sheet {
        header,
        fields,
        rows,
    })
}

/// Which of `fields` a header cell names.
fn field_of(header: &str, fields: &[Field]) -> Option<usize> {
    let h = header.trim();
    fields
        .iter()
        .position(|f| f.names.iter().any(|n| n.eq_ignore_ascii_case(h)))
}

fn csv_problem(p: CsvProblem, field: usize, row: u64) -> TableProblem {
    let (zh, en) = match p {
        CsvProblem::UnterminatedQuote => (
            "引号未闭合，其后内容无法读取",
            "a quote is not closed; the rest of the file cannot be read",
        ),
        CsvProblem::TextAfterQuote => ("右引号后还有文字", "text after a closing quote"),
        CsvProblem::TooLong => ("此行超过 1 MiB", "the row is over 1 MiB"),
    };
    TableProblem {
        row,
        column: None,
        cell: Some(cell_ref(field, row)),
        message: Text::new(&format!("CSV 格式错误：{zh}"), &format!("CSV syntax: {en}")),
    }
}

/// The fields of `fields` the header lacks among `required`, as their first names
/// (`单位 (unit)`), or `None` when it has them all.
fn missing(sheet: &Sheet, fields: &[Field], required: &[usize]) -> Option<String> {
    let names: Vec<String> = required
        .iter()
        .filter(|&&f| sheet.column(f).is_none())
        .map(|&f| format!("{} ({})", fields[f].names[0], fields[f].key))
        .collect();
    (!names.is_empty()).then(|| names.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references_count_columns_as_a_spreadsheet_does() {
        assert_eq!(cell_ref(0, 1), "A1");
        assert_eq!(cell_ref(3, 7), "D7");
        assert_eq!(cell_ref(25, 2), "Z2");
        assert_eq!(cell_ref(26, 2), "AA2");
        assert_eq!(cell_ref(701, 3), "ZZ3");
        assert_eq!(cell_ref(702, 3), "AAA3");
    }
}
