//! How [`super::tallies::PublicTallies`] lays out its counters for a plan: weighting cells,
//! item slots, index-key digits, the satisfaction and NPS tables, and each slot's counters.

use super::spellings::ScaleTable;
use super::tallies::Counted;
use super::Item;
use crate::plan::{Question, QuestionKind, Scale};
use crate::score::PublicRules;

/// The weighting questions (question index, options, radix position) and the number of
/// weighting cells; `None` when a cell cannot be counted densely.
#[allow(clippy::type_complexity)]
pub(super) fn weighting_cells(
    p: &PublicRules,
    qs: &[&Question],
) -> Option<(Vec<(usize, Vec<String>, usize)>, usize)> {
    let qindex = |id: &str| qs.iter().position(|q| q.id == id);
    let mut cell_questions = Vec::new();
    let mut n_cells = 1usize;
    if let Some(w) = &p.weighting {
        for id in w.questions() {
            let qi = qindex(&id)?;
            let QuestionKind::Single { options } = &qs[qi].kind else {
                return None;
            };
            cell_questions.push((
                qi,
                options.iter().map(|o| o.value.clone()).collect(),
                n_cells,
            ));
            n_cells = n_cells.checked_mul(options.len().max(1))?;
        }
        if n_cells > 4096 {
            return None;
        }
    }
    Some((cell_questions, n_cells))
}

/// The item slots (a scored question, or a matrix row), their keys and point scores, and how
/// many items a complete respondent answers; `None` when they cannot be counted densely.
#[allow(clippy::type_complexity)]
pub(super) fn item_slots(
    p: &PublicRules,
    qs: &[&Question],
) -> Option<(Vec<Item>, Vec<String>, Vec<Vec<f64>>, usize)> {
    let qindex = |id: &str| qs.iter().position(|q| q.id == id);
    let mut items = Vec::new();
    let mut item_keys = Vec::new();
    let mut item_scores = Vec::new();
    let mut expected_items = 0;
    for id in &p.items {
        let Some(qi) = qindex(id) else { continue };
        let q = qs[qi];
        match &q.kind {
            QuestionKind::Matrix { rows, .. } => expected_items += rows.len(),
            _ => expected_items += 1,
        }
        let Some(scale) = q.kind.scale() else {
            continue;
        };
        let table = ScaleTable::new(&scale)?;
        match &q.kind {
            QuestionKind::Matrix { rows, .. } => {
                for (ri, r) in rows.iter().enumerate() {
                    items.push(Item {
                        question: qi,
                        row: Some(ri),
                    });
                    item_keys.push(format!("{id}/{}", r.value));
                    item_scores.push(table.scores.clone());
                }
            }
            _ => {
                items.push(Item {
                    question: qi,
                    row: None,
                });
                item_keys.push(id.clone());
                item_scores.push(table.scores.clone());
            }
        }
    }
    // Per-row sums in i64 need scores within ±1e6 (thousandths within ±1e9); a row's
    // counts hold scale points in a byte below the codes of `Counted`.
    let in_range = item_scores.iter().flatten().all(|s| s.abs() <= 1e6);
    let few_points = item_scores
        .iter()
        .all(|s| s.len() < usize::from(Counted::UNABLE_ROW));
    if !in_range || !few_points || item_scores.len() > 1000 {
        return None;
    }
    Some((items, item_keys, item_scores, expected_items))
}

/// An index key is a number whose digits (radix: items + 1) count the items at each distinct
/// score: the distinct scores, each point's digit, and the digits' values.
#[allow(clippy::type_complexity)]
pub(super) fn index_key_digits(
    items: &[Item],
    item_scores: &[Vec<f64>],
) -> Option<(Vec<f64>, Vec<Vec<usize>>, Vec<u64>)> {
    let mut distinct: Vec<f64> = Vec::new();
    let item_distinct: Vec<Vec<usize>> = item_scores
        .iter()
        .map(|scores| {
            scores
                .iter()
                .map(|s| {
                    let s = if *s == 0.0 { 0.0 } else { *s };
                    match distinct.iter().position(|d| d.to_bits() == s.to_bits()) {
                        Some(i) => i,
                        None => {
                            distinct.push(s);
                            distinct.len() - 1
                        }
                    }
                })
                .collect()
        })
        .collect();
    let radix = items.len() as u64 + 1;
    let mut pow = Vec::new();
    let mut x: u64 = 1;
    for _ in 0..distinct.len() {
        pow.push(x);
        x = x.checked_mul(radix)?;
    }
    Some((distinct, item_distinct, pow))
}

/// Per point of the satisfaction question, whether it is in the top box; per point of the
/// NPS question, its class (0 promoter, 1 passive, 2 detractor). `None`: not counted densely.
#[allow(clippy::type_complexity)]
pub(super) fn satisfaction_and_nps(
    p: &PublicRules,
    qs: &[&Question],
) -> Option<(
    Option<(usize, Vec<Option<bool>>)>,
    Option<(usize, Vec<Option<u8>>)>,
)> {
    let qindex = |id: &str| qs.iter().position(|q| q.id == id);
    // Points of the satisfaction and NPS scales are held in a byte below `Counted::SKIP`.
    let point_table = |qi: usize| -> Option<ScaleTable> {
        ScaleTable::new(&qs[qi].kind.scale()?)
            .filter(|t| t.values.len() < usize::from(Counted::SKIP))
    };
    let satisfaction = match &p.satisfaction_question {
        Some(id) => {
            let qi = qindex(id);
            match qi.map(|qi| (qi, &qs[qi].kind)) {
                Some((qi, QuestionKind::Rating { scale })) => {
                    let t = point_table(qi)?;
                    let cut = scale.max - scale.step * f64::from(p.top_box.saturating_sub(1));
                    Some((
                        qi,
                        t.values.iter().map(|v| Some(*v >= cut - 1e-9)).collect(),
                    ))
                }
                Some((qi, QuestionKind::Nps)) => {
                    let scale = Scale::nps();
                    let t = point_table(qi)?;
                    let cut = scale.max - scale.step * f64::from(p.top_box.saturating_sub(1));
                    Some((
                        qi,
                        t.values.iter().map(|v| Some(*v >= cut - 1e-9)).collect(),
                    ))
                }
                // Other kinds have no scale or no number: nothing is counted.
                _ => None,
            }
        }
        None => None,
    };
    let nps = match &p.nps_question {
        Some(id) => match qindex(id).map(|qi| (qi, &qs[qi].kind)) {
            Some((qi, QuestionKind::Rating { .. } | QuestionKind::Nps)) => {
                let t = point_table(qi)?;
                Some((
                    qi,
                    t.values
                        .iter()
                        .map(|v| {
                            if (0.0..=10.0).contains(v) {
                                Some(if *v >= 9.0 {
                                    0
                                } else if *v >= 7.0 {
                                    1
                                } else {
                                    2
                                })
                            } else {
                                None
                            }
                        })
                        .collect(),
                ))
            }
            // A number question's answers would count: left to the record path.
            Some((_, QuestionKind::Number { .. })) => return None,
            _ => None,
        },
        None => None,
    };
    Some((satisfaction, nps))
}

/// Where each item slot starts in a unit's counters, and per point what it adds to an index
/// key and its score in thousandths (then the unable position).
pub(super) fn point_layout(
    item_scores: &[Vec<f64>],
    item_distinct: &[Vec<usize>],
    pow: &[u64],
) -> (Vec<usize>, Vec<u64>, Vec<i64>) {
    let mut base = Vec::new();
    let (mut point_key, mut point_milli) = (Vec::new(), Vec::new());
    for (scores, distinct) in item_scores.iter().zip(item_distinct) {
        base.push(point_key.len());
        for (s, d) in scores.iter().zip(distinct) {
            point_key.push(pow[*d]);
            point_milli.push((s * 1000.0).round() as i64);
        }
        // The unable position.
        point_key.push(0);
        point_milli.push(0);
    }
    (base, point_key, point_milli)
}
