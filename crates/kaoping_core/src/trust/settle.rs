//! Which accepted signed sheets count, decided from all of them at once (so the order of the
//! files does not matter):
//!
//! 1. Each token is bound to the device key of its earliest sheet (earliest `submitted_at`,
//!    ties by the smaller checksum); a sheet of that token signed by another key is
//!    `other_key`.
//! 2. Among the other sheets of one (instrument, rater), the latest (`submitted_at`, ties by
//!    the greater checksum) counts; the others are superseded by it.

use super::parse_instant;
use super::sheet::SheetSigner;
use std::collections::BTreeMap;

/// What [`settle`] needs of one accepted signed sheet.
#[derive(
    Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, schemars::JsonSchema,
)]
pub struct SignedSheetRef {
    pub token_id: String,
    pub instrument: String,
    pub rater: String,
    /// The device key's text.
    pub key: String,
    pub submitted_at: String,
    pub checksum: String,
}

impl From<&SheetSigner> for SignedSheetRef {
    fn from(s: &SheetSigner) -> Self {
        SignedSheetRef {
            token_id: s.token_id.clone(),
            instrument: s.instrument.clone(),
            rater: s.rater.clone(),
            key: s.key.clone(),
            submitted_at: s.submitted_at.clone(),
            checksum: s.checksum.clone(),
        }
    }
}

/// The decision on one sheet, by its index in [`settle`]'s input.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum SheetDecision {
    /// This sheet counts for its (instrument, rater).
    Counts,
    /// A later sheet of the same (instrument, rater) counts instead: the index of that one.
    Superseded { by: usize },
    /// The token is bound to another device key (that of its earliest sheet).
    OtherKey { bound_key: String },
}

/// The order key of a sheet: its time (unreadable times first, by text), then its checksum.
fn when(s: &SignedSheetRef) -> (Option<i64>, &str, &str) {
    (
        parse_instant(&s.submitted_at),
        s.submitted_at.as_str(),
        s.checksum.as_str(),
    )
}

/// The decision on each sheet, in the order given. Order-independent: permuting the input
/// permutes the decisions the same way (`by` pointing at the same sheet), except between
/// copies of one sheet (same time and checksum), of which one counts.
pub fn settle(sheets: &[SignedSheetRef]) -> Vec<SheetDecision> {
    // 1. The key each token is bound to: its earliest sheet's.
    let mut first: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, s) in sheets.iter().enumerate() {
        let e = first.entry(s.token_id.as_str()).or_insert(i);
        if when(s) < when(&sheets[*e]) {
            *e = i;
        }
    }
    let mut out: Vec<Option<SheetDecision>> = vec![None; sheets.len()];
    for (i, s) in sheets.iter().enumerate() {
        let bound = &sheets[first[s.token_id.as_str()]].key;
        if *bound != s.key {
            out[i] = Some(SheetDecision::OtherKey {
                bound_key: bound.clone(),
            });
        }
    }
    // 2. The latest sheet of each (instrument, rater) among the others.
    let mut latest: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    for (i, s) in sheets.iter().enumerate() {
        if out[i].is_some() {
            continue;
        }
        let e = latest
            .entry((s.instrument.as_str(), s.rater.as_str()))
            .or_insert(i);
        if when(s) > when(&sheets[*e]) {
            *e = i;
        }
    }
    sheets
        .iter()
        .zip(out)
        .enumerate()
        .map(|(i, (s, d))| {
            d.unwrap_or_else(|| {
                let w = latest[&(s.instrument.as_str(), s.rater.as_str())];
                if w == i {
                    SheetDecision::Counts
                } else {
                    SheetDecision::Superseded { by: w }
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn sheet(token: &str, rater: &str, key: &str, at: &str, sum: &str) -> SignedSheetRef {
        SignedSheetRef {
            token_id: token.into(),
            instrument: "expert".into(),
            rater: rater.into(),
            key: key.into(),
            submitted_at: at.into(),
            checksum: sum.into(),
        }
    }

    fn t(minute: u32) -> String {
        format!("2026-12-01T10:{minute:02}:00.000Z")
    }

    #[test]
    fn the_latest_sheet_counts_and_another_device_is_refused() {
        let sheets = [
            sheet("t1", "E07", "kA", &t(10), "c1"),
            sheet("t1", "E07", "kA", &t(30), "c2"),
            // A forged copy from another device, later still: refused, does not supersede.
            sheet("t1", "E07", "kB", &t(40), "c3"),
            sheet("t2", "E08", "kC", &t(5), "c4"),
        ];
        let d = settle(&sheets);
        assert_eq!(d[0], SheetDecision::Superseded { by: 1 });
        assert_eq!(d[1], SheetDecision::Counts);
        assert_eq!(
            d[2],
            SheetDecision::OtherKey {
                bound_key: "kA".into()
            }
        );
        assert_eq!(d[3], SheetDecision::Counts);
    }

    #[test]
    fn a_re_issued_token_supersedes_by_rater_and_ties_go_to_the_greater_checksum() {
        // A new invitation (another token) for the same rater on a new device.
        let sheets = [
            sheet("t1", "E07", "kA", &t(10), "c1"),
            sheet("t9", "E07", "kN", &t(20), "c2"),
            sheet("t9", "E07", "kN", &t(20), "c3"),
        ];
        let d = settle(&sheets);
        assert_eq!(d[0], SheetDecision::Superseded { by: 2 });
        assert_eq!(d[1], SheetDecision::Superseded { by: 2 });
        assert_eq!(d[2], SheetDecision::Counts);
    }

    /// The decisions as a map from checksum (unique here) to a decision naming sheets by
    /// checksum, so that two orders can be compared.
    fn by_checksum(
        sheets: &[SignedSheetRef],
        d: &[SheetDecision],
    ) -> BTreeMap<String, (String, String)> {
        sheets
            .iter()
            .zip(d)
            .map(|(s, d)| {
                let v = match d {
                    SheetDecision::Counts => ("counts".into(), String::new()),
                    SheetDecision::Superseded { by } => {
                        ("superseded".into(), sheets[*by].checksum.clone())
                    }
                    SheetDecision::OtherKey { bound_key } => {
                        ("other_key".into(), bound_key.clone())
                    }
                };
                (s.checksum.clone(), v)
            })
            .collect()
    }

    proptest! {
        #[test]
        fn any_order_gives_the_same_decisions(
            raw in prop::collection::vec((0u8..3, 0u8..3, 0u8..2, 0u32..4), 1..12),
            seed in any::<u64>(),
        ) {
            let sheets: Vec<SignedSheetRef> = raw
                .iter()
                .enumerate()
                .map(|(i, (tok, rater, key, min))| {
                    sheet(
                        &format!("t{tok}"),
                        &format!("R{rater}"),
                        &format!("k{key}"),
                        &t(*min),
                        &format!("c{i:02}"),
                    )
                })
                .collect();
            let want = by_checksum(&sheets, &settle(&sheets));
            // A permutation from the seed (Fisher-Yates with a small LCG).
            let mut order: Vec<usize> = (0..sheets.len()).collect();
            let mut x = seed;
            for i in (1..order.len()).rev() {
                x = x.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
                order.swap(i, (x >> 33) as usize % (i + 1));
            }
            let shuffled: Vec<SignedSheetRef> = order.iter().map(|&i| sheets[i].clone()).collect();
            prop_assert_eq!(by_checksum(&shuffled, &settle(&shuffled)), want);
            // Exactly one sheet counts per (instrument, rater) that has a sheet not refused.
            let d = settle(&sheets);
            let counted: Vec<_> = d.iter().filter(|x| **x == SheetDecision::Counts).collect();
            let raters: std::collections::BTreeSet<_> = sheets
                .iter()
                .zip(&d)
                .filter(|(_, x)| !matches!(x, SheetDecision::OtherKey { .. }))
                .map(|(s, _)| s.rater.clone())
                .collect();
            prop_assert_eq!(counted.len(), raters.len());
        }
    }
}
