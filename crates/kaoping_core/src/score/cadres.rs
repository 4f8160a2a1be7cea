//! The cadre roster (干部名单): the people a unit's leadership appraisal grades, one per row
//! of the appraisal's cadre question (its matrix rows are roles: secretary, head, …). Not the
//! rater roster of [`crate::roster`], which lists who rates.
//!
//! With a roster, each unit's cadre results name the person rated under each role; roles
//! without a person on the unit's roster are not graded (their votes are counted in a
//! warning), and people without votes are `insufficient`. The office's file is read by
//! `roster::read_cadre_roster` (office build); a roster given as JSON is checked by
//! [`ScoreState::set_cadre_roster`](crate::score::ScoreState::set_cadre_roster).

use crate::plan::{Plan, QuestionKind};
use crate::score::rules::LeadershipRules;
use serde::{Deserialize, Serialize};

/// The people appraised, one entry per (unit, role), in the file's order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CadreRoster {
    pub people: Vec<CadrePerson>,
}

/// One person of a cadre roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CadrePerson {
    /// The unit's id.
    pub unit: String,
    /// The row (role) of the cadre question the person is rated under.
    pub role: String,
    pub name: String,
    /// The post title (职务), "" when the roster gives none.
    #[serde(default)]
    pub post: String,
    /// The office's own id for the person (人员编号), when the roster has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
}

impl CadreRoster {
    /// The person rated under `role` in `unit`.
    pub fn get(&self, unit: &str, role: &str) -> Option<&CadrePerson> {
        self.people
            .iter()
            .find(|p| p.unit == unit && p.role == role)
    }
}

/// The row ids (roles) of the plan's cadre question, in the plan's order; empty when the
/// rules name no such matrix question.
pub fn cadre_roles(plan: &Plan, lr: &LeadershipRules) -> Vec<String> {
    plan.instrument(&lr.instrument)
        .and_then(|i| i.questions().find(|q| q.id == lr.cadre_question))
        .and_then(|q| match &q.kind {
            QuestionKind::Matrix { rows, .. } => {
                Some(rows.iter().map(|r| r.value.clone()).collect())
            }
            _ => None,
        })
        .unwrap_or_default()
}

/// The first reason `roster` cannot be used with `plan`, in English and zh-CN: an unknown
/// unit or role, two people on one unit and role, an empty name.
pub fn roster_problem(
    plan: &Plan,
    lr: &LeadershipRules,
    roster: &CadreRoster,
) -> Option<(String, String)> {
    let roles = cadre_roles(plan, lr);
    let mut seen = std::collections::BTreeSet::new();
    for (i, p) in roster.people.iter().enumerate() {
        let at = i + 1;
        if plan.unit(&p.unit).is_none() {
            return Some((
                format!("person {at}: unknown unit {:?}", p.unit),
                format!("第 {at} 人：单位“{}”不在方案中", p.unit),
            ));
        }
        if !roles.contains(&p.role) {
            return Some((
                format!(
                    "person {at}: {:?} is not a row of the cadre question {:?}",
                    p.role, lr.cadre_question
                ),
                format!(
                    "第 {at} 人：“{}”不是干部题“{}”的一行",
                    p.role, lr.cadre_question
                ),
            ));
        }
        if p.name.trim().is_empty() {
            return Some((
                format!("person {at}: the name is empty"),
                format!("第 {at} 人：姓名为空"),
            ));
        }
        if !seen.insert((p.unit.as_str(), p.role.as_str())) {
            return Some((
                format!("person {at}: a second person for {} / {}", p.unit, p.role),
                format!("第 {at} 人：单位“{}”的“{}”已有一人", p.unit, p.role),
            ));
        }
    }
    None
}
