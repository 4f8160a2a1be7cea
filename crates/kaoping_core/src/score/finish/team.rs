//! The grade of each unit's leadership team (领导班子), with its consequences (诫勉谈话,
//! 组织调整), and the unit's run of non-compliant years from the history.

use crate::score::result::UnitResult;
use crate::score::round_to;

use super::Year;

/// Grades each unit's team and counts its consecutive non-compliant years.
pub(super) fn grade_teams_and_history(year: &Year, units: &mut [UnitResult]) {
    for u in units.iter_mut() {
        grade_team(year, u);
        u.non_compliant_years_running = non_compliant_run(year, u);
    }
}

/// The team's grade from its score (non-compliant with a veto when the rules say so), and
/// reorganisation when it is non-compliant a second year running.
fn grade_team(year: &Year, u: &mut UnitResult) {
    let tr = &year.rules.team;
    let team_grade = if tr.veto_makes_non_compliant && !u.vetoes.is_empty() {
        "non_compliant"
    } else {
        match u.team.score.map(|s| round_to(s, year.rules.precision)) {
            None => "insufficient",
            Some(s) if s < tr.non_compliant_below => "non_compliant",
            Some(s) if s >= tr.good_at_least => "good",
            Some(_) => "compliant",
        }
    };
    let prev = year
        .state
        .history
        .get(&(u.unit.clone(), year.plan.year - 1));
    u.team.grade = team_grade.into();
    u.team.admonition_talk = team_grade == "non_compliant";
    u.team.previous_grade = prev.and_then(|h| h.team_grade.clone());
    u.team.reorganisation =
        team_grade == "non_compliant" && u.team.previous_grade.as_deref() == Some("non_compliant");
}

/// Consecutive non-compliant years up to this one (0 when the unit is compliant this year).
fn non_compliant_run(year: &Year, u: &UnitResult) -> u32 {
    let mut run = 0;
    if u.grade == "non_compliant" {
        run = 1;
        let mut y = year.plan.year - 1;
        while year
            .state
            .history
            .get(&(u.unit.clone(), y))
            .is_some_and(|h| h.grade == "non_compliant")
        {
            run += 1;
            y -= 1;
        }
    }
    run
}
