//! Relevance conditions and constraints, compiled: the common shapes become direct tests on
//! parsed cells, the rest expressions evaluated on answers built from the row.

use super::spellings::ParsedCell;
use super::tallies::PublicTallies;
use super::{Compiled, Kind, Layout};
use crate::expr::{self, Env, Expr, Simple};
use crate::plan::Instrument;
use serde_json::Value;
use std::collections::HashMap;

/// A relevance condition or constraint, compiled.
#[derive(Debug, Clone)]
pub(super) enum Cond {
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

pub(super) fn parse_opt(src: &str) -> Option<Expr> {
    expr::parse(src).ok()
}

impl Compiled {
    /// A compiled condition on the row; `None` when the record path must decide. `current`:
    /// the question a constraint belongs to.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn test<'s>(
        &self,
        cond: &Cond,
        current: Option<usize>,
        ins: &Instrument,
        d: &PublicTallies,
        layout: &Layout,
        field_text: &dyn Fn(usize) -> &'s str,
    ) -> Option<bool> {
        match cond {
            Cond::Expr(None) => Some(true),
            Cond::Expr(Some(e)) => {
                let value = current.and_then(|qi| {
                    crate::table::question_value(layout, qi, self.question(ins, qi), field_text)
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
                ParsedCell::Empty => Some(false),
                ParsedCell::Opt(i) => Some(*opt == Some(i)),
                _ => None,
            },
            Cond::SelectedMulti { q, bit } => match d.shown(*q) {
                ParsedCell::Empty => Some(false),
                ParsedCell::Multi(_, mask) => Some(mask & bit != 0),
                _ => None,
            },
            Cond::SelfNumber(simple) => {
                let qi = current?;
                let x = match (&self.slots[qi].kind, d.pv[qi]) {
                    (Kind::Scale { table, .. }, ParsedCell::Point(k)) => table.values[k as usize],
                    (Kind::Checked { number: true, .. }, ParsedCell::Int(x)) => x as f64,
                    (Kind::Checked { number: true, .. }, ParsedCell::Later) => {
                        let f = self.slots[qi].field?;
                        let t = field_text(f).trim();
                        crate::table::parse_number(t)?.as_f64()?
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
pub(super) fn compile_cond(
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

pub(super) struct RowEnv<'a, 's> {
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
        crate::table::question_value(self.layout, qi, q, self.field)
    }
    fn current(&self) -> Option<Value> {
        self.current.cloned()
    }
}
