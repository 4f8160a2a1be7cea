//! The hand reader against serde's derive: the same plan or the same error text, on every
//! value of the demo plan's forms (and of an instrument with every kind of question) replaced
//! by values of each JSON type, every key removed, and every object written as an array.

use super::form_plan;
use crate::plan::{FormPlan, DEMO_PLAN_JSON};
use serde::Deserialize;
use serde_json::{json, Value};

fn serde_reads(v: &Value) -> Result<FormPlan, String> {
    FormPlan::deserialize(v).map_err(|e| e.to_string())
}

fn hand_reads(v: &Value) -> Result<FormPlan, String> {
    form_plan(v).map_err(|e| e.to_string())
}

/// The demo plan with the fixtures' instrument of every question kind added.
fn plan() -> Value {
    let mut plan: Value = serde_json::from_str(DEMO_PLAN_JSON).unwrap();
    let instruments = plan["instruments"].as_array_mut().unwrap();
    let mut every_kind: Value = serde_json::from_str(include_str!(
        "../../../../../tests/fixtures/forms/_instrument.json"
    ))
    .unwrap();
    // The one key of the forms that neither writes: on the first matrix question.
    let matrix = every_kind["sections"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .flat_map(|s| s["questions"].as_array_mut().unwrap().iter_mut())
        .find(|q| q["type"] == "matrix")
        .unwrap();
    matrix["each_row_required"] = json!(false);
    instruments.push(every_kind);
    plan
}

/// [`plan`] with only what the forms read (the rest of it is skipped unread, and copied for
/// nothing in every case of the test).
fn forms() -> Value {
    let mut v = plan();
    v.as_object_mut()
        .unwrap()
        .retain(|k, _| ["id", "version", "instruments"].contains(&k.as_str()));
    v
}

/// Every path under `v` (object keys and array indices), `v`'s own first.
fn paths(v: &Value, at: &mut Vec<Value>, out: &mut Vec<Vec<Value>>) {
    out.push(at.clone());
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                at.push(json!(k));
                paths(x, at, out);
                at.pop();
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                at.push(json!(i));
                paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn at<'a>(v: &'a mut Value, path: &[Value]) -> &'a mut Value {
    path.iter().fold(v, |v, p| match p {
        Value::String(k) => &mut v[k.as_str()],
        _ => &mut v[p.as_u64().unwrap() as usize],
    })
}

fn same(v: &Value, what: &str) -> bool {
    let (a, b) = (serde_reads(v), hand_reads(v));
    assert_eq!(a, b, "{what}");
    a.is_ok()
}

#[test]
fn the_demo_plan_reads_the_same() {
    let v = plan();
    assert!(same(&v, "the plan as written"));
    let read = hand_reads(&v).unwrap();
    assert_eq!(
        read.instruments.len(),
        4,
        "the demo's three and the fixture's"
    );
}

#[test]
fn every_value_replaced_reads_the_same() {
    let v = forms();
    let mut all = Vec::new();
    paths(&v, &mut Vec::new(), &mut all);
    let replacements = [
        json!(null),
        json!(true),
        json!(3),
        json!(-1),
        json!(4294967296u64),
        json!(2.5),
        json!("survey"),
        json!("x"),
        json!([]),
        json!({}),
        json!(["a", {"zh-CN": "甲"}]),
        json!({"review": null}),
        json!({"review": 1}),
    ];
    let (mut ok, mut err) = (0, 0);
    // A text's English beside its Chinese adds nothing but time.
    for path in all.iter().filter(|p| p.last() != Some(&json!("en"))) {
        for r in &replacements {
            let mut w = v.clone();
            *at(&mut w, path) = r.clone();
            if same(&w, &format!("{path:?} = {r}")) {
                ok += 1;
            } else {
                err += 1;
            }
        }
        let mut w = v.clone();
        let target = at(&mut w, path);
        if let Value::Object(map) = target {
            // Written as an array of its values in its keys' order, and with one key fewer.
            let values: Vec<Value> = map.values().cloned().collect();
            let keys: Vec<String> = map.keys().cloned().collect();
            for k in keys {
                let mut u = v.clone();
                at(&mut u, path).as_object_mut().unwrap().remove(&k);
                same(&u, &format!("{path:?} without {k}"));
            }
            *target = Value::Array(values);
            same(&w, &format!("{path:?} as an array"));
        }
    }
    assert!(
        ok > 100 && err > 1000,
        "both outcomes are exercised: {ok} read, {err} refused"
    );
}

#[test]
fn a_struct_written_as_an_array_of_its_fields_reads_the_same() {
    let mut v = plan();
    let first = "/instruments/3/sections/0/questions/0/options/0";
    *v.pointer_mut(first).unwrap() = json!(["a", {"zh-CN": "甲", "en": "A"}]);
    assert!(same(&v, "a choice as [value, label]"));
    *v.pointer_mut(first).unwrap() = json!(["a", {"zh-CN": "甲"}, "extra"]);
    assert_eq!(
        hand_reads(&v).unwrap_err(),
        "invalid length 3, expected fewer elements in array"
    );
    same(&v, "a long choice");
    *v.pointer_mut(first).unwrap() = json!(["a"]);
    assert_eq!(
        hand_reads(&v).unwrap_err(),
        "invalid length 1, expected struct Choice with 2 elements"
    );
    same(&v, "a short choice");
}

#[test]
fn the_whole_plan_reads_the_same_with_every_value_replaced() {
    let whole = |v: &Value| -> (Result<crate::plan::Plan, String>, Result<_, String>) {
        (
            crate::plan::Plan::deserialize(v).map_err(|e| e.to_string()),
            super::plan(v).map_err(|e| e.to_string()),
        )
    };
    let v = plan();
    let (a, b) = whole(&v);
    assert!(a.is_ok());
    assert_eq!(a, b);
    let mut all = Vec::new();
    paths(&v, &mut Vec::new(), &mut all);
    // The instruments' depths are the test above's; here the plan's other parts around them.
    all.retain(|p| p.len() <= 3);
    let replacements = [
        json!(null),
        json!(-1),
        json!(4294967296u64),
        json!(2.5),
        json!("x"),
        json!([]),
        json!({}),
    ];
    for path in &all {
        for r in &replacements {
            let mut w = v.clone();
            *at(&mut w, path) = r.clone();
            let (a, b) = whole(&w);
            assert_eq!(a, b, "{path:?} = {r}");
        }
        if let Value::Object(map) = at(&mut v.clone(), path) {
            for k in map.keys() {
                let mut u = v.clone();
                at(&mut u, path).as_object_mut().unwrap().remove(k);
                let (a, b) = whole(&u);
                assert_eq!(a, b, "{path:?} without {k}");
            }
        }
    }
    let mut w = v.clone();
    let values: Vec<Value> = w.as_object().unwrap().values().cloned().collect();
    w = Value::Array(values);
    let (a, b) = whole(&w);
    assert_eq!(a, b, "the plan as an array");
}
