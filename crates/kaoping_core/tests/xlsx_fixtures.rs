//! XLSX as data: each folder of `tests/fixtures/xlsx/` holds `input.xlsx` (written by another
//! program: openpyxl, LibreOffice), optionally `sheet.txt`, and `expected.json` with the rows
//! read (`{"rows": [...]}`) or the error (`{"error": "..."}`). `UPDATE_FIXTURES=1` rewrites it
//! (read the diff first). Also: kaoping's own workbooks read back to the tables written.

use kaoping_core::cells::Cell;
use kaoping_core::export;
use kaoping_core::xlsx::{read_rows, sheet_names, write_tables, write_workbook, Sheet};

use serde_json::json;

mod common;

#[test]
fn xlsx_fixtures() {
    let cases = common::cases("xlsx");
    assert!(cases.len() >= 5);
    let mut failures = Vec::new();
    for case in cases {
        let bytes = std::fs::read(case.join("input.xlsx")).unwrap();
        let sheet = std::fs::read_to_string(case.join("sheet.txt")).ok();
        let got = match read_rows(&bytes, sheet.as_deref()) {
            Ok(rows) => json!({ "rows": rows }),
            Err(e) => json!({ "error": e.to_string() }),
        };
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn written_tables_read_back_cell_for_cell() {
    let plan = kaoping_core::plan::demo_plan();
    let result =
        kaoping_core::score::evaluate(&plan, &kaoping_core::score::demo_inputs(2, 200)).unwrap();
    let tables = export::tables(&plan, &result, "zh-CN");
    let bytes = write_tables(&tables);
    let names = sheet_names(&bytes).unwrap();
    assert_eq!(names.len(), tables.len());
    for (t, name) in tables.iter().zip(&names) {
        assert_eq!(&t.title, name);
        let rows = read_rows(&bytes, Some(name)).unwrap();
        assert_eq!(rows[0], t.headers);
        assert_eq!(rows.len(), t.rows.len() + 1, "{}", t.id);
        for (got, want) in rows[1..].iter().zip(&t.rows) {
            let mut want: Vec<String> = want.iter().map(Cell::display).collect();
            while want.last().is_some_and(String::is_empty) {
                want.pop();
            }
            assert_eq!(got, &want, "{}", t.id);
        }
    }
    // The same tables give the same bytes.
    assert_eq!(write_tables(&tables), bytes);
}

#[test]
fn awkward_text_survives_a_workbook() {
    let awkward = [
        "=HYPERLINK(\"http://x\")",
        "  leading and trailing  ",
        "a\r\nb\tc",
        "<&>\"'",
        "控制\u{1}字符",
        "_x0041_ literal",
        "",
    ];
    let sheets = vec![
        Sheet {
            name: "a/b".into(),
            headers: vec!["文本".into(), "数".into()],
            rows: awkward
                .iter()
                .map(|s| vec![Cell::Text((*s).into()), Cell::Number(-0.5)])
                .collect(),
        },
        Sheet {
            name: "A/B".into(),
            headers: vec![],
            rows: vec![vec![Cell::Empty, Cell::Number(1e-7)]],
        },
    ];
    let bytes = write_workbook(&sheets);
    assert_eq!(sheet_names(&bytes).unwrap(), ["a_b", "A_B (2)"]);
    let rows = read_rows(&bytes, None).unwrap();
    for (row, s) in rows[1..].iter().zip(awkward) {
        let want: Vec<String> = if s.is_empty() {
            vec![String::new(), "-0.5".into()]
        } else {
            vec![s.into(), "-0.5".into()]
        };
        assert_eq!(row, &want);
    }
    assert!(matches!(
        read_rows(&bytes, Some("nope")),
        Err(kaoping_core::xlsx::XlsxError::SheetMissing { .. })
    ));
    assert_eq!(
        read_rows(&bytes, Some("A_B (2)")).unwrap(),
        vec![vec![String::new(), "0.0000001".to_owned()]]
    );
}
