//! The counters of the public survey, per unit and weighting cell, that valid rows are
//! counted into, and their merge into the [`ScoreState`].

use super::setup::{
    index_key_digits, item_slots, point_layout, satisfaction_and_nps, weighting_cells,
};
use super::spellings::ParsedCell;
pub(super) use super::unit_rows::UnitRows;
use super::{Compiled, Item};
use crate::ids::PreHashedMap;
use crate::plan::{Plan, Question, QuestionKind};
use crate::score::state::{merge_public, CellAcc, PublicAcc, ScaleSums};
use crate::score::{ScoreState, ScoringRules};
use crate::stats::tally::Tally;
use std::collections::BTreeMap;

/// The tallies of the public survey's valid rows (respondents, scale points, index keys), per
/// unit and weighting cell.
pub struct PublicTallies {
    instrument: String,
    n_cells: usize,
    /// Per plan unit: its id.
    units: Vec<String>,
    /// The unit question's option index → plan unit index.
    option_unit: Vec<Option<usize>>,
    pub(super) unit_question: usize,
    /// Per weighting question: its question index, its options, the radix position.
    cell_questions: Vec<(usize, Vec<String>, usize)>,
    pub(super) items: Vec<Item>,
    /// Per item slot: the item key and the scores of its scale points.
    item_keys: Vec<String>,
    item_scores: Vec<Vec<f64>>,
    /// Per item slot: where it starts in a unit's counters (`counts`: one per scale point,
    /// then unable) and in `point_key` and `point_milli`, laid out the same way.
    base: Vec<usize>,
    /// Per item slot and scale point: what it adds to an index key
    /// (`pow[its distinct-score index]`), and its score in thousandths, as `ScaleSums` rounds
    /// them (0 at the unable position).
    point_key: Vec<u64>,
    point_milli: Vec<i64>,
    distinct: Vec<f64>,
    pow: Vec<u64>,
    expected_items: usize,
    satisfaction: Option<(usize, Vec<Option<bool>>)>,
    nps: Option<(usize, Vec<Option<u8>>)>,
    /// Per unit × cell.
    groups: Vec<Group>,
    /// Every index key seen (a multiset of item scores, [`PublicTallies::apply`]) → its number.
    keys: PreHashedMap<u64, u32>,
    /// Per unit: per item slot, counts per scale point, then unable (`stride` per unit).
    counts: Vec<u64>,
    /// The same, of the respondents with every item on its scale (the scale sums of
    /// [`ScaleSums`] per item follow from them: they add a score per point).
    complete: Vec<u64>,
    stride: usize,
    /// Per unit × item slot: whether touched.
    touched: Vec<bool>,
    scale: Vec<ScaleSums>,
    /// The rules' `unit_matrix`: units rated as used.
    pub(super) unit_rows: Option<UnitRows>,
    /// The rules' `priorities_question`: its index and options; per unit, the respondents who
    /// answered it and, per option, those who chose it (`options` per unit).
    priorities: Option<(usize, Vec<String>)>,
    pri_n: Vec<u64>,
    pri_counts: Vec<u64>,
    used: u64,
    skipped: BTreeMap<&'static str, u64>,
    // Scratch.
    pub(super) pv: Vec<ParsedCell>,
    pub(super) rows: Vec<ParsedCell>,
    pub(super) hidden: Vec<bool>,
    pub(super) id_buf: Vec<u8>,
    counted: Counted,
}

/// What one valid row counts ([`PublicTallies::count_row`]): made where the row is read, counted
/// where the counters are ([`PublicTallies::apply`]), possibly on another thread.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Counted {
    /// Plan unit index; [`Counted::NONE16`]: not a unit of the plan.
    pub unit: u16,
    /// Weighting cell; [`Counted::NONE32`]: a weighting answer is missing.
    pub cell: u32,
    /// Per counted item: the scale point, or one of the codes below.
    pub items: Vec<u8>,
    /// Scale point of the satisfaction and NPS questions, or [`Counted::SKIP`].
    pub sat: u8,
    pub nps: u8,
    /// Per row of the unit matrix: the scale point, [`Counted::UNABLE_ROW`] or
    /// [`Counted::SKIP`] (not used).
    pub used: Vec<u8>,
    /// The options chosen of the priorities question (bit i: option i), when answered.
    pub pri: Option<u64>,
}

impl Counted {
    pub const NONE16: u16 = u16::MAX;
    pub const NONE32: u32 = u32::MAX;
    /// Not counted (hidden, unanswered).
    pub const SKIP: u8 = 255;
    /// A matrix row left empty: the item is touched, nothing counted.
    pub const TOUCH: u8 = 254;
    /// "Unable to judge" of a question (the respondent's scale mean is incomplete).
    pub const UNABLE_ITEM: u8 = 253;
    /// "Unable to judge" of a matrix row.
    pub const UNABLE_ROW: u8 = 252;
}

/// Index keys counted in a group's dense array; further keys (plans with many items) in a map.
pub(super) const DENSE_KEYS: usize = 4096;

#[derive(Default, Clone)]
pub(super) struct Group {
    pub(super) respondents: u64,
    /// Respondents per index key, by the key's number in [`PublicTallies::keys`] (dense: a group's
    /// counts stay in cache, where a map per group would not).
    index: Vec<u64>,
    /// Keys numbered [`DENSE_KEYS`] and above: key → respondents.
    index_more: PreHashedMap<u64, u64>,
    index_unable: u64,
    pub(super) satisfied: u64,
    pub(super) satisfaction_n: u64,
    promoters: u64,
    passives: u64,
    detractors: u64,
}

impl PublicTallies {
    /// Empty counters for the plan's public survey, when its scoring can be counted densely.
    pub fn new(plan: &Plan, rules: &ScoringRules) -> Option<PublicTallies> {
        let p = &rules.public;
        // Quality rules read each record's flags (speeder, straight-lining): the record path.
        if rules
            .quality
            .as_ref()
            .is_some_and(|q| q.applies_to(plan, &p.instrument))
        {
            return None;
        }
        let ins = plan.instrument(&p.instrument)?;
        let qs: Vec<&Question> = ins.questions().collect();
        let qindex = |id: &str| qs.iter().position(|q| q.id == id);
        let unit_question = qindex(&p.unit_question)?;
        let QuestionKind::Single { options } = &qs[unit_question].kind else {
            return None;
        };
        let units: Vec<String> = plan.units.iter().map(|u| u.id.clone()).collect();
        let option_unit = options
            .iter()
            .map(|o| units.iter().position(|u| *u == o.value))
            .collect();
        let (cell_questions, n_cells) = weighting_cells(p, &qs)?;
        let (items, item_keys, item_scores, expected_items) = item_slots(p, &qs)?;
        let (distinct, item_distinct, pow) = index_key_digits(&items, &item_scores)?;
        let (satisfaction, nps) = satisfaction_and_nps(p, &qs)?;
        let unit_rows = UnitRows::new(p, plan, &qs, n_cells)?;
        let priorities = match &p.priorities_question {
            Some(id) => match qindex(id).map(|qi| (qi, &qs[qi].kind)) {
                Some((
                    qi,
                    QuestionKind::Single { options } | QuestionKind::Multiple { options, .. },
                )) => {
                    // Chosen options are held in 64 bits (`ParsedCell::Multi`).
                    if options.len() > 64 {
                        return None;
                    }
                    Some((qi, options.iter().map(|o| o.value.clone()).collect()))
                }
                _ => None,
            },
            None => None,
        };
        let n_pri = priorities
            .as_ref()
            .map_or(0, |(_, o): &(usize, Vec<String>)| o.len());
        let n_units = units.len();
        let n_items = item_keys.len();
        let (base, point_key, point_milli) = point_layout(&item_scores, &item_distinct, &pow);
        let stride = point_key.len();
        Some(PublicTallies {
            instrument: ins.id.clone(),
            n_cells,
            units,
            option_unit,
            unit_question,
            cell_questions,
            items,
            counts: vec![0; n_units * stride],
            complete: vec![0; n_units * stride],
            stride,
            base,
            point_key,
            point_milli,
            item_keys,
            item_scores,
            distinct,
            pow,
            expected_items,
            satisfaction,
            nps,
            groups: vec![Group::default(); n_units * n_cells],
            keys: PreHashedMap::default(),
            touched: vec![false; n_units * n_items],
            scale: vec![ScaleSums::default(); n_units],
            unit_rows,
            priorities,
            pri_n: vec![0; n_units],
            pri_counts: vec![0; n_units * n_pri],
            used: 0,
            skipped: BTreeMap::new(),
            pv: Vec::new(),
            rows: Vec::new(),
            hidden: Vec::new(),
            id_buf: Vec::new(),
            counted: Counted::default(),
        })
    }

    /// The answer of question `qi` as the record has it: `None` when hidden or unanswered.
    #[inline]
    pub(super) fn shown(&self, qi: usize) -> ParsedCell {
        if self.hidden[qi] {
            ParsedCell::Empty
        } else {
            self.pv[qi]
        }
    }

    /// What a valid row counts, as `ScoreState::add_public` would add its record, into
    /// `self.counted` (from the parsed row in the scratch; no counter changes).
    pub(crate) fn count_row(&mut self, c: &Compiled) {
        let mut k = std::mem::take(&mut self.counted);
        k.items.clear();
        k.unit = match self.shown(self.unit_question) {
            ParsedCell::Opt(o) => {
                self.option_unit[o as usize].map_or(Counted::NONE16, |u| u as u16)
            }
            _ => Counted::NONE16,
        };
        k.cell = 0;
        for (qi, _, pos) in &self.cell_questions {
            match self.shown(*qi) {
                ParsedCell::Opt(o) => k.cell += (*pos * o as usize) as u32,
                _ => {
                    k.cell = Counted::NONE32;
                    break;
                }
            }
        }
        // Scale points are below the codes: `PublicTallies::new` takes only scales that short.
        for &(qi, at) in &c.item_at {
            let code = if self.hidden[qi] {
                Counted::SKIP
            } else {
                match at {
                    None => match self.pv[qi] {
                        ParsedCell::Point(p) => p as u8,
                        ParsedCell::Unable => Counted::UNABLE_ITEM,
                        _ => Counted::SKIP,
                    },
                    // The matrix answer exists when any row is answered.
                    Some(_) if matches!(self.pv[qi], ParsedCell::Empty) => Counted::SKIP,
                    Some(at) => match self.rows[at] {
                        ParsedCell::Point(p) => p as u8,
                        ParsedCell::Unable => Counted::UNABLE_ROW,
                        ParsedCell::Empty => Counted::TOUCH,
                        _ => Counted::SKIP,
                    },
                }
            };
            k.items.push(code);
        }
        let point = |q: Option<usize>| match q.map(|qi| self.shown(qi)) {
            Some(ParsedCell::Point(p)) => p as u8,
            _ => Counted::SKIP,
        };
        k.sat = point(self.satisfaction.as_ref().map(|s| s.0));
        k.nps = point(self.nps.as_ref().map(|s| s.0));
        k.used.clear();
        if let Some(ur) = &self.unit_rows {
            // The matrix answer exists when any row is answered (as for the items).
            let shown = !matches!(self.shown(ur.question), ParsedCell::Empty);
            for &at in &c.unit_row_at {
                k.used.push(match self.rows[at] {
                    ParsedCell::Point(p) if shown => p as u8,
                    ParsedCell::Unable if shown => Counted::UNABLE_ROW,
                    _ => Counted::SKIP,
                });
            }
        }
        k.pri = match self.priorities.as_ref().map(|(qi, _)| self.shown(*qi)) {
            Some(ParsedCell::Multi(n, bits)) if n > 0 => Some(bits),
            Some(ParsedCell::Opt(o)) if o < 64 => Some(1u64 << o),
            _ => None,
        };
        self.counted = k;
    }

    /// What the last [`PublicTallies::count_row`] found.
    pub(crate) fn counted(&self) -> &Counted {
        &self.counted
    }

    /// Counts `self.counted` ([`PublicTallies::count_row`]).
    pub(crate) fn apply_counted(&mut self) {
        let k = std::mem::take(&mut self.counted);
        self.apply(&k);
        self.counted = k;
    }

    /// Counts a row's counts: what `ScoreState::add_public` does with its record.
    pub(crate) fn apply(&mut self, k: &Counted) {
        let resident = k.unit != Counted::NONE16 && usize::from(k.unit) < self.units.len();
        let rated = self
            .unit_rows
            .as_ref()
            .is_some_and(|ur| ur.rates_any(&k.used));
        if !resident && !rated {
            *self.skipped.entry("public_unit_not_in_plan").or_insert(0) += 1;
            return;
        }
        if k.cell == Counted::NONE32 {
            *self
                .skipped
                .entry("public_weighting_answer_missing")
                .or_insert(0) += 1;
            return;
        }
        if resident {
            self.apply_resident(k);
        }
        if let Some(ur) = self.unit_rows.as_mut().filter(|_| rated) {
            ur.apply(&k.used, k.cell as usize, self.n_cells, &mut self.groups);
        }
        self.used += 1;
    }

    /// Counts a respondent's own unit: their items, index, satisfaction, NPS and priorities.
    fn apply_resident(&mut self, k: &Counted) {
        let unit = usize::from(k.unit);
        if let (Some((_, options)), Some(bits)) = (&self.priorities, k.pri) {
            let n = options.len();
            self.pri_n[unit] += 1;
            for (o, c) in self.pri_counts[unit * n..(unit + 1) * n]
                .iter_mut()
                .enumerate()
            {
                *c += (bits >> o) & 1;
            }
        }
        let cell = k.cell as usize;
        let n_items = self.item_keys.len();
        let mut key = 0u64;
        let mut scored = 0usize;
        let mut complete = true;
        let mut tot = 0i64;
        let touched = &mut self.touched[unit * n_items..(unit + 1) * n_items];
        let counts = &mut self.counts[unit * self.stride..(unit + 1) * self.stride];
        // `Counted::items` has one code per item slot.
        for (slot, code) in k.items.iter().enumerate().take(n_items) {
            match *code {
                Counted::SKIP => {}
                Counted::TOUCH => touched[slot] = true,
                Counted::UNABLE_ITEM | Counted::UNABLE_ROW => {
                    touched[slot] = true;
                    let n = self.item_scores[slot].len();
                    counts[self.base[slot] + n] += 1;
                    if *code == Counted::UNABLE_ITEM {
                        complete = false;
                    }
                }
                p => {
                    let p = p as usize;
                    touched[slot] = true;
                    let at = self.base[slot] + p;
                    counts[at] += 1;
                    key += self.point_key[at];
                    scored += 1;
                    // Per row in i64: scores within ±1e6 (`PublicTallies::new`), so thousandths
                    // within ±1e9, at most 1000 items.
                    tot += self.point_milli[at];
                }
            }
        }
        if complete && scored == self.expected_items {
            // Every item slot has a scale point here (an expected item without a scale has no
            // slot, and then no respondent is complete).
            let done = &mut self.complete[unit * self.stride..(unit + 1) * self.stride];
            for (slot, code) in k.items.iter().enumerate().take(n_items) {
                done[self.base[slot] + usize::from(*code)] += 1;
            }
            let s = &mut self.scale[unit];
            s.n += 1;
            s.total += i128::from(tot);
            // Squared in i64 when it fits (no 128-bit multiply, which WASM lacks).
            s.total_sq += match tot.checked_mul(tot) {
                Some(sq) => i128::from(sq),
                None => i128::from(tot) * i128::from(tot),
            };
        }
        let next = self.keys.len() as u32;
        let g = &mut self.groups[unit * self.n_cells + cell];
        g.respondents += 1;
        if scored == 0 {
            g.index_unable += 1;
        } else {
            let k = *self.keys.entry(key).or_insert(next) as usize;
            if k < DENSE_KEYS {
                if g.index.len() <= k {
                    g.index.resize(k + 1, 0);
                }
                g.index[k] += 1;
            } else {
                *g.index_more.entry(key).or_insert(0) += 1;
            }
        }
        if let Some((_, sat)) = &self.satisfaction {
            if let Some(Some(s)) = sat.get(usize::from(k.sat)) {
                g.satisfaction_n += 1;
                if *s {
                    g.satisfied += 1;
                }
            }
        }
        if let Some((_, cls)) = &self.nps {
            match cls.get(usize::from(k.nps)) {
                Some(Some(0)) => g.promoters += 1,
                Some(Some(1)) => g.passives += 1,
                Some(Some(_)) => g.detractors += 1,
                _ => {}
            }
        }
    }

    fn index_tally(&self, g: &Group) -> Tally {
        let mut t = Tally::new();
        let mut by_number = vec![0u64; g.index.len()];
        for (key, k) in &self.keys {
            if let Some(slot) = by_number.get_mut(*k as usize) {
                *slot = *key;
            }
        }
        let dense = g
            .index
            .iter()
            .zip(&by_number)
            .filter(|(count, _)| **count > 0)
            .map(|(count, key)| (key, count));
        for (key, count) in dense.chain(&g.index_more) {
            let mut scores = Tally::new();
            let mut k = *key;
            for (d, v) in self.distinct.iter().enumerate().rev() {
                let c = k / self.pow[d];
                k %= self.pow[d];
                scores.record_n(*v, c);
            }
            if let Some(m) = scores.mean() {
                t.record_n(m, *count);
            }
        }
        t.record_unable_n(g.index_unable);
        t
    }

    /// Adds the counts to `state`.
    pub fn merge_into(self, state: &mut ScoreState) {
        let n_items = self.item_keys.len();
        let weighted = !self.cell_questions.is_empty();
        for (u, unit) in self.units.iter().enumerate() {
            let groups = &self.groups[u * self.n_cells..(u + 1) * self.n_cells];
            if groups.iter().all(|g| g.respondents == 0) {
                continue;
            }
            let mut acc = PublicAcc::default();
            for (ci, g) in groups.iter().enumerate() {
                if g.respondents == 0 {
                    continue;
                }
                let mut index = self.index_tally(g);
                if let Some(ur) = &self.unit_rows {
                    ur.add_index(&mut index, u * self.n_cells + ci);
                }
                acc.index.merge(&index);
                acc.satisfied += g.satisfied;
                acc.satisfaction_n += g.satisfaction_n;
                acc.promoters += g.promoters;
                acc.passives += g.passives;
                acc.detractors += g.detractors;
                if weighted {
                    let key: Vec<String> = self
                        .cell_questions
                        .iter()
                        .map(|(_, opts, pos)| {
                            let radix = opts.len().max(1);
                            opts.get(ci / pos % radix).cloned().unwrap_or_default()
                        })
                        .collect();
                    acc.cells.insert(
                        key,
                        CellAcc {
                            respondents: g.respondents,
                            index,
                            satisfied: g.satisfied,
                            satisfaction_n: g.satisfaction_n,
                            promoters: g.promoters,
                            passives: g.passives,
                            detractors: g.detractors,
                        },
                    );
                }
            }
            for s in 0..n_items {
                let t = u * n_items + s;
                if !self.touched[t] {
                    continue;
                }
                let mut tally = Tally::new();
                let base = u * self.stride + self.base[s];
                let scores = &self.item_scores[s];
                let counts = &self.counts[base..base + scores.len() + 1];
                for (p, score) in scores.iter().enumerate() {
                    tally.record_n(*score, counts[p]);
                }
                tally.record_unable_n(counts[scores.len()]);
                acc.items.insert(self.item_keys[s].clone(), tally);
            }
            if let Some((key, t)) = self.unit_rows.as_ref().and_then(|r| r.item_tally(u, unit)) {
                acc.items.insert(key, t);
            }
            acc.scale = self.scale[u].clone();
            if acc.scale.n > 0 {
                // Per item: the sum of its scores and of their squares, in thousandths.
                let done = &self.complete[u * self.stride..(u + 1) * self.stride];
                let (mut sum, mut sum_sq) = (Vec::new(), Vec::new());
                for (slot, base) in self.base.iter().enumerate() {
                    let (mut a, mut b) = (0i128, 0i128);
                    let points = &self.point_milli[*base..][..self.item_scores[slot].len()];
                    for (p, x) in points.iter().enumerate() {
                        let c = i128::from(done[base + p]);
                        a += c * i128::from(*x);
                        b += c * i128::from(*x) * i128::from(*x);
                    }
                    sum.push(a);
                    sum_sq.push(b);
                }
                acc.scale.sum = sum;
                acc.scale.sum_sq = sum_sq;
            }
            merge_public(state.public.entry(unit.clone()).or_default(), acc);
        }
        if let Some((_, options)) = &self.priorities {
            let n = options.len();
            for (u, unit) in self.units.iter().enumerate() {
                if self.pri_n[u] == 0 {
                    continue;
                }
                let acc = state.priorities.entry(unit.clone()).or_default();
                acc.respondents += self.pri_n[u];
                for (o, c) in options.iter().zip(&self.pri_counts[u * n..(u + 1) * n]) {
                    if *c > 0 {
                        *acc.counts.entry(o.clone()).or_insert(0) += c;
                    }
                }
            }
        }
        if self.used > 0 {
            *state.used.entry(self.instrument.clone()).or_insert(0) += self.used;
        }
        for (k, v) in self.skipped {
            *state.skipped.entry(k.to_owned()).or_insert(0) += v;
        }
    }
}
