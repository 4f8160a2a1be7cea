//! Tracking through the year (跟踪管理): period figures of data indicators against their
//! annual targets and time progress, year on year, among peers and against a peer city;
//! project milestones and quarterly site checks; constraint events; and the warnings
//! (通知单, 预警通知单) the plan's rules give. See `docs/tracking.md`.
//!
//! Input files (period figures, project reports, constraint events) are CSV or JSON. Every row
//! read is accepted or rejected with its file, row, column and reason; the counts reconcile.
//! A [`Tracker`] is mergeable: rows added in any order, split over trackers merged in any
//! order, finish to the same [`TrackReport`] (duplicates are settled by file name and row, not
//! by arrival).

mod analyse;
#[cfg(feature = "office")]
mod close;
mod demo;
mod export;
mod period;
mod read;
mod records;
pub mod register;
mod register_file;
mod rows;
mod rules;
pub mod sheet;

use crate::ingest::Rejection;
use crate::plan::Plan;
use crate::text::Text;
pub use analyse::*;
#[cfg(feature = "office")]
pub use close::{
    year_end_figures, year_end_files, CloseError, DerivedFigure, ProjectRatings, Provenance,
    YearEndFigures, YearEndOutput, YearEndRequest, YEAR_END_FORMAT,
};
pub use demo::{demo_periods, DemoPeriods};
#[cfg(feature = "office")]
pub use export::warnings_xlsx;
pub use export::{notice_body, notice_html, warned_units, warnings_csv, warnings_table};
pub use period::{Date, Period, PeriodKind};
pub use register_file::{read_register, register_csv, register_table};
pub(crate) use rows::start_of;
use rows::Bad;
pub use rules::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Why tracking could not run at all (rows with problems are rejections, not errors).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TrackError {
    #[error("the plan's tracking section is invalid: {0}")]
    Rules(String),
    #[error("\"{0}\" is not a period of the plan's year")]
    Through(String),
}

/// What a file holds.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    /// unit, indicator, period, actual, last_year, peer_city, target.
    Periods,
    /// project, milestone, done_on (a milestone reached) or project, quarter, rater, score
    /// (a site-check rating); or the sealed records of site-check sheets.
    Projects,
    /// unit, indicator, date, veto, evidence, description.
    Events,
}

/// Where a row came from: file name and 1-based row (CSV: the line, the header being line 1;
/// JSON: the position in the array).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
pub struct Source {
    pub file: String,
    pub row: usize,
}

/// A period figure of one unit and data indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodRow {
    pub unit: String,
    pub indicator: String,
    pub period: Period,
    pub actual: f64,
    pub last_year: Option<f64>,
    pub peer_city: Option<f64>,
    pub target: Option<f64>,
    pub at: Source,
}

/// A milestone reported reached.
#[derive(Debug, Clone, PartialEq)]
pub struct MilestoneReport {
    pub project: String,
    pub milestone: String,
    pub done_on: Date,
    pub at: Source,
}

/// Who rates a project at the quarterly site check.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
#[schemars(rename = "SiteCheckRater")]
pub enum RaterGroup {
    /// 专家.
    Expert,
    /// 受益主体.
    Beneficiary,
    /// 项目建设者.
    Builder,
}

impl RaterGroup {
    pub fn name(self) -> Text {
        match self {
            RaterGroup::Expert => Text::new("专家", "experts"),
            RaterGroup::Beneficiary => Text::new("受益主体", "beneficiaries"),
            RaterGroup::Builder => Text::new("项目建设者", "builders"),
        }
    }

    pub fn id(self) -> &'static str {
        match self {
            RaterGroup::Expert => "expert",
            RaterGroup::Beneficiary => "beneficiary",
            RaterGroup::Builder => "builder",
        }
    }

    /// Reads the id or the Chinese name (专家, 受益主体, 建设者, 项目建设者).
    pub fn parse(t: &str) -> Option<RaterGroup> {
        Some(match t.trim().to_ascii_lowercase().as_str() {
            "expert" | "专家" => RaterGroup::Expert,
            "beneficiary" | "受益主体" => RaterGroup::Beneficiary,
            "builder" | "建设者" | "项目建设者" => RaterGroup::Builder,
            _ => return None,
        })
    }
}

/// One rating (0–100) of a project at a quarter's site check.
#[derive(Debug, Clone, PartialEq)]
pub struct SiteRating {
    pub project: String,
    pub quarter: Period,
    pub rater: RaterGroup,
    pub rater_id: Option<String>,
    pub score: f64,
    pub at: Source,
    /// From a site-check record (all the ratings of one record share `at`).
    pub record: bool,
}

/// A constraint event (约束类): e.g. a major ecological accident, with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstraintEvent {
    pub unit: String,
    pub indicator: String,
    pub date: Date,
    pub veto: bool,
    pub evidence: String,
    pub description: Option<String>,
    pub at: Source,
}

/// Counts per input file.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[schemars(rename = "TrackFileCount")]
pub struct FileCount {
    pub file: String,
    pub kind: InputKind,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Columns (or JSON keys) not used by tracking, read past.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ignored_columns: Vec<String>,
}

/// The rows of a plan's tracking year, collected from files.
#[derive(Debug, Clone)]
pub struct Tracker<'p> {
    plan: &'p Plan,
    rules: TrackingRules,
    files: BTreeMap<String, FileCount>,
    rejected: Vec<Rejection>,
    periods: BTreeMap<(String, String, Period), Vec<PeriodRow>>,
    milestones: BTreeMap<(String, String), Vec<MilestoneReport>>,
    ratings: Vec<SiteRating>,
    events: Vec<ConstraintEvent>,
    /// Accepted site-check records per plan version (plans with amendments only).
    versions: BTreeMap<String, usize>,
}
impl<'p> Tracker<'p> {
    pub fn new(plan: &'p Plan) -> Result<Tracker<'p>, TrackError> {
        let rules = TrackingRules::of(plan).map_err(TrackError::Rules)?;
        Ok(Tracker {
            plan,
            rules,
            files: BTreeMap::new(),
            rejected: Vec::new(),
            periods: BTreeMap::new(),
            milestones: BTreeMap::new(),
            ratings: Vec::new(),
            events: Vec::new(),
            versions: BTreeMap::new(),
        })
    }

    pub fn rules(&self) -> &TrackingRules {
        &self.rules
    }
    /// Adds the rows of another tracker of the same plan.
    pub fn merge(&mut self, other: Tracker<'_>) {
        for (name, f) in other.files {
            let e = self.files.entry(name).or_insert(FileCount {
                file: f.file.clone(),
                kind: f.kind,
                read: 0,
                accepted: 0,
                rejected: 0,
                ignored_columns: Vec::new(),
            });
            e.read += f.read;
            let mut cols: BTreeSet<String> = e.ignored_columns.drain(..).collect();
            cols.extend(f.ignored_columns);
            e.ignored_columns = cols.into_iter().collect();
        }
        self.rejected.extend(other.rejected);
        for (k, v) in other.periods {
            self.periods.entry(k).or_default().extend(v);
        }
        for (k, v) in other.milestones {
            self.milestones.entry(k).or_default().extend(v);
        }
        self.ratings.extend(other.ratings);
        self.events.extend(other.events);
        for (v, n) in other.versions {
            *self.versions.entry(v).or_default() += n;
        }
    }
}

/// A named file's text, as a page or a worker passes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct NamedFile {
    pub name: String,
    pub text: String,
}

/// Everything one tracking run reads (the office page's input).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TrackFiles {
    #[serde(default)]
    pub periods: Vec<NamedFile>,
    #[serde(default)]
    pub projects: Vec<NamedFile>,
    #[serde(default)]
    pub events: Vec<NamedFile>,
    /// The period analysed; default the latest with a figure.
    #[serde(default)]
    pub through: Option<String>,
    /// Language of the exports: zh-CN (default) or en.
    #[serde(default)]
    pub lang: Option<String>,
    /// The notice register kept so far (its text, as `register_csv` writes it), see
    /// [`register`].
    #[serde(default)]
    pub register: Option<NamedFile>,
    /// Issue notices dated this day (`YYYY-MM-DD`) to the units warned at `through` that
    /// have none for it in the register.
    #[serde(default)]
    pub issue: Option<String>,
    /// The day the register's statuses are for (`YYYY-MM-DD`); default the issue day, else the
    /// last day of `through`. The page passes today's date in China.
    #[serde(default)]
    pub today: Option<String>,
}

/// A unit's printable notice.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Notice {
    pub unit: String,
    pub level: Level,
    /// A whole page (for download and print).
    pub html: String,
    /// The same content as a fragment, to show inside a page.
    pub body: String,
}

/// A tracking run with its exports: the report, the warning list as CSV and a notice per
/// warned unit (plan order).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct TrackOutput {
    pub report: TrackReport,
    pub warnings_csv: String,
    pub notices: Vec<Notice>,
    /// The notice register, when one was given or notices were issued.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register: Option<register::Register>,
    /// That register as CSV (in `lang`), to keep for next month.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub register_csv: Option<String>,
    /// Why the register given was not read (then nothing was issued).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub register_problems: Vec<register::RegisterProblem>,
}

/// Reads the files, analyses the year up to `through` and makes the exports.
pub fn track_files(plan: &Plan, files: &TrackFiles) -> Result<TrackOutput, TrackError> {
    let mut t = Tracker::new(plan)?;
    for (kind, list) in [
        (InputKind::Periods, &files.periods),
        (InputKind::Projects, &files.projects),
        (InputKind::Events, &files.events),
    ] {
        for f in list {
            t.add_file(kind, &f.name, &f.text);
        }
    }
    let report = t.finish(files.through.as_deref())?;
    let lang = crate::text::ui_lang(files.lang.as_deref().unwrap_or("zh-CN"));
    let (register, register_problems) = track_register(plan, &report, files);
    let through = report.through.to_string();
    let entry = |u: &str| {
        register
            .as_ref()
            .and_then(|r| {
                r.rows
                    .iter()
                    .find(|x| x.entry.unit == u && x.entry.period == through)
            })
            .map(|x| &x.entry)
    };
    let notices = warned_units(plan, &report)
        .into_iter()
        .filter_map(|u| {
            let level = report
                .warnings
                .iter()
                .filter(|w| w.unit == u)
                .map(|w| w.level)
                .max()?;
            let html = notice_html(plan, &report, &u, entry(&u), lang)?;
            let (_, body) = notice_body(plan, &report, &u, entry(&u), lang)?;
            Some(Notice {
                unit: u,
                level,
                html,
                body,
            })
        })
        .collect();
    Ok(TrackOutput {
        warnings_csv: warnings_csv(plan, &report, lang),
        notices,
        register_csv: register.as_ref().map(|r| register_csv(plan, r, lang)),
        register,
        register_problems,
        report,
    })
}

/// The run's notice register ([`register::update_register`]); none when the files give
/// neither a register nor an issue day.
fn track_register(
    plan: &Plan,
    report: &TrackReport,
    files: &TrackFiles,
) -> (Option<register::Register>, Vec<register::RegisterProblem>) {
    if files.register.is_none() && files.issue.is_none() {
        return (None, Vec::new());
    }
    match register::update_register(
        plan,
        report,
        files.register.as_ref().map(|f| f.text.as_str()),
        files.issue.as_deref(),
        files.today.as_deref(),
    ) {
        Ok(r) => (Some(r), Vec::new()),
        Err(problems) => (None, problems),
    }
}
