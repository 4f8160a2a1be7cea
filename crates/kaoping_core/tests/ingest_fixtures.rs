//! Ingest as data: each folder of `tests/fixtures/ingest/` holds response files (read in name
//! order, as one ingest), optionally `options.json` (file name → options: format, encoding,
//! instrument, mapping), and `expected.json`: the report (counts per file with the encoding and
//! header mapping of tables, and every rejection with file, row, column and reason).
//! `UPDATE_FIXTURES=1` rewrites it (read the diff first).
//!
//! Every case is streamed in chunks of 1 byte, 7 bytes and whole, through a session that keeps
//! records and through one that scores (which takes the compiled path for public-survey CSV):
//! all six must give the same report. Cases in UTF-8 without options also go through
//! `Ingest::add_file`, which must agree.

use kaoping_core::ingest::{FileOptions, Ingest, IngestReport, IngestSession};
use kaoping_core::plan::demo_plan;
use std::collections::BTreeMap;

mod common;

fn stream(
    plan: &kaoping_core::plan::Plan,
    files: &[(String, Vec<u8>)],
    options: &BTreeMap<String, FileOptions>,
    chunk: usize,
    scoring: bool,
) -> IngestReport {
    let mut s = if scoring {
        IngestSession::scoring(plan).unwrap()
    } else {
        IngestSession::keeping(plan)
    };
    for (name, bytes) in files {
        s.begin(name, options.get(name).cloned().unwrap_or_default())
            .unwrap();
        for c in bytes.chunks(chunk.max(1)) {
            s.push(c).unwrap();
        }
        s.end().unwrap();
    }
    s.finish().unwrap().report
}

#[test]
fn ingest_fixtures() {
    let plan = demo_plan();
    let cases = common::cases("ingest");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let mut paths: Vec<_> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| {
                p.file_name()
                    .is_some_and(|n| n != "expected.json" && n != "options.json")
            })
            .collect();
        paths.sort();
        let files: Vec<(String, Vec<u8>)> = paths
            .iter()
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().to_string(),
                    std::fs::read(p).unwrap(),
                )
            })
            .collect();
        let options: BTreeMap<String, FileOptions> =
            match std::fs::read_to_string(case.join("options.json")) {
                Ok(t) => serde_json::from_str(&t).unwrap(),
                Err(_) => BTreeMap::new(),
            };
        let report = stream(&plan, &files, &options, usize::MAX, false);
        assert_eq!(
            report.read,
            report.accepted + report.rejected.len(),
            "counts reconcile"
        );
        assert_eq!(report.records.len(), report.accepted);
        let got = serde_json::to_string_pretty(&report).unwrap() + "\n";
        for chunk in [1, 7, usize::MAX] {
            for scoring in [false, true] {
                let other = stream(&plan, &files, &options, chunk, scoring);
                let other = serde_json::to_string_pretty(&other).unwrap() + "\n";
                if other != got {
                    failures.push(format!(
                        "{}: chunk {chunk}, scoring {scoring} differs:\n{other}",
                        case.display()
                    ));
                }
            }
        }
        let texts: Option<Vec<(&String, &str)>> = files
            .iter()
            .map(|(n, b)| std::str::from_utf8(b).ok().map(|t| (n, t)))
            .collect();
        if let (Some(texts), true) = (texts, options.is_empty()) {
            let mut ingest = Ingest::new(&plan);
            for (n, t) in texts {
                ingest.add_file(n, t);
            }
            let r = serde_json::to_string_pretty(&ingest.finish()).unwrap() + "\n";
            if r != got {
                failures.push(format!("{}: add_file differs:\n{r}", case.display()));
            }
        }
        if let Err(e) = common::check(&case.join("expected.json"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// The synthetic demo data set is accepted whole, as JSON Lines.
#[test]
fn the_demo_records_are_all_accepted() {
    let plan = demo_plan();
    let inputs = kaoping_core::score::demo_inputs(7, 500);
    let jsonl: String = inputs
        .records
        .iter()
        .map(|r| serde_json::to_string(r).unwrap() + "\n")
        .collect();
    let mut ingest = Ingest::new(&plan);
    ingest.add_file("demo.jsonl", &jsonl);
    let report = ingest.finish();
    assert_eq!(report.rejected, vec![], "demo records rejected");
    assert_eq!(report.accepted, inputs.records.len());
}
