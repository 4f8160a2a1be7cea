//! Raking (iterative proportional fitting) of the weights to several margins, with an
//! optional cap on the weights (trim and re-rake).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::{
    bad_input, default_count, default_weight, diagnostics, nsum, WeightDiagnostics, WeightingError,
};

/// One respondent (or `count` identical respondents) for raking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RakeRecord {
    /// Category of the respondent in each margin, in margin order.
    pub categories: Vec<String>,
    /// Design (base) weight, default 1.
    #[serde(default = "default_weight")]
    pub base_weight: f64,
    /// Number of identical respondents, default 1.
    #[serde(default = "default_count")]
    pub count: u64,
}

/// A control margin: population totals per category.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Margin {
    /// Name, e.g. `"district"`.
    pub name: String,
    /// Population total of each category.
    pub targets: BTreeMap<String, f64>,
}

fn default_tolerance() -> f64 {
    1e-10
}
fn default_max_iterations() -> usize {
    1000
}
fn default_max_trim_rounds() -> usize {
    50
}

/// Input of [`rake`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RakeInput {
    /// Control margins, adjusted in this order within each iteration.
    pub margins: Vec<Margin>,
    /// Respondents.
    pub records: Vec<RakeRecord>,
    /// Stop when every margin is within this *relative* distance of its targets.
    #[serde(default = "default_tolerance")]
    pub tolerance: f64,
    /// Maximum raking iterations (each = one pass over all margins) per raking run.
    #[serde(default = "default_max_iterations")]
    pub max_iterations: usize,
    /// Cap on a weight as a multiple of the mean weight (e.g. 5.0); `None` = no cap.
    #[serde(default)]
    pub cap: Option<f64>,
    /// Maximum trim-and-re-rake rounds when a cap is set.
    #[serde(default = "default_max_trim_rounds")]
    pub max_trim_rounds: usize,
}

impl RakeInput {
    /// Reads the input from JSON.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, WeightingError> {
        serde_json::from_value(v.clone()).map_err(bad_input)
    }
}

/// Achieved total of one category.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MarginFit {
    /// Margin.
    pub margin: String,
    /// Category.
    pub category: String,
    /// Target.
    pub target: f64,
    /// Weighted total achieved.
    pub achieved: f64,
}

/// Result of [`rake`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RakeResult {
    /// Final weight per respondent of each record, in input order.
    pub weights: Vec<f64>,
    /// count × weight of each record, in input order (the fitted cell totals when the
    /// records are cells of a table).
    pub weighted_counts: Vec<f64>,
    /// True when every margin is within the tolerance at the end.
    pub converged: bool,
    /// Raking iterations run in total (over all trim rounds).
    pub iterations: usize,
    /// Largest relative margin discrepancy at the end.
    pub max_relative_error: f64,
    /// Trim-and-re-rake rounds run (0 without a cap or when no weight exceeded it).
    pub trim_rounds: usize,
    /// True when no weight exceeds the cap at the end (always true without a cap).
    pub cap_satisfied: bool,
    /// The cap as an absolute weight (cap × mean weight), if a cap was set.
    pub cap_weight: Option<f64>,
    /// Achieved margins, margin order then sorted category.
    pub margins: Vec<MarginFit>,
    /// Kish diagnostics.
    pub diagnostics: WeightDiagnostics,
}

/// Distinct (categories, base weight) profile with its multiplicity.
struct Profile {
    cats: Vec<usize>,
    count: f64,
    count_u: u64,
    weight: f64,
}

/// Raking (iterative proportional fitting, Deming & Stephan 1940) of the weights to the
/// margins, with an optional cap (trim at cap × mean weight, re-rake, repeat).
pub fn rake(input: &RakeInput) -> Result<RakeResult, WeightingError> {
    if input.records.is_empty() {
        return Err(WeightingError::Empty);
    }
    if input.margins.is_empty() {
        return Err(WeightingError::InvalidOption {
            message: "at least one margin is required".into(),
        });
    }
    if !(input.tolerance.is_finite() && input.tolerance > 0.0) {
        return Err(WeightingError::InvalidOption {
            message: format!("tolerance {} must be > 0", input.tolerance),
        });
    }
    if let Some(c) = input.cap {
        if !(c.is_finite() && c > 1.0) {
            return Err(WeightingError::InvalidOption {
                message: format!("cap {c} must be a finite multiple of the mean weight > 1"),
            });
        }
    }
    let k = input.margins.len();
    // category indices per margin (sorted by BTreeMap order)
    let cat_index: Vec<BTreeMap<&str, usize>> = input
        .margins
        .iter()
        .map(|m| {
            m.targets
                .keys()
                .enumerate()
                .map(|(i, c)| (c.as_str(), i))
                .collect()
        })
        .collect();
    let targets: Vec<Vec<f64>> = input
        .margins
        .iter()
        .map(|m| m.targets.values().copied().collect())
        .collect();
    for m in &input.margins {
        for (c, &t) in &m.targets {
            if !(t.is_finite() && t >= 0.0) {
                return Err(WeightingError::InvalidTarget {
                    cell: format!("{}={}", m.name, c),
                    value: t,
                });
            }
        }
    }
    let first_total = nsum(targets[0].iter().copied());
    for (m, t) in input.margins.iter().zip(&targets).skip(1) {
        let total = nsum(t.iter().copied());
        if (total - first_total).abs() > 1e-9 * first_total.abs().max(1.0) {
            return Err(WeightingError::InconsistentTotals {
                margin: m.name.clone(),
                total,
                first: input.margins[0].name.clone(),
                first_total,
            });
        }
    }
    // pool records into sorted profiles
    let mut pooled: BTreeMap<(Vec<usize>, u64), u64> = BTreeMap::new();
    let mut record_key = Vec::with_capacity(input.records.len());
    for (i, r) in input.records.iter().enumerate() {
        if !(r.base_weight.is_finite() && r.base_weight > 0.0) || r.count == 0 {
            return Err(WeightingError::InvalidRecord {
                record: i + 1,
                base_weight: r.base_weight,
            });
        }
        if r.categories.len() != k {
            return Err(WeightingError::CategoryCount {
                record: i + 1,
                expected: k,
                found: r.categories.len(),
            });
        }
        let mut cats = Vec::with_capacity(k);
        for (m, c) in r.categories.iter().enumerate() {
            match cat_index[m].get(c.as_str()) {
                Some(&ix) => cats.push(ix),
                None => {
                    return Err(WeightingError::MissingTarget {
                        margin: input.margins[m].name.clone(),
                        category: c.clone(),
                    })
                }
            }
        }
        let key = (cats, r.base_weight.to_bits());
        *pooled.entry(key.clone()).or_insert(0) += r.count;
        record_key.push(key);
    }
    // every category with a positive target needs a respondent
    for (m, margin) in input.margins.iter().enumerate() {
        let present: BTreeSet<usize> = pooled.keys().map(|(c, _)| c[m]).collect();
        for (ix, (cat, &t)) in margin.targets.iter().enumerate() {
            if t > 0.0 && !present.contains(&ix) {
                return Err(WeightingError::EmptyCategory {
                    margin: margin.name.clone(),
                    category: cat.clone(),
                    target: t,
                });
            }
        }
    }
    let mut profiles: Vec<Profile> = pooled
        .iter()
        .map(|((cats, b), c)| Profile {
            cats: cats.clone(),
            count: *c as f64,
            count_u: *c,
            weight: f64::from_bits(*b),
        })
        .collect();
    let n_total: f64 = profiles.iter().map(|p| p.count).sum();
    let cap_weight = input.cap.map(|c| c * first_total / n_total);

    let totals = |profiles: &[Profile], m: usize| -> Vec<f64> {
        let mut t = vec![Vec::new(); targets[m].len()];
        for p in profiles {
            t[p.cats[m]].push(p.weight * p.count);
        }
        t.into_iter().map(nsum).collect()
    };
    let max_rel_error = |profiles: &[Profile]| -> f64 {
        let mut e = 0.0_f64;
        for (m, tg) in targets.iter().enumerate() {
            for (a, t) in totals(profiles, m).iter().zip(tg) {
                let d = if *t > 0.0 { (a - t).abs() / t } else { a.abs() };
                e = e.max(d);
            }
        }
        e
    };
    let mut iterations = 0;
    let mut trim_rounds = 0;
    let mut capped: Vec<bool> = vec![false; profiles.len()];
    let mut err;
    loop {
        // rake: capped profiles are held fixed at the cap, the others absorb the rest
        let mut run = 0;
        loop {
            for m in 0..k {
                let mut free = vec![Vec::new(); targets[m].len()];
                let mut fixed = vec![Vec::new(); targets[m].len()];
                for (p, &is_capped) in profiles.iter().zip(&capped) {
                    let bucket = if is_capped { &mut fixed } else { &mut free };
                    bucket[p.cats[m]].push(p.weight * p.count);
                }
                let f: Vec<f64> = free
                    .into_iter()
                    .zip(fixed)
                    .zip(&targets[m])
                    .map(|((fr, fx), t)| {
                        let fr = nsum(fr);
                        let fx = nsum(fx);
                        if fr > 0.0 {
                            ((t - fx) / fr).max(0.0)
                        } else {
                            1.0
                        }
                    })
                    .collect();
                for (p, &is_capped) in profiles.iter_mut().zip(&capped) {
                    if !is_capped {
                        p.weight *= f[p.cats[m]];
                    }
                }
            }
            run += 1;
            err = max_rel_error(&profiles);
            if err <= input.tolerance || run >= input.max_iterations {
                break;
            }
        }
        iterations += run;
        let Some(cw) = cap_weight else { break };
        let over: Vec<usize> = profiles
            .iter()
            .enumerate()
            .filter(|(i, p)| !capped[*i] && p.weight > cw * (1.0 + 1e-12))
            .map(|(i, _)| i)
            .collect();
        if over.is_empty() || trim_rounds >= input.max_trim_rounds {
            break;
        }
        trim_rounds += 1;
        for i in over {
            profiles[i].weight = cw;
            capped[i] = true;
        }
    }
    let cap_satisfied = match cap_weight {
        None => true,
        Some(cw) => profiles.iter().all(|p| p.weight <= cw * (1.0 + 1e-12)),
    };
    let weight_of: BTreeMap<(Vec<usize>, u64), f64> = pooled
        .keys()
        .cloned()
        .zip(profiles.iter().map(|p| p.weight))
        .collect();
    let weights: Vec<f64> = record_key
        .iter()
        .map(|k| weight_of.get(k).copied().unwrap_or(0.0))
        .collect();
    let weighted_counts = weights
        .iter()
        .zip(&input.records)
        .map(|(w, r)| w * r.count as f64)
        .collect();
    let mut margins = Vec::new();
    for (m, margin) in input.margins.iter().enumerate() {
        let achieved = totals(&profiles, m);
        for ((cat, &t), a) in margin.targets.iter().zip(achieved) {
            margins.push(MarginFit {
                margin: margin.name.clone(),
                category: cat.clone(),
                target: t,
                achieved: a,
            });
        }
    }
    let pw: Vec<f64> = profiles.iter().map(|p| p.weight).collect();
    let pc: Vec<u64> = profiles.iter().map(|p| p.count_u).collect();
    Ok(RakeResult {
        weights,
        weighted_counts,
        converged: err <= input.tolerance,
        iterations,
        max_relative_error: err,
        trim_rounds,
        cap_satisfied,
        cap_weight,
        margins,
        diagnostics: diagnostics(&pw, &pc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(c: &[&str], n: u64) -> RakeRecord {
        RakeRecord {
            categories: c.iter().map(|s| s.to_string()).collect(),
            base_weight: 1.0,
            count: n,
        }
    }

    fn margin(name: &str, t: &[(&str, f64)]) -> Margin {
        Margin {
            name: name.into(),
            targets: t.iter().map(|(k, v)| (k.to_string(), *v)).collect(),
        }
    }

    #[test]
    fn rake_hits_margins_and_reports() {
        let input = RakeInput {
            margins: vec![
                margin("sex", &[("f", 52.0), ("m", 48.0)]),
                margin("age", &[("young", 30.0), ("old", 70.0)]),
            ],
            records: vec![
                rec(&["f", "young"], 10),
                rec(&["f", "old"], 20),
                rec(&["m", "young"], 25),
                rec(&["m", "old"], 15),
            ],
            tolerance: 1e-12,
            max_iterations: 1000,
            cap: None,
            max_trim_rounds: 10,
        };
        let r = rake(&input).unwrap();
        assert!(r.converged);
        for m in &r.margins {
            assert!((m.achieved - m.target).abs() < 1e-9);
        }
        // permuting the records does not change a single bit
        let mut rev = input.clone();
        rev.records.reverse();
        let r2 = rake(&rev).unwrap();
        let mut w2 = r2.weights.clone();
        w2.reverse();
        assert_eq!(r.weights, w2);
        assert_eq!(r.diagnostics, r2.diagnostics);
    }

    #[test]
    fn cap_is_enforced() {
        let input = RakeInput {
            margins: vec![margin("g", &[("a", 90.0), ("b", 10.0)])],
            records: vec![rec(&["a"], 1), rec(&["b"], 9), rec(&["a"], 0)],
            tolerance: 1e-10,
            max_iterations: 100,
            cap: Some(3.0),
            max_trim_rounds: 5,
        };
        assert!(matches!(
            rake(&input),
            Err(WeightingError::InvalidRecord { record: 3, .. })
        ));
        let mut input = input;
        input.records.pop();
        let r = rake(&input).unwrap();
        // "a" would need weight 90 (mean 10, cap 30): capped, margin not reachable
        assert_eq!(r.trim_rounds, 1);
        assert!(r.cap_satisfied);
        assert!(!r.converged);
    }
}
