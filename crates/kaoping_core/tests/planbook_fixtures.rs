//! Plan workbooks: each folder of `tests/fixtures/planbook/` holds `book.xlsx` (a workbook
//! written by another program, or edited by hand: see `edit_book.py` there) or `plan.json` (a
//! plan to write as a workbook and read back), and `expected.json`: whether the plan was read,
//! its fingerprint, what differs from the demo plan (JSON Pointer → value) and every problem
//! at its cell. `UPDATE_FIXTURES=1` rewrites it (read the diff first).

use kaoping_core::planbook::{plan_from_xlsx, plan_to_xlsx, read_workbook, BookLang, Severity};
use serde_json::{json, Map, Value};

mod common;

/// Every JSON Pointer where `b` differs from `a`, with `b`'s value (null: gone).
fn changes(a: &Value, b: &Value, at: &str, out: &mut Map<String, Value>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys().filter(|k| !x.contains_key(*k))) {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                match (x.get(k), y.get(k)) {
                    (Some(u), Some(v)) => changes(u, v, &p, out),
                    (_, v) => {
                        out.insert(p, v.cloned().unwrap_or(Value::Null));
                    }
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (u, v)) in x.iter().zip(y).enumerate() {
                changes(u, v, &format!("{at}/{i}"), out);
            }
        }
        _ if a != b => {
            out.insert(at.to_owned(), b.clone());
        }
        _ => {}
    }
}

fn problems_json(problems: &[kaoping_core::planbook::Problem]) -> Value {
    Value::Array(
        problems
            .iter()
            .map(|p| {
                let mut out = json!({
                    "cell": p.cell, "path": p.path, "code": p.code,
                    "severity": if p.severity == Severity::Error { "error" } else { "warning" },
                    "zh-CN": p.message.get("zh-CN"), "en": p.message.get("en"),
                });
                // The instrument and question the path is in, when it is in one.
                for (key, id) in [("instrument", &p.instrument), ("question", &p.question)] {
                    if let Some(id) = id {
                        out[key] = json!(id);
                    }
                }
                out
            })
            .collect(),
    )
}

fn book_case(bytes: &[u8]) -> Value {
    let demo: Value = serde_json::from_str(kaoping_core::plan::DEMO_PLAN_JSON).unwrap();
    match plan_from_xlsx(bytes) {
        Ok(read) => {
            let plan: Value = serde_json::from_str(&read.json).unwrap();
            let mut changed = Map::new();
            changes(&demo, &plan, "", &mut changed);
            json!({
                "ok": true,
                "sha256": read.sha256,
                "changed_from_demo": changed,
                "problems": problems_json(&read.warnings),
            })
        }
        Err(problems) => json!({"ok": false, "problems": problems_json(&problems)}),
    }
}

fn plan_case(plan: &Value) -> Value {
    let mut out = Map::new();
    for (name, lang) in [("zh", BookLang::Zh), ("en", BookLang::En)] {
        let (back, problems) = read_workbook(&plan_to_xlsx(plan, lang));
        assert_eq!(back.as_ref(), Some(plan), "{name}: {problems:#?}");
        out.insert(name.into(), problems_json(&problems));
    }
    json!({"sha256": kaoping_core::canonical::fingerprint_value(plan), "problems": out})
}

#[test]
fn planbook_fixtures() {
    let cases = common::cases("planbook");
    assert!(cases.len() >= 4);
    let mut failures = Vec::new();
    for case in cases {
        let got = if let Ok(bytes) = std::fs::read(case.join("book.xlsx")) {
            book_case(&bytes)
        } else {
            let text = std::fs::read_to_string(case.join("plan.json")).unwrap();
            plan_case(&serde_json::from_str(&text).unwrap())
        };
        let text = serde_json::to_string_pretty(&got).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &text) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn libreoffice_s_copies_read_back_to_the_demo_plan() {
    for case in ["libreoffice_zh", "libreoffice_en"] {
        let dir = common::cases("planbook")
            .into_iter()
            .find(|c| c.ends_with(case))
            .unwrap();
        let read = plan_from_xlsx(&std::fs::read(dir.join("book.xlsx")).unwrap()).unwrap();
        assert_eq!(read.sha256, kaoping_core::plan::DEMO_PLAN_SHA256, "{case}");
        assert!(read.warnings.is_empty(), "{case}: {:?}", read.warnings);
    }
}
