//! The positive and negative lists of each unit: the indicators on which it stands furthest
//! above or below its category's mean score.

use crate::score::result::{CategoryResult, ListItem, UnitResult};
use crate::score::round_to;
use std::collections::BTreeMap;

use super::Year;

/// Each category's mean score per indicator, and each unit's lists against those means.
pub(super) fn compare_with_category_means(
    year: &Year,
    units: &mut [UnitResult],
    categories: &mut [CategoryResult],
) {
    for (cat, result) in year.plan.categories.iter().zip(categories) {
        let idx: Vec<usize> = (0..units.len())
            .filter(|&i| units[i].category == cat.id)
            .collect();
        let means = indicator_means(year, &cat.id, units, &idx);
        for &i in &idx {
            lists(year, &mut units[i], &means);
        }
        result.indicator_means = means;
    }
}

/// The mean score of each of the category's indicators over the units `idx` that have one.
fn indicator_means(
    year: &Year,
    cat: &str,
    units: &[UnitResult],
    idx: &[usize],
) -> BTreeMap<String, f64> {
    use crate::stats::dist::stable_sum;
    let mut means = BTreeMap::new();
    for ind in &year.plan.indicators {
        if !ind.weights.contains_key(cat) {
            continue;
        }
        let scores: Vec<f64> = idx
            .iter()
            .filter_map(|&i| {
                units[i]
                    .components
                    .indicators
                    .items
                    .iter()
                    .find(|it| it.indicator == ind.id)?
                    .score
            })
            .collect();
        if !scores.is_empty() {
            means.insert(
                ind.id.clone(),
                stable_sum(scores.iter().copied()) / scores.len() as f64,
            );
        }
    }
    means
}

/// The unit's positive and negative lists: up to `list_size` indicators with the largest
/// differences from the category means, above and below.
fn lists(year: &Year, u: &mut UnitResult, means: &BTreeMap<String, f64>) {
    let mut diffs: Vec<ListItem> = u
        .components
        .indicators
        .items
        .iter()
        .filter_map(|it| {
            let s = it.score?;
            let m = *means.get(&it.indicator)?;
            Some(ListItem {
                indicator: it.indicator.clone(),
                score: s,
                category_mean: m,
                difference: round_to(s - m, year.rules.precision),
            })
        })
        .collect();
    diffs.sort_by(|a, b| {
        b.difference
            .total_cmp(&a.difference)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    u.positive = diffs
        .iter()
        .filter(|d| d.difference > 0.0)
        .take(year.rules.list_size)
        .cloned()
        .collect();
    diffs.sort_by(|a, b| {
        a.difference
            .total_cmp(&b.difference)
            .then_with(|| a.indicator.cmp(&b.indicator))
    });
    u.negative = diffs
        .iter()
        .filter(|d| d.difference < 0.0)
        .take(year.rules.list_size)
        .cloned()
        .collect();
}
