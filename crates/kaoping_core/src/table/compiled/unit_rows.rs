//! The rules' `unit_matrix` on the compiled path: each row a respondent rated is one
//! respondent of that row's unit ([`crate::score::PublicRules::unit_matrix`]).

use super::spellings::ScaleTable;
use super::tallies::{Counted, Group};
use crate::plan::{Plan, Question, QuestionKind};
use crate::score::PublicRules;
use crate::stats::tally::Tally;

/// The rules' `unit_matrix`, counted densely: each rated row is one respondent of its unit.
pub(super) struct UnitRows {
    /// The matrix's question index and id.
    pub(super) question: usize,
    key: String,
    /// Per row: its plan unit (a row that is not one is not counted).
    units: Vec<Option<usize>>,
    /// Per scale point: its score, and whether it is in the top box.
    scores: Vec<f64>,
    top: Vec<bool>,
    /// Per unit × weighting cell: respondents per scale point, then unable.
    index: Vec<u64>,
    /// Per unit: the same over all cells (the row's item).
    item: Vec<u64>,
}

impl UnitRows {
    pub(super) fn new(
        p: &PublicRules,
        plan: &Plan,
        qs: &[&Question],
        n_cells: usize,
    ) -> Option<Option<UnitRows>> {
        let Some(id) = &p.unit_matrix else {
            return Some(None);
        };
        let Some(question) = qs.iter().position(|q| &q.id == id) else {
            return Some(None);
        };
        let QuestionKind::Matrix { rows, scale, .. } = &qs[question].kind else {
            return Some(None);
        };
        let table = ScaleTable::new(scale)?;
        if table.values.len() >= usize::from(Counted::UNABLE_ROW) {
            return None;
        }
        let cut = scale.max - scale.step * f64::from(p.top_box.saturating_sub(1));
        let units = rows
            .iter()
            .map(|r| plan.units.iter().position(|u| u.id == r.value))
            .collect();
        let np = table.scores.len() + 1;
        Some(Some(UnitRows {
            question,
            key: id.clone(),
            units,
            top: table.values.iter().map(|v| *v >= cut - 1e-9).collect(),
            scores: table.scores,
            index: vec![0; plan.units.len() * n_cells * np],
            item: vec![0; plan.units.len() * np],
        }))
    }

    /// Adds the rated rows of one unit × cell to its index tally.
    pub(super) fn add_index(&self, t: &mut Tally, group: usize) {
        let np = self.scores.len() + 1;
        let counts = &self.index[group * np..(group + 1) * np];
        for (score, n) in self.scores.iter().zip(counts) {
            t.record_n(*score, *n);
        }
        t.record_unable_n(counts[np - 1]);
    }

    /// The item tally of unit `u` (id `unit`, the row's value), when anyone rated it.
    pub(super) fn item_tally(&self, u: usize, unit: &str) -> Option<(String, Tally)> {
        let np = self.scores.len() + 1;
        let counts = &self.item[u * np..(u + 1) * np];
        if counts.iter().all(|n| *n == 0) {
            return None;
        }
        let mut t = Tally::new();
        for (score, n) in self.scores.iter().zip(counts) {
            t.record_n(*score, *n);
        }
        t.record_unable_n(counts[np - 1]);
        Some((format!("{}/{unit}", self.key), t))
    }

    /// Counts one respondent's rated rows (`codes`, one per row) in weighting cell `cell`.
    pub(super) fn apply(
        &mut self,
        codes: &[u8],
        cell: usize,
        n_cells: usize,
        groups: &mut [Group],
    ) {
        let np = self.scores.len() + 1;
        for (code, u) in codes.iter().zip(&self.units) {
            let (Some(u), code) = (*u, *code) else {
                continue;
            };
            let p = match code {
                Counted::SKIP => continue,
                Counted::UNABLE_ROW => np - 1,
                p if usize::from(p) < np - 1 => usize::from(p),
                _ => continue,
            };
            let group = u * n_cells + cell;
            let g = &mut groups[group];
            g.respondents += 1;
            self.index[group * np + p] += 1;
            self.item[u * np + p] += 1;
            if p < np - 1 {
                g.satisfaction_n += 1;
                if self.top[p] {
                    g.satisfied += 1;
                }
            }
        }
    }

    /// Whether `codes` rate any unit.
    pub(super) fn rates_any(&self, codes: &[u8]) -> bool {
        codes
            .iter()
            .zip(&self.units)
            .any(|(c, u)| *c != Counted::SKIP && u.is_some())
    }
}
