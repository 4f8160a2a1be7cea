//! The facade, run as WASM in Node (`cargo test -p kaoping_wasm --target wasm32-unknown-unknown`)
//! and natively: the same plan gives the same fingerprint, answers the same issues.
#![cfg(target_arch = "wasm32")]

use kaoping_wasm::Engine;
use serde_json::json;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

fn js(v: serde_json::Value) -> JsValue {
    use serde::Serialize;
    v.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap()
}

fn rust(v: JsValue) -> serde_json::Value {
    serde_wasm_bindgen::from_value(v).unwrap()
}

#[wasm_bindgen_test]
fn the_demo_plan_has_the_same_fingerprint_in_wasm_as_natively() {
    let engine = Engine::new(None).unwrap();
    // Written by the native test `demo_plan_fingerprint_matches_fixture` in kaoping_core.
    let expected = include_str!("../../../tests/fixtures/determinism/demo_plan.sha256").trim();
    assert_eq!(engine.plan_sha256(), expected);
}

#[wasm_bindgen_test]
fn evaluate_reports_required_answers_and_relevance() {
    let engine = Engine::new(None).unwrap();
    let answers = js(json!({"values": {"priorities": ["other"]}}));
    let state = rust(
        engine
            .evaluate("public", answers.unchecked_into(), "en")
            .unwrap()
            .into(),
    );
    let questions: Vec<&str> = state["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q.as_str().unwrap())
        .collect();
    assert!(
        questions.contains(&"priorities_other"),
        "shown when 'other' is selected"
    );
    let codes: Vec<(&str, &str)> = state["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (i["question"].as_str().unwrap(), i["code"].as_str().unwrap()))
        .collect();
    assert!(codes.contains(&("district", "required")));
    assert!(codes.contains(&("priorities_other", "required")));
    assert_eq!(state["complete"], json!(false));
}

#[wasm_bindgen_test]
fn submit_makes_a_record_whose_checksum_verifies() {
    let engine = Engine::new(None).unwrap();
    let sub = json!({
        "instrument": "public", "respondent_id": "r1", "started_ms": 0.0, "submitted_ms": 200000.0,
        "lang": "zh-CN",
        "answers": {"values": {
            "district": "wuchang", "age_group": "60+",
            "services": {"micro_roads": 4, "greenways": 4, "parking": 4, "community_health": 4,
                         "elderly_care": 4, "public_safety": 4, "environment": 4},
            "overall": 5, "priorities": ["health"]
        }}
    });
    let rec = engine.submit(js(sub).unchecked_into()).unwrap();
    let value = rust(rec.clone().into());
    assert_eq!(value["quality"]["straight_lined"], json!(["services"]));
    assert_eq!(value["quality"]["speeder"], json!(false));
    assert!(Engine::verify_record(rec).unwrap());
}

#[wasm_bindgen_test]
fn an_invalid_plan_is_refused_with_its_problems() {
    assert!(Engine::new(Some("{\"id\": 1}".into())).is_err(), "refused");
    let report = rust(Engine::validate_plan("{\"id\": 1}").unwrap().into());
    assert_eq!(report["ok"], json!(false));
    assert!(report["problems"].as_array().unwrap().len() >= 2);
}
