//! Reading one row on the compiled path: parse its cells, find the questions shown, check
//! each shown one as the form would, and its respondent id.

use super::clean_text::{clean_text, non_ascii_span};
use super::spellings::{scale_cell, ParsedCell};
use super::tallies::PublicTallies;
use super::{Compiled, Kind, Layout, Outcome, RowId, Slot};
use crate::plan::{Instrument, Plan};
use crate::table::csv::Row;

impl Compiled {
    fn parse(
        &self,
        slot: &Slot,
        raw: &[u8],
        kind_rows: &mut [ParsedCell],
        row: &Row,
    ) -> ParsedCell {
        match &slot.kind {
            Kind::Single(options) => {
                if raw.is_empty() {
                    return ParsedCell::Empty;
                }
                match options.find(raw) {
                    Some(i) => ParsedCell::Opt(i as u16),
                    None => ParsedCell::Bad,
                }
            }
            Kind::Multiple { options, .. } => {
                if raw.is_empty() {
                    return ParsedCell::Empty;
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
                        None => return ParsedCell::Bad,
                    }
                    n += 1;
                }
                ParsedCell::Multi(n, mask)
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
                    any |= !matches!(pv, ParsedCell::Empty);
                }
                if any {
                    ParsedCell::Later
                } else {
                    ParsedCell::Empty
                }
            }
            Kind::Checked { whole: Some(_), .. }
                if !raw.is_empty() && raw.len() <= 15 && raw.iter().all(u8::is_ascii_digit) =>
            {
                ParsedCell::Int(raw.iter().fold(0u64, |a, b| a * 10 + u64::from(b - b'0')))
            }
            Kind::Checked { .. } | Kind::Unsupported => {
                if raw.iter().all(|b| b.is_ascii_whitespace()) {
                    // The record path trims: blank is unanswered for numbers; for text, a
                    // cell of only spaces is unanswered too (`cell_value` trims).
                    ParsedCell::Empty
                } else {
                    ParsedCell::Later
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
        d: &mut PublicTallies,
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
    /// path must read it; else where its respondent id is ([`PublicTallies::count_row`] then gives
    /// what it counts). Changes nothing but `d`'s scratch.
    pub(crate) fn prepare(
        &self,
        plan: &Plan,
        row: &Row,
        layout: &Layout,
        d: &mut PublicTallies,
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
        d.pv.resize(n_q, ParsedCell::Empty);
        d.rows.resize(self.row_fields.len(), ParsedCell::Empty);
        for (qi, slot) in self.slots.iter().enumerate() {
            let raw = slot.field.map_or(&[][..], |f| row.field(f));
            let rows: &mut [ParsedCell] = match &slot.kind {
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
        if matches!(d.pv[d.unit_question], ParsedCell::Bad) {
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
        d: &PublicTallies,
        layout: &Layout,
        field_text: &dyn Fn(usize) -> &'s str,
    ) -> bool {
        let pv = d.pv[qi];
        if matches!(pv, ParsedCell::Bad) {
            return false;
        }
        if matches!(pv, ParsedCell::Empty) {
            return !slot.required;
        }
        let ok = match &slot.kind {
            Kind::Single(_) | Kind::Scale { .. } => true,
            Kind::Multiple { min, max, .. } => {
                let ParsedCell::Multi(n, _) = pv else {
                    return false;
                };
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
                    && rows.iter().any(|p| matches!(p, ParsedCell::Empty));
                !(missing || rows.iter().any(|p| matches!(p, ParsedCell::Bad)))
            }
            Kind::Checked {
                whole: Some((min, max)),
                ..
            } if matches!(pv, ParsedCell::Int(_)) => {
                let ParsedCell::Int(x) = pv else { return false };
                let x = x as f64;
                min.is_none_or(|m| x >= m) && max.is_none_or(|m| x <= m)
            }
            Kind::Checked { .. } => {
                let q = self.question(ins, qi);
                let v = crate::table::question_value(layout, qi, q, field_text);
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
}
