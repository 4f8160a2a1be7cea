//! Plan validation: every problem at once, each with its JSON path and line:column.
//!
//! Three passes over the plan text: (1) JSON syntax; (2) shape: unknown keys and wrong types,
//! element by element so that one bad question does not hide the others; (3) meaning:
//! duplicate ids, references, weights, scales, expressions and relevance cycles.

mod history;
mod instrument;
mod meaning;
mod shape;

use crate::locate::Locator;
use crate::plan::Plan;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// One thing wrong with a plan.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    /// JSON Pointer (RFC 6901) to the offending value, e.g. `/units/3/category`.
    pub path: String,
    /// 1-based line and column in the plan text, when the path can be found in it.
    pub line: Option<usize>,
    pub column: Option<usize>,
    /// A stable machine-readable code, e.g. `unknown_key`, `duplicate_id`.
    pub code: &'static str,
    /// What is wrong, in zh-CN and en.
    pub message: Text,
    /// The id of the instrument the path is inside, when it is inside one that has an id: the
    /// office page links the problem to that form's preview.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instrument: Option<String>,
    /// The id of the question the path is inside (in that instrument), when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
}

/// The ids of the instrument and of the question that a JSON Pointer into the plan `root`
/// points inside (`/instruments/i/...`, `/instruments/i/sections/j/questions/k/...`), each
/// when the pointer is inside one and it has a non-empty id.
pub(crate) fn place_of(root: &Value, path: &str) -> (Option<String>, Option<String>) {
    let id = |v: Option<&Value>| {
        v.and_then(|v| v.get("id"))
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut parts = path.split('/').skip(1);
    if parts.next() != Some("instruments") {
        return (None, None);
    }
    let index = |s: Option<&str>| {
        s.filter(|s| s.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|s| s.parse::<usize>().ok())
    };
    let Some(i) = index(parts.next()) else {
        return (None, None);
    };
    let instrument = root.get("instruments").and_then(|l| l.get(i));
    let question = match (
        parts.next(),
        index(parts.next()),
        parts.next(),
        index(parts.next()),
    ) {
        (Some("sections"), Some(j), Some("questions"), Some(k)) => id(instrument
            .and_then(|v| v.get("sections"))
            .and_then(|l| l.get(j))
            .and_then(|v| v.get("questions"))
            .and_then(|l| l.get(k))),
        _ => None,
    };
    (id(instrument), question)
}

/// The outcome of validating a plan text: the plan when it is usable, and every problem.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlanReport {
    pub ok: bool,
    #[serde(skip)]
    pub plan: Option<Plan>,
    /// SHA-256 of the canonical plan JSON, when the plan is valid.
    pub sha256: Option<String>,
    pub problems: Vec<Problem>,
}

/// Validate a plan given as JSON text.
pub fn validate_plan(text: &str) -> PlanReport {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut v = Validator {
        problems: Vec::new(),
    };
    let root: Value = match serde_json::from_str(text) {
        Ok(root) => root,
        Err(e) => {
            v.problems.push(Problem {
                path: String::new(),
                line: Some(e.line()),
                column: Some(e.column()),
                code: "json_syntax",
                message: {
                    // The position is in `line`/`column`; the message need not repeat it.
                    let full = e.to_string();
                    let what = full.split(" at line ").next().unwrap_or(&full).to_owned();
                    Text::new(
                        &format!("JSON 格式错误：{}", crate::text::json_syntax_zh(&what)),
                        &format!("Invalid JSON: {what}"),
                    )
                },
                instrument: None,
                question: None,
            });
            return v.finish(text, None, None);
        }
    };
    // A key given twice in one object: JSON reading keeps the last value without a word, the
    // typed plan refuses it, so it is named here (found by fuzzing: a plan said valid that did
    // not load).
    for path in crate::locate::duplicate_keys(text) {
        let key = path
            .rsplit('/')
            .next()
            .unwrap_or("")
            .replace("~1", "/")
            .replace("~0", "~");
        v.push(
            &path,
            "duplicate_key",
            Text::new(
                &format!("键“{key}”在同一对象中出现了不止一次，请只保留一个。"),
                &format!("The key \"{key}\" appears more than once in the same object; keep one."),
            ),
        );
    }
    v.shape_plan(&root);
    // Unknown and repeated keys do not stop the plan from being read (serde skips the first,
    // the JSON value keeps the last of the second), so the meaning checks still run and every
    // problem is reported in one go.
    let plan: Option<Plan> = if v
        .problems
        .iter()
        .all(|p| matches!(p.code, "unknown_key" | "duplicate_key"))
    {
        let sha256 = crate::canonical::fingerprint_value(&root);
        // Read from a reference: the value is kept to place each problem (`place_of`).
        match Plan::deserialize(&root) {
            Ok(plan) => Some(Plan { sha256, ..plan }),
            Err(e) => {
                v.push(
                    "",
                    "invalid_value",
                    Text::new(&format!("方案内容无效：{e}"), &format!("Invalid plan: {e}")),
                );
                None
            }
        }
    } else {
        None
    };
    if let Some(plan) = &plan {
        v.meaning(plan);
    }
    v.finish(text, Some(&root), plan)
}

struct Validator {
    problems: Vec<Problem>,
}
/// A number as people write it: at most 6 decimals, no trailing zeros (0.1 + 0.2 → 0.3).
fn num(x: f64) -> String {
    let s = format!("{x:.6}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

fn ptr(base: &str, key: impl std::fmt::Display) -> String {
    let key = key.to_string().replace('~', "~0").replace('/', "~1");
    format!("{base}/{key}")
}

impl Validator {
    fn push(&mut self, path: &str, code: &'static str, message: Text) {
        self.problems.push(Problem {
            path: path.to_owned(),
            line: None,
            column: None,
            code,
            message,
            instrument: None,
            question: None,
        });
    }
    fn finish(mut self, text: &str, root: Option<&Value>, plan: Option<Plan>) -> PlanReport {
        let locator = Locator::new(text);
        for p in &mut self.problems {
            if let Some(root) = root {
                (p.instrument, p.question) = place_of(root, &p.path);
            }
            if p.line.is_none() {
                if let Some(pos) = locator.position(&p.path) {
                    p.line = Some(pos.line);
                    p.column = Some(pos.column);
                }
            }
        }
        let ok = self.problems.is_empty() && plan.is_some();
        let sha256 = if ok {
            plan.as_ref().map(|p| p.sha256.clone())
        } else {
            None
        };
        PlanReport {
            ok,
            plan: if ok { plan } else { None },
            sha256,
            problems: self.problems,
        }
    }
    fn unique<'a>(&mut self, ids: impl Iterator<Item = &'a str>, p: &str, key: &str) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (i, id) in ids.enumerate() {
            if id.trim().is_empty() {
                self.push(
                    &format!("{p}/{i}/{key}"),
                    "empty_id",
                    Text::new("编号不能为空", "The id must not be empty"),
                );
            } else if let Some(first) = seen.get(id) {
                self.push(
                    &format!("{p}/{i}/{key}"),
                    "duplicate_id",
                    Text::new(
                        &format!("“{id}”重复（首次出现于 {p}/{first}）"),
                        &format!("Duplicate \"{id}\" (first at {p}/{first})"),
                    ),
                );
            } else {
                seen.insert(id, i);
            }
        }
    }

    fn unique_f64(&mut self, values: impl Iterator<Item = f64>, p: &str) {
        let mut seen = Vec::new();
        for (i, v) in values.enumerate() {
            if seen.contains(&v) {
                self.push(
                    &format!("{p}/{i}/value"),
                    "duplicate_id",
                    Text::new(&format!("刻度值 {v} 重复"), &format!("Duplicate point {v}")),
                );
            }
            seen.push(v);
        }
    }

    fn missing_ref(&mut self, p: &str, zh: &str, en: &str, id: &str) {
        self.push(
            p,
            "unknown_reference",
            Text::new(
                &format!("引用了不存在的{zh}“{id}”"),
                &format!("Refers to a {en} \"{id}\" that does not exist"),
            ),
        );
    }

    fn text(&mut self, text: &Text, p: &str, langs: &[String]) {
        for lang in text.missing(langs) {
            self.push(
                p,
                "missing_translation",
                Text::new(
                    &format!("缺少“{lang}”语言的文字"),
                    &format!("Missing the \"{lang}\" text"),
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_plan_is_valid() {
        let report = validate_plan(crate::plan::DEMO_PLAN_JSON);
        assert_eq!(report.problems, vec![], "demo plan problems");
        assert!(report.ok);
        assert_eq!(report.sha256.as_deref().map(str::len), Some(64));
    }

    #[test]
    fn a_path_inside_an_instrument_names_its_instrument_and_question() {
        let root = serde_json::json!({"instruments": [
            {"id": "a", "sections": [{"questions": [{"id": "q1"}, {"id": ""}]}]},
            {"sections": []},
        ]});
        let place = |path: &str| place_of(&root, path);
        let some = |s: &str| Some(s.to_owned());
        assert_eq!(place("/instruments/0"), (some("a"), None));
        assert_eq!(place("/instruments/0/title"), (some("a"), None));
        assert_eq!(place("/instruments/0/sections/0"), (some("a"), None));
        assert_eq!(
            place("/instruments/0/sections/0/questions/0/options/2/value"),
            (some("a"), some("q1"))
        );
        // No id, an empty id, an index out of range, not an index, not in an instrument.
        assert_eq!(place("/instruments/1/sections"), (None, None));
        assert_eq!(
            place("/instruments/0/sections/0/questions/1"),
            (some("a"), None)
        );
        assert_eq!(
            place("/instruments/0/sections/0/questions/9"),
            (some("a"), None)
        );
        assert_eq!(place("/instruments/+0"), (None, None));
        assert_eq!(place("/instruments"), (None, None));
        assert_eq!(place("/units/0"), (None, None));
        assert_eq!(place(""), (None, None));
    }
}

#[cfg(test)]
mod fingerprint_tests {
    /// The wasm test suite checks the same fingerprint inside WASM (bit-identical results).
    /// Validation, loading and the demo plan agree on it; `UPDATE_FIXTURES=1` rewrites it.
    #[test]
    fn demo_plan_fingerprint_matches_fixture() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/fixtures/determinism/demo_plan.sha256"
        );
        let report = super::validate_plan(crate::plan::DEMO_PLAN_JSON);
        let now = report.sha256.clone().unwrap_or_default();
        if std::env::var_os("UPDATE_FIXTURES").is_some() {
            std::fs::write(path, format!("{now}\n")).unwrap();
        }
        let expected = std::fs::read_to_string(path).unwrap_or_default();
        assert_eq!(
            now,
            expected.trim(),
            "the demo plan changed: run with UPDATE_FIXTURES=1 after an intended change"
        );
        assert_eq!(crate::plan::demo_plan().sha256, now);
        let source = crate::plan::load_plan(crate::plan::DEMO_PLAN_SOURCE).unwrap();
        assert_eq!(
            source.sha256, now,
            "indentation does not change the fingerprint"
        );
    }
}

/// The (JSON path, English message) of each problem of the demo plan with its top-level
/// `key` replaced by `value` (tests of the sections' validation).
#[cfg(test)]
pub(crate) fn demo_problems_with(key: &str, value: serde_json::Value) -> Vec<(String, String)> {
    let mut plan: serde_json::Value =
        serde_json::from_str(crate::plan::DEMO_PLAN_JSON).expect("demo plan is JSON");
    plan[key] = value;
    validate_plan(&plan.to_string())
        .problems
        .into_iter()
        .map(|p| (p.path, p.message.get("en").to_owned()))
        .collect()
}
