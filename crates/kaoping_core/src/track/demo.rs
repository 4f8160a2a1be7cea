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

use super::{Basis, Period, PeriodKind, Progress, TrackError, TrackingRules};
use crate::plan::{demo_plan, Direction};
use serde_json::json;
use std::fmt::Write;

struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// Approximately standard normal (Irwin–Hall).
    fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.f64();
        }
        s - 6.0
    }
}

/// The demo's input files, as the office would load them.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DemoPeriods {
    /// `periods.csv`: unit, indicator, period, actual, last_year, peer_city.
    pub periods_csv: String,
    /// `projects.json`: milestone reports and site-check ratings.
    pub projects_json: String,
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

    let end = Period::new(plan.year, PeriodKind::Month, last).last_day();
    // milestone reports: (project, milestone, done on); later dates are not written
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
    // quarterly site checks after each quarter that has ended
    for pj in &rules.projects {
        let level = match pj.id.as_str() {
            "garden_expo" => 68.0,
            "east_lake_tunnel" => 86.0,
            "ring_road" => 82.0,
            _ => 78.0,
        };
        for q in 1..=(last / 3) {
            for (group, n) in [("expert", 3), ("beneficiary", 2), ("builder", 2)] {
                for k in 1..=n {
                    let low = pj.id == "garden_expo" && group == "beneficiary" && q == 2;
                    let centre = if low { 52.0 } else { level };
                    let score = (centre + 4.0 * rng.normal()).clamp(0.0, 100.0).round();
                    rows.push(json!({
                        "project": pj.id,
                        "quarter": format!("{}-Q{q}", plan.year),
                        "rater": group,
                        "rater_id": format!("{}{k}", &group[..1].to_ascii_uppercase()),
                        "score": score
                    }));
                }
            }
        }
    }
    let projects_json = serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n";

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
    let events_json = serde_json::to_string_pretty(&events).unwrap_or_default() + "\n";
    Ok(DemoPeriods {
        periods_csv: csv,
        projects_json,
        events_json,
        through: Period::new(plan.year, PeriodKind::Month, last).to_string(),
    })
}
