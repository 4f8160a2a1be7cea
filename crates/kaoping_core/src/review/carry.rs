//! A review or site-check sheet begun under another version of the plan, carried over to this
//! one (issue 13: a draft is never dropped silently). What still has its place on the new
//! sheet is kept: the reviewer's number, a group and a quarter the sheet still offers, units
//! (projects) still on it, scores of cells that still exist and still fit the scale, and their
//! comments. Everything else is listed with its reason, so that the page can show it and keep
//! the earlier sheet for download.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{cell_key, ReviewAnswers, ReviewSheetLayout, SheetKind, SheetUnit};
use crate::form::{is_answered, UNABLE};
use crate::text::Text;

/// What came over to the new sheet, and what did not.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewCarryOver {
    pub answers: ReviewAnswers,
    /// What was entered but has no place on the new sheet, in sheet order of kinds: group,
    /// quarter, recusals, then scores and comments by unit and indicator.
    pub dropped: Vec<ReviewDropped>,
}

/// One entry of the earlier sheet that was not carried over.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReviewDropped {
    /// `"group"`, `"quarter"`, `"recused"`, `"score"` or `"comment"`.
    pub field: String,
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub indicator: Option<String>,
    /// What was entered, as text (a score, a group id, a comment's first characters).
    pub entered: String,
    pub reason: Text,
}

/// Carry `answers`, entered on a sheet of another version of the plan, over to `layout`, the
/// same sheet of this plan ([`crate::track::sheet::carry_over_review`] finds it by id).
pub fn carry_over(layout: &ReviewSheetLayout, answers: &ReviewAnswers) -> ReviewCarryOver {
    let mut c = Carry {
        layout,
        site: layout.kind == SheetKind::SiteCheck,
        dropped: Vec::new(),
    };
    let mut kept = ReviewAnswers {
        reviewer: answers.reviewer.clone(),
        ..ReviewAnswers::default()
    };
    c.group_and_quarter(answers, &mut kept);
    for r in &answers.recused {
        if c.unit_of(r).is_some() {
            if !kept.recused.contains(r) {
                kept.recused.push(r.clone());
            }
        } else {
            c.drop("recused", Some((r, "")), r.clone(), c.gone_unit());
        }
    }
    c.scores(answers, &mut kept);
    c.comments(answers, &mut kept);
    ReviewCarryOver {
        answers: kept,
        dropped: c.dropped,
    }
}

/// The new sheet, and what did not come over to it so far.
struct Carry<'a> {
    layout: &'a ReviewSheetLayout,
    site: bool,
    dropped: Vec<ReviewDropped>,
}

impl Carry<'_> {
    fn drop(&mut self, field: &str, cell: Option<(&str, &str)>, entered: String, reason: Text) {
        self.dropped.push(ReviewDropped {
            field: field.to_owned(),
            unit: cell.map(|c| c.0.to_owned()),
            indicator: cell.map(|c| c.1.to_owned()).filter(|s| !s.is_empty()),
            entered,
            reason,
        });
    }

    fn unit_of(&self, id: &str) -> Option<&SheetUnit> {
        self.layout
            .categories
            .iter()
            .flat_map(|c| &c.units)
            .find(|u| u.id == id)
    }

    fn gone_unit(&self) -> Text {
        if self.site {
            Text::new(
                "这个项目已不在评价表中。",
                "The project is no longer on the sheet.",
            )
        } else {
            Text::new(
                "这个单位已不在评审表中。",
                "The unit is no longer on the sheet.",
            )
        }
    }

    fn group_and_quarter(&mut self, answers: &ReviewAnswers, kept: &mut ReviewAnswers) {
        let layout = self.layout;
        if let Some(g) = answers.group.as_deref().filter(|g| !g.trim().is_empty()) {
            if layout.groups.iter().any(|x| x.id == g.trim()) {
                kept.group = Some(g.to_owned());
            } else {
                self.drop(
                    "group",
                    None,
                    g.to_owned(),
                    Text::new(
                        "评审表已不再提供这个组别，请重新选择。",
                        "The sheet no longer offers this group; choose again.",
                    ),
                );
            }
        }
        if let Some(q) = answers.quarter.as_deref().filter(|q| !q.trim().is_empty()) {
            if layout.quarters.iter().any(|x| x == q.trim()) {
                kept.quarter = Some(q.to_owned());
            } else {
                self.drop(
                    "quarter",
                    None,
                    q.to_owned(),
                    Text::new(
                        "这个季度已不在本年度的评价表中，请重新选择。",
                        "The quarter is no longer on this year's sheet; choose again.",
                    ),
                );
            }
        }
    }

    fn scores(&mut self, answers: &ReviewAnswers, kept: &mut ReviewAnswers) {
        for (unit, scores) in &answers.scores {
            for (indicator, v) in scores {
                if !is_answered(Some(v)) {
                    continue;
                }
                let entered = match v {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                let reason = match self.unit_of(unit) {
                    None => Some(self.gone_unit()),
                    Some(u) if !u.indicators.contains(indicator) => Some(gone_indicator(self.site)),
                    Some(_) => fits(self.layout, v),
                };
                match reason {
                    None => {
                        kept.scores
                            .entry(unit.clone())
                            .or_default()
                            .insert(indicator.clone(), v.clone());
                    }
                    Some(reason) => self.drop("score", Some((unit, indicator)), entered, reason),
                }
            }
        }
    }

    fn comments(&mut self, answers: &ReviewAnswers, kept: &mut ReviewAnswers) {
        for (key, text) in &answers.comments {
            if text.trim().is_empty() {
                continue;
            }
            let (unit, indicator) = key.split_once('/').unwrap_or((key, ""));
            let reason = match self.unit_of(unit) {
                None => Some(self.gone_unit()),
                Some(u) if !u.indicators.iter().any(|i| i == indicator) => {
                    Some(gone_indicator(self.site))
                }
                Some(_) => None,
            };
            match reason {
                None => {
                    kept.comments
                        .insert(cell_key(unit, indicator), text.clone());
                }
                Some(reason) => self.drop("comment", Some((unit, indicator)), text.clone(), reason),
            }
        }
    }
}

fn gone_indicator(site: bool) -> Text {
    if site {
        Text::new(
            "这项查核标准已不在评价表中。",
            "The criterion is no longer on the sheet.",
        )
    } else {
        Text::new(
            "这个单位已不再按这项指标评审。",
            "The unit is no longer rated on this indicator.",
        )
    }
}

/// Why a score does not fit the new sheet's scale, if it does not. Text that is neither a
/// number nor "unable" (typed by mistake) is kept: the sheet reports it as before.
fn fits(layout: &ReviewSheetLayout, v: &Value) -> Option<Text> {
    match v {
        Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            (!layout.scale.contains(x)).then(|| {
                Text::new(
                    "评分标准已改变，原来的分数不在新的分值范围内。",
                    "The scale changed; the earlier score is not on the new one.",
                )
            })
        }
        Value::String(s) if s == UNABLE => (!layout.unable).then(|| {
            Text::new(
                "评审表已不再允许“无法评价”。",
                "The sheet no longer allows “unable to judge”.",
            )
        }),
        _ => None,
    }
}
