//! The JSON form of a question: common fields and the kind's fields side by side, with
//! `"type"` naming the kind. Converting by hand (instead of serde's flatten + internal tag)
//! keeps the WASM small and gives one clear error per missing field.

use super::{Choice, Constraint, Question, QuestionKind, ReasonRule, Scale};
use crate::text::Text;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A question as written in the plan.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
pub struct RawQuestion {
    pub id: String,
    /// single, multiple, rating, matrix, number, text, ranking or nps.
    #[serde(rename = "type")]
    pub kind: String,
    pub label: Text,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    /// Show the question only when this expression is true (see `docs/expressions.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relevant: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub constraints: Vec<Constraint>,
    /// Offer "unable to judge" (无法评价); such answers are excluded from scores, not zero.
    #[serde(default)]
    pub unable: bool,
    /// 不满意须说明理由: a written reason when a rating is at or below a value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<ReasonRule>,
    /// single, multiple, ranking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<Choice>>,
    /// multiple.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_select: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_select: Option<u32>,
    /// rating, matrix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scale: Option<Scale>,
    /// matrix: the items (or units) rated on the scale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rows: Option<Vec<Choice>>,
    /// matrix: every shown row must be answered when the question is required (default true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub each_row_required: Option<bool>,
    /// number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u32>,
    /// text: a multi-line answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub long: Option<bool>,
    /// text: the whole answer must match this pattern, e.g. `1[3-9]\\d{9}` (`kaoping_core::pattern`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern: Option<String>,
    /// text: the message shown when the pattern does not match.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pattern_message: Option<Text>,
}

impl TryFrom<RawQuestion> for Question {
    type Error = String;

    fn try_from(r: RawQuestion) -> Result<Self, String> {
        let need = |what: &str| format!("a \"{}\" question needs \"{what}\"", r.kind);
        let kind = match r.kind.as_str() {
            "single" => QuestionKind::Single {
                options: r.options.clone().ok_or_else(|| need("options"))?,
            },
            "multiple" => QuestionKind::Multiple {
                options: r.options.clone().ok_or_else(|| need("options"))?,
                min_select: r.min_select,
                max_select: r.max_select,
            },
            "ranking" => QuestionKind::Ranking {
                options: r.options.clone().ok_or_else(|| need("options"))?,
            },
            "rating" => QuestionKind::Rating {
                scale: r.scale.clone().ok_or_else(|| need("scale"))?,
            },
            "matrix" => QuestionKind::Matrix {
                rows: r.rows.clone().ok_or_else(|| need("rows"))?,
                scale: r.scale.clone().ok_or_else(|| need("scale"))?,
                each_row_required: r.each_row_required.unwrap_or(true),
            },
            "number" => QuestionKind::Number {
                min: r.min,
                max: r.max,
                step: r.step,
                decimals: r.decimals,
            },
            "text" => QuestionKind::Text {
                min_length: r.min_length,
                max_length: r.max_length,
                long: r.long.unwrap_or(false),
                pattern: r.pattern.clone(),
                pattern_message: r.pattern_message.clone(),
            },
            "nps" => QuestionKind::Nps,
            other => return Err(format!("unknown question type \"{other}\"")),
        };
        Ok(Question {
            id: r.id,
            kind,
            label: r.label,
            help: r.help,
            required: r.required,
            relevant: r.relevant,
            constraints: r.constraints,
            unable: r.unable,
            reason: r.reason,
        })
    }
}

impl From<Question> for RawQuestion {
    fn from(q: Question) -> Self {
        let mut r = RawQuestion {
            id: q.id,
            kind: q.kind.name().to_owned(),
            label: q.label,
            help: q.help,
            required: q.required,
            relevant: q.relevant,
            constraints: q.constraints,
            unable: q.unable,
            reason: q.reason,
            options: None,
            min_select: None,
            max_select: None,
            scale: None,
            rows: None,
            each_row_required: None,
            min: None,
            max: None,
            step: None,
            decimals: None,
            min_length: None,
            max_length: None,
            long: None,
            pattern: None,
            pattern_message: None,
        };
        match q.kind {
            QuestionKind::Single { options } | QuestionKind::Ranking { options } => {
                r.options = Some(options)
            }
            QuestionKind::Multiple {
                options,
                min_select,
                max_select,
            } => {
                r.options = Some(options);
                r.min_select = min_select;
                r.max_select = max_select;
            }
            QuestionKind::Rating { scale } => r.scale = Some(scale),
            QuestionKind::Matrix {
                rows,
                scale,
                each_row_required,
            } => {
                r.rows = Some(rows);
                r.scale = Some(scale);
                r.each_row_required = Some(each_row_required);
            }
            QuestionKind::Number {
                min,
                max,
                step,
                decimals,
            } => {
                r.min = min;
                r.max = max;
                r.step = step;
                r.decimals = decimals;
            }
            QuestionKind::Text {
                min_length,
                max_length,
                long,
                pattern,
                pattern_message,
            } => {
                r.min_length = min_length;
                r.max_length = max_length;
                r.long = Some(long);
                r.pattern = pattern;
                r.pattern_message = pattern_message;
            }
            QuestionKind::Nps => {}
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_demo_question_round_trips_through_json() {
        for ins in crate::plan::demo_plan().instruments {
            for q in ins.questions() {
                let json = serde_json::to_value(q).unwrap();
                assert_eq!(json["type"], q.kind.name());
                let back: Question = serde_json::from_value(json).unwrap();
                assert_eq!(&back, q);
            }
        }
    }

    #[test]
    fn a_missing_kind_field_is_named() {
        let err = serde_json::from_str::<Question>(
            r#"{"id":"q","type":"matrix","label":{},"scale":{"min":1,"max":5,"points":[]}}"#,
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("a \"matrix\" question needs \"rows\""),
            "{err}"
        );
    }
}
