//! Runs every published worked example under `tests/fixtures/stats/<method>/<case>/`.
//!
//! Each case folder holds `source.md` (the publication, page/table), `expected.json` and,
//! for matrix methods, `input.csv` (kaoping layout: first row unit names, first column
//! rater names, empty cell = missing); scalar and vector inputs (`wilson`: successes, total;
//! `t_interval`: values; `kish`: weights) are `params` of `expected.json`:
//!
//! ```json
//! { "runs": [ { "params": { "metric": "nominal" },
//!               "checks": [ { "path": "alpha", "value": 0.743, "decimals": 3 } ] } ] }
//! ```
//!
//! A check serializes the result to JSON, follows the dotted `path` (array indices are
//! numbers), rounds the computed number to `decimals` places (the precision the source
//! printed) and compares it with `value` rounded the same way. Adding a case is adding a
//! folder; no code changes.

use kaoping_core::stats::{
    cronbach::cronbach_alpha,
    icc::icc,
    interval::{t_interval, weight_summary, wilson_interval},
    kendall::kendall_w,
    krippendorff::krippendorff_alpha,
    krippendorff::Metric,
    RatingMatrix,
};
use kaoping_core::table::ratings::read_rating_matrix;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/stats")
}

fn sorted_dirs(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(p)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    path.split('.')
        .try_fold(v, |cur, key| match key.parse::<usize>() {
            Ok(i) => cur.get(i),
            Err(_) => cur.get(key),
        })
}

fn round_to(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    (x * f).round() / f
}

/// `params.<key>` as a list of numbers.
fn numbers(params: &Value, key: &str) -> Result<Vec<f64>, String> {
    params
        .get(key)
        .and_then(Value::as_array)
        .ok_or(format!("params.{key} (an array of numbers) missing"))?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_f64()
                .ok_or(format!("params.{key}[{i}] is not a number"))
        })
        .collect()
}

fn run_method(method: &str, case: &Path, params: &Value) -> Result<Value, String> {
    let matrix = || -> Result<RatingMatrix, String> {
        let p = case.join("input.csv");
        let bytes = std::fs::read(&p).map_err(|e| format!("{}: {e}", p.display()))?;
        read_rating_matrix(&bytes).map_err(|e| e.to_string())
    };
    let level = params.get("level").and_then(Value::as_f64).unwrap_or(0.95);
    let json = |r: Result<Value, serde_json::Error>| r.map_err(|e| e.to_string());
    match method {
        "krippendorff" => {
            let metric: Metric = params
                .get("metric")
                .and_then(Value::as_str)
                .ok_or("params.metric missing")?
                .parse()?;
            let r = krippendorff_alpha(&matrix()?, metric).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "kendall" => {
            let correct = params
                .get("correct")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let r = kendall_w(&matrix()?, correct).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "icc" => {
            let r = icc(&matrix()?, level).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "cronbach" => {
            let r = cronbach_alpha(&matrix()?).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "wilson" => {
            let s = params.get("successes").and_then(Value::as_u64);
            let t = params.get("total").and_then(Value::as_u64);
            let (s, t) = s.zip(t).ok_or("params.successes/total missing")?;
            let r = wilson_interval(s, t, level).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "t_interval" => {
            let values = numbers(params, "values")?;
            let r = t_interval(&values, level).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        "kish" => {
            let weights = numbers(params, "weights")?;
            let r = weight_summary(&weights).map_err(|e| e.to_string())?;
            json(serde_json::to_value(r))
        }
        other => Err(format!("no runner for method folder {other:?}")),
    }
}

#[test]
fn published_worked_examples() {
    let root = fixtures_root();
    let mut failures = Vec::new();
    let mut checked = 0usize;
    for method_dir in sorted_dirs(&root) {
        let method = method_dir
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        for case in sorted_dirs(&method_dir) {
            let name = format!(
                "{method}/{}",
                case.file_name().unwrap_or_default().to_string_lossy()
            );
            assert!(
                case.join("source.md").is_file(),
                "{name}: source.md (the publication) is required"
            );
            let exp_text = std::fs::read_to_string(case.join("expected.json"))
                .unwrap_or_else(|e| panic!("{name}: expected.json: {e}"));
            let exp: Value = serde_json::from_str(&exp_text)
                .unwrap_or_else(|e| panic!("{name}: expected.json: {e}"));
            let runs = exp["runs"]
                .as_array()
                .unwrap_or_else(|| panic!("{name}: expected.json needs a runs array"));
            for (ri, run) in runs.iter().enumerate() {
                let result = match run_method(&method, &case, &run["params"]) {
                    Ok(v) => v,
                    Err(e) => {
                        failures.push(format!("{name} run {ri}: error {e}"));
                        continue;
                    }
                };
                for check in run["checks"].as_array().into_iter().flatten() {
                    let path = check["path"].as_str().unwrap_or_default();
                    let want = check["value"].as_f64().unwrap_or(f64::NAN);
                    let dec = check["decimals"].as_i64().unwrap_or(3) as i32;
                    let got = lookup(&result, path).and_then(Value::as_f64);
                    checked += 1;
                    match got {
                        Some(g) if round_to(g, dec) == round_to(want, dec) => {}
                        Some(g) => failures.push(format!(
                            "{name} run {ri}: {path} = {g} (rounds to {}), published {want}",
                            round_to(g, dec)
                        )),
                        None => failures.push(format!("{name} run {ri}: no number at {path}")),
                    }
                }
            }
        }
    }
    assert!(checked > 0, "no fixtures found under {}", root.display());
    assert!(
        failures.is_empty(),
        "{} failing checks:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
