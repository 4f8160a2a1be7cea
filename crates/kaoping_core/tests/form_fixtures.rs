//! Forms as data: `tests/fixtures/forms/_instrument.json` has one question of every type and
//! rule; each case folder holds `answers.json` (and `lang`, default zh-CN) with the expected
//! `FormState` beside it in `expected.json`. `UPDATE_FIXTURES=1` rewrites the expectations
//! (read the diff before committing it).

use kaoping_core::form::{evaluate, Answers};
use kaoping_core::plan::Instrument;
use std::path::Path;

mod common;

#[test]
fn form_fixtures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/forms");
    let ins: Instrument =
        serde_json::from_str(&std::fs::read_to_string(dir.join("_instrument.json")).unwrap())
            .expect("the test instrument parses");
    let cases = common::cases("forms");
    assert!(cases.len() >= 20);
    let mut failures = Vec::new();
    for case in cases {
        let answers: Answers =
            serde_json::from_str(&std::fs::read_to_string(case.join("answers.json")).unwrap())
                .unwrap();
        let lang = std::fs::read_to_string(case.join("lang")).unwrap_or_else(|_| "zh-CN".into());
        let state = evaluate(&ins, &answers, lang.trim());
        let got = serde_json::to_string_pretty(&state).unwrap() + "\n";
        if let Err(e) = common::check(&case.join("expected.json"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
