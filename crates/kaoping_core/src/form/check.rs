//! The checks of one answer against its question alone, and the issues they report.

use super::{is_answered, AnswerIssue, UNABLE};
use crate::plan::{Choice, Question, QuestionKind, Scale};
use crate::text::{number_text, Text};
use serde_json::Value;

pub(super) struct Issues<'a> {
    pub(super) q: &'a Question,
    pub(super) lang: &'a str,
    pub(super) list: &'a mut Vec<AnswerIssue>,
}

impl Issues<'_> {
    fn push(&mut self, code: &str, row: Option<&str>, zh: &str, en: &str) {
        let message = if self.lang == "en" { en } else { zh };
        self.push_message(code, row, message);
    }
    pub(super) fn push_text(&mut self, code: &str, row: Option<&str>, message: &Text) {
        self.push_message(code, row, message.get(self.lang));
    }
    fn push_message(&mut self, code: &str, row: Option<&str>, message: &str) {
        self.list.push(AnswerIssue {
            question: self.q.id.clone(),
            row: row.map(str::to_owned),
            reason: false,
            code: code.to_owned(),
            message: message.to_owned(),
        });
    }
    pub(super) fn reason(&mut self, code: &str, zh: &str, en: &str) {
        self.list.push(AnswerIssue {
            question: self.q.id.clone(),
            row: None,
            reason: true,
            code: code.to_owned(),
            message: (if self.lang == "en" { en } else { zh }).to_owned(),
        });
    }
}

fn check_scale_value(v: &Value, scale: &Scale, unable: bool, row: Option<&str>, out: &mut Issues) {
    if v.as_str() == Some(UNABLE) {
        if !unable {
            out.push(
                "unable_not_allowed",
                row,
                "此题不能选择“无法评价”。",
                "“Unable to judge” is not allowed here.",
            );
        }
        return;
    }
    let (lo, hi) = (number_text(scale.min), number_text(scale.max));
    match v.as_f64() {
        Some(x) if scale.contains(x) => {}
        Some(x) if x >= scale.min && x <= scale.max => {
            let step = number_text(scale.step);
            out.push(
                "not_on_scale",
                row,
                &format!("请在 {lo} 到 {hi} 之间按 {step} 分一档选择。"),
                &format!("Choose a value from {lo} to {hi} in steps of {step}."),
            );
        }
        _ => out.push(
            "not_on_scale",
            row,
            &format!("请在 {lo} 到 {hi} 之间选择。"),
            &format!("Choose a value from {lo} to {hi}."),
        ),
    }
}

/// Whether `s` is the value of one of `options`. A scan, not a set: option lists are short,
/// and building a set per check cost the respondent's WASM a sort (docs/size.md).
pub(super) fn is_option(options: &[Choice], s: &str) -> bool {
    options.iter().any(|o| o.value == s)
}

/// Whether `items` name every distinct option value, each once (a complete ranking).
pub(super) fn ranks_all(items: &[&str], options: &[Choice]) -> bool {
    let distinct = options
        .iter()
        .enumerate()
        .filter(|(i, o)| !options[..*i].iter().any(|p| p.value == o.value))
        .count();
    items.len() == distinct
        && items
            .iter()
            .enumerate()
            .all(|(i, s)| is_option(options, s) && !items[..i].contains(s))
}

/// Whether an answer passes the checks of its question alone (no relevance, reason or
/// constraint), as [`evaluate`] applies them.
pub(crate) fn question_ok(q: &Question, value: Option<&Value>) -> bool {
    let mut list = Vec::new();
    check_question(
        q,
        value,
        &mut Issues {
            q,
            lang: "en",
            list: &mut list,
        },
    );
    list.is_empty()
}

// Inlined into `evaluate` as before `question_ok` (office only) became a second caller: keeps
// the respondent's WASM from growing. The checks of each kind below are inlined into it too,
// so that the code is the same as when they were one function.
#[inline(always)]
pub(super) fn check_question(q: &Question, value: Option<&Value>, out: &mut Issues) {
    if !is_answered(value) {
        if q.required {
            check_required(&q.kind, out);
        }
        return;
    }
    let Some(v) = value else { return };
    match &q.kind {
        QuestionKind::Single { options } => {
            if !v.as_str().is_some_and(|s| is_option(options, s)) {
                out.push(
                    "not_an_option",
                    None,
                    "所选答案不在选项中。",
                    "The answer is not one of the options.",
                );
            }
        }
        QuestionKind::Multiple {
            options,
            min_select,
            max_select,
        } => check_multiple(v, options, *min_select, *max_select, out),
        QuestionKind::Rating { scale } => check_scale_value(v, scale, q.unable, None, out),
        QuestionKind::Nps => check_scale_value(v, &Scale::nps(), q.unable, None, out),
        QuestionKind::Matrix {
            rows,
            scale,
            each_row_required,
        } => check_matrix(q, v, rows, scale, *each_row_required, out),
        QuestionKind::Number {
            min,
            max,
            step,
            decimals,
        } => check_number(v, *min, *max, *step, *decimals, out),
        QuestionKind::Text {
            min_length,
            max_length,
            pattern,
            pattern_message,
            ..
        } => check_text(
            v,
            *min_length,
            *max_length,
            pattern.as_deref(),
            pattern_message.as_ref(),
            out,
        ),
        QuestionKind::Ranking { options } => {
            let items: Vec<&str> = v
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            if !ranks_all(&items, options) {
                out.push(
                    "ranking_incomplete",
                    None,
                    "请把每个选项排列一次。",
                    "Put each option in order exactly once.",
                );
            }
        }
    }
}

/// A required question without an answer: what to ask for depends on its kind.
#[inline(always)]
fn check_required(kind: &QuestionKind, out: &mut Issues) {
    match kind {
        QuestionKind::Single { .. } | QuestionKind::Rating { .. } | QuestionKind::Nps => {
            out.push("required", None, "请选择一项。", "Choose an answer.")
        }
        QuestionKind::Multiple { .. } => out.push(
            "required",
            None,
            "请至少选择一项。",
            "Choose at least one option.",
        ),
        QuestionKind::Ranking { .. } => out.push(
            "required",
            None,
            "请排列所有选项。",
            "Put every option in order.",
        ),
        QuestionKind::Matrix { .. } => {
            out.push("required", None, "请对每一项作出评价。", "Rate every item.")
        }
        QuestionKind::Number { .. } | QuestionKind::Text { .. } => {
            out.push("required", None, "此题必填。", "This answer is required.")
        }
    }
}

fn wrong_type(out: &mut Issues) {
    out.push(
        "wrong_type",
        None,
        "答案格式不正确。",
        "The answer has the wrong form.",
    );
}

#[inline(always)]
fn check_multiple(
    v: &Value,
    options: &[Choice],
    min_select: Option<u32>,
    max_select: Option<u32>,
    out: &mut Issues,
) {
    let Some(items) = v.as_array() else {
        return wrong_type(out);
    };
    if items
        .iter()
        .any(|i| !i.as_str().is_some_and(|s| is_option(options, s)))
    {
        out.push(
            "not_an_option",
            None,
            "所选答案不在选项中。",
            "An answer is not one of the options.",
        );
    }
    let n = items.len() as u32;
    if let Some(min) = min_select.filter(|&m| n < m) {
        out.push(
            "too_few",
            None,
            &format!("请至少选择 {min} 项。"),
            &format!("Choose at least {min}."),
        );
    }
    if let Some(max) = max_select.filter(|&m| n > m) {
        out.push(
            "too_many",
            None,
            &format!("最多只能选择 {max} 项。"),
            &format!("Choose at most {max}."),
        );
    }
}

#[inline(always)]
fn check_matrix(
    q: &Question,
    v: &Value,
    rows: &[Choice],
    scale: &Scale,
    each_row_required: bool,
    out: &mut Issues,
) {
    let Some(map) = v.as_object() else {
        return wrong_type(out);
    };
    for key in map.keys() {
        if !rows.iter().any(|r| &r.value == key) {
            out.push(
                "unknown_row",
                Some(key),
                "此行不在题目中。",
                "This row is not part of the question.",
            );
        }
    }
    for row in rows {
        match map.get(&row.value) {
            Some(cell) if is_answered(Some(cell)) => {
                check_scale_value(cell, scale, q.unable, Some(&row.value), out)
            }
            _ if q.required && each_row_required => out.push(
                "row_required",
                Some(&row.value),
                &format!("请评价“{}”。", row.label.get("zh-CN")),
                &format!("Rate “{}”.", row.label.get("en")),
            ),
            _ => {}
        }
    }
}

#[inline(always)]
fn check_number(
    v: &Value,
    min: Option<f64>,
    max: Option<f64>,
    step: Option<f64>,
    decimals: Option<u32>,
    out: &mut Issues,
) {
    let Some(x) = v.as_f64() else {
        out.push("not_a_number", None, "请输入数字。", "Enter a number.");
        return;
    };
    if let Some(lo) = min.filter(|&lo| x < lo) {
        out.push(
            "too_small",
            None,
            &format!("不能小于 {}。", number_text(lo)),
            &format!("Must be at least {}.", number_text(lo)),
        );
    }
    if let Some(hi) = max.filter(|&hi| x > hi) {
        out.push(
            "too_large",
            None,
            &format!("不能大于 {}。", number_text(hi)),
            &format!("Must be at most {}.", number_text(hi)),
        );
    }
    if let Some(d) = decimals {
        let scaled = x * 10f64.powi(d as i32);
        if (scaled - scaled.round()).abs() > 1e-6 {
            if d == 0 {
                out.push("decimals", None, "请输入整数。", "Enter a whole number.");
            } else {
                out.push(
                    "decimals",
                    None,
                    &format!("最多保留 {d} 位小数。"),
                    &format!("Use at most {d} decimal places."),
                );
            }
        }
    }
    if let Some(s) = step.filter(|s| *s > 0.0) {
        let base = min.unwrap_or(0.0);
        let k = (x - base) / s;
        if (k - k.round()).abs() > 1e-6 {
            out.push(
                "step",
                None,
                &format!("数值须为 {} 的整数倍。", number_text(s)),
                &format!("Use steps of {}.", number_text(s)),
            );
        }
    }
}

#[inline(always)]
fn check_text(
    v: &Value,
    min_length: Option<u32>,
    max_length: Option<u32>,
    pattern: Option<&str>,
    pattern_message: Option<&Text>,
    out: &mut Issues,
) {
    let Some(s) = v.as_str() else {
        return wrong_type(out);
    };
    let n = s.trim().chars().count() as u32;
    if let Some(lo) = min_length.filter(|&lo| n < lo) {
        out.push(
            "too_short",
            None,
            &format!("至少需要 {lo} 个字。"),
            &format!("Use at least {lo} characters."),
        );
    }
    let too_long = max_length.filter(|&hi| n > hi);
    if let Some(hi) = too_long {
        out.push(
            "too_long",
            None,
            &format!("最多 {hi} 个字（现有 {n} 个）。"),
            &format!("Use at most {hi} characters (now {n})."),
        );
    }
    // A pattern that does not parse was reported by plan validation; it checks nothing.
    // An answer already too long is not matched (its length is the issue to fix).
    let parsed = pattern
        .filter(|_| too_long.is_none())
        .map(crate::pattern::Pattern::parse);
    if let Some(Ok(p)) = parsed {
        if !p.is_match(s.trim()) {
            match pattern_message {
                Some(m) => out.push_text("pattern", None, m),
                None => out.push(
                    "pattern",
                    None,
                    "答案格式不正确。",
                    "The answer is not in the expected format.",
                ),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choices(values: &[&str]) -> Vec<Choice> {
        values
            .iter()
            .map(|v| Choice {
                value: (*v).to_owned(),
                label: Text::default(),
            })
            .collect()
    }

    /// A ranking is complete when it names every option once: the set comparison it replaced
    /// (the same items as the options, no duplicates), case by case.
    #[test]
    fn a_ranking_names_every_option_once() {
        let opts = choices(&["p", "q", "r"]);
        assert!(ranks_all(&["r", "p", "q"], &opts));
        assert!(!ranks_all(&["p", "q"], &opts), "one missing");
        assert!(!ranks_all(&["p", "q", "q"], &opts), "a duplicate");
        assert!(!ranks_all(&["p", "q", "x"], &opts), "not an option");
        assert!(!ranks_all(&["p", "q", "r", "x"], &opts), "one too many");
        assert!(!ranks_all(&[], &opts));
        assert!(ranks_all(&[], &[]));
        // Options listed twice (a plan the checker refuses) count once, as a set did.
        assert!(ranks_all(&["p", "q"], &choices(&["p", "q", "p"])));
        assert!(is_option(&opts, "q") && !is_option(&opts, "Q"));
    }
}
