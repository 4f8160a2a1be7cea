//! Properties of the writers: any text survives CSV (after the formula guard) and XLSX.

use kaoping_core::cells::{Cell, Table};
use kaoping_core::export::csv::{is_formula_like, to_csv, BOM};
use kaoping_core::xlsx::{read_rows, write_workbook, Sheet};
use proptest::prelude::*;

/// An RFC 4180 reader (quoted fields may hold commas, quotes and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut rows = Vec::new();
    let (mut row, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {
                chars.next();
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => field.push(c),
        }
    }
    rows
}

fn text() -> impl Strategy<Value = String> {
    proptest::string::string_regex("[ -~\t\r\n，考评=+@-]{0,12}").unwrap()
}

proptest! {
    #[test]
    fn csv_fields_read_back(cells in proptest::collection::vec(text(), 1..6), n in -1e6f64..1e6) {
        let t = Table {
            id: "t".into(),
            title: "t".into(),
            headers: vec!["h".into(); cells.len() + 1],
            rows: vec![cells.iter().map(|s| Cell::Text(s.clone())).chain([Cell::Number(n)]).collect()],
        };
        let csv = to_csv(&t);
        prop_assert!(csv.starts_with(BOM));
        let rows = parse_csv(csv.trim_start_matches(BOM));
        prop_assert_eq!(rows.len(), 2);
        for (got, want) in rows[1].iter().zip(&cells) {
            if is_formula_like(want) {
                prop_assert_eq!(got, &format!("'{want}"));
            } else {
                prop_assert_eq!(got, want);
            }
        }
        prop_assert_eq!(rows[1].last().unwrap().parse::<f64>().unwrap(), n);
    }

    #[test]
    fn xlsx_cells_read_back(cells in proptest::collection::vec(text(), 1..6), n in -1e6f64..1e6) {
        let sheet = Sheet {
            name: "s".into(),
            headers: vec![],
            rows: vec![cells.iter().map(|s| Cell::Text(s.clone())).chain([Cell::Number(n)]).collect()],
        };
        let rows = read_rows(&write_workbook(&[sheet]), None).unwrap();
        let got = &rows[0];
        for (i, want) in cells.iter().enumerate() {
            prop_assert_eq!(got.get(i).map(String::as_str).unwrap_or(""), want.as_str());
        }
        prop_assert_eq!(got.last().unwrap().parse::<f64>().unwrap(), n);
    }
}
