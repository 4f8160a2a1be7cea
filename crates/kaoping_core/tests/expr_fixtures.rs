//! Data-driven tests for the expression language.
//!
//! Walks `tests/fixtures/expr/<topic>/` (at the workspace root). Each topic directory holds
//! either a `cases.json`:
//!
//! ```json
//! {"description": "...", "answers": {"...": "default answers"},
//!  "cases": [{"name": "...", "expr": "...", "answers": {}, "current": 1, "expected": 2}]}
//! ```
//!
//! or a single-case `case.json` (one case object, same fields). Per case:
//! * `expr` (required): the source text;
//! * `answers` (optional): answers by id; defaults to the file's `answers`, else `{}`;
//! * `current` (optional): the value of `.`; absent means no current value;
//! * `expected` (required): the evaluated value as JSON (objects never occur as values), or
//!   `{"parse_error": {"column": N, "contains": "..."}}`;
//! * `references` (optional): expected `Expr::references()`;
//! * `uses_self` (optional): expected `Expr::uses_self()`;
//! * `display` (optional): expected canonical `Display` output.
//!
//! For every case that parses, the harness also checks that the displayed form parses back to
//! an equal expression with the same value.

use std::path::{Path, PathBuf};

use kaoping_core::expr::{parse, MapEnv, Value};
use serde_json::Value as Json;

fn fixtures_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/expr")
}

struct Case {
    label: String,
    body: Json,
    default_answers: Json,
}

fn read_json(path: &Path) -> Json {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: invalid JSON: {e}", path.display()))
}

fn load_cases() -> Vec<Case> {
    let dir = fixtures_dir();
    let mut topics: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    topics.sort();
    let mut cases = Vec::new();
    for topic in topics {
        let topic_name = topic
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let many = topic.join("cases.json");
        let one = topic.join("case.json");
        if many.is_file() {
            let file = read_json(&many);
            let default_answers = file
                .get("answers")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({}));
            let list = file["cases"]
                .as_array()
                .unwrap_or_else(|| panic!("{}: no `cases` array", many.display()));
            for (i, body) in list.iter().enumerate() {
                let name = body["name"].as_str().unwrap_or("");
                cases.push(Case {
                    label: format!("{topic_name}[{i}] {name}"),
                    body: body.clone(),
                    default_answers: default_answers.clone(),
                });
            }
        } else if one.is_file() {
            cases.push(Case {
                label: topic_name,
                body: read_json(&one),
                default_answers: serde_json::json!({}),
            });
        } else {
            panic!("{}: neither cases.json nor case.json", topic.display());
        }
    }
    cases
}

/// Runs one case; returns a description of each mismatch.
fn run(case: &Case) -> Vec<String> {
    let mut problems = Vec::new();
    let body = &case.body;
    let Some(src) = body["expr"].as_str() else {
        return vec!["missing `expr`".to_string()];
    };
    let answers = body
        .get("answers")
        .cloned()
        .unwrap_or_else(|| case.default_answers.clone());
    let env = MapEnv::from_json(answers, body.get("current").cloned());
    let expected = &body["expected"];
    match (parse(src), expected.get("parse_error")) {
        (Ok(expr), None) => {
            let want = Value::from_json(expected);
            let got = expr.eval(&env);
            if got != want {
                problems.push(format!("value: got {got:?}, want {want:?}"));
            }
            let shown = expr.to_string();
            if let Some(d) = body.get("display").and_then(Json::as_str) {
                if shown != d {
                    problems.push(format!("display: got {shown:?}, want {d:?}"));
                }
            }
            match parse(&shown) {
                Ok(again) if again == expr => {
                    if again.eval(&env) != got {
                        problems.push(format!("display {shown:?} evaluates differently"));
                    }
                }
                Ok(_) => problems.push(format!(
                    "display {shown:?} parses to a different expression"
                )),
                Err(e) => problems.push(format!("display {shown:?} does not parse:\n{e}")),
            }
            if let Some(refs) = body.get("references") {
                let want: Vec<String> = serde_json::from_value(refs.clone()).unwrap_or_default();
                if expr.references() != want {
                    problems.push(format!(
                        "references: got {:?}, want {want:?}",
                        expr.references()
                    ));
                }
            }
            if let Some(u) = body.get("uses_self").and_then(Json::as_bool) {
                if expr.uses_self() != u {
                    problems.push(format!("uses_self: got {}, want {u}", expr.uses_self()));
                }
            }
        }
        (Ok(expr), Some(_)) => problems.push(format!("expected a parse error, parsed as {expr}")),
        (Err(e), None) => problems.push(format!("unexpected parse error:\n{e}")),
        (Err(e), Some(want)) => {
            if let Some(col) = want.get("column").and_then(Json::as_u64) {
                if e.column as u64 != col {
                    problems.push(format!("column: got {}, want {col}\n{e}", e.column));
                }
            }
            if let Some(text) = want.get("contains").and_then(Json::as_str) {
                if !e.message.contains(text) {
                    problems.push(format!("message {:?} does not contain {text:?}", e.message));
                }
            }
            let shown = e.to_string();
            if !shown.contains(&e.source_line)
                || !shown.lines().last().is_some_and(|l| l.contains('^'))
            {
                problems.push(format!("display lacks source line or caret:\n{shown}"));
            }
        }
    }
    problems
}

#[test]
fn expression_fixtures() {
    let cases = load_cases();
    assert!(
        cases.len() > 100,
        "only {} fixture cases found",
        cases.len()
    );
    let mut failures = Vec::new();
    for case in &cases {
        for p in run(case) {
            failures.push(format!("{}: {p}", case.label));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every operator, function, literal kind and parse-error kind appears in some fixture.
#[test]
fn fixtures_cover_the_language() {
    let cases = load_cases();
    let all: String = cases
        .iter()
        .filter_map(|c| c.body["expr"].as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for needle in [
        " or ",
        "||",
        " and ",
        "&&",
        "not ",
        "!",
        " = ",
        "==",
        "!=",
        " < ",
        "<=",
        " > ",
        ">=",
        " + ",
        " - ",
        " * ",
        " / ",
        " % ",
        "-(",
        "(",
        "count(",
        "sum(",
        "empty(",
        "selected(",
        "min(",
        "max(",
        "len(",
        "number(",
        "if(",
        "true",
        "false",
        "null",
        "'",
        "\"",
        ".",
    ] {
        assert!(all.contains(needle), "no fixture uses {needle:?}");
    }
    let errors: Vec<&str> = cases
        .iter()
        .filter_map(|c| c.body["expected"]["parse_error"]["contains"].as_str())
        .collect();
    for kind in [
        "unknown function",
        "wrong number of arguments",
        "takes 2 arguments",
        "expected an expression",
        "unclosed `(`",
        "unclosed string",
        "after a complete expression",
        "unmatched `)`",
        "unknown escape",
        "comparisons cannot be chained",
    ] {
        assert!(
            errors.iter().any(|m| m.contains(kind)),
            "no fixture for {kind:?}"
        );
    }
}
