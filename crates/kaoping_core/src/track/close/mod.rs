//! Closing the year (年终结转): the tracking year's report made into the year's indicator
//! figures, the input the annual aggregation scores ([`IndicatorInput`], what a figures table
//! gives), each with where it came from, every unit × indicator that tracking cannot fill
//! listed as a gap, and the office's overrides applied with their reasons.
//!
//! - **Data indicators** (数据类): the series at the year's last period: its value (the sum of
//!   the periods, the year to date, or the level) against its target; the baseline is last
//!   year's value over the same periods.
//! - **Project indicators** (项目类): the unit's tracking projects under the indicator, their
//!   milestones done (on time or late) of all, at year end; the site-check ratings are shown
//!   beside them (the plan's scoring takes the expert panel's score for the other part of a
//!   project indicator, not the site checks).
//! - **Constraint indicators** (约束类): passed unless an event was reported; a veto event
//!   vetoes. With no event file loaded, nothing is judged (a gap).
//!
//! A gap is never a zero: it stays out of the figures, listed with why, and the aggregation
//! then warns of the indicator without figures, as it does for a template row left blank.
//! See `docs/tracking.md` (年终) and `docs/yearend.md`.

mod apply;
mod derive;

use super::{Period, RatingSummary, Source, TrackFiles, TrackReport};
use crate::plan::{IndicatorKind, Plan};
use crate::score::{IndicatorInput, IndicatorValue};
use crate::text::Text;
use crate::yearend::{IndicatorOverride, OverrideRequest, TableProblem};
use serde::{Deserialize, Serialize};

/// The format tag of a year-end figures file.
pub const YEAR_END_FORMAT: &str = "kaoping.year-end/1";

/// The year's indicator figures made from tracking: what the aggregation reads (`indicators`,
/// with the `overrides` its manifest records), and per unit × indicator how it was made.
/// Written as JSON, `indicators` first, so that `kaoping aggregate` and the office page take
/// the file as indicator figures.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct YearEndFigures {
    /// The figures scored: every unit × indicator with a value, after the overrides.
    pub indicators: Vec<IndicatorInput>,
    /// The overrides made, with the values before and after and the reasons.
    pub overrides: Vec<IndicatorOverride>,
    pub format: String,
    pub plan_id: String,
    pub plan_sha256: String,
    /// The tracking year's last period, whose figures these are.
    pub through: Period,
    /// Every unit × indicator of the plan (plan order): the value derived, the value scored,
    /// where it came from, or why tracking has none.
    pub figures: Vec<DerivedFigure>,
    /// How many unit × indicator pairs have no value (neither tracking nor an override).
    pub gaps: usize,
}

/// One unit's figure for one indicator as tracking gives it.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DerivedFigure {
    pub unit: String,
    pub indicator: String,
    pub kind: IndicatorKind,
    /// The value tracking gives; none for a gap.
    pub derived: Option<IndicatorValue>,
    /// The value scored (after overrides); none when it stays a gap.
    pub value: Option<IndicatorValue>,
    /// `derived` and `value` in words, as the page shows them.
    pub derived_text: Option<Text>,
    pub value_text: Option<Text>,
    /// The fields an override may set for this indicator (`veto` only for a veto indicator).
    pub fields: Vec<&'static str>,
    /// Where each part of the value came from: periods, target, milestones, events.
    pub sources: Vec<Provenance>,
    /// Why tracking has no value (a gap); none when it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gap: Option<Text>,
    /// Whether an override changed it.
    pub overridden: bool,
    /// Project indicators: the site-check ratings of its projects, per quarter and rater group
    /// (shown, not scored).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub site_checks: Vec<ProjectRatings>,
}

/// One fact a figure was made from, in words, and the file row it was read from (when one).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Provenance {
    pub text: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

/// A tracking project's site-check ratings.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ProjectRatings {
    pub project: String,
    pub ratings: Vec<RatingSummary>,
}

/// Why the year-end figures could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CloseError {
    #[error(
        "the tracking report is of another plan (fingerprint {found}; this plan's is {expected})"
    )]
    OtherPlan { found: String, expected: String },
    #[error(
        "the tracking data end at {through}; the year-end figures are those of the year's last period, {last}"
    )]
    NotYearEnd { through: String, last: String },
    #[error("{} override(s) refused, nothing was changed; {}", problems.len(), crate::yearend::list(problems, "en"))]
    Overrides { problems: Vec<TableProblem> },
    #[error(transparent)]
    Track(super::TrackError),
}

/// The year's indicator figures from the tracking `report` of `plan` (analysed through the
/// year's last period), with the office's `overrides` applied. Overrides with any problem are
/// refused together, every problem listed (an override without a reason is one).
pub fn year_end_figures(
    plan: &Plan,
    report: &TrackReport,
    overrides: &[OverrideRequest],
) -> Result<YearEndFigures, CloseError> {
    if report.plan_sha256 != plan.sha256 {
        return Err(CloseError::OtherPlan {
            found: report.plan_sha256.clone(),
            expected: plan.sha256.clone(),
        });
    }
    let last = Period::new(plan.year, report.period_kind, report.period_kind.count());
    if report.through != last {
        return Err(CloseError::NotYearEnd {
            through: report.through.to_string(),
            last: last.to_string(),
        });
    }
    let mut figures = derive::derive(plan, report);
    let made = apply::apply(plan, &mut figures, overrides)
        .map_err(|problems| CloseError::Overrides { problems })?;
    for f in &mut figures {
        f.derived_text = f.derived.as_ref().map(describe);
        f.value_text = f.value.as_ref().map(describe);
    }
    let indicators = figures
        .iter()
        .filter_map(|f| {
            Some(IndicatorInput {
                unit: f.unit.clone(),
                indicator: f.indicator.clone(),
                value: f.value.clone()?,
            })
        })
        .collect();
    Ok(YearEndFigures {
        indicators,
        overrides: made,
        format: YEAR_END_FORMAT.to_owned(),
        plan_id: plan.id.clone(),
        plan_sha256: plan.sha256.clone(),
        through: report.through,
        gaps: figures.iter().filter(|f| f.value.is_none()).count(),
        figures,
    })
}

/// A figure in words: `实际值 6.1，目标值 6` / `actual 6.1, target 6`.
fn describe(v: &IndicatorValue) -> Text {
    let n = |x: f64| crate::cells::format_number(crate::score::round_to(x, 6) + 0.0);
    match v {
        IndicatorValue::Data {
            actual,
            target,
            baseline,
        } => {
            let (a, t) = (n(*actual), n(*target));
            let (bz, be) = baseline.map_or((String::new(), String::new()), |b| {
                (format!("，基期值 {}", n(b)), format!(", baseline {}", n(b)))
            });
            Text::new(
                &format!("实际值 {a}，目标值 {t}{bz}"),
                &format!("actual {a}, target {t}{be}"),
            )
        }
        IndicatorValue::Project {
            milestones_done: d,
            milestones_total: t,
        } => Text::new(
            &format!("完成节点 {d}/{t}"),
            &format!("{d} of {t} milestones"),
        ),
        IndicatorValue::Constraint { passed, veto, .. } => match (passed, veto) {
            (true, false) => Text::new("达标", "passed"),
            (false, false) => Text::new("未达标", "not passed"),
            (true, true) => Text::new("达标，一票否决", "passed, veto"),
            (false, true) => Text::new("未达标，一票否决", "not passed, veto"),
        },
    }
}

/// What the office page gives for the year-end figures in one step: the tracking files (as
/// for a tracking run) and the overrides.
#[derive(Debug, Clone, PartialEq, Default, Deserialize, schemars::JsonSchema)]
pub struct YearEndRequest {
    pub files: TrackFiles,
    #[serde(default)]
    pub overrides: Vec<OverrideRequest>,
}

/// The year-end figures, and the file to hand to the aggregation (its name and JSON text).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct YearEndOutput {
    pub figures: YearEndFigures,
    pub name: String,
    pub json: String,
}

impl YearEndFigures {
    /// The file's text: pretty JSON, `indicators` first (the aggregation tells the file's role
    /// from its first key).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }
}

/// The tracking files read and analysed (through the year's last period unless
/// `files.through` says otherwise), made into the year-end figures with the overrides: what
/// `kaoping track --year-end` does, in one call for the office page.
pub fn year_end_files(plan: &Plan, req: &YearEndRequest) -> Result<YearEndOutput, CloseError> {
    let out = super::track_files(plan, &req.files).map_err(CloseError::Track)?;
    let figures = year_end_figures(plan, &out.report, &req.overrides)?;
    Ok(YearEndOutput {
        name: format!("year-end-figures-{}.json", plan.year),
        json: figures.to_json(),
        figures,
    })
}

#[cfg(test)]
mod tests;
