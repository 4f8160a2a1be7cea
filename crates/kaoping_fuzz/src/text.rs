//! Plan validation, the expression language and the text pattern matcher.

use kaoping_core::expr::{self, MapEnv};
use kaoping_core::form::{self, Answers};
use kaoping_core::pattern::Pattern;
use kaoping_core::plan;
use kaoping_core::validate::validate_plan;
use serde_json::json;

use crate::split_at_byte;

/// Plan validation from bytes, as the office page and `kaoping validate` do it (the text read
/// as UTF-8 with replacement characters). A plan the validator accepts must load (whole and
/// as the respondent's form plan) and every one of its instruments must evaluate with no
/// answers and with the answers of a few questions, in both languages.
pub fn plan(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let report = validate_plan(&text);
    // Lines as `locate.rs` counts them: `\n`, `\r\n` and a lone `\r` each end one.
    let lines =
        1 + text.matches('\n').count() + text.matches('\r').count() - text.matches("\r\n").count();
    for p in &report.problems {
        assert!(!p.code.is_empty());
        if let Some(line) = p.line {
            assert!(line >= 1 && line <= lines, "line {line} of {lines}: {p:?}");
        }
    }
    if !report.ok {
        assert!(report.plan.is_none() && report.sha256.is_none());
        return;
    }
    assert!(report.problems.is_empty());
    let plan = report.plan.expect("an accepted plan is given back");
    assert_eq!(report.sha256.as_deref(), Some(plan.sha256.as_str()));
    let loaded = plan::load_plan(&text).expect("a validated plan loads");
    assert_eq!(loaded.sha256, plan.sha256);
    let (_, forms) = plan::load_form_plan(&text).expect("a validated plan loads as forms");
    assert_eq!(forms.sha256, plan.sha256);
    for ins in &plan.instruments {
        let mut answers = Answers::default();
        for lang in ["zh-CN", "en"] {
            let _ = form::evaluate(ins, &answers, lang);
        }
        // Every question answered with a few kinds of value.
        for (i, q) in ins.sections.iter().flat_map(|s| &s.questions).enumerate() {
            let v = match i % 4 {
                0 => json!("unable"),
                1 => json!(3),
                2 => json!(["a", "b"]),
                _ => json!({"x": 1}),
            };
            answers.values.insert(q.id.clone(), v);
        }
        for lang in ["zh-CN", "en"] {
            let _ = form::evaluate(ins, &answers, lang);
        }
    }
}

/// A few answer sets to evaluate expressions against (numbers, texts, lists, matrices, the
/// current value, and nothing).
fn envs() -> Vec<MapEnv> {
    vec![
        MapEnv::from_json(json!({}), None),
        MapEnv::from_json(
            json!({"a": 7, "b": 2, "t": "3", "z": 0, "list": [1, 2], "q1": ["a", "b"],
                   "q2": "x", "m": {"row_1": 4, "row_2": "unable"}, "age": 18.5,
                   "big": 1e308, "neg": -1e-308, "s": "无法评价"}),
            Some(json!(5)),
        ),
        MapEnv::from_json(
            json!({"a": null, "b": true, "t": "", "list": [], "q1": "a", "m": [1, 2],
                   "age": "x", "q-2": [[1]], "z": {"": null}}),
            Some(json!(["a", "c"])),
        ),
    ]
}

/// Any text parsed as an expression; a parsed one evaluates against a few answer sets without
/// panicking, and prints as text that parses back to the same expression.
pub fn expr(data: &[u8]) {
    let src = String::from_utf8_lossy(data);
    let Ok(e) = expr::parse(&src) else {
        return;
    };
    for env in envs() {
        let _ = e.eval(&env).to_json();
    }
    let _ = e.references();
    let _ = e.uses_self();
    let printed = e.to_string();
    if printed.len() <= expr::MAX_LEN {
        match expr::parse(&printed) {
            Ok(back) => assert_eq!(back, e, "{src:?} printed as {printed:?}"),
            Err(err) => panic!("{src:?} printed as {printed:?}, which does not parse: {err:?}"),
        }
    }
}

/// A pattern and a text (the input split at its first line feed): the pattern parsed, and
/// matched against the text when it parses. A pattern of letters and digits only matches
/// exactly itself.
pub fn pattern(data: &[u8]) {
    let (p, t) = split_at_byte(data, b'\n');
    let (p, t) = (String::from_utf8_lossy(p), String::from_utf8_lossy(t));
    let Ok(pat) = Pattern::parse(&p) else {
        return;
    };
    let m = pat.is_match(&t);
    if p.chars().all(char::is_alphanumeric) {
        assert!(pat.is_match(&p), "{p:?} matches itself");
        assert_eq!(m, t == p, "{p:?} against {t:?}");
    }
}
