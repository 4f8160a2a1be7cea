//! Runs every expert review case under `tests/fixtures/review/<case>/` against the demo plan.
//!
//! `answers.json` is a `ReviewAnswers` document. `expected.json` holds any of:
//!
//! - `instrument`: the sheet (default `expert`; `site_check` is the demo's site-check sheet of
//!   its tracking projects);
//! - `lang`: the language of the messages (default `zh-CN`);
//! - `state`: a subset of the `ReviewState` (objects: the keys given must match; arrays: same
//!   length, element by element; `{}` matches anything);
//! - `issues_first`: the first issues, each a subset;
//! - `issue_codes`: how many issues of each code;
//! - `record`: a subset of the record built from a submission of these answers (started
//!   1 800 000 000 000 ms, submitted 600 s later);
//! - `record_scores_units`: how many units the record's `answers.scores` holds;
//! - `record_error`: a piece of the error message when no record can be built;
//! - `carry_over`: a subset of what `carry_over_review` keeps and lists when these answers
//!   were entered under another version of the plan.
//!
//! For every case, carrying over twice gives what carrying over once gives, with nothing
//! more dropped, and the carried answers raise no `unknown_*` issue.
//!
//! Adding a case is adding a folder; no code changes.

use kaoping_core::canonical::fingerprint;
use kaoping_core::plan::demo_plan;
use kaoping_core::record::verify_record;
use kaoping_core::review::{ReviewAnswers, ReviewSubmission};
use kaoping_core::track::sheet::{build_review_record, carry_over_review, evaluate_review, sheet};
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/review")
}

fn read_json(p: &Path) -> Value {
    let text =
        std::fs::read_to_string(p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Where `actual` differs from the subset `expected`, as "path: why" lines.
fn subset(expected: &Value, actual: &Value, path: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => subset(ev, av, &format!("{path}.{k}"), out),
                    None if ev.is_null() => {}
                    None => out.push(format!("{path}.{k}: missing, expected {ev}")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!("{path}: {} items, expected {}", a.len(), e.len()));
            }
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                subset(ev, av, &format!("{path}[{i}]"), out);
            }
        }
        (Value::Number(e), Value::Number(a)) if e.as_f64() == a.as_f64() => {}
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: {a}, expected {e}")),
    }
}

#[test]
fn review_fixtures() {
    let plan = demo_plan();
    let sha = fingerprint(&plan);
    let layout = sheet(&plan, "expert").expect("the demo plan has an expert sheet");
    assert_eq!(layout.cells, 48, "demo sheet: 16 units × 3 indicators");
    assert!(
        sheet(&plan, "public").is_err(),
        "a survey is not a review sheet"
    );
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("tests/fixtures/review exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(!dirs.is_empty(), "no review fixtures");
    let mut failures = Vec::new();
    for dir in &dirs {
        let case = dir.file_name().unwrap().to_string_lossy().into_owned();
        let answers: ReviewAnswers = serde_json::from_value(read_json(&dir.join("answers.json")))
            .unwrap_or_else(|e| panic!("{case}/answers.json: {e}"));
        let expected = read_json(&dir.join("expected.json"));
        let lang = expected
            .get("lang")
            .and_then(Value::as_str)
            .unwrap_or("zh-CN");
        let instrument = expected
            .get("instrument")
            .and_then(Value::as_str)
            .unwrap_or("expert");
        let state = evaluate_review(&plan, instrument, &answers, lang).expect("evaluates");
        let state_json = serde_json::to_value(&state).unwrap();
        let mut out = Vec::new();
        if let Some(e) = expected.get("state") {
            subset(e, &state_json, "state", &mut out);
        }
        if let Some(Value::Array(first)) = expected.get("issues_first") {
            for (i, e) in first.iter().enumerate() {
                match state_json["issues"].get(i) {
                    Some(a) => subset(e, a, &format!("issues[{i}]"), &mut out),
                    None => out.push(format!("issues[{i}]: missing")),
                }
            }
        }
        if let Some(Value::Object(codes)) = expected.get("issue_codes") {
            let mut counts: BTreeMap<&str, u64> = BTreeMap::new();
            for i in &state.issues {
                *counts.entry(i.code.as_str()).or_default() += 1;
            }
            let want: BTreeMap<&str, u64> = codes
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_u64().unwrap()))
                .collect();
            if counts != want {
                out.push(format!("issue codes: {counts:?}, expected {want:?}"));
            }
        }
        let carried = carry_over_review(&plan, instrument, &answers).expect("carries over");
        if let Some(e) = expected.get("carry_over") {
            subset(
                e,
                &serde_json::to_value(&carried).unwrap(),
                "carry_over",
                &mut out,
            );
        }
        let again = carry_over_review(&plan, instrument, &carried.answers).unwrap();
        if again.answers != carried.answers || !again.dropped.is_empty() {
            out.push(format!("carrying over twice: {again:?}"));
        }
        let after = evaluate_review(&plan, instrument, &carried.answers, lang).unwrap();
        if let Some(i) = after.issues.iter().find(|i| i.code.starts_with("unknown_")) {
            out.push(format!("carried answers: {i:?}"));
        }
        let sub = ReviewSubmission {
            instrument: instrument.into(),
            started_ms: 1_800_000_000_000.0,
            submitted_ms: 1_800_000_600_000.0,
            lang: lang.into(),
            answers,
            earlier_submissions: 0,
        };
        match build_review_record(&plan, &sha, &sub) {
            Ok(rec) => {
                assert!(verify_record(&rec), "{case}: record checksum");
                assert!(state.complete, "{case}: a record only for a complete sheet");
                let rec_json = serde_json::to_value(&rec).unwrap();
                if let Some(e) = expected.get("record") {
                    subset(e, &rec_json, "record", &mut out);
                }
                if let Some(n) = expected.get("record_scores_units").and_then(Value::as_u64) {
                    let got = rec_json["answers"]["scores"]
                        .as_object()
                        .map_or(0, |m| m.len()) as u64;
                    if got != n {
                        out.push(format!("record scores: {got} units, expected {n}"));
                    }
                }
                if expected.get("record_error").is_some() {
                    out.push("a record was built, expected an error".into());
                }
            }
            Err(e) => match expected.get("record_error").and_then(Value::as_str) {
                Some(want) if e.to_string().contains(want) => {}
                _ => out.push(format!("record error: {e}")),
            },
        }
        if !out.is_empty() {
            failures.push(format!("{case}:\n  {}", out.join("\n  ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} failing case(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
