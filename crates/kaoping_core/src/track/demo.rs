//! Synthetic tracking data for the demo plan: monthly figures, milestone reports and quarterly
//! site checks, and two constraint events, up to a month. Own PRNG (splitmix64), only
//! `+ − × ÷`, so the same seed gives the same files natively and in WebAssembly.
//!
//! On purpose (the demo shows them as warnings): 黄陂区 (huangpi) is far behind on fiscal
//! revenue all year; 硚口区 (qiaokou) falls behind on investment growth from June and its Garden
//! Expo planting slips past its due date, with low beneficiary ratings in Q2; the transport
//! department's service time lengthens from July; 江夏区 (jiangxia) dips on manufacturing in the
//! latest month only and has a (non-veto) safety event in August; 蔡甸区 (caidian) has a major
//! ecological accident in June (veto); 东西湖区 (dongxihu) did not report manufacturing for April.
//!
//! The quarterly site checks are sealed records of the demo plan's site-check sheet, made by
//! the review page's own path ([`super::sheet::build_review_record`]): each quarter three
//! experts rate every project, and two beneficiaries and two builders of each project rate
//! that project (beneficiaries mark safety "unable to judge").

use super::sheet::build_review_record;
use super::{Basis, Date, Period, PeriodKind, Progress, TrackError, TrackingRules};
use crate::plan::{demo_plan, Direction, Plan};
use crate::review::{ReviewAnswers, ReviewSubmission};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::fmt::Write;

use crate::random::SplitMix64 as Rng;

/// The demo's input files, as the office would load them.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct DemoPeriods {
    /// `periods.csv`: unit, indicator, period, actual, last_year, peer_city.
    pub periods_csv: String,
    /// `projects.json`: milestone reports.
    pub projects_json: String,
    /// `site-checks.jsonl`: the quarterly site-check records (JSON Lines), a project file too.
    pub site_checks_jsonl: String,
    /// `events.json`: constraint events.
    pub events_json: String,
    /// The last month written.
    pub through: String,
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Performance of a unit on an indicator in a month (1 = on target and on time).
fn performance(unit: &str, indicator: &str, month: u32, through: u32, base: f64) -> f64 {
    match (unit, indicator) {
        ("huangpi", "fiscal_revenue") => 0.82,
        ("qiaokou", "investment_growth") if month >= 6 => 0.88,
        ("transport", "service_time") if month >= 7 => 0.93,
        ("jiangxia", "manufacturing") if month == through && month > 1 => 0.93,
        _ => base,
    }
}

/// Synthetic tracking files for the demo plan, from January to `through` (`2026-09`; default
/// the whole year).
pub fn demo_periods(seed: u64, through: Option<&str>) -> Result<DemoPeriods, TrackError> {
    let plan = demo_plan();
    let rules = TrackingRules::of(&plan).map_err(TrackError::Rules)?;
    let last = match through {
        Some(t) => match Period::parse(t, PeriodKind::Month) {
            Some(p) if p.year == plan.year => p.index,
            _ => return Err(TrackError::Through(t.to_owned())),
        },
        None => 12,
    };
    let mut rng = Rng(seed ^ 0x7472_6163_6b00_0000);
    // The monthly figures draw from `rng` first, then the site checks.
    let csv = monthly_figures(&plan, &rules, last, &mut rng);
    let end = Period::new(plan.year, PeriodKind::Month, last).last_day();
    let site_checks_jsonl = site_checks(&plan, &rules, last / 3, &mut rng)?;
    Ok(DemoPeriods {
        periods_csv: csv,
        projects_json: milestone_reports(end),
        site_checks_jsonl,
        events_json: constraint_events(end),
        through: Period::new(plan.year, PeriodKind::Month, last).to_string(),
    })
}

/// `periods.csv`: every tracked indicator's monthly figures for every unit, months 1 to `last`.
fn monthly_figures(plan: &Plan, rules: &TrackingRules, last: u32, rng: &mut Rng) -> String {
    let mut csv = String::from("unit,indicator,period,actual,last_year,peer_city\n");
    for t in &rules.indicators {
        let Some(ind) = plan.indicator(&t.indicator) else {
            continue;
        };
        let profile = t.progress.as_ref().unwrap_or(&rules.progress);
        let share = |m: u32| match profile {
            Progress::Linear => f64::from(m) / 12.0,
            Progress::Seasonal { cumulative } => {
                if m == 0 {
                    0.0
                } else {
                    cumulative[m as usize - 1]
                }
            }
        };
        let lower = t.direction.or(ind.direction) == Some(Direction::LowerIsBetter);
        let peer = matches!(ind.id.as_str(), "gdp_growth" | "investment_growth");
        let peer_base = t.target.unwrap_or(1.0) * 0.93;
        for unit in &plan.units {
            if !ind.weights.contains_key(&unit.category) {
                continue;
            }
            let Some(target) = t.targets.get(&unit.id).copied().or(t.target) else {
                continue;
            };
            let base = 1.0 + 0.02 * rng.normal().clamp(-1.5, 1.5);
            for m in 1..=last {
                let jitter = 0.01 * rng.normal();
                if unit.id == "dongxihu" && ind.id == "manufacturing" && m == 4 {
                    continue;
                }
                let r = performance(&unit.id, &ind.id, m, last, base) + jitter;
                let (actual, last_year) = match t.basis {
                    Basis::Level => {
                        let v = if lower { target / r } else { target * r };
                        (v, v - target * (0.04 + 0.02 * rng.normal()))
                    }
                    Basis::Sum | Basis::YearToDate => {
                        let v = target * (share(m) - share(m - 1)) * r;
                        (v, v / (1.06 + 0.02 * rng.normal()))
                    }
                };
                let peer_city = if peer {
                    format!("{}", round2(peer_base + 0.05 * f64::from(m % 3)))
                } else {
                    String::new()
                };
                let _ = writeln!(
                    csv,
                    "{},{},{}-{:02},{},{},{}",
                    unit.id,
                    ind.id,
                    plan.year,
                    m,
                    round2(actual),
                    round2(last_year),
                    peer_city
                );
            }
        }
    }
    csv
}

/// `projects.json`: the milestone reports done by `end`.
fn milestone_reports(end: Date) -> String {
    let done: &[(&str, &str, &str)] = &[
        ("garden_expo", "landfill", "2026-04-25"),
        ("garden_expo", "planting", "2026-10-20"),
        ("east_lake_tunnel", "bore", "2026-03-28"),
        ("east_lake_tunnel", "fitout", "2026-08-29"),
        ("east_lake_tunnel", "open", "2026-12-28"),
        ("old_area", "relocation", "2026-05-30"),
        ("old_area", "demolition", "2026-09-26"),
        ("old_area", "start", "2026-12-20"),
        ("ring_road", "land", "2026-03-20"),
        ("ring_road", "link", "2026-06-30"),
        ("ring_road", "open", "2026-11-28"),
        ("approval_3", "list", "2026-04-15"),
        ("approval_3", "online", "2026-10-10"),
        ("city_partner", "policy", "2026-08-20"),
        ("city_partner", "talent", "2026-11-25"),
    ];
    let mut rows = Vec::new();
    for (p, m, d) in done {
        if super::Date::parse(d).is_some_and(|d| d <= end) {
            rows.push(json!({"project": p, "milestone": m, "done_on": d}));
        }
    }
    serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n"
}

/// `events.json`: the constraint events that happened by `end`.
fn constraint_events(end: Date) -> String {
    let events: Vec<serde_json::Value> = [
        json!({
            "unit": "caidian", "indicator": "ecology", "date": "2026-06-18", "veto": true,
            "evidence": "市生态环境局通报〔2026〕12号",
            "description": "后官湖水体污染（重大生态环境事故）"
        }),
        json!({
            "unit": "jiangxia", "indicator": "safety", "date": "2026-08-03", "veto": false,
            "evidence": "市应急管理局事故通报〔2026〕31号",
            "description": "一般生产安全事故，已约谈整改"
        }),
    ]
    .into_iter()
    .filter(|e| {
        e["date"]
            .as_str()
            .and_then(super::Date::parse)
            .is_some_and(|d| d <= end)
    })
    .collect();
    serde_json::to_string_pretty(&events).unwrap_or_default() + "\n"
}

/// The site-check records of quarters 1 to `quarters` (JSON Lines): per quarter, three experts
/// rate every project, two beneficiaries and two builders of each project rate that project.
fn site_checks(
    plan: &Plan,
    rules: &TrackingRules,
    quarters: u32,
    rng: &mut Rng,
) -> Result<String, TrackError> {
    let Some(sheet) = rules.site_checks.first() else {
        return Ok(String::new());
    };
    let (lo, hi) = (sheet.scale.min, sheet.scale.max);
    let projects = sheet.projects(rules);
    let mut out = String::new();
    for q in 1..=quarters {
        // checked in the quarter's last days: 2026-03-25 …, 10:00 in Wuhan (02:00 UTC)
        let end = Period::new(plan.year, PeriodKind::Quarter, q).last_day();
        let day = Date {
            day: end.day - 6,
            ..end
        };
        let mut raters: Vec<(&str, String, Vec<&str>)> = (1..=3)
            .map(|k| {
                (
                    "expert",
                    format!("E{k}"),
                    projects.iter().map(|p| p.id.as_str()).collect(),
                )
            })
            .collect();
        for pj in &projects {
            for (group, prefix) in [("beneficiary", "B"), ("builder", "J")] {
                for k in 1..=2 {
                    raters.push((
                        group,
                        format!("{prefix}-{}-{k}", pj.id),
                        vec![pj.id.as_str()],
                    ));
                }
            }
        }
        for (n, (group, id, rated)) in raters.into_iter().enumerate() {
            let mut scores = BTreeMap::new();
            let mut comments = BTreeMap::new();
            for pj in &projects {
                if !rated.contains(&pj.id.as_str()) {
                    continue;
                }
                let level = match pj.id.as_str() {
                    "garden_expo" if group == "beneficiary" && q == 2 => 52.0,
                    "garden_expo" => 68.0,
                    "east_lake_tunnel" => 86.0,
                    "ring_road" => 82.0,
                    _ => 78.0,
                };
                let mut row = BTreeMap::new();
                for c in &sheet.criteria {
                    if group == "beneficiary" && c.id == "safety" {
                        row.insert(c.id.clone(), Value::from(crate::form::UNABLE));
                        continue;
                    }
                    let share = ((level + 4.0 * rng.normal()) / 100.0).clamp(0.0, 1.0);
                    let v = (lo + (hi - lo) * share).round();
                    if sheet.comment_at_or_below.is_some_and(|t| v <= t) {
                        comments.insert(
                            crate::review::cell_key(&pj.id, &c.id),
                            "现场查看发现问题，已当场反馈".to_owned(),
                        );
                    }
                    row.insert(c.id.clone(), Value::from(v));
                }
                scores.insert(pj.id.clone(), row);
            }
            let started = (day.days() * 86_400 + 2 * 3600 + 60 * n as i64) as f64 * 1000.0;
            let sub = ReviewSubmission {
                instrument: sheet.id.clone(),
                started_ms: started,
                submitted_ms: started + 480_000.0,
                lang: "zh-CN".into(),
                answers: ReviewAnswers {
                    reviewer: id,
                    group: Some(group.to_owned()),
                    quarter: Some(format!("{}-Q{q}", plan.year)),
                    recused: projects
                        .iter()
                        .filter(|p| !rated.contains(&p.id.as_str()))
                        .map(|p| p.id.clone())
                        .collect(),
                    scores,
                    comments,
                },
                earlier_submissions: 0,
            };
            let rec = build_review_record(plan, &plan.sha256, &sub)
                .map_err(|e| TrackError::Rules(e.to_string()))?;
            out.push_str(&serde_json::to_string(&rec).unwrap_or_default());
            out.push('\n');
        }
    }
    Ok(out)
}
