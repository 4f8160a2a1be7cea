//! From the collected rows to the analysis: series per unit × indicator × period, projects,
//! events and warnings. Formulas in `docs/tracking.md`.

mod projects;
mod series;
mod settle;
mod warnings;

use super::{
    Basis, Date, FileCount, InputKind, Level, Period, Progress, RaterGroup, Source, TrackError,
    Tracker,
};
use crate::ingest::Rejection;
use crate::plan::{Direction, Plan};
use crate::score::round_to;
use crate::text::Text;
use serde::Serialize;
use serde_json::{Map, Value};
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
    /// Accepted site-check records per plan version they answered; present only when the plan
    /// has amendments (a record of an earlier version whose sheet stayed compatible counts).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<String, usize>,
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
        let rows = self.settle_periods();
        let done = self.settle_milestones();
        let kept_ratings = self.settle_ratings();
        let kept_events = self.settle_events();

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
        let after_through = rows.keys().filter(|k| k.2 > through).count();

        let series = series::series(plan, &rules, &rows, through);
        let behind = series::behind(plan, &series, through);
        let reported = self.files.values().any(|f| f.kind == InputKind::Projects);
        let projects = projects::projects(&rules, reported, &done, &kept_ratings, end);
        let (events, vetoed) = projects::events(plan, kept_events);
        let warnings = warnings::warnings(plan, &rules, through, &series, &projects, &events);

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
        // As ingest does: with amendments, the plan's own version is listed even at 0.
        let mut versions = std::mem::take(&mut self.versions);
        if !plan.amendments.is_empty() {
            versions.entry(plan.version.clone()).or_default();
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
            versions,
            series,
            behind,
            projects,
            events,
            vetoed,
            warnings,
        })
    }
}

/// A unit's place in the plan (units not in it last).
fn unit_pos(plan: &Plan, u: &str) -> usize {
    plan.units
        .iter()
        .position(|x| x.id == u)
        .unwrap_or(usize::MAX)
}
