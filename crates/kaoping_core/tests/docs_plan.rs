//! `docs/plan.md` cannot rot: its examples are checked against the core.
//!
//! The code blocks of the page say what they are in their info string:
//! - ```` ```json plan ````: a whole plan, which `validate_plan` must accept with no problem;
//! - ```` ```json excerpt ````: a part of a plan, which must be found in one of the page's whole
//!   plans (an object may leave keys out, an array may stop early; everything shown is equal);
//! - ```` ```json broken ````: a plan with mistakes, followed by ```` ```text zh-CN ```` and
//!   ```` ```text en ````: what `kaoping validate` prints for it, which must be what the
//!   validator reports (the CLI's own format is checked by `tests/fixtures/cli/validate_*`);
//! - any other ```` ```json ```` block must at least be JSON.

use kaoping_core::validate::validate_plan;
use serde_json::Value;

struct Block {
    info: String,
    body: String,
    /// 1-based line of the opening fence, for messages.
    line: usize,
}

fn page() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/plan.md");
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced code blocks of a Markdown text (fences of three backticks at the line start).
fn blocks(text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        match open.as_mut() {
            None => {
                if let Some(info) = line.strip_prefix("```") {
                    open = Some(Block {
                        info: info.trim().to_owned(),
                        body: String::new(),
                        line: i + 1,
                    });
                }
            }
            Some(block) => {
                if line.trim_end() == "```" {
                    out.extend(open.take());
                } else {
                    block.body.push_str(line);
                    block.body.push('\n');
                }
            }
        }
    }
    assert!(open.is_none(), "docs/plan.md: a code block is not closed");
    out
}

fn json(block: &Block) -> Value {
    serde_json::from_str(&block.body).unwrap_or_else(|e| {
        panic!(
            "docs/plan.md line {}: the ```{} block is not JSON: {e}",
            block.line, block.info
        )
    })
}

fn plans(blocks: &[Block]) -> Vec<Value> {
    blocks
        .iter()
        .filter(|b| b.info == "json plan")
        .map(json)
        .collect()
}

/// Whether `part` is `whole` with keys left out of objects and arrays cut short.
fn contained(part: &Value, whole: &Value) -> bool {
    match (part, whole) {
        (Value::Object(p), Value::Object(w)) => p
            .iter()
            .all(|(k, pv)| w.get(k).is_some_and(|wv| contained(pv, wv))),
        (Value::Array(p), Value::Array(w)) => {
            p.len() <= w.len() && p.iter().zip(w).all(|(pv, wv)| contained(pv, wv))
        }
        _ => part == whole,
    }
}

/// Whether `part` is contained in `whole` or in any value inside it.
fn found_in(part: &Value, whole: &Value) -> bool {
    contained(part, whole)
        || match whole {
            Value::Object(m) => m.values().any(|v| found_in(part, v)),
            Value::Array(a) => a.iter().any(|v| found_in(part, v)),
            _ => false,
        }
}

#[test]
fn every_whole_plan_of_the_page_is_valid() {
    let blocks = blocks(&page());
    let mut n = 0;
    for b in blocks.iter().filter(|b| b.info == "json plan") {
        let report = validate_plan(&b.body);
        let problems: Vec<String> = report
            .problems
            .iter()
            .map(|p| format!("{} {}: {}", p.code, p.path, p.message.get("en")))
            .collect();
        assert!(
            report.ok && problems.is_empty(),
            "docs/plan.md line {}: the plan is not valid:\n{}",
            b.line,
            problems.join("\n")
        );
        n += 1;
    }
    assert!(
        n >= 2,
        "the page shows a minimal and a whole plan, found {n}"
    );
}

#[test]
fn every_excerpt_is_part_of_a_whole_plan_of_the_page() {
    let blocks = blocks(&page());
    let plans = plans(&blocks);
    let mut n = 0;
    for b in blocks.iter().filter(|b| b.info == "json excerpt") {
        let part = json(b);
        assert!(
            plans.iter().any(|p| found_in(&part, p)),
            "docs/plan.md line {}: this excerpt is in none of the page's whole plans:\n{}",
            b.line,
            b.body
        );
        n += 1;
    }
    assert!(
        n >= 15,
        "expected an excerpt for every part of a plan, found {n}"
    );
}

#[test]
fn every_json_block_is_json() {
    let blocks = blocks(&page());
    let n = blocks
        .iter()
        .filter(|b| b.info == "json" || b.info.starts_with("json "))
        .map(json)
        .count();
    assert!(n >= 20, "found {n} JSON blocks");
}

/// The problems of a plan as `kaoping validate [--lang en] plan.json` prints them.
fn printed(text: &str, lang: &str) -> String {
    let report = validate_plan(text);
    let mut out = String::new();
    for p in &report.problems {
        let at = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("plan.json:{l}:{c}"),
            _ => "plan.json".to_owned(),
        };
        let path = if p.path.is_empty() { "/" } else { &p.path };
        out.push_str(&format!(
            "{at}: {} [{path}] {}\n",
            p.code,
            p.message.get(lang)
        ));
    }
    let n = report.problems.len();
    out.push_str(&if lang == "en" {
        format!("{n} problem(s)\n")
    } else {
        format!("共 {n} 个问题\n")
    });
    out
}

#[test]
fn the_problems_shown_for_a_broken_plan_are_the_validator_s() {
    let blocks = blocks(&page());
    let mut n = 0;
    for (i, b) in blocks.iter().enumerate() {
        if b.info != "json broken" {
            continue;
        }
        assert!(!validate_plan(&b.body).ok, "line {}: not broken", b.line);
        for (k, lang) in ["zh-CN", "en"].into_iter().enumerate() {
            let shown = blocks
                .get(i + 1 + k)
                .filter(|s| s.info == format!("text {lang}"))
                .unwrap_or_else(|| {
                    panic!(
                        "docs/plan.md line {}: a broken plan is followed by ```text zh-CN and ```text en",
                        b.line
                    )
                });
            let body = shown
                .body
                .lines()
                .filter(|l| !l.starts_with("$ "))
                .collect::<Vec<_>>()
                .join("\n")
                + "\n";
            assert_eq!(
                body,
                printed(&b.body, lang),
                "docs/plan.md line {}: the output shown is not the validator's",
                shown.line
            );
        }
        n += 1;
    }
    assert!(n >= 1, "the page shows how problems are reported");
}

#[test]
fn the_checks_catch_what_they_should() {
    let plan: Value = serde_json::json!({"a": [{"b": 1, "c": 2}, {"d": 3}], "e": "x"});
    assert!(found_in(&serde_json::json!({"b": 1}), &plan));
    assert!(found_in(&serde_json::json!([{"c": 2}]), &plan));
    assert!(!found_in(&serde_json::json!({"b": 2}), &plan));
    assert!(
        !found_in(&serde_json::json!([{"d": 3}]), &plan),
        "arrays keep their order"
    );
    let b = blocks("x\n```json plan\n{}\n```\n```\nnot json\n```\n");
    assert_eq!(b.len(), 2);
    assert_eq!(
        (b[0].info.as_str(), b[0].body.as_str(), b[0].line),
        ("json plan", "{}\n", 2)
    );
    assert!(!validate_plan("{}").ok, "an empty object is not a plan");
}
