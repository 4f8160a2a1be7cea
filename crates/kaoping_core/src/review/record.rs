//! The record of a complete review or site-check sheet.

use super::{
    cell_key, evaluate_layout, ReviewAnswers, ReviewIssue, ReviewSheetLayout, ReviewSubmission,
    SheetKind,
};
use crate::form::{is_answered, AnswerIssue};
use crate::plan::Plan;
use crate::record::{rfc3339, seal, QualityFlags, RecordError, ResponseRecord};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Build the record of a complete review sheet. `answers` holds `group` (when the sheet has
/// groups), `recused` and `scores` of the cells still on the sheet; comments go to `reasons`
/// keyed `"unit/indicator"`; scores and comments typed for recused units are kept in
/// `hidden_answers`.
/// `layout` is that of `sub.instrument` ([`crate::track::sheet::build_review_record`] finds it
/// by id).
pub fn build_record(
    plan: &Plan,
    plan_sha256: &str,
    layout: &ReviewSheetLayout,
    sub: &ReviewSubmission,
) -> Result<ResponseRecord, RecordError> {
    let state = evaluate_layout(layout, &sub.answers, &sub.lang);
    if !state.complete {
        return Err(RecordError::Incomplete(answer_issues(&state.issues)));
    }
    let a = &sub.answers;
    let recused: BTreeSet<&str> = a.recused.iter().map(String::as_str).collect();
    let cells = sort_cells(layout, a, &recused);
    let mut answers = BTreeMap::new();
    if !layout.groups.is_empty() {
        if let Some(g) = &a.group {
            answers.insert("group".to_owned(), Value::String(g.trim().to_owned()));
        }
    }
    if layout.kind == SheetKind::SiteCheck {
        if let Some(q) = &a.quarter {
            answers.insert("quarter".to_owned(), Value::String(q.trim().to_owned()));
        }
    }
    // In sheet order, so the record does not depend on the order of ticking.
    let recused_list: Vec<Value> = layout
        .categories
        .iter()
        .flat_map(|c| c.units.iter())
        .filter(|u| recused.contains(u.id.as_str()))
        .map(|u| Value::String(u.id.clone()))
        .collect();
    answers.insert("recused".to_owned(), Value::Array(recused_list));
    answers.insert("scores".to_owned(), Value::Object(cells.scores));
    let mut hidden_answers = BTreeMap::new();
    if !cells.hidden_scores.is_empty() {
        hidden_answers.insert("scores".to_owned(), Value::Object(cells.hidden_scores));
    }
    if !cells.hidden_comments.is_empty() {
        hidden_answers.insert("comments".to_owned(), Value::Object(cells.hidden_comments));
    }
    Ok(seal(ResponseRecord {
        format: String::new(),
        plan_id: plan.id.clone(),
        plan_version: plan.version.clone(),
        plan_sha256: plan_sha256.to_owned(),
        instrument: layout.instrument.clone(),
        respondent_id: a.reviewer.trim().to_owned(),
        reviewer: true,
        started_at: rfc3339(sub.started_ms),
        submitted_at: rfc3339(sub.submitted_ms),
        lang: sub.lang.clone(),
        answers,
        reasons: cells.reasons,
        hidden_answers,
        quality: quality(layout, sub, &cells.numbers),
        engine_version: String::new(),
        checksum: String::new(),
        #[cfg(feature = "trust")]
        signed: None,
        code: None,
        prefilled: Vec::new(),
    }))
}

/// The sheet's issues as a form's, for [`RecordError::Incomplete`]: a cell's question is its
/// `"unit/indicator"` key, a comment's issue is about the reason.
fn answer_issues(issues: &[ReviewIssue]) -> Vec<AnswerIssue> {
    issues
        .iter()
        .map(|i| AnswerIssue {
            question: match (&i.unit, &i.indicator) {
                (Some(u), Some(ind)) => cell_key(u, ind),
                _ => i.field.clone(),
            },
            row: None,
            reason: i.field == "comment",
            code: i.code.clone(),
            message: i.message.clone(),
        })
        .collect()
}

/// The scored cells of a complete sheet, sorted into the record's parts.
struct SortedCells {
    /// Scores per unit still on the sheet, and per recused unit.
    scores: Map<String, Value>,
    hidden_scores: Map<String, Value>,
    /// Comments keyed `"unit/indicator"` of units still on the sheet, and of recused units.
    reasons: BTreeMap<String, String>,
    hidden_comments: Map<String, Value>,
    /// The numeric scores of units still on the sheet, in sheet order.
    numbers: Vec<f64>,
}

fn sort_cells(
    layout: &ReviewSheetLayout,
    a: &ReviewAnswers,
    recused: &BTreeSet<&str>,
) -> SortedCells {
    let mut out = SortedCells {
        scores: Map::new(),
        hidden_scores: Map::new(),
        reasons: BTreeMap::new(),
        hidden_comments: Map::new(),
        numbers: Vec::new(),
    };
    for unit in layout.categories.iter().flat_map(|c| c.units.iter()) {
        let mut row = Map::new();
        for ind in &unit.indicators {
            let Some(v) = a
                .scores
                .get(&unit.id)
                .and_then(|m| m.get(ind))
                .filter(|v| is_answered(Some(v)))
            else {
                continue;
            };
            row.insert(ind.clone(), v.clone());
            if let Some(c) = a
                .comments
                .get(&cell_key(&unit.id, ind))
                .filter(|c| !c.trim().is_empty())
            {
                if recused.contains(unit.id.as_str()) {
                    out.hidden_comments
                        .insert(cell_key(&unit.id, ind), Value::String(c.clone()));
                } else {
                    out.reasons.insert(cell_key(&unit.id, ind), c.clone());
                }
            }
        }
        if row.is_empty() {
            continue;
        }
        if recused.contains(unit.id.as_str()) {
            out.hidden_scores
                .insert(unit.id.clone(), Value::Object(row));
        } else {
            out.numbers.extend(row.values().filter_map(Value::as_f64));
            out.scores.insert(unit.id.clone(), Value::Object(row));
        }
    }
    out
}

/// The record's quality flags: time taken, speeder, one score on every cell, repeat.
fn quality(layout: &ReviewSheetLayout, sub: &ReviewSubmission, numbers: &[f64]) -> QualityFlags {
    let duration_seconds = ((sub.submitted_ms - sub.started_ms) / 1000.0).max(0.0);
    // One identical score on every cell (3 cells or more) is recorded, never blocked.
    let straight = numbers.len() >= 3 && numbers.iter().all(|x| *x == numbers[0]);
    QualityFlags {
        duration_seconds,
        speeder: layout
            .min_seconds
            .is_some_and(|m| duration_seconds < f64::from(m)),
        straight_lined: if straight {
            vec!["scores".to_owned()]
        } else {
            Vec::new()
        },
        repeat: sub.earlier_submissions > 0,
    }
}
