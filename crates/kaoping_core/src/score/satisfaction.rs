//! The satisfaction question's answers in each unit with their shares, as the office page's
//! unit dialog draws them (a bar chart and a table). Computed here from a finished
//! [`EvaluationResult`] rather than stored in it, so `result.json` stays as it is; so is the
//! confidence level the dialog's intervals are given at ([`unit_confidence`]).

use super::result::EvaluationResult;
use crate::text::Text;
use serde::Serialize;

/// One answer to the satisfaction question in one unit.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct AnswerShare {
    /// Its score (0–100).
    pub value: f64,
    /// How many respondents gave it.
    pub count: u64,
    /// `count` over all answers of the unit to the question (0–1, not rounded: the page
    /// shows it as a percentage with its usual digits).
    pub share: f64,
    /// The answer given (the scale point), when exactly one point has that score.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<f64>,
    /// That answer's label in the plan, when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<Text>,
}

/// A unit's answers to the satisfaction question (the rules' `public.satisfaction_question`).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct SatisfactionAnswers {
    pub unit: String,
    /// The question's id.
    pub question: String,
    /// Every score given, highest first.
    pub answers: Vec<AnswerShare>,
}

/// The satisfaction question's answers of every unit that has any, in the result's unit
/// order; none when the rules name no satisfaction question.
pub fn satisfaction_answers(result: &EvaluationResult) -> Vec<SatisfactionAnswers> {
    let Some(question) = &result.rules.public.satisfaction_question else {
        return Vec::new();
    };
    result
        .units
        .iter()
        .filter_map(|u| {
            let item = u
                .components
                .public
                .items
                .iter()
                .find(|it| it.item == *question && !it.distribution.is_empty())?;
            let total: u64 = item.distribution.iter().map(|d| d.count).sum();
            let answers = item
                .distribution
                .iter()
                .rev()
                .map(|d| AnswerShare {
                    value: d.value,
                    count: d.count,
                    share: if total == 0 {
                        0.0
                    } else {
                        d.count as f64 / total as f64
                    },
                    answer: d.answer,
                    label: d.label.clone(),
                })
                .collect();
            Some(SatisfactionAnswers {
                unit: u.unit.clone(),
                question: question.clone(),
                answers,
            })
        })
        .collect()
}

/// The confidence level of the intervals shown in a unit's view: that of its first component
/// with an interval (indicators, expert, public, leadership, the order the view lists them
/// in), else the rules' level (`scoring.confidence`), so that a unit with no interval still
/// says at what level one would be given.
pub fn unit_confidence(result: &EvaluationResult, unit: &super::result::UnitResult) -> f64 {
    let c = &unit.components;
    [
        &c.indicators.summary,
        &c.expert.summary,
        &c.public.summary,
        &c.leadership,
    ]
    .iter()
    .find_map(|s| s.interval.as_ref())
    .map_or(result.rules.confidence, |i| i.level)
}

/// [`unit_confidence`] of every unit, by unit id.
pub fn unit_confidences(result: &EvaluationResult) -> std::collections::BTreeMap<String, f64> {
    result
        .units
        .iter()
        .map(|u| (u.unit.clone(), unit_confidence(result, u)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{demo_inputs, evaluate};

    #[test]
    fn every_unit_has_its_answers_highest_first_with_shares_of_its_total() {
        let result = evaluate(&crate::plan::demo_plan(), &demo_inputs(7, 400)).unwrap();
        let charts = satisfaction_answers(&result);
        let question = result.rules.public.satisfaction_question.clone().unwrap();
        assert!(!charts.is_empty());
        for c in &charts {
            assert_eq!(c.question, question);
            let unit = result.units.iter().find(|u| u.unit == c.unit).unwrap();
            let item = unit
                .components
                .public
                .items
                .iter()
                .find(|i| i.item == question)
                .unwrap();
            let total: u64 = item.distribution.iter().map(|d| d.count).sum();
            assert_eq!(c.answers.len(), item.distribution.len());
            assert!(c.answers.windows(2).all(|w| w[0].value > w[1].value));
            for a in &c.answers {
                assert_eq!(a.share, a.count as f64 / total as f64);
            }
            let sum: f64 = c.answers.iter().map(|a| a.share).sum();
            assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        }
        // No satisfaction question: nothing to draw.
        let mut none = result.clone();
        none.rules.public.satisfaction_question = None;
        assert_eq!(satisfaction_answers(&none), vec![]);
    }

    #[test]
    fn a_unit_is_shown_at_its_first_intervals_level_else_the_rules() {
        let mut result = evaluate(&crate::plan::demo_plan(), &demo_inputs(7, 400)).unwrap();
        result.rules.confidence = 0.9;
        let u = &mut result.units[0];
        let c = &mut u.components;
        for s in [
            &mut c.indicators.summary,
            &mut c.expert.summary,
            &mut c.public.summary,
            &mut c.leadership,
        ] {
            s.interval = None;
        }
        let unit = u.unit.clone();
        assert_eq!(unit_confidences(&result)[&unit], 0.9);
        let interval = |level| crate::stats::interval::Interval {
            estimate: 80.0,
            lower: 70.0,
            upper: 90.0,
            level,
            n: 10,
        };
        let c = &mut result.units[0].components;
        c.leadership.interval = Some(interval(0.8));
        assert_eq!(unit_confidences(&result)[&unit], 0.8);
        result.units[0].components.expert.summary.interval = Some(interval(0.99));
        assert_eq!(unit_confidences(&result)[&unit], 0.99);
        result.units[0].components.indicators.summary.interval = Some(interval(0.5));
        assert_eq!(unit_confidences(&result)[&unit], 0.5);
        assert_eq!(unit_confidences(&result).len(), result.units.len());
    }
}
