//! CSV as Excel opens it: UTF-8 with a byte-order mark (so Chinese text is read as UTF-8),
//! CRLF line ends, RFC 4180 quoting, and formula injection neutralised.
//!
//! Formula injection (OWASP "CSV Injection"): a spreadsheet evaluates a cell whose text starts
//! with `=`, `+`, `-`, `@`, a tab or a carriage return. Every *text* cell that starts with one
//! of these gets a leading `'`, which makes Excel and LibreOffice show the text as it is.
//! Numbers that kaoping writes as numbers ([`Cell::Number`]) are left alone, so `-3.5` stays a
//! negative number; a negative number that arrived as text (a unit named `-1`) is prefixed
//! like any other text.

pub use crate::cells::BOM;
use crate::cells::{format_number, Cell, Table};

/// The CSV text of a table: BOM, the header row, then the rows, each line ended by CRLF.
pub fn to_csv(table: &Table) -> String {
    let mut out = String::from(BOM);
    write_row(&mut out, table.headers.iter().map(|h| text_field(h)));
    for row in &table.rows {
        write_row(&mut out, row.iter().map(field));
    }
    out
}

fn write_row(out: &mut String, fields: impl Iterator<Item = String>) {
    for (i, f) in fields.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&f);
    }
    out.push_str("\r\n");
}

fn field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Number(v) => format_number(*v),
        Cell::Text(s) => text_field(s),
    }
}

/// Whether a spreadsheet would read this text as the start of a formula.
pub fn is_formula_like(s: &str) -> bool {
    s.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// A text field: neutralised if formula-like, then quoted when it holds a comma, a quote,
/// a line break or leading/trailing spaces.
fn text_field(s: &str) -> String {
    let s = if is_formula_like(s) {
        format!("'{s}")
    } else {
        s.to_owned()
    };
    if s.contains([',', '"', '\n', '\r']) || s.starts_with(' ') || s.ends_with(' ') {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: Vec<Vec<Cell>>) -> Table {
        Table {
            id: "t".into(),
            title: "t".into(),
            headers: vec!["单位".into(), "得分".into()],
            rows,
        }
    }

    #[test]
    fn bom_crlf_and_quoting() {
        let t = table(vec![
            vec![Cell::Text("江岸区, \"东\"".into()), Cell::Number(91.41)],
            vec![Cell::Text("两行\n文字".into()), Cell::Empty],
        ]);
        assert_eq!(
            to_csv(&t),
            "\u{feff}单位,得分\r\n\"江岸区, \"\"东\"\"\",91.41\r\n\"两行\n文字\",\r\n"
        );
    }

    #[test]
    fn formula_like_text_is_prefixed_and_numbers_are_not() {
        let t = table(vec![
            vec![
                Cell::Text("=HYPERLINK(\"http://x\",\"y\")".into()),
                Cell::Number(-3.5),
            ],
            vec![Cell::Text("+1".into()), Cell::Text("-2".into())],
            vec![Cell::Text("@SUM(A1)".into()), Cell::Text("\tx".into())],
            vec![Cell::Text("\rx".into()), Cell::Text("a=b".into())],
        ]);
        let csv = to_csv(&t);
        let lines: Vec<&str> = csv.trim_start_matches(BOM).split("\r\n").collect();
        assert_eq!(lines[1], "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",-3.5");
        assert_eq!(lines[2], "'+1,'-2");
        assert_eq!(lines[3], "'@SUM(A1),'\tx");
        assert_eq!(lines[4], "\"'\rx\",a=b");
    }
}
