//! Plan validation as data: each folder of `tests/fixtures/plans/` holds a `plan.json` and, in
//! `expected.txt`, every problem the validator reports: `line:column code path`, then the ids
//! of the instrument and question the path is in (`in instrument/question`) when it is in one,
//! and the message in both languages. `UPDATE_FIXTURES=1` rewrites the expectations (read the diff first).

use kaoping_core::validate::validate_plan;
use std::fmt::Write;

mod common;

#[test]
fn plan_fixtures() {
    let cases = common::cases("plans");
    assert!(cases.len() >= 15);
    let mut failures = Vec::new();
    for case in cases {
        let text = std::fs::read_to_string(case.join("plan.json")).unwrap();
        let report = validate_plan(&text);
        let mut got = format!("ok: {}\n", report.ok);
        for p in &report.problems {
            let at = match (p.line, p.column) {
                (Some(l), Some(c)) => format!("{l}:{c}"),
                _ => "-".into(),
            };
            let path = if p.path.is_empty() { "/" } else { &p.path };
            let place = match (&p.instrument, &p.question) {
                (Some(i), Some(q)) => format!(" in {i}/{q}"),
                (Some(i), None) => format!(" in {i}"),
                (None, Some(q)) => format!(" in ?/{q}"),
                (None, None) => String::new(),
            };
            let _ = writeln!(
                got,
                "{at} {} {path}{place}\n  zh-CN: {}\n  en: {}",
                p.code,
                p.message.get("zh-CN"),
                p.message.get("en")
            );
        }
        if let Err(e) = common::check(&case.join("expected.txt"), &got) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
