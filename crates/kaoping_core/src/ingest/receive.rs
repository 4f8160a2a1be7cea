//! One record received on its own, as a collector takes it from a respondent's page (`kaoping
//! collect`): the checks ingest makes of a JSON record, in its order and with its codes and
//! messages, without a file set. What needs the records already held (a respondent id or a
//! one-time code used before) is handed back in [`Received`] for the caller's store to hold
//! unique, with the refusal to give when it is not ([`Receiver::duplicate`],
//! [`Receiver::code_reused`]). Which of a rater's signed sheets counts is left to ingest
//! ([`crate::trust::settle`]): every sheet that passes is kept.

use super::records::{check_record, not_a_record_message, syntax_message};
use super::trust::{batch_message, code_refusal, rejection_of};
use crate::plan::Plan;
use crate::record::ResponseRecord;
use crate::score::ScoringRules;
use crate::text::Text;
use crate::trust::codes::{code_hash, normalize_code, CodeBatch, CodeBook, CodeUse};
use crate::trust::{check_signed_record, Access, TrustError, TrustRules};
use serde_json::Value;

/// Why a record is not taken: the rejection code ingest would give, the field it is about and
/// the reason in zh-CN and English.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    pub code: &'static str,
    pub column: Option<String>,
    pub message: Text,
}

impl Refusal {
    fn new(code: &'static str, column: Option<String>, zh: &str, en: &str) -> Self {
        Refusal {
            code,
            column,
            message: Text::new(zh, en),
        }
    }

    /// A refusal for the body as a whole (not JSON, not one record): nothing was read of it.
    pub fn is_malformed(&self) -> bool {
        matches!(self.code, "json_syntax" | "not_a_record")
    }
}

/// A record that passed every check of its own, with what a store files it under.
#[derive(Debug, Clone)]
pub struct Received {
    pub record: ResponseRecord,
    /// The respondent id, when the record counts once per (instrument, respondent id) as at
    /// ingest (`duplicate_response`); `None` for a signed sheet of an invitation instrument,
    /// which a later sheet of the same rater supersedes: all are kept.
    pub respondent: Option<String>,
    /// The SHA-256 of the normalised one-time code of a code instrument's record: each code
    /// counts once (`code_reused`).
    pub code_hash: Option<String>,
    /// The unit the record rates, when it names one (the public survey's and the appraisal's
    /// unit question of the scoring rules).
    pub unit: Option<String>,
}

/// The checks of one plan for records received one at a time.
pub struct Receiver<'p> {
    plan: &'p Plan,
    /// `None`: the plan has no `trust` section; an error: it cannot be read (every record is
    /// then refused, as at ingest).
    trust: Option<Result<TrustRules, TrustError>>,
    book: CodeBook,
    /// The unit question of each scored instrument that has one.
    unit_questions: Vec<(String, String)>,
}

impl<'p> Receiver<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        let trust = (!plan.trust.is_null()).then(|| TrustRules::of(plan));
        let unit_questions = match ScoringRules::of(plan) {
            Ok(r) => vec![
                (r.public.instrument, r.public.unit_question),
                (r.leadership.instrument, r.leadership.unit_question),
            ],
            Err(_) => Vec::new(),
        };
        Receiver {
            plan,
            trust,
            book: CodeBook::default(),
            unit_questions,
        }
    }

    /// The plan the records are checked against.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// Adds a batch of one-time codes (`kaoping.codes/1` JSON) the office signed; an invalid
    /// one issues nothing and is refused (`code_batch_invalid`) with ingest's reason.
    pub fn add_code_batch(&mut self, name: &str, text: &[u8]) -> Result<(), Refusal> {
        let refuse = |e: &TrustError| Refusal {
            code: "code_batch_invalid",
            column: None,
            message: batch_message(name, e),
        };
        let rules = match &self.trust {
            None => {
                return Err(refuse(&TrustError::Rules {
                    path: "/trust".into(),
                    why: "the plan has no trust section".into(),
                }))
            }
            Some(Err(e)) => return Err(refuse(e)),
            Some(Ok(r)) => r,
        };
        let batch = serde_json::from_slice::<CodeBatch>(text)
            .unwrap_or_else(|_| super::trust::not_a_batch(name));
        self.book
            .add(rules, &self.plan.id, &batch)
            .map_err(|e| refuse(&e))
    }

    /// The instruments that take a one-time code.
    pub fn code_instruments(&self) -> Vec<String> {
        match &self.trust {
            Some(Ok(r)) => r
                .instruments
                .iter()
                .filter(|(_, a)| **a == Access::Code)
                .map(|(id, _)| id.clone())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Checks one record's bytes (one JSON object) as ingest checks a record of a file: JSON,
    /// a record, plan and version, checksum, instrument, units, the form's checks, then the
    /// trust rules (signature, token, validity, assignment) and the one-time code's batch.
    pub fn check(&self, body: &[u8]) -> Result<Received, Refusal> {
        let body = body.strip_prefix("\u{feff}".as_bytes()).unwrap_or(body);
        let value: Value = serde_json::from_slice(body).map_err(|e| {
            let (zh, en) = syntax_message(&e);
            let at = format!("line {}, column {}", e.line(), e.column());
            Refusal::new("json_syntax", Some(at), &zh, &en)
        })?;
        if !value.is_object() {
            return Err(Refusal::new(
                "not_a_record",
                None,
                "不是答卷记录：请求体须为一份答卷（JSON 对象）",
                "Not a response record: the body must be one record (a JSON object)",
            ));
        }
        let rec: ResponseRecord = serde_json::from_value(value).map_err(|e| {
            let (zh, en) = not_a_record_message(&e);
            Refusal::new("not_a_record", None, &zh, &en)
        })?;
        if let Some((code, column, zh, en)) = check_record(self.plan, &rec) {
            return Err(Refusal::new(code, column, &zh, &en));
        }
        let mut respondent = Some(rec.respondent_id.clone());
        let mut code_hash_ = None;
        if let Some(trust) = &self.trust {
            let rules = trust.as_ref().map_err(trust_refusal)?;
            let signer = check_signed_record(rules, &rec).map_err(|e| trust_refusal(&e))?;
            let access = rules.access(&rec.instrument);
            if signer.is_some() && access == Access::Invitation {
                respondent = None;
            }
            if access == Access::Code {
                code_hash_ = Some(self.code_of(&rec)?);
            }
        }
        let unit = self
            .unit_questions
            .iter()
            .find(|(ins, _)| *ins == rec.instrument)
            .and_then(|(_, q)| rec.answers.get(q))
            .and_then(Value::as_str)
            .map(str::to_owned);
        Ok(Received {
            record: rec,
            respondent,
            code_hash: code_hash_,
            unit,
        })
    }

    /// The hash of a code instrument's record's code, when it is issued by a batch given.
    fn code_of(&self, rec: &ResponseRecord) -> Result<String, Refusal> {
        let typed = rec.code.as_deref();
        let normal = typed.and_then(normalize_code);
        let used = match (typed, &normal) {
            (None, _) => CodeUse::Missing,
            (Some(t), Some(n)) if self.book.is_issued(&rec.instrument, t) => {
                return Ok(code_hash(n))
            }
            _ => CodeUse::Unknown,
        };
        let (code, message) = code_refusal(&used, rec).unwrap_or(("code_unknown", Text::default()));
        Err(Refusal {
            code,
            column: Some("code".into()),
            message,
        })
    }

    /// The refusal of a record whose (instrument, respondent id) the store already holds under
    /// another checksum (`duplicate_response`).
    pub fn duplicate(rec: &ResponseRecord) -> Refusal {
        let id = &rec.respondent_id;
        Refusal::new(
            "duplicate_response",
            Some("respondent_id".into()),
            &format!("答卷编号 {id} 重复：已收到同一问卷、同一答卷编号的另一份答卷"),
            &format!(
                "Duplicate response id {id}: another response with this id was received for this instrument"
            ),
        )
    }

    /// The refusal of a record whose one-time code the store already holds (`code_reused`).
    pub fn code_reused(rec: &ResponseRecord) -> Refusal {
        let (code, message) =
            code_refusal(&CodeUse::Reused, rec).unwrap_or(("code_reused", Text::default()));
        Refusal {
            code,
            column: Some("code".into()),
            message,
        }
    }
}

fn trust_refusal(e: &TrustError) -> Refusal {
    let (code, column, message) = rejection_of(e);
    Refusal {
        code,
        column,
        message,
    }
}
