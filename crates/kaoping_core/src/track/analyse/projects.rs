//! The projects (milestones due and done, site-check ratings) and the constraint events of the
//! period analysed.

use super::super::{ConstraintEvent, Date, Period, RaterGroup, SiteRating, TrackingRules};
use super::settle::Done;
use super::{r2, EventEntry, MilestoneStatus, ProjectStatus, RatingSummary};
use crate::plan::Plan;
use std::collections::BTreeMap;

/// Each project's milestones as of `end` and its site-check ratings by quarter and rater
/// group; none unless project reports were loaded (no file, no judgement).
pub(super) fn projects(
    rules: &TrackingRules,
    reported: bool,
    done: &Done,
    kept_ratings: &[SiteRating],
    end: Date,
) -> Vec<ProjectStatus> {
    let mut projects = Vec::new();
    for pj in rules.projects.iter().filter(|_| reported) {
        let mut milestones = Vec::new();
        let (mut n_done, mut due_by_now, mut done_of_due) = (0, 0, 0);
        for m in &pj.milestones {
            let Some(due) = Date::parse(&m.due) else {
                continue;
            };
            let rep = done.get(&(pj.id.clone(), m.id.clone()));
            let done_on = rep.map(|r| r.done_on);
            let (status, slip_days) = match done_on {
                Some(d) if d <= due => ("done", 0),
                Some(d) => ("done_late", d.days() - due.days()),
                None if due < end => ("overdue", end.days() - due.days()),
                None => ("open", 0),
            };
            if done_on.is_some() {
                n_done += 1;
            }
            if due <= end {
                due_by_now += 1;
                if done_on.is_some() {
                    done_of_due += 1;
                }
            }
            milestones.push(MilestoneStatus {
                milestone: m.id.clone(),
                due,
                done_on,
                status,
                slip_days,
            });
        }
        let total = milestones.len() as u32;
        let mut by: BTreeMap<(Period, RaterGroup), Vec<f64>> = BTreeMap::new();
        for r in kept_ratings.iter().filter(|r| r.project == pj.id) {
            by.entry((r.quarter, r.rater)).or_default().push(r.score);
        }
        let ratings = by
            .into_iter()
            .map(|((quarter, rater), mut v)| {
                v.sort_by(f64::total_cmp);
                let n = v.len() as u32;
                RatingSummary {
                    quarter,
                    rater,
                    n,
                    mean: r2(v.iter().sum::<f64>() / f64::from(n)),
                }
            })
            .collect();
        projects.push(ProjectStatus {
            project: pj.id.clone(),
            unit: pj.unit.clone(),
            indicator: pj.indicator.clone(),
            milestones,
            done: n_done,
            total,
            completion: if total == 0 {
                0.0
            } else {
                r2(f64::from(n_done) / f64::from(total) * 100.0)
            },
            due_by_now,
            done_of_due,
            ratings,
        });
    }
    projects
}

/// The constraint events by unit (plan order), date, indicator and evidence, and the units
/// with a veto event.
pub(super) fn events(
    plan: &Plan,
    kept_events: Vec<ConstraintEvent>,
) -> (Vec<EventEntry>, Vec<String>) {
    let unit_pos = |u: &str| super::unit_pos(plan, u);
    let mut events: Vec<EventEntry> = kept_events
        .into_iter()
        .map(|e| EventEntry {
            unit: e.unit,
            indicator: e.indicator,
            date: e.date,
            veto: e.veto,
            evidence: e.evidence,
            description: e.description,
            source: e.at,
        })
        .collect();
    events.sort_by(|a, b| {
        unit_pos(&a.unit)
            .cmp(&unit_pos(&b.unit))
            .then(a.date.cmp(&b.date))
            .then(a.indicator.cmp(&b.indicator))
            .then(a.evidence.cmp(&b.evidence))
    });
    let mut vetoed: Vec<String> = Vec::new();
    for u in &plan.units {
        if events.iter().any(|e| e.veto && e.unit == u.id) {
            vetoed.push(u.id.clone());
        }
    }
    (events, vetoed)
}
