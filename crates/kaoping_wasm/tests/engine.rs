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
fn a_form_session_sets_one_answer_and_gives_what_changed() {
    let engine = Engine::new(None).unwrap();
    let mut session = engine
        .form_session("public", js(json!({})).unchecked_into(), "en")
        .unwrap();
    let diff = rust(
        session
            .set_answer("priorities", js(json!(["other"])))
            .unwrap()
            .into(),
    );
    let changed: Vec<&str> = diff["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["question"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["priorities", "priorities_other"]);
    assert_eq!(diff["questions"][1]["shown"], json!(true));
    assert_eq!(diff["sections"], json!(null));
    // `undefined` clears the answer: the text question hides again.
    let diff = rust(
        session
            .set_answer("priorities", JsValue::UNDEFINED)
            .unwrap()
            .into(),
    );
    assert_eq!(diff["questions"][1]["shown"], json!(false));
    // The session's state is the full evaluation's for the same answers.
    let full = engine
        .evaluate("public", js(json!({})).unchecked_into(), "en")
        .unwrap();
    assert_eq!(rust(session.state().unwrap().into()), rust(full.into()));
    assert!(engine
        .form_session("nope", js(json!({})).unchecked_into(), "en")
        .is_err());
}

/// Values cross as JSON text (`JSON.stringify`): an `undefined` member is no answer, and a
/// value JSON cannot hold is refused in both languages, not read as something else.
#[wasm_bindgen_test]
fn values_json_cannot_hold_are_refused_and_undefined_members_dropped() {
    let engine = Engine::new(None).unwrap();
    let answers = js_sys::Object::new();
    let values = js_sys::Object::new();
    js_sys::Reflect::set(&values, &"district".into(), &"jiangan".into()).unwrap();
    js_sys::Reflect::set(&values, &"age".into(), &JsValue::UNDEFINED).unwrap();
    js_sys::Reflect::set(&answers, &"values".into(), &values).unwrap();
    let state = rust(
        engine
            .evaluate("public", answers.unchecked_into(), "en")
            .unwrap()
            .into(),
    );
    let with_district = rust(
        engine
            .evaluate(
                "public",
                js(json!({"values": {"district": "jiangan"}})).unchecked_into(),
                "en",
            )
            .unwrap()
            .into(),
    );
    assert_eq!(state, with_district);

    let mut session = engine
        .form_session("public", js(json!({})).unchecked_into(), "en")
        .unwrap();
    let Err(err) = session.set_answer("district", js_sys::BigInt::from(5u64).into()) else {
        panic!("a BigInt answer is refused");
    };
    let message = js_sys::Reflect::get(&err, &"message".into()).unwrap();
    assert!(
        message.as_string().unwrap().contains("BigInt"),
        "{message:?}"
    );
    let zh = js_sys::Reflect::get(&err, &"text".into()).unwrap();
    let zh = js_sys::Reflect::get(&zh, &"zh-CN".into()).unwrap();
    assert!(
        zh.as_string().unwrap().starts_with("传入的数据格式有误"),
        "{zh:?}"
    );
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
    let value = rust(rec.clone());
    assert_eq!(value["quality"]["straight_lined"], json!(["services"]));
    assert_eq!(value["quality"]["speeder"], json!(false));
    #[cfg(feature = "office")]
    assert!(Engine::verify_record(rec).unwrap());
}

#[cfg(any(not(feature = "review"), feature = "office"))]
#[wasm_bindgen_test]
fn a_portal_s_prefill_is_checked_and_marked_in_the_record() {
    let engine = Engine::new(None).unwrap();
    let none = js(json!({"values": {}}));
    let issues = rust(
        engine
            .check_prefill(
                "public",
                none.clone().unchecked_into(),
                js(json!({"district": "atlantis", "age_group": "60+"})).unchecked_into(),
            )
            .unwrap()
            .into(),
    );
    assert_eq!(issues.as_array().unwrap().len(), 1, "{issues}");
    assert_eq!(issues[0]["question"], json!("district"));
    assert_eq!(issues[0]["code"], json!("not_an_option"));
    assert!(issues[0]["message"]["zh-CN"].is_string() && issues[0]["message"]["en"].is_string());
    let fine = engine
        .check_prefill(
            "public",
            none.unchecked_into(),
            js(json!({"district": "wuchang"})).unchecked_into(),
        )
        .unwrap();
    assert_eq!(rust(fine.into()), json!([]));
    let sub = json!({
        "instrument": "public", "respondent_id": "r2", "started_ms": 0.0, "submitted_ms": 200000.0,
        "lang": "zh-CN", "prefill": {"district": "wuchang", "age_group": "18-29"},
        "answers": {"values": {
            "district": "wuchang", "age_group": "60+",
            "services": {"micro_roads": 4, "greenways": 3, "parking": 4, "community_health": 4,
                         "elderly_care": 4, "public_safety": 4, "environment": 4},
            "overall": 5, "priorities": ["health"]
        }}
    });
    let rec = rust(engine.submit(js(sub).unchecked_into()).unwrap().into());
    assert_eq!(rec["prefilled"], json!(["district"]));
}

#[wasm_bindgen_test]
fn a_text_that_is_not_a_plan_is_refused() {
    assert!(Engine::new(Some("{\"id\": 1}".into())).is_err(), "refused");
}

#[cfg(feature = "office")]
#[wasm_bindgen_test]
fn a_refused_plan_says_why_in_both_languages() {
    let Err(err) = Engine::new(Some("{\"id\": ".into())) else {
        panic!("a cut plan text was accepted");
    };
    let err: js_sys::Error = err.dyn_into().expect("a JS Error");
    let en = String::from(err.message());
    assert!(en.contains("the plan cannot be read"), "{en}");
    let text = rust(js_sys::Reflect::get(&err, &JsValue::from_str("text")).unwrap());
    assert_eq!(text["en"], json!(en));
    let zh = text["zh-CN"].as_str().expect("a zh-CN text");
    assert!(zh.contains("无法读取方案"), "{zh}");
    assert!(
        zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{zh}"
    );
}

#[cfg(feature = "office")]
#[wasm_bindgen_test]
fn validate_plan_lists_every_problem() {
    let report = rust(Engine::validate_plan("{\"id\": 1}").unwrap().into());
    assert_eq!(report["ok"], json!(false));
    assert!(report["problems"].as_array().unwrap().len() >= 2);
}

/// The same scoring run natively (the insta snapshot in kaoping_core) and in WASM gives the
/// same canonical result, bit for bit: compared through its SHA-256, written by the native
/// test `demo_result_fingerprint_matches_fixture`. The core runs inside WASM here; going on
/// to JS and back keeps every number (integral floats come back as integers, same value).
#[cfg(feature = "office")]
#[wasm_bindgen_test]
fn the_demo_evaluation_is_bit_identical_in_wasm() {
    let plan = kaoping_core::plan::demo_plan();
    let inputs = kaoping_core::score::demo_inputs(42, 2000);
    let result = kaoping_core::score::evaluate(&plan, &inputs).unwrap();
    let expected =
        include_str!("../../../tests/fixtures/determinism/demo_result_42_2000.sha256").trim();
    assert_eq!(kaoping_core::canonical::fingerprint(&result), expected);

    let engine = Engine::new(None).unwrap();
    let via_js = rust(
        engine
            .evaluate_plan(Engine::demo_inputs(42, 2000).unwrap())
            .unwrap()
            .into(),
    );
    let direct = serde_json::to_value(&result).unwrap();
    assert_eq!(via_js["units"].as_array().unwrap().len(), 16);
    for (a, b) in via_js["units"]
        .as_array()
        .unwrap()
        .iter()
        .zip(direct["units"].as_array().unwrap())
    {
        assert_eq!(a["composite"].as_f64(), b["composite"].as_f64());
        assert_eq!(a["rank"], b["rank"]);
        assert_eq!(a["grade"], b["grade"]);
    }
}

#[cfg(feature = "office")]
mod office {
    use super::*;

    fn file(name: &str, bytes: &[u8]) -> JsValue {
        let o = js_sys::Object::new();
        js_sys::Reflect::set(&o, &"name".into(), &name.into()).unwrap();
        js_sys::Reflect::set(&o, &"bytes".into(), &js_sys::Uint8Array::from(bytes).into()).unwrap();
        o.into()
    }

    fn get(v: &JsValue, k: &str) -> JsValue {
        js_sys::Reflect::get(v, &k.into()).unwrap()
    }

    /// `kaoping aggregate` of the files, natively, in English.
    fn native_aggregation(
        plan: &[u8],
        inputs: &[kaoping_core::aggregate::InputFile],
    ) -> kaoping_core::aggregate::Aggregation {
        let params = kaoping_core::manifest::Parameters { lang: "en".into() };
        kaoping_core::aggregate::aggregate("plan.json", plan, inputs, &params, &mut |_, _| {})
            .unwrap()
    }

    /// The page's aggregation and check: the same manifest as natively, identical on the same
    /// bytes, and a changed byte named.
    #[wasm_bindgen_test]
    fn build_and_verify_a_manifest_in_wasm() {
        let plan = kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes();
        let inputs = serde_json::to_vec(&kaoping_core::score::demo_inputs(3, 40)).unwrap();
        let list = js_sys::Array::new();
        list.push(&file("inputs.json", &inputs));
        let agg: JsValue = Engine::build_manifest(
            file("plan.json", plan).unchecked_into(),
            list.clone().unchecked_into(),
            "en",
        )
        .unwrap()
        .into();
        let manifest = get(&agg, "manifest");
        let native = kaoping_core::aggregate::aggregate(
            "plan.json",
            plan,
            &[kaoping_core::aggregate::InputFile {
                name: "inputs.json",
                role: kaoping_core::manifest::InputRole::ScoringInputs,
                bytes: &inputs,
            }],
            &kaoping_core::manifest::Parameters { lang: "en".into() },
            &mut |_, _| {},
        )
        .unwrap();
        assert_eq!(
            rust(manifest.clone()),
            serde_json::to_value(&native.manifest).unwrap(),
            "same manifest in WASM as natively"
        );
        // The output files come out as the bytes the manifest hashes, as Uint8Arrays.
        let outputs: js_sys::Array = get(&agg, "outputs").unchecked_into();
        assert_eq!(outputs.length() as usize, native.outputs.len());
        for (o, n) in outputs.iter().zip(&native.outputs) {
            let bytes: js_sys::Uint8Array = get(&o, "bytes").dyn_into().expect("a Uint8Array");
            assert_eq!(bytes.to_vec(), n.bytes, "{}", n.name);
        }
        let files = js_sys::Array::new();
        files.push(&file("plan.json", plan));
        files.push(&file("inputs.json", &inputs));
        let v = rust(
            Engine::verify_manifest(
                manifest.clone().unchecked_into(),
                files.unchecked_into(),
                JsValue::NULL.unchecked_into(),
            )
            .unwrap()
            .into(),
        );
        assert_eq!(v["identical"], json!(true), "{v}");
        let mut changed = inputs.clone();
        let at = changed.len() / 2;
        changed[at] = if changed[at] == b'1' { b'2' } else { b'1' };
        let files = js_sys::Array::new();
        files.push(&file("plan.json", plan));
        files.push(&file("inputs.json", &changed));
        let v = rust(
            Engine::verify_manifest(
                manifest.unchecked_into(),
                files.unchecked_into(),
                JsValue::NULL.unchecked_into(),
            )
            .unwrap()
            .into(),
        );
        assert_eq!(v["identical"], json!(false));
        assert_eq!(v["differences"][0]["code"], json!("file_sha256"), "{v}");
        assert_eq!(v["differences"][0]["subject"], json!("inputs.json"));
    }

    /// The worker's streaming aggregation: demo response files pushed in small chunks, roles
    /// detected, give the manifest of the native whole-file aggregation; a plan file that is not
    /// the engine's plan is refused.
    #[wasm_bindgen_test]
    fn a_streamed_aggregation_matches_the_native_one() {
        let plan = kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes();
        let demo = kaoping_core::score::demo_files(2);
        let mut public = Vec::new();
        kaoping_core::score::demo_public_csv(2, 50, 3, &mut |b| public.extend_from_slice(b));
        let set: Vec<(&str, Vec<u8>)> = vec![
            ("public.csv", public),
            ("expert.jsonl", demo.expert_jsonl.into_bytes()),
            ("cadre.csv", demo.cadre_csv.into_bytes()),
            ("indicators.json", demo.indicators_json.into_bytes()),
            ("history.json", demo.history_json.into_bytes()),
        ];
        let engine = Engine::new(None).unwrap();
        let mut run = engine.aggregate_start("plan.json", plan, "en").unwrap();
        for (name, bytes) in &set {
            run.begin(
                name,
                JsValue::NULL.unchecked_into(),
                JsValue::UNDEFINED.unchecked_into(),
            )
            .unwrap();
            for chunk in bytes.chunks(777) {
                run.push(chunk).unwrap();
            }
            run.end().unwrap();
        }
        let progress = rust(run.progress().unwrap().into());
        let total: usize = set.iter().map(|f| f.1.len()).sum();
        assert_eq!(progress["bytes"], json!(total));
        let agg: JsValue = run.finish().unwrap().into();
        let inputs: Vec<kaoping_core::aggregate::InputFile> = set
            .iter()
            .map(|(name, bytes)| kaoping_core::aggregate::InputFile {
                name,
                role: kaoping_core::manifest::InputRole::detect(bytes),
                bytes,
            })
            .collect();
        let native = native_aggregation(plan, &inputs);
        assert_eq!(
            rust(get(&agg, "manifest")),
            serde_json::to_value(&native.manifest).unwrap()
        );
        let outputs: js_sys::Array = get(&agg, "outputs").unchecked_into();
        assert_eq!(outputs.length() as usize, native.outputs.len());
        let mut other = kaoping_core::plan::DEMO_PLAN_SOURCE.to_owned();
        other.insert(other.rfind('}').unwrap(), ' ');
        let other = other.replacen("\"version\"", "\"x_note\": 1, \"version\"", 1);
        assert!(engine
            .aggregate_start("plan.json", other.as_bytes(), "en")
            .is_err());
    }

    /// A CSV file given in blocks prepared by a `ShardRun` (as the office page's helper worker
    /// does) gives the manifest of the native one-pass aggregation.
    #[wasm_bindgen_test]
    fn blocks_prepared_by_a_shard_run_give_the_native_result() {
        let plan = kaoping_core::plan::DEMO_PLAN_SOURCE.as_bytes();
        let mut public = Vec::new();
        kaoping_core::score::demo_public_csv(4, 300, 9, &mut |b| public.extend_from_slice(b));
        let lfs: Vec<usize> = (0..public.len()).filter(|i| public[*i] == b'\n').collect();
        let header = &public[..=lfs[0]];
        let first = lfs[20] + 1;
        let engine = Engine::new(None).unwrap();
        let mut run = engine.aggregate_start("plan.json", plan, "en").unwrap();
        run.begin(
            "public.csv",
            JsValue::NULL.unchecked_into(),
            JsValue::UNDEFINED.unchecked_into(),
        )
        .unwrap();
        run.push(&public[..first]).unwrap();
        assert!(run.shard_point().unwrap());
        let mut shard = engine
            .shard_start("public.csv", JsValue::UNDEFINED.unchecked_into(), header)
            .unwrap();
        assert!(shard.ready());
        // Blocks of about 2,000 bytes, each ending just after a LF, the last at the end.
        let mut at = first;
        let mut blocks = 0;
        while at < public.len() {
            let end = lfs
                .iter()
                .map(|p| p + 1)
                .find(|e| *e >= at + 2000)
                .unwrap_or(public.len());
            let rows = shard.prepare_block(&public[at..end], end == public.len());
            if run.take_prepared(&public[at..end], &rows).unwrap() {
                blocks += 1;
            } else {
                // Cut inside a quoted field: the block's bytes.
                run.push(&public[at..end]).unwrap();
            }
            at = end;
        }
        assert!(blocks > 5, "{blocks} blocks");
        run.end().unwrap();
        let agg: JsValue = run.finish().unwrap().into();
        let inputs = [kaoping_core::aggregate::InputFile {
            name: "public.csv",
            role: kaoping_core::manifest::InputRole::Records,
            bytes: &public,
        }];
        let native = native_aggregation(plan, &inputs);
        assert_eq!(
            rust(get(&agg, "manifest")),
            serde_json::to_value(&native.manifest).unwrap()
        );
    }

    #[wasm_bindgen_test]
    fn csv_and_xlsx_exports_of_a_result() {
        let engine = Engine::new(None).unwrap();
        let result = engine.evaluate_demo(1, 60).unwrap();
        let result_js: JsValue = result.into();
        let csv = engine
            .export_csv(result_js.clone().unchecked_into(), "ranking", "zh-CN")
            .unwrap();
        assert!(csv.starts_with("\u{feff}类别,名次,"), "{csv}");
        assert!(csv.contains("\r\n"));
        let xlsx = engine
            .export_xlsx(
                result_js.clone().unchecked_into(),
                JsValue::NULL.unchecked_into(),
                "en",
            )
            .unwrap();
        let rows = kaoping_core::xlsx::read_rows(&xlsx, Some("Ranking")).unwrap();
        assert_eq!(rows[0][0], "Category");
        assert!(engine
            .export_csv(result_js.unchecked_into(), "nope", "en")
            .is_err());
    }

    #[wasm_bindgen_test]
    fn the_satisfaction_answers_of_a_result_are_the_cores() {
        let engine = Engine::new(None).unwrap();
        let result = engine.evaluate_demo(1, 60).unwrap();
        let result_js: JsValue = result.into();
        let native: kaoping_core::score::EvaluationResult =
            serde_wasm_bindgen::from_value(result_js.clone()).unwrap();
        let answers = Engine::satisfaction_answers(result_js.unchecked_into()).unwrap();
        let expected = kaoping_core::score::satisfaction::satisfaction_answers(&native);
        assert!(!expected.is_empty());
        // Numbers compared as numbers (JS has no integer type: 5.0 comes back as 5).
        fn numbers(v: serde_json::Value) -> serde_json::Value {
            use serde_json::Value;
            match v {
                Value::Number(n) => json!(n.as_f64()),
                Value::Array(a) => Value::Array(a.into_iter().map(numbers).collect()),
                Value::Object(o) => {
                    Value::Object(o.into_iter().map(|(k, v)| (k, numbers(v))).collect())
                }
                v => v,
            }
        }
        assert_eq!(
            numbers(rust(answers.into())),
            numbers(serde_json::to_value(&expected).unwrap())
        );
    }
}

/// Tracking the demo through September gives the same report in WASM as natively (its SHA-256
/// is written by the native test `the_demo_tracking_fingerprint_matches_fixture`), and the
/// facade hands out the warnings, the CSV and the notices.
#[cfg(feature = "office")]
#[wasm_bindgen_test]
fn the_demo_tracking_is_bit_identical_in_wasm() {
    use kaoping_core::track::{demo_periods, InputKind, Tracker};
    let plan = kaoping_core::plan::demo_plan();
    let d = demo_periods(42, Some("2026-09")).unwrap();
    let mut t = Tracker::new(&plan).unwrap();
    t.add_file(InputKind::Periods, "periods.csv", &d.periods_csv);
    t.add_file(InputKind::Projects, "projects.json", &d.projects_json);
    t.add_file(
        InputKind::Projects,
        "site-checks.jsonl",
        &d.site_checks_jsonl,
    );
    t.add_file(InputKind::Events, "events.json", &d.events_json);
    let report = t.finish(None).unwrap();
    let expected =
        include_str!("../../../tests/fixtures/determinism/demo_track_42_2026-09.sha256").trim();
    assert_eq!(kaoping_core::canonical::fingerprint(&report), expected);

    let engine = Engine::new(None).unwrap();
    let demo = rust(
        Engine::demo_periods(42, Some("2026-09".into()))
            .unwrap()
            .into(),
    );
    let files = js(json!({
        "periods": [{"name": "periods.csv", "text": demo["periods_csv"]}],
        "projects": [{"name": "projects.json", "text": demo["projects_json"]},
                     {"name": "site-checks.jsonl", "text": demo["site_checks_jsonl"]}],
        "events": [{"name": "events.json", "text": demo["events_json"]}],
        "lang": "en"
    }));
    let out = rust(engine.track(files.unchecked_into()).unwrap().into());
    assert_eq!(out["report"]["warnings"].as_array().unwrap().len(), 13);
    assert_eq!(out["report"]["vetoed"], json!(["caidian"]));
    assert_eq!(out["notices"].as_array().unwrap().len(), 5);
    assert!(out["warnings_csv"]
        .as_str()
        .unwrap()
        .starts_with("\u{feff}level,rule,"));
}
