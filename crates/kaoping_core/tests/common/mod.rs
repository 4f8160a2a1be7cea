//! What the fixture harnesses share: finding the case folders, and comparing an output with the
//! expectation beside it (`UPDATE_FIXTURES=1` rewrites expectations; read the diff first).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// The case folders of `tests/fixtures/<area>/`, in name order.
pub fn cases(area: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(area);
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

/// A case folder's one input file, every file but `not_input` (the expectation, options,
/// README): its name and bytes. Panics unless there is exactly one.
pub fn one_input(case: &Path, not_input: &[&str]) -> (String, Vec<u8>) {
    let inputs: Vec<PathBuf> = std::fs::read_dir(case)
        .unwrap_or_else(|e| panic!("{}: {e}", case.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| !not_input.contains(&p.file_name().unwrap().to_str().unwrap()))
        .collect();
    assert_eq!(inputs.len(), 1, "{}: one input file", case.display());
    let name = inputs[0].file_name().unwrap().to_str().unwrap().to_owned();
    let bytes = std::fs::read(&inputs[0]).unwrap();
    (name, bytes)
}

/// Compare `got` with the file at `expected`; an error names the case and shows the output.
pub fn check(expected: &Path, got: &str) -> Result<(), String> {
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(expected, got).map_err(|e| e.to_string())?;
    }
    if std::fs::read_to_string(expected).unwrap_or_default() == got {
        Ok(())
    } else {
        Err(format!("{}:\n{got}", expected.display()))
    }
}

/// RFC 7386 JSON merge patch (arrays are replaced whole).
pub fn merge_patch(target: &mut serde_json::Value, patch: &serde_json::Value) {
    use serde_json::Value;
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = Value::Object(Default::default());
            }
            if let Value::Object(t) = target {
                for (k, v) in p {
                    if v.is_null() {
                        t.remove(k);
                    } else {
                        merge_patch(t.entry(k.clone()).or_insert(Value::Null), v);
                    }
                }
            }
        }
        _ => *target = patch.clone(),
    }
}

fn read_json(p: &Path) -> serde_json::Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A case's plan: `plan.json` is `{"base": "demo" | "mini", "patch": {...}}` (the mini plan is
/// `tests/fixtures/score/_mini_plan.json`); the patched plan must be valid.
pub fn case_plan(case: &Path) -> kaoping_core::plan::Plan {
    use serde_json::Value;
    let spec = read_json(&case.join("plan.json"));
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures");
    let mut base = match spec.get("base").and_then(Value::as_str) {
        Some("demo") => serde_json::from_str(kaoping_core::plan::DEMO_PLAN_JSON).expect("demo"),
        Some("mini") => read_json(&fixtures.join("score/_mini_plan.json")),
        other => panic!("{}: unknown base {other:?}", case.display()),
    };
    if let Some(p) = spec.get("patch") {
        merge_patch(&mut base, p);
    }
    let report = kaoping_core::validate::validate_plan(&base.to_string());
    assert!(report.ok, "{}: {:#?}", case.display(), report.problems);
    report.plan.expect("valid plan")
}

/// A case's `inputs.json`: scoring inputs whose records may be compact
/// (`{"instrument", "respondent_id", "answers"}`; the other fields are filled in).
pub fn case_inputs(
    case: &Path,
    plan: &kaoping_core::plan::Plan,
) -> kaoping_core::score::ScoringInputs {
    use serde_json::{json, Value};
    let mut v = read_json(&case.join("inputs.json"));
    let records = v
        .get("records")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    let full: Vec<Value> = records
        .iter()
        .map(|r| {
            let mut full = json!({
                "format": "kaoping.response/1", "plan_id": plan.id, "plan_version": plan.version,
                "plan_sha256": plan.sha256, "reviewer": false,
                "started_at": "2026-12-01T00:00:00.000Z", "submitted_at": "2026-12-01T00:05:00.000Z",
                "lang": "zh-CN", "answers": {}, "reasons": {},
                "quality": {"duration_seconds": 300.0, "speeder": false, "straight_lined": [], "repeat": false},
                "engine_version": "fixture", "checksum": ""
            });
            merge_patch(&mut full, r);
            full
        })
        .collect();
    v["records"] = Value::Array(full);
    serde_json::from_value(v).unwrap_or_else(|e| panic!("{}: {e}", case.display()))
}
