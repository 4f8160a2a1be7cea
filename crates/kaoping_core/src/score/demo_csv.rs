//! The demo public survey as a CSV file in the flat layout (benchmarks, the office page's demo
//! files, fixtures): the same answers as the public records of [`super::demo_inputs`].

use super::demo::{public_answer, units_used, used_stream, PUBLIC_ROWS, QUALITY, USED_UNITS};
use crate::plan::demo_plan;
use crate::random::SplitMix64 as Rng;
use std::collections::BTreeMap;

const REASONS: [&str; 6] = [
    "小区周边停车位太少，晚上经常找不到车位",
    "道路施工时间太长",
    "社区医院排队时间长，医生少",
    "垃圾清运不及时，有异味",
    "反映的问题一直没有回复",
    "希望“一站式”服务真正落实，不要来回跑",
];
const COMMENTS: [&str; 4] = [
    "总体不错，继续加油",
    "希望多建一些口袋公园",
    "公交班次少，等车时间长\n建议增加高峰期班次",
    "Good service overall, but parking is hard.",
];

/// The header of the demo `public.csv` (the flat layout of the public survey).
pub fn demo_public_header() -> String {
    let mut h = vec![
        "respondent_id".to_owned(),
        "submitted_at".into(),
        "district".into(),
        "age_group".into(),
        "years_resident".into(),
    ];
    h.extend(PUBLIC_ROWS.iter().map(|r| format!("services.{r}")));
    h.extend(
        [
            "services.reason",
            "overall",
            "overall.reason",
            "recommend",
            "priorities",
            "priorities_other",
            "comment",
        ]
        .map(String::from),
    );
    h.extend(USED_UNITS.iter().map(|(u, _)| format!("units_used.{u}")));
    h.join(",")
}

fn csv_push(out: &mut String, field: &str) {
    if field.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// Writes the demo public survey as CSV in the flat layout: `n` respondents (the same answers
/// as the public records of [`demo_inputs`] with this seed), some "unable to judge" (a few
/// written 无法评价), written reasons for most low ratings, a few comments. With `bad_rows`
/// above 0, that many rows, spread evenly, are spoiled in turn: an unknown district, a rating
/// out of range, a required answer missing, a duplicate respondent id, an age group that is not
/// an option, a row with a field missing. Chunks of about 64 KB go to `out`.
pub fn demo_public_csv(seed: u64, n: usize, bad_rows: usize, out: &mut dyn FnMut(&[u8])) {
    let plan = demo_plan();
    let mut rng = Rng(seed ^ 0x6B61_6F70_696E_6721);
    let quality: BTreeMap<&str, f64> = QUALITY
        .iter()
        .map(|(u, q)| (*u, (q + 0.04 * (rng.f64() - 0.5)).clamp(0.0, 1.0)))
        .collect();
    let q_of = |u: &str| quality.get(u).copied().unwrap_or(0.5);
    let districts: Vec<&str> = plan
        .units
        .iter()
        .filter(|u| u.category == "central" || u.category == "new")
        .map(|u| u.id.as_str())
        .collect();
    // Extras (reasons, comments, spellings) from their own stream, so the answers stay those
    // of `demo_inputs`.
    let mut extra = Rng(seed ^ 0x5EED_0C5F_0000_0001);
    let mut used_rng = used_stream(seed);
    let base_ms = 1_764_547_200_000.0;
    let bad_at = |k: usize| -> Option<usize> {
        if bad_rows == 0 {
            return None;
        }
        // Row k is the j-th spoiled row when k = (j+1)·n/(bad+1).
        let step = n as f64 / (bad_rows + 1) as f64;
        let j = ((k + 1) as f64 / step).round() as usize;
        (j >= 1 && j <= bad_rows && ((j as f64 * step) as usize) == k).then(|| j - 1)
    };
    let mut buf = demo_public_header();
    buf.push('\n');
    for k in 0..n {
        let a = public_answer(&mut rng, &districts, &q_of);
        let used = units_used(&mut used_rng, &q_of);
        let bad = bad_at(k).map(|j| j % 6);
        let id = if bad == Some(3) && k > 0 {
            format!("P{:07}", k - 1)
        } else {
            format!("P{k:07}")
        };
        buf.push_str(&id);
        buf.push(',');
        buf.push_str(&crate::record::rfc3339(base_ms + 60_000.0 * k as f64));
        buf.push(',');
        buf.push_str(if bad == Some(0) {
            "atlantis"
        } else {
            a.district
        });
        buf.push(',');
        buf.push_str(if bad == Some(4) { "17-" } else { a.age_group });
        buf.push(',');
        buf.push_str(&a.years_resident.to_string());
        let mut low = false;
        for (ri, v) in a.services.iter().enumerate() {
            buf.push(',');
            match v {
                _ if bad == Some(1) && ri == 2 => buf.push('7'),
                Some(v) => {
                    low |= *v <= 2;
                    buf.push_str(&v.to_string());
                }
                None if extra.f64() < 0.1 => buf.push_str("无法评价"),
                None => buf.push_str("unable"),
            }
        }
        buf.push(',');
        if low && extra.f64() < 0.6 {
            csv_push(&mut buf, REASONS[extra.below(REASONS.len())]);
        }
        buf.push(',');
        if bad != Some(2) {
            buf.push_str(&a.overall.to_string());
        }
        buf.push(',');
        if a.overall <= 2 && extra.f64() < 0.6 {
            csv_push(&mut buf, REASONS[extra.below(REASONS.len())]);
        }
        buf.push(',');
        if let Some(r) = a.recommend {
            buf.push_str(&r.to_string());
        }
        buf.push(',');
        buf.push_str(&a.priorities.join(";"));
        buf.push(',');
        if bad != Some(5) {
            buf.push(',');
            if extra.f64() < 0.03 {
                csv_push(&mut buf, COMMENTS[extra.below(COMMENTS.len())]);
            }
        }
        for (unit, _) in USED_UNITS {
            buf.push(',');
            match used.iter().find(|(u, _)| *u == unit) {
                Some((_, Some(v))) => buf.push_str(&v.to_string()),
                Some((_, None)) => buf.push_str("unable"),
                None => {}
            }
        }
        buf.push('\n');
        if buf.len() >= 64 * 1024 {
            out(buf.as_bytes());
            buf.clear();
        }
    }
    out(buf.as_bytes());
}
