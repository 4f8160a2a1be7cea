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
use crate::plan::{demo_plan, Indicator, IndicatorKind, Plan};
use crate::record::{rfc3339, seal, QualityFlags, ResponseRecord, RECORD_FORMAT};
use crate::text::Text;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;

use crate::random::SplitMix64 as Rng;

/// Base quality of each demo unit (0–1).
pub(super) const QUALITY: &[(&str, f64)] = &[
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
        #[cfg(feature = "trust")]
        signed: None,
        code: None,
        prefilled: Vec::new(),
    };
    seal(r)
}

/// The rows of the demo survey's `services` matrix.
pub(crate) const PUBLIC_ROWS: [&str; 7] = [
    "micro_roads",
    "greenways",
    "parking",
    "community_health",
    "elderly_care",
    "public_safety",
    "environment",
];
const AGES: [&str; 4] = ["18-29", "30-44", "45-59", "60+"];
const PRIORITIES: [&str; 7] = [
    "traffic",
    "environment",
    "education",
    "health",
    "elderly",
    "housing",
    "services",
];

/// The demo's city departments and development zones in the survey's `units_used` matrix,
/// with the share of respondents who used each one's services this year.
pub(super) const USED_UNITS: [(&str, f64); 7] = [
    ("donghu_hitech", 0.15),
    ("wedz", 0.12),
    ("donghu_scenic", 0.25),
    ("ndrc", 0.06),
    ("eeb", 0.10),
    ("transport", 0.45),
    ("health", 0.40),
];

/// The stream the `units_used` answers are drawn from: their own, so that every other answer
/// stays that of the data sets made before the matrix existed.
pub(super) fn used_stream(seed: u64) -> Rng {
    Rng(seed ^ 0x5EED_0C5F_0000_0002)
}

/// Which of [`USED_UNITS`] one respondent used, with their rating of each (`None` = unable
/// to judge), in the matrix's row order.
pub(super) fn units_used(
    rng: &mut Rng,
    q_of: &dyn Fn(&str) -> f64,
) -> Vec<(&'static str, Option<i64>)> {
    let mut out = Vec::new();
    for (unit, share) in USED_UNITS {
        if rng.f64() < share {
            let v = if rng.f64() < 0.05 {
                None
            } else {
                Some(clamp_round(1.6 + 3.2 * q_of(unit) + 0.9 * rng.normal(), 1.0, 5.0) as i64)
            };
            out.push((unit, v));
        }
    }
    out
}

/// One synthetic public respondent (`None` in `services` = unable to judge).
pub(crate) struct PublicAnswer<'a> {
    pub district: &'a str,
    pub age_group: &'static str,
    pub years_resident: usize,
    pub services: [Option<i64>; 7],
    pub overall: i64,
    pub recommend: Option<i64>,
    pub priorities: Vec<&'static str>,
}

/// Draws one public respondent (the order of draws is part of the data set: do not change).
pub(super) fn public_answer<'a>(
    rng: &mut Rng,
    districts: &[&'a str],
    q_of: &dyn Fn(&str) -> f64,
) -> PublicAnswer<'a> {
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
    let age_group = AGES[rng.below(AGES.len())];
    let years_resident = 1 + rng.below(40);
    let mut services = [None; 7];
    let person = 0.5 * rng.normal();
    for (ri, s) in services.iter_mut().enumerate() {
        if rng.f64() < 0.08 {
            *s = None;
        } else {
            // parking is everyone's sore point
            let shift = if ri == 2 { -0.6 } else { 0.0 };
            let v = clamp_round(
                1.6 + 3.2 * q + shift + person + 0.8 * rng.normal(),
                1.0,
                5.0,
            );
            *s = Some(v as i64);
        }
    }
    let overall = clamp_round(1.6 + 3.2 * q + person + 0.7 * rng.normal(), 1.0, 5.0) as i64;
    let recommend = if rng.f64() < 0.9 {
        Some(clamp_round(3.0 + 7.0 * q + 2.0 * person + 1.5 * rng.normal(), 0.0, 10.0) as i64)
    } else {
        None
    };
    let p1 = PRIORITIES[rng.below(PRIORITIES.len())];
    let p2 = PRIORITIES[rng.below(PRIORITIES.len())];
    let priorities = if p1 == p2 { vec![p1] } else { vec![p1, p2] };
    PublicAnswer {
        district,
        age_group,
        years_resident,
        services,
        overall,
        recommend,
        priorities,
    }
}

/// The synthetic inputs for the demo plan: `n_public` survey responses, 15 review sheets,
/// 20–30 cadre appraisals per unit, indicator figures for every unit, one history year.
pub fn demo_inputs(seed: u64, n_public: usize) -> ScoringInputs {
    let plan = demo_plan();
    let mut rng = Rng(seed ^ 0x6B61_6F70_696E_6721);
    // The steps draw from `rng` in this order: quality, public, review, cadre, indicators.
    let quality: BTreeMap<&str, f64> = QUALITY
        .iter()
        .map(|(u, q)| (*u, (q + 0.04 * (rng.f64() - 0.5)).clamp(0.0, 1.0)))
        .collect();
    let demo = Demo {
        plan: &plan,
        sha: &plan.sha256,
        quality,
        seed,
    };
    let mut records = Vec::new();
    demo.public_records(&mut rng, n_public, &mut records);
    demo.review_records(&mut rng, &mut records);
    demo.cadre_records(&mut rng, &mut records);
    let indicators = demo.indicator_figures(&mut rng);
    ScoringInputs {
        records,
        indicators,
        history: demo.history(),
        cadres: None,
    }
}

/// What every step of [`demo_inputs`] shares: the plan and each unit's quality this seed.
struct Demo<'a> {
    plan: &'a Plan,
    sha: &'a str,
    quality: BTreeMap<&'static str, f64>,
    /// The data set's seed (the `units_used` answers have their own stream of it).
    seed: u64,
}

/// The time the demo's first sheet is begun.
const BASE_MS: f64 = 1_764_547_200_000.0; // 2025-12-01T00:00:00Z

impl Demo<'_> {
    fn q_of(&self, unit: &str) -> f64 {
        self.quality.get(unit).copied().unwrap_or(0.5)
    }

    fn record(
        &self,
        instrument: &str,
        id: String,
        t0: f64,
        answers: BTreeMap<String, Value>,
        reasons: BTreeMap<String, String>,
    ) -> ResponseRecord {
        record(self.plan, self.sha, instrument, id, t0, answers, reasons)
    }

    // ---- public survey -------------------------------------------------------------
    fn public_records(&self, rng: &mut Rng, n_public: usize, records: &mut Vec<ResponseRecord>) {
        let districts: Vec<&str> = self
            .plan
            .units
            .iter()
            .filter(|u| u.category == "central" || u.category == "new")
            .map(|u| u.id.as_str())
            .collect();
        let mut used_rng = used_stream(self.seed);
        for k in 0..n_public {
            let a = public_answer(rng, &districts, &|u: &str| self.q_of(u));
            let used = units_used(&mut used_rng, &|u: &str| self.q_of(u));
            let mut ans = BTreeMap::new();
            ans.insert("district".into(), json!(a.district));
            ans.insert("age_group".into(), json!(a.age_group));
            ans.insert("years_resident".into(), json!(a.years_resident));
            let mut m = Map::new();
            for (row, v) in PUBLIC_ROWS.iter().zip(a.services) {
                m.insert(
                    (*row).into(),
                    match v {
                        Some(v) => json!(v),
                        None => json!("unable"),
                    },
                );
            }
            ans.insert("services".into(), Value::Object(m));
            if !used.is_empty() {
                let m: Map<String, Value> = used
                    .iter()
                    .map(|(u, v)| ((*u).into(), v.map_or(json!("unable"), |v| json!(v))))
                    .collect();
                ans.insert("units_used".into(), Value::Object(m));
            }
            ans.insert("overall".into(), json!(a.overall));
            if let Some(r) = a.recommend {
                ans.insert("recommend".into(), json!(r));
            }
            ans.insert("priorities".into(), json!(a.priorities));
            records.push(self.record(
                "public",
                format!("P{k:05}"),
                BASE_MS + 60_000.0 * k as f64,
                ans,
                BTreeMap::new(),
            ));
        }
    }

    // ---- expert review ---------------------------------------------------------------
    fn review_records(&self, rng: &mut Rng, records: &mut Vec<ResponseRecord>) {
        let plan = self.plan;
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
                let q = self.q_of(&unit.id);
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
                    let s =
                        clamp_round(40.0 + 55.0 * q + leniency + 4.0 * rng.normal(), 0.0, 100.0);
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
            records.push(self.record("expert", id, BASE_MS + 3_600_000.0 * r as f64, ans, reasons));
        }
    }

    // ---- cadre appraisal --------------------------------------------------------------
    fn cadre_records(&self, rng: &mut Rng, records: &mut Vec<ResponseRecord>) {
        let team_rows = ["political", "leadership", "results", "integrity"];
        let cadre_rows = ["secretary", "head", "deputy_1", "deputy_2"];
        let mut k = 0usize;
        for unit in &self.plan.units {
            let q = self.q_of(&unit.id);
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
                records.push(self.record(
                    "cadre",
                    format!("C{k:05}"),
                    BASE_MS + 120_000.0 * k as f64,
                    ans,
                    BTreeMap::new(),
                ));
                k += 1;
            }
        }
    }

    // ---- indicator figures ------------------------------------------------------------
    fn indicator_figures(&self, rng: &mut Rng) -> Vec<IndicatorInput> {
        let mut indicators = Vec::new();
        for unit in &self.plan.units {
            let q = self.q_of(&unit.id);
            for ind in &self.plan.indicators {
                if !ind.weights.contains_key(&unit.category) {
                    continue;
                }
                indicators.push(IndicatorInput {
                    unit: unit.id.clone(),
                    indicator: ind.id.clone(),
                    value: indicator_value(rng, ind, &unit.id, q),
                });
            }
        }
        indicators
    }

    // ---- history: last year ---------------------------------------------------------------
    fn history(&self) -> Vec<HistoryEntry> {
        self.plan
            .units
            .iter()
            .map(|u| {
                let q = self.q_of(&u.id);
                let (grade, team) = if u.id == LOW_UNIT {
                    ("non_compliant", "non_compliant")
                } else if q > 0.8 {
                    ("merit", "good")
                } else {
                    ("compliant", "compliant")
                };
                HistoryEntry {
                    unit: u.id.clone(),
                    year: self.plan.year - 1,
                    grade: grade.into(),
                    team_grade: Some(team.into()),
                }
            })
            .collect()
    }
}

/// The figure of one indicator of a unit of quality `q`.
fn indicator_value(rng: &mut Rng, ind: &Indicator, unit: &str, q: f64) -> IndicatorValue {
    match ind.kind {
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
            if ind.id == "ecology" && unit == VETO_UNIT {
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
    }
}

fn round2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

// ---- the demo data set as files (`kaoping demo responses`) ------------------------------------

/// Written reasons for low ratings, as people write them (some with commas, one with quotes).
/// The rest of the demo data set, as file texts.
pub struct DemoFiles {
    /// The 15 expert review sheets, one record per line.
    pub expert_jsonl: String,
    /// The cadre appraisal in the flat layout of the `cadre` instrument.
    pub cadre_csv: String,
    /// `{"indicators": [...]}` (scoring inputs with only indicator figures).
    pub indicators_json: String,
    /// `{"history": [...]}` (scoring inputs with only last year's grades).
    pub history_json: String,
}

/// Review sheets, cadre appraisal, indicator figures and history for the demo plan.
pub fn demo_files(seed: u64) -> DemoFiles {
    let inputs = demo_inputs(seed, 0);
    let mut expert_jsonl = String::new();
    let team = ["political", "leadership", "results", "integrity"];
    let cadres = ["secretary", "head", "deputy_1", "deputy_2"];
    let mut cadre_csv = String::from("respondent_id,submitted_at,unit");
    for t in team {
        cadre_csv.push_str(&format!(",team.{t}"));
    }
    for c in cadres {
        cadre_csv.push_str(&format!(",cadres.{c}"));
    }
    cadre_csv.push_str(",cadres.reason\n");
    for r in &inputs.records {
        match r.instrument.as_str() {
            "expert" => {
                expert_jsonl.push_str(&serde_json::to_string(r).unwrap_or_default());
                expert_jsonl.push('\n');
            }
            "cadre" => {
                let cell = |q: &str, row: &str| -> String {
                    r.answers
                        .get(q)
                        .and_then(|m| m.get(row))
                        .map(|v| v.to_string())
                        .unwrap_or_default()
                };
                let unit = r.answers.get("unit").and_then(Value::as_str).unwrap_or("");
                cadre_csv.push_str(&format!("{},{},{unit}", r.respondent_id, r.submitted_at));
                let mut low = false;
                for t in team {
                    cadre_csv.push(',');
                    cadre_csv.push_str(&cell("team", t));
                }
                for c in cadres {
                    let v = cell("cadres", c);
                    low |= v == "1" || v == "2";
                    cadre_csv.push(',');
                    cadre_csv.push_str(&v);
                }
                cadre_csv.push(',');
                if low {
                    cadre_csv.push_str("工作作风有待改进，群众反映较多");
                }
                cadre_csv.push('\n');
            }
            _ => {}
        }
    }
    let pretty = |v: Value| serde_json::to_string_pretty(&v).unwrap_or_default() + "\n";
    DemoFiles {
        expert_jsonl,
        cadre_csv,
        indicators_json: pretty(json!({ "indicators": inputs.indicators })),
        history_json: pretty(json!({ "history": inputs.history })),
    }
}
