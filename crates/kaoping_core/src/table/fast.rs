//! The compiled path for CSV rows of the scored public survey: the instrument is compiled once
//! per file into column slots (options matched as bytes, scale points looked up, expressions
//! parsed once and evaluated only where the plan has them), and a valid row is counted
//! straight into dense per-unit tables ([`Dense`]) without building a record. At the end the
//! tables are merged into the [`ScoreState`], exactly as if every row had been added as a
//! record (`ScoreState::add`): the multisets and integer sums involved do not depend on order.
//!
//! The compiled path only *accepts*: a row it is not sure of (any problem, any unusual
//! spelling, a duplicate id, a question kind it does not compile) goes through the record
//! path, which rejects it or accepts it with the reason and wording of the record path. Tests
//! (`crates/kaoping_core/tests/csv_paths.rs`) compare both paths on the same files.

use super::csv::Row;
use super::Layout;
use crate::expr::{self, Env, Expr, Simple};
use crate::ids::PreHashedMap;
use crate::plan::{Instrument, InstrumentKind, Plan, Question, QuestionKind, Scale};
use crate::score::state::{merge_public, point_score, CellAcc, PublicAcc, ScaleSums};
use crate::score::{ScoreState, ScoringRules};
use crate::stats::tally::Tally;
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// A parsed cell.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Pv {
    Empty,
    /// Option index (single choice).
    Opt(u16),
    /// Number of options chosen, and the set of the first 64 options (multiple choice).
    Multi(u16, u64),
    /// Scale point index.
    Point(u16),
    Unable,
    /// A non-empty cell checked later (number, text).
    Later,
    /// A whole number written in plain digits (number questions with whole steps).
    Int(u64),
    /// Not something the compiled path reads: the record path decides.
    Bad,
}

/// The points of a scale as their canonical text.
#[derive(Debug, Clone)]
struct ScaleTable {
    /// One-byte spellings → point.
    one: [Option<u16>; 256],
    texts: Vec<Vec<u8>>,
    values: Vec<f64>,
    scores: Vec<f64>,
    min: f64,
    step: f64,
}

impl ScaleTable {
    fn new(scale: &Scale) -> Option<ScaleTable> {
        let values = scale.values()?;
        let mut t = ScaleTable {
            one: [None; 256],
            texts: Vec::new(),
            values: Vec::new(),
            scores: Vec::new(),
            min: scale.min,
            step: scale.step,
        };
        for v in values {
            let text = if v.fract() == 0.0 && v.abs() < 1e15 {
                format!("{}", v as i64)
            } else {
                format!("{v}")
            };
            let parsed = super::parse_number(&text).and_then(|n| n.as_f64());
            // Only spellings the record path reads as exactly this value, on the scale.
            let ok = parsed == Some(v) && scale.contains(v);
            let i = t.texts.len() as u16;
            if ok && text.len() == 1 {
                t.one[text.as_bytes()[0] as usize] = Some(i);
            }
            t.texts
                .push(if ok { text.into_bytes() } else { Vec::new() });
            t.values.push(v);
            t.scores.push(point_score(scale, v));
        }
        Some(t)
    }

    #[inline(always)]
    fn lookup(&self, raw: &[u8]) -> Option<u16> {
        if raw.len() == 1 {
            return self.one[raw[0] as usize];
        }
        self.lookup_long(raw)
    }

    #[inline(never)]
    fn lookup_long(&self, raw: &[u8]) -> Option<u16> {
        // A point's text is `[-]digits[.digits]`: anything else ("unable", a word) is none.
        if !raw
            .iter()
            .all(|b| b.is_ascii_digit() || *b == b'-' || *b == b'.')
        {
            return None;
        }
        if raw.len() <= 4 && raw.iter().all(u8::is_ascii_digit) && raw[0] != b'0' {
            let x = raw.iter().fold(0u32, |a, b| a * 10 + u32::from(b - b'0'));
            let k = ((f64::from(x) - self.min) / self.step).round();
            if !(0.0..self.texts.len() as f64).contains(&k) {
                return None;
            }
            let k = k as usize;
            return (self.texts[k] == raw).then_some(k as u16);
        }
        let s = std::str::from_utf8(raw).ok()?;
        let x = super::parse_number(s)?.as_f64()?;
        let k = ((x - self.min) / self.step).round();
        if !(0.0..self.texts.len() as f64).contains(&k) {
            return None;
        }
        let k = k as usize;
        (self.texts[k] == raw).then_some(k as u16)
    }
}

/// `repr(u8)`: a plain tag to match on (else the tag is a niche in a field, slower to decode).
#[derive(Debug, Clone)]
#[repr(u8)]
enum Kind {
    Single(Options),
    Multiple {
        options: Options,
        min: Option<u32>,
        max: Option<u32>,
    },
    Scale {
        table: ScaleTable,
        unable: bool,
    },
    Matrix {
        table: ScaleTable,
        unable: bool,
        /// Offset of its rows in the row scratch, and how many.
        first: usize,
        n: usize,
        each_row_required: bool,
    },
    /// Number and text: checked with the form's own check on the value; for a number question
    /// whose answers are whole numbers from `min` to `max` (no other step or rule), a cell of
    /// plain digits is checked against that range directly.
    Checked {
        number: bool,
        whole: Option<(Option<f64>, Option<f64>)>,
    },
    /// Ranking (and anything else): the record path.
    Unsupported,
}

#[derive(Debug, Clone)]
struct Slot {
    kind: Kind,
    field: Option<usize>,
    required: bool,
    relevant: Option<Cond>,
    constraints: Vec<Cond>,
}

/// A relevance condition or constraint, compiled.
#[derive(Debug, Clone)]
enum Cond {
    /// Any expression, evaluated on answers built from the row (`None`: it does not parse,
    /// which the form counts as true).
    Expr(Option<Expr>),
    /// `selected(q, 'v')` on a single-choice question: the option's index, if it is one.
    SelectedSingle { q: usize, opt: Option<u16> },
    /// `selected(q, 'v')` on a multiple-choice question: the option's bit (0: not an option).
    SelectedMulti { q: usize, bit: u64 },
    /// `. OP number`.
    SelfNumber(Simple),
}

#[derive(Debug, Clone)]
struct Item {
    question: usize,
    /// Matrix row, or `None`.
    row: Option<usize>,
}

/// An instrument compiled against one file's layout.
pub struct Compiled {
    instrument: usize,
    n_fields: usize,
    plan_id: Vec<u8>,
    slots: Vec<Slot>,
    row_fields: Vec<Option<usize>>,
    /// Sections: relevance and the range of their questions.
    sections: Vec<(Option<Cond>, std::ops::Range<usize>)>,
    by_id: HashMap<String, usize>,
    /// Per question: (section, position in the section).
    qpos: Vec<(usize, usize)>,
    respondent_field: Option<usize>,
    /// Per item of [`Dense`]: its question, and for a matrix row its index in the row scratch.
    item_at: Vec<(usize, Option<usize>)>,
}

/// What the compiled path did with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Accepted,
    /// The record path must read the row.
    Fallback,
}

/// Where a prepared row's respondent id is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RowId {
    /// In this field of the row.
    Field(usize),
    /// None given: the id is `FILE:ROW`.
    FileRow,
}

fn parse_opt(src: &str) -> Option<Expr> {
    expr::parse(src).ok()
}

impl Compiled {
    /// The compiled form of the layout's instrument, when it is the scored public survey and
    /// every part of it can be compiled.
    pub fn new(plan: &Plan, rules: &ScoringRules, layout: &Layout) -> Option<Compiled> {
        let ins = plan.instruments.get(layout.instrument)?;
        if ins.kind != InstrumentKind::Survey || ins.id != rules.public.instrument {
            return None;
        }
        let dense = Dense::new(plan, rules)?;
        let mut slots = Vec::new();
        let mut row_fields = Vec::new();
        // Options read as bytes must be spelled as the record path reads them.
        let plain = |options: &[crate::plan::Choice]| {
            options.iter().all(|o| {
                !o.value.is_empty() && o.value.trim() == o.value && !o.value.contains([';', '；'])
            })
        };
        for (qi, q) in ins.questions().enumerate() {
            let kind = match &q.kind {
                QuestionKind::Single { options } if plain(options) => {
                    Kind::Single(Options::new(options))
                }
                QuestionKind::Multiple {
                    options,
                    min_select,
                    max_select,
                } if plain(options) => Kind::Multiple {
                    options: Options::new(options),
                    min: *min_select,
                    max: *max_select,
                },
                QuestionKind::Rating { .. } | QuestionKind::Nps => Kind::Scale {
                    table: ScaleTable::new(&q.kind.scale()?)?,
                    unable: q.unable,
                },
                QuestionKind::Matrix {
                    rows,
                    scale,
                    each_row_required,
                } => {
                    let first = row_fields.len();
                    row_fields.extend(layout.row_fields[qi].iter().copied());
                    Kind::Matrix {
                        table: ScaleTable::new(scale)?,
                        unable: q.unable,
                        first,
                        n: rows.len(),
                        each_row_required: *each_row_required,
                    }
                }
                QuestionKind::Number { min, max, step, .. } => {
                    // Whole numbers pass the form's decimals check whatever the decimals; with
                    // a step of 1 (or none) from a whole `min`, they pass the step check too.
                    let step_one = step.is_none_or(|s| s == 1.0 || s <= 0.0);
                    let whole_min = min.is_none_or(|m| m.fract() == 0.0);
                    Kind::Checked {
                        number: true,
                        whole: (step_one && whole_min).then_some((*min, *max)),
                    }
                }
                QuestionKind::Text { .. } => Kind::Checked {
                    number: false,
                    whole: None,
                },
                _ => Kind::Unsupported,
            };
            slots.push(Slot {
                kind,
                field: layout.question_field[qi],
                required: q.required,
                relevant: None,
                constraints: Vec::new(),
            });
        }
        let mut sections = Vec::new();
        let mut at = 0;
        for s in &ins.sections {
            let n = s.questions.len();
            sections.push((s.relevant.as_deref(), at..at + n));
            at += n;
        }
        let by_id: HashMap<String, usize> = ins
            .questions()
            .enumerate()
            .map(|(i, q)| (q.id.clone(), i))
            .collect();
        let kinds: Vec<Kind> = slots.iter().map(|s| s.kind.clone()).collect();
        let compile = |src: &str| compile_cond(src, &by_id, &kinds, ins);
        for (qi, q) in ins.questions().enumerate() {
            slots[qi].relevant = q.relevant.as_deref().map(compile);
            slots[qi].constraints = q.constraints.iter().map(|c| compile(&c.expr)).collect();
        }
        let sections = sections
            .into_iter()
            .map(|(rel, range)| (rel.map(compile), range))
            .collect();
        let item_at = dense
            .items
            .iter()
            .map(|it| match (it.row, &slots[it.question].kind) {
                (None, _) => Some((it.question, None)),
                (Some(ri), Kind::Matrix { first, .. }) => Some((it.question, Some(first + ri))),
                (Some(_), _) => None,
            })
            .collect::<Option<Vec<_>>>()?;
        Some(Compiled {
            instrument: layout.instrument,
            n_fields: layout.headers.len(),
            plan_id: plan.id.as_bytes().to_vec(),
            slots,
            row_fields,
            sections,
            by_id,
            respondent_field: layout.respondent_field,
            item_at,
            qpos: ins
                .sections
                .iter()
                .enumerate()
                .flat_map(|(s, sec)| (0..sec.questions.len()).map(move |j| (s, j)))
                .collect(),
        })
    }

    fn parse(&self, slot: &Slot, raw: &[u8], kind_rows: &mut [Pv], row: &Row) -> Pv {
        match &slot.kind {
            Kind::Single(options) => {
                if raw.is_empty() {
                    return Pv::Empty;
                }
                match options.find(raw) {
                    Some(i) => Pv::Opt(i as u16),
                    None => Pv::Bad,
                }
            }
            Kind::Multiple { options, .. } => {
                if raw.is_empty() {
                    return Pv::Empty;
                }
                let mut n = 0u16;
                let mut mask = 0u64;
                for part in raw.split(|b| *b == b';') {
                    match options.find(part) {
                        Some(i) => {
                            if i < 64 {
                                mask |= 1 << i;
                            }
                        }
                        None => return Pv::Bad,
                    }
                    n += 1;
                }
                Pv::Multi(n, mask)
            }
            Kind::Scale { table, unable } => scale_cell(table, *unable, raw),
            Kind::Matrix {
                table,
                unable,
                first,
                n,
                ..
            } => {
                let mut any = false;
                for (i, pv) in kind_rows.iter_mut().enumerate().take(*n) {
                    let raw = self.row_fields[first + i].map_or(&[][..], |f| row.field(f));
                    *pv = scale_cell(table, *unable, raw);
                    any |= !matches!(pv, Pv::Empty);
                }
                if any {
                    Pv::Later
                } else {
                    Pv::Empty
                }
            }
            Kind::Checked { whole: Some(_), .. }
                if !raw.is_empty() && raw.len() <= 15 && raw.iter().all(u8::is_ascii_digit) =>
            {
                Pv::Int(raw.iter().fold(0u64, |a, b| a * 10 + u64::from(b - b'0')))
            }
            Kind::Checked { .. } | Kind::Unsupported => {
                if raw.iter().all(|b| b.is_ascii_whitespace()) {
                    // The record path trims: blank is unanswered for numbers; for text, a
                    // cell of only spaces is unanswered too (`cell_value` trims).
                    Pv::Empty
                } else {
                    Pv::Later
                }
            }
        }
    }

    /// Reads one row: `Accepted` when it was valid and counted.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn row(
        &self,
        plan: &Plan,
        row: &Row,
        layout: &Layout,
        d: &mut Dense,
        seen: &mut crate::duplicates::SeenSet,
        file: usize,
        file_name: &str,
    ) -> Outcome {
        let Some(id) = self.prepare(plan, row, layout, d) else {
            return Outcome::Fallback;
        };
        let ins = &plan.instruments[self.instrument];
        let id: &[u8] = match id {
            RowId::Field(f) => row.field(f),
            RowId::FileRow => {
                d.id_buf.clear();
                d.id_buf.extend_from_slice(file_name.as_bytes());
                d.id_buf.push(b':');
                d.id_buf
                    .extend_from_slice(row.number.to_string().as_bytes());
                &d.id_buf
            }
        };
        if seen
            .first_seen(ins.id.as_bytes(), id, crate::ids::pack(file, row.number))
            .is_some()
        {
            return Outcome::Fallback;
        }
        d.count_row(self);
        d.apply_counted();
        Outcome::Accepted
    }

    /// The instrument's index in the plan.
    pub(crate) fn instrument(&self) -> usize {
        self.instrument
    }

    /// Parses and checks one row, everything but the duplicate check: `None` when the record
    /// path must read it; else where its respondent id is ([`Dense::count_row`] then gives
    /// what it counts). Changes nothing but `d`'s scratch.
    pub(crate) fn prepare(
        &self,
        plan: &Plan,
        row: &Row,
        layout: &Layout,
        d: &mut Dense,
    ) -> Option<RowId> {
        if row.problem.is_some() || row.len() != self.n_fields {
            return None;
        }
        // Every field is text in the file's encoding: an ASCII row is, and so is a row that is
        // clean text as a whole; else check the fields the record path checks.
        if !clean_text(non_ascii_span(row.bytes())) {
            for (i, t) in layout.targets.iter().enumerate() {
                let f = row.field(i);
                if t.is_some() && !f.is_ascii() && !clean_text(f) {
                    return None;
                }
            }
        }
        if let Some(f) = layout.plan_field {
            let p = row.field(f);
            if !p.is_empty() && p != self.plan_id.as_slice() {
                return None;
            }
        }
        let ins = &plan.instruments[self.instrument];
        // Parse.
        // Every slot's cell and every matrix row is written below: only the sizes matter.
        let n_q = self.slots.len();
        d.pv.resize(n_q, Pv::Empty);
        d.rows.resize(self.row_fields.len(), Pv::Empty);
        for (qi, slot) in self.slots.iter().enumerate() {
            let raw = slot.field.map_or(&[][..], |f| row.field(f));
            let rows: &mut [Pv] = match &slot.kind {
                Kind::Matrix { first, n, .. } => &mut d.rows[*first..first + n],
                _ => &mut [],
            };
            d.pv[qi] = self.parse(slot, raw, rows, row);
        }
        // Shown questions, in the form's order; validate each shown one.
        d.hidden.resize(n_q, false);
        d.hidden.fill(false);
        let field_text = |f: usize| std::str::from_utf8(row.field(f)).unwrap_or("");
        for (rel, range) in &self.sections {
            if let Some(rel) = rel {
                let shown = self.test(rel, None, ins, d, layout, &field_text)?;
                if !shown {
                    for h in &mut d.hidden[range.clone()] {
                        *h = true;
                    }
                    continue;
                }
            }
            for qi in range.clone() {
                let slot = &self.slots[qi];
                if let Some(rel) = &slot.relevant {
                    let shown = self.test(rel, None, ins, d, layout, &field_text)?;
                    if !shown {
                        d.hidden[qi] = true;
                        continue;
                    }
                }
                if !self.valid(ins, qi, slot, d, layout, &field_text) {
                    return None;
                }
            }
        }
        // The record path checks the unit even when its question is hidden.
        if matches!(d.pv[d.unit_question], Pv::Bad) {
            return None;
        }
        // Respondent id: from its column, else FILE:ROW (a duplicate goes to the record path).
        match self.respondent_field {
            Some(f) if !row.field(f).is_empty() => {
                let raw = row.field(f);
                let padded = if raw.is_ascii() {
                    raw[0].is_ascii_whitespace() || raw[raw.len() - 1].is_ascii_whitespace()
                } else {
                    std::str::from_utf8(raw).map_or(true, |s| s.trim().len() != s.len())
                };
                if padded {
                    return None;
                }
                Some(RowId::Field(f))
            }
            _ => Some(RowId::FileRow),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn valid<'s>(
        &self,
        ins: &Instrument,
        qi: usize,
        slot: &Slot,
        d: &Dense,
        layout: &Layout,
        field_text: &dyn Fn(usize) -> &'s str,
    ) -> bool {
        let pv = d.pv[qi];
        if matches!(pv, Pv::Bad) {
            return false;
        }
        if matches!(pv, Pv::Empty) {
            return !slot.required;
        }
        let ok = match &slot.kind {
            Kind::Single(_) | Kind::Scale { .. } => true,
            Kind::Multiple { min, max, .. } => {
                let Pv::Multi(n, _) = pv else { return false };
                let n = u32::from(n);
                min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m)
            }
            Kind::Matrix {
                first,
                n,
                each_row_required,
                ..
            } => {
                let rows = &d.rows[*first..first + n];
                let missing = slot.required
                    && *each_row_required
                    && rows.iter().any(|p| matches!(p, Pv::Empty));
                !(missing || rows.iter().any(|p| matches!(p, Pv::Bad)))
            }
            Kind::Checked {
                whole: Some((min, max)),
                ..
            } if matches!(pv, Pv::Int(_)) => {
                let Pv::Int(x) = pv else { return false };
                let x = x as f64;
                min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
            }
            Kind::Checked { .. } => {
                let q = self.question(ins, qi);
                let v = super::question_value(layout, qi, q, field_text);
                crate::form::question_ok(q, v.as_ref())
            }
            Kind::Unsupported => false,
        };
        if !ok {
            return false;
        }
        if slot.constraints.is_empty() {
            return true;
        }
        slot.constraints
            .iter()
            .all(|c| self.test(c, Some(qi), ins, d, layout, field_text) == Some(true))
    }

    /// A compiled condition on the row; `None` when the record path must decide. `current`:
    /// the question a constraint belongs to.
    #[allow(clippy::too_many_arguments)]
    fn test<'s>(
        &self,
        cond: &Cond,
        current: Option<usize>,
        ins: &Instrument,
        d: &Dense,
        layout: &Layout,
        field_text: &dyn Fn(usize) -> &'s str,
    ) -> Option<bool> {
        match cond {
            Cond::Expr(None) => Some(true),
            Cond::Expr(Some(e)) => {
                let value = current.and_then(|qi| {
                    super::question_value(layout, qi, self.question(ins, qi), field_text)
                });
                let env = RowEnv {
                    c: self,
                    ins,
                    layout,
                    field: field_text,
                    hidden: &d.hidden,
                    current: value.as_ref(),
                };
                Some(e.eval(&env).truthy())
            }
            Cond::SelectedSingle { q, opt } => match d.shown(*q) {
                Pv::Empty => Some(false),
                Pv::Opt(i) => Some(*opt == Some(i)),
                _ => None,
            },
            Cond::SelectedMulti { q, bit } => match d.shown(*q) {
                Pv::Empty => Some(false),
                Pv::Multi(_, mask) => Some(mask & bit != 0),
                _ => None,
            },
            Cond::SelfNumber(simple) => {
                let qi = current?;
                let x = match (&self.slots[qi].kind, d.pv[qi]) {
                    (Kind::Scale { table, .. }, Pv::Point(k)) => table.values[k as usize],
                    (Kind::Checked { number: true, .. }, Pv::Int(x)) => x as f64,
                    (Kind::Checked { number: true, .. }, Pv::Later) => {
                        let f = self.slots[qi].field?;
                        let t = field_text(f).trim();
                        super::parse_number(t)?.as_f64()?
                    }
                    _ => return None,
                };
                Some(simple.number_holds(x))
            }
        }
    }
}

/// Compiles a condition: the common shapes to direct tests on parsed cells, the rest as
/// expressions.
fn compile_cond(
    src: &str,
    by_id: &HashMap<String, usize>,
    kinds: &[Kind],
    ins: &Instrument,
) -> Cond {
    let Some(e) = parse_opt(src) else {
        return Cond::Expr(None);
    };
    match e.simple() {
        Some(Simple::Selected { id, value }) => match by_id.get(&id).map(|q| (*q, &kinds[*q])) {
            Some((q, Kind::Single(options))) => Cond::SelectedSingle {
                q,
                opt: options.position(&value).map(|i| i as u16),
            },
            Some((q, Kind::Multiple { options, .. })) if options.len() <= 64 => {
                Cond::SelectedMulti {
                    q,
                    bit: options.position(&value).map_or(0, |i| 1u64 << i),
                }
            }
            _ => Cond::Expr(Some(e)),
        },
        Some(s @ Simple::SelfCompare { .. }) => {
            let _ = ins;
            Cond::SelfNumber(s)
        }
        None => Cond::Expr(Some(e)),
    }
}

/// A field the record path reads as text: valid UTF-8 without U+FFFD (EF BF BD).
fn clean_text(b: &[u8]) -> bool {
    b.is_empty() || (std::str::from_utf8(b).is_ok() && !has_replacement(b))
}

/// The bytes of `b` from its first non-ASCII byte to its last (empty when it is ASCII), found
/// eight bytes at a time: `b` is clean text when they are, since what lies around them is ASCII
/// (and they start and end at a character's bounds when `b` is valid UTF-8).
fn non_ascii_span(b: &[u8]) -> &[u8] {
    use super::csv::{word, HIGHS};
    let word = |i: usize| word(b, i);
    let mut lo = 0;
    while lo + 8 <= b.len() && word(lo) & HIGHS == 0 {
        lo += 8;
    }
    while lo < b.len() && b[lo] < 0x80 {
        lo += 1;
    }
    let mut hi = b.len();
    while hi >= lo + 8 && word(hi - 8) & HIGHS == 0 {
        hi -= 8;
    }
    while hi > lo && b[hi - 1] < 0x80 {
        hi -= 1;
    }
    &b[lo..hi]
}

/// Whether UTF-8 text has U+FFFD: its last byte (BD) looked for eight bytes at a time, the
/// bytes before it checked only in a word that has one. (`str::contains` would build a
/// substring searcher for a non-ASCII character, which is slow for short text.)
fn has_replacement(b: &[u8]) -> bool {
    use super::csv::{equal_bytes, word, ONES};
    let at = |j: usize| j >= 2 && b[j] == 0xBD && b[j - 1] == 0xBF && b[j - 2] == 0xEF;
    let mut i = 0;
    while i + 8 <= b.len() {
        if equal_bytes(word(b, i), 0xBD * ONES) != 0 && (i..i + 8).any(at) {
            return true;
        }
        i += 8;
    }
    (i..b.len()).any(at)
}

/// Option spellings, each of up to 8 bytes also packed into a word, so that a cell is found
/// with one comparison per option.
#[derive(Debug, Clone)]
struct Options {
    bytes: Vec<Vec<u8>>,
    /// (packed bytes, length) per option; length 0xFF: longer than 8 bytes.
    packed: Vec<(u64, u8)>,
}

/// Up to 8 bytes as a little-endian word (zeros above), from two loads of fixed size that may
/// overlap (they agree where they do): copying a slice of unknown length would be a call to
/// `memcpy`, which costs more than the few bytes of an option.
#[inline]
fn pack8(b: &[u8]) -> u64 {
    debug_assert!(b.len() <= 8);
    let n = b.len();
    let two = |i: usize| u64::from(u16::from_le_bytes([b[i], b[i + 1]]));
    if n >= 4 {
        let four = |i: usize| u64::from(u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]));
        four(0) | four(n - 4) << (8 * (n - 4))
    } else if n >= 2 {
        two(0) | two(n - 2) << (8 * (n - 2))
    } else {
        b.first().map_or(0, |x| u64::from(*x))
    }
}

impl Options {
    fn new(options: &[crate::plan::Choice]) -> Options {
        let bytes: Vec<Vec<u8>> = options
            .iter()
            .map(|o| o.value.as_bytes().to_vec())
            .collect();
        let packed = bytes
            .iter()
            .map(|b| {
                if b.len() <= 8 {
                    (pack8(b), b.len() as u8)
                } else {
                    (0, 0xFF)
                }
            })
            .collect();
        Options { bytes, packed }
    }

    fn len(&self) -> usize {
        self.bytes.len()
    }

    /// The option spelled exactly `raw`.
    #[inline]
    fn find(&self, raw: &[u8]) -> Option<usize> {
        if raw.len() <= 8 {
            let (w, n) = (pack8(raw), raw.len() as u8);
            self.packed.iter().position(|p| *p == (w, n))
        } else {
            self.bytes.iter().position(|o| o.as_slice() == raw)
        }
    }

    fn position(&self, value: &str) -> Option<usize> {
        self.find(value.as_bytes())
    }
}

#[inline(always)]
fn scale_cell(table: &ScaleTable, unable: bool, raw: &[u8]) -> Pv {
    if raw.is_empty() {
        return Pv::Empty;
    }
    if let Some(k) = table.lookup(raw) {
        return Pv::Point(k);
    }
    // "unable" compared as one word (a call to memcmp in WASM otherwise).
    if unable
        && ((raw.len() == 6 && pack8(raw) == pack8(b"unable"))
            || raw == "无法评价".as_bytes()
            || raw.eq_ignore_ascii_case(b"unable to judge"))
    {
        return Pv::Unable;
    }
    Pv::Bad
}

impl Compiled {
    #[inline]
    fn question<'a>(&self, ins: &'a Instrument, qi: usize) -> &'a Question {
        let (s, j) = self.qpos[qi];
        &ins.sections[s].questions[j]
    }
}

struct RowEnv<'a, 's> {
    c: &'a Compiled,
    ins: &'a Instrument,
    layout: &'a Layout,
    field: &'a dyn Fn(usize) -> &'s str,
    hidden: &'a [bool],
    current: Option<&'a Value>,
}

impl Env for RowEnv<'_, '_> {
    fn answer(&self, id: &str) -> Option<Value> {
        let qi = *self.c.by_id.get(id)?;
        if self.hidden[qi] {
            return None;
        }
        let q = self.c.question(self.ins, qi);
        super::question_value(self.layout, qi, q, self.field)
    }
    fn current(&self) -> Option<Value> {
        self.current.cloned()
    }
}

/// Dense counters of the public survey, per unit and weighting cell.
pub struct Dense {
    instrument: String,
    n_cells: usize,
    /// Per plan unit: its id.
    units: Vec<String>,
    /// The unit question's option index → plan unit index.
    option_unit: Vec<Option<usize>>,
    unit_question: usize,
    /// Per weighting question: its question index, its options, the radix position.
    cell_questions: Vec<(usize, Vec<String>, usize)>,
    items: Vec<Item>,
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
    /// Every index key seen (a multiset of item scores, [`Dense::apply`]) → its number.
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
    pv: Vec<Pv>,
    rows: Vec<Pv>,
    hidden: Vec<bool>,
    id_buf: Vec<u8>,
    counted: Counted,
}

/// What one valid row counts ([`Dense::count_row`]): made where the row is read, counted
/// where the counters are ([`Dense::apply`]), possibly on another thread.
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
const DENSE_KEYS: usize = 4096;

#[derive(Default, Clone)]
struct Group {
    respondents: u64,
    /// Respondents per index key, by the key's number in [`Dense::keys`] (dense: a group's
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

impl Dense {
    /// Empty counters for the plan's public survey, when its scoring can be counted densely.
    pub fn new(plan: &Plan, rules: &ScoringRules) -> Option<Dense> {
        let p = &rules.public;
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
        let n_units = units.len();
        let n_items = item_keys.len();
        let mut base = Vec::new();
        let (mut point_key, mut point_milli) = (Vec::new(), Vec::new());
        for (scores, distinct) in item_scores.iter().zip(&item_distinct) {
            base.push(point_key.len());
            for (s, d) in scores.iter().zip(distinct) {
                point_key.push(pow[*d]);
                point_milli.push((s * 1000.0).round() as i64);
            }
            // The unable position.
            point_key.push(0);
            point_milli.push(0);
        }
        let stride = point_key.len();
        Some(Dense {
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
    fn shown(&self, qi: usize) -> Pv {
        if self.hidden[qi] {
            Pv::Empty
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
            Pv::Opt(o) => self.option_unit[o as usize].map_or(Counted::NONE16, |u| u as u16),
            _ => Counted::NONE16,
        };
        k.cell = 0;
        for (qi, _, pos) in &self.cell_questions {
            match self.shown(*qi) {
                Pv::Opt(o) => k.cell += (*pos * o as usize) as u32,
                _ => {
                    k.cell = Counted::NONE32;
                    break;
                }
            }
        }
        // Scale points are below the codes: `Dense::new` takes only scales that short.
        for &(qi, at) in &c.item_at {
            let code = if self.hidden[qi] {
                Counted::SKIP
            } else {
                match at {
                    None => match self.pv[qi] {
                        Pv::Point(p) => p as u8,
                        Pv::Unable => Counted::UNABLE_ITEM,
                        _ => Counted::SKIP,
                    },
                    // The matrix answer exists when any row is answered.
                    Some(_) if matches!(self.pv[qi], Pv::Empty) => Counted::SKIP,
                    Some(at) => match self.rows[at] {
                        Pv::Point(p) => p as u8,
                        Pv::Unable => Counted::UNABLE_ROW,
                        Pv::Empty => Counted::TOUCH,
                        _ => Counted::SKIP,
                    },
                }
            };
            k.items.push(code);
        }
        let point = |q: Option<usize>| match q.map(|qi| self.shown(qi)) {
            Some(Pv::Point(p)) => p as u8,
            _ => Counted::SKIP,
        };
        k.sat = point(self.satisfaction.as_ref().map(|s| s.0));
        k.nps = point(self.nps.as_ref().map(|s| s.0));
        self.counted = k;
    }

    /// What the last [`Dense::count_row`] found.
    pub(crate) fn counted(&self) -> &Counted {
        &self.counted
    }

    /// Counts `self.counted` ([`Dense::count_row`]).
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
                    // Per row in i64: scores within ±1e6 (`Dense::new`), so thousandths
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

#[cfg(test)]
mod tests {
    use super::{clean_text, has_replacement};

    #[test]
    fn the_replacement_character_is_found_wherever_it_is() {
        let naive = |b: &[u8]| b.windows(3).any(|w| w == [0xEF, 0xBF, 0xBD]);
        // Every position in texts longer than a word, next to other characters that end in
        // BD (U+FF3D `］` is EF BC BD; `齽` is E9 BD BD) and to ASCII.
        for n in 0..20 {
            for k in 0..=n {
                let mut s = "a".repeat(k) + "］齽";
                s.push_str(&"b".repeat(n - k));
                assert!(!has_replacement(s.as_bytes()), "{s}");
                assert!(clean_text(s.as_bytes()));
                s.insert(k, '\u{FFFD}');
                assert!(has_replacement(s.as_bytes()), "{s}");
                assert_eq!(has_replacement(s.as_bytes()), naive(s.as_bytes()));
                assert!(!clean_text(s.as_bytes()));
            }
        }
        assert!(!clean_text(&[b'a', 0xFF]));
        assert!(!has_replacement(&[0xBD, 0xBD]));
    }
}

#[cfg(test)]
mod span_tests {
    use super::non_ascii_span;

    #[test]
    fn the_non_ascii_span_is_all_of_the_text_that_is_not_ascii() {
        assert_eq!(non_ascii_span(b""), b"");
        assert_eq!(non_ascii_span(b"P0000001,2025,qiaokou,30-44"), b"");
        for pre in 0..20 {
            for post in 0..20 {
                for mid in ["中", "无法评价", "é,x,ü", "\u{FFFD}"] {
                    let s = format!("{}{mid}{}", "a".repeat(pre), "b".repeat(post));
                    assert_eq!(non_ascii_span(s.as_bytes()), mid.as_bytes(), "{s}");
                }
            }
        }
        // Not UTF-8: the stray bytes are in the span.
        assert_eq!(
            non_ascii_span(b"abcdefghij\xBDklmnopqrs\xFFtuvwxyz"),
            b"\xBDklmnopqrs\xFF"
        );
    }
}

#[cfg(test)]
mod pack_tests {
    #[test]
    fn pack8_is_the_little_endian_word_of_the_bytes() {
        for b in [
            &b""[..],
            b"a",
            b"ab",
            b"\xFF\x00\x01",
            b"abcd",
            b"18-29",
            b"unable",
            b"60+\xE4\xB8\xADa",
            b"dongxihu",
        ] {
            let mut w = [0u8; 8];
            w[..b.len()].copy_from_slice(b);
            assert_eq!(super::pack8(b), u64::from_le_bytes(w), "{b:?}");
        }
    }
}
