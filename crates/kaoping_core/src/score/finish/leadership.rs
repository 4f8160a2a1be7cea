//! The leadership appraisal of a unit: the team's score (the leadership component) and the
//! competence grade of each cadre from the votes cast.

use crate::score::cadres::cadre_roles;
use crate::score::result::{
    CadreResult, CadreTalks, ComponentSummary, TalkEntry, UnitResult, Warning,
};
use crate::score::rules::CadreRules;

use super::figures::{aggregate, empty_summary, interval_of, status_of};
use super::warnings::warn;
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

/// The grade of each of the unit's cadres: without a cadre roster, the rows of the appraisal
/// form's cadre question, then any other cadre voted on (none when the unit was not
/// appraised); with one, the people of the unit's roster in the question's row order (votes on
/// a role with nobody on the roster are counted in a warning, not graded).
pub(super) fn cadre_grades(year: &Year, u: &str, warnings: &mut Vec<Warning>) -> Vec<CadreResult> {
    let lr = &year.rules.leadership;
    let acc = year.state.cadre.get(u);
    let votes_of = |row: &str| {
        acc.and_then(|a| a.votes.get(row))
            .copied()
            .unwrap_or([0; 4])
    };
    let grade = |row: &str| {
        let votes = votes_of(row);
        let n: u64 = votes.iter().sum();
        let grade = cadre_grade(&year.rules.cadre, votes, n);
        CadreResult {
            cadre: row.to_owned(),
            votes,
            n,
            grade: grade.into(),
            admonition_talk: talk_grade(grade),
            name: None,
            post: None,
            person: None,
            excellent_capped: false,
            reminder_talk: false,
        }
    };
    let roles = cadre_roles(year.plan, lr);
    let Some(roster) = &year.state.cadre_roster else {
        let Some(acc) = acc else {
            return Vec::new();
        };
        let mut rows = roles;
        for k in acc.votes.keys() {
            if !rows.contains(k) {
                rows.push(k.clone());
            }
        }
        return rows.iter().map(|r| grade(r)).collect();
    };
    let mut out = Vec::new();
    for role in &roles {
        if let Some(p) = roster.get(u, role) {
            out.push(CadreResult {
                name: Some(p.name.clone()),
                post: Some(p.post.clone()),
                person: p.person.clone(),
                ..grade(role)
            });
        }
    }
    for (role, votes) in acc.map(|a| &a.votes).into_iter().flatten() {
        let n: u64 = votes.iter().sum();
        if n > 0 && roster.get(u, role).is_none() {
            warn(
                warnings,
                "cadre_not_on_roster",
                Some(u),
                Some(role),
                format!("{u}：{n} 票投给了“{role}”，干部名单上本单位无此人，未评定等次"),
                format!("{u}: {n} vote(s) cast on {role:?}, who is not on the unit's cadre roster; not graded"),
            );
        }
    }
    out
}

/// 诫勉谈话 follows these grades.
fn talk_grade(grade: &str) -> bool {
    matches!(grade, "incompetent" | "basically_competent")
}

/// After every unit's cadres are graded: the plan's cap on the share of 优秀 (city-wide), the
/// reminder-talk flags, and with a roster each unit's talk lists.
pub(super) fn settle_cadres(year: &Year, units: &mut [UnitResult]) {
    let cr = &year.rules.cadre;
    if let Some(share) = cr.excellent_max_share {
        cap_excellent(share, units);
    }
    for u in units.iter_mut() {
        for c in &mut u.cadres {
            let low = c.votes[0] + c.votes[1];
            c.reminder_talk = cr.reminder_talk_above.is_some_and(|t| {
                matches!(c.grade.as_str(), "competent" | "excellent")
                    && c.n > 0
                    && low as f64 / c.n as f64 > t
            });
        }
        if year.state.cadre_roster.is_some() {
            let entry = |c: &CadreResult| TalkEntry {
                cadre: c.cadre.clone(),
                name: c.name.clone().unwrap_or_default(),
                post: c.post.clone().unwrap_or_default(),
                grade: c.grade.clone(),
            };
            u.talks = Some(CadreTalks {
                admonition: u
                    .cadres
                    .iter()
                    .filter(|c| c.admonition_talk)
                    .map(entry)
                    .collect(),
                reminder: u
                    .cadres
                    .iter()
                    .filter(|c| c.reminder_talk)
                    .map(entry)
                    .collect(),
            });
        }
    }
}

/// Slack for `share × graded` computed in f64 (0.29 × 100 = 28.999999999999996 is 29).
const CAP_SLACK: f64 = 1e-9;

/// At most ⌊`share` × cadres graded⌋ stay 优秀: the others 优秀 by votes, fewest 优秀 votes as
/// a share first (compared exactly), ties by name (Unicode order; the role id without a
/// roster), then unit id and role id, are graded 称职 with `excellent_capped`.
fn cap_excellent(share: f64, units: &mut [UnitResult]) {
    let graded = units
        .iter()
        .flat_map(|u| &u.cadres)
        .filter(|c| c.grade != "insufficient")
        .count();
    let allowed = (share * graded as f64 + CAP_SLACK).floor().max(0.0) as usize;
    let mut excellent: Vec<(usize, usize)> = Vec::new();
    for (i, u) in units.iter().enumerate() {
        for (j, c) in u.cadres.iter().enumerate() {
            if c.grade == "excellent" {
                excellent.push((i, j));
            }
        }
    }
    if excellent.len() <= allowed {
        return;
    }
    excellent.sort_by(|&(ia, ja), &(ib, jb)| {
        let (ua, ub) = (&units[ia], &units[ib]);
        let (a, b) = (&ua.cadres[ja], &ub.cadres[jb]);
        // a.votes[3] / a.n against b.votes[3] / b.n, higher first, without rounding.
        let share_a = u128::from(a.votes[3]) * u128::from(b.n);
        let share_b = u128::from(b.votes[3]) * u128::from(a.n);
        let name = |c: &CadreResult| c.name.clone().unwrap_or_else(|| c.cadre.clone());
        share_b
            .cmp(&share_a)
            .then_with(|| name(a).cmp(&name(b)))
            .then_with(|| ua.unit.cmp(&ub.unit))
            .then_with(|| a.cadre.cmp(&b.cadre))
    });
    for &(i, j) in &excellent[allowed..] {
        let c = &mut units[i].cadres[j];
        c.grade = "competent".into();
        c.excellent_capped = true;
    }
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
