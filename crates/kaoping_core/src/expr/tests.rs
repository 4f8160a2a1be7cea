//! Unit tests and property tests for the expression language. The bulk of the behaviour is
//! covered by the data fixtures in `tests/fixtures/expr/` (see `tests/expr_fixtures.rs`).

use proptest::prelude::*;
use serde_json::json;

use super::*;

fn env(answers: serde_json::Value) -> MapEnv {
    MapEnv::from_json(answers, None)
}

#[test]
fn parse_error_display_has_caret_under_offending_text() {
    let err = parse("cout(q1) > 2").unwrap_err();
    assert_eq!(err.column, 1);
    assert_eq!(err.len, 4);
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert!(lines[0].starts_with("unknown function `cout`; known functions: count"));
    assert_eq!(lines[1], "  cout(q1) > 2");
    assert_eq!(lines[2], "  ^^^^");
}

#[test]
fn caret_accounts_for_wide_characters() {
    let err = parse("q1 = '是' 是").unwrap_err();
    assert_eq!(err.column, 10);
    let shown = err.to_string();
    let lines: Vec<&str> = shown.lines().collect();
    assert_eq!(lines[1], "  q1 = '是' 是");
    // 8 narrow chars + 1 wide char (2 columns) before the offending `是` (2 carets).
    assert_eq!(lines[2], format!("  {}^^", " ".repeat(10)));
}

#[test]
fn caret_at_end_of_input() {
    let err = parse("a and").unwrap_err();
    assert_eq!((err.offset, err.len, err.column), (5, 0, 6));
    assert!(err.to_string().ends_with("  a and\n       ^"));
}

#[test]
fn multi_line_source_reports_line_and_column() {
    let err = parse("a and\n  b c").unwrap_err();
    assert_eq!((err.line, err.column), (2, 5));
    assert_eq!(err.source_line, "  b c");
}

#[test]
fn length_and_depth_limits() {
    let long = "1 + ".repeat(MAX_LEN / 4) + "1";
    let err = parse(&long).unwrap_err();
    assert!(err.message.contains("too long"), "{}", err.message);

    let deep = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert!(parse(&deep)
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    let ok = format!(
        "{}1{}",
        "(".repeat(MAX_DEPTH - 1),
        ")".repeat(MAX_DEPTH - 1)
    );
    assert_eq!(
        parse(&ok).map(|e| e.eval(&env(json!({})))),
        Ok(Value::Number(1.0))
    );

    assert!(parse(&"not ".repeat(100))
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    assert!(parse(&"-".repeat(100))
        .unwrap_err()
        .message
        .contains("nested too deeply"));
    let calls = format!("{}1{}", "count(".repeat(100), ")".repeat(100));
    assert!(parse(&calls)
        .unwrap_err()
        .message
        .contains("nested too deeply"));
}

#[test]
fn long_flat_chains_are_fine() {
    // Flat chains do not nest, so they are limited only by length.
    let src = vec!["1"; 1000].join(" + ");
    assert_eq!(
        parse(&src).map(|e| e.eval(&env(json!({})))),
        Ok(Value::Number(1000.0))
    );
    let src = vec!["a"; 1000].join(" or ");
    assert_eq!(
        parse(&src).map(|e| e.references()),
        Ok(vec!["a".to_string()])
    );
}

#[test]
fn references_and_uses_self() {
    let e = parse("selected(b, 'x') or a.r1 > 0 and count(a) = 2 and . != b").unwrap();
    assert_eq!(e.references(), vec!["a", "b"]);
    assert!(e.uses_self());
    assert!(!parse("q-1 = 2").unwrap().uses_self());
    assert_eq!(parse("q-1 = 2").unwrap().references(), vec!["q-1"]);
}

#[test]
fn value_serializes_naturally() {
    let v = Value::List(vec![
        Value::Null,
        Value::Bool(true),
        Value::Number(2.5),
        Value::Text("是".into()),
    ]);
    assert_eq!(
        serde_json::to_value(&v).unwrap(),
        json!([null, true, 2.5, "是"])
    );
    assert_eq!(Value::Number(3.0).to_json(), json!(3));
}

#[test]
fn parse_error_serializes() {
    let err = parse("(a").unwrap_err();
    let j = serde_json::to_value(&err).unwrap();
    assert_eq!(j["column"], json!(1));
    assert!(j["message"]
        .as_str()
        .is_some_and(|m| m.contains("unclosed")));
}

/// Generates syntactically valid source text from the grammar.
fn source() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        (0u32..1000).prop_map(|n| n.to_string()),
        (0u32..1000, 1u32..100).prop_map(|(a, b)| format!("{a}.{b}")),
        "[a-z_][a-z0-9_]{0,4}(-[a-z0-9]{1,3})?".prop_filter("keyword", |s| {
            !matches!(s.as_str(), "and" | "or" | "not" | "true" | "false" | "null")
        }),
        "[a-z][a-z0-9]{0,3}\\.[a-z0-9_]{1,4}".prop_filter("keyword", |s| {
            !["and.", "or.", "not.", "true.", "false.", "null."]
                .iter()
                .any(|k| s.starts_with(k))
        }),
        Just(".".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        Just("null".to_string()),
        "[a-z 是'\"\\\\]{0,5}"
            .prop_map(|s| format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))),
    ];
    leaf.prop_recursive(5, 40, 4, |inner| {
        let binop = prop_oneof![
            Just("or"),
            Just("||"),
            Just("and"),
            Just("&&"),
            Just("+"),
            Just("-"),
            Just("*"),
            Just("/"),
            Just("%"),
        ];
        let cmp = prop_oneof![
            Just("="),
            Just("=="),
            Just("!="),
            Just("<"),
            Just("<="),
            Just(">"),
            Just(">=")
        ];
        prop_oneof![
            (inner.clone(), binop, inner.clone())
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (inner.clone(), cmp, inner.clone()).prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            inner.clone().prop_map(|a| format!("not ({a})")),
            inner.clone().prop_map(|a| format!("!({a})")),
            inner.clone().prop_map(|a| format!("-({a})")),
            inner.clone().prop_map(|a| format!("count({a})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("selected({a}, {b})")),
            prop::collection::vec(inner.clone(), 1..4)
                .prop_map(|v| format!("max({})", v.join(", "))),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(a, b, c)| format!("if({a}, {b}, {c})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("({a}) + ({b}) * ({c})")),
        ]
    })
}

struct ArbitraryEnv;

impl Env for ArbitraryEnv {
    fn answer(&self, id: &str) -> Option<serde_json::Value> {
        match id.len() % 5 {
            0 => None,
            1 => Some(json!(id.len())),
            2 => Some(json!(["a", 1, null])),
            3 => Some(json!({"r1": 2, "r2": "unable"})),
            _ => Some(json!(id)),
        }
    }

    fn current(&self) -> Option<serde_json::Value> {
        Some(json!(0))
    }
}

proptest! {
    #[test]
    fn parse_never_panics_on_random_text(s in "\\PC{0,60}") {
        let _ = parse(&s);
    }

    #[test]
    fn parse_never_panics_on_operator_soup(s in "[a-z0-9 .,()'\"\\\\!=<>&|+*/%$-]{0,60}") {
        if let Ok(e) = parse(&s) {
            let _ = e.eval(&ArbitraryEnv);
            let _ = e.references();
        }
    }

    #[test]
    fn display_round_trips(src in source()) {
        let e = parse(&src).map_err(|err| TestCaseError::fail(format!("{src}\n{err}")))?;
        let shown = e.to_string();
        let again = parse(&shown).map_err(|err| TestCaseError::fail(format!("{src}\n{shown}\n{err}")))?;
        prop_assert_eq!(&again, &e, "source {} displayed as {}", src, shown);
        prop_assert_eq!(again.to_string(), shown.clone());
        // Same meaning, too.
        prop_assert_eq!(again.eval(&ArbitraryEnv), e.eval(&ArbitraryEnv));
    }
}
