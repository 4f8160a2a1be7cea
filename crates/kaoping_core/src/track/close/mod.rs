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

use super::{Period, RatingSummary, Source, TrackReport};
use crate::plan::{IndicatorKind, Plan};
use crate::score::{IndicatorInput, IndicatorValue};
use crate::text::Text;
use crate::yearend::{IndicatorOverride, OverrideRequest, TableProblem};
use serde::Serialize;

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

#[cfg(test)]
mod tests;
