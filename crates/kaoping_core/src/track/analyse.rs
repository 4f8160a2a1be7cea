//! From the collected rows to the analysis: series per unit × indicator × period, projects,
//! events and warnings. Formulas in `docs/tracking.md`.

use super::{
    start_of, Basis, Condition, ConstraintEvent, Date, FileCount, InputKind, Level,
    MilestoneReport, Period, PeriodRow, Progress, RaterGroup, Source, TrackError, Tracker,
    TrackingRules,
};
use crate::ingest::Rejection;
use crate::plan::{Direction, Plan};
use crate::score::round_to;
use crate::text::Text;
use serde::Serialize;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// The analysis of the tracking year up to a period.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrackReport {
    pub plan_id: String,
    pub plan_sha256: String,
    pub period_kind: super::PeriodKind,
    /// The latest period analysed (warnings are as of its end).
    pub through: Period,
    pub periods: Vec<Period>,
    /// Accepted period rows after `through` (when it is given): kept out of this analysis.
    pub after_through: usize,
    /// Rows read, accepted, and every rejection (read = accepted + rejected).
    pub read: usize,
    pub accepted: usize,
    pub files: Vec<FileCount>,
    pub rejected: Vec<Rejection>,
    /// Per tracked indicator and unit (plan order): the figures of each period.
    pub series: Vec<Series>,
    /// Who is behind time progress at `through`, furthest behind first.
    pub behind: Vec<Behind>,
    pub projects: Vec<ProjectStatus>,
    /// Constraint events, by unit (plan order) and date.
    pub events: Vec<EventEntry>,
    /// Units flagged by a veto event, for the year.
    pub vetoed: Vec<String>,
    pub warnings: Vec<Warning>,
}

/// One unit's figures on one data indicator.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Series {
    pub unit: String,
    pub category: String,
    pub indicator: String,
    pub basis: Basis,
    pub direction: Direction,
    /// First period counted (later than the year's first for 追加下达).
    pub start: Period,
    pub target: Option<f64>,
    /// `data` (the period files), `plan_unit` (`targets`), `plan` (`target`), or none.
    pub target_source: Option<&'static str>,
    /// Periods from `start` to `through`.
    pub points: Vec<Point>,
    /// Periods from `start` to `through` without a figure (never filled in).
    pub missing: Vec<Period>,
}

/// The figures of one period.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Point {
    pub period: Period,
    /// The figure as given for this period.
    pub actual: Option<f64>,
    /// The figure compared with the target: the sum so far (`sum`), the figure as given
    /// (`year_to_date`, `level`); none when a period so far is missing.
    pub value: Option<f64>,
    /// Time progress in % (expected share of the target by the end of the period).
    pub progress: f64,
    /// Completion in % of the annual target (lower is better: share of the cap used, or
    /// target ÷ actual for a level).
    pub completion: Option<f64>,
    /// Points ahead (+) or behind (−) time progress.
    pub gap: Option<f64>,
    pub last_year: Option<f64>,
    /// value − the same period last year (for `sum`, the sum so far of last year).
    pub yoy_change: Option<f64>,
    /// yoy_change in % of last year's value (not for levels).
    pub yoy_pct: Option<f64>,
    pub peer_city: Option<f64>,
    /// actual − peer_city, signed so that + is better.
    pub vs_peer_city: Option<f64>,
    /// Rank by gap among the units of the category with a gap in this period (1 = best;
    /// ties share a rank).
    pub rank: Option<u32>,
    pub peers: u32,
    /// Mean completion of those peers.
    pub peer_mean: Option<f64>,
}

/// A row of the table of who is behind.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Behind {
    pub unit: String,
    pub indicator: String,
    pub completion: f64,
    pub progress: f64,
    pub gap: f64,
    pub rank: Option<u32>,
    pub peers: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProjectStatus {
    pub project: String,
    pub unit: String,
    pub indicator: String,
    pub milestones: Vec<MilestoneStatus>,
    pub done: u32,
    pub total: u32,
    /// done ÷ total, in %.
    pub completion: f64,
    /// Milestones due by the end of `through`, and how many of them are done.
    pub due_by_now: u32,
    pub done_of_due: u32,
    /// Site-check ratings per quarter and rater group.
    pub ratings: Vec<RatingSummary>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MilestoneStatus {
    pub milestone: String,
    pub due: Date,
    pub done_on: Option<Date>,
    /// `done`, `done_late`, `overdue` (past due, not reported done) or `open`.
    pub status: &'static str,
    /// Days late: done_on − due, or the end of `through` − due when overdue.
    pub slip_days: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RatingSummary {
    pub quarter: Period,
    pub rater: RaterGroup,
    pub n: u32,
    pub mean: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct EventEntry {
    pub unit: String,
    pub indicator: String,
    pub date: Date,
    pub veto: bool,
    pub evidence: String,
    pub description: Option<String>,
    pub source: Source,
}

/// A warning: which rule fired, at which level, for whom, with the figures.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "TrackWarning")]
pub struct Warning {
    pub rule: String,
    pub level: Level,
    pub unit: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub project: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub milestone: Option<String>,
    pub period: Period,
    /// The numbers behind the warning, by name.
    pub figures: Map<String, Value>,
    pub message: Text,
}

/// Rounds to 2 decimals, as every percentage of the report.
fn r2(x: f64) -> f64 {
    // + 0.0 turns a rounded −0 into 0
    round_to(x, 2) + 0.0
}

/// Rounds a figure to 6 decimals (sums of decimals carry no binary noise).
fn r6(x: f64) -> f64 {
    round_to(x, 6) + 0.0
}

/// Cumulative share (0–1) of the year after period `k` (0 → 0).
fn cumulative(p: &Progress, k: u32, n: u32) -> f64 {
    if k == 0 {
        return 0.0;
    }
    match p {
        Progress::Linear => f64::from(k) / f64::from(n),
        Progress::Seasonal { cumulative } => cumulative.get(k as usize - 1).copied().unwrap_or(1.0),
    }
}

/// A figure for messages: at most 2 decimals, no trailing zeros (20, 5.01, 23.75).
fn d1(x: f64) -> String {
    let s = format!("{:.2}", r2(x));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.to_owned()
    }
}

impl Tracker<'_> {
    /// The analysis as of the end of `through` (default: the latest period with a figure).
    pub fn finish(mut self, through: Option<&str>) -> Result<TrackReport, TrackError> {
        let plan = self.plan;
        let rules = self.rules.clone();
        let kind = rules.period;

        // ---- settle duplicates by source, whatever the order of arrival ----------------
        let mut rows: BTreeMap<(String, String, Period), PeriodRow> = BTreeMap::new();
        for (key, mut cands) in std::mem::take(&mut self.periods) {
            cands.sort_by(|a, b| a.at.cmp(&b.at));
            let first = cands.remove(0);
            for dup in cands {
                self.duplicate(&dup.at, &first.at, "period");
            }
            rows.insert(key, first);
        }
        let mut done: BTreeMap<(String, String), MilestoneReport> = BTreeMap::new();
        for (key, mut cands) in std::mem::take(&mut self.milestones) {
            cands.sort_by(|a, b| a.at.cmp(&b.at));
            let first = cands.remove(0);
            for dup in cands {
                self.duplicate(&dup.at, &first.at, "milestone");
            }
            done.insert(key, first);
        }
        // A site-check record gives several ratings from one source: it is kept or rejected
        // whole (a rating of the same project, quarter, group and rater id came first).
        let mut ratings = std::mem::take(&mut self.ratings);
        ratings.sort_by(|a, b| a.at.cmp(&b.at));
        let mut seen_raters: BTreeMap<(String, Period, RaterGroup, String), Source> =
            BTreeMap::new();
        let mut kept_ratings = Vec::new();
        let mut rest = ratings.as_slice();
        while let Some(head) = rest.first() {
            let n = rest.iter().take_while(|r| r.at == head.at).count();
            let (same, tail) = rest.split_at(n);
            rest = tail;
            let key = |r: &super::SiteRating| {
                r.rater_id
                    .as_ref()
                    .map(|id| (r.project.clone(), r.quarter, r.rater, id.clone()))
            };
            let first = same
                .iter()
                .filter_map(|r| key(r).and_then(|k| seen_raters.get(&k)))
                .min()
                .cloned();
            if let Some(first) = first {
                let column = if head.record {
                    "respondent_id"
                } else {
                    "rater_id"
                };
                self.duplicate(&head.at, &first, column);
                continue;
            }
            for r in same {
                if let Some(k) = key(r) {
                    seen_raters.insert(k, r.at.clone());
                }
            }
            kept_ratings.extend(same.iter().cloned());
        }
        let mut events = std::mem::take(&mut self.events);
        events.sort_by(|a, b| a.at.cmp(&b.at));
        let mut seen_events: BTreeMap<(String, String, Date, String), Source> = BTreeMap::new();
        let mut kept_events: Vec<ConstraintEvent> = Vec::new();
        for e in events {
            let key = (
                e.unit.clone(),
                e.indicator.clone(),
                e.date,
                e.evidence.clone(),
            );
            if let Some(first) = seen_events.get(&key) {
                let first = first.clone();
                self.duplicate(&e.at, &first, "evidence");
                continue;
            }
            seen_events.insert(key, e.at.clone());
            kept_events.push(e);
        }

        // ---- the period analysed --------------------------------------------------------
        let through = match through {
            Some(t) => match Period::parse(t, kind) {
                Some(p) if p.year == plan.year => p,
                _ => return Err(TrackError::Through(t.to_owned())),
            },
            None => rows
                .keys()
                .map(|k| k.2)
                .max()
                .unwrap_or(Period::new(plan.year, kind, 1)),
        };
        let end = through.last_day();
        let n = kind.count();
        let after_through = rows.keys().filter(|k| k.2 > through).count();

        // ---- series ---------------------------------------------------------------------
        let mut series = Vec::new();
        for t in &rules.indicators {
            let Some(ind) = plan.indicator(&t.indicator) else {
                continue;
            };
            let start = start_of(plan, t, ind, kind);
            let direction = t
                .direction
                .or(ind.direction)
                .unwrap_or(Direction::HigherIsBetter);
            let profile = t.progress.as_ref().unwrap_or(&rules.progress);
            for unit in &plan.units {
                if !ind.weights.contains_key(&unit.category) {
                    continue;
                }
                let key = |p: Period| (unit.id.clone(), ind.id.clone(), p);
                let from_data = (start.index..=through.index.max(start.index))
                    .rev()
                    .filter_map(|i| rows.get(&key(Period::new(plan.year, kind, i))))
                    .find_map(|r| r.target);
                let (target, target_source) = match (from_data, t.targets.get(&unit.id), t.target) {
                    (Some(v), _, _) => (Some(v), Some("data")),
                    (None, Some(&v), _) => (Some(v), Some("plan_unit")),
                    (None, None, Some(v)) => (Some(v), Some("plan")),
                    _ => (None, None),
                };
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
                                (Basis::Level, Direction::LowerIsBetter) => {
                                    (v > 0.0).then(|| tg / v * 100.0)
                                }
                                _ => Some(v / tg * 100.0),
                            },
                            _ => None,
                        };
                        let completion = completion_raw.map(r2);
                        let gap = completion_raw.map(|c| {
                            r2(match (t.basis, direction) {
                                (Basis::Level, _) | (_, Direction::HigherIsBetter) => {
                                    c - progress_raw
                                }
                                (_, Direction::LowerIsBetter) => progress_raw - c,
                            })
                        });
                        let (yoy_change, yoy_pct) = match (value, ly_value) {
                            (Some(v), Some(l)) => {
                                let ch = r6(v - l);
                                let pct = (t.basis != Basis::Level && l != 0.0)
                                    .then(|| r2(ch / l.abs() * 100.0));
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
                series.push(Series {
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
                });
            }
        }
        rank_peers(&mut series);

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
        let unit_pos = |u: &str| {
            plan.units
                .iter()
                .position(|x| x.id == u)
                .unwrap_or(usize::MAX)
        };
        behind.sort_by(|a, b| {
            a.gap
                .total_cmp(&b.gap)
                .then(unit_pos(&a.unit).cmp(&unit_pos(&b.unit)))
                .then(a.indicator.cmp(&b.indicator))
        });

        // ---- projects (only when project reports were loaded: no file, no judgement) ------
        let reported = self.files.values().any(|f| f.kind == InputKind::Projects);
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

        // ---- events ---------------------------------------------------------------------
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

        let warnings = warnings(plan, &rules, through, &series, &projects, &events);

        // ---- counts ---------------------------------------------------------------------
        self.rejected.sort_by(|a, b| {
            (a.file.as_str(), a.row, a.column.as_deref(), a.code).cmp(&(
                b.file.as_str(),
                b.row,
                b.column.as_deref(),
                b.code,
            ))
        });
        let mut files: Vec<FileCount> = self.files.into_values().collect();
        for f in &mut files {
            f.rejected = self.rejected.iter().filter(|r| r.file == f.file).count();
            f.accepted = f.read - f.rejected.min(f.read);
        }
        let read = files.iter().map(|f| f.read).sum();
        let accepted = files.iter().map(|f| f.accepted).sum();
        Ok(TrackReport {
            plan_id: plan.id.clone(),
            plan_sha256: plan.sha256.clone(),
            period_kind: kind,
            through,
            periods: (1..=through.index)
                .map(|i| Period::new(plan.year, kind, i))
                .collect(),
            after_through,
            read,
            accepted,
            files,
            rejected: self.rejected,
            series,
            behind,
            projects,
            events,
            vetoed,
            warnings,
        })
    }

    fn duplicate(&mut self, at: &Source, first: &Source, column: &str) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column: Some(column.to_owned()),
            code: "duplicate",
            message: Text::new(
                &format!("与 {}:{} 重复，以先者为准", first.file, first.row),
                &format!("duplicate of {}:{}, which is kept", first.file, first.row),
            ),
        });
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

fn warnings(
    plan: &Plan,
    rules: &TrackingRules,
    through: Period,
    series: &[Series],
    projects: &[ProjectStatus],
    events: &[EventEntry],
) -> Vec<Warning> {
    let unit_name = |u: &str, lang: &str| {
        plan.unit(u)
            .map(|x| x.name.get(lang).to_owned())
            .unwrap_or_else(|| u.to_owned())
    };
    let ind_name = |i: &str, lang: &str| {
        plan.indicator(i)
            .map(|x| x.name.get(lang).to_owned())
            .unwrap_or_else(|| i.to_owned())
    };
    let end = through.last_day();
    let mut out: Vec<(usize, usize, Warning)> = Vec::new();
    let unit_pos = |u: &str| {
        plan.units
            .iter()
            .position(|x| x.id == u)
            .unwrap_or(usize::MAX)
    };
    for (ri, rule) in rules.warnings.iter().enumerate() {
        let applies =
            |ind: &str| rule.indicators.is_empty() || rule.indicators.iter().any(|i| i == ind);
        let lv = rule.level.name();
        let tail = |lang: &str| {
            if lang == "en" {
                format!(" (rule {}, {})", rule.id, lv.get("en"))
            } else {
                format!("（规则 {}，{}）", rule.id, lv.get("zh-CN"))
            }
        };
        let mut push = |w: Warning| out.push((unit_pos(&w.unit), ri, w));
        match &rule.when {
            Condition::BehindProgress { points } => {
                for s in series.iter().filter(|s| applies(&s.indicator)) {
                    let Some(p) = s.points.last().filter(|p| p.period == through) else {
                        continue;
                    };
                    let (Some(c), Some(g)) = (p.completion, p.gap) else {
                        continue;
                    };
                    if g < -points {
                        let mut figures = Map::new();
                        figures.insert("completion".into(), json!(c));
                        figures.insert("progress".into(), json!(p.progress));
                        figures.insert("gap".into(), json!(g));
                        figures.insert("threshold".into(), json!(points));
                        if let Some(t) = s.target {
                            figures.insert("target".into(), json!(t));
                        }
                        if let Some(v) = p.value {
                            figures.insert("value".into(), json!(v));
                        }
                        let measure = |lang: &str| {
                            plan.indicator(&s.indicator)
                                .and_then(|i| i.measure.as_ref())
                                .map(|m| m.get(lang).to_owned())
                                .unwrap_or_default()
                        };
                        let level = |lang: &str| {
                            let with = |x: f64| {
                                let m = measure(lang);
                                if lang == "en" && !m.is_empty() && m != "%" {
                                    format!("{} {m}", d1(x))
                                } else {
                                    format!("{}{m}", d1(x))
                                }
                            };
                            let v = p.value.map(with).unwrap_or_default();
                            let t = s.target.map(with).unwrap_or_default();
                            if lang == "en" {
                                format!(
                                    "{}, {}: {v} in {through} against a target of {t}, {}% of the target, {} points short (more than {} allowed){}",
                                    unit_name(&s.unit, lang), ind_name(&s.indicator, lang), d1(c), d1(-g), points, tail(lang)
                                )
                            } else {
                                format!(
                                    "{}{}：{through} 为 {v}，目标 {t}，完成目标的 {}%，差 {} 个百分点（超过 {} 个百分点）{}",
                                    unit_name(&s.unit, lang), ind_name(&s.indicator, lang), d1(c), d1(-g), points, tail(lang)
                                )
                            }
                        };
                        let msg = |lang: &str| {
                            if s.basis == Basis::Level {
                                level(lang)
                            } else if lang == "en" {
                                format!(
                                    "{}, {}: {}% of the annual target by {through} against time progress of {}%, {} points behind (more than {} allowed){}",
                                    unit_name(&s.unit, lang), ind_name(&s.indicator, lang), d1(c), d1(p.progress), d1(-g), points, tail(lang)
                                )
                            } else {
                                format!(
                                    "{}{}：截至 {through} 完成年度目标的 {}%，时间进度 {}%，落后 {} 个百分点（超过 {} 个百分点）{}",
                                    unit_name(&s.unit, lang), ind_name(&s.indicator, lang), d1(c), d1(p.progress), d1(-g), points, tail(lang)
                                )
                            }
                        };
                        push(Warning {
                            rule: rule.id.clone(),
                            level: rule.level,
                            unit: s.unit.clone(),
                            indicator: Some(s.indicator.clone()),
                            project: None,
                            milestone: None,
                            period: through,
                            figures,
                            message: Text::new(&msg("zh-CN"), &msg("en")),
                        });
                    }
                }
            }
            Condition::BehindConsecutive { periods, points } => {
                let k = *periods as usize;
                for s in series.iter().filter(|s| applies(&s.indicator)) {
                    if s.points.len() < k || s.points.last().map(|p| p.period) != Some(through) {
                        continue;
                    }
                    let last = &s.points[s.points.len() - k..];
                    let gaps: Vec<f64> = last.iter().filter_map(|p| p.gap).collect();
                    if gaps.len() == k && gaps.iter().all(|g| *g < -points) {
                        let mut figures = Map::new();
                        figures.insert("periods".into(), json!(periods));
                        figures.insert(
                            "gaps".into(),
                            Value::Object(
                                last.iter()
                                    .map(|p| (p.period.to_string(), json!(p.gap)))
                                    .collect(),
                            ),
                        );
                        let shown: Vec<String> = last
                            .iter()
                            .map(|p| format!("{} {}", p.period, d1(p.gap.unwrap_or(0.0))))
                            .collect();
                        let msg = |lang: &str| {
                            if lang == "en" {
                                format!(
                                    "{}, {}: behind time progress {} periods in a row (gap in points: {}){}",
                                    unit_name(&s.unit, lang), ind_name(&s.indicator, lang), periods, shown.join(", "), tail(lang)
                                )
                            } else {
                                format!(
                                    "{}{}：连续 {} 期落后于时间进度（差距，百分点：{}）{}",
                                    unit_name(&s.unit, lang),
                                    ind_name(&s.indicator, lang),
                                    periods,
                                    shown.join("，"),
                                    tail(lang)
                                )
                            }
                        };
                        push(Warning {
                            rule: rule.id.clone(),
                            level: rule.level,
                            unit: s.unit.clone(),
                            indicator: Some(s.indicator.clone()),
                            project: None,
                            milestone: None,
                            period: through,
                            figures,
                            message: Text::new(&msg("zh-CN"), &msg("en")),
                        });
                    }
                }
            }
            Condition::VetoEvent {} | Condition::ConstraintEvent {} => {
                let veto = matches!(rule.when, Condition::VetoEvent {});
                for e in events
                    .iter()
                    .filter(|e| e.veto == veto && applies(&e.indicator))
                {
                    let mut figures = Map::new();
                    figures.insert("date".into(), json!(e.date.to_string()));
                    figures.insert("veto".into(), json!(e.veto));
                    figures.insert("evidence".into(), json!(e.evidence));
                    let what = e.description.clone().unwrap_or_default();
                    let msg = |lang: &str| {
                        if lang == "en" {
                            format!(
                                "{}, {}: {} event on {}{} (evidence {}){}",
                                unit_name(&e.unit, lang),
                                ind_name(&e.indicator, lang),
                                if e.veto {
                                    "veto (one-vote veto for the year)"
                                } else {
                                    "constraint"
                                },
                                e.date,
                                if what.is_empty() {
                                    String::new()
                                } else {
                                    format!(": {what}")
                                },
                                e.evidence,
                                tail(lang)
                            )
                        } else {
                            format!(
                                "{}{}：{} 发生{}{}（证据 {}）{}",
                                unit_name(&e.unit, lang),
                                ind_name(&e.indicator, lang),
                                e.date,
                                if e.veto {
                                    "一票否决事项，本年度综合考评不达标"
                                } else {
                                    "约束性事项"
                                },
                                if what.is_empty() {
                                    String::new()
                                } else {
                                    format!("：{what}")
                                },
                                e.evidence,
                                tail(lang)
                            )
                        }
                    };
                    push(Warning {
                        rule: rule.id.clone(),
                        level: rule.level,
                        unit: e.unit.clone(),
                        indicator: Some(e.indicator.clone()),
                        project: None,
                        milestone: None,
                        period: Period::of_date(e.date, through.kind),
                        figures,
                        message: Text::new(&msg("zh-CN"), &msg("en")),
                    });
                }
            }
            Condition::MilestoneSlipped { grace_days } => {
                for pj in projects.iter().filter(|p| applies(&p.indicator)) {
                    let plan_pj = rules.project(&pj.project);
                    for m in pj.milestones.iter().filter(|m| m.status == "overdue") {
                        if m.slip_days <= i64::from(*grace_days) {
                            continue;
                        }
                        let names = |lang: &str| {
                            let p = plan_pj
                                .map(|p| p.name.get(lang).to_owned())
                                .unwrap_or_default();
                            let ms = plan_pj
                                .and_then(|p| p.milestones.iter().find(|x| x.id == m.milestone))
                                .map(|x| x.name.get(lang).to_owned())
                                .unwrap_or_default();
                            (p, ms)
                        };
                        let mut figures = Map::new();
                        figures.insert("due".into(), json!(m.due.to_string()));
                        figures.insert("slip_days".into(), json!(m.slip_days));
                        figures.insert("as_of".into(), json!(end.to_string()));
                        let msg = |lang: &str| {
                            let (p, ms) = names(lang);
                            if lang == "en" {
                                format!(
                                    "{}, project {p}: milestone \"{ms}\" was due on {} and is not reported done by {end}: {} days late{}",
                                    unit_name(&pj.unit, lang), m.due, m.slip_days, tail(lang)
                                )
                            } else {
                                format!(
                                    "{}项目“{p}”：节点“{ms}”应于 {} 完成，截至 {end} 未报完成，滞后 {} 天{}",
                                    unit_name(&pj.unit, lang), m.due, m.slip_days, tail(lang)
                                )
                            }
                        };
                        push(Warning {
                            rule: rule.id.clone(),
                            level: rule.level,
                            unit: pj.unit.clone(),
                            indicator: Some(pj.indicator.clone()),
                            project: Some(pj.project.clone()),
                            milestone: Some(m.milestone.clone()),
                            period: through,
                            figures,
                            message: Text::new(&msg("zh-CN"), &msg("en")),
                        });
                    }
                }
            }
            Condition::SiteCheckBelow { score } => {
                for pj in projects.iter().filter(|p| applies(&p.indicator)) {
                    let name = |lang: &str| {
                        rules
                            .project(&pj.project)
                            .map(|p| p.name.get(lang).to_owned())
                            .unwrap_or_default()
                    };
                    for r in pj.ratings.iter().filter(|r| r.mean < *score) {
                        let mut figures = Map::new();
                        figures.insert("quarter".into(), json!(r.quarter.to_string()));
                        figures.insert("rater".into(), json!(r.rater));
                        figures.insert("mean".into(), json!(r.mean));
                        figures.insert("n".into(), json!(r.n));
                        figures.insert("threshold".into(), json!(score));
                        let msg = |lang: &str| {
                            if lang == "en" {
                                format!(
                                    "{}, project {}: {} site check, mean rating of the {} {} (n = {}), below {}{}",
                                    unit_name(&pj.unit, lang), name(lang), r.quarter, r.rater.name().get("en"), d1(r.mean), r.n, score, tail(lang)
                                )
                            } else {
                                format!(
                                    "{}项目“{}”：{} 现场检查，{}评价均分 {}（{} 份），低于 {} 分{}",
                                    unit_name(&pj.unit, lang),
                                    name(lang),
                                    r.quarter,
                                    r.rater.name().get("zh-CN"),
                                    d1(r.mean),
                                    r.n,
                                    score,
                                    tail(lang)
                                )
                            }
                        };
                        push(Warning {
                            rule: rule.id.clone(),
                            level: rule.level,
                            unit: pj.unit.clone(),
                            indicator: Some(pj.indicator.clone()),
                            project: Some(pj.project.clone()),
                            milestone: None,
                            period: r.quarter,
                            figures,
                            message: Text::new(&msg("zh-CN"), &msg("en")),
                        });
                    }
                }
            }
        }
    }
    // by unit (plan order), then rule (plan order); within a rule the loops above are ordered
    out.sort_by_key(|x| (x.0, x.1));
    out.into_iter().map(|x| x.2).collect()
}
