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
                out_of_range.message.get("en").contains("number out of range"),
                "{:?}",
                out_of_range.message
            );
            assert!(out_of_range.message.get("zh-CN").contains("JSON 格式错误"));
            assert!(report.rejected[1].message.get("en").contains("recursion limit"));
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
