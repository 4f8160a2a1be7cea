//! Each row checked and taken in: period figures, project reports (milestones and site-check
//! ratings), constraint events; or rejected with its column and reason.

use super::read::Row;
use super::{
    rules, ConstraintEvent, Date, MilestoneReport, Period, PeriodKind, PeriodRow, RaterGroup,
    SiteRating, Source, TrackedIndicator, Tracker,
};
use crate::ingest::Rejection;
use crate::plan::{Indicator, IndicatorKind, Plan, Unit};
use crate::text::Text;
use serde_json::Value;

impl<'p> Tracker<'p> {
    pub(super) fn reject(
        &mut self,
        at: &Source,
        column: Option<String>,
        code: &'static str,
        zh: &str,
        en: &str,
    ) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column,
            code,
            message: Text::new(zh, en),
        });
    }

    pub(super) fn period_row(&mut self, row: Row) {
        let r = (|| {
            let unit = self.unit(&row)?;
            let (ind, tracked) = self.data_indicator(&row, unit)?;
            let kind = self.rules.period;
            let period = row.period(kind, self.plan.year)?;
            let start = start_of(self.plan, tracked, ind, kind, &unit.id);
            if period < start {
                return Err(Bad::new(
                    "period",
                    "before_start",
                    &format!("指标“{}”自 {start} 起考核（追加下达），此前各期不计", ind.name.get("zh-CN")),
                    &format!("indicator \"{}\" applies from {start} (added during the year); earlier periods are not counted", ind.name.get("en")),
                ));
            }
            let actual = row
                .number("actual")?
                .ok_or_else(|| Bad::missing("actual"))?;
            let last_year = row.number("last_year")?;
            let peer_city = row.number("peer_city")?;
            let target = row.number("target")?;
            if let Some(t) = target {
                if t <= 0.0 {
                    return Err(Bad::new(
                        "target",
                        "bad_value",
                        &format!("目标值 {t} 应大于 0"),
                        &format!("target {t} must be greater than 0"),
                    ));
                }
            }
            Ok(PeriodRow {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                period,
                actual,
                last_year,
                peer_city,
                target,
                at: row.at.clone(),
            })
        })();
        match r {
            Ok(p) => self
                .periods
                .entry((p.unit.clone(), p.indicator.clone(), p.period))
                .or_default()
                .push(p),
            Err(b) => self.bad(&row.at, b),
        }
    }

    pub(super) fn project_row(&mut self, row: Row) {
        enum Got {
            Milestone(MilestoneReport),
            Rating(SiteRating),
        }
        let r = (|| {
            let id = row.text("project").ok_or_else(|| Bad::missing("project"))?;
            let project = self.rules.project(&id).ok_or_else(|| {
                Bad::new(
                    "project",
                    "unknown_project",
                    &format!("方案的跟踪部分没有项目“{id}”"),
                    &format!("the plan's tracking section has no project \"{id}\""),
                )
            })?;
            if let Some(m) = row.text("milestone") {
                if !project.milestones.iter().any(|x| x.id == m) {
                    return Err(Bad::new(
                        "milestone",
                        "unknown_milestone",
                        &format!("项目“{id}”没有节点“{m}”"),
                        &format!("project \"{id}\" has no milestone \"{m}\""),
                    ));
                }
                let done_on = row.date("done_on")?;
                return Ok(Got::Milestone(MilestoneReport {
                    project: id,
                    milestone: m,
                    done_on,
                    at: row.at.clone(),
                }));
            }
            if let Some(g) = row.text("rater") {
                let rater = RaterGroup::parse(&g).ok_or_else(|| {
                    Bad::new(
                        "rater",
                        "bad_value",
                        &format!("评价主体“{g}”无效；可用：expert（专家）、beneficiary（受益主体）、builder（项目建设者）"),
                        &format!("rater \"{g}\" is not expert, beneficiary or builder"),
                    )
                })?;
                let q = row.text("quarter").ok_or_else(|| Bad::missing("quarter"))?;
                let quarter = match Period::parse(&q, PeriodKind::Quarter) {
                    Some(p) if p.year == self.plan.year => p,
                    _ => {
                        return Err(Bad::new(
                            "quarter",
                            "bad_period",
                            &format!(
                                "季度“{q}”无效：应为 {} 年内的季度（如 {}-Q1）",
                                self.plan.year, self.plan.year
                            ),
                            &format!(
                                "quarter \"{q}\" is not a quarter of {} (e.g. {}-Q1)",
                                self.plan.year, self.plan.year
                            ),
                        ))
                    }
                };
                let score = row.number("score")?.ok_or_else(|| Bad::missing("score"))?;
                if !(0.0..=100.0).contains(&score) {
                    return Err(Bad::new(
                        "score",
                        "bad_value",
                        &format!("评分 {score} 应在 0 到 100 之间"),
                        &format!("score {score} must be between 0 and 100"),
                    ));
                }
                return Ok(Got::Rating(SiteRating {
                    project: id,
                    quarter,
                    rater,
                    rater_id: row.text("rater_id"),
                    score,
                    at: row.at.clone(),
                    record: false,
                }));
            }
            Err(Bad::new(
                "milestone",
                "not_a_row",
                "项目行应填写节点（milestone 与 done_on）或现场评价（quarter、rater 与 score）",
                "a project row names a milestone (with done_on) or a site-check rating (quarter, rater and score)",
            ))
        })();
        match r {
            Ok(Got::Milestone(m)) => self
                .milestones
                .entry((m.project.clone(), m.milestone.clone()))
                .or_default()
                .push(m),
            Ok(Got::Rating(s)) => self.ratings.push(s),
            Err(b) => self.bad(&row.at, b),
        }
    }

    pub(super) fn event_row(&mut self, row: Row) {
        let r = (|| {
            let unit = self.unit(&row)?;
            let name = row
                .text("indicator")
                .ok_or_else(|| Bad::missing("indicator"))?;
            let ind = find_indicator(self.plan, &name)
                .filter(|i| i.kind == IndicatorKind::Constraint)
                .ok_or_else(|| {
                    Bad::new(
                        "indicator",
                        "unknown_indicator",
                        &format!("“{name}”不是方案中的约束类指标"),
                        &format!("\"{name}\" is not a constraint indicator of the plan"),
                    )
                })?;
            applies(ind, unit)?;
            let date = row.date("date")?;
            let veto = row.flag("veto")?;
            if veto && !ind.veto {
                return Err(Bad::new(
                    "veto",
                    "bad_value",
                    &format!("指标“{}”不是一票否决指标", ind.name.get("zh-CN")),
                    &format!("indicator \"{}\" has no veto", ind.name.get("en")),
                ));
            }
            let evidence = row
                .text("evidence")
                .ok_or_else(|| Bad::missing("evidence"))?;
            Ok(ConstraintEvent {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                date,
                veto,
                evidence,
                description: row.text("description"),
                at: row.at.clone(),
            })
        })();
        match r {
            Ok(e) => self.events.push(e),
            Err(b) => self.bad(&row.at, b),
        }
    }

    pub(super) fn bad(&mut self, at: &Source, b: Bad) {
        self.rejected.push(Rejection {
            file: at.file.clone(),
            row: at.row,
            column: Some(b.column).filter(|c| !c.is_empty()),
            code: b.code,
            message: b.message,
        });
    }

    fn unit(&self, row: &Row) -> Result<&'p Unit, Bad> {
        let name = row.text("unit").ok_or_else(|| Bad::missing("unit"))?;
        let plan: &'p Plan = self.plan;
        plan.units
            .iter()
            .find(|u| u.id == name)
            .or_else(|| {
                plan.units
                    .iter()
                    .find(|u| u.name.0.values().any(|n| *n == name))
            })
            .ok_or_else(|| {
                Bad::new(
                    "unit",
                    "unknown_unit",
                    &format!("方案中没有责任单位“{name}”"),
                    &format!("the plan has no unit \"{name}\""),
                )
            })
    }

    fn data_indicator(
        &self,
        row: &Row,
        unit: &Unit,
    ) -> Result<(&'p Indicator, &TrackedIndicator), Bad> {
        let name = row
            .text("indicator")
            .ok_or_else(|| Bad::missing("indicator"))?;
        let plan: &'p Plan = self.plan;
        let ind = find_indicator(plan, &name).ok_or_else(|| {
            Bad::new(
                "indicator",
                "unknown_indicator",
                &format!("方案中没有指标“{name}”"),
                &format!("the plan has no indicator \"{name}\""),
            )
        })?;
        let tracked = self.rules.indicator(&ind.id).ok_or_else(|| {
            Bad::new(
                "indicator",
                "not_tracked",
                &format!("指标“{}”不在方案的按期跟踪指标中", ind.name.get("zh-CN")),
                &format!(
                    "indicator \"{}\" is not tracked by period in the plan",
                    ind.name.get("en")
                ),
            )
        })?;
        applies(ind, unit)?;
        Ok((ind, tracked))
    }
}
fn find_indicator<'p>(plan: &'p Plan, name: &str) -> Option<&'p Indicator> {
    plan.indicators.iter().find(|i| i.id == name).or_else(|| {
        plan.indicators
            .iter()
            .find(|i| i.name.0.values().any(|n| n == name))
    })
}

fn applies(ind: &Indicator, unit: &Unit) -> Result<(), Bad> {
    if ind.weights.contains_key(&unit.category) {
        Ok(())
    } else {
        Err(Bad::new(
            "indicator",
            "not_applicable",
            &format!(
                "{}的类别不考核指标“{}”",
                unit.name.get("zh-CN"),
                ind.name.get("zh-CN")
            ),
            &format!(
                "{} is in a category without indicator \"{}\"",
                unit.name.get("en"),
                ind.name.get("en")
            ),
        ))
    }
}

/// The first period an indicator counts from in `unit` (validated with the plan): the unit's
/// own start, else the indicator's.
pub(crate) fn start_of(
    plan: &Plan,
    t: &TrackedIndicator,
    ind: &Indicator,
    kind: PeriodKind,
    unit: &str,
) -> Period {
    t.starts
        .get(unit)
        .map(String::as_str)
        .or(t.start.as_deref())
        .or(ind.from_period.as_deref())
        .and_then(|s| Period::parse(s, kind))
        .filter(|p| p.year == plan.year)
        .unwrap_or(Period::new(plan.year, kind, 1))
}

/// A row's problem.
pub(super) struct Bad {
    pub(super) column: String,
    pub(super) code: &'static str,
    pub(super) message: Text,
}

impl Bad {
    pub(super) fn new(column: &str, code: &'static str, zh: &str, en: &str) -> Bad {
        Bad {
            column: column.to_owned(),
            code,
            message: Text::new(zh, en),
        }
    }

    /// A record whose sheet is not the plan's: the error's text in both languages.
    pub(super) fn unknown_instrument(e: &crate::record::RecordError) -> Bad {
        use crate::text::Bilingual;
        Bad::new("instrument", "unknown_instrument", &e.zh(), &e.to_string())
    }

    pub(super) fn missing(column: &str) -> Bad {
        Bad::new(
            column,
            "missing_value",
            &format!("缺少“{column}”"),
            &format!("\"{column}\" is missing"),
        )
    }
}

impl Row {
    /// A non-empty text field (numbers are taken as written).
    pub(super) fn text(&self, name: &str) -> Option<String> {
        match self.fields.get(name)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    pub(super) fn number(&self, name: &str) -> Result<Option<f64>, Bad> {
        let not = |shown: &str| {
            Bad::new(
                name,
                "not_numeric",
                &format!("“{name}”应为数值，现为“{shown}”"),
                &format!("\"{name}\" must be a number, not \"{shown}\""),
            )
        };
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => n.as_f64().map(Some).ok_or_else(|| not(&n.to_string())),
            Some(Value::String(s)) => {
                let t = s.trim();
                if t.is_empty() {
                    return Ok(None);
                }
                match t.parse::<f64>() {
                    Ok(v) if v.is_finite() && !t.eq_ignore_ascii_case("nan") => Ok(Some(v)),
                    _ => Err(not(t)),
                }
            }
            Some(other) => Err(not(&other.to_string())),
        }
    }

    pub(super) fn flag(&self, name: &str) -> Result<bool, Bad> {
        match self.fields.get(name) {
            None | Some(Value::Null) => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => {
                let t = match v {
                    Value::String(s) => s.trim().to_ascii_lowercase(),
                    other => other.to_string(),
                };
                match t.as_str() {
                    "" | "false" | "0" | "no" | "否" => Ok(false),
                    "true" | "1" | "yes" | "是" => Ok(true),
                    _ => Err(Bad::new(
                        name,
                        "bad_value",
                        &format!("“{name}”应为 true/false（是/否），现为“{t}”"),
                        &format!("\"{name}\" must be true or false, not \"{t}\""),
                    )),
                }
            }
        }
    }

    pub(super) fn date(&self, name: &str) -> Result<Date, Bad> {
        let t = self.text(name).ok_or_else(|| Bad::missing(name))?;
        Date::parse(&t).ok_or_else(|| {
            Bad::new(
                name,
                "bad_date",
                &format!("日期“{t}”无效（应为 YYYY-MM-DD）"),
                &format!("date \"{t}\" is not a date (YYYY-MM-DD)"),
            )
        })
    }

    pub(super) fn period(&self, kind: PeriodKind, year: i32) -> Result<Period, Bad> {
        let t = self.text("period").ok_or_else(|| Bad::missing("period"))?;
        match Period::parse(&t, kind) {
            Some(p) if p.year == year => Ok(p),
            _ => Err(Bad::new(
                "period",
                "bad_period",
                &format!("期间“{t}”无效：应为 {year} 年内的{}", rules::kind_zh(kind)),
                &format!("period \"{t}\" is not a {} of {year}", rules::kind_en(kind)),
            )),
        }
    }
}
