//! The leadership appraisal of a unit: the team's score (the leadership component) and the
//! competence grade of each cadre from the votes cast.

use crate::plan::QuestionKind;
use crate::score::result::{CadreResult, ComponentSummary};
use crate::score::rules::CadreRules;

use super::figures::{aggregate, empty_summary, interval_of, status_of};
use super::Year;

/// The unit's leadership component: the team votes aggregated by the rules.
pub(super) fn leadership_component(year: &Year, u: &str, weight: f64) -> ComponentSummary {
    let lr = &year.rules.leadership;
    match year.state.cadre.get(u) {
        Some(acc) => {
            let (s, v) = aggregate(&acc.team, lr.aggregation, lr.min_n);
            ComponentSummary {
                weight,
                weight_used: None,
                status: status_of(&acc.team, s),
                value: v,
                contribution: None,
                n: acc.team.n(),
                unable_to_judge: acc.team.unable_to_judge(),
                n_eff: None,
                interval: interval_of(&acc.team, year.rules.confidence),
            }
        }
        None => empty_summary(weight),
    }
}

/// The grade of each of the unit's cadres (the rows of the appraisal form's cadre question,
/// then any other cadre voted on); none when the unit was not appraised.
pub(super) fn cadre_grades(year: &Year, u: &str) -> Vec<CadreResult> {
    let lr = &year.rules.leadership;
    let Some(acc) = year.state.cadre.get(u) else {
        return Vec::new();
    };
    let mut rows: Vec<String> = year
        .plan
        .instrument(&lr.instrument)
        .and_then(|i| i.questions().find(|q| q.id == lr.cadre_question))
        .and_then(|q| match &q.kind {
            QuestionKind::Matrix { rows, .. } => {
                Some(rows.iter().map(|r| r.value.clone()).collect())
            }
            _ => None,
        })
        .unwrap_or_default();
    for k in acc.votes.keys() {
        if !rows.contains(k) {
            rows.push(k.clone());
        }
    }
    rows.iter()
        .map(|row| {
            let votes = acc.votes.get(row).copied().unwrap_or([0; 4]);
            let n: u64 = votes.iter().sum();
            let grade = cadre_grade(&year.rules.cadre, votes, n);
            CadreResult {
                cadre: row.clone(),
                votes,
                n,
                grade: grade.into(),
                admonition_talk: matches!(grade, "incompetent" | "basically_competent"),
            }
        })
        .collect()
}

/// A cadre's grade from the votes for 不称职, 基本称职, 称职, 优秀 (`n` in all).
fn cadre_grade(cr: &CadreRules, votes: [u64; 4], n: u64) -> &'static str {
    let share = |k: u64| k as f64 / n as f64;
    if n == 0 || n < cr.min_votes {
        "insufficient"
    } else if share(votes[0]) > cr.incompetent_above {
        "incompetent"
    } else if share(votes[0] + votes[1]) > cr.basic_above {
        "basically_competent"
    } else if share(votes[3]) >= cr.excellent_at_least {
        "excellent"
    } else {
        "competent"
    }
}
