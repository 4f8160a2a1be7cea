//! The core's parsers under hostile input (docs/limits.md): every limit breached gives a clear
//! error naming where, never a crash, a huge allocation or a lost row. Every case runs on a
//! thread with a 1 MiB stack, as the respondent's and the office's WASM have.

use kaoping_core::ingest::{FileOptions, IngestReport, IngestSession};
use kaoping_core::plan::demo_plan;
use serde_json::Value;

/// Run `f` on a thread with a 1 MiB stack (WASM's default); a stack overflow aborts the test
/// process, so a recursion per character or per nesting level cannot pass.
fn small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

fn fixture(path: &str) -> Vec<u8> {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Ingest one file (name decides the format) in chunks of `chunk` bytes.
fn ingest(name: &str, bytes: &[u8], chunk: usize) -> IngestReport {
    let plan = demo_plan();
    let mut s = IngestSession::keeping(&plan);
    s.begin(name, FileOptions::default()).unwrap();
    for c in bytes.chunks(chunk.max(1)) {
        s.push(c).unwrap();
    }
    s.end().unwrap();
    let report = s.finish().unwrap().report;
    assert_eq!(
        report.read,
        report.accepted + report.rejected.len(),
        "read = accepted + rejected"
    );
    report
}

fn codes(r: &IngestReport) -> Vec<(usize, &'static str)> {
    r.rejected.iter().map(|x| (x.row, x.code)).collect()
}

/// The three accepted records of the JSON fixture, as compact JSON texts.
fn three_records() -> Vec<String> {
    let v: Value =
        serde_json::from_slice(&fixture("ingest/json_array_and_single/a_array.json")).unwrap();
    v.as_array()
        .unwrap()
        .iter()
        .map(|r| r.to_string())
        .collect()
}

#[test]
fn a_json_element_that_is_not_a_value_is_rejected_alone() {
    small_stack(|| {
        let r = three_records();
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let deep_object = "{\"a\":".repeat(200) + "1" + &"}".repeat(200);
        let text = format!(
            "[\n{},\n1e400,\n{},\n{deep},\n{deep_object},\n{}\n]",
            r[0], r[1], r[2]
        );
        for chunk in [7, usize::MAX] {
            let report = ingest("records.json", text.as_bytes(), chunk);
            assert_eq!(report.read, 6);
            assert_eq!(report.accepted, 3, "{:?}", report.rejected);
            assert_eq!(
                codes(&report),
                [(2, "json_syntax"), (4, "json_syntax"), (5, "json_syntax")]
            );
            let out_of_range = &report.rejected[0];
            assert_eq!(out_of_range.column.as_deref(), Some("line 3, column 5"));
            assert!(
                out_of_range
                    .message
                    .get("en")
                    .contains("number out of range"),
                "{:?}",
                out_of_range.message
            );
            assert!(out_of_range.message.get("zh-CN").contains("JSON 格式错误"));
            assert!(report.rejected[1]
                .message
                .get("en")
                .contains("recursion limit"));
        }
        // A broken outer structure is still one syntax error for the file.
        let report = ingest("records.json", format!("[{},\n\"open", r[0]).as_bytes(), 7);
        assert_eq!(codes(&report), [(2, "json_syntax")]);
        // Commas out of place are elements that do not parse, each counted.
        let report = ingest(
            "records.json",
            format!("[{},,{},]", r[0], r[1]).as_bytes(),
            3,
        );
        assert_eq!(codes(&report), [(2, "json_syntax"), (4, "json_syntax")]);
        assert_eq!(report.accepted, 2);
        assert_eq!(ingest("records.json", b" [ ] ", 1).read, 0);
    });
}

#[test]
fn a_json_line_that_is_not_a_value_is_rejected_alone() {
    small_stack(|| {
        let r = three_records();
        let deep = "[".repeat(100_000) + &"]".repeat(100_000);
        let text = format!("{}\n1e400\n{}\n{deep}\n{}\n", r[0], r[1], r[2]);
        for chunk in [5, usize::MAX] {
            let report = ingest("records.jsonl", text.as_bytes(), chunk);
            assert_eq!(report.read, 5);
            assert_eq!(report.accepted, 3);
            assert_eq!(codes(&report), [(2, "json_syntax"), (4, "json_syntax")]);
        }
        // One deep object alone (not JSON Lines, not an array).
        let deep = "{\"a\":".repeat(50_000) + "1" + &"}".repeat(50_000);
        let report = ingest("one.json", deep.as_bytes(), usize::MAX);
        assert_eq!(codes(&report), [(1, "json_syntax")]);
    });
}

mod common;

/// Every workbook of `tests/fixtures/limits/` (hostile ZIP and XLSX files, written by
/// `make_xlsx.py`; `note.txt` says what each is), read as ingest reads it (a sheet as CSV
/// text) on a 1 MiB stack: `expected.json` holds the error, or the table's size and ends.
#[cfg(feature = "office")] // the XLSX reader is an office feature
#[test]
fn hostile_workbooks_give_errors_naming_where() {
    let failures = small_stack(|| {
        let mut failures = Vec::new();
        for case in common::cases("limits") {
            let Ok(bytes) = std::fs::read(case.join("input.xlsx")) else {
                continue;
            };
            let got = match kaoping_core::xlsx::read_csv_text(&bytes, None) {
                Ok(text) => {
                    let lines: Vec<&str> = text.lines().collect();
                    let short = |l: &str| l.chars().take(40).collect::<String>();
                    serde_json::json!({
                        "csv_lines": lines.len(),
                        "csv_bytes": text.len(),
                        "first": short(lines.first().unwrap_or(&"")),
                        "last": short(lines.last().unwrap_or(&"")),
                    })
                }
                Err(e) => serde_json::json!({ "error": e.to_string() }),
            };
            let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
            if let Err(e) = common::check(&case.join("expected.json"), &text) {
                failures.push(e);
            }
        }
        failures
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Every prefix of a workbook, and the workbook with bytes changed here and there, reads
/// to an error or to rows: never a panic.
#[cfg(feature = "office")] // the XLSX reader is an office feature
#[test]
fn damaged_workbooks_never_panic() {
    small_stack(|| {
        let good = fixture("limits/xlsx_far_row/input.xlsx");
        for n in 0..good.len() {
            let _ = kaoping_core::xlsx::read_csv_text(&good[..n], None);
        }
        let mut x: u64 = 42;
        for _ in 0..3000 {
            let mut bad = good.clone();
            for _ in 0..3 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let at = (x >> 33) as usize % bad.len();
                bad[at] = (x >> 20) as u8;
            }
            let _ = kaoping_core::xlsx::read_csv_text(&bad, None);
        }
    });
}

/// A kilobyte-sized workbook whose one shared string (1 MiB) is shown by 200 cells: 200 MiB
/// of text, over the sheet's limit; the error names the cell where it went over.
#[cfg(feature = "office")] // the XLSX reader is an office feature
#[test]
fn shared_strings_shown_many_times_are_bounded() {
    use kaoping_core::xlsx::{zip::ZipWriter, MAX_SHEET_TEXT};
    let failed = small_stack(|| {
        let mut w = ZipWriter::default();
        w.add("[Content_Types].xml", b"<Types/>");
        w.add(
            "xl/workbook.xml",
            br#"<workbook><sheets><sheet name="S" sheetId="1"/></sheets></workbook>"#,
        );
        let string = "x".repeat(1 << 20);
        w.add(
            "xl/sharedStrings.xml",
            format!("<sst><si><t>{string}</t></si></sst>").as_bytes(),
        );
        let cells: String = (1..=200)
            .map(|i| format!(r#"<row r="{i}"><c r="A{i}" t="s"><v>0</v></c></row>"#))
            .collect();
        w.add(
            "xl/worksheets/sheet1.xml",
            format!("<worksheet><sheetData>{cells}</sheetData></worksheet>").as_bytes(),
        );
        let zip = w.finish();
        assert!(zip.len() < 8 << 10, "{}", zip.len());
        kaoping_core::xlsx::read_rows(&zip, None)
            .unwrap_err()
            .to_string()
    });
    let at = MAX_SHEET_TEXT / (1 << 20) + 1;
    assert!(
        failed.contains(&format!("sheet \"S\", cell A{at}:")),
        "{failed}"
    );
}

/// The demo plan with the public survey's comment question changed by `f` (as JSON).
fn plan_with_comment(f: impl FnOnce(&mut serde_json::Map<String, Value>)) -> String {
    let mut plan: Value = serde_json::from_str(kaoping_core::plan::DEMO_PLAN_SOURCE).unwrap();
    let q = plan
        .pointer_mut("/instruments/0/sections/2/questions/4")
        .and_then(Value::as_object_mut)
        .unwrap();
    assert_eq!(q["id"], "comment");
    f(q);
    plan.to_string()
}

/// A long answer against a text pattern: no recursion per character (1 MiB stack), and an
/// answer already over `max_length` is not matched at all (its length is the issue).
#[test]
fn long_text_answers_against_a_pattern() {
    small_stack(|| {
        for max in [Some(500), None] {
            let text = plan_with_comment(|q| {
                q.insert("pattern".into(), r"\w+@\w+\.cn".into());
                match max {
                    Some(m) => q.insert("max_length".into(), m.into()),
                    None => q.remove("max_length"),
                };
            });
            let report = kaoping_core::validate::validate_plan(&text);
            assert!(report.ok, "{:?}", report.problems);
            let plan = report.plan.unwrap();
            let ins = plan.instrument("public").unwrap();
            let issues = |answer: String| {
                let mut answers = kaoping_core::form::Answers::default();
                answers
                    .values
                    .insert("comment".into(), Value::String(answer));
                kaoping_core::form::evaluate(ins, &answers, "en")
                    .issues
                    .into_iter()
                    .filter(|i| i.question == "comment")
                    .map(|i| i.code)
                    .collect::<Vec<_>>()
            };
            let long = "a".repeat(10_000);
            let want: &[&str] = if max.is_some() {
                &["too_long"]
            } else {
                &["pattern"]
            };
            assert_eq!(issues(long.clone()), want);
            let fits = if max.is_some() { 200 } else { 10_000 };
            assert!(issues(format!("{}@{}.cn", &long[..fits], &long[..fits])).is_empty());
        }
    });
}

struct NoAnswers;
impl kaoping_core::expr::Env for NoAnswers {
    fn answer(&self, _: &str) -> Option<Value> {
        None
    }
    fn current(&self) -> Option<Value> {
        None
    }
}

/// Expressions at and past their length and depth limits, parsed and evaluated on a 1 MiB
/// stack; and in a plan, where validation reports them with their place.
#[test]
fn hostile_expressions_on_a_small_stack() {
    use kaoping_core::expr::{parse, MAX_DEPTH, MAX_LEN};
    small_stack(|| {
        let nest =
            |open: &str, close: &str, n: usize| format!("{}1{}", open.repeat(n), close.repeat(n));
        for src in [
            nest("(", ")", MAX_DEPTH - 1),
            nest("count(", ")", MAX_DEPTH / 3 - 1),
            "1 + ".repeat(MAX_LEN / 4 - 1) + "1",
            "not ".repeat(MAX_DEPTH / 2 - 1) + "true",
        ] {
            let e = parse(&src).unwrap_or_else(|e| panic!("{}: {e:?}", &src[..40]));
            let _ = e.eval(&NoAnswers);
        }
        for src in [
            nest("(", ")", 100_000),
            nest("[", "]", 100_000),
            "-".repeat(100_000) + "1",
            "not ".repeat(2_000),
            "1 + ".repeat(MAX_LEN) + "1",
        ] {
            assert!(parse(&src).is_err());
        }
        let text = plan_with_comment(|q| {
            q.insert("relevant".into(), nest("(", ")", 100_000).into());
        });
        let report = kaoping_core::validate::validate_plan(&text);
        assert!(!report.ok);
        assert!(report
            .problems
            .iter()
            .any(|p| p.path.ends_with("/questions/4/relevant") && p.line.is_some()));
    });
}

/// Plans nested far deeper than serde_json's 128 levels (objects, arrays, mixed) are a
/// syntax problem with a line, on a 1 MiB stack.
#[test]
fn deeply_nested_plans_are_a_syntax_problem() {
    small_stack(|| {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[{\"b\":", "}]")] {
            let text = format!("{}1{}", open.repeat(200_000), close.repeat(200_000));
            let report = kaoping_core::validate::validate_plan(&text);
            assert!(!report.ok);
            let p = &report.problems[0];
            assert_eq!((p.code, p.line), ("json_syntax", Some(1)), "{p:?}");
        }
        // Deep inside a real plan: a key's value nested 127 levels (under the limit)
        // is a shape problem, not a crash.
        let deep = format!("{}1{}", "[".repeat(120), "]".repeat(120));
        let text = plan_with_comment(|q| {
            q.insert("label".into(), serde_json::from_str(&deep).unwrap());
        });
        let report = kaoping_core::validate::validate_plan(&text);
        assert!(!report.ok);
    });
}

/// CSV through ingest on a 1 MiB stack: a stray quote costs one `csv_syntax` rejection for the
/// row it is in, over 1 MiB, and the rows after the next line end past the limit are read; an
/// over-long header is reported as the file's problem, not a crash.
#[test]
fn a_stray_quote_in_a_csv_costs_one_row() {
    use kaoping_core::table::csv::MAX_ROW_BYTES;
    small_stack(|| {
        let header = "respondent_id,district,comment\n";
        let row = |i: usize| format!("R{i:07},jiangan,\n");
        let rows = MAX_ROW_BYTES / row(0).len() + 100;
        let mut csv = header.to_owned();
        csv.push_str("R0000000,jiangan,\"stray\n");
        for i in 1..=rows {
            csv.push_str(&row(i));
        }
        for chunk in [4099, usize::MAX] {
            let report = ingest("public.csv", csv.as_bytes(), chunk);
            let first = &report.rejected[0];
            assert_eq!(
                (first.row, first.code, first.column.as_deref()),
                (2, "csv_syntax", None)
            );
            assert!(first.message.get("en").contains("over 1 MiB"));
            assert!(first.message.get("zh-CN").contains("1 MiB"));
            // The rows after the limit are read (and rejected or accepted on their own merits,
            // here for lacking the survey's required answers), numbered by lines.
            let last = report.rejected.last().unwrap();
            assert_eq!(last.row, rows + 2, "{last:?}");
            assert!(report.read > 90 && report.read < rows, "{}", report.read);
        }
        let long_header = format!("\"{}\nR1,jiangan\n", "h".repeat(MAX_ROW_BYTES));
        let report = ingest("public.csv", long_header.as_bytes(), usize::MAX);
        assert_eq!(codes(&report), [(1, "csv_syntax"), (2, "csv_syntax")]);
        assert!(report.rejected[0]
            .message
            .get("en")
            .contains("header row is over 1 MiB"));
    });
}

/// A plan with a key given twice in one object (found by the fuzz smoke run: validation said
/// valid, loading refused "duplicate field `id`") is a `duplicate_key` problem at each repeated
/// key (this one repeats a question's `id` and `type`).
#[test]
fn a_repeated_key_in_a_plan_is_a_problem_with_its_place() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../fuzz/regressions/plan/smoke-duplicate-field-id"
    ))
    .unwrap();
    let report = kaoping_core::validate::validate_plan(&text);
    let dup: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.code == "duplicate_key")
        .collect();
    let at: Vec<_> = dup.iter().map(|p| (p.path.as_str(), p.line)).collect();
    assert_eq!(
        at,
        [
            ("/instruments/0/sections/0/questions/0/id", Some(72)),
            ("/instruments/0/sections/0/questions/0/type", Some(73))
        ]
    );
    assert!(dup[0].message.get("en").contains("\"id\""));
    assert!(dup[0].message.get("zh-CN").contains("“id”"));
    assert!(kaoping_core::plan::load_plan(&text).is_err());
}
