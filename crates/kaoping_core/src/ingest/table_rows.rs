//! Rows of response tables (CSV): the header mapped to the flat layout, then each row on the
//! compiled path when it can take it, else on the record path (row → answers → the form's
//! checks → a sealed record).

use super::records::answer_problem;
use super::{IngestError, Sink};
use crate::form::{evaluate, Answers};
use crate::plan::{InstrumentKind, Plan};
use crate::record::{seal, QualityFlags, ResponseRecord, RECORD_FORMAT};
use crate::table::csv::{CsvProblem, Row, Tokenizer};
use crate::table::decode::Decoder;
use crate::table::recode::{NotAnOption, Readings, Recoder, Recodes};
use crate::table::{self, compiled, convention, Layout, Mapping};
use crate::text::Bilingual;
use serde_json::Value;
use std::collections::BTreeMap;

/// Reading one CSV file.
pub(super) struct CsvFile {
    pub(super) decoder: Decoder,
    pub(super) tok: Tokenizer,
    pub(super) ctx: CsvCtx,
    /// Set when the file goes on with a shard's prepared rows ([`super::shard`]): the shard's row
    /// numbers + this = the file's.
    pub(super) shard_offset: Option<u64>,
}

pub(super) struct CsvCtx {
    pub(super) file: usize,
    pub(super) instrument: Option<String>,
    pub(super) mapping: Mapping,
    pub(super) readings: Readings,
    pub(super) recode: Recodes,
    /// Recodes a survey tool's cells (an export, or readings given) before either path.
    /// Boxed: it is taken out and put back for every row, which must cost a pointer, not
    /// a copy of the recoder (that copy cost a flat file's ingest 2.7 % more instructions).
    pub(super) recoder: Option<Box<Recoder>>,
    pub(super) layout: Option<Layout>,
    /// The unit question of the instrument, when it names a unit (checked as `unknown_unit`).
    pub(super) unit_question: Option<usize>,
    pub(super) compiled: Option<compiled::Compiled>,
    pub(super) allow_fast: bool,
    /// The instrument needs an invitation: a table row cannot carry a signature, so each is
    /// rejected `unsigned`.
    pub(super) invitation: bool,
    /// The instrument needs a one-time code: the field of the code column (`code`, `评价码`,
    /// `测评码`), when there is one.
    pub(super) code_field: Option<usize>,
    pub(super) needs_code: bool,
    pub(super) header_seen: bool,
    pub(super) error: Option<IngestError>,
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
        #[allow(unused_mut)]
        let mut layout = table::resolve(plan, ins, &headers, &self.mapping);
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
        #[cfg(feature = "office")]
        if let Some(gate) = sink.trust.as_ref() {
            use crate::trust::Access;
            match gate.access(&instrument.id) {
                Access::Open => {}
                // Off the compiled (and so the sharded) path: every row is checked.
                Access::Invitation => self.invitation = true,
                Access::Code => {
                    self.needs_code = true;
                    self.code_field = headers.iter().position(|h| is_code_header(h));
                    // The code column is used: the mapping says so.
                    if let Some(f) = self.code_field {
                        let r = &mut layout.report;
                        r.unmapped_headers.retain(|h| *h != headers[f]);
                        if let Some(m) = r.headers.get_mut(f) {
                            m.key = Some("code".to_owned());
                            m.kind = crate::table::HeaderKind::Code;
                        }
                    }
                }
            }
        }
        if self.allow_fast && !self.invitation && !self.needs_code {
            if let Some(state) = sink.state.as_ref() {
                self.compiled = compiled::Compiled::new(plan, &state.rules, &layout);
                if self.compiled.is_some() && sink.tallies.is_none() {
                    sink.tallies = compiled::PublicTallies::new(plan, &state.rules);
                }
            }
        }
        self.recoder =
            Recoder::new(instrument, &layout, &self.readings, &self.recode).map(Box::new);
        self.layout = Some(layout);
    }

    pub(super) fn row(&mut self, row: &Row, sink: &mut Sink) {
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
        if self.invitation {
            sink.report.read += 1;
            let id = &sink.plan.instruments[layout.instrument].id;
            return unsigned_row(sink, self.file, row.number as usize, id);
        }
        let mut recoder = self.recoder.take();
        match recoder.as_mut().and_then(|r| r.recode(row, layout)) {
            // A file row the recoder could not read (a CSV problem, the wrong number of
            // fields) has no joined fields: it is rejected on the record path.
            None if !layout.joined.is_empty() => self.slow_row(row, sink, false, None),
            None => self.read_row(row, sink, false),
            Some(Ok(recoded)) => self.read_row(&recoded, sink, true),
            Some(Err(problem)) => self.slow_row(row, sink, false, Some(problem)),
        }
        self.recoder = recoder;
    }

    /// A row (recoded when it is an export's): the compiled path, else the record path.
    fn read_row(&self, row: &Row, sink: &mut Sink, recoded: bool) {
        let layout = self.layout.as_ref().expect("header read");
        if let (Some(c), Some(d)) = (self.compiled.as_ref(), sink.tallies.as_mut()) {
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
        self.slow_row(row, sink, recoded, None);
    }

    /// The record path: row → answers → the form's checks → a sealed record → dedup → scored.
    /// `unmatched`: a cell of the row that the recoder found to match no option (the row is
    /// then the file's own, not recoded).
    fn slow_row(&self, row: &Row, sink: &mut Sink, recoded: bool, unmatched: Option<NotAnOption>) {
        let layout = self.layout.as_ref().expect("header read");
        let file = self.file;
        let n = row.number as usize;
        sink.report.read += 1;
        if let Some((p, field)) = row.problem {
            let (zh, en) = csv_problem_text(p);
            // An over-long row has no fields to name.
            let column = (p != CsvProblem::TooLong).then(|| layout.header(field));
            return sink.reject(file, n, column, "csv_syntax", zh, en);
        }
        // A recoded row has the joined fields too ([`Layout::joined`]); a file's row has not.
        let want = layout.file_fields;
        let fields = if recoded { layout.headers.len() } else { want };
        if row.len() != fields {
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
        let mut texts: Vec<&str> = Vec::with_capacity(fields);
        for i in 0..fields {
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
        if let Some(p) = unmatched {
            let column = p.column.clone();
            return sink.reject(
                file,
                n,
                Some(column),
                "unknown_option",
                &p.zh(),
                &p.to_string(),
            );
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
        // A tool's China time is the record's UTC time; anything else is kept as written.
        let submitted = layout
            .submitted_field
            .map(|f| {
                let t = field(f).trim();
                convention::parse_submit_time(t).unwrap_or_else(|| t.to_owned())
            })
            .unwrap_or_default();
        let duration = layout
            .duration_field
            .and_then(|f| convention::parse_duration(field(f)));
        let rec = table_record(plan, ins, &answers, id, submitted, duration);
        let columns = self.columns(layout);
        let rec = self.with_code(rec, &field);
        sink.accept(file, n, rec, columns);
    }
}

impl CsvCtx {
    /// A code instrument's record with the row's typed code, normalised when it is one (else
    /// as typed: `code_unknown`), sealed again.
    #[cfg_attr(
        not(feature = "office"),
        allow(clippy::unused_self, unused_variables, unused_mut)
    )]
    fn with_code<'a>(
        &self,
        mut rec: ResponseRecord,
        field: &dyn Fn(usize) -> &'a str,
    ) -> ResponseRecord {
        #[cfg(feature = "office")]
        if self.needs_code {
            rec.code = self
                .code_field
                .map(|f| field(f).trim())
                .filter(|c| !c.is_empty())
                .map(|c| crate::trust::codes::normalize_code(c).unwrap_or_else(|| c.to_owned()));
            return crate::record::seal(rec);
        }
        rec
    }

    /// The columns a row's rejection names: the respondent id's and the code's.
    fn columns(&self, layout: &Layout) -> super::Columns {
        super::Columns {
            id: layout.respondent_field.map(|f| layout.header(f)),
            code: self.code_field.map(|f| layout.header(f)),
        }
    }
}

/// A table row of an instrument that needs an invitation: rejected, a row cannot be signed.
fn unsigned_row(sink: &mut Sink, file: usize, n: usize, id: &str) {
    sink.reject(
        file,
        n,
        None,
        "unsigned",
        &format!("问卷“{id}”须凭邀请填写：表格中的行不能带评审人的签名，只能导入评审页面提交的已签名评分表（JSON）"),
        &format!("The instrument \"{id}\" needs an invitation: a table row cannot carry the rater's signature; only signed sheets from the review page (JSON) can be read"),
    );
}

/// Whether a header names a one-time code column.
#[cfg(feature = "office")]
fn is_code_header(h: &str) -> bool {
    let h = h.trim();
    h.eq_ignore_ascii_case("code") || h == "评价码" || h == "测评码"
}

/// The message of a CSV problem in a row.
fn csv_problem_text(p: CsvProblem) -> (&'static str, &'static str) {
    match p {
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
    }
}

/// The sealed record of a table row whose answers passed the form's checks; with the time
/// taken when the file gives it (a speeder by the instrument's `min_seconds`).
pub fn table_record(
    plan: &Plan,
    ins: &crate::plan::Instrument,
    answers: &Answers,
    respondent_id: String,
    submitted_at: String,
    duration_seconds: Option<f64>,
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
            duration_seconds: duration_seconds.unwrap_or(0.0),
            speeder: duration_seconds
                .zip(ins.min_seconds)
                .is_some_and(|(d, m)| d < f64::from(m)),
            straight_lined,
            repeat: false,
        },
        engine_version: String::new(),
        checksum: String::new(),
        #[cfg(feature = "trust")]
        signed: None,
        code: None,
        prefilled: Vec::new(),
    })
}
