//! One harness for the scoring fixtures under `tests/fixtures/score/<case>/`.
//!
//! Each case folder has:
//! * `plan.json`: `{"base": "demo" | "mini", "patch": {...}}` — the base plan
//!   (`plans/demo.json`, or `tests/fixtures/score/_mini_plan.json`) with an RFC 7386 JSON
//!   merge patch applied (arrays are replaced whole). The patched plan must be valid.
//! * `inputs.json`: [`ScoringInputs`], except that records may be compact:
//!   `{"instrument", "respondent_id", "answers"}`; the harness fills in the other fields.
//! * `expected.json`: `{"tolerance": t, "expect": {...}}`; `expect` is compared with the
//!   result serialised to JSON, to which `by_unit` (unit id → unit result) is added.
//!   Keys not named in `expect` are ignored; arrays must have the same length; numbers
//!   within `t`. `warnings_include` (optional): warnings that must be among the result's,
//!   each matched like `expect`. Or `{"error": "VariantName"}`.
//! * `README.md`: the arithmetic by hand.
//!
//! A new case is a new folder. Also here: the split/merge/permutation property and the
//! insta snapshot of the full demo run.

use kaoping_core::canonical::to_canonical_string;
use kaoping_core::plan::Plan;
use kaoping_core::record::ResponseRecord;
use kaoping_core::score::{demo_inputs, evaluate, ScoreState, ScoringInputs};
use kaoping_core::validate::validate_plan;
use proptest::prelude::*;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/score")
}

fn read_json(p: &Path) -> Value {
    let text = std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn merge_patch(target: &mut Value, patch: &Value) {
    match patch {
        Value::Object(p) => {
            if !target.is_object() {
                *target = json!({});
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

fn load_plan(case: &Path) -> Plan {
    let spec = read_json(&case.join("plan.json"));
    let mut base = match spec.get("base").and_then(Value::as_str) {
        Some("demo") => serde_json::from_str(kaoping_core::plan::DEMO_PLAN_JSON).expect("demo"),
        Some("mini") => read_json(&root().join("_mini_plan.json")),
        other => panic!("{}: unknown base {other:?}", case.display()),
    };
    if let Some(p) = spec.get("patch") {
        merge_patch(&mut base, p);
    }
    let text = base.to_string();
    let report = validate_plan(&text);
    assert!(
        report.ok,
        "{}: plan problems {:#?}",
        case.display(),
        report.problems
    );
    report.plan.expect("valid plan")
}

fn full_record(plan: &Plan, v: &Value) -> ResponseRecord {
    let mut r = json!({
        "format": "kaoping.response/1",
        "plan_id": plan.id,
        "plan_version": plan.version,
        "plan_sha256": "",
        "reviewer": false,
        "started_at": "2026-12-01T00:00:00.000Z",
        "submitted_at": "2026-12-01T00:05:00.000Z",
        "lang": "zh-CN",
        "answers": {},
        "reasons": {},
        "quality": {"duration_seconds": 300.0, "speeder": false, "straight_lined": [], "repeat": false},
        "engine_version": "fixture",
        "checksum": ""
    });
    merge_patch(&mut r, v);
    serde_json::from_value(r).unwrap_or_else(|e| panic!("record {v}: {e}"))
}

fn load_inputs(case: &Path, plan: &Plan) -> ScoringInputs {
    let v = read_json(&case.join("inputs.json"));
    let records = v
        .get("records")
        .and_then(Value::as_array)
        .map(|a| a.iter().map(|r| full_record(plan, r)).collect())
        .unwrap_or_default();
    let mut rest = v.clone();
    if let Value::Object(m) = &mut rest {
        m.remove("records");
    }
    let mut inputs: ScoringInputs =
        serde_json::from_value(rest).unwrap_or_else(|e| panic!("{}: {e}", case.display()));
    inputs.records = records;
    inputs
}

fn compare(path: &str, expected: &Value, actual: &Value, tol: f64, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (
                e.as_f64().unwrap_or(f64::NAN),
                a.as_f64().unwrap_or(f64::NAN),
            );
            if (a - e).abs() > tol {
                out.push(format!("{path}: expected {e} ± {tol}, got {a}"));
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                match a.get(k) {
                    Some(av) => compare(&format!("{path}/{k}"), ev, av, tol, out),
                    None => out.push(format!("{path}/{k}: missing in the result")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, got {}: {}",
                    e.len(),
                    a.len(),
                    Value::Array(a.clone())
                ));
            } else {
                for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                    compare(&format!("{path}/{i}"), ev, av, tol, out);
                }
            }
        }
        (e, a) if e == a => {}
        (e, a) => out.push(format!("{path}: expected {e}, got {a}")),
    }
}

#[test]
fn score_fixtures() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("fixtures folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 10,
        "expected the scoring fixtures, found {}",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        let name = case
            .file_name()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        assert!(
            case.join("README.md").exists(),
            "{name}: README.md with the arithmetic is required"
        );
        let plan = load_plan(case);
        let inputs = load_inputs(case, &plan);
        let expected = read_json(&case.join("expected.json"));
        let result = evaluate(&plan, &inputs);
        if let Some(err) = expected.get("error").and_then(Value::as_str) {
            match result {
                Err(e) if format!("{e:?}").starts_with(err) => {}
                other => failures.push(format!("{name}: expected error {err}, got {other:?}")),
            }
            continue;
        }
        let result = match result {
            Ok(r) => r,
            Err(e) => {
                failures.push(format!("{name}: {e}"));
                continue;
            }
        };
        let mut actual = serde_json::to_value(&result).expect("serialise");
        let by_unit: serde_json::Map<String, Value> = result
            .units
            .iter()
            .map(|u| (u.unit.clone(), serde_json::to_value(u).expect("unit")))
            .collect();
        actual["by_unit"] = Value::Object(by_unit);
        let tol = expected
            .get("tolerance")
            .and_then(Value::as_f64)
            .unwrap_or(1e-9);
        let mut out = Vec::new();
        compare("", &expected["expect"], &actual, tol, &mut out);
        for (i, w) in expected["warnings_include"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            let found = actual["warnings"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|a| {
                    let mut o = Vec::new();
                    compare("", w, a, tol, &mut o);
                    o.is_empty()
                });
            if !found {
                out.push(format!("/warnings_include/{i}: no warning matches {w}"));
            }
        }
        for o in out {
            failures.push(format!("{name}: {o}"));
        }
    }
    assert!(
        failures.is_empty(),
        "fixture failures:\n{}",
        failures.join("\n")
    );
}

#[test]
fn demo_run_snapshot() {
    let plan = kaoping_core::plan::demo_plan();
    let inputs = demo_inputs(42, 2000);
    let result = evaluate(&plan, &inputs).expect("demo scores");
    insta::assert_json_snapshot!("demo_42_2000", result);
}

#[test]
fn demo_inputs_are_deterministic() {
    let a = demo_inputs(7, 50);
    let b = demo_inputs(7, 50);
    assert_eq!(a, b);
    assert_ne!(a, demo_inputs(8, 50));
}

fn split_eval(plan: &Plan, inputs: &ScoringInputs, order: &[usize], parts: &[usize]) -> String {
    let n_parts = parts.iter().copied().max().unwrap_or(0) + 1;
    let mut states: Vec<ScoreState> = (0..n_parts)
        .map(|_| ScoreState::new(plan).unwrap())
        .collect();
    for (k, &i) in order.iter().enumerate() {
        states[parts[k % parts.len()]]
            .add(&inputs.records[i])
            .expect("add");
    }
    for (k, ind) in inputs.indicators.iter().enumerate() {
        states[k % n_parts].add_indicator(ind).expect("indicator");
    }
    for (k, h) in inputs.history.iter().enumerate() {
        states[(k + 1) % n_parts].add_history(h).expect("history");
    }
    let mut it = states.into_iter().rev();
    let mut total = it.next().expect("one state");
    for s in it {
        total.merge(s).expect("merge");
    }
    let result = total.finish().expect("finish");
    let reference = evaluate(plan, inputs).expect("evaluate");
    assert!(result == reference, "split result differs from one pass");
    to_canonical_string(&result)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]
    #[test]
    fn any_split_merge_or_order_gives_the_same_result(
        seed in 0u64..1000,
        shuffle in any::<u64>(),
        parts in proptest::collection::vec(0usize..4, 1..40),
    ) {
        let plan = kaoping_core::plan::demo_plan();
        let inputs = demo_inputs(seed, 120);
        let n = inputs.records.len();
        // Fisher–Yates with splitmix64 from `shuffle`
        let mut order: Vec<usize> = (0..n).collect();
        let mut s = shuffle;
        for i in (1..n).rev() {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            order.swap(i, (z % (i as u64 + 1)) as usize);
        }
        let split = split_eval(&plan, &inputs, &order, &parts);
        let one = to_canonical_string(&evaluate(&plan, &inputs).expect("evaluate"));
        prop_assert_eq!(split, one);
    }
}

/// The WASM tests (`crates/kaoping_wasm/tests/engine.rs`) compare their run of the same demo
/// evaluation against this fingerprint: the result must be bit-identical natively and in WASM.
#[test]
fn demo_result_fingerprint_matches_fixture() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tests/fixtures/determinism/demo_result_42_2000.sha256"
    );
    let result = evaluate(&kaoping_core::plan::demo_plan(), &demo_inputs(42, 2000)).unwrap();
    let now = kaoping_core::canonical::fingerprint(&result);
    if std::env::var_os("UPDATE_FIXTURES").is_some() {
        std::fs::write(path, format!("{now}\n")).unwrap();
    }
    let fixture = std::fs::read_to_string(path).unwrap_or_default();
    assert_eq!(
        fixture.trim(),
        now,
        "run with UPDATE_FIXTURES=1 after an intended change"
    );
}
