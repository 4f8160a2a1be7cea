//! Ingest of responses: every record or row read is accepted or rejected with its file, row,
//! column and reason; the counts always reconcile (read = accepted + rejected).
//!
//! Files: response records (one JSON object, an array of records, or JSON Lines) and tables
//! (CSV in the flat layout of an instrument, see [`crate::table`]). Rows are 1-based: the line
//! of a JSON Lines record, the position in an array, 1 for a single record, the spreadsheet row
//! of a CSV row (the header is row 1).
//!
//! **Streaming.** An [`IngestSession`] is fed each file in chunks (`begin`, `push`, `end`, then
//! `finish`). CSV and JSON Lines are read as they come; a whole JSON document or array is kept
//! until its end. Accepted records go straight into a [`ScoreState`] (or are kept, for
//! [`Ingest`]). Duplicates are found across files by the set of (instrument, respondent id)
//! with the first file and row ([`crate::duplicates`]): ids that count up are held as runs (a few
//! bytes per gap); others as 64-bit fingerprints (21 to 32 bytes an id;
//! [`IngestSession::expect_bytes`] sizes that table at its first growth). A fingerprint is not
//! cryptographic: two different ids could collide (chance about n²/2⁶⁵ for n ids); such a row is
//! rejected as a duplicate naming the first row, never dropped silently. Besides that set and the
//! list of rejections, memory does not grow with the rows.
//!
//! A large CSV file can be read by several threads ([`shard`]): blocks prepared anywhere, taken
//! in order, the same result.
//!
//! CSV rows of the scored public survey take a compiled path ([`crate::table::compiled`]) that
//! counts into dense per-unit tables instead of building records; it gives the same result and
//! the same rejections as the record path, which every row it is not sure of goes through.

use crate::form::{evaluate, Answers};
use crate::ids::{pack, unpack};
use crate::plan::{InstrumentKind, Plan};
use crate::record::{seal, verify_record, QualityFlags, ResponseRecord, RECORD_FORMAT};
use crate::score::{ScoreError, ScoreState};
use crate::table::csv::{CsvProblem, Row, Tokenizer};
use crate::table::decode::{Decoder, Encoding};
use crate::table::{self, compiled, Layout, Mapping, MappingReport};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

mod shard;
pub use shard::CsvShard;

/// Why a record was not accepted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rejection {
    pub file: String,
    pub row: usize,
    /// The field the problem is in, when there is one (a question id, `checksum`, the CSV
    /// header, …).
    pub column: Option<String>,
    /// Records: `json_syntax`, `not_a_record`, `another_plan`, `checksum_mismatch`,
    /// `duplicate_response`, `unknown_instrument`, `unknown_unit`, `invalid_answer`.
    /// CSV rows: `csv_syntax`, `encoding`, `another_plan`, `unknown_unit`, `required_missing`,
    /// `invalid_answer`, `duplicate_response`.
    pub code: &'static str,
    pub message: Text,
}

/// Counts per file.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FileCount {
    pub file: String,
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    /// Tables: the encoding the file was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// Tables: how the headers were mapped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mapping: Option<MappingReport>,
}

/// What an ingest produced: the accepted records and everything rejected.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct IngestReport {
    pub read: usize,
    pub accepted: usize,
    pub files: Vec<FileCount>,
    pub rejected: Vec<Rejection>,
    #[serde(skip)]
    pub records: Vec<ResponseRecord>,
}

/// How a file is read.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// From the name (`.csv`, `.tsv`, `.jsonl`, `.ndjson`, `.json`), else from the first
    /// character (`{` or `[`: JSON, else CSV).
    #[default]
    Auto,
    Json,
    Jsonl,
    Csv,
}

/// Options for one file.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FileOptions {
    pub format: Format,
    /// Tables: the text encoding (`auto` detects).
    pub encoding: Encoding,
    /// Tables: the instrument the rows answer (default: the one the headers fit best).
    pub instrument: Option<String>,
    /// Tables: `{header: column_key}`, overriding the default mapping.
    pub mapping: Mapping,
}

/// Running totals, for progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
#[schemars(rename = "IngestProgress")]
pub struct Progress {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

/// Why a session call was refused (a programming error of the caller, not a data problem).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum IngestError {
    #[error("a file is already open: call end() first")]
    FileOpen,
    #[error("no file is open: call begin() first")]
    NoFile,
    #[error("the plan has no survey or appraisal instrument \"{0}\"")]
    UnknownInstrument(String),
    #[error(transparent)]
    Score(#[from] ScoreError),
    #[error("prepared rows that this build did not write, or not after shard_point()")]
    Prepared,
    #[error("this ingest keeps records and does not score them")]
    NotScoring,
}

/// Where rows go: counts, rejections, the duplicate set, and the accepted records (kept, or
/// scored at once).
pub(crate) struct Sink<'p> {
    pub plan: &'p Plan,
    /// Fingerprints of (instrument, respondent id) → where each was first seen ([`pack`]).
    pub seen: crate::duplicates::SeenSet,
    pub files: Vec<String>,
    pub report: IngestReport,
    keep_records: bool,
    pub state: Option<ScoreState<'p>>,
    /// Dense counters of the compiled public-survey path, merged into `state` at the end.
    pub dense: Option<compiled::Dense>,
    /// Rows accepted by the compiled path.
    pub fast_rows: u64,
}

impl<'p> Sink<'p> {
    fn reject(
        &mut self,
        file: usize,
        row: usize,
        column: Option<String>,
        code: &'static str,
        zh: &str,
        en: &str,
    ) {
        self.report.rejected.push(Rejection {
            file: self.files[file].clone(),
            row,
            column,
            code,
            message: Text::new(zh, en),
        });
    }

    /// Records (instrument, id) as seen at (file, row); the first occurrence when it was seen.
    pub fn first_seen(
        &mut self,
        instrument: &str,
        id: &str,
        file: usize,
        row: u64,
    ) -> Option<(u32, u64)> {
        self.seen
            .first_seen(instrument.as_bytes(), id.as_bytes(), pack(file, row))
            .map(unpack)
    }

    fn duplicate(&mut self, file: usize, row: usize, id: &str, first: (u32, u64)) {
        let f = self.files[first.0 as usize].clone();
        let r = first.1;
        self.reject(
            file,
            row,
            Some("respondent_id".into()),
            "duplicate_response",
            &format!("答卷编号 {id} 重复（首次出现于 {f} 第 {r} 条）"),
            &format!("Duplicate response id {id} (first in {f}, row {r})"),
        );
    }

    /// A record that passed every check: dedup, then scored or kept. `column` names the
    /// respondent id's column in the rejection.
    fn accept(&mut self, file: usize, row: usize, rec: ResponseRecord, id_column: Option<String>) {
        if let Some(first) = self.first_seen(&rec.instrument, &rec.respondent_id, file, row as u64)
        {
            self.duplicate(file, row, &rec.respondent_id, first);
            if let (Some(c), Some(last)) = (id_column, self.report.rejected.last_mut()) {
                last.column = Some(c);
            }
            return;
        }
        if let Some(state) = self.state.as_mut() {
            if let Err(e) = state.add(&rec) {
                let msg = e.to_string();
                return self.reject(
                    file,
                    row,
                    None,
                    "invalid_answer",
                    &format!("无法计分：{msg}"),
                    &format!("Cannot be scored: {msg}"),
                );
            }
        }
        self.report.accepted += 1;
        if self.keep_records {
            self.report.records.push(rec);
        }
    }

    // ---- records (JSON) -------------------------------------------------------------------

    fn add_json_text(&mut self, file: usize, text: &str) {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let trimmed = text.trim_start();
        if trimmed.starts_with('[') {
            // The array's outer structure is checked first (strings, brackets, commas: no values
            // built, no recursion); each element is then parsed on its own, so that an element
            // that is not a value (`1e400`, nesting deeper than serde_json's 128 levels, a
            // stray comma) is rejected with its position and the others are still read.
            // Scanned twice: first whether the structure holds (nothing read when not), then
            // each element as it is found (no list of them).
            if array_elements(text, &mut |_, _, _| {}) {
                let mut i = 0;
                array_elements(text, &mut |start, end, line| {
                    i += 1;
                    match serde_json::from_str::<Value>(&text[start..end]) {
                        Ok(v) => self.add_value(file, i, v),
                        Err(e) => {
                            let line = line + e.line().saturating_sub(1);
                            let at = format!("line {line}, column {}", e.column());
                            self.syntax(file, i, at, &e)
                        }
                    }
                });
            } else {
                let e = serde_json::from_str::<serde::de::IgnoredAny>(text)
                    .err()
                    .unwrap_or_else(|| serde::de::Error::custom("unbalanced brackets"));
                self.syntax(file, e.line(), format!("column {}", e.column()), &e)
            }
        } else {
            // One object, or JSON Lines: try the whole text first.
            match serde_json::from_str::<Value>(text) {
                Ok(v) => self.add_value(file, 1, v),
                Err(_) => {
                    for (i, line) in text.lines().enumerate() {
                        self.add_json_line(file, i + 1, line.as_bytes());
                    }
                }
            }
        }
    }

    fn add_json_line(&mut self, file: usize, row: usize, line: &[u8]) {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.iter().all(u8::is_ascii_whitespace) {
            return;
        }
        match serde_json::from_slice::<Value>(line) {
            Ok(v) => self.add_value(file, row, v),
            Err(e) => self.syntax(file, row, format!("column {}", e.column()), &e),
        }
    }

    fn syntax(&mut self, file: usize, row: usize, at: String, e: &serde_json::Error) {
        self.report.read += 1;
        let what = e.to_string();
        let what = what.split(" at line ").next().unwrap_or(&what).to_owned();
        self.reject(
            file,
            row,
            Some(at),
            "json_syntax",
            &format!("JSON 格式错误：{what}"),
            &format!("Invalid JSON: {what}"),
        );
    }

    fn add_value(&mut self, file: usize, row: usize, v: Value) {
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
        if let Some((code, column, zh, en)) = check_record(self.plan, &rec) {
            return self.reject(file, row, column, code, &zh, &en);
        }
        self.accept(file, row, rec, None);
    }
}

/// The first reason to reject a well-formed record, if any.
fn check_record(
    plan: &Plan,
    rec: &ResponseRecord,
) -> Option<(&'static str, Option<String>, String, String)> {
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
            // A plain SHA-256 anyone can recompute: a mismatch shows an accidental (or clumsy)
            // change; a match proves nothing about who made the record.
            "答卷校验码与内容不符".into(),
            "The record's checksum does not match its content".into(),
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
            if let Some((_, column, zh, en)) = answer_problem(ins, &answers, &|q, r| match r {
                Some(r) => format!("{q}.{r}"),
                None => q.to_owned(),
            }) {
                return Some(("invalid_answer", Some(column), zh, en));
            }
        }
    }
    None
}

/// The first issue with answers that voids them (a missing written reason does not), as
/// (`required_missing` or `invalid_answer`, column, zh, en); `column_of(question, row)` names
/// the column.
fn answer_problem(
    ins: &crate::plan::Instrument,
    answers: &Answers,
    column_of: &dyn Fn(&str, Option<&str>) -> String,
) -> Option<(&'static str, String, String, String)> {
    let state = evaluate(ins, answers, "zh-CN");
    let (i, issue) = state.issues.iter().enumerate().find(|(_, i)| !i.reason)?;
    let en = evaluate(ins, answers, "en");
    let column = column_of(&issue.question, issue.row.as_deref());
    let en_msg = en
        .issues
        .get(i)
        .map(|x| x.message.clone())
        .unwrap_or_default();
    let code = if issue.code == "required" || issue.code == "row_required" {
        "required_missing"
    } else {
        "invalid_answer"
    };
    Some((
        code,
        column.clone(),
        format!("{column}：{}", issue.message),
        format!("{column}: {en_msg}"),
    ))
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

/// Hands each element of a JSON array text to `f` as (start, end, line of start); whether the
/// outer structure holds: it starts with `[`, strings close, brackets balance and nothing but
/// white space follows the closing `]` (when not, elements before the break were handed out).
/// A byte scan with a depth counter: no values, no recursion. An element between two commas
/// may still be anything (`1e400`, `{]`); its own parse says.
fn array_elements(text: &str, f: &mut dyn FnMut(usize, usize, usize)) -> bool {
    let b = text.as_bytes();
    let Some(open) = b.iter().position(|c| !c.is_ascii_whitespace()) else {
        return false;
    };
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut line = 1 + b[..open].iter().filter(|&&c| c == b'\n').count();
    let (mut start, mut start_line) = (open + 1, line);
    let mut handed = false;
    let mut close = None;
    for (i, &c) in b.iter().enumerate().skip(open) {
        if c == b'\n' {
            line += 1;
        }
        if in_str {
            if escaped {
                escaped = false;
            } else if c == b'\\' {
                escaped = true;
            } else if c == b'"' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                let Some(d) = depth.checked_sub(1) else {
                    return false;
                };
                depth = d;
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            b',' if depth == 1 => {
                f(start, i, start_line);
                handed = true;
                (start, start_line) = (i + 1, line);
            }
            _ => {}
        }
        if start == i && c.is_ascii_whitespace() {
            (start, start_line) = (i + 1, line);
        }
    }
    let Some(close) = close else {
        return false;
    };
    if !b[close + 1..].iter().all(u8::is_ascii_whitespace) {
        return false;
    }
    // `[]` (and `[ ]`) has no element; otherwise the last runs to the `]`.
    if handed || !b[start..close].iter().all(u8::is_ascii_whitespace) {
        f(start, close, start_line);
    }
    true
}

#[cfg(feature = "office")]
/// Visits a JSON array's elements one at a time: `f(position, value)`, position from 1
/// (aggregate's streamed record arrays). Each element is first taken as raw text, which checks
/// only its syntax, and then read as a value on its own: an element that is not a value (a
/// number such as `1e400`, out of f64's range) is handed on as its error, and the elements
/// after it are still read.
pub(crate) struct EachElement<F>(pub F);

#[cfg(feature = "office")]
impl<'de, F: FnMut(usize, Result<Value, serde_json::Error>)> serde::de::DeserializeSeed<'de>
    for EachElement<F>
{
    type Value = ();
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

#[cfg(feature = "office")]
impl<'de, F: FnMut(usize, Result<Value, serde_json::Error>)> serde::de::Visitor<'de>
    for EachElement<F>
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array")
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(mut self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0;
        while let Some(raw) = seq.next_element::<&'de serde_json::value::RawValue>()? {
            i += 1;
            (self.0)(i, serde_json::from_str::<Value>(raw.get()));
        }
        Ok(())
    }
}

// ---- tables (CSV) -------------------------------------------------------------------------

/// Reading one CSV file.
struct CsvFile {
    decoder: Decoder,
    tok: Tokenizer,
    ctx: CsvCtx,
    /// Set when the file goes on with a shard's prepared rows ([`shard`]): the shard's row
    /// numbers + this = the file's.
    shard_offset: Option<u64>,
}

struct CsvCtx {
    file: usize,
    instrument: Option<String>,
    mapping: Mapping,
    layout: Option<Layout>,
    /// The unit question of the instrument, when it names a unit (checked as `unknown_unit`).
    unit_question: Option<usize>,
    compiled: Option<compiled::Compiled>,
    allow_fast: bool,
    header_seen: bool,
    error: Option<IngestError>,
}

impl CsvCtx {
    fn header(&mut self, row: &Row, sink: &mut Sink) {
        let headers: Vec<String> = (0..row.len())
            .map(|i| String::from_utf8_lossy(row.field(i)).trim().to_owned())
            .collect();
        let plan = sink.plan;
        let ins = match &self.instrument {
            Some(id) => match plan.instruments.iter().position(|i| &i.id == id) {
                Some(i) if plan.instruments[i].kind != InstrumentKind::Review => Some(i),
                _ => {
                    self.error = Some(IngestError::UnknownInstrument(id.clone()));
                    None
                }
            },
            None => table::best_instrument(plan, &headers, &self.mapping),
        };
        let Some(ins) = ins else { return };
        let layout = table::resolve(plan, ins, &headers, &self.mapping);
        let rules = sink.state.as_ref().map(|s| &s.rules);
        let instrument = &plan.instruments[ins];
        let unit_q = match (rules, instrument.kind) {
            (Some(r), InstrumentKind::Survey) if r.public.instrument == instrument.id => {
                Some(r.public.unit_question.clone())
            }
            (Some(r), InstrumentKind::Appraisal) if r.leadership.instrument == instrument.id => {
                Some(r.leadership.unit_question.clone())
            }
            (None, InstrumentKind::Appraisal) => Some("unit".to_owned()),
            (None, InstrumentKind::Survey) => crate::score::ScoringRules::of(plan)
                .ok()
                .filter(|r| r.public.instrument == instrument.id)
                .map(|r| r.public.unit_question),
            _ => None,
        };
        self.unit_question = unit_q.and_then(|u| instrument.questions().position(|q| q.id == u));
        if self.allow_fast {
            if let Some(state) = sink.state.as_ref() {
                self.compiled = compiled::Compiled::new(plan, &state.rules, &layout);
                if self.compiled.is_some() && sink.dense.is_none() {
                    sink.dense = compiled::Dense::new(plan, &state.rules);
                }
            }
        }
        self.layout = Some(layout);
    }

    fn row(&mut self, row: &Row, sink: &mut Sink) {
        if !self.header_seen {
            self.header_seen = true;
            if matches!(row.problem, Some((CsvProblem::TooLong, _))) {
                // Its rows then have more fields than the (empty) header: each says so.
                sink.report.read += 1;
                sink.reject(
                    self.file,
                    row.number as usize,
                    None,
                    "csv_syntax",
                    "表头行超过 1 MiB（多半是引号未闭合），未读取",
                    "The header row is over 1 MiB (most often a quote that is not closed) and was not read",
                );
            }
            self.header(row, sink);
            return;
        }
        let Some(layout) = self.layout.as_ref() else {
            return;
        };
        if let (Some(c), Some(d)) = (self.compiled.as_ref(), sink.dense.as_mut()) {
            let name = &sink.files[self.file];
            if c.row(sink.plan, row, layout, d, &mut sink.seen, self.file, name)
                == compiled::Outcome::Accepted
            {
                sink.report.read += 1;
                sink.report.accepted += 1;
                sink.fast_rows += 1;
                return;
            }
        }
        self.slow_row(row, sink);
    }

    /// The record path: row → answers → the form's checks → a sealed record → dedup → scored.
    fn slow_row(&self, row: &Row, sink: &mut Sink) {
        let layout = self.layout.as_ref().expect("header read");
        let file = self.file;
        let n = row.number as usize;
        sink.report.read += 1;
        if let Some((p, field)) = row.problem {
            let (zh, en) = match p {
                CsvProblem::UnterminatedQuote => (
                    "引号未闭合：文件在带引号的字段中结束",
                    "Unterminated quote: the file ends inside a quoted field",
                ),
                CsvProblem::TextAfterQuote => (
                    "右引号后还有文字（字段中的引号须写成两个引号）",
                    "Text after a closing quote (a quote inside a field is written twice)",
                ),
                CsvProblem::TooLong => (
                    "此行超过 1 MiB（多半是引号未闭合），未读取；从此后第一个换行处继续读取",
                    "The row is over 1 MiB (most often a quote that is not closed) and was not read; reading goes on after the first line end past that size",
                ),
            };
            // An over-long row has no fields to name.
            let column = (p != CsvProblem::TooLong).then(|| layout.header(field));
            return sink.reject(file, n, column, "csv_syntax", zh, en);
        }
        let want = layout.headers.len();
        if row.len() != want {
            let field = row.len().min(want);
            return sink.reject(
                file,
                n,
                Some(layout.header(field)),
                "csv_syntax",
                &format!("此行有 {} 个字段，表头有 {want} 个", row.len()),
                &format!("The row has {} fields, the header {want}", row.len()),
            );
        }
        // Mapped fields must be text in the file's encoding.
        let mut texts: Vec<&str> = Vec::with_capacity(want);
        for i in 0..want {
            let bytes = row.field(i);
            // U+FFFD marks bytes lost in decoding (here or in an earlier conversion).
            let ok = layout.targets[i].is_none()
                || std::str::from_utf8(bytes).is_ok_and(|s| !s.contains('\u{FFFD}'));
            if !ok {
                return sink.reject(
                    file,
                    n,
                    Some(layout.header(i)),
                    "encoding",
                    "此单元格含有无法按文件编码读取的字节（可指定编码，如 GB18030 或 UTF-8）",
                    "This cell has bytes that cannot be read in the file's encoding (choose the encoding, e.g. GB18030 or UTF-8)",
                );
            }
            texts.push(std::str::from_utf8(bytes).unwrap_or(""));
        }
        let field = |i: usize| -> &str { texts.get(i).copied().unwrap_or("") };
        let plan = sink.plan;
        if let Some(f) = layout.plan_field {
            let p = field(f).trim();
            if !p.is_empty() && p != plan.id {
                return sink.reject(
                    file,
                    n,
                    Some(layout.header(f)),
                    "another_plan",
                    &format!("此行属于另一方案（{p}），不是本方案（{}）", plan.id),
                    &format!(
                        "The row is for another plan ({p}), not this one ({})",
                        plan.id
                    ),
                );
            }
        }
        let ins = &plan.instruments[layout.instrument];
        let answers = table::row_answers(layout, ins, &field);
        if let Some(qi) = self.unit_question {
            let q = ins.questions().nth(qi).expect("unit question");
            if let (Some(Value::String(u)), crate::plan::QuestionKind::Single { options }) =
                (answers.values.get(&q.id), &q.kind)
            {
                if !options.iter().any(|o| &o.value == u) {
                    let col = table::issue_column(layout, ins, &q.id, None);
                    return sink.reject(
                        file,
                        n,
                        Some(col.clone()),
                        "unknown_unit",
                        &format!("{col}：方案中没有单位“{u}”"),
                        &format!("{col}: the plan has no unit \"{u}\""),
                    );
                }
            }
        }
        if let Some((code, column, zh, en)) = answer_problem(ins, &answers, &|q, r| {
            table::issue_column(layout, ins, q, r)
        }) {
            return sink.reject(file, n, Some(column), code, &zh, &en);
        }
        let id = layout
            .respondent_field
            .map(|f| field(f).trim())
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{}:{n}", sink.files[file]));
        let submitted = layout
            .submitted_field
            .map(|f| field(f).trim().to_owned())
            .unwrap_or_default();
        let rec = table_record(plan, ins, &answers, id, submitted);
        let id_col = layout.respondent_field.map(|f| layout.header(f));
        sink.accept(file, n, rec, id_col);
    }
}

/// The sealed record of a table row whose answers passed the form's checks.
pub fn table_record(
    plan: &Plan,
    ins: &crate::plan::Instrument,
    answers: &Answers,
    respondent_id: String,
    submitted_at: String,
) -> ResponseRecord {
    let state = evaluate(ins, answers, "zh-CN");
    let mut shown = BTreeMap::new();
    let mut hidden = BTreeMap::new();
    for (id, v) in &answers.values {
        if state.questions.contains(id) {
            shown.insert(id.clone(), v.clone());
        } else {
            hidden.insert(id.clone(), v.clone());
        }
    }
    let reasons = answers
        .reasons
        .iter()
        .filter(|(id, _)| state.questions.contains(id))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let straight_lined = ins
        .questions()
        .filter(|q| matches!(q.kind, crate::plan::QuestionKind::Matrix { .. }))
        .filter(|q| {
            shown
                .get(&q.id)
                .and_then(Value::as_object)
                .is_some_and(|m| {
                    let nums: Vec<f64> = m.values().filter_map(Value::as_f64).collect();
                    nums.len() >= 3 && nums.iter().all(|x| *x == nums[0])
                })
        })
        .map(|q| q.id.clone())
        .collect();
    seal(ResponseRecord {
        format: RECORD_FORMAT.into(),
        plan_id: plan.id.clone(),
        plan_version: plan.version.clone(),
        plan_sha256: plan.sha256.clone(),
        instrument: ins.id.clone(),
        respondent_id,
        reviewer: false,
        started_at: submitted_at.clone(),
        submitted_at,
        lang: crate::text::DEFAULT_LANG.into(),
        answers: shown,
        reasons,
        hidden_answers: hidden,
        quality: QualityFlags {
            duration_seconds: 0.0,
            speeder: false,
            straight_lined,
            repeat: false,
        },
        engine_version: String::new(),
        checksum: String::new(),
    })
}

// ---- the session --------------------------------------------------------------------------

enum Reader {
    /// Format not known yet: bytes held until the first non-blank character.
    Sniff(Vec<u8>),
    /// A JSON document or array, kept whole.
    Json(Vec<u8>),
    /// JSON Lines: the partial last line, and the number of the next line.
    Lines {
        partial: Vec<u8>,
        line: usize,
    },
    Csv(Box<CsvFile>),
}

struct Open {
    file: usize,
    options: FileOptions,
    reader: Reader,
    before: (usize, usize),
}

/// A streaming ingest: for each file `begin`, `push` its bytes in chunks of any size, `end`;
/// then `finish`.
pub struct IngestSession<'p> {
    sink: Sink<'p>,
    open: Option<Open>,
    fast: bool,
}

/// What a session gives at the end: the report and, when scoring, the state.
pub struct SessionOutcome<'p> {
    pub report: IngestReport,
    pub state: Option<ScoreState<'p>>,
    /// How many rows the compiled path accepted (the others went through the record path).
    pub fast_rows: u64,
}

impl<'p> IngestSession<'p> {
    /// A session whose accepted records go into a [`ScoreState`] of `plan`.
    pub fn scoring(plan: &'p Plan) -> Result<Self, IngestError> {
        Ok(Self::with(plan, false, Some(ScoreState::new(plan)?)))
    }

    /// A session that keeps the accepted records (in [`IngestReport::records`]).
    pub fn keeping(plan: &'p Plan) -> Self {
        Self::with(plan, true, None)
    }

    fn with(plan: &'p Plan, keep_records: bool, state: Option<ScoreState<'p>>) -> Self {
        IngestSession {
            sink: Sink {
                plan,
                seen: crate::duplicates::SeenSet::default(),
                files: Vec::new(),
                report: IngestReport {
                    read: 0,
                    accepted: 0,
                    files: Vec::new(),
                    rejected: Vec::new(),
                    records: Vec::new(),
                },
                keep_records,
                state,
                dense: None,
                fast_rows: 0,
            },
            open: None,
            fast: true,
        }
    }

    /// Tells the duplicate set that files of `bytes` bytes are still to come (at an assumed 96
    /// bytes a row or more): should their ids need its fingerprint table, it grows once to that
    /// size rather than doubling again and again. Optional; allocates nothing now.
    pub fn expect_bytes(&mut self, bytes: u64) {
        let rows = usize::try_from(bytes / 96).unwrap_or(usize::MAX);
        self.sink.seen.expect(rows);
    }

    /// The plan the session reads for.
    pub fn plan(&self) -> &'p Plan {
        self.sink.plan
    }

    /// Use the compiled path for public-survey CSV rows (default true; false sends every row
    /// through the record path, for comparison).
    pub fn set_fast(&mut self, fast: bool) {
        self.fast = fast;
    }

    pub fn progress(&self) -> Progress {
        let r = &self.sink.report;
        Progress {
            read: r.read,
            accepted: r.accepted,
            rejected: r.rejected.len(),
        }
    }

    /// The rejections so far (for showing them as they come).
    pub fn rejections(&self) -> &[Rejection] {
        &self.sink.report.rejected
    }

    pub fn begin(&mut self, name: &str, options: FileOptions) -> Result<(), IngestError> {
        if self.open.is_some() {
            return Err(IngestError::FileOpen);
        }
        let file = self.sink.files.len();
        self.sink.files.push(name.to_owned());
        let lower = name.to_ascii_lowercase();
        let format = match options.format {
            Format::Auto if lower.ends_with(".csv") || lower.ends_with(".tsv") => Format::Csv,
            Format::Auto if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => {
                Format::Jsonl
            }
            Format::Auto if lower.ends_with(".json") => Format::Json,
            f => f,
        };
        let reader = self.reader(file, format, &options, name);
        self.open = Some(Open {
            file,
            options,
            reader,
            before: (self.sink.report.read, self.sink.report.accepted),
        });
        Ok(())
    }

    fn reader(&self, file: usize, format: Format, options: &FileOptions, name: &str) -> Reader {
        match format {
            Format::Auto => Reader::Sniff(Vec::new()),
            Format::Json => Reader::Json(Vec::new()),
            Format::Jsonl => Reader::Lines {
                partial: Vec::new(),
                line: 1,
            },
            Format::Csv => {
                let delimiter = if name.to_ascii_lowercase().ends_with(".tsv") {
                    b'\t'
                } else {
                    b','
                };
                Reader::Csv(Box::new(CsvFile {
                    decoder: Decoder::new(options.encoding),
                    tok: Tokenizer::new(delimiter),
                    ctx: CsvCtx {
                        file,
                        instrument: options.instrument.clone(),
                        mapping: options.mapping.clone(),
                        layout: None,
                        unit_question: None,
                        compiled: None,
                        allow_fast: self.fast,
                        header_seen: false,
                        error: None,
                    },
                    shard_offset: None,
                }))
            }
        }
    }

    pub fn push(&mut self, chunk: &[u8]) -> Result<(), IngestError> {
        let mut open = self.open.take().ok_or(IngestError::NoFile)?;
        let r = self.push_to(&mut open, chunk);
        self.open = Some(open);
        r
    }

    fn push_to(&mut self, open: &mut Open, chunk: &[u8]) -> Result<(), IngestError> {
        let sink = &mut self.sink;
        match &mut open.reader {
            Reader::Sniff(held) => {
                held.extend_from_slice(chunk);
                let body = held.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(held);
                if let Some(c) = body.iter().find(|b| !b.is_ascii_whitespace()) {
                    let format = if *c == b'{' || *c == b'[' {
                        Format::Json
                    } else {
                        Format::Csv
                    };
                    let held = std::mem::take(held);
                    let name = sink.files[open.file].clone();
                    open.reader = self.reader(open.file, format, &open.options, &name);
                    return self.push_to(open, &held);
                }
            }
            Reader::Json(buf) => buf.extend_from_slice(chunk),
            Reader::Lines { partial, line } => {
                let mut rest = chunk;
                while let Some(p) = rest.iter().position(|b| *b == b'\n') {
                    let (head, tail) = rest.split_at(p);
                    rest = &tail[1..];
                    if partial.is_empty() {
                        sink.add_json_line(open.file, *line, strip_bom(*line, head));
                    } else {
                        partial.extend_from_slice(head);
                        let l = std::mem::take(partial);
                        sink.add_json_line(open.file, *line, strip_bom(*line, &l));
                    }
                    *line += 1;
                }
                partial.extend_from_slice(rest);
            }
            Reader::Csv(csv) => {
                if csv.shard_offset.is_some() {
                    // After prepared rows, bytes would be rows numbered wrongly.
                    return Err(IngestError::Prepared);
                }
                let CsvFile {
                    decoder, tok, ctx, ..
                } = &mut **csv;
                decoder.push(chunk, &mut |bytes| {
                    tok.feed(bytes, &mut |row: &Row| ctx.row(row, sink));
                });
                if let Some(e) = ctx.error.take() {
                    return Err(e);
                }
            }
        }
        Ok(())
    }

    /// A record of the open file given as a JSON value (`row`: its position, from 1), read as
    /// if it were an element of a JSON array file. The file must have been begun as JSON and
    /// given no bytes.
    pub fn push_value(&mut self, row: usize, value: Value) -> Result<(), IngestError> {
        let file = self.open.as_ref().ok_or(IngestError::NoFile)?.file;
        self.sink.add_value(file, row, value);
        Ok(())
    }

    /// An element of the open file's record array (`row`: its position, from 1) that is not a
    /// JSON value: read and rejected as `json_syntax`, like a bad element of an array file.
    pub fn push_invalid(
        &mut self,
        row: usize,
        error: &serde_json::Error,
    ) -> Result<(), IngestError> {
        let file = self.open.as_ref().ok_or(IngestError::NoFile)?.file;
        self.sink.syntax(file, row, format!("element {row}"), error);
        Ok(())
    }

    /// The end of the current file; its counts.
    pub fn end(&mut self) -> Result<FileCount, IngestError> {
        let mut open = self.open.take().ok_or(IngestError::NoFile)?;
        if let Reader::Sniff(held) = &mut open.reader {
            // Blank, or never decided: read what there is as CSV.
            let held = std::mem::take(held);
            let name = self.sink.files[open.file].clone();
            open.reader = self.reader(open.file, Format::Csv, &open.options, &name);
            self.push_to(&mut open, &held)?;
        }
        let sink = &mut self.sink;
        let mut encoding = None;
        let mut mapping = None;
        match &mut open.reader {
            Reader::Sniff(_) => {}
            Reader::Json(buf) => {
                let text = String::from_utf8_lossy(buf).into_owned();
                sink.add_json_text(open.file, &text);
            }
            Reader::Lines { partial, line } => {
                if !partial.is_empty() {
                    let l = std::mem::take(partial);
                    sink.add_json_line(open.file, *line, strip_bom(*line, &l));
                }
            }
            Reader::Csv(csv) => {
                let CsvFile {
                    decoder, tok, ctx, ..
                } = &mut **csv;
                decoder.end(&mut |bytes| {
                    tok.feed(bytes, &mut |row: &Row| ctx.row(row, sink));
                });
                tok.finish(&mut |row: &Row| ctx.row(row, sink));
                if let Some(e) = ctx.error.take() {
                    return Err(e);
                }
                encoding = Some(decoder.encoding().name());
                mapping = ctx.layout.as_ref().map(|l| l.report.clone());
            }
        }
        let read = sink.report.read - open.before.0;
        let accepted = sink.report.accepted - open.before.1;
        let count = FileCount {
            file: sink.files[open.file].clone(),
            read,
            accepted,
            rejected: read - accepted,
            encoding,
            mapping,
        };
        sink.report.files.push(count.clone());
        Ok(count)
    }

    /// Everything read: the report, and the scoring state (with the compiled path's counts
    /// merged in).
    pub fn finish(mut self) -> Result<SessionOutcome<'p>, IngestError> {
        if self.open.is_some() {
            self.end()?;
        }
        let mut sink = self.sink;
        if let (Some(state), Some(dense)) = (sink.state.as_mut(), sink.dense.take()) {
            dense.merge_into(state);
        }
        Ok(SessionOutcome {
            report: sink.report,
            state: sink.state,
            fast_rows: sink.fast_rows,
        })
    }

    /// Everything read, then scored: the report and the evaluation of the accepted rows (a
    /// session made with [`IngestSession::scoring`]).
    pub fn evaluate(self) -> Result<RecordsEvaluation, IngestError> {
        let out = self.finish()?;
        let state = out.state.ok_or(IngestError::NotScoring)?;
        Ok(RecordsEvaluation {
            ingest: out.report,
            result: state.finish()?,
        })
    }
}

fn strip_bom(line: usize, bytes: &[u8]) -> &[u8] {
    if line == 1 {
        bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
    } else {
        bytes
    }
}

/// Records of one plan, read file by file; duplicates are found across files. The accepted
/// records are kept in the report. (A thin wrapper over [`IngestSession`].)
pub struct Ingest<'p> {
    session: IngestSession<'p>,
}

impl<'p> Ingest<'p> {
    pub fn new(plan: &'p Plan) -> Self {
        Ingest {
            session: IngestSession::keeping(plan),
        }
    }

    /// Read one file's text: response records (JSON, arrays, JSON Lines), or a CSV table when
    /// the name ends in `.csv` or `.tsv`.
    pub fn add_file(&mut self, file: &str, text: &str) {
        let lower = file.to_ascii_lowercase();
        let format = if lower.ends_with(".csv") || lower.ends_with(".tsv") {
            Format::Csv
        } else {
            Format::Json
        };
        self.add_bytes(
            file,
            text.as_bytes(),
            FileOptions {
                format,
                ..FileOptions::default()
            },
        );
    }

    /// Read one file's bytes with options. A CSV header naming no instrument of the plan
    /// (with `instrument` set) rejects nothing and reads nothing; see [`IngestSession`].
    pub fn add_bytes(&mut self, file: &str, bytes: &[u8], options: FileOptions) {
        // Errors here are caller errors (a file left open cannot happen in this wrapper; an
        // unknown instrument reads no rows).
        if self.session.begin(file, options).is_ok() {
            let _ = self.session.push(bytes);
            let _ = self.session.end();
        }
    }

    pub fn finish(self) -> IngestReport {
        // Every file was ended by `add_bytes`, so finishing cannot fail.
        match self.session.finish() {
            Ok(o) => o.report,
            Err(_) => IngestReport {
                read: 0,
                accepted: 0,
                files: Vec::new(),
                rejected: Vec::new(),
                records: Vec::new(),
            },
        }
    }
}

/// A file's name and text, as the office page or the CLI reads it.
#[derive(Debug, Clone, PartialEq, serde::Deserialize, schemars::JsonSchema)]
pub struct RecordFile {
    pub name: String,
    pub text: String,
}

/// What scoring a set of record files gives: the ingest report and the evaluation of the
/// accepted records.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
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
