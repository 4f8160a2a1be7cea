//! Questionnaire import as data: each folder of `tests/fixtures/import/` holds a form from
//! another tool (`form.xlsx`, XLSForm, or `form.json`, SurveyJS; `SOURCE` says where it comes
//! from) and beside it `expected.json`: the instrument, every skipped item, and the problems
//! of the demo plan with the instrument added (its texts completed in the plan's languages),
//! which should be none. `UPDATE_FIXTURES=1` rewrites the expectations (read the diff first).

use kaoping_core::import::{add_to_plan, import_surveyjs, import_xlsform, Imported};
use kaoping_core::plan::DEMO_PLAN_JSON;
use kaoping_core::validate::validate_plan;
use serde_json::{json, Value};

mod common;

fn in_demo_plan(imported: &Imported) -> Value {
    let added = add_to_plan(DEMO_PLAN_JSON, imported, None).unwrap();
    let report = validate_plan(&added.json);
    let problems: Vec<Value> = report
        .problems
        .iter()
        .map(|p| json!({"path": p.path, "code": p.code, "en": p.message.get("en")}))
        .collect();
    json!({"texts_filled": added.texts_filled, "problems": problems})
}

#[test]
fn import_fixtures() {
    let cases = common::cases("import");
    assert!(cases.len() >= 8);
    let mut failures = Vec::new();
    for case in cases {
        let xlsx = case.join("form.xlsx");
        let result = if xlsx.exists() {
            import_xlsform(&std::fs::read(&xlsx).unwrap())
        } else {
            import_surveyjs(&std::fs::read_to_string(case.join("form.json")).unwrap())
        };
        let got = match result {
            Ok(imported) => json!({
                "instrument": imported.instrument_json(),
                "skipped": imported.skipped,
                "in_demo_plan": in_demo_plan(&imported),
            }),
            Err(e) => json!({"error": e.to_string()}),
        };
        let got = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
