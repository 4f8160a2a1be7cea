//! Filling in a form: which sections and questions are shown, what is wrong with the answers,
//! how far the respondent has got. The pages call [`evaluate`] after every change.

use crate::expr::{self, Env};
use crate::plan::{Instrument, Question, QuestionKind, Scale};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// The answer value that means "unable to judge" (无法评价).
pub const UNABLE: &str = "unable";

/// What a respondent has entered so far.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Answers {
    /// Answer per question id. Single: `"value"`; multiple and ranking: `["a","b"]`; rating
    /// and NPS: a number or `"unable"`; matrix: `{"row": 4, "row2": "unable"}`; number: a
    /// number; text: a string.
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// Written reasons per question id (不满意须说明理由).
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

/// One thing to fix before the form can be submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AnswerIssue {
    /// The question, and for a matrix the row, the issue belongs to.
    pub question: String,
    #[serde(default)]
    pub row: Option<String>,
    /// `true` when the issue is about the written reason rather than the answer itself.
    #[serde(default)]
    pub reason: bool,
    pub code: String,
    /// The message in the requested language.
    pub message: String,
}

/// The state of a form after evaluating the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormState {
    /// Shown sections and questions, in order.
    pub sections: Vec<String>,
    pub questions: Vec<String>,
    /// Questions whose written reason is required now.
    pub reasons_required: Vec<String>,
    pub issues: Vec<AnswerIssue>,
    /// Shown questions with an answer, and the number of shown questions.
    pub answered: usize,
    pub total: usize,
    /// True when there is no issue: the form can be submitted.
    pub complete: bool,
}

struct AnswerEnv<'a> {
    values: &'a BTreeMap<String, Value>,
    hidden: &'a BTreeSet<String>,
    current: Option<&'a Value>,
}

impl Env for AnswerEnv<'_> {
    fn answer(&self, id: &str) -> Option<Value> {
        if self.hidden.contains(id) {
            return None;
        }
        self.values.get(id).cloned()
    }
    fn current(&self) -> Option<Value> {
        self.current.cloned()
    }
}

/// Whether an answer counts as given.
pub fn is_answered(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => o.values().any(|v| is_answered(Some(v))),
        Some(_) => true,
    }
}

fn relevant(src: Option<&String>, env: &AnswerEnv) -> bool {
    match src {
        None => true,
        // A plan that failed validation never reaches here; an unparsable condition shows the
        // question rather than hiding it, so no answer can be lost to a typo.
        Some(src) => expr::parse(src)
            .map(|e| e.eval(env).truthy())
            .unwrap_or(true),
    }
}

/// Evaluate the answers against an instrument, with messages in `lang`.
pub fn evaluate(ins: &Instrument, answers: &Answers, lang: &str) -> FormState {
    let mut hidden = BTreeSet::new();
    let mut sections = Vec::new();
    let mut shown: Vec<&Question> = Vec::new();
    for section in &ins.sections {
        let env = AnswerEnv {
            values: &answers.values,
            hidden: &hidden,
            current: None,
        };
        if !relevant(section.relevant.as_ref(), &env) {
            hidden.extend(section.questions.iter().map(|q| q.id.clone()));
            continue;
        }
        let mut any = false;
        for q in &section.questions {
            let env = AnswerEnv {
                values: &answers.values,
                hidden: &hidden,
                current: None,
            };
            if relevant(q.relevant.as_ref(), &env) {
                shown.push(q);
                any = true;
            } else {
                hidden.insert(q.id.clone());
            }
        }
        if any {
            sections.push(section.id.clone());
        }
    }
    let mut issues = Vec::new();
    let mut reasons_required = Vec::new();
    let mut answered = 0;
    for q in &shown {
        let value = answers.values.get(&q.id);
        if is_answered(value) {
            answered += 1;
        }
        let mut out = Issues {
            q,
            lang,
            list: &mut issues,
        };
        check_question(q, value, &mut out);
        if let Some(rule) = &q.reason {
            if needs_reason(q, value, rule.at_or_below) {
                reasons_required.push(q.id.clone());
                let given = answers
                    .reasons
                    .get(&q.id)
                    .map(|s| s.trim().chars().count())
                    .unwrap_or(0);
                let min = rule.min_length.unwrap_or(1) as usize;
                if given == 0 {
                    out.reason(
                        "reason_required",
                        "请填写不满意的理由。",
                        "Please give a reason.",
                    );
                } else if given < min {
                    out.reason(
                        "reason_too_short",
                        &format!("理由至少需要 {min} 个字。"),
                        &format!("The reason needs at least {min} characters."),
                    );
                }
            }
        }
        if is_answered(value)
            && !q.constraints.is_empty()
            && out.list.iter().all(|i| i.question != q.id)
        {
            for c in &q.constraints {
                let env = AnswerEnv {
                    values: &answers.values,
                    hidden: &hidden,
                    current: value,
                };
                let ok = expr::parse(&c.expr)
                    .map(|e| e.eval(&env).truthy())
                    .unwrap_or(true);
                if !ok {
                    out.push_text("constraint", None, &c.message);
                }
            }
        }
    }
    let complete = issues.is_empty();
    FormState {
        sections,
        questions: shown.iter().map(|q| q.id.clone()).collect(),
        reasons_required,
        issues,
        answered,
        total: shown.len(),
        complete,
    }
}

/// An answer of a draft, made under another version of the plan, that no longer fits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Dropped {
    pub question: String,
    /// Why, in zh-CN and en.
    pub reason: Text,
}

/// A draft's answers carried over to another version of the plan: what still fits, and the
/// rest listed (never dropped silently).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CarryOver {
    pub answers: Answers,
    pub dropped: Vec<Dropped>,
}

/// Whether `v` has the shape of an answer to `q` and names only its options, rows and scale
/// points. Checks a respondent can fix on the page (lengths, limits, counts) are not asked.
fn fits(q: &Question, v: &Value) -> bool {
    let strings = |a: &Vec<Value>, opts: &[crate::plan::Choice]| {
        let allowed = option_values(opts);
        a.iter()
            .all(|i| i.as_str().is_some_and(|s| allowed.contains(s)))
    };
    let point = |v: &Value, scale: &Scale| match v.as_f64() {
        Some(x) => scale.contains(x),
        None => q.unable && v.as_str() == Some(UNABLE),
    };
    match (&q.kind, v) {
        (QuestionKind::Single { options }, Value::String(s)) => {
            option_values(options).contains(s.as_str())
        }
        (QuestionKind::Multiple { options, .. }, Value::Array(a)) => strings(a, options),
        (QuestionKind::Ranking { options }, Value::Array(a)) => {
            strings(a, options) && a.len() == options.len()
        }
        (QuestionKind::Rating { scale }, _) => point(v, scale),
        (QuestionKind::Nps, _) => point(v, &Scale::nps()),
        (QuestionKind::Matrix { rows, scale, .. }, Value::Object(m)) => m.iter().all(|(k, c)| {
            rows.iter().any(|r| &r.value == k) && (!is_answered(Some(c)) || point(c, scale))
        }),
        (QuestionKind::Number { .. }, Value::Number(_)) => true,
        (QuestionKind::Text { .. }, Value::String(_)) => true,
        _ => false,
    }
}

/// Carry `answers`, made under another version of the plan, over to `ins`: an answer is kept
/// when its question still exists and the answer [`fits`] it (same type, its options, rows and
/// scale points still there); a written reason goes with its answer. Everything else is listed
/// in `dropped`, once per question.
pub fn carry_over(ins: &Instrument, answers: &Answers) -> CarryOver {
    // A linear search, not a map: forms have tens of questions, and a map's sorting code
    // costs the respondent's WASM kilobytes.
    let question = |id: &str| {
        ins.sections
            .iter()
            .flat_map(|s| &s.questions)
            .find(|q| q.id == id)
    };
    let mut kept = Answers::default();
    let mut dropped: Vec<Dropped> = Vec::new();
    fn drop(dropped: &mut Vec<Dropped>, id: &str, q: Option<&Question>) {
        if dropped.iter().any(|d| d.question == id) {
            return;
        }
        let reason = match q {
            None => Text::new(
                "问卷中已没有这道题。",
                "The question is no longer in the form.",
            ),
            Some(_) => Text::new(
                "这道题的题型或选项已改变，原来的答案不再适用。",
                "The question's type or options changed; the earlier answer no longer fits.",
            ),
        };
        dropped.push(Dropped {
            question: id.to_owned(),
            reason,
        });
    }
    for (id, v) in &answers.values {
        let q = question(id);
        match q {
            _ if !is_answered(Some(v)) => {}
            Some(q) if fits(q, v) => {
                kept.values.insert(id.clone(), v.clone());
            }
            _ => drop(&mut dropped, id, q),
        }
    }
    for (id, text) in &answers.reasons {
        let q = question(id);
        match q {
            _ if text.trim().is_empty() => {}
            Some(q) if q.reason.is_some() && !dropped.iter().any(|d| &d.question == id) => {
                kept.reasons.insert(id.clone(), text.clone());
            }
            _ => drop(&mut dropped, id, q),
        }
    }
    CarryOver {
        answers: kept,
        dropped,
    }
}

fn needs_reason(q: &Question, value: Option<&Value>, at_or_below: f64) -> bool {
    match (&q.kind, value) {
        (QuestionKind::Matrix { .. }, Some(Value::Object(rows))) => rows
            .values()
            .any(|v| v.as_f64().is_some_and(|x| x <= at_or_below)),
        (_, Some(v)) => v.as_f64().is_some_and(|x| x <= at_or_below),
        _ => false,
    }
}

struct Issues<'a> {
    q: &'a Question,
    lang: &'a str,
    list: &'a mut Vec<AnswerIssue>,
}

impl Issues<'_> {
    fn push(&mut self, code: &str, row: Option<&str>, zh: &str, en: &str) {
        let message = if self.lang == "en" { en } else { zh };
        self.push_message(code, row, message);
    }
    fn push_text(&mut self, code: &str, row: Option<&str>, message: &Text) {
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
    fn reason(&mut self, code: &str, zh: &str, en: &str) {
        self.list.push(AnswerIssue {
            question: self.q.id.clone(),
            row: None,
            reason: true,
            code: code.to_owned(),
            message: (if self.lang == "en" { en } else { zh }).to_owned(),
        });
    }
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
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
    let (lo, hi) = (fmt_num(scale.min), fmt_num(scale.max));
    match v.as_f64() {
        Some(x) if scale.contains(x) => {}
        Some(x) if x >= scale.min && x <= scale.max => {
            let step = fmt_num(scale.step);
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

fn option_values(options: &[crate::plan::Choice]) -> BTreeSet<&str> {
    options.iter().map(|o| o.value.as_str()).collect()
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
// the respondent's WASM from growing.
#[inline(always)]
fn check_question(q: &Question, value: Option<&Value>, out: &mut Issues) {
    if !is_answered(value) {
        if q.required {
            match &q.kind {
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
        return;
    }
    let Some(v) = value else { return };
    match &q.kind {
        QuestionKind::Single { options } => {
            if !v
                .as_str()
                .is_some_and(|s| option_values(options).contains(s))
            {
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
        } => {
            let Some(items) = v.as_array() else {
                out.push(
                    "wrong_type",
                    None,
                    "答案格式不正确。",
                    "The answer has the wrong form.",
                );
                return;
            };
            let allowed = option_values(options);
            if items
                .iter()
                .any(|i| !i.as_str().is_some_and(|s| allowed.contains(s)))
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
        QuestionKind::Rating { scale } => check_scale_value(v, scale, q.unable, None, out),
        QuestionKind::Nps => check_scale_value(v, &Scale::nps(), q.unable, None, out),
        QuestionKind::Matrix {
            rows,
            scale,
            each_row_required,
        } => {
            let Some(map) = v.as_object() else {
                out.push(
                    "wrong_type",
                    None,
                    "答案格式不正确。",
                    "The answer has the wrong form.",
                );
                return;
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
                    _ if q.required && *each_row_required => out.push(
                        "row_required",
                        Some(&row.value),
                        &format!("请评价“{}”。", row.label.get("zh-CN")),
                        &format!("Rate “{}”.", row.label.get("en")),
                    ),
                    _ => {}
                }
            }
        }
        QuestionKind::Number {
            min,
            max,
            step,
            decimals,
        } => {
            let Some(x) = v.as_f64() else {
                out.push("not_a_number", None, "请输入数字。", "Enter a number.");
                return;
            };
            if let Some(lo) = min.filter(|&lo| x < lo) {
                out.push(
                    "too_small",
                    None,
                    &format!("不能小于 {}。", fmt_num(lo)),
                    &format!("Must be at least {}.", fmt_num(lo)),
                );
            }
            if let Some(hi) = max.filter(|&hi| x > hi) {
                out.push(
                    "too_large",
                    None,
                    &format!("不能大于 {}。", fmt_num(hi)),
                    &format!("Must be at most {}.", fmt_num(hi)),
                );
            }
            if let Some(d) = decimals {
                let scaled = x * 10f64.powi(*d as i32);
                if (scaled - scaled.round()).abs() > 1e-6 {
                    if *d == 0 {
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
                        &format!("数值须为 {} 的整数倍。", fmt_num(s)),
                        &format!("Use steps of {}.", fmt_num(s)),
                    );
                }
            }
        }
        QuestionKind::Text {
            min_length,
            max_length,
            pattern,
            pattern_message,
            ..
        } => {
            let Some(s) = v.as_str() else {
                out.push(
                    "wrong_type",
                    None,
                    "答案格式不正确。",
                    "The answer has the wrong form.",
                );
                return;
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
                .as_deref()
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
        QuestionKind::Ranking { options } => {
            let items: Vec<&str> = v
                .as_array()
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let given: BTreeSet<&str> = items.iter().copied().collect();
            if given.len() != items.len() || given != option_values(options) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn instrument(questions: Value) -> Instrument {
        serde_json::from_value(json!({
            "id": "public", "kind": "survey", "title": {"zh-CN": "问卷"},
            "sections": [{"id": "s", "title": {"zh-CN": "一"}, "questions": questions}]
        }))
        .unwrap()
    }

    fn choice(v: &str) -> Value {
        json!({"value": v, "label": {"zh-CN": v}})
    }

    fn scale(max: u32) -> Value {
        json!({"min": 1, "max": max, "points": [{"value": 1, "label": {"zh-CN": "低"}}]})
    }

    /// The instrument of the "new" plan: what the draft is carried over to.
    fn new_plan() -> Instrument {
        instrument(json!([
            {"id": "district", "type": "single", "label": {"zh-CN": "区"}, "options": [choice("a"), choice("b")]},
            {"id": "topics", "type": "multiple", "label": {"zh-CN": "话题"}, "options": [choice("x"), choice("y")], "max_select": 1},
            {"id": "order", "type": "ranking", "label": {"zh-CN": "排序"}, "options": [choice("x"), choice("y"), choice("z")]},
            {"id": "overall", "type": "rating", "label": {"zh-CN": "总体"}, "scale": scale(5), "unable": true,
             "reason": {"at_or_below": 2, "label": {"zh-CN": "理由"}}},
            {"id": "nps", "type": "nps", "label": {"zh-CN": "推荐"}},
            {"id": "grid", "type": "matrix", "label": {"zh-CN": "矩阵"}, "rows": [choice("r1"), choice("r2")], "scale": scale(5)},
            {"id": "years", "type": "number", "label": {"zh-CN": "年"}, "max": 10},
            {"id": "note", "type": "text", "label": {"zh-CN": "备注"}, "max_length": 3}
        ]))
    }

    fn answers(values: Value, reasons: Value) -> Answers {
        serde_json::from_value(json!({"values": values, "reasons": reasons})).unwrap()
    }

    fn dropped_ids(c: &CarryOver) -> Vec<&str> {
        c.dropped.iter().map(|d| d.question.as_str()).collect()
    }

    #[test]
    fn answers_that_still_fit_are_carried_over_whole() {
        let a = answers(
            json!({"district": "b", "topics": ["x", "y"], "order": ["z", "x", "y"], "overall": "unable",
                   "nps": 7, "grid": {"r1": 5, "r2": ""}, "years": 40, "note": "far too long"}),
            json!({"overall": "太远"}),
        );
        let c = carry_over(&new_plan(), &a);
        // Too many choices, a number over its maximum, a text over its length: the respondent
        // fixes those on the page, so they are kept. Empty matrix cells mean "not answered".
        assert_eq!(dropped_ids(&c), Vec::<&str>::new());
        assert_eq!(c.answers, a);
    }

    #[test]
    fn answers_that_no_longer_fit_are_listed_with_a_reason() {
        let a = answers(
            json!({"district": "c", "topics": ["x", "w"], "order": ["x", "y"], "overall": 6, "nps": 11,
                   "grid": {"r1": 3, "r9": 2}, "years": "12", "note": 5, "gone": "a", "blank": ""}),
            json!({"overall": "理由", "gone": "理由", "district": "  "}),
        );
        let c = carry_over(&new_plan(), &a);
        assert!(c.answers.values.is_empty(), "{:?}", c.answers);
        assert!(
            c.answers.reasons.is_empty(),
            "the reason goes with its dropped answer"
        );
        let mut ids = dropped_ids(&c);
        ids.sort();
        assert_eq!(
            ids,
            ["district", "gone", "grid", "note", "nps", "order", "overall", "topics", "years"]
        );
        let gone = c.dropped.iter().find(|d| d.question == "gone").unwrap();
        assert_eq!(
            gone.reason.get("en"),
            "The question is no longer in the form."
        );
        assert_eq!(gone.reason.get("zh-CN"), "问卷中已没有这道题。");
        let changed = c.dropped.iter().find(|d| d.question == "district").unwrap();
        assert!(changed.reason.get("en").contains("type or options changed"));
    }

    #[test]
    fn unable_and_reasons_follow_the_new_question() {
        let strict = instrument(json!([
            {"id": "overall", "type": "rating", "label": {"zh-CN": "总体"}, "scale": scale(5)},
            {"id": "district", "type": "single", "label": {"zh-CN": "区"}, "options": [choice("a")]}
        ]));
        let a = answers(
            json!({"overall": "unable", "district": "a"}),
            json!({"district": "旧理由"}),
        );
        let c = carry_over(&strict, &a);
        assert_eq!(c.answers.values.get("district"), Some(&json!("a")));
        assert_eq!(
            c.answers.values.get("overall"),
            None,
            "unable is not allowed any more"
        );
        // The reason's question no longer asks for one: listed, not kept.
        assert_eq!(dropped_ids(&c), ["overall", "district"]);
    }

    #[test]
    fn a_type_change_drops_the_answer() {
        let retyped = instrument(json!([
            {"id": "district", "type": "multiple", "label": {"zh-CN": "区"}, "options": [choice("a")]},
            {"id": "note", "type": "number", "label": {"zh-CN": "备注"}}
        ]));
        let a = answers(json!({"district": "a", "note": "7 years"}), json!({}));
        let c = carry_over(&retyped, &a);
        assert!(c.answers.values.is_empty());
        assert_eq!(dropped_ids(&c), ["district", "note"]);
    }
}
