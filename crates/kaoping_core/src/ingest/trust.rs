//! Who may rate, at ingest (issue 16, `docs/trust.md`): each record of an instrument that needs
//! an invitation is checked ([`crate::trust::check_signed_record`]) and, when it passes, held
//! until the end, where [`crate::trust::settle`] decides from all of them at once which sheet
//! of each (instrument, rater) counts (so the order of the files does not matter): the others
//! are `superseded` (listed in the report) or `other_key` (rejected). A record of an
//! instrument that needs a one-time code claims it from the session's code batches
//! ([`crate::trust::codes::CodeBook`]). A plan whose instruments are all open reads as before.

use super::report::Superseded;
use super::Sink;
use crate::plan::Plan;
use crate::record::ResponseRecord;
use crate::text::{Bilingual, Text};
use crate::trust::codes::{CodeBatch, CodeBook, CodeCounts, CodeUse};
use crate::trust::{settle, Access, SheetDecision, SignedSheetRef, TrustError, TrustRules};

/// A signed sheet accepted so far, held until [`settle`].
struct Held {
    file: usize,
    row: usize,
    record: ResponseRecord,
    signer: SignedSheetRef,
}

/// The trust rules of a session and what it has seen of signed sheets and codes.
pub(crate) struct TrustGate {
    /// The plan's rules, or why its `trust` section cannot be read (every record of the plan
    /// is then rejected: an unreadable section must not open an instrument).
    rules: Result<TrustRules, TrustError>,
    book: CodeBook,
    held: Vec<Held>,
    /// Signed sheets held per file (so that a file's counts include them at its end).
    held_per_file: Vec<usize>,
}

impl TrustGate {
    /// The gate of `plan`; `None` when the plan has no `trust` section (nothing to check, so
    /// nothing changes for such a plan).
    pub(crate) fn of(plan: &Plan) -> Option<Box<TrustGate>> {
        if plan.trust.is_null() {
            return None;
        }
        Some(Box::new(TrustGate {
            rules: TrustRules::of(plan),
            book: CodeBook::default(),
            held: Vec::new(),
            held_per_file: Vec::new(),
        }))
    }

    /// How the instrument's raters are admitted (`open` when the section cannot be read: its
    /// records are rejected anyway).
    pub(crate) fn access(&self, instrument: &str) -> Access {
        match &self.rules {
            Ok(r) => r.access(instrument),
            Err(_) => Access::Open,
        }
    }

    /// Signed sheets of file `file` held so far.
    pub(crate) fn held_in(&self, file: usize) -> usize {
        self.held_per_file.get(file).copied().unwrap_or(0)
    }
}

/// A batch that could not be read as one: checked as such, it is `code_batch_invalid`
/// (not a `kaoping.codes/1` batch).
pub(crate) fn not_a_batch(name: &str) -> CodeBatch {
    CodeBatch {
        format: String::new(),
        plan_id: String::new(),
        instrument: String::new(),
        batch: name.to_owned(),
        created: String::new(),
        key: String::new(),
        hashes: Vec::new(),
        signature: String::new(),
    }
}

/// The rejection of a trust error: its code, the column it is about, its message.
pub(super) fn rejection_of(e: &TrustError) -> (&'static str, Option<String>, Text) {
    let column = match e {
        TrustError::Unsigned(_)
        | TrustError::BadSignature
        | TrustError::BadToken(_)
        | TrustError::RevokedKey(_)
        | TrustError::OtherKey(_) => Some("signed"),
        TrustError::TokenMismatch { field, .. } => Some(match *field {
            "plan" => "plan_id",
            "instrument" => "instrument",
            "rater" => "respondent_id",
            _ => "group",
        }),
        TrustError::TokenExpired { .. } => Some("submitted_at"),
        TrustError::OutsideAssignment(_) => Some("scores"),
        _ => None,
    };
    (e.code(), column.map(str::to_owned), e.text())
}

/// The message of a code batch that issues nothing.
pub(super) fn batch_message(name: &str, e: &TrustError) -> Text {
    match e {
        TrustError::BadBatch { .. } => e.text(),
        other => Text::new(
            &format!("一次性码批次“{name}”无效：{}", other.zh()),
            &format!("The code batch \"{name}\" is not valid: {other}"),
        ),
    }
}

/// Why a code instrument's record is rejected for its code (its rejection code and message),
/// `None` when the code counts.
pub(super) fn code_refusal(used: &CodeUse, rec: &ResponseRecord) -> Option<(&'static str, Text)> {
    let code = used.rejection()?;
    let shown = rec.code.clone().unwrap_or_default();
    let (zh, en) = match used {
        CodeUse::Missing => (
            format!(
                "问卷“{}”须凭一次性评价码填写：这份答卷没有评价码",
                rec.instrument
            ),
            format!(
                "The instrument \"{}\" needs a one-time code: the response has none",
                rec.instrument
            ),
        ),
        CodeUse::Unknown => (
            format!("评价码“{shown}”不是本问卷有效批次中的码"),
            format!("The code \"{shown}\" is not in a valid batch for this instrument"),
        ),
        _ => (
            format!("评价码“{shown}”已被更早的答卷用过（每个码只计一次）"),
            format!("The code \"{shown}\" was used by an earlier response (each code counts once)"),
        ),
    };
    Some((code, Text::new(&zh, &en)))
}

impl Sink<'_> {
    fn reject_text(
        &mut self,
        file: usize,
        row: usize,
        column: Option<String>,
        code: &'static str,
        t: Text,
    ) {
        self.report.rejected.push(super::Rejection {
            file: self.files[file].clone(),
            row,
            column,
            code,
            message: t,
        });
    }

    /// Gives the session the office's code batches: each one checked; an invalid one issues
    /// nothing: rejected once (`code_batch_invalid`, file = the batch's name, row 0; counted
    /// as one item read).
    pub(crate) fn add_code_batch(&mut self, name: &str, batch: &CodeBatch) {
        let Some(gate) = self.trust.as_mut() else {
            let e = TrustError::Rules {
                path: "/trust".into(),
                why: "the plan has no trust section".into(),
            };
            return self.batch_rejected(name, &e);
        };
        let added = match &gate.rules {
            Ok(rules) => gate.book.add(rules, &self.plan.id, batch),
            Err(e) => Err(e.clone()),
        };
        if let Err(e) = added {
            self.batch_rejected(name, &e);
        }
    }

    fn batch_rejected(&mut self, name: &str, e: &TrustError) {
        let message = batch_message(name, e);
        // Counted as one item read and rejected, so that the counts still reconcile.
        self.report.read += 1;
        self.report.rejected.push(super::Rejection {
            file: name.to_owned(),
            row: 0,
            column: None,
            code: "code_batch_invalid",
            message,
        });
    }

    /// The trust checks of a record that passed the plan's own: a signed sheet's signature,
    /// token, validity and assignment; an invitation instrument's sheet held for [`settle`].
    /// The record back when it goes on (an open or code instrument; a signed sheet of one
    /// checked), `None` when it was rejected or held.
    pub(crate) fn trust_gate(
        &mut self,
        file: usize,
        row: usize,
        rec: ResponseRecord,
    ) -> Option<ResponseRecord> {
        let Some(gate) = self.trust.as_mut() else {
            return Some(rec);
        };
        let rules = match &gate.rules {
            Ok(r) => r,
            Err(e) => {
                let (code, column, t) = rejection_of(e);
                self.reject_text(file, row, column, code, t);
                return None;
            }
        };
        match crate::trust::check_signed_record(rules, &rec) {
            Err(e) => {
                let (code, column, t) = rejection_of(&e);
                self.reject_text(file, row, column, code, t);
                None
            }
            Ok(Some(signer)) if rules.access(&rec.instrument) == Access::Invitation => {
                if gate.held_per_file.len() <= file {
                    gate.held_per_file.resize(file + 1, 0);
                }
                gate.held_per_file[file] += 1;
                gate.held.push(Held {
                    file,
                    row,
                    record: rec,
                    signer: SignedSheetRef::from(&signer),
                });
                None
            }
            Ok(_) => Some(rec),
        }
    }

    /// A code instrument's record claims its code (after the duplicate check, so that a
    /// duplicate does not use one up); false when it is rejected.
    pub(crate) fn claim_code(
        &mut self,
        file: usize,
        row: usize,
        rec: &ResponseRecord,
        code_column: Option<String>,
    ) -> bool {
        let Some(gate) = self.trust.as_mut() else {
            return true;
        };
        if gate.access(&rec.instrument) != Access::Code {
            return true;
        }
        let used = gate.book.claim(&rec.instrument, rec.code.as_deref());
        let Some((code, text)) = code_refusal(&used, rec) else {
            return true;
        };
        let column = code_column.or_else(|| Some("code".to_owned()));
        self.reject_text(file, row, column, code, text);
        false
    }

    /// At the end: which held sheets count ([`settle`]); those that do are scored or kept,
    /// superseded ones listed, `other_key` ones rejected (their files' counts corrected).
    pub(crate) fn settle_signed(&mut self) {
        let Some(gate) = self.trust.as_mut() else {
            return;
        };
        let held = std::mem::take(&mut gate.held);
        let refs: Vec<SignedSheetRef> = held.iter().map(|h| h.signer.clone()).collect();
        let decisions = settle(&refs);
        let mut superseded = Vec::new();
        let mut counted = Vec::new();
        for (i, d) in decisions.iter().enumerate() {
            let h = &held[i];
            match d {
                SheetDecision::Counts => counted.push(i),
                SheetDecision::Superseded { by } => {
                    let w = &held[*by];
                    superseded.push(Superseded {
                        file: self.files[h.file].clone(),
                        row: h.row,
                        instrument: h.signer.instrument.clone(),
                        rater: h.signer.rater.clone(),
                        submitted_at: h.signer.submitted_at.clone(),
                        counted_file: self.files[w.file].clone(),
                        counted_row: w.row,
                        counted_submitted_at: w.signer.submitted_at.clone(),
                    });
                    self.report.accepted += 1;
                    self.count_accepted_version(&h.record.plan_sha256);
                }
                SheetDecision::OtherKey { .. } => {
                    let (code, column, t) =
                        rejection_of(&TrustError::OtherKey(h.signer.token_id.clone()));
                    self.reject_text(h.file, h.row, column, code, t);
                    self.uncount(h.file);
                }
            }
        }
        // Counted sheets in the order read (so that kept records keep the files' order).
        for i in counted {
            let h = &held[i];
            if !self.admit(h.file, h.row, h.record.clone()) {
                self.uncount(h.file);
            }
        }
        superseded.sort_by(|a, b| (&a.file, a.row).cmp(&(&b.file, b.row)));
        self.report.superseded = superseded;
    }

    fn count_accepted_version(&mut self, sha: &str) {
        if !self.plan.amendments.is_empty() {
            self.report.count_version(self.plan, sha);
        }
    }

    /// A held sheet of `file` that turned out rejected: its file's counts corrected.
    fn uncount(&mut self, file: usize) {
        if let Some(f) = self.report.files.get_mut(file) {
            f.accepted = f.accepted.saturating_sub(1);
            f.rejected += 1;
        }
    }

    /// The code counts of each code instrument of the plan.
    pub(crate) fn code_counts(&self) -> std::collections::BTreeMap<String, CodeCounts> {
        let mut codes = std::collections::BTreeMap::new();
        let Some(Ok(rules)) = self.trust.as_ref().map(|g| &g.rules) else {
            return codes;
        };
        let book = &self.trust.as_ref().map(|g| &g.book);
        for (id, a) in &rules.instruments {
            if *a == Access::Code {
                let c = book
                    .and_then(|b| b.counts().get(id))
                    .cloned()
                    .unwrap_or_default();
                codes.insert(id.clone(), c);
            }
        }
        codes
    }
}
