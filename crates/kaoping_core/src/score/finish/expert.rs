//! The expert review component of a unit: the panel's totals aggregated per rater group and
//! combined by the groups' weights, with the panel's score of each reviewed indicator.

use crate::plan::Unit;
use crate::score::result::{
    ComponentSummary, ExpertComponent, ExpertIndicator, GroupScore, Status, Warning,
};
use crate::stats::interval::kish_effective_n;
use crate::stats::tally::Tally;
use std::collections::BTreeMap;

use super::figures::{aggregate, combine, distribution, interval_of, status_of};
use super::panel::{reviewed, Panel};
use super::warnings::warn;
use super::Year;

/// The unit's expert component: the reviewers' totals per rater group, aggregated by the
/// rules and combined by the groups' weights; warns of groups without a score.
pub(super) fn expert_component(
    year: &Year,
    panel: &Panel,
    unit: &Unit,
    weight: f64,
    warnings: &mut Vec<Warning>,
) -> ExpertComponent {
    let u = unit.id.as_str();
    let (group_tallies, group_of_reviewer) = reviewer_totals_by_group(year, panel, u);
    let (expert_value, expert_groups) = group_scores(year, panel, &group_tallies);
    let all_expert = group_tallies.values().fold(Tally::new(), |mut a, t| {
        a.merge(t);
        a
    });
    let expert_inds = reviewed_indicators(year, panel, unit);
    for g in &expert_groups {
        if weight > 0.0 && g.status != Status::Ok && g.weight > 0.0 {
            warn(
                warnings,
                "expert_group_without_score",
                Some(u),
                Some(&g.group),
                format!("{u}：评审组 {} 有效评分不足（{} 份）", g.group, g.n),
                format!("{u}: rater group {} has too few scores ({})", g.group, g.n),
            );
        }
    }
    let n_eff = effective_n(&expert_groups, &group_of_reviewer);
    let expert_status = match expert_value {
        Some(_) => Status::Ok,
        None if all_expert.n() == 0 && all_expert.unable_to_judge() == 0 => Status::Missing,
        None if expert_groups.iter().any(|g| g.value.is_some()) => Status::Incomplete,
        None => Status::Insufficient,
    };
    ExpertComponent {
        summary: ComponentSummary {
            weight,
            weight_used: None,
            status: expert_status,
            value: expert_value,
            contribution: None,
            n: all_expert.n(),
            unable_to_judge: all_expert.unable_to_judge(),
            n_eff,
            interval: interval_of(&all_expert, year.rules.confidence),
        },
        groups: expert_groups,
        indicators: expert_inds,
    }
}

/// The unit's reviewer totals tallied per rater group, and each scored total with its group.
fn reviewer_totals_by_group<'a>(
    year: &'a Year,
    panel: &Panel,
    u: &str,
) -> (BTreeMap<&'a str, Tally>, Vec<(&'a str, f64)>) {
    let mut group_tallies: BTreeMap<&str, Tally> = BTreeMap::new();
    let mut group_of_reviewer: Vec<(&str, f64)> = Vec::new();
    for ((rid, uid), t) in &panel.totals {
        if uid != u {
            continue;
        }
        let Some(sheet) = year.state.sheets.get(rid) else {
            continue;
        };
        let tally = group_tallies.entry(sheet.group.as_str()).or_default();
        match t {
            Some(v) => {
                let _ = tally.record(*v);
                group_of_reviewer.push((sheet.group.as_str(), *v));
            }
            None => tally.record_unable(),
        }
    }
    (group_tallies, group_of_reviewer)
}

/// Each rater group's aggregate of its tally, and their combination by the groups' weights.
fn group_scores(
    year: &Year,
    panel: &Panel,
    tallies: &BTreeMap<&str, Tally>,
) -> (Option<f64>, Vec<GroupScore>) {
    let rules = year.rules;
    let mut parts = Vec::new();
    let mut out = Vec::new();
    for (g, w) in &panel.groups {
        let empty = Tally::new();
        let t = tallies.get(g.as_str()).unwrap_or(&empty);
        let (s, v) = aggregate(t, rules.expert.aggregation, rules.expert.min_n);
        parts.push((*w, v));
        out.push(GroupScore {
            group: g.clone(),
            weight: *w,
            weight_used: None,
            status: status_of(t, s),
            n: t.n(),
            unable_to_judge: t.unable_to_judge(),
            mean: t.mean(),
            value: v,
        });
    }
    let (value, used) = combine(&parts, rules.missing);
    for (o, wu) in out.iter_mut().zip(used) {
        o.weight_used = wu;
    }
    (value, out)
}

/// The panel's score of the unit on each indicator of the review sheet, per rater group and
/// combined, with the distribution of the reviewers' scores.
fn reviewed_indicators(year: &Year, panel: &Panel, unit: &Unit) -> Vec<ExpertIndicator> {
    let u = unit.id.as_str();
    let mut expert_inds = Vec::new();
    let Some(sd) = year.sheet else {
        return expert_inds;
    };
    for (ind, _) in reviewed(year.plan, sd, &unit.category, year.weights) {
        let mut tallies: BTreeMap<&str, Tally> = BTreeMap::new();
        for sheet in year.state.sheets.values() {
            if let Some(s) = sheet.scores.get(&(u.to_owned(), ind.clone())) {
                let t = tallies.entry(sheet.group.as_str()).or_default();
                match s {
                    Some(v) => {
                        let _ = t.record(*v);
                    }
                    None => t.record_unable(),
                }
            }
        }
        let (value, gs) = group_scores(year, panel, &tallies);
        let all = tallies.values().fold(Tally::new(), |mut a, t| {
            a.merge(t);
            a
        });
        expert_inds.push(ExpertIndicator {
            indicator: ind,
            value,
            groups: gs,
            distribution: distribution(&all),
            interval: interval_of(&all, year.rules.confidence),
        });
    }
    expert_inds
}

/// Kish effective n of the implied per-reviewer weights w_g / n_g.
fn effective_n(groups: &[GroupScore], group_of_reviewer: &[(&str, f64)]) -> Option<f64> {
    let mut kish_w = Vec::new();
    for g in groups {
        if let (Some(wu), true) = (g.weight_used, g.n > 0) {
            for _ in group_of_reviewer.iter().filter(|(gr, _)| *gr == g.group) {
                kish_w.push(wu / g.n as f64);
            }
        }
    }
    kish_w.sort_by(f64::total_cmp);
    if kish_w.is_empty() {
        None
    } else {
        kish_effective_n(&kish_w).ok()
    }
}
