//! The public survey's records into the state: a respondent's own unit (the answer to
//! `unit_question`) gets their satisfaction items, satisfaction rate, NPS and priorities; each
//! unit they rated in `unit_matrix` gets that one rating.

use serde_json::Value;

use super::state::{merge_public, point_score, weighting_cell, CellAcc, PublicAcc, ScoreState};
use crate::plan::QuestionKind;
use crate::record::ResponseRecord;
use crate::score::QualityOutcome;
use crate::stats::tally::Tally;

impl ScoreState<'_> {
    pub(super) fn add_public(&mut self, rec: &ResponseRecord) {
        let p = &self.rules.public;
        let resident = rec
            .answers
            .get(&p.unit_question)
            .and_then(Value::as_str)
            .filter(|u| self.plan.unit(u).is_some())
            .map(str::to_owned);
        let rated = self.rated_units(rec);
        if resident.is_none() && rated.is_empty() {
            return self.skip("public_unit_not_in_plan");
        }
        let cell = match weighting_cell(p, rec) {
            Ok(cell) => cell,
            Err(why) => return self.skip(why),
        };
        let mut used = false;
        let mut first = true;
        if let Some(unit) = resident {
            let outcome = self.quality_outcome(rec, &unit, std::mem::take(&mut first));
            if outcome != QualityOutcome::Excluded {
                let mut acc = PublicAcc::default();
                self.add_public_items(rec, &mut acc);
                self.add_public_questions(rec, &mut acc);
                self.count_priorities(rec, &unit);
                self.file_public(unit, outcome, cell.clone(), acc);
                used = true;
            }
        }
        for (unit, acc) in rated {
            let outcome = self.quality_outcome(rec, &unit, std::mem::take(&mut first));
            if outcome != QualityOutcome::Excluded {
                self.file_public(unit, outcome, cell.clone(), acc);
                used = true;
            }
        }
        if used {
            *self.used.entry(rec.instrument.clone()).or_insert(0) += 1;
        }
    }

    /// Files one respondent's answers for `unit`, with their weighting cell.
    fn file_public(
        &mut self,
        unit: String,
        outcome: QualityOutcome,
        cell: Option<Vec<String>>,
        mut acc: PublicAcc,
    ) {
        if let Some(key) = cell {
            let c = CellAcc {
                respondents: 1,
                index: acc.index.clone(),
                satisfied: acc.satisfied,
                satisfaction_n: acc.satisfaction_n,
                promoters: acc.promoters,
                passives: acc.passives,
                detractors: acc.detractors,
            };
            acc.cells.insert(key, c);
        }
        let target = match outcome {
            QualityOutcome::Weighted(w) => self.public_down.entry((unit, w.to_bits())),
            _ => return merge_public(self.public.entry(unit).or_default(), acc),
        };
        merge_public(target.or_default(), acc);
    }

    /// The units a respondent rated in the rules' `unit_matrix`, each with that one rating as
    /// the unit's item, index and satisfaction (top box); "unable to judge" counts as such.
    /// Rows left empty (not used) are not there.
    fn rated_units(&self, rec: &ResponseRecord) -> Vec<(String, PublicAcc)> {
        let p = &self.rules.public;
        let Some(id) = &p.unit_matrix else {
            return Vec::new();
        };
        let (Some(QuestionKind::Matrix { rows, scale, .. }), Some(Value::Object(map))) =
            (self.question(&rec.instrument, id), rec.answers.get(id))
        else {
            return Vec::new();
        };
        let cut = scale.max - scale.step * f64::from(p.top_box.saturating_sub(1));
        let mut out = Vec::new();
        for row in rows {
            let Some(ans) = map.get(&row.value) else {
                continue;
            };
            if self.plan.unit(&row.value).is_none() {
                continue;
            }
            let mut acc = PublicAcc::default();
            let item = acc.items.entry(format!("{id}/{}", row.value)).or_default();
            match ans.as_f64() {
                Some(v) if scale.contains(v) => {
                    let s = point_score(scale, v);
                    let _ = item.record(s);
                    let _ = acc.index.record(s);
                    acc.satisfaction_n += 1;
                    if v >= cut - 1e-9 {
                        acc.satisfied += 1;
                    }
                }
                Some(_) => continue,
                None => {
                    item.record_unable();
                    acc.index.record_unable();
                }
            }
            out.push((row.value.clone(), acc));
        }
        out
    }

    /// Counts the respondent's answer to the priorities question for their unit.
    fn count_priorities(&mut self, rec: &ResponseRecord, unit: &str) {
        let Some(q) = &self.rules.public.priorities_question else {
            return;
        };
        let chosen: Vec<&str> = match rec.answers.get(q) {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        if chosen.is_empty() {
            return;
        }
        let acc = self.priorities.entry(unit.to_owned()).or_default();
        acc.respondents += 1;
        for c in chosen {
            *acc.counts.entry(c.to_owned()).or_insert(0) += 1;
        }
    }

    /// The scale items of a public record: each item's tally, the respondent's index (mean
    /// of their item scores), and their values for Cronbach's alpha when complete.
    fn add_public_items(&self, rec: &ResponseRecord, acc: &mut PublicAcc) {
        let p = &self.rules.public;
        let mut index = Vec::new();
        // The respondent's value on every item of the scale, or None once one is missing.
        let mut scale_values: Option<Vec<f64>> = Some(Vec::new());
        for item in &p.items {
            let Some(kind) = self.question(&rec.instrument, item) else {
                continue;
            };
            let Some(scale) = kind.scale() else { continue };
            let Some(ans) = rec.answers.get(item) else {
                continue;
            };
            match (kind, ans) {
                (QuestionKind::Matrix { rows, .. }, Value::Object(map)) => {
                    for row in rows {
                        let key = format!("{item}/{}", row.value);
                        let t = acc.items.entry(key).or_default();
                        match map.get(&row.value).and_then(Value::as_f64) {
                            Some(v) if scale.contains(v) => {
                                let s = point_score(&scale, v);
                                let _ = t.record(s);
                                index.push(s);
                                if let Some(vals) = scale_values.as_mut() {
                                    vals.push(s);
                                }
                            }
                            Some(_) => {}
                            None => {
                                if map.contains_key(&row.value) {
                                    t.record_unable();
                                }
                            }
                        }
                    }
                }
                (_, v) => {
                    let t = acc.items.entry(item.clone()).or_default();
                    match v.as_f64() {
                        Some(v) if scale.contains(v) => {
                            let s = point_score(&scale, v);
                            let _ = t.record(s);
                            index.push(s);
                            if let Some(vals) = scale_values.as_mut() {
                                vals.push(s);
                            }
                        }
                        _ => {
                            t.record_unable();
                            scale_values = None;
                        }
                    }
                }
            }
        }
        let expected_items: usize = p
            .items
            .iter()
            .map(|item| match self.question(&rec.instrument, item) {
                Some(QuestionKind::Matrix { rows, .. }) => rows.len(),
                Some(_) => 1,
                None => 0,
            })
            .sum();
        if let Some(vals) = scale_values.filter(|v| v.len() == expected_items) {
            acc.scale.add(&vals);
        }
        if index.is_empty() {
            acc.index.record_unable();
        } else {
            let mut t = Tally::new();
            for s in &index {
                let _ = t.record(*s);
            }
            if let Some(m) = t.mean() {
                let _ = acc.index.record(m);
            }
        }
    }

    /// The satisfaction (top box) and NPS questions of a public record.
    fn add_public_questions(&self, rec: &ResponseRecord, acc: &mut PublicAcc) {
        let p = &self.rules.public;
        if let Some(q) = &p.satisfaction_question {
            if let (Some(scale), Some(v)) = (
                self.question(&rec.instrument, q)
                    .and_then(QuestionKind::scale),
                rec.answers.get(q).and_then(Value::as_f64),
            ) {
                if scale.contains(v) {
                    acc.satisfaction_n += 1;
                    let cut = scale.max - scale.step * f64::from(p.top_box.saturating_sub(1));
                    if v >= cut - 1e-9 {
                        acc.satisfied += 1;
                    }
                }
            }
        }
        if let Some(q) = &p.nps_question {
            if let Some(v) = rec.answers.get(q).and_then(Value::as_f64) {
                if (0.0..=10.0).contains(&v) {
                    if v >= 9.0 {
                        acc.promoters += 1;
                    } else if v >= 7.0 {
                        acc.passives += 1;
                    } else {
                        acc.detractors += 1;
                    }
                }
            }
        }
    }
}
