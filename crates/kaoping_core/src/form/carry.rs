//! A draft's answers carried over to another version of the plan: what still fits is kept,
//! the rest listed with its reason (issue 13: a draft is never dropped silently).

use super::check::is_option;
use super::{is_answered, Answers, UNABLE};
use crate::plan::{Instrument, Question, QuestionKind, Scale};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;

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
        a.iter()
            .all(|i| i.as_str().is_some_and(|s| is_option(opts, s)))
    };
    let point = |v: &Value, scale: &Scale| match v.as_f64() {
        Some(x) => scale.contains(x),
        None => q.unable && v.as_str() == Some(UNABLE),
    };
    match (&q.kind, v) {
        (QuestionKind::Single { options }, Value::String(s)) => is_option(options, s),
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
