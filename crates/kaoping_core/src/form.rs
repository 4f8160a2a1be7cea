//! Filling in a form: which sections and questions are shown, what is wrong with the answers,
//! how far the respondent has got. [`evaluate`] evaluates the whole form; the pages keep a
//! [`FormSession`], which re-evaluates only what a change touches and gives the same state.

use crate::expr::{self, Env};
use crate::plan::{Instrument, Question, QuestionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

mod carry;
mod check;
mod session;
pub use carry::{carry_over, CarryOver, Dropped};
pub(crate) use check::question_ok;
use check::{check_question, Issues};
pub use session::{FormDiff, FormSession, QuestionStatus};

/// The answer value that means "unable to judge" (无法评价).
pub const UNABLE: &str = "unable";

/// What a respondent has entered so far.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Answers {
    /// Answer per question id. Single: `"value"`; multiple and ranking: `["a","b"]`; rating
    /// and NPS: a number or `"unable"`; matrix: `{"row": 4, "row2": "unable"}`; number: a
    /// number; text: a string.
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// Written reasons per question id (不满意须说明理由).
    #[serde(default)]
    pub reasons: BTreeMap<String, String>,
}

impl Answers {
    /// Answers from a JSON value: what serde's derived `Deserialize` accepts, with its errors
    /// (`crate::json_read`), without its code in the respondent's WASM.
    pub fn from_value(v: &Value) -> Result<Answers, serde_json::Error> {
        use crate::json_read::{any, map, string, Fields};
        let s = Fields::of(v, "Answers", &["values", "reasons"])?;
        let mut a = Answers::default();
        for (i, v) in s.present() {
            match i {
                0 => a.values = map(v, any)?,
                _ => a.reasons = map(v, string)?,
            }
        }
        s.end(a)
    }
}

/// One thing to fix before the form can be submitted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AnswerIssue {
    /// The question, and for a matrix the row, the issue belongs to.
    pub question: String,
    #[serde(default)]
    pub row: Option<String>,
    /// `true` when the issue is about the written reason rather than the answer itself.
    #[serde(default)]
    pub reason: bool,
    pub code: String,
    /// The message in the requested language.
    pub message: String,
}

/// The state of a form after evaluating the answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FormState {
    /// Shown sections and questions, in order.
    pub sections: Vec<String>,
    pub questions: Vec<String>,
    /// Questions whose written reason is required now.
    pub reasons_required: Vec<String>,
    pub issues: Vec<AnswerIssue>,
    /// Shown questions with an answer, and the number of shown questions.
    pub answered: usize,
    pub total: usize,
    /// True when there is no issue: the form can be submitted.
    pub complete: bool,
}

struct AnswerEnv<'a> {
    values: &'a BTreeMap<String, Value>,
    hidden: &'a BTreeSet<String>,
    current: Option<&'a Value>,
}

impl Env for AnswerEnv<'_> {
    fn answer(&self, id: &str) -> Option<Value> {
        if self.hidden.contains(id) {
            return None;
        }
        self.values.get(id).cloned()
    }
    fn current(&self) -> Option<Value> {
        self.current.cloned()
    }
}

/// Whether an answer counts as given.
pub fn is_answered(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.trim().is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => o.values().any(|v| is_answered(Some(v))),
        Some(_) => true,
    }
}

fn relevant(src: Option<&String>, env: &AnswerEnv) -> bool {
    match src {
        None => true,
        // A plan that failed validation never reaches here; an unparsable condition shows the
        // question rather than hiding it, so no answer can be lost to a typo.
        Some(src) => expr::parse(src)
            .map(|e| e.eval(env).truthy())
            .unwrap_or(true),
    }
}

/// Evaluate the answers against an instrument, with messages in `lang`.
pub fn evaluate(ins: &Instrument, answers: &Answers, lang: &str) -> FormState {
    let mut hidden = BTreeSet::new();
    let mut sections = Vec::new();
    let mut shown: Vec<&Question> = Vec::new();
    for section in &ins.sections {
        let env = AnswerEnv {
            values: &answers.values,
            hidden: &hidden,
            current: None,
        };
        if !relevant(section.relevant.as_ref(), &env) {
            hidden.extend(section.questions.iter().map(|q| q.id.clone()));
            continue;
        }
        let mut any = false;
        for q in &section.questions {
            let env = AnswerEnv {
                values: &answers.values,
                hidden: &hidden,
                current: None,
            };
            if relevant(q.relevant.as_ref(), &env) {
                shown.push(q);
                any = true;
            } else {
                hidden.insert(q.id.clone());
            }
        }
        if any {
            sections.push(section.id.clone());
        }
    }
    let mut issues = Vec::new();
    let mut reasons_required = Vec::new();
    let mut answered = 0;
    for q in &shown {
        let value = answers.values.get(&q.id);
        if is_answered(value) {
            answered += 1;
        }
        let env = AnswerEnv {
            values: &answers.values,
            hidden: &hidden,
            current: value,
        };
        let reason = answers.reasons.get(&q.id);
        let mut holds = |c: usize| {
            expr::parse(&q.constraints[c].expr)
                .map(|e| e.eval(&env).truthy())
                .unwrap_or(true)
        };
        if question_issues(q, value, reason, lang, false, &mut issues, &mut holds) {
            reasons_required.push(q.id.clone());
        }
    }
    let complete = issues.is_empty();
    FormState {
        sections,
        questions: shown.iter().map(|q| q.id.clone()).collect(),
        reasons_required,
        issues,
        answered,
        total: shown.len(),
        complete,
    }
}

/// The issues of a shown question, pushed onto `list`: its answer's checks, its written
/// reason's, then its constraints (`holds(i)`: whether constraint `i` holds), which are checked
/// only when the answer is given and nothing else is wrong with the question (nor with an
/// `earlier` question of the same id). Returns whether its written reason is required now.
/// Shared by [`evaluate`] and [`FormSession`].
fn question_issues(
    q: &Question,
    value: Option<&Value>,
    reason: Option<&String>,
    lang: &str,
    earlier: bool,
    list: &mut Vec<AnswerIssue>,
    holds: &mut dyn FnMut(usize) -> bool,
) -> bool {
    let mut out = Issues { q, lang, list };
    check_question(q, value, &mut out);
    let mut required = false;
    if let Some(rule) = &q.reason {
        if needs_reason(q, value, rule.at_or_below) {
            required = true;
            let given = reason.map(|s| s.trim().chars().count()).unwrap_or(0);
            let min = rule.min_length.unwrap_or(1) as usize;
            if given == 0 {
                out.reason(
                    "reason_required",
                    "请填写不满意的理由。",
                    "Please give a reason.",
                );
            } else if given < min {
                out.reason(
                    "reason_too_short",
                    &format!("理由至少需要 {min} 个字。"),
                    &format!("The reason needs at least {min} characters."),
                );
            }
        }
    }
    if is_answered(value) && !earlier && out.list.iter().all(|i| i.question != q.id) {
        for (c, constraint) in q.constraints.iter().enumerate() {
            if !holds(c) {
                out.push_text("constraint", None, &constraint.message);
            }
        }
    }
    required
}

fn needs_reason(q: &Question, value: Option<&Value>, at_or_below: f64) -> bool {
    match (&q.kind, value) {
        (QuestionKind::Matrix { .. }, Some(Value::Object(rows))) => rows
            .values()
            .any(|v| v.as_f64().is_some_and(|x| x <= at_or_below)),
        (_, Some(v)) => v.as_f64().is_some_and(|x| x <= at_or_below),
        _ => false,
    }
}
