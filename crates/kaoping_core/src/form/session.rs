//! A form being filled in, kept between answers (issue 19, live validation): the session holds
//! the answers and the parsed conditions, and knows from them which conditions read which
//! answer. Setting one answer re-evaluates only what reads it, and what reads those in turn
//! (a question hidden or shown changes what the conditions after it see), and returns what
//! changed for the page to apply. [`evaluate`](super::evaluate) stays the reference: the
//! session's [`FormSession::state`] is always what it gives for the same answers
//! (`tests/form_session.rs`, proptested over random plans and answer sequences).

use super::{is_answered, question_issues, AnswerIssue, Answers, FormState};
use crate::expr::{self, Env, Expr};
use crate::plan::{Instrument, Question};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// What one question's status is now: whether it is shown, whether its written reason is
/// required, and its issues (empty when it is hidden).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QuestionStatus {
    pub question: String,
    pub shown: bool,
    pub reason_required: bool,
    pub issues: Vec<AnswerIssue>,
}

/// What one change did to the form: the questions whose status changed (each with its whole
/// new status), the shown sections when they changed, and the form's counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormDiff {
    pub questions: Vec<QuestionStatus>,
    /// The shown sections, in order, when they changed; `null` when they did not.
    pub sections: Option<Vec<String>>,
    /// Shown questions with an answer, and the number of shown questions.
    pub answered: usize,
    pub total: usize,
    /// True when there is no issue: the form can be submitted.
    pub complete: bool,
}

/// A parsed condition; `None` when there is none or it does not parse, which holds (as in
/// `evaluate`: a typo never hides a question or refuses an answer).
type Rule = Option<Expr>;

/// Who reads an answer: a section's relevance, a question's relevance or its constraints (by
/// the question's place in the form).
#[derive(Clone, Copy)]
enum Reader {
    Section(usize),
    Relevance(usize),
    Constraint(usize),
}

/// An answer id: the places of its questions in the form (one, unless the plan repeats an
/// id; none for an id that only conditions name) and the conditions that read it.
#[derive(Default)]
struct Id {
    places: Vec<usize>,
    readers: Vec<Reader>,
}

struct SectionSlot {
    rule: Rule,
    holds: bool,
    /// Its questions' places in the form: `start..end`.
    start: usize,
    end: usize,
}

struct Item {
    section: usize,
    index: usize,
    rule: Rule,
    constraints: Vec<Rule>,
    holds: bool,
    shown: bool,
    answered: bool,
    status: QuestionStatus,
}

/// What to re-evaluate, by section and by the question's place in the form.
struct Marks {
    sections: Vec<bool>,
    relevance: Vec<bool>,
    checks: Vec<bool>,
}

/// One respondent's form between answers. See the module's documentation.
pub struct FormSession {
    ins: Instrument,
    lang: String,
    answers: Answers,
    sections: Vec<SectionSlot>,
    items: Vec<Item>,
    /// Per answer id: the places of its questions and who reads it.
    ids: BTreeMap<String, Id>,
    /// A question id appears twice (a plan that did not pass validation): then every change
    /// re-evaluates the whole form, which is what `evaluate` does with such a plan.
    repeated: bool,
    shown_sections: Vec<String>,
    answered: usize,
    total: usize,
    issues: usize,
}

/// Where a condition reads answers: a question hidden at an earlier place reads as unanswered,
/// as in `evaluate` (which hides questions as it goes through the form in order).
struct SessionEnv<'a> {
    session: &'a FormSession,
    before: usize,
    current: Option<&'a Value>,
}

impl Env for SessionEnv<'_> {
    fn answer(&self, id: &str) -> Option<Value> {
        let s = self.session;
        let hidden = (s.places(id).iter()).any(|&i| i < self.before && !s.items[i].shown);
        if hidden {
            return None;
        }
        s.answers.values.get(id).cloned()
    }
    fn current(&self) -> Option<Value> {
        self.current.cloned()
    }
}

fn rule(src: Option<&String>) -> Rule {
    src.and_then(|s| expr::parse(s).ok())
}

impl FormSession {
    /// A session on `ins` with the answers so far, messages in `lang`.
    pub fn new(ins: &Instrument, answers: Answers, lang: &str) -> FormSession {
        let mut s = FormSession {
            ins: ins.clone(),
            lang: lang.to_owned(),
            answers,
            sections: Vec::new(),
            items: Vec::new(),
            ids: BTreeMap::new(),
            repeated: false,
            shown_sections: Vec::new(),
            answered: 0,
            total: 0,
            issues: 0,
        };
        for (si, section) in ins.sections.iter().enumerate() {
            let sec_rule = rule(section.relevant.as_ref());
            s.read_by(&sec_rule, Reader::Section(si));
            let start = s.items.len();
            for (index, q) in section.questions.iter().enumerate() {
                let at = s.items.len();
                let q_rule = rule(q.relevant.as_ref());
                s.read_by(&q_rule, Reader::Relevance(at));
                let constraints: Vec<Rule> =
                    q.constraints.iter().map(|c| rule(Some(&c.expr))).collect();
                for c in &constraints {
                    s.read_by(c, Reader::Constraint(at));
                }
                let places = &mut s.ids.entry(q.id.clone()).or_default().places;
                places.push(at);
                s.repeated |= places.len() > 1;
                s.items.push(Item {
                    section: si,
                    index,
                    rule: q_rule,
                    constraints,
                    holds: true,
                    shown: false,
                    answered: false,
                    status: QuestionStatus {
                        question: q.id.clone(),
                        ..QuestionStatus::default()
                    },
                });
            }
            let end = s.items.len();
            s.sections.push(SectionSlot {
                rule: sec_rule,
                holds: true,
                start,
                end,
            });
        }
        let all = s.marks(true);
        s.update(all);
        s
    }

    fn read_by(&mut self, rule: &Rule, reader: Reader) {
        if let Some(e) = rule {
            e.each_reference(&mut |id| {
                let readers = &mut self.ids.entry(id.to_owned()).or_default().readers;
                readers.push(reader);
            });
        }
    }

    fn marks(&self, all: bool) -> Marks {
        let all = all || self.repeated;
        Marks {
            sections: vec![all; self.sections.len()],
            relevance: vec![all; self.items.len()],
            checks: vec![all; self.items.len()],
        }
    }

    /// Set the answer to question `id` (`null` clears it), and say what changed.
    ///
    /// A cleared answer stays in [`FormSession::answers`] as `null`, and a cleared reason as
    /// `""`, which read exactly as absent ones (unanswered, no reason): removing keys from the
    /// maps would cost the respondent's WASM the maps' rebalancing code (about 4 KB gzip).
    pub fn set_answer(&mut self, id: &str, value: Value) -> FormDiff {
        self.answers.values.insert(id.to_owned(), value);
        let mut m = self.marks(false);
        self.mark_readers(id, None, &mut m);
        self.mark_checks(id, &mut m);
        self.update(m)
    }

    /// Set the written reason of question `id` (`None` clears it), and say what changed.
    pub fn set_reason(&mut self, id: &str, text: Option<String>) -> FormDiff {
        let text = text.unwrap_or_default();
        self.answers.reasons.insert(id.to_owned(), text);
        let mut m = self.marks(false);
        self.mark_checks(id, &mut m);
        self.update(m)
    }

    /// The answers so far.
    pub fn answers(&self) -> &Answers {
        &self.answers
    }

    /// Every question's status, the shown sections and the counts: what a page draws first.
    pub fn all(&self) -> FormDiff {
        FormDiff {
            questions: self.items.iter().map(|i| i.status.clone()).collect(),
            sections: Some(self.shown_sections.clone()),
            answered: self.answered,
            total: self.total,
            complete: self.issues == 0,
        }
    }

    /// The whole state of the form, as [`evaluate`](super::evaluate) gives it.
    pub fn state(&self) -> FormState {
        let mut state = FormState {
            sections: self.shown_sections.clone(),
            questions: Vec::new(),
            reasons_required: Vec::new(),
            issues: Vec::new(),
            answered: self.answered,
            total: self.total,
            complete: self.issues == 0,
        };
        for st in self.items.iter().map(|it| &it.status).filter(|s| s.shown) {
            state.questions.push(st.question.clone());
            if st.reason_required {
                state.reasons_required.push(st.question.clone());
            }
            state.issues.extend(st.issues.iter().cloned());
        }
        state
    }

    /// Mark what reads the answer `id`: all of it when the answer changed (`after` is `None`);
    /// when the question at place `after` was hidden or shown, the relevance of what comes
    /// after it (what comes before reads the answer whether it is shown or not) and every
    /// constraint.
    fn mark_readers(&self, id: &str, after: Option<usize>, m: &mut Marks) {
        let later = |at: usize| after.is_none_or(|p| at > p);
        let readers = self.ids.get(id).map_or(&[][..], |n| &n.readers);
        for r in readers {
            match *r {
                Reader::Section(t) if later(self.sections[t].start) => m.sections[t] = true,
                Reader::Relevance(p) if later(p) => m.relevance[p] = true,
                Reader::Constraint(p) => m.checks[p] = true,
                _ => {}
            }
        }
    }

    fn mark_checks(&self, id: &str, m: &mut Marks) {
        for &p in self.places(id) {
            m.checks[p] = true;
        }
    }

    fn places(&self, id: &str) -> &[usize] {
        self.ids.get(id).map_or(&[], |n| &n.places)
    }

    fn holds(&self, rule: &Rule, before: usize, current: Option<&Value>) -> bool {
        let env = SessionEnv {
            session: self,
            before,
            current,
        };
        rule.as_ref().is_none_or(|e| e.eval(&env).truthy())
    }

    fn question(&self, p: usize) -> &Question {
        let it = &self.items[p];
        &self.ins.sections[it.section].questions[it.index]
    }

    /// Re-evaluate what `m` marks, and what that changes in turn; say what changed.
    fn update(&mut self, mut m: Marks) -> FormDiff {
        let mut shown_changed = false;
        // Relevance first, in the form's order: whether a question is shown is read by the
        // conditions after it, which are marked here as it changes.
        for s in 0..self.sections.len() {
            let SectionSlot { start, end, .. } = self.sections[s];
            if m.sections[s] {
                let holds = self.holds(&self.sections[s].rule, start, None);
                shown_changed |= holds != self.sections[s].holds;
                self.sections[s].holds = holds;
            }
            for p in start..end {
                if m.relevance[p] {
                    self.items[p].holds = self.holds(&self.items[p].rule, p, None);
                }
                let shown = self.sections[s].holds && self.items[p].holds;
                if shown != self.items[p].shown {
                    self.items[p].shown = shown;
                    shown_changed = true;
                    m.checks[p] = true;
                    let id = self.question(p).id.clone();
                    self.mark_readers(&id, Some(p), &mut m);
                }
            }
        }
        // Then each marked question's checks, with every question's visibility settled.
        let mut questions = Vec::new();
        for p in 0..self.items.len() {
            if m.checks[p] {
                if let Some(status) = self.check(p) {
                    questions.push(status);
                }
            }
        }
        let mut sections = None;
        if shown_changed {
            let now: Vec<String> = (self.sections.iter().zip(&self.ins.sections))
                .filter(|(slot, _)| {
                    slot.holds && self.items[slot.start..slot.end].iter().any(|i| i.shown)
                })
                .map(|(_, section)| section.id.clone())
                .collect();
            if now != self.shown_sections {
                self.shown_sections = now.clone();
                sections = Some(now);
            }
        }
        FormDiff {
            questions,
            sections,
            answered: self.answered,
            total: self.total,
            complete: self.issues == 0,
        }
    }

    /// Check the question at place `p` again; its new status when it changed.
    fn check(&mut self, p: usize) -> Option<QuestionStatus> {
        let q = self.question(p);
        let shown = self.items[p].shown;
        let value = self.answers.values.get(&q.id);
        let mut issues = Vec::new();
        let mut reason_required = false;
        if shown {
            // Only a repeated id has an earlier place whose issues stop these constraints.
            let earlier = self.places(&q.id).iter().any(|&i| {
                i < p && self.items[i].status.shown && !self.items[i].status.issues.is_empty()
            });
            let item = &self.items[p];
            reason_required = question_issues(
                q,
                value,
                self.answers.reasons.get(&q.id),
                &self.lang,
                earlier,
                &mut issues,
                &mut |c| self.holds(&item.constraints[c], usize::MAX, value),
            );
        }
        let answered = shown && is_answered(value);
        let item = &mut self.items[p];
        self.answered = self.answered + usize::from(answered) - usize::from(item.answered);
        item.answered = answered;
        let status = QuestionStatus {
            question: item.status.question.clone(),
            shown,
            reason_required,
            issues,
        };
        if status == item.status {
            return None;
        }
        self.total = self.total + usize::from(shown) - usize::from(item.status.shown);
        self.issues = self.issues + status.issues.len() - item.status.issues.len();
        item.status = status.clone();
        Some(status)
    }
}
