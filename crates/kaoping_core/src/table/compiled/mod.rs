//! The compiled path for CSV rows of the scored public survey: the instrument is compiled once
//! per file into column slots (options matched as bytes, scale points looked up, expressions
//! parsed once and evaluated only where the plan has them), and a valid row is counted
//! straight into dense per-unit tables ([`PublicTallies`]) without building a record. At the
//! end the tables are merged into the [`ScoreState`](crate::score::ScoreState), exactly as if
//! every row had been added as a record (`ScoreState::add`): the multisets and integer sums
//! involved do not depend on order.
//!
//! The compiled path only *accepts*: a row it is not sure of (any problem, any unusual
//! spelling, a duplicate id, a question kind it does not compile) goes through the record
//! path, which rejects it or accepts it with the reason and wording of the record path. Tests
//! (`crates/kaoping_core/tests/csv_paths.rs`) compare both paths on the same files.

mod clean_text;
mod conditions;
mod row;
mod setup;
mod spellings;
mod tallies;
mod unit_rows;

pub(crate) use tallies::Counted;
pub use tallies::PublicTallies;

use super::Layout;
use crate::plan::{Instrument, InstrumentKind, Plan, Question, QuestionKind};
use crate::score::ScoringRules;
use conditions::{compile_cond, Cond};
use spellings::{Options, ScaleTable};
use std::collections::HashMap;

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
    /// Per item of [`PublicTallies`]: its question, and for a matrix row its index in the row
    /// scratch.
    item_at: Vec<(usize, Option<usize>)>,
    /// Per row of the rules' `unit_matrix`: its index in the row scratch.
    unit_row_at: Vec<usize>,
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

impl Compiled {
    /// The compiled form of the layout's instrument, when it is the scored public survey and
    /// every part of it can be compiled.
    pub fn new(plan: &Plan, rules: &ScoringRules, layout: &Layout) -> Option<Compiled> {
        let ins = plan.instruments.get(layout.instrument)?;
        if ins.kind != InstrumentKind::Survey || ins.id != rules.public.instrument {
            return None;
        }
        let dense = PublicTallies::new(plan, rules)?;
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
        let (item_at, unit_row_at) = row_positions(&dense, &slots)?;
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
            unit_row_at,
            qpos: ins
                .sections
                .iter()
                .enumerate()
                .flat_map(|(s, sec)| (0..sec.questions.len()).map(move |j| (s, j)))
                .collect(),
        })
    }
}

/// Where each item of [`PublicTallies`] is (its question, and a matrix row's index in the row
/// scratch), and where the rows of the rules' `unit_matrix` are (none without it).
#[allow(clippy::type_complexity)]
fn row_positions(
    dense: &PublicTallies,
    slots: &[Slot],
) -> Option<(Vec<(usize, Option<usize>)>, Vec<usize>)> {
    let item_at = dense
        .items
        .iter()
        .map(|it| match (it.row, &slots[it.question].kind) {
            (None, _) => Some((it.question, None)),
            (Some(ri), Kind::Matrix { first, .. }) => Some((it.question, Some(first + ri))),
            (Some(_), _) => None,
        })
        .collect::<Option<Vec<_>>>()?;
    let unit_row_at = match dense.unit_rows.as_ref().map(|ur| &slots[ur.question].kind) {
        None => Vec::new(),
        Some(Kind::Matrix { first, n, .. }) => (*first..first + n).collect(),
        Some(_) => return None,
    };
    Some((item_at, unit_row_at))
}

impl Compiled {
    #[inline]
    fn question<'a>(&self, ins: &'a Instrument, qi: usize) -> &'a Question {
        let (s, j) = self.qpos[qi];
        &ins.sections[s].questions[j]
    }
}
