//! The series: each tracked indicator × unit through the period analysed (time progress,
//! completion, gap, year on year, against the peer city), units ranked among their peers, and
//! the units behind.

use super::super::{start_of, Basis, Period, Progress, TrackedIndicator, TrackingRules};
use super::settle::Rows;
use super::{cumulative, r2, r6, Behind, Point, Series};
use crate::plan::{Direction, Indicator, Plan, Unit};
use std::collections::BTreeMap;

/// A tracked indicator as its series need it.
struct Tracked<'a> {
    t: &'a TrackedIndicator,
    ind: &'a Indicator,
    start: Period,
    direction: Direction,
    profile: &'a Progress,
}

/// One series per tracked indicator and unit of a category it has a weight in, each unit
/// ranked among its peers.
pub(super) fn series(
    plan: &Plan,
    rules: &TrackingRules,
    rows: &Rows,
    through: Period,
) -> Vec<Series> {
    let kind = rules.period;
    let n = kind.count();
    let mut series = Vec::new();
    for t in &rules.indicators {
        let Some(ind) = plan.indicator(&t.indicator) else {
            continue;
        };
        let direction = t
            .direction
            .or(ind.direction)
            .unwrap_or(Direction::HigherIsBetter);
        let profile = t.progress.as_ref().unwrap_or(&rules.progress);
        for unit in &plan.units {
            if !ind.weights.contains_key(&unit.category) {
                continue;
            }
            let tracked = Tracked {
                t,
                ind,
                start: start_of(plan, t, ind, kind, &unit.id),
                direction,
                profile,
            };
            series.push(unit_series(plan, &tracked, unit, rows, through, n));
        }
    }
    rank_peers(&mut series);
    series
}

/// The series of one tracked indicator in one unit.
fn unit_series(
    plan: &Plan,
    tracked: &Tracked,
    unit: &Unit,
    rows: &Rows,
    through: Period,
    n: u32,
) -> Series {
    let kind = through.kind;
    let Tracked {
        t,
        ind,
        start,
        direction,
        profile,
    } = *tracked;
    let key = |p: Period| (unit.id.clone(), ind.id.clone(), p);
    let (target, target_source) = target_of(t, unit, &key, rows, start, through);
    let base = cumulative(profile, start.index - 1, n);
    let mut points = Vec::new();
    let mut missing = Vec::new();
    let mut sum = Some(0.0);
    let mut ly_sum = Some(0.0);
    if start <= through {
        for i in start.index..=through.index {
            let period = Period::new(plan.year, kind, i);
            let row = rows.get(&key(period));
            if row.is_none() {
                missing.push(period);
            }
            // raw figures; each is rounded once, when reported
            let progress_raw = match t.basis {
                Basis::Level => 100.0,
                _ => (cumulative(profile, i, n) - base) / (1.0 - base) * 100.0,
            };
            let progress = r2(progress_raw);
            sum = match (sum, row) {
                (Some(s), Some(r)) => Some(s + r.actual),
                _ => None,
            };
            ly_sum = match (ly_sum, row.and_then(|r| r.last_year)) {
                (Some(s), Some(v)) => Some(s + v),
                _ => None,
            };
            let value = match t.basis {
                Basis::Sum => sum.map(r6),
                _ => row.map(|r| r.actual),
            };
            let last_year = row.and_then(|r| r.last_year);
            let ly_value = match t.basis {
                Basis::Sum => ly_sum.map(r6),
                _ => last_year,
            };
            let completion_raw = match (value, target) {
                (Some(v), Some(tg)) => match (t.basis, direction) {
                    (Basis::Level, Direction::LowerIsBetter) => (v > 0.0).then(|| tg / v * 100.0),
                    _ => Some(v / tg * 100.0),
                },
                _ => None,
            };
            let completion = completion_raw.map(r2);
            let gap = completion_raw.map(|c| {
                r2(match (t.basis, direction) {
                    (Basis::Level, _) | (_, Direction::HigherIsBetter) => c - progress_raw,
                    (_, Direction::LowerIsBetter) => progress_raw - c,
                })
            });
            let (yoy_change, yoy_pct) = match (value, ly_value) {
                (Some(v), Some(l)) => {
                    let ch = r6(v - l);
                    let pct =
                        (t.basis != Basis::Level && l != 0.0).then(|| r2(ch / l.abs() * 100.0));
                    (Some(ch), pct)
                }
                _ => (None, None),
            };
            let peer_city = row.and_then(|r| r.peer_city);
            let vs_peer_city = match (row, peer_city) {
                (Some(r), Some(pc)) => Some(r6(match direction {
                    Direction::HigherIsBetter => r.actual - pc,
                    Direction::LowerIsBetter => pc - r.actual,
                })),
                _ => None,
            };
            points.push(Point {
                period,
                actual: row.map(|r| r.actual),
                value,
                progress,
                completion,
                gap,
                last_year,
                yoy_change,
                yoy_pct,
                peer_city,
                vs_peer_city,
                rank: None,
                peers: 0,
                peer_mean: None,
            });
        }
    }
    Series {
        unit: unit.id.clone(),
        category: unit.category.clone(),
        indicator: ind.id.clone(),
        basis: t.basis,
        direction,
        start,
        target,
        target_source,
        points,
        missing,
    }
}

/// The annual target of a series and where it comes from: the latest figure's target up to
/// `through` (`data`), the plan's target for the unit (`plan_unit`), or for all (`plan`).
fn target_of(
    t: &TrackedIndicator,
    unit: &Unit,
    key: &dyn Fn(Period) -> (String, String, Period),
    rows: &Rows,
    start: Period,
    through: Period,
) -> (Option<f64>, Option<&'static str>) {
    // `through` is in the plan's year and of its period kind
    let plan_year = through.year;
    let from_data = (start.index..=through.index.max(start.index))
        .rev()
        .filter_map(|i| rows.get(&key(Period::new(plan_year, through.kind, i))))
        .find_map(|r| r.target);
    match (from_data, t.targets.get(&unit.id), t.target) {
        (Some(v), _, _) => (Some(v), Some("data")),
        (None, Some(&v), _) => (Some(v), Some("plan_unit")),
        (None, None, Some(v)) => (Some(v), Some("plan")),
        _ => (None, None),
    }
}

/// Ranks the units of each category by gap in each period, with the peers' mean completion.
fn rank_peers(series: &mut [Series]) {
    let mut groups: BTreeMap<(String, String, Period), Vec<(f64, f64)>> = BTreeMap::new();
    for s in series.iter() {
        for p in &s.points {
            if let (Some(g), Some(c)) = (p.gap, p.completion) {
                groups
                    .entry((s.indicator.clone(), s.category.clone(), p.period))
                    .or_default()
                    .push((g, c));
            }
        }
    }
    for s in series.iter_mut() {
        for p in &mut s.points {
            let Some(peers) = groups.get(&(s.indicator.clone(), s.category.clone(), p.period))
            else {
                continue;
            };
            p.peers = peers.len() as u32;
            let mut cs: Vec<f64> = peers.iter().map(|x| x.1).collect();
            cs.sort_by(f64::total_cmp);
            p.peer_mean = Some(r2(cs.iter().sum::<f64>() / cs.len() as f64));
            if let Some(g) = p.gap {
                p.rank = Some(1 + peers.iter().filter(|x| x.0 > g).count() as u32);
            }
        }
    }
}

/// The series behind time progress in the period analysed, most behind first.
pub(super) fn behind(plan: &Plan, series: &[Series], through: Period) -> Vec<Behind> {
    let unit_pos = |u: &str| super::unit_pos(plan, u);
    let mut behind: Vec<Behind> = series
        .iter()
        .filter_map(|s| {
            let p = s.points.last().filter(|p| p.period == through)?;
            let gap = p.gap.filter(|g| *g < 0.0)?;
            Some(Behind {
                unit: s.unit.clone(),
                indicator: s.indicator.clone(),
                completion: p.completion?,
                progress: p.progress,
                gap,
                rank: p.rank,
                peers: p.peers,
            })
        })
        .collect();
    behind.sort_by(|a, b| {
        a.gap
            .total_cmp(&b.gap)
            .then(unit_pos(&a.unit).cmp(&unit_pos(&b.unit)))
            .then(a.indicator.cmp(&b.indicator))
    });
    behind
}
