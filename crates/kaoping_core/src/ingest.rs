//! Ingest of response records: every record read is accepted or rejected with its file, row
//! and reason; the counts always reconcile (read = accepted + rejected).
//!
//! A file holds one record (JSON object), an array of records, or JSON Lines (one record per
//! line). Rows are 1-based: the line of a JSON Lines record, the position in an array, 1 for a
//! single record.

use crate::form::{evaluate, Answers};
use crate::plan::{InstrumentKind, Plan};
use crate::record::{verify_record, ResponseRecord};
use crate::text::Text;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Why a record was not accepted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejection {
    pub file: String,
    pub row: usize,
    /// The field the problem is in, when there is one (a question id, `checksum`, …).
    pub column: Option<String>,
    /// `json_syntax`, `not_a_record`, `another_plan`, `checksum_mismatch`,
    /// `duplicate_response`, `unknown_instrument`, `unknown_unit`, `invalid_answer`.
    pub code: &'static str,
    pub message: Text,
}

/// Counts per file.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FileCount {
    pub file: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// What an ingest produced: the accepted records and everything rejected.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IngestReport {
    pub read: usize,
    pub accepted: usize,
    pub files: Vec<FileCount>,
    pub rejected: Vec<Rejection>,
    #[serde(skip)]
    pub records: Vec<ResponseRecord>,
}

/// Records of one plan, read file by file; duplicates are found across files.
pub struct Ingest<'p> {
    plan: &'p Plan,
    seen: BTreeMap<(String, String), (String, usize)>,
    report: IngestReport,
}

impl<'p> Ingest<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        Ingest {
            plan,
            seen: BTreeMap::new(),
            report: IngestReport {
                read: 0,
                accepted: 0,
                files: Vec::new(),
                rejected: Vec::new(),
                records: Vec::new(),
            },
        }
    }

    /// Read one file's text.
    pub fn add_file(&mut self, file: &str, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let before = (self.report.read, self.report.accepted);
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            match serde_json::from_str::<Vec<Value>>(text) {
                Ok(items) => {
                    for (i, v) in items.into_iter().enumerate() {
                        self.add_value(file, i + 1, v);
                    }
                }
                Err(e) => self.syntax(file, e.line(), &e),
            }
        } else {
            // One object, or JSON Lines: try the whole text first.
            match serde_json::from_str::<Value>(text) {
                Ok(v) => self.add_value(file, 1, v),
                Err(_) => {
                    for (i, line) in text.lines().enumerate() {
                        if line.trim().is_empty() {
                            continue;
                        }
                        match serde_json::from_str::<Value>(line) {
                            Ok(v) => self.add_value(file, i + 1, v),
                            Err(e) => self.syntax(file, i + 1, &e),
                        }
                    }
                }
            }
        }
        let read = self.report.read - before.0;
        let accepted = self.report.accepted - before.1;
        self.report.files.push(FileCount {
            file: file.to_owned(),
            read,
            accepted,
            rejected: read - accepted,
        });
    }

    pub fn finish(self) -> IngestReport {
        self.report
    }

    fn syntax(&mut self, file: &str, row: usize, e: &serde_json::Error) {
        self.report.read += 1;
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        self.reject(
            file,
            row,
            Some(format!("column {}", e.column())),
            "json_syntax",
            &format!("JSON 格式错误：{what}"),
            &format!("Invalid JSON: {what}"),
        );
    }

    fn reject(
        &mut self,
        file: &str,
        row: usize,
        column: Option<String>,
        code: &'static str,
        zh: &str,
        en: &str,
    ) {
        self.report.rejected.push(Rejection {
            file: file.to_owned(),
            row,
            column,
            code,
            message: Text::new(zh, en),
        });
    }

    fn add_value(&mut self, file: &str, row: usize, v: Value) {
        self.report.read += 1;
        let rec: ResponseRecord = match serde_json::from_value(v) {
            Ok(r) => r,
            Err(e) => {
                return self.reject(
                    file,
                    row,
                    None,
                    "not_a_record",
                    &format!("不是答卷记录：{e}"),
                    &format!("Not a response record: {e}"),
                );
            }
        };
        if let Some((code, column, zh, en)) = self.check(&rec) {
            return self.reject(file, row, column, code, &zh, &en);
        }
        let key = (rec.instrument.clone(), rec.respondent_id.clone());
        if let Some((f, r)) = self.seen.get(&key) {
            let (f, r) = (f.clone(), *r);
            return self.reject(
                file,
                row,
                Some("respondent_id".into()),
                "duplicate_response",
                &format!(
                    "答卷编号 {} 重复（首次出现于 {f} 第 {r} 条）",
                    rec.respondent_id
                ),
                &format!(
                    "Duplicate response id {} (first in {f}, row {r})",
                    rec.respondent_id
                ),
            );
        }
        self.seen.insert(key, (file.to_owned(), row));
        self.report.accepted += 1;
        self.report.records.push(rec);
    }

    /// The first reason to reject a well-formed record, if any.
    fn check(
        &self,
        rec: &ResponseRecord,
    ) -> Option<(&'static str, Option<String>, String, String)> {
        let plan = self.plan;
        if rec.plan_id != plan.id || rec.plan_sha256 != plan.sha256 {
            return Some((
                "another_plan",
                Some("plan_sha256".into()),
                format!(
                    "答卷属于另一方案（{} {}），不是本方案（{} {}）",
                    rec.plan_id,
                    short(&rec.plan_sha256),
                    plan.id,
                    short(&plan.sha256)
                ),
                format!(
                    "The record is for another plan ({} {}), not this one ({} {})",
                    rec.plan_id,
                    short(&rec.plan_sha256),
                    plan.id,
                    short(&plan.sha256)
                ),
            ));
        }
        if !verify_record(rec) {
            return Some((
                "checksum_mismatch",
                Some("checksum".into()),
                "校验码与内容不符：记录在提交后被改动过".into(),
                "The checksum does not match the content: the record was changed after submission"
                    .into(),
            ));
        }
        let Some(ins) = plan.instrument(&rec.instrument) else {
            return Some((
                "unknown_instrument",
                Some("instrument".into()),
                format!("方案中没有问卷“{}”", rec.instrument),
                format!("The plan has no instrument \"{}\"", rec.instrument),
            ));
        };
        let unit_of = |key: &str| {
            rec.answers
                .get(key)
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        match ins.kind {
            InstrumentKind::Review => {
                let scores = rec.answers.get("scores").and_then(Value::as_object);
                for unit in scores.into_iter().flat_map(|m| m.keys()) {
                    if plan.unit(unit).is_none() {
                        return Some(unknown_unit(unit, "scores"));
                    }
                }
            }
            InstrumentKind::Appraisal | InstrumentKind::Survey => {
                if ins.kind == InstrumentKind::Appraisal {
                    if let Some(u) = unit_of("unit").filter(|u| plan.unit(u).is_none()) {
                        return Some(unknown_unit(&u, "unit"));
                    }
                }
                let answers = Answers {
                    values: rec.answers.clone(),
                    reasons: rec.reasons.clone(),
                };
                let state = evaluate(ins, &answers, "zh-CN");
                let en = evaluate(ins, &answers, "en");
                // A missing written reason does not void the ratings; everything else does.
                if let Some((i, issue)) = state.issues.iter().enumerate().find(|(_, i)| !i.reason) {
                    let column = match &issue.row {
                        Some(r) => format!("{}.{r}", issue.question),
                        None => issue.question.clone(),
                    };
                    let en_msg = en
                        .issues
                        .get(i)
                        .map(|x| x.message.clone())
                        .unwrap_or_default();
                    return Some((
                        "invalid_answer",
                        Some(column.clone()),
                        format!("{column}：{}", issue.message),
                        format!("{column}: {en_msg}"),
                    ));
                }
            }
        }
        None
    }
}

fn short(sha: &str) -> &str {
    sha.get(..12).unwrap_or(sha)
}

fn unknown_unit(unit: &str, column: &str) -> (&'static str, Option<String>, String, String) {
    (
        "unknown_unit",
        Some(column.into()),
        format!("方案中没有单位“{unit}”"),
        format!("The plan has no unit \"{unit}\""),
    )
}

/// A file's name and text, as the office page or the CLI reads it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct RecordFile {
    pub name: String,
    pub text: String,
}

/// What scoring a set of record files gives: the ingest report and the evaluation of the
/// accepted records.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordsEvaluation {
    pub ingest: IngestReport,
    pub result: crate::score::EvaluationResult,
}

/// Ingest the files, then score the accepted records (no indicator figures or history: the
/// plan's `missing` rule decides what a missing component means).
pub fn evaluate_files(
    plan: &Plan,
    files: &[RecordFile],
) -> Result<RecordsEvaluation, crate::score::ScoreError> {
    let mut ingest = Ingest::new(plan);
    for f in files {
        ingest.add_file(&f.name, &f.text);
    }
    let ingest = ingest.finish();
    let inputs = crate::score::ScoringInputs {
        records: ingest.records.clone(),
        ..Default::default()
    };
    let result = crate::score::evaluate(plan, &inputs)?;
    Ok(RecordsEvaluation { ingest, result })
}
