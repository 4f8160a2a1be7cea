//! A deterministic synthetic data set for the demo plan (`plans/demo.json`).
//!
//! Own PRNG (splitmix64) and only `+ − × ÷`, so the same seed gives the same records
//! natively and in WebAssembly. What it contains, on purpose:
//! * units differ in quality (a fixed table, jittered by the seed);
//! * the department `transport` (市交通运输局) is rated low, its team was non-compliant
//!   last year and its `deputy_2` gets many 不称职 votes;
//! * `caidian` (蔡甸区), a good district, has a major ecological accident: veto;
//! * 15 reviewers, 5 per rater group; `E03` is lenient (+10), `E08` harsh (−10); each
//!   reviewer recuses one unit; about 3% "unable" in reviews, 8% in public matrix rows;
//! * one history year (plan year − 1).

use super::{HistoryEntry, IndicatorInput, IndicatorValue, ScoringInputs};
use crate::plan::{demo_plan, IndicatorKind, Plan};
use crate::record::{rfc3339, seal, QualityFlags, ResponseRecord, RECORD_FORMAT};
use crate::text::Text;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

/// splitmix64 (Steele, Lea & Flood 2014; Vigna's reference constants).
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform in [0, 1) with 53 bits.
    fn f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.f64() * n as f64) as usize % n.max(1)
    }
    /// Approximately standard normal: Irwin–Hall sum of 12 uniforms − 6.
    fn normal(&mut self) -> f64 {
        let mut s = 0.0;
        for _ in 0..12 {
            s += self.f64();
        }
        s - 6.0
    }
}

/// Base quality of each demo unit (0–1).
const QUALITY: &[(&str, f64)] = &[
    ("jiangan", 0.82),
    ("jianghan", 0.74),
    ("qiaokou", 0.55),
    ("hanyang", 0.62),
    ("wuchang", 0.70),
    ("dongxihu", 0.66),
    ("caidian", 0.80),
    ("jiangxia", 0.58),
    ("huangpi", 0.50),
    ("donghu_hitech", 0.88),
    ("wedz", 0.72),
    ("donghu_scenic", 0.52),
    ("ndrc", 0.78),
    ("eeb", 0.64),
    ("transport", 0.22),
    ("health", 0.70),
];

const VETO_UNIT: &str = "caidian";
const LOW_UNIT: &str = "transport";

fn clamp_round(x: f64, lo: f64, hi: f64) -> f64 {
    x.round().clamp(lo, hi)
}

fn record(
    plan: &Plan,
    sha: &str,
    instrument: &str,
    id: String,
    t0: f64,
    answers: BTreeMap<String, Value>,
    reasons: BTreeMap<String, String>,
) -> ResponseRecord {
    let r = ResponseRecord {
        format: RECORD_FORMAT.into(),
        plan_id: plan.id.clone(),
        plan_version: plan.version.clone(),
        plan_sha256: sha.into(),
        instrument: instrument.into(),
        respondent_id: id,
        reviewer: instrument == "expert",
        started_at: rfc3339(t0),
        submitted_at: rfc3339(t0 + 240_000.0),
        lang: "zh-CN".into(),
        answers,
        reasons,
        hidden_answers: BTreeMap::new(),
        quality: QualityFlags {
            duration_seconds: 240.0,
            speeder: false,
            straight_lined: Vec::new(),
            repeat: false,
        },
        engine_version: crate::ENGINE_VERSION.into(),
        checksum: String::new(),
    };
    seal(r)
}

/// The synthetic inputs for the demo plan: `n_public` survey responses, 15 review sheets,
/// 20–30 cadre appraisals per unit, indicator figures for every unit, one history year.
pub fn demo_inputs(seed: u64, n_public: usize) -> ScoringInputs {
    let plan = demo_plan();
    let sha = plan.sha256.clone();
    let mut rng = Rng(seed ^ 0x6B61_6F70_696E_6721);
    let quality: BTreeMap<&str, f64> = QUALITY
        .iter()
        .map(|(u, q)| (*u, (q + 0.04 * (rng.f64() - 0.5)).clamp(0.0, 1.0)))
        .collect();
    let q_of = |u: &str| quality.get(u).copied().unwrap_or(0.5);
    let base_ms = 1_764_547_200_000.0; // 2025-12-01T00:00:00Z
    let mut records = Vec::new();

    // ---- public survey -------------------------------------------------------------
    let districts: Vec<&str> = plan
        .units
        .iter()
        .filter(|u| u.category == "central" || u.category == "new")
        .map(|u| u.id.as_str())
        .collect();
    let rows = [
        "micro_roads",
        "greenways",
        "parking",
        "community_health",
        "elderly_care",
        "public_safety",
        "environment",
    ];
    let ages = ["18-29", "30-44", "45-59", "60+"];
    let prios = [
        "traffic",
        "environment",
        "education",
        "health",
        "elderly",
        "housing",
        "services",
    ];
    for k in 0..n_public {
        let district = if rng.f64() < 0.05 {
            "other"
        } else {
            districts[rng.below(districts.len())]
        };
        let q = if district == "other" {
            0.6
        } else {
            q_of(district)
        };
        let mut ans = BTreeMap::new();
        ans.insert("district".into(), json!(district));
        ans.insert("age_group".into(), json!(ages[rng.below(ages.len())]));
        ans.insert("years_resident".into(), json!(1 + rng.below(40)));
        let mut m = Map::new();
        let person = 0.5 * rng.normal();
        for (ri, row) in rows.iter().enumerate() {
            if rng.f64() < 0.08 {
                m.insert((*row).into(), json!("unable"));
            } else {
                // parking is everyone's sore point
                let shift = if ri == 2 { -0.6 } else { 0.0 };
                let v = clamp_round(
                    1.6 + 3.2 * q + shift + person + 0.8 * rng.normal(),
                    1.0,
                    5.0,
                );
                m.insert((*row).into(), json!(v as i64));
            }
        }
        ans.insert("services".into(), Value::Object(m));
        let overall = clamp_round(1.6 + 3.2 * q + person + 0.7 * rng.normal(), 1.0, 5.0);
        ans.insert("overall".into(), json!(overall as i64));
        if rng.f64() < 0.9 {
            ans.insert(
                "recommend".into(),
                json!(
                    clamp_round(3.0 + 7.0 * q + 2.0 * person + 1.5 * rng.normal(), 0.0, 10.0)
                        as i64
                ),
            );
        }
        let p1 = prios[rng.below(prios.len())];
        let p2 = prios[rng.below(prios.len())];
        let pr: Vec<&str> = if p1 == p2 { vec![p1] } else { vec![p1, p2] };
        ans.insert("priorities".into(), json!(pr));
        records.push(record(
            &plan,
            &sha,
            "public",
            format!("P{k:05}"),
            base_ms + 60_000.0 * k as f64,
            ans,
            BTreeMap::new(),
        ));
    }

    // ---- expert review ---------------------------------------------------------------
    let sheet = plan.instrument("expert").and_then(|i| i.review.clone());
    let reviewed: Vec<String> = sheet
        .as_ref()
        .map(|s| s.indicators.clone())
        .unwrap_or_default();
    let groups = ["industry", "scholar", "grassroots"];
    for r in 0..15usize {
        let id = format!("E{:02}", r + 1);
        let group = groups[r / 5];
        let leniency = match r + 1 {
            3 => 10.0,
            8 => -10.0,
            _ => 2.0 * rng.normal(),
        };
        let recused = plan.units[(r * 7 + 3) % plan.units.len()].id.clone();
        let mut scores = Map::new();
        let mut reasons = BTreeMap::new();
        for unit in &plan.units {
            if unit.id == recused {
                continue;
            }
            let q = q_of(&unit.id);
            let mut inds = Map::new();
            for ind in plan
                .indicators
                .iter()
                .filter(|i| reviewed.contains(&i.id) && i.weights.contains_key(&unit.category))
            {
                if rng.f64() < 0.03 {
                    inds.insert(ind.id.clone(), json!("unable"));
                    continue;
                }
                let s = clamp_round(40.0 + 55.0 * q + leniency + 4.0 * rng.normal(), 0.0, 100.0);
                if s <= 60.0 {
                    reasons.insert(
                        format!("{}/{}", unit.id, ind.id),
                        "进度滞后，材料不完整".to_owned(),
                    );
                }
                inds.insert(ind.id.clone(), json!(s as i64));
            }
            scores.insert(unit.id.clone(), Value::Object(inds));
        }
        let mut ans = BTreeMap::new();
        ans.insert("group".into(), json!(group));
        ans.insert("recused".into(), json!([recused]));
        ans.insert("scores".into(), Value::Object(scores));
        records.push(record(
            &plan,
            &sha,
            "expert",
            id,
            base_ms + 3_600_000.0 * r as f64,
            ans,
            reasons,
        ));
    }

    // ---- cadre appraisal --------------------------------------------------------------
    let team_rows = ["political", "leadership", "results", "integrity"];
    let cadre_rows = ["secretary", "head", "deputy_1", "deputy_2"];
    let mut k = 0usize;
    for unit in &plan.units {
        let q = q_of(&unit.id);
        let n = 20 + rng.below(11);
        for _ in 0..n {
            let mut ans = BTreeMap::new();
            ans.insert("unit".into(), json!(unit.id));
            let mut t = Map::new();
            for row in team_rows {
                t.insert(
                    row.into(),
                    json!(clamp_round(1.2 + 3.0 * q + 0.6 * rng.normal(), 1.0, 4.0) as i64),
                );
            }
            ans.insert("team".into(), Value::Object(t));
            let mut c = Map::new();
            for (ci, row) in cadre_rows.iter().enumerate() {
                let cq = if unit.id == LOW_UNIT && ci == 3 {
                    0.0
                } else {
                    q + 0.08 * (1.5 - ci as f64)
                };
                c.insert(
                    (*row).into(),
                    json!(clamp_round(1.3 + 3.0 * cq + 0.7 * rng.normal(), 1.0, 4.0) as i64),
                );
            }
            ans.insert("cadres".into(), Value::Object(c));
            records.push(record(
                &plan,
                &sha,
                "cadre",
                format!("C{k:05}"),
                base_ms + 120_000.0 * k as f64,
                ans,
                BTreeMap::new(),
            ));
            k += 1;
        }
    }

    // ---- indicator figures ------------------------------------------------------------
    let mut indicators = Vec::new();
    for unit in &plan.units {
        let q = q_of(&unit.id);
        for ind in &plan.indicators {
            if !ind.weights.contains_key(&unit.category) {
                continue;
            }
            let value = match ind.kind {
                IndicatorKind::Data => {
                    let target = match ind.id.as_str() {
                        "gdp_growth" => 6.0,
                        "investment_growth" => 8.0,
                        "fiscal_revenue" => 120.0,
                        "service_time" => 5.0,
                        _ => 10.0,
                    };
                    let perf = 0.62 + 0.45 * q + 0.05 * rng.normal();
                    let actual = if ind.id == "service_time" {
                        target * (2.0 - perf)
                    } else {
                        target * perf
                    };
                    IndicatorValue::Data {
                        actual: round2(actual),
                        target,
                        baseline: Some(round2(target * 0.95)),
                    }
                }
                IndicatorKind::Project => {
                    let total = 8 + rng.below(5) as u32;
                    let done = clamp_round(
                        f64::from(total) * (0.45 + 0.55 * q) + rng.normal(),
                        0.0,
                        f64::from(total),
                    ) as u32;
                    IndicatorValue::Project {
                        milestones_done: done,
                        milestones_total: total,
                    }
                }
                IndicatorKind::Constraint => {
                    if ind.id == "ecology" && unit.id == VETO_UNIT {
                        IndicatorValue::Constraint {
                            passed: false,
                            veto: true,
                            reason: Some(Text::new(
                                "发生重大生态环境事故（后官湖水体污染）",
                                "Major ecological accident (pollution of Houguan Lake)",
                            )),
                        }
                    } else {
                        IndicatorValue::Constraint {
                            passed: q > 0.3 || ind.id == "safety",
                            veto: false,
                            reason: None,
                        }
                    }
                }
            };
            indicators.push(IndicatorInput {
                unit: unit.id.clone(),
                indicator: ind.id.clone(),
                value,
            });
        }
    }

    // ---- history: last year ---------------------------------------------------------------
    let history = plan
        .units
        .iter()
        .map(|u| {
            let q = q_of(&u.id);
            let (grade, team) = if u.id == LOW_UNIT {
                ("non_compliant", "non_compliant")
            } else if q > 0.8 {
                ("merit", "good")
            } else {
                ("compliant", "compliant")
            };
            HistoryEntry {
                unit: u.id.clone(),
                year: plan.year - 1,
                grade: grade.into(),
                team_grade: Some(team.into()),
            }
        })
        .collect();

    ScoringInputs {
        records,
        indicators,
        history,
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}
