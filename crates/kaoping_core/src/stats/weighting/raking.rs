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

/// A profile's key: its category index in each margin, and the bits of its base weight.
type ProfileKey = (Vec<usize>, u64);

/// Per margin, the index of each category (in sorted category order).
type CategoryIndex<'a> = Vec<BTreeMap<&'a str, usize>>;

/// Raking (iterative proportional fitting, Deming & Stephan 1940) of the weights to the
/// margins, with an optional cap (trim at cap × mean weight, re-rake, repeat).
pub fn rake(input: &RakeInput) -> Result<RakeResult, WeightingError> {
    check_options(input)?;
    let (cat_index, targets) = index_targets(input)?;
    let first_total = check_totals(input, &targets)?;
    let (pooled, record_key) = pool_records(input, &cat_index)?;
    check_categories_present(input, &pooled)?;
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
    let (iterations, trim_rounds, err) = rake_and_trim(input, &targets, &mut profiles, cap_weight);
    let cap_satisfied = match cap_weight {
        None => true,
        Some(cw) => profiles.iter().all(|p| p.weight <= cw * (1.0 + 1e-12)),
    };
    let weights = record_weights(&pooled, &profiles, &record_key);
    let weighted_counts = weights
        .iter()
        .zip(&input.records)
        .map(|(w, r)| w * r.count as f64)
        .collect();
    let margins = achieved_margins(input, &targets, &profiles);
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

/// Rejects an input without records or margins, or with a bad tolerance or cap.
fn check_options(input: &RakeInput) -> Result<(), WeightingError> {
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
    Ok(())
}

/// Each margin's category indices and its targets in that order; every target must be
/// finite and ≥ 0.
fn index_targets(input: &RakeInput) -> Result<(CategoryIndex<'_>, Vec<Vec<f64>>), WeightingError> {
    // category indices per margin (sorted by BTreeMap order)
    let cat_index: CategoryIndex<'_> = input
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
    Ok((cat_index, targets))
}

/// The first margin's grand total, which every other margin must share.
fn check_totals(input: &RakeInput, targets: &[Vec<f64>]) -> Result<f64, WeightingError> {
    let first_total = nsum(targets[0].iter().copied());
    for (m, t) in input.margins.iter().zip(targets).skip(1) {
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
    Ok(first_total)
}

/// Pools the records into sorted profiles (key → count), and gives the key of each
/// record, in input order.
fn pool_records(
    input: &RakeInput,
    cat_index: &[BTreeMap<&str, usize>],
) -> Result<(BTreeMap<ProfileKey, u64>, Vec<ProfileKey>), WeightingError> {
    let k = input.margins.len();
    // pool records into sorted profiles
    let mut pooled: BTreeMap<ProfileKey, u64> = BTreeMap::new();
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
    Ok((pooled, record_key))
}

/// Every category with a positive target needs a respondent.
fn check_categories_present(
    input: &RakeInput,
    pooled: &BTreeMap<ProfileKey, u64>,
) -> Result<(), WeightingError> {
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
    Ok(())
}

/// Weighted total of each of the `n_categories` categories of margin `m`.
fn totals(profiles: &[Profile], m: usize, n_categories: usize) -> Vec<f64> {
    let mut t = vec![Vec::new(); n_categories];
    for p in profiles {
        t[p.cats[m]].push(p.weight * p.count);
    }
    t.into_iter().map(nsum).collect()
}

/// Largest relative distance of a category total from its target, over all margins.
fn max_rel_error(profiles: &[Profile], targets: &[Vec<f64>]) -> f64 {
    let mut e = 0.0_f64;
    for (m, tg) in targets.iter().enumerate() {
        for (a, t) in totals(profiles, m, tg.len()).iter().zip(tg) {
            let d = if *t > 0.0 { (a - t).abs() / t } else { a.abs() };
            e = e.max(d);
        }
    }
    e
}

/// Rakes, then while some free profile is over the cap weight, fixes those at the cap and
/// rakes again (at most `max_trim_rounds` times). Returns the raking iterations, the trim
/// rounds and the final largest relative error.
fn rake_and_trim(
    input: &RakeInput,
    targets: &[Vec<f64>],
    profiles: &mut [Profile],
    cap_weight: Option<f64>,
) -> (usize, usize, f64) {
    let mut iterations = 0;
    let mut trim_rounds = 0;
    let mut capped: Vec<bool> = vec![false; profiles.len()];
    let mut err;
    loop {
        let run;
        (run, err) = rake_run(input, targets, profiles, &capped);
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
    (iterations, trim_rounds, err)
}

/// One raking run: passes over the margins, in order, until every margin is within the
/// tolerance or after `max_iterations` passes. Capped profiles are held fixed at the cap,
/// the others absorb the rest. Returns the passes and the final largest relative error.
fn rake_run(
    input: &RakeInput,
    targets: &[Vec<f64>],
    profiles: &mut [Profile],
    capped: &[bool],
) -> (usize, f64) {
    let mut run = 0;
    loop {
        for (m, margin_targets) in targets.iter().enumerate() {
            adjust_margin(profiles, capped, m, margin_targets);
        }
        run += 1;
        let err = max_rel_error(profiles, targets);
        if err <= input.tolerance || run >= input.max_iterations {
            return (run, err);
        }
    }
}

/// Scales the free profiles of each category of margin `m` so that, with the capped ones
/// held fixed, the category reaches its target.
fn adjust_margin(profiles: &mut [Profile], capped: &[bool], m: usize, targets: &[f64]) {
    let mut free = vec![Vec::new(); targets.len()];
    let mut fixed = vec![Vec::new(); targets.len()];
    for (p, &is_capped) in profiles.iter().zip(capped) {
        let bucket = if is_capped { &mut fixed } else { &mut free };
        bucket[p.cats[m]].push(p.weight * p.count);
    }
    let f: Vec<f64> = free
        .into_iter()
        .zip(fixed)
        .zip(targets)
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
    for (p, &is_capped) in profiles.iter_mut().zip(capped) {
        if !is_capped {
            p.weight *= f[p.cats[m]];
        }
    }
}

/// The final weight per respondent of each record, in input order: its profile's.
fn record_weights(
    pooled: &BTreeMap<ProfileKey, u64>,
    profiles: &[Profile],
    record_key: &[ProfileKey],
) -> Vec<f64> {
    let weight_of: BTreeMap<ProfileKey, f64> = pooled
        .keys()
        .cloned()
        .zip(profiles.iter().map(|p| p.weight))
        .collect();
    record_key
        .iter()
        .map(|k| weight_of.get(k).copied().unwrap_or(0.0))
        .collect()
}

/// Achieved total of every category, margin order then sorted category.
fn achieved_margins(
    input: &RakeInput,
    targets: &[Vec<f64>],
    profiles: &[Profile],
) -> Vec<MarginFit> {
    let mut margins = Vec::new();
    for (m, margin) in input.margins.iter().enumerate() {
        let achieved = totals(profiles, m, targets[m].len());
        for ((cat, &t), a) in margin.targets.iter().zip(achieved) {
            margins.push(MarginFit {
                margin: margin.name.clone(),
                category: cat.clone(),
                target: t,
                achieved: a,
            });
        }
    }
    margins
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
