//! Forms as data: `tests/fixtures/forms/_instrument.json` has one question of every type and
//! rule; each case folder holds `answers.json` (and `lang`, default zh-CN) with the expected
//! `FormState` beside it in `expected.json`. `UPDATE_FIXTURES=1` rewrites the expectations
//! (read the diff before committing it).

use kaoping_core::form::{evaluate, Answers};
use kaoping_core::plan::Instrument;
use std::path::Path;

#[test]
fn form_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/forms");
    let ins: Instrument =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_instrument.json")).unwrap())
            .expect("the test instrument parses");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in cases {
        let answers: Answers =
            serde_json::from_str(&std::fs::read_to_string(case.join("answers.json")).unwrap())
                .unwrap();
        let lang = std::fs::read_to_string(case.join("lang")).unwrap_or_else(|_| "zh-CN".into());
        let state = evaluate(&ins, &answers, lang.trim());
        let got = serde_json::to_string_pretty(&state).unwrap() + "\n";
        let expected_path = case.join("expected.json");
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(&expected_path, &got).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != got {
            failures.push(format!("{}:\n{got}", case.display()));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
