//! The public results page (公示): what a city publishes of a year's result, and nothing
//! else. [`publication`] derives it from an [`EvaluationResult`]: rankings and grades per
//! category, merit units, vetoes with their reason, and each unit's public satisfaction with
//! its interval, small cells suppressed ([`suppress`]); no component breakdown, no panel or
//! scale statistics, no rater ids. [`html::public_page`] writes it as one self-contained page
//! in both languages (`docs/publish.md`).

pub mod html;
pub mod letters;
pub mod suppress;

use crate::export::{check_plan, ExportError};
use crate::plan::Plan;
use crate::score::{EvaluationResult, UnitResult};
use crate::stats::interval::{wilson_interval, Interval};
use crate::text::Text;
use serde::Serialize;
use suppress::{Cell, Suppression};

/// What the public page shows of a year.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicResults {
    pub plan_id: String,
    pub plan_version: String,
    pub plan_sha256: String,
    pub year: i32,
    /// Decimals of the published composite scores (the result's precision).
    pub precision: u32,
    /// Confidence level of the intervals, e.g. 0.95.
    pub confidence: f64,
    /// The plan's `publication.min_publish_n`.
    pub min_publish_n: u32,
    /// One entry per category, in plan order.
    pub categories: Vec<PublicCategory>,
    /// Merit units (立功单位), by category then rank.
    pub merit: Vec<String>,
    /// Vetoes (一票否决), by category then rank.
    pub vetoes: Vec<PublicVeto>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicCategory {
    pub category: String,
    /// In the result's listing order: score descending, unranked units last.
    pub ranking: Vec<PublicRank>,
    /// Public satisfaction, one row per unit in the ranking's order.
    pub satisfaction: Vec<PublicSatisfaction>,
    /// The category's pooled satisfaction rate (all its respondents), unless suppressed.
    pub total: Figure,
    /// Subtotals by orientation (目标/职责/问题导向, those the category has indicators of):
    /// each unit's weighted mean indicator score per orientation, in the ranking's order, and
    /// the category's means ([`crate::score::orientation`]). Indicator scores, not answers of
    /// respondents: nothing to suppress.
    pub orientations: Vec<crate::plan::Orientation>,
    pub orientation_rows: Vec<PublicOrientationRow>,
    pub orientation_means: Vec<Option<f64>>,
    /// What each resident unit's respondents most want improved (the plan's
    /// `priorities_question`), in the ranking's order; units without it are left out.
    pub priorities: Vec<PublicPriorities>,
}

/// The options a unit's respondents chose most often, or why they are not shown.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicPriorities {
    pub unit: String,
    /// Respondents who answered the priorities question.
    pub respondents: u64,
    /// Up to [`TOP_PRIORITIES`] options chosen by anyone, most chosen first; empty when
    /// `too_few`.
    pub top: Vec<PublicPriority>,
    /// Fewer than `min_publish_n` respondents answered: no share is shown. No total of the
    /// shares is published, so nothing else needs withholding.
    pub too_few: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicPriority {
    pub option: String,
    pub label: Text,
    /// Share (0–1) of the unit's answering respondents who chose it.
    pub share: f64,
}

/// How many of a unit's most chosen priorities the public page lists.
pub const TOP_PRIORITIES: usize = 3;

/// One unit's subtotals by orientation on the public page.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicOrientationRow {
    pub unit: String,
    /// Per orientation of the category, rounded to the result's precision.
    pub scores: Vec<Option<f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicRank {
    pub unit: String,
    pub rank: Option<u32>,
    /// The composite score as ranked (rounded to the result's precision).
    pub score: Option<f64>,
    /// Grade id (its words are in `labels` of the result: `unit.<id>`).
    pub grade: String,
    pub grade_name: Text,
    pub merit: bool,
    pub vetoed: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicVeto {
    pub unit: String,
    pub indicator: String,
    pub reason: Option<Text>,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PublicSatisfaction {
    pub unit: String,
    /// Respondents of the unit's satisfaction index.
    pub respondents: u64,
    /// Satisfaction rate: the top-box share (0–1) with its Wilson interval.
    pub rate: Figure,
    /// Satisfaction index (0–100) with its interval.
    pub index: Figure,
}

/// A published figure, or why it is not shown.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
#[serde(tag = "shown", rename_all = "snake_case")]
pub enum Figure {
    /// The estimate with its interval (the interval is absent when it could not be computed).
    Value {
        estimate: f64,
        lower: Option<f64>,
        upper: Option<f64>,
    },
    /// No answers at all.
    NoData,
    /// Fewer answers than `min_publish_n`.
    TooFew,
    /// Withheld so that a small figure cannot be worked out from the total.
    Withheld,
}

impl Figure {
    fn of(interval: Option<&Interval>, value: Option<f64>, s: Suppression) -> Figure {
        match s {
            Suppression::TooFew => Figure::TooFew,
            Suppression::Complementary => Figure::Withheld,
            Suppression::None => match value.or(interval.map(|i| i.estimate)) {
                Some(estimate) if estimate.is_finite() => Figure::Value {
                    estimate,
                    lower: interval.map(|i| i.lower),
                    upper: interval.map(|i| i.upper),
                },
                _ => Figure::NoData,
            },
        }
    }
}

/// The public page's figures of `result`, which must have been computed from `plan`.
pub fn publication(plan: &Plan, result: &EvaluationResult) -> Result<PublicResults, ExportError> {
    check_plan(plan, result)?;
    let min = plan.publication().min_publish_n;
    let unit = |id: &str| result.units.iter().find(|u| u.unit == id);
    let mut merit = Vec::new();
    let mut vetoes = Vec::new();
    let mut categories = Vec::new();
    let subtotals = crate::score::orientation::orientation_subtotals(plan, result);
    let round = |x: Option<f64>| x.map(|v| crate::score::round_to(v, result.precision));
    for cat in &result.categories {
        let units: Vec<&UnitResult> = cat.ranking.iter().filter_map(|e| unit(&e.unit)).collect();
        let ranking = cat
            .ranking
            .iter()
            .map(|e| {
                let u = unit(&e.unit);
                PublicRank {
                    unit: e.unit.clone(),
                    rank: e.rank,
                    score: e.score,
                    grade: e.grade.clone(),
                    grade_name: result
                        .labels
                        .get(&format!("unit.{}", e.grade))
                        .cloned()
                        .unwrap_or_else(|| Text::new(&e.grade, &e.grade)),
                    merit: u.is_some_and(|u| u.merit),
                    vetoed: u.is_some_and(|u| !u.vetoes.is_empty()),
                }
            })
            .collect();
        for u in &units {
            if u.merit {
                merit.push(u.unit.clone());
            }
            vetoes.extend(u.vetoes.iter().map(|v| PublicVeto {
                unit: u.unit.clone(),
                indicator: v.indicator.clone(),
                reason: v.reason.clone(),
            }));
        }
        let (satisfaction, total) = satisfaction(&units, u64::from(min), result.rules.confidence);
        let o = subtotals.iter().find(|o| o.category == cat.category);
        let orientation_rows = cat
            .ranking
            .iter()
            .filter_map(|e| {
                let u = o?.units.iter().find(|u| u.unit == e.unit)?;
                Some(PublicOrientationRow {
                    unit: e.unit.clone(),
                    scores: u.subtotals.iter().map(|s| round(s.score)).collect(),
                })
            })
            .collect();
        let priorities = units
            .iter()
            .filter_map(|u| priorities(u, u64::from(min)))
            .collect();
        categories.push(PublicCategory {
            category: cat.category.clone(),
            ranking,
            satisfaction,
            total,
            orientations: o.map(|o| o.orientations.clone()).unwrap_or_default(),
            orientation_rows,
            orientation_means: o
                .map(|o| o.means.iter().map(|m| round(*m)).collect())
                .unwrap_or_default(),
            priorities,
        });
    }
    Ok(PublicResults {
        plan_id: result.plan_id.clone(),
        plan_version: result.plan_version.clone(),
        plan_sha256: result.plan_sha256.clone(),
        year: result.year,
        precision: result.precision,
        confidence: result.rules.confidence,
        min_publish_n: min,
        categories,
        merit,
        vetoes,
    })
}

/// The public results page of `result` ([`publication`], then [`html::public_page`]): one
/// HTML file, refused unless the result was computed from `plan`.
pub fn public_page(plan: &Plan, result: &EvaluationResult) -> Result<String, ExportError> {
    Ok(html::public_page(plan, &publication(plan, result)?))
}

impl PublicResults {
    /// How many units' satisfaction figures are not shown: (too few answers, withheld).
    pub fn suppressed(&self) -> (usize, usize) {
        let rows = self.categories.iter().flat_map(|c| &c.satisfaction);
        let count = |f: &dyn Fn(&Figure) -> bool| rows.clone().filter(|s| f(&s.rate)).count();
        (
            count(&|f| *f == Figure::TooFew),
            count(&|f| *f == Figure::Withheld),
        )
    }
}

/// A resident unit's most chosen priorities, unless fewer than `min` respondents answered.
fn priorities(u: &UnitResult, min: u64) -> Option<PublicPriorities> {
    let p = u.components.public.priorities.as_ref()?;
    let too_few = p.n < min;
    let top = if too_few {
        Vec::new()
    } else {
        p.options
            .iter()
            .filter(|o| o.count > 0)
            .take(TOP_PRIORITIES)
            .map(|o| PublicPriority {
                option: o.option.clone(),
                label: o.label.clone(),
                share: o.share,
            })
            .collect()
    };
    Some(PublicPriorities {
        unit: u.unit.clone(),
        respondents: p.n,
        top,
        too_few,
    })
}

/// A category's satisfaction rows and pooled rate, suppressed as [`suppress::suppress`] says.
/// A unit's rate and index are shown or withheld together: one row, one decision (the index
/// could otherwise bound a withheld rate).
fn satisfaction(units: &[&UnitResult], min: u64, level: f64) -> (Vec<PublicSatisfaction>, Figure) {
    let cells: Vec<Cell> = units
        .iter()
        .map(|u| {
            let p = &u.components.public;
            let (n, satisfied) = p
                .satisfaction_rate
                .as_ref()
                .map_or((0, 0.0), |r| (r.n, r.estimate * r.n as f64));
            let index_n = p.summary.n;
            Cell {
                n,
                satisfied,
                small: (n > 0 && n < min) || (index_n > 0 && index_n < min),
            }
        })
        .collect();
    let decision = suppress::suppress(&cells, min);
    let rows = units
        .iter()
        .zip(&decision.cells)
        .map(|(u, &s)| {
            let p = &u.components.public;
            PublicSatisfaction {
                unit: u.unit.clone(),
                respondents: p.summary.n,
                rate: Figure::of(p.satisfaction_rate.as_ref(), None, s),
                index: Figure::of(p.summary.interval.as_ref(), p.summary.value, s),
            }
        })
        .collect();
    let n: u64 = cells.iter().map(|c| c.n).sum();
    let satisfied: f64 = cells.iter().map(|c| c.satisfied).sum();
    let total = if n == 0 {
        Figure::NoData
    } else if n < min {
        Figure::TooFew
    } else if !decision.total_shown {
        Figure::Withheld
    } else {
        let estimate = satisfied / n as f64;
        // Wilson's interval wants whole counts; a weighted count is rounded for it only.
        let interval = wilson_interval(satisfied.round() as u64, n, level).ok();
        Figure::Value {
            estimate,
            lower: interval.as_ref().map(|i| i.lower),
            upper: interval.as_ref().map(|i| i.upper),
        }
    };
    (rows, total)
}

#[cfg(test)]
mod tests;
