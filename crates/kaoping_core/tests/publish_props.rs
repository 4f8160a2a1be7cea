//! Small-cell suppression of the public page (`publish::suppress`), over random tables: what is
//! published never pins a small cell. The attacker here is written apart from the rule: it
//! knows every cell's respondents, the published cells' counts and the published total, and
//! tries every whole-number count of every suppressed cell that adds up to the total.

use kaoping_core::publish::suppress::{suppress, Cell, Suppression};
use proptest::prelude::*;
use std::collections::BTreeSet;

/// A table: up to 4 units with 0–12 respondents each, how many were satisfied, and whether the
/// unit is marked small for its other figure.
fn table() -> impl Strategy<Value = Vec<(u64, u64, bool)>> {
    prop::collection::vec(
        (0u64..=12).prop_flat_map(|n| (Just(n), 0..=n, prop::bool::weighted(0.1))),
        1..=4,
    )
}

/// Every count of satisfied each suppressed cell can have, given what is published
/// (`None` for a published cell).
fn possible_counts(
    cells: &[(u64, u64, bool)],
    out: &[Suppression],
    total_shown: bool,
) -> Vec<Option<BTreeSet<u64>>> {
    let hidden: Vec<usize> = (0..cells.len())
        .filter(|&i| out[i] != Suppression::None)
        .collect();
    let mut seen: Vec<Option<BTreeSet<u64>>> = (0..cells.len())
        .map(|i| (out[i] != Suppression::None).then(BTreeSet::new))
        .collect();
    // What the total and the published cells leave for the hidden ones together.
    let total: u64 = cells.iter().map(|c| c.1).sum();
    let published: u64 = (0..cells.len())
        .filter(|&i| out[i] == Suppression::None)
        .map(|i| cells[i].1)
        .sum();
    let left = total - published;
    let mut counts = vec![0u64; hidden.len()];
    loop {
        let sum: u64 = counts.iter().sum();
        if !total_shown || sum == left {
            for (k, &i) in hidden.iter().enumerate() {
                if let Some(set) = seen[i].as_mut() {
                    set.insert(counts[k]);
                }
            }
        }
        // Next assignment (odometer over 0..=n of each hidden cell).
        let mut k = 0;
        loop {
            if k == hidden.len() {
                return seen;
            }
            if counts[k] < cells[hidden[k]].0 {
                counts[k] += 1;
                break;
            }
            counts[k] = 0;
            k += 1;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn no_small_cell_can_be_recovered(cells in table(), min in 1u64..=12) {
        let input: Vec<Cell> = cells
            .iter()
            .map(|&(n, s, small)| Cell { n, satisfied: s as f64, small: small && n > 0 })
            .collect();
        let got = suppress(&input, min);
        prop_assert_eq!(got.cells.len(), cells.len());
        let total_n: u64 = cells.iter().map(|c| c.0).sum();
        // Primary: every small cell is suppressed, and a small group's total too.
        for (i, &(n, _, small)) in cells.iter().enumerate() {
            if n > 0 && (n < min || small) {
                prop_assert_eq!(got.cells[i], Suppression::TooFew);
            } else {
                prop_assert_ne!(got.cells[i], Suppression::TooFew);
            }
        }
        if total_n < min {
            prop_assert!(!got.total_shown);
        }
        // Nothing is withheld where no cell is small.
        if !got.cells.contains(&Suppression::TooFew) {
            prop_assert!(got.cells.iter().all(|s| *s == Suppression::None));
            prop_assert_eq!(got.total_shown, total_n >= min);
        }
        // No small cell is pinned to one count by what is published.
        let possible = possible_counts(&cells, &got.cells, got.total_shown);
        for (i, set) in possible.iter().enumerate() {
            if got.cells[i] == Suppression::TooFew {
                let set = set.as_ref().unwrap();
                prop_assert!(set.contains(&cells[i].1));
                prop_assert!(
                    set.len() >= 2,
                    "cell {} ({:?}) recovered: {:?}; cells {:?}, decision {:?}",
                    i, cells[i], set, cells, got
                );
            }
        }
    }

    /// Weighted shares (fractional counts): the range the total leaves a small cell, worked
    /// out from the published figures alone, is at least one respondent wide.
    #[test]
    fn weighted_counts_keep_a_range_of_at_least_one_respondent(
        cells in prop::collection::vec((1u64..400, 0.0f64..=1.0), 1..=6),
        min in 1u64..=50,
    ) {
        let input: Vec<Cell> = cells
            .iter()
            .map(|&(n, p)| Cell { n, satisfied: p * n as f64, small: false })
            .collect();
        let got = suppress(&input, min);
        if !got.total_shown {
            return Ok(());
        }
        let total: f64 = input.iter().map(|c| c.satisfied).sum();
        let published: f64 = input
            .iter()
            .zip(&got.cells)
            .filter(|(_, s)| **s == Suppression::None)
            .map(|(c, _)| c.satisfied)
            .sum();
        for (i, c) in input.iter().enumerate() {
            if got.cells[i] != Suppression::TooFew {
                continue;
            }
            // The other hidden cells can hold between 0 and all of their respondents.
            let others: f64 = input
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i && got.cells[*j] != Suppression::None)
                .map(|(_, d)| d.n as f64)
                .sum();
            let left = total - published;
            let lo = (left - others).max(0.0);
            let hi = left.min(c.n as f64);
            prop_assert!(hi - lo >= 1.0 - 1e-6, "cell {i}: [{lo}, {hi}] of {:?}; {:?}", input, got);
        }
    }
}
