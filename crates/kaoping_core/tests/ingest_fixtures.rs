//! Ingest as data: each folder of `tests/fixtures/ingest/` holds record files (read in name
//! order, as one ingest) and `expected.json`: the report (counts per file and every rejection
//! with file, row, column and reason). `UPDATE_FIXTURES=1` rewrites it (read the diff first).

use kaoping_core::ingest::Ingest;
use kaoping_core::plan::demo_plan;

mod common;

#[test]
fn ingest_fixtures() {
    let plan = demo_plan();
    let cases = common::cases("ingest");
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in cases {
        let mut files: Vec<_> = std::fs::read_dir(&case)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.file_name().is_some_and(|n| n != "expected.json"))
            .collect();
        files.sort();
        let mut ingest = Ingest::new(&plan);
        for f in &files {
            let name = f.file_name().unwrap().to_string_lossy().to_string();
            ingest.add_file(&name, &std::fs::read_to_string(f).unwrap());
        }
        let report = ingest.finish();
        assert_eq!(
            report.read,
            report.accepted + report.rejected.len(),
            "counts reconcile"
        );
        assert_eq!(report.records.len(), report.accepted);
        let got = serde_json::to_string_pretty(&report).unwrap() + "\n";
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
