//! The mergeable accumulator of records, indicator data and history.

use super::cadres::CadreRoster;
use super::{HistoryEntry, IndicatorInput, IndicatorValue, ScoreError};
use crate::plan::{IndicatorKind, InstrumentKind, Plan, QuestionKind, Scale};
use crate::record::ResponseRecord;
use crate::score::{PublicRules, QualityOutcome, QualityRules, ScoringRules};
use crate::stats::tally::Tally;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use super::reliability::ScaleSums;

/// Public answers of one unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PublicAcc {
    /// Each respondent's satisfaction index (mean of their scored items).
    pub index: Tally,
    /// Per item (`question` or `question/row`): the scores given.
    pub items: BTreeMap<String, Tally>,
    pub satisfied: u64,
    pub satisfaction_n: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
    /// With survey weighting: the same figures per weighting cell (the answers to the
    /// weighting questions, in [`crate::score::PublicWeighting::questions`] order).
    /// Weights are computed from these merged counts at `finish`.
    pub cells: BTreeMap<Vec<String>, CellAcc>,
    /// Sums for Cronbach's α of the scale the items form (respondents who answered every item).
    pub scale: ScaleSums,
}

/// The answers of one unit's respondents to the priorities question.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct PriorityAcc {
    /// Respondents who chose at least one option.
    pub respondents: u64,
    /// Option value → respondents who chose it.
    pub counts: BTreeMap<String, u64>,
}

impl PriorityAcc {
    fn merge(&mut self, b: PriorityAcc) {
        self.respondents += b.respondents;
        for (k, n) in b.counts {
            *self.counts.entry(k).or_insert(0) += n;
        }
    }
}

/// Public answers of one weighting cell of a unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CellAcc {
    /// Respondents in the cell.
    pub respondents: u64,
    pub index: Tally,
    pub satisfied: u64,
    pub satisfaction_n: u64,
    pub promoters: u64,
    pub passives: u64,
    pub detractors: u64,
}

/// What the quality rules saw of one instrument's records of one unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct QualityTally {
    /// Records the rules looked at.
    pub records: u64,
    /// Records touched by each rule, in [`crate::score::QUALITY_RULES`] order.
    pub touched: [u64; 3],
    pub excluded: u64,
    pub down_weighted: u64,
}

impl QualityTally {
    /// Counts one record the rules looked at.
    fn count(&mut self, touched: &[bool], outcome: QualityOutcome) {
        self.records += 1;
        for (n, hit) in self.touched.iter_mut().zip(touched) {
            *n += u64::from(*hit);
        }
        match outcome {
            QualityOutcome::Excluded => self.excluded += 1,
            QualityOutcome::Weighted(_) => self.down_weighted += 1,
            QualityOutcome::Full => {}
        }
    }

    fn merge(&mut self, b: QualityTally) {
        self.records += b.records;
        for (a, b) in self.touched.iter_mut().zip(b.touched) {
            *a += b;
        }
        self.excluded += b.excluded;
        self.down_weighted += b.down_weighted;
    }
}

/// One reviewer's sheet.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Sheet {
    pub group: String,
    pub recused: BTreeSet<String>,
    /// (unit, indicator) → score, `None` = unable to judge.
    pub scores: BTreeMap<(String, String), Option<f64>>,
    /// (unit, indicator) → the reviewer's comment (the record's reasons, keyed
    /// `unit/indicator`), for the cells of `scores` only.
    pub comments: BTreeMap<(String, String), String>,
}

/// Cadre appraisal votes of one unit.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct CadreAcc {
    /// Each respondent's team score (mean of the team rows' scores).
    pub team: Tally,
    /// Cadre row → votes for 1, 2, 3, 4.
    pub votes: BTreeMap<String, [u64; 4]>,
}

/// Mergeable state of a scoring run. `add` records in any order, `merge` states built
/// from any split of the records, then `finish`.
#[derive(Debug, Clone, PartialEq)]
pub struct ScoreState<'p> {
    pub(crate) plan: &'p Plan,
    /// The plan's scoring rules, read once.
    pub(crate) rules: ScoringRules,
    pub(crate) public: BTreeMap<String, PublicAcc>,
    /// Public answers of down-weighted records, by unit and the bits of their weight.
    pub(crate) public_down: BTreeMap<(String, u64), PublicAcc>,
    /// The priorities question's answers, by the respondents' unit.
    pub(crate) priorities: BTreeMap<String, PriorityAcc>,
    /// Per (unit, instrument): what the quality rules saw (only with `rules.quality`). A public
    /// record that rates several units (`unit_matrix`) is counted in each.
    pub(crate) quality: BTreeMap<(String, String), QualityTally>,
    /// Per instrument: the same, each record counted once.
    pub(crate) quality_total: BTreeMap<String, QualityTally>,
    pub(crate) sheets: BTreeMap<String, Sheet>,
    pub(crate) cadre: BTreeMap<String, CadreAcc>,
    pub(crate) indicators: BTreeMap<(String, String), IndicatorValue>,
    pub(crate) history: BTreeMap<(String, i32), HistoryEntry>,
    /// Records or answers left out, by reason.
    pub(crate) skipped: BTreeMap<String, u64>,
    /// Records used, by instrument id.
    pub(crate) used: BTreeMap<String, u64>,
    /// The people appraised (`score::cadres`), when the office gave a cadre roster.
    pub(crate) cadre_roster: Option<CadreRoster>,
}

/// The 0–100 score of a scale answer: the point's `score`, else linear on the range.
pub(crate) fn point_score(scale: &Scale, v: f64) -> f64 {
    if let Some(p) = scale.points.iter().find(|p| p.value == v) {
        if let Some(s) = p.score {
            return s;
        }
    }
    if scale.max > scale.min {
        (v - scale.min) / (scale.max - scale.min) * 100.0
    } else {
        0.0
    }
}

fn add_merge<K: Ord + Clone, V: Default>(
    a: &mut BTreeMap<K, V>,
    b: BTreeMap<K, V>,
    f: impl Fn(&mut V, V),
) {
    for (k, v) in b {
        f(a.entry(k).or_default(), v);
    }
}

/// The weighting cell of a public record (its answers to the weighting questions), `None`
/// without weighting; `Err` with the reason to skip it when an answer is missing.
pub(super) fn weighting_cell(
    p: &PublicRules,
    rec: &ResponseRecord,
) -> Result<Option<Vec<String>>, &'static str> {
    let Some(w) = &p.weighting else {
        return Ok(None);
    };
    let mut key = Vec::new();
    for q in w.questions() {
        match rec.answers.get(&q).and_then(Value::as_str) {
            Some(v) => key.push(v.to_owned()),
            None => return Err("public_weighting_answer_missing"),
        }
    }
    Ok(Some(key))
}

impl<'p> ScoreState<'p> {
    /// An empty state for `plan`.
    pub fn new(plan: &'p Plan) -> Result<Self, ScoreError> {
        let rules = ScoringRules::of(plan)?;
        if let Some(e) = crate::score::quality_error(plan, &rules) {
            return Err(ScoreError::Rules(e));
        }
        Ok(ScoreState {
            plan,
            rules,
            public: BTreeMap::new(),
            public_down: BTreeMap::new(),
            priorities: BTreeMap::new(),
            quality: BTreeMap::new(),
            quality_total: BTreeMap::new(),
            sheets: BTreeMap::new(),
            cadre: BTreeMap::new(),
            indicators: BTreeMap::new(),
            history: BTreeMap::new(),
            skipped: BTreeMap::new(),
            used: BTreeMap::new(),
            cadre_roster: None,
        })
    }

    /// What the quality rules make of a record of `unit`, counted into its tally (and, the
    /// first time the record is seen, `first`, into the instrument's total); `Full` without
    /// rules for its instrument.
    pub(super) fn quality_outcome(
        &mut self,
        rec: &ResponseRecord,
        unit: &str,
        first: bool,
    ) -> QualityOutcome {
        let Some(q) = self
            .rules
            .quality
            .as_ref()
            .filter(|q| q.applies_to(self.plan, &rec.instrument))
        else {
            return QualityOutcome::Full;
        };
        let outcome = q.outcome(&rec.quality);
        let touched = QualityRules::touched(&rec.quality);
        let unit_tally = self
            .quality
            .entry((unit.to_owned(), rec.instrument.clone()))
            .or_default();
        unit_tally.count(&touched, outcome);
        if first {
            self.quality_total
                .entry(rec.instrument.clone())
                .or_default()
                .count(&touched, outcome);
        }
        outcome
    }

    pub(super) fn skip(&mut self, why: &str) {
        *self.skipped.entry(why.to_owned()).or_insert(0) += 1;
    }

    /// Adds one response record.
    pub fn add(&mut self, record: &ResponseRecord) -> Result<(), ScoreError> {
        if record.plan_id != self.plan.id {
            return Err(ScoreError::PlanMismatch {
                expected: self.plan.id.clone(),
                found: record.plan_id.clone(),
            });
        }
        let ins = self
            .plan
            .instrument(&record.instrument)
            .ok_or_else(|| ScoreError::UnknownInstrument(record.instrument.clone()))?;
        let rules = &self.rules;
        match ins.kind {
            InstrumentKind::Survey if ins.id == rules.public.instrument => self.add_public(record),
            InstrumentKind::Review if ins.id == rules.expert.instrument => {
                self.add_review(record)?
            }
            InstrumentKind::Appraisal if ins.id == rules.leadership.instrument => {
                self.add_cadre(record)
            }
            _ => self.skip("instrument_not_scored"),
        }
        Ok(())
    }

    pub(super) fn question(&self, instrument: &str, id: &str) -> Option<&'p QuestionKind> {
        let plan: &'p Plan = self.plan;
        plan.instrument(instrument)?
            .questions()
            .find(|q| q.id == id)
            .map(|q| &q.kind)
    }

    fn add_review(&mut self, rec: &ResponseRecord) -> Result<(), ScoreError> {
        let Some(sheet_def) = self
            .plan
            .instrument(&rec.instrument)
            .and_then(|i| i.review.as_ref())
        else {
            self.skip("review_without_sheet");
            return Ok(());
        };
        let group = rec
            .answers
            .get("group")
            .and_then(Value::as_str)
            .unwrap_or("");
        if !sheet_def.groups.iter().any(|g| g.id == group) {
            self.skip("review_unknown_group");
            return Ok(());
        }
        if self.sheets.contains_key(&rec.respondent_id) {
            return Err(ScoreError::DuplicateReviewer(rec.respondent_id.clone()));
        }
        let recused: BTreeSet<String> = rec
            .answers
            .get("recused")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let mut scores = BTreeMap::new();
        if let Some(Value::Object(units)) = rec.answers.get("scores") {
            for (unit, inds) in units {
                if self.plan.unit(unit).is_none() || recused.contains(unit) {
                    continue;
                }
                let Value::Object(inds) = inds else { continue };
                for (ind, v) in inds {
                    if !sheet_def.indicators.contains(ind) {
                        continue;
                    }
                    let s = match v.as_f64() {
                        Some(x) if sheet_def.scale.contains(x) => Some(x),
                        Some(_) => continue,
                        None => None, // "unable"
                    };
                    scores.insert((unit.clone(), ind.clone()), s);
                }
            }
        }
        let comments = rec
            .reasons
            .iter()
            .filter_map(|(key, text)| {
                let (unit, ind) = key.split_once('/')?;
                let cell = (unit.to_owned(), ind.to_owned());
                let text = text.trim();
                (scores.contains_key(&cell) && !text.is_empty()).then(|| (cell, text.to_owned()))
            })
            .collect();
        self.sheets.insert(
            rec.respondent_id.clone(),
            Sheet {
                group: group.to_owned(),
                recused,
                scores,
                comments,
            },
        );
        *self.used.entry(rec.instrument.clone()).or_insert(0) += 1;
        Ok(())
    }

    fn add_cadre(&mut self, rec: &ResponseRecord) {
        let l = &self.rules.leadership;
        let unit = match rec.answers.get(&l.unit_question).and_then(Value::as_str) {
            Some(u) if self.plan.unit(u).is_some() => u.to_owned(),
            _ => return self.skip("cadre_unit_not_in_plan"),
        };
        // Appraisal votes cannot be down-weighted (the rules' check refuses it): excluded or
        // counted.
        if self.quality_outcome(rec, &unit, true) == QualityOutcome::Excluded {
            return;
        }
        let l = &self.rules.leadership;
        let mut acc = CadreAcc::default();
        if let (Some(kind), Some(Value::Object(map))) = (
            self.question(&rec.instrument, &l.team_question),
            rec.answers.get(&l.team_question),
        ) {
            if let Some(scale) = kind.scale() {
                let mut t = Tally::new();
                for v in map.values().filter_map(Value::as_f64) {
                    if scale.contains(v) {
                        let _ = t.record(point_score(&scale, v));
                    }
                }
                match t.mean() {
                    Some(m) => {
                        let _ = acc.team.record(m);
                    }
                    None => acc.team.record_unable(),
                }
            }
        }
        if let Some(Value::Object(map)) = rec.answers.get(&l.cadre_question) {
            for (row, v) in map {
                if let Some(v) = v.as_f64() {
                    if (1.0..=4.0).contains(&v) && v.fract() == 0.0 {
                        acc.votes.entry(row.clone()).or_default()[v as usize - 1] += 1;
                    }
                }
            }
        }
        *self.used.entry(rec.instrument.clone()).or_insert(0) += 1;
        merge_cadre(self.cadre.entry(unit).or_default(), acc);
    }

    /// Adds one unit's figure for one indicator.
    pub fn add_indicator(&mut self, input: &IndicatorInput) -> Result<(), ScoreError> {
        let (u, i) = (input.unit.clone(), input.indicator.clone());
        let Some(ind) = self
            .plan
            .indicator(&i)
            .filter(|_| self.plan.unit(&u).is_some())
        else {
            return Err(ScoreError::UnknownIndicatorInput {
                unit: u,
                indicator: i,
            });
        };
        let why = match (&input.value, ind.kind) {
            (IndicatorValue::Data { actual, target, .. }, IndicatorKind::Data) => {
                if !(actual.is_finite() && target.is_finite()) || *target <= 0.0 || *actual < 0.0 {
                    Some("data needs finite actual ≥ 0 and target > 0")
                } else {
                    None
                }
            }
            (
                IndicatorValue::Project {
                    milestones_done,
                    milestones_total,
                },
                IndicatorKind::Project,
            ) => {
                if *milestones_total == 0 || milestones_done > milestones_total {
                    Some("project needs 0 ≤ done ≤ total and total > 0")
                } else {
                    None
                }
            }
            (IndicatorValue::Constraint { .. }, IndicatorKind::Constraint) => None,
            _ => Some("the figures are of another kind of indicator"),
        };
        if let Some(why) = why {
            return Err(ScoreError::BadIndicatorInput {
                unit: u,
                indicator: i,
                why: why.into(),
            });
        }
        if self.indicators.contains_key(&(u.clone(), i.clone())) {
            return Err(ScoreError::DuplicateIndicatorInput {
                unit: u,
                indicator: i,
            });
        }
        self.indicators.insert((u, i), input.value.clone());
        Ok(())
    }

    /// Adds one earlier year's result.
    pub fn add_history(&mut self, h: &HistoryEntry) -> Result<(), ScoreError> {
        let key = (h.unit.clone(), h.year);
        if self.history.contains_key(&key) {
            return Err(ScoreError::DuplicateHistory {
                unit: h.unit.clone(),
                year: h.year,
            });
        }
        self.history.insert(key, h.clone());
        Ok(())
    }

    /// Names the people appraised: each unit's cadres are then those of `roster`
    /// (`score::cadres`). Refused when a person's unit or role is not the plan's, a name is
    /// empty, two people share a unit and role, or a different roster was given before.
    pub fn set_cadre_roster(&mut self, roster: CadreRoster) -> Result<(), ScoreError> {
        if let Some((en, zh)) =
            crate::score::cadres::roster_problem(self.plan, &self.rules.leadership, &roster)
        {
            return Err(ScoreError::CadreRoster {
                why: en,
                why_zh: zh,
            });
        }
        match &self.cadre_roster {
            Some(r) if *r != roster => Err(ScoreError::CadreRoster {
                why: "a second, different cadre roster was given".into(),
                why_zh: "给出了第二份不同的干部名单".into(),
            }),
            _ => {
                self.cadre_roster = Some(roster);
                Ok(())
            }
        }
    }

    /// Adds everything of `other` (built for the same plan).
    pub fn merge(&mut self, other: ScoreState<'_>) -> Result<(), ScoreError> {
        if self.plan != other.plan {
            return Err(ScoreError::MergePlanMismatch);
        }
        if let Some(r) = other.cadre_roster {
            self.set_cadre_roster(r)?;
        }
        for (k, s) in other.sheets {
            if self.sheets.contains_key(&k) {
                return Err(ScoreError::DuplicateReviewer(k));
            }
            self.sheets.insert(k, s);
        }
        for (k, v) in other.indicators {
            if self.indicators.contains_key(&k) {
                return Err(ScoreError::DuplicateIndicatorInput {
                    unit: k.0,
                    indicator: k.1,
                });
            }
            self.indicators.insert(k, v);
        }
        for (k, v) in other.history {
            if self.history.contains_key(&k) {
                return Err(ScoreError::DuplicateHistory {
                    unit: k.0,
                    year: k.1,
                });
            }
            self.history.insert(k, v);
        }
        add_merge(&mut self.public, other.public, merge_public);
        add_merge(&mut self.public_down, other.public_down, merge_public);
        add_merge(&mut self.priorities, other.priorities, PriorityAcc::merge);
        add_merge(&mut self.quality, other.quality, QualityTally::merge);
        add_merge(
            &mut self.quality_total,
            other.quality_total,
            QualityTally::merge,
        );
        add_merge(&mut self.cadre, other.cadre, merge_cadre);
        add_merge(&mut self.skipped, other.skipped, |a, b| *a += b);
        add_merge(&mut self.used, other.used, |a, b| *a += b);
        Ok(())
    }
}

pub(crate) fn merge_public(a: &mut PublicAcc, b: PublicAcc) {
    a.index.merge(&b.index);
    a.scale.merge(&b.scale);
    for (k, t) in b.items {
        a.items.entry(k).or_default().merge(&t);
    }
    a.satisfied += b.satisfied;
    a.satisfaction_n += b.satisfaction_n;
    a.promoters += b.promoters;
    a.passives += b.passives;
    a.detractors += b.detractors;
    for (k, c) in b.cells {
        let e = a.cells.entry(k).or_default();
        e.respondents += c.respondents;
        e.index.merge(&c.index);
        e.satisfied += c.satisfied;
        e.satisfaction_n += c.satisfaction_n;
        e.promoters += c.promoters;
        e.passives += c.passives;
        e.detractors += c.detractors;
    }
}

fn merge_cadre(a: &mut CadreAcc, b: CadreAcc) {
    a.team.merge(&b.team);
    for (k, v) in b.votes {
        let e = a.votes.entry(k).or_default();
        for i in 0..4 {
            e[i] += v[i];
        }
    }
}
