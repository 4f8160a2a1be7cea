//! One harness for every published worked example under `tests/fixtures/weights/`.
//!
//! Layout: `tests/fixtures/weights/<method>/<case>/` with
//! * the input (`input.csv` for `ahp`, `input.json` otherwise; `options.json` optional),
//! * `expected.json`: `{"tolerance": t, "tolerances": {"path.prefix": t}, "expect": {...}}`
//!   (the longest matching path prefix in `tolerances` overrides `tolerance`), where
//!   every key of `expect` is compared with the same key of the result serialised to
//!   JSON (numbers within the tolerance, everything else exactly; keys of the result not
//!   named in `expect` are ignored); or `{"error": "VariantName"}` for an expected error,
//! * `source.md`: the publication, table/page, and the precision printed there.
//!
//! A new case is a new folder: no code changes here.
//!
//! `rake` and `poststratify` inputs may carry `outcomes: {"name": [value per record]}`; the harness then adds
//! `estimates.name.mean` (Σwy/Σw) and `estimates.name.total` (Σwy) to the result, for
//! comparison with published survey estimates.

use std::path::{Path, PathBuf};

use kaoping_core::stats::{ahp, entropy, tally, weighting};
use serde_json::Value;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/fixtures/weights")
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn json(p: &Path) -> Value {
    serde_json::from_str(&read(p)).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn opt_json(p: &Path) -> Value {
    if p.exists() {
        json(p)
    } else {
        Value::Object(Default::default())
    }
}

/// Compares `expected` against `actual`; returns the list of mismatches.
fn compare(path: &str, expected: &Value, actual: &Value, tol: &dyn Fn(&str) -> f64) -> Vec<String> {
    let mut out = Vec::new();
    match (expected, actual) {
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (
                e.as_f64().unwrap_or(f64::NAN),
                a.as_f64().unwrap_or(f64::NAN),
            );
            let t = tol(path);
            // a hair of slack for the decimal representation of the published figure
            let within = (a - e).abs() <= t * (1.0 + 1e-9) + 1e-15;
            if !within {
                out.push(format!("{path}: expected {e} ± {t}, got {a}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            if e.len() != a.len() {
                out.push(format!(
                    "{path}: expected {} items, got {}",
                    e.len(),
                    a.len()
                ));
            } else {
                for (i, (x, y)) in e.iter().zip(a).enumerate() {
                    out.extend(compare(&format!("{path}[{i}]"), x, y, tol));
                }
            }
        }
        (Value::Object(e), Value::Object(a)) => {
            for (k, x) in e {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                match a.get(k) {
                    Some(y) => out.extend(compare(&p, x, y, tol)),
                    None => out.push(format!("{p}: missing from the result")),
                }
            }
        }
        (e, a) => {
            if e != a {
                out.push(format!("{path}: expected {e}, got {a}"));
            }
        }
    }
    out
}

fn run_ahp(dir: &Path) -> Result<Value, String> {
    let m = ahp::parse_pairwise_csv(&read(&dir.join("input.csv"))).map_err(|e| format!("{e:?}"))?;
    let o = opt_json(&dir.join("options.json"));
    let mut opts = ahp::AhpOptions::default();
    if let Some(s) = o.get("random_index").and_then(Value::as_str) {
        opts.random_index = s.parse().map_err(|e| format!("{e:?}"))?;
    }
    if let Some(t) = o.get("cr_threshold").and_then(Value::as_f64) {
        opts.cr_threshold = t;
    }
    let r = ahp::ahp_weights(&m, &opts).map_err(|e| format!("{e:?}"))?;
    serde_json::to_value(r).map_err(|e| e.to_string())
}

fn run_tally(dir: &Path) -> Result<Value, String> {
    let i = json(&dir.join("input.json"));
    let answers: Vec<Option<f64>> = i["answers"]
        .as_array()
        .ok_or("input.answers must be an array")?
        .iter()
        .map(Value::as_f64)
        .collect();
    let t = tally::Tally::from_answers(answers).map_err(|e| format!("{e:?}"))?;
    let rule = tally::SummaryRule {
        min_n: i["min_n"].as_u64().unwrap_or(1),
        trim_k: i["trim_k"].as_u64().unwrap_or(1),
    };
    serde_json::to_value(t.summarize(&rule)).map_err(|e| e.to_string())
}

fn run_entropy(dir: &Path) -> Result<Value, String> {
    let i = json(&dir.join("input.json"));
    let matrix: Vec<Vec<f64>> =
        serde_json::from_value(i["matrix"].clone()).map_err(|e| e.to_string())?;
    let directions = i["directions"]
        .as_array()
        .ok_or("input.directions must be an array")?
        .iter()
        .map(|d| d.as_str().unwrap_or("").parse::<entropy::Direction>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{e:?}"))?;
    let norm = match i.get("normalisation").and_then(Value::as_str) {
        Some(s) => s.parse().map_err(|e| format!("{e:?}"))?,
        None => entropy::Normalisation::MinMax,
    };
    let r = entropy::entropy_weights(&matrix, &directions, norm).map_err(|e| format!("{e:?}"))?;
    serde_json::to_value(r).map_err(|e| e.to_string())
}

fn run_rake(dir: &Path) -> Result<Value, String> {
    let i = json(&dir.join("input.json"));
    let input: weighting::RakeInput =
        weighting::RakeInput::from_json(&i).map_err(|e| format!("{e:?}"))?;
    let r = weighting::rake(&input).map_err(|e| format!("{e:?}"))?;
    let mut v = serde_json::to_value(&r).map_err(|e| e.to_string())?;
    let counts: Vec<u64> = input.records.iter().map(|r| r.count).collect();
    add_estimates(&mut v, &i, &r.weights, &counts)?;
    Ok(v)
}

/// Optional `outcomes: {name: [y per record]}` in the input: adds the weighted mean
/// (Σwy/Σw) and total (Σwy) of each, as published survey estimates (e.g. R `svymean` /
/// `svytotal`), computed with `WeightedTally`.
fn add_estimates(
    v: &mut Value,
    input: &Value,
    weights: &[f64],
    counts: &[u64],
) -> Result<(), String> {
    let Some(outcomes) = input.get("outcomes").and_then(Value::as_object) else {
        return Ok(());
    };
    let mut est = serde_json::Map::new();
    for (name, ys) in outcomes {
        let ys = ys.as_array().ok_or("outcomes must be arrays")?;
        if ys.len() != weights.len() {
            return Err(format!("outcome {name}: one value per record expected"));
        }
        let mut t = tally::WeightedTally::new();
        for ((y, w), c) in ys.iter().zip(weights).zip(counts) {
            let y = y.as_f64().ok_or("outcome values must be numbers")?;
            for _ in 0..*c {
                t.record(y, *w).map_err(|e| format!("{e:?}"))?;
            }
        }
        let s = match t.summarize(1) {
            tally::WeightedOutcome::Ok(s) => s,
            other => return Err(format!("{other:?}")),
        };
        est.insert(
            name.clone(),
            serde_json::json!({ "mean": s.mean, "total": s.mean * s.sum_weights }),
        );
    }
    if let Some(o) = v.as_object_mut() {
        o.insert("estimates".into(), Value::Object(est));
    }
    Ok(())
}

fn run_poststratify(dir: &Path) -> Result<Value, String> {
    let i = json(&dir.join("input.json"));
    let input = weighting::PostStratInput::from_json(&i).map_err(|e| format!("{e:?}"))?;
    let r = weighting::post_stratify(&input).map_err(|e| format!("{e:?}"))?;
    let mut v = serde_json::to_value(&r).map_err(|e| e.to_string())?;
    let counts: Vec<u64> = input.records.iter().map(|r| r.count).collect();
    add_estimates(&mut v, &i, &r.weights, &counts)?;
    Ok(v)
}

#[test]
fn published_examples() {
    let mut cases = 0;
    let mut failures = Vec::new();
    let mut methods: Vec<PathBuf> = std::fs::read_dir(root())
        .expect("tests/fixtures/weights exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    methods.sort();
    for mdir in methods {
        let method = mdir
            .file_name()
            .and_then(|s| s.to_str())
            .unwrap_or("")
            .to_string();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(&mdir)
            .expect("readable")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            cases += 1;
            let name = format!(
                "{method}/{}",
                dir.file_name().and_then(|s| s.to_str()).unwrap_or("")
            );
            let source = dir.join("source.md");
            assert!(
                source.exists() && read(&source).trim().len() > 20,
                "{name}: source.md naming the publication is required"
            );
            let expected = json(&dir.join("expected.json"));
            let result = match method.as_str() {
                "ahp" => run_ahp(&dir),
                "tally" => run_tally(&dir),
                "entropy" => run_entropy(&dir),
                "rake" => run_rake(&dir),
                "poststratify" => run_poststratify(&dir),
                other => panic!("{name}: unknown method folder {other:?}"),
            };
            match (expected.get("error").and_then(Value::as_str), result) {
                (Some(err), Ok(v)) => {
                    failures.push(format!("{name}: expected error {err}, got {v}"))
                }
                (Some(err), Err(e)) => {
                    if !e.starts_with(err) {
                        failures.push(format!("{name}: expected error {err}, got {e}"));
                    }
                }
                (None, Err(e)) => failures.push(format!("{name}: unexpected error {e}")),
                (None, Ok(v)) => {
                    let default = expected["tolerance"].as_f64().unwrap_or(0.0);
                    let per = expected.get("tolerances").cloned().unwrap_or(Value::Null);
                    // the longest `tolerances` key that is a path prefix wins
                    let tol = |path: &str| {
                        per.as_object()
                            .into_iter()
                            .flatten()
                            .filter(|(k, _)| {
                                path == k.as_str()
                                    || path.starts_with(&format!("{k}."))
                                    || path.starts_with(&format!("{k}["))
                            })
                            .max_by_key(|(k, _)| k.len())
                            .and_then(|(_, v)| v.as_f64())
                            .unwrap_or(default)
                    };
                    let diffs = compare("", &expected["expect"], &v, &tol);
                    failures.extend(diffs.into_iter().map(|d| format!("{name}: {d}")));
                }
            }
        }
    }
    assert!(cases > 0, "no fixture found under {}", root().display());
    assert!(
        failures.is_empty(),
        "{} failure(s):\n{}",
        failures.len(),
        failures.join("\n")
    );
}
