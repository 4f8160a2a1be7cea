//! The counters of the public survey, per unit and weighting cell, that valid rows are
//! counted into, and their merge into the [`ScoreState`].

use super::spellings::{ParsedCell, ScaleTable};
use super::{Compiled, Item};
use crate::ids::PreHashedMap;
use crate::plan::{Plan, Question, QuestionKind, Scale};
use crate::score::state::{merge_public, CellAcc, PublicAcc, ScaleSums};
use crate::score::{PublicRules, ScoreState, ScoringRules};
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
    respondents: u64,
    /// Respondents per index key, by the key's number in [`PublicTallies::keys`] (dense: a group's
    /// counts stay in cache, where a map per group would not).
    index: Vec<u64>,
    /// Keys numbered [`DENSE_KEYS`] and above: key → respondents.
    index_more: PreHashedMap<u64, u64>,
    index_unable: u64,
    satisfied: u64,
    satisfaction_n: u64,
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
        if k.unit == Counted::NONE16 || usize::from(k.unit) >= self.units.len() {
            *self.skipped.entry("public_unit_not_in_plan").or_insert(0) += 1;
            return;
        }
        let unit = usize::from(k.unit);
        if k.cell == Counted::NONE32 {
            *self
                .skipped
                .entry("public_weighting_answer_missing")
                .or_insert(0) += 1;
            return;
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
        self.used += 1;
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
                let index = self.index_tally(g);
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
        if self.used > 0 {
            *state.used.entry(self.instrument.clone()).or_insert(0) += self.used;
        }
        for (k, v) in self.skipped {
            *state.skipped.entry(k.to_owned()).or_insert(0) += v;
        }
    }
}

/// The weighting questions (question index, options, radix position) and the number of
/// weighting cells; `None` when a cell cannot be counted densely.
#[allow(clippy::type_complexity)]
fn weighting_cells(
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
fn item_slots(
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
fn index_key_digits(
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
fn satisfaction_and_nps(
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
fn point_layout(
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
