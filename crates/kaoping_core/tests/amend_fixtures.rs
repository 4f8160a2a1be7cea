//! Amendments as data: each folder of `tests/fixtures/amend/` holds two versions of a plan
//! (`old.json`, `new.json`), `submissions.json` (answers sealed under the old plan into
//! `records.jsonl`, written under `UPDATE_FIXTURES=1`) and `expected.json`: the diff, the
//! amendment `plan amend` appends, and the ingest of the old records under the amended plan
//! (accepted when their instrument stayed compatible, else `incompatible_version`).
//! `UPDATE_FIXTURES=1` rewrites it (read the diff first).

use kaoping_core::aggregate::{aggregate, InputFile};
use kaoping_core::amend::{amend_plan, diff_plans};
use kaoping_core::form::Answers;
use kaoping_core::ingest::Ingest;
use kaoping_core::manifest::Parameters;
use kaoping_core::record::{build_record, Submission};
use kaoping_core::text::Text;
use serde_json::{json, Value};
use std::path::Path;

mod common;

fn plan(text: &str) -> kaoping_core::plan::Plan {
    let report = kaoping_core::validate::validate_plan(text);
    assert!(report.ok, "{:?}", report.problems);
    report.plan.unwrap()
}

/// The submissions of `case`, sealed under `old` (one JSON line each).
fn seal(case: &Path, old: &kaoping_core::plan::Plan) -> String {
    let subs: Vec<Value> =
        serde_json::from_str(&std::fs::read_to_string(case.join("submissions.json")).unwrap())
            .unwrap();
    let mut out = String::new();
    for (i, s) in subs.iter().enumerate() {
        let ins = old.instrument(s["instrument"].as_str().unwrap()).unwrap();
        let sub = Submission {
            instrument: ins.id.clone(),
            respondent_id: s["respondent_id"].as_str().unwrap().to_owned(),
            reviewer: false,
            started_ms: 1_780_000_000_000.0 + i as f64 * 60_000.0,
            submitted_ms: 1_780_000_120_000.0 + i as f64 * 60_000.0,
            lang: "zh-CN".into(),
            answers: Answers {
                values: serde_json::from_value(s["answers"].clone()).unwrap(),
                reasons: Default::default(),
            },
            earlier_submissions: 0,
            code: None,
            prefill: Default::default(),
        };
        let rec = build_record(&old.id, &old.version, &old.sha256, ins, &sub).unwrap();
        out += &serde_json::to_string(&rec).unwrap();
        out.push('\n');
    }
    out
}

#[test]
fn amend_fixtures() {
    let mut failures = Vec::new();
    for case in common::cases("amend") {
        let read = |f: &str| std::fs::read_to_string(case.join(f)).unwrap();
        let (old_text, new_text) = (read("old.json"), read("new.json"));
        let (old, new) = (plan(&old_text), plan(&new_text));
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(case.join("records.jsonl"), seal(&case, &old)).unwrap();
        }
        let records = read("records.jsonl");
        let diff = diff_plans(&old, &new);
        let amended = amend_plan(
            &old_text,
            &new_text,
            "2026-07-01",
            Text::new("年中修订", "Mid-year amendment"),
        )
        .unwrap();
        let amended_plan = plan(&amended.json);
        assert_eq!(amended.diff.new_sha256, amended_plan.sha256);
        assert_eq!(amended.diff.changes, diff.changes);
        // Without the amendment every old record belongs to another plan.
        let mut plain = Ingest::new(&new);
        plain.add_file("records.jsonl", &records);
        let plain = plain.finish();
        assert_eq!(plain.accepted, 0);
        assert!(plain.rejected.iter().all(|r| r.code == "another_plan"));
        let mut ingest = Ingest::new(&amended_plan);
        ingest.add_file("records.jsonl", &records);
        let report = ingest.finish();
        assert_eq!(report.read, report.accepted + report.rejected.len());
        // An aggregation's manifest counts the same records per version.
        let input = InputFile::new("records.jsonl", None, records.as_bytes());
        let params = Parameters { lang: "en".into() };
        let agg = aggregate(
            "plan.json",
            amended.json.as_bytes(),
            &[input],
            &params,
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(agg.manifest.counts.versions, report.versions);
        assert!(!report.versions.is_empty());
        let got = json!({
            "diff": diff,
            "amendment": amended.amendment,
            "ingest": report,
        });
        let got = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
