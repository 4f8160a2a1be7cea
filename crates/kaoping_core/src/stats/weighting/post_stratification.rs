//! Post-stratification: each record's base weight scaled to its cell's population figure,
//! with an optional one-step collapse of cells.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{
    bad_input, default_count, default_weight, diagnostics, nsum, WeightDiagnostics, WeightingError,
};

/// One respondent (or `count` identical respondents) for post-stratification.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CellRecord {
    /// Post-stratum, e.g. `"江岸区|18-34"`.
    pub cell: String,
    /// Design (base) weight, default 1.
    #[serde(default = "default_weight")]
    pub base_weight: f64,
    /// Number of identical respondents this record stands for, default 1.
    #[serde(default = "default_count")]
    pub count: u64,
}

/// What to do when sample and population cells do not match.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "policy")]
pub enum MissingCellPolicy {
    /// Report the first mismatch as an error (default).
    #[default]
    Report,
    /// Merge cells by the caller's map `cell → merged cell` (applied to sample and
    /// population alike, one step, no chains), then report any remaining mismatch.
    Collapse {
        /// Map of cells to merge.
        map: BTreeMap<String, String>,
    },
}

/// Input of [`post_stratify`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PostStratInput {
    /// Respondents.
    pub records: Vec<CellRecord>,
    /// Population count (or share) of each cell.
    pub population: BTreeMap<String, f64>,
    /// Mismatch policy.
    #[serde(default)]
    pub missing: MissingCellPolicy,
}

impl PostStratInput {
    /// Reads the input from JSON.
    pub fn from_json(v: &serde_json::Value) -> Result<Self, WeightingError> {
        serde_json::from_value(v.clone()).map_err(bad_input)
    }
}

/// Per-cell figures of a post-stratification.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct CellAdjustment {
    /// Cell (after collapsing).
    pub cell: String,
    /// Respondents.
    pub sample_n: u64,
    /// Σ base weights.
    pub sample_weight: f64,
    /// Population figure.
    pub population: f64,
    /// population / Σ base weights.
    pub factor: f64,
}

/// Result of [`post_stratify`].
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PostStratResult {
    /// Final weight of each record (per respondent), in input order.
    pub weights: Vec<f64>,
    /// Cells in sorted order.
    pub cells: Vec<CellAdjustment>,
    /// Kish diagnostics.
    pub diagnostics: WeightDiagnostics,
}

/// Post-stratification: w_i = d_i · N_h / Σ_{j∈h} d_j.
pub fn post_stratify(input: &PostStratInput) -> Result<PostStratResult, WeightingError> {
    if input.records.is_empty() {
        return Err(WeightingError::Empty);
    }
    let map = match &input.missing {
        MissingCellPolicy::Report => BTreeMap::new(),
        MissingCellPolicy::Collapse { map } => {
            for (from, to) in map {
                if map.contains_key(to) && to != from {
                    return Err(WeightingError::CollapseChain {
                        from: from.clone(),
                        to: to.clone(),
                    });
                }
            }
            map.clone()
        }
    };
    let cell_of = |c: &str| -> String { map.get(c).cloned().unwrap_or_else(|| c.to_string()) };
    let mut population: BTreeMap<String, f64> = BTreeMap::new();
    // population figures: collapse, summing in sorted key order
    for (cell, &value) in &input.population {
        if !(value.is_finite() && value >= 0.0) {
            return Err(WeightingError::InvalidTarget {
                cell: cell.clone(),
                value,
            });
        }
        *population.entry(cell_of(cell)).or_insert(0.0) += value;
    }
    // sample: cell → (base weight key → count), sorted
    let mut sample: BTreeMap<String, BTreeMap<u64, u64>> = BTreeMap::new();
    for (i, r) in input.records.iter().enumerate() {
        if !(r.base_weight.is_finite() && r.base_weight > 0.0) || r.count == 0 {
            return Err(WeightingError::InvalidRecord {
                record: i + 1,
                base_weight: r.base_weight,
            });
        }
        *sample
            .entry(cell_of(&r.cell))
            .or_default()
            .entry(r.base_weight.to_bits())
            .or_insert(0) += r.count;
    }
    for (cell, ws) in &sample {
        if !population.contains_key(cell) {
            return Err(WeightingError::SampleCellWithoutPopulation {
                cell: cell.clone(),
                sample_n: ws.values().sum(),
            });
        }
    }
    for (cell, &p) in &population {
        if p > 0.0 && !sample.contains_key(cell) {
            return Err(WeightingError::EmptyPopulationCell {
                cell: cell.clone(),
                population: p,
            });
        }
    }
    let mut factors: BTreeMap<&str, f64> = BTreeMap::new();
    let mut cells = Vec::new();
    for (cell, ws) in &sample {
        // positive base weights: bit order = numeric order
        let sw = nsum(ws.iter().map(|(b, c)| f64::from_bits(*b) * *c as f64));
        let pop = population.get(cell).copied().unwrap_or(0.0);
        let factor = pop / sw;
        factors.insert(cell, factor);
        cells.push(CellAdjustment {
            cell: cell.clone(),
            sample_n: ws.values().sum(),
            sample_weight: sw,
            population: pop,
            factor,
        });
    }
    let weights: Vec<f64> = input
        .records
        .iter()
        .map(|r| {
            r.base_weight
                * factors
                    .get(cell_of(&r.cell).as_str())
                    .copied()
                    .unwrap_or(0.0)
        })
        .collect();
    // diagnostics over sorted profiles
    let mut prof: BTreeMap<u64, u64> = BTreeMap::new();
    for (r, w) in input.records.iter().zip(&weights) {
        *prof.entry(w.to_bits()).or_insert(0) += r.count;
    }
    let (pw, pc): (Vec<f64>, Vec<u64>) = prof.iter().map(|(b, c)| (f64::from_bits(*b), *c)).unzip();
    Ok(PostStratResult {
        weights,
        cells,
        diagnostics: diagnostics(&pw, &pc),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_stratification_and_policies() {
        let recs = |cells: &[&str]| -> Vec<CellRecord> {
            cells
                .iter()
                .map(|c| CellRecord {
                    cell: c.to_string(),
                    base_weight: 1.0,
                    count: 1,
                })
                .collect()
        };
        let pop: BTreeMap<String, f64> = [("a".to_string(), 60.0), ("b".to_string(), 40.0)].into();
        let input = PostStratInput {
            records: recs(&["a", "a", "b", "c"]),
            population: pop.clone(),
            missing: MissingCellPolicy::Report,
        };
        assert!(matches!(
            post_stratify(&input),
            Err(WeightingError::SampleCellWithoutPopulation { .. })
        ));
        let input = PostStratInput {
            missing: MissingCellPolicy::Collapse {
                map: [("c".to_string(), "b".to_string())].into(),
            },
            ..input
        };
        let r = post_stratify(&input).unwrap();
        assert_eq!(r.weights, vec![30.0, 30.0, 20.0, 20.0]);
        assert_eq!(r.diagnostics.design_effect, 4.0 * 2600.0 / 10000.0);
    }
}
