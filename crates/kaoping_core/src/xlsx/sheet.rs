//! A worksheet part read into rows of text: its events in order (rows, cells, values), each
//! cell shown as Excel shows it (shared and inline strings, booleans, numbers in their
//! shortest form, dates in ISO 8601), within the limits of [`super::read`].

use super::read::{serial_to_iso, MAX_COLUMNS, MAX_ROWS, MAX_SHEET_CELLS, MAX_SHEET_TEXT};
use super::xml::Event;
use super::XlsxError;
use crate::cells::format_number;

/// What a cell's text is read against: the shared strings and the date styles.
pub(super) struct CellText<'a> {
    pub(super) strings: &'a [String],
    pub(super) dates: &'a [bool],
    pub(super) date1904: bool,
}

/// The rows of a sheet as its events come.
pub(super) struct SheetRows<'a> {
    sheet: &'a str,
    text: CellText<'a>,
    pub(super) rows: Vec<Vec<String>>,
    row: Vec<String>,
    row_no: usize,
    col: usize,
    /// The open cell: its type (`t`), style (`s`), reference and value so far.
    kind: String,
    style: usize,
    cell_ref: String,
    value: String,
    in_cell: bool,
    in_v: bool,
    in_is_t: bool,
    /// Cell positions and text bytes so far (the sheet's limits).
    cells: usize,
    text_bytes: usize,
}

impl<'a> SheetRows<'a> {
    pub(super) fn new(sheet: &'a str, text: CellText<'a>) -> SheetRows<'a> {
        SheetRows {
            sheet,
            text,
            rows: Vec::new(),
            row: Vec::new(),
            row_no: 0,
            col: 0,
            kind: String::new(),
            style: 0,
            cell_ref: String::new(),
            value: String::new(),
            in_cell: false,
            in_v: false,
            in_is_t: false,
            cells: 0,
            text_bytes: 0,
        }
    }

    /// The next event of the sheet's XML.
    pub(super) fn event(&mut self, e: Event) -> Result<(), XlsxError> {
        match e {
            Event::Start {
                name: "row",
                attrs,
                empty,
            } => self.start_row(super::read::attr(&attrs, "r"), empty)?,
            Event::End { name: "row" } => self.finish_row()?,
            Event::Start {
                name: "c",
                attrs,
                empty,
            } => self.start_cell(&attrs, empty)?,
            Event::End { name: "c" } if self.in_cell => self.end_cell()?,
            Event::Start {
                name: "v",
                empty: false,
                ..
            } => self.in_v = true,
            Event::End { name: "v" } => self.in_v = false,
            Event::Start {
                name: "t",
                empty: false,
                ..
            } if self.in_cell => self.in_is_t = true,
            Event::End { name: "t" } => self.in_is_t = false,
            Event::Text(t) if self.in_cell && (self.in_v || self.in_is_t) => {
                self.value.push_str(&t)
            }
            _ => {}
        }
        Ok(())
    }

    fn limit(&self, cell: String, why: String) -> XlsxError {
        XlsxError::Limit {
            sheet: self.sheet.to_owned(),
            cell,
            why,
        }
    }

    /// Where the open cell is, for an error: its reference, else its row and column.
    fn here(&self) -> String {
        match self.cell_ref.as_str() {
            "" => format!("row {}, column {}", self.row_no, self.col + 1),
            r => format!("cell {r}"),
        }
    }

    fn start_row(&mut self, r: Option<&str>, empty: bool) -> Result<(), XlsxError> {
        self.row_no = r
            .and_then(|r| r.parse().ok())
            .unwrap_or(self.rows.len() + 1);
        if self.row_no > MAX_ROWS {
            return Err(self.limit(
                format!("row {}", self.row_no),
                format!("a sheet has at most {MAX_ROWS} rows"),
            ));
        }
        self.col = 0;
        if empty {
            self.finish_row()?;
        }
        Ok(())
    }

    fn finish_row(&mut self) -> Result<(), XlsxError> {
        while self.row.last().is_some_and(String::is_empty) {
            self.row.pop();
        }
        if self.rows.len() >= MAX_ROWS {
            return Err(self.limit(
                format!("row {}", self.rows.len() + 1),
                format!("a sheet has at most {MAX_ROWS} rows"),
            ));
        }
        // Empty rows up to this one (row_no is at most MAX_ROWS): an empty Vec each.
        while self.rows.len() + 1 < self.row_no {
            self.rows.push(Vec::new());
        }
        self.rows.push(std::mem::take(&mut self.row));
        Ok(())
    }

    fn start_cell(&mut self, attrs: &[(&str, String)], empty: bool) -> Result<(), XlsxError> {
        use super::read::attr;
        self.cell_ref.clear();
        if let Some(r) = attr(attrs, "r") {
            self.cell_ref.push_str(r);
            self.col = column_of(r).unwrap_or(MAX_COLUMNS);
        }
        if self.col >= MAX_COLUMNS {
            return Err(self.limit(
                self.here(),
                format!("a sheet has at most {MAX_COLUMNS} columns (A to XFD)"),
            ));
        }
        self.kind = attr(attrs, "t").unwrap_or("n").to_owned();
        self.style = attr(attrs, "s").and_then(|s| s.parse().ok()).unwrap_or(0);
        self.value.clear();
        self.in_cell = !empty;
        if empty {
            self.col += 1;
        }
        Ok(())
    }

    /// The open cell's text, as Excel shows it.
    fn shown(&self) -> String {
        let value = &self.value;
        match self.kind.as_str() {
            "s" => value
                .trim()
                .parse::<usize>()
                .ok()
                .and_then(|i| self.text.strings.get(i).cloned())
                .unwrap_or_default(),
            "b" => if value.trim() == "1" { "TRUE" } else { "FALSE" }.to_owned(),
            "inlineStr" | "str" => super::read::decode_escapes(value),
            "n" => match value.trim().parse::<f64>() {
                Ok(v) if self.text.dates.get(self.style).copied().unwrap_or(false) => {
                    serial_to_iso(v, self.text.date1904).unwrap_or_else(|| format_number(v))
                }
                Ok(v) => format_number(v),
                Err(_) => value.clone(),
            },
            _ => value.clone(),
        }
    }

    fn end_cell(&mut self) -> Result<(), XlsxError> {
        let shown = self.shown();
        if !shown.is_empty() {
            let col = self.col;
            self.text_bytes += shown.len();
            if self.row.len() <= col {
                self.cells += col + 1 - self.row.len();
            }
            if self.cells > MAX_SHEET_CELLS || self.text_bytes > MAX_SHEET_TEXT {
                return Err(self.limit(
                    self.here(),
                    format!("a sheet may have at most {MAX_SHEET_CELLS} cells (gaps in a row included) and {MAX_SHEET_TEXT} bytes of text"),
                ));
            }
            if self.row.len() <= col {
                self.row.resize(col + 1, String::new());
            }
            self.row[col] = shown;
        }
        self.col += 1;
        self.in_cell = false;
        Ok(())
    }
}

/// A cell's column (0-based) from its reference's letters, or `None` past XFD.
fn column_of(r: &str) -> Option<usize> {
    let mut col = 0usize;
    for b in r.bytes().take_while(u8::is_ascii_alphabetic) {
        col = col * 26 + usize::from(b.to_ascii_uppercase() - b'A' + 1);
        if col > MAX_COLUMNS {
            return None;
        }
    }
    Some(col.saturating_sub(1))
}
