//! Answers a portal knows before the respondent starts (the embedded form's `prefill`, say the
//! district): checked like any answer before the form takes them, and named in the record
//! (`prefilled`) while they stay as the portal gave them.

use crate::form::{evaluate, is_answered, Answers};
use crate::plan::Instrument;
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A prefilled answer the form cannot take, and why, in both languages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PrefillIssue {
    /// The question id the portal gave.
    pub question: String,
    /// For a matrix question, the row the issue is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub row: Option<String>,
    /// `prefill_unknown_question`, `prefill_empty`, or the code of the answer's own check
    /// (`not_an_option`, `not_on_scale`, `constraint`, …).
    pub code: String,
    pub message: Text,
}

/// Check the portal's `prefill` (answer per question id) against instrument `ins`, with the
/// respondent's answers so far (`answers`: a constraint may read them): every problem, none when
/// the form may take them all. A value is checked as the form checks an answer (`evaluate`, in
/// both languages), so a prefilled answer is valid exactly when a typed one would be; one to a
/// question that other answers hide is kept unchecked, as a typed one is.
pub fn check_prefill(
    ins: &Instrument,
    answers: &Answers,
    prefill: &BTreeMap<String, Value>,
) -> Vec<PrefillIssue> {
    let mut issues = Vec::new();
    let mut merged = answers.clone();
    for (id, value) in prefill {
        let (code, zh, en) = if !ins.questions().any(|q| &q.id == id) {
            (
                "prefill_unknown_question",
                format!("问卷“{}”中没有题目“{id}”，无法预填。", ins.id),
                format!(
                    "The instrument \"{}\" has no question \"{id}\" to prefill.",
                    ins.id
                ),
            )
        } else if !is_answered(Some(value)) {
            (
                "prefill_empty",
                format!("题目“{id}”的预填答案为空。"),
                format!("The prefilled answer to question \"{id}\" is empty."),
            )
        } else {
            merged.values.insert(id.clone(), value.clone());
            continue;
        };
        issues.push(PrefillIssue {
            question: id.clone(),
            row: None,
            code: code.to_owned(),
            message: Text::new(&zh, &en),
        });
    }
    let zh = evaluate(ins, &merged, "zh-CN").issues;
    let en = evaluate(ins, &merged, "en").issues;
    for (zh, en) in zh.into_iter().zip(en) {
        // A missing written reason is the respondent's to give, not a fault of the value.
        if zh.reason || !issues_about(prefill, &zh.question) {
            continue;
        }
        issues.push(PrefillIssue {
            message: Text::new(&zh.message, &en.message),
            question: zh.question,
            row: zh.row,
            code: zh.code,
        });
    }
    issues
}

fn issues_about(prefill: &BTreeMap<String, Value>, question: &str) -> bool {
    prefill.get(question).is_some_and(|v| is_answered(Some(v)))
}

/// The ids of the record's `answers` that are still the value the portal prefilled, in id order.
pub(super) fn still_prefilled(
    prefill: &BTreeMap<String, Value>,
    answers: &BTreeMap<String, Value>,
) -> Vec<String> {
    prefill
        .iter()
        .filter(|(id, v)| answers.get(*id) == Some(*v))
        .map(|(id, _)| id.clone())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{build_form_record, verify_record, Submission};
    use serde_json::json;

    fn public() -> crate::plan::FormPlan {
        crate::plan::FormPlan::of(&crate::plan::demo_plan())
    }

    fn prefill(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_valid_prefill_has_no_issue() {
        let form = public();
        let ins = form.instrument("public").unwrap();
        let p = prefill(json!({"district": "hanyang"}));
        assert_eq!(check_prefill(ins, &Answers::default(), &p), []);
    }

    #[test]
    fn every_invalid_value_is_named_in_both_languages() {
        let form = public();
        let ins = form.instrument("public").unwrap();
        let p = prefill(
            json!({"district": "atlantis", "nope": "x", "age_group": "  ", "years_resident": 150}),
        );
        let issues = check_prefill(ins, &Answers::default(), &p);
        let codes: Vec<(&str, &str)> = issues
            .iter()
            .map(|i| (i.question.as_str(), i.code.as_str()))
            .collect();
        assert_eq!(
            codes,
            [
                ("age_group", "prefill_empty"),
                ("nope", "prefill_unknown_question"),
                ("district", "not_an_option"),
                ("years_resident", "too_large"),
            ]
        );
        for i in &issues {
            let (zh, en) = (i.message.get("zh-CN"), i.message.get("en"));
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{i:?}");
        }
        assert!(issues[1].message.get("en").contains("\"nope\""));
        assert!(issues[1].message.get("zh-CN").contains("“nope”"));
    }

    /// The demo's public survey, answered whole, with `district` and `age_group` prefilled.
    fn answered(prefilled_district: &str) -> Submission {
        let form = public();
        let ins = form.instrument("public").unwrap();
        let mut answers = Answers::default();
        for q in ins.questions() {
            let v = match &q.kind {
                crate::plan::QuestionKind::Single { options } => json!(options[0].value),
                crate::plan::QuestionKind::Multiple { options, .. } => json!([options[0].value]),
                crate::plan::QuestionKind::Matrix { rows, .. } => json!(rows
                    .iter()
                    .map(|r| (r.value.clone(), json!(3)))
                    .collect::<BTreeMap<_, _>>()),
                crate::plan::QuestionKind::Text { .. } => continue,
                _ => json!(3),
            };
            answers.values.insert(q.id.clone(), v);
        }
        answers.values.insert("district".into(), json!("hanyang"));
        Submission {
            instrument: "public".into(),
            respondent_id: "r1".into(),
            reviewer: false,
            started_ms: 0.0,
            submitted_ms: 600_000.0,
            lang: "zh-CN".into(),
            answers,
            earlier_submissions: 0,
            code: None,
            prefill: prefill(json!({"district": prefilled_district, "age_group": "18-29"})),
        }
    }

    #[test]
    fn the_record_names_the_answers_still_as_prefilled() {
        let form = public();
        let mut sub = answered("hanyang");
        sub.answers
            .values
            .insert("age_group".into(), json!("30-44"));
        let rec = build_form_record(&form, &sub).unwrap_or_else(|e| panic!("{e}"));
        // `age_group` was changed by the respondent: no longer the portal's answer.
        assert_eq!(rec.prefilled, ["district"]);
        assert!(verify_record(&rec));
        let mut tampered = rec.clone();
        tampered.prefilled.clear();
        assert!(!verify_record(&tampered), "the checksum covers `prefilled`");
        let mut none = answered("jiangan");
        none.prefill.remove("age_group");
        let rec = build_form_record(&form, &none).unwrap();
        assert!(rec.prefilled.is_empty());
        let text = serde_json::to_string(&rec).unwrap();
        assert!(!text.contains("prefilled"), "left out when none: {text}");
    }
}
