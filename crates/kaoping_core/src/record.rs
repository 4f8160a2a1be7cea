//! The response record: one JSON document per submission, self-checking.

use crate::canonical::fingerprint;
use crate::form::{evaluate, AnswerIssue, Answers};
use crate::plan::{Instrument, QuestionKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

mod prefill;
pub use prefill::{check_prefill, PrefillIssue};

/// The format tag written into every record.
pub const RECORD_FORMAT: &str = "kaoping.response/1";

/// What the page knows at submission; the engine turns it into a [`ResponseRecord`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Submission {
    pub instrument: String,
    /// A random anonymous id made by the browser (public), or the reviewer's id.
    pub respondent_id: String,
    #[serde(default)]
    pub reviewer: bool,
    /// Milliseconds since the Unix epoch (UTC) when the form was opened and submitted.
    pub started_ms: f64,
    pub submitted_ms: f64,
    pub lang: String,
    pub answers: Answers,
    /// How many records this browser has already submitted for this plan and instrument.
    #[serde(default)]
    pub earlier_submissions: u32,
    /// The one-time code as typed, for an instrument that takes one (else ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Answers the portal embedding the form gave before the respondent started, by question
    /// id, as checked by [`check_prefill`]: the record names in `prefilled` those still unchanged.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub prefill: BTreeMap<String, Value>,
}

impl Submission {
    /// A submission from a JSON value: what serde's derived `Deserialize` accepts, with its
    /// errors (`crate::json_read`), without its code in the respondent's WASM.
    pub fn from_value(v: &Value) -> Result<Submission, serde_json::Error> {
        use crate::json_read::{any, boolean, float, map, opt, string, uint, Fields};
        const NAMES: &[&str] = &[
            "instrument",
            "respondent_id",
            "reviewer",
            "started_ms",
            "submitted_ms",
            "lang",
            "answers",
            "earlier_submissions",
            "code",
            "prefill",
        ];
        let s = Fields::of(v, "Submission", NAMES)?;
        let (mut instrument, mut respondent_id, mut started_ms) = (None, None, None);
        let (mut submitted_ms, mut lang, mut answers) = (None, None, None);
        let mut sub = Submission {
            instrument: String::new(),
            respondent_id: String::new(),
            reviewer: false,
            started_ms: 0.0,
            submitted_ms: 0.0,
            lang: String::new(),
            answers: Answers::default(),
            earlier_submissions: 0,
            code: None,
            prefill: BTreeMap::new(),
        };
        for (i, v) in s.present() {
            match i {
                0 => instrument = Some(string(v)?),
                1 => respondent_id = Some(string(v)?),
                2 => sub.reviewer = boolean(v)?,
                3 => started_ms = Some(float(v)?),
                4 => submitted_ms = Some(float(v)?),
                5 => lang = Some(string(v)?),
                6 => answers = Some(Answers::from_value(v)?),
                7 => sub.earlier_submissions = uint(v)?,
                8 => sub.code = opt(v, string)?,
                _ => sub.prefill = map(v, any)?,
            }
        }
        sub.instrument = s.need(instrument, 0)?;
        sub.respondent_id = s.need(respondent_id, 1)?;
        sub.started_ms = s.need(started_ms, 3)?;
        sub.submitted_ms = s.need(submitted_ms, 4)?;
        sub.lang = s.need(lang, 5)?;
        sub.answers = s.need(answers, 6)?;
        s.end(sub)
    }
}

/// Answers per question id (a portal's prefill) from a JSON value, as serde reads a
/// `BTreeMap<String, Value>`, without its code in the respondent's WASM.
pub fn answer_map(v: &Value) -> Result<BTreeMap<String, Value>, serde_json::Error> {
    crate::json_read::map(v, crate::json_read::any)
}

/// Signals about the quality of a response: recorded, never blocking.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct QualityFlags {
    pub duration_seconds: f64,
    /// Faster than the instrument's `min_seconds`.
    pub speeder: bool,
    /// Matrix questions answered with one identical value on every row (3 rows or more).
    pub straight_lined: Vec<String>,
    /// The same browser has submitted before.
    pub repeat: bool,
}

/// One submitted response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResponseRecord {
    pub format: String,
    pub plan_id: String,
    pub plan_version: String,
    /// SHA-256 of the canonical plan JSON the respondent answered.
    pub plan_sha256: String,
    pub instrument: String,
    pub respondent_id: String,
    pub reviewer: bool,
    /// RFC 3339 UTC times.
    pub started_at: String,
    pub submitted_at: String,
    pub lang: String,
    /// The answers to the questions that were shown.
    pub answers: BTreeMap<String, Value>,
    pub reasons: BTreeMap<String, String>,
    /// Answers the respondent gave to questions that their later answers hid; kept, not lost.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub hidden_answers: BTreeMap<String, Value>,
    pub quality: QualityFlags,
    pub engine_version: String,
    /// SHA-256 of the canonical JSON of this record without this field (and with
    /// `signed.signature` blank).
    pub checksum: String,
    /// The rater's device signature and the office's invitation token, on a sheet of an
    /// instrument that needs an invitation (see `docs/trust.md`). Left out when absent, so
    /// unsigned records (and their checksums) are as before.
    // With the feature `trust` only (office and review builds), like `crate::trust`'s keys: in
    // the respondent's WASM the two fields cost 1.3 KB gzipped (measured before wasm-opt), over
    // its size budget's headroom.
    #[cfg(feature = "trust")]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signed: Option<Signed>,
    /// The one-time code (normalised) of an instrument that needs one. Left out when absent.
    // In both builds (the respondent's page puts it on), unlike `signed`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The questions of `answers` whose answer is the one the portal prefilled, unchanged by
    /// the respondent (`docs/embed.md`). Left out when none, so other records (and their
    /// checksums) are as before.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefilled: Vec<String>,
}

/// A sheet signed by the rater's device under an office invitation (`crate::trust`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Signed {
    /// The invitation token text: payload and office signature, base64url.
    pub token: String,
    /// The device's public key, `ed25519:` + base64url of its 32 bytes.
    pub key: String,
    /// The device's signature (base64url, 64 bytes) of `"kaoping.sheet/1\n"` + checksum; the
    /// checksum is taken with this field blank.
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RecordError {
    #[error("the plan has no instrument \"{0}\"")]
    UnknownInstrument(String),
    #[error("the instrument \"{0}\" is not a review sheet")]
    NotAReview(String),
    #[error("\"{0}\" is not a one-time code (12 characters)")]
    BadCode(String),
    #[error("the answers are not complete: {} issue(s), first: {}", .0.len(), .0.first().map(|i| format!("{} — {}", i.question, i.message)).unwrap_or_default())]
    Incomplete(Vec<AnswerIssue>),
}

/// Build the record of a complete submission to instrument `ins` of the plan with this id,
/// version and fingerprint (from a [`crate::plan::Plan`] or a [`crate::plan::FormPlan`]).
pub fn build_record(
    plan_id: &str,
    plan_version: &str,
    plan_sha256: &str,
    ins: &Instrument,
    sub: &Submission,
) -> Result<ResponseRecord, RecordError> {
    let state = evaluate(ins, &sub.answers, &sub.lang);
    if !state.complete {
        return Err(RecordError::Incomplete(state.issues));
    }
    let mut answers = BTreeMap::new();
    let mut hidden_answers = BTreeMap::new();
    for (id, v) in &sub.answers.values {
        if state.questions.contains(id) {
            if crate::form::is_answered(Some(v)) {
                answers.insert(id.clone(), v.clone());
            }
        } else if crate::form::is_answered(Some(v)) {
            hidden_answers.insert(id.clone(), v.clone());
        }
    }
    // Kept by `retain`, not collected: a map's `collect` sorts, which cost the respondent's WASM
    // a sort of its own (docs/size.md).
    let mut reasons = sub.answers.reasons.clone();
    reasons.retain(|id, text| state.questions.contains(id) && !text.trim().is_empty());
    let duration_seconds = ((sub.submitted_ms - sub.started_ms) / 1000.0).max(0.0);
    let straight_lined = ins
        .questions()
        .filter(|q| matches!(q.kind, QuestionKind::Matrix { .. }))
        .filter(|q| answers.get(&q.id).is_some_and(straight_line))
        .map(|q| q.id.clone())
        .collect();
    let quality = QualityFlags {
        duration_seconds,
        speeder: ins
            .min_seconds
            .is_some_and(|m| duration_seconds < f64::from(m)),
        straight_lined,
        repeat: sub.earlier_submissions > 0,
    };
    Ok(seal(ResponseRecord {
        format: String::new(),
        plan_id: plan_id.to_owned(),
        plan_version: plan_version.to_owned(),
        plan_sha256: plan_sha256.to_owned(),
        instrument: ins.id.clone(),
        respondent_id: sub.respondent_id.clone(),
        reviewer: sub.reviewer,
        started_at: rfc3339(sub.started_ms),
        submitted_at: rfc3339(sub.submitted_ms),
        lang: sub.lang.clone(),
        reasons,
        hidden_answers,
        quality,
        engine_version: String::new(),
        checksum: String::new(),
        #[cfg(feature = "trust")]
        signed: None,
        code: None,
        prefilled: prefill::still_prefilled(&sub.prefill, &answers),
        answers,
    }))
}

/// The record of a submission to an instrument of a form plan: as [`build_record`], with the
/// normalised one-time code of an instrument that takes one ([`RecordError::BadCode`] when
/// it is missing or not a code); a code given for another instrument is not kept.
pub fn build_form_record(
    plan: &crate::plan::FormPlan,
    sub: &Submission,
) -> Result<ResponseRecord, RecordError> {
    let ins = plan
        .instrument(&sub.instrument)
        .ok_or_else(|| RecordError::UnknownInstrument(sub.instrument.clone()))?;
    let code = if plan.needs_code(&ins.id) {
        let typed = sub.code.as_deref().unwrap_or_default();
        let code = crate::plan::access::normalize_code(typed)
            .ok_or_else(|| RecordError::BadCode(typed.to_owned()))?;
        Some(code)
    } else {
        None
    };
    let record = build_record(&plan.id, &plan.version, &plan.sha256, ins, sub)?;
    Ok(match code {
        None => record,
        code => seal(ResponseRecord { code, ..record }),
    })
}

/// Finish a record its builder filled in: the format tag, the engine version and the checksum.
pub(crate) fn seal(mut record: ResponseRecord) -> ResponseRecord {
    record.format = RECORD_FORMAT.to_owned();
    record.engine_version = crate::ENGINE_VERSION.to_owned();
    record.checksum = record_checksum(&record);
    record
}

/// A matrix answer whose rated rows (3 or more) all carry the same value.
fn straight_line(v: &Value) -> bool {
    let Some(rows) = v.as_object() else {
        return false;
    };
    let nums: Vec<f64> = rows.values().filter_map(Value::as_f64).collect();
    nums.len() >= 3 && nums.iter().all(|x| *x == nums[0])
}

/// The checksum of a record: SHA-256 of its canonical JSON with `checksum` set to "" (and
/// `signed.signature` too, so that the device signs the checksum).
pub fn record_checksum(record: &ResponseRecord) -> String {
    let mut copy = record.clone();
    copy.checksum = String::new();
    #[cfg(feature = "trust")]
    if let Some(signed) = &mut copy.signed {
        signed.signature = String::new();
    }
    fingerprint(&copy)
}

/// Whether a record's checksum matches its content.
pub fn verify_record(record: &ResponseRecord) -> bool {
    record_checksum(record) == record.checksum
}

/// Milliseconds since the epoch as an RFC 3339 UTC timestamp with milliseconds.
pub fn rfc3339(ms: f64) -> String {
    let ms = if ms.is_finite() { ms.floor() as i64 } else { 0 };
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = crate::date::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_known_instants() {
        assert_eq!(rfc3339(0.0), "1970-01-01T00:00:00.000Z");
        // 2000-02-29T12:34:56.789Z, a leap day.
        assert_eq!(rfc3339(951_827_696_789.0), "2000-02-29T12:34:56.789Z");
    }

    /// The cadre appraisal of a demo plan whose trust says `cadre` takes codes, answered.
    fn coded_submission(code: Option<&str>) -> (crate::plan::FormPlan, Submission) {
        let mut plan = crate::plan::demo_plan();
        plan.trust =
            serde_json::json!({"keys": [], "instruments": {"cadre": "code", "public": "open"}});
        let form = crate::plan::FormPlan::of(&plan);
        let ins = form.instrument("cadre").unwrap();
        let mut answers = Answers::default();
        for q in ins.questions() {
            let value = match &q.kind {
                QuestionKind::Matrix { rows, .. } => serde_json::json!(rows
                    .iter()
                    .map(|r| (r.value.clone(), serde_json::json!(3)))
                    .collect::<BTreeMap<_, _>>()),
                _ if q.id == "unit" => serde_json::json!("jiangan"),
                _ => serde_json::json!(3),
            };
            answers.values.insert(q.id.clone(), value);
        }
        let sub = Submission {
            instrument: "cadre".into(),
            respondent_id: "r1".into(),
            reviewer: false,
            started_ms: 0.0,
            submitted_ms: 60_000.0,
            lang: "zh-CN".into(),
            answers,
            earlier_submissions: 0,
            code: code.map(str::to_owned),
            prefill: BTreeMap::new(),
        };
        (form, sub)
    }

    #[test]
    fn a_coded_instrument_s_record_carries_the_normalised_code() {
        let (form, sub) = coded_submission(Some("7k3m-q9xa-2bfh"));
        assert!(form.needs_code("cadre") && !form.needs_code("public"));
        let rec = build_form_record(&form, &sub).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rec.code.as_deref(), Some("7K3MQ9XA2BFH"));
        assert!(verify_record(&rec));
        let (_, missing) = coded_submission(None);
        assert_eq!(
            build_form_record(&form, &missing),
            Err(RecordError::BadCode(String::new()))
        );
        let (_, bad) = coded_submission(Some("7K3M"));
        assert_eq!(
            build_form_record(&form, &bad),
            Err(RecordError::BadCode("7K3M".into()))
        );
        let (open, sub) = coded_submission(Some("7K3M-Q9XA-2BFH"));
        let open = crate::plan::FormPlan {
            coded: vec![],
            ..open
        };
        let rec = build_form_record(&open, &sub).unwrap();
        assert_eq!(rec.code, None, "a code on an open instrument is not kept");
        let json = serde_json::to_string(&rec).unwrap();
        assert!(!json.contains("\"code\""), "left out when absent: {json}");
    }

    #[test]
    fn the_form_plan_reads_which_instruments_take_codes() {
        let text = r#"{"id":"p","version":"1","instruments":[],"trust":{"keys":[{"x":1}],"instruments":{"cadre":"code","expert":"invitation"}}}"#;
        let (_, form) = crate::plan::load_form_plan(text).unwrap();
        assert_eq!(form.coded, ["cadre"]);
        let (_, form) =
            crate::plan::load_form_plan(r#"{"id":"p","version":"1","instruments":[]}"#).unwrap();
        assert!(form.coded.is_empty());
    }
}
