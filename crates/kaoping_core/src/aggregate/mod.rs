//! One aggregation, from the bytes of the files to everything it publishes: the plan file and
//! the input files in, the result, the ingest report, the output files (JSON, CSV, XLSX) and
//! the audit [`Manifest`] out. Pure: the caller reads the files (the CLI from disk, the office
//! page from dropped files) and writes the outputs.
//!
//! Inputs have a [`InputRole`]: response record files (one record, an array or JSON Lines;
//! every record is accepted or rejected by [`crate::ingest`]), scoring-inputs files (as
//! `kaoping demo inputs` writes: `{"records", "indicators", "history"}`; their records pass the
//! same ingest checks), indicator figures and history. [`InputRole::detect`] tells a
//! scoring-inputs file from a record file by its first key.

use crate::cells::Table;
use crate::export::{self, csv::to_csv};
use crate::ingest::{
    FileCount, FileOptions, Format, IngestError, IngestReport, IngestSession, Rejection,
};
use crate::manifest::{
    FileEntry, InputRole, Manifest, Parameters, PlanEntry, RecordCounts, ResultEntry,
};
use crate::plan::Plan;
use crate::score::{self, EvaluationResult, HistoryEntry, IndicatorInput, ScoreState};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

pub mod verify;

/// How a file's role is found from its bytes (the type is the manifest's).
impl InputRole {
    /// From the whole file: a JSON object whose first key is `records`, `indicators` or
    /// `history` is indicator figures when `indicators` is its only key, history when `history`
    /// is, else scoring inputs; anything else is response records.
    pub fn detect(bytes: &[u8]) -> InputRole {
        match InputRole::by_first_key(bytes) {
            InputRole::ScoringInputs => InputRole::by_keys(bytes),
            r => r,
        }
    }

    /// `ScoringInputs` when the file starts as a JSON object whose first key is `records`,
    /// `indicators` or `history`; otherwise `Records`.
    fn by_first_key(bytes: &[u8]) -> InputRole {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let mut rest = text.iter().skip_while(|b| b.is_ascii_whitespace());
        if rest.next() != Some(&b'{') {
            return InputRole::Records;
        }
        let rest: Vec<u8> = rest
            .skip_while(|b| b.is_ascii_whitespace())
            .take(16)
            .copied()
            .collect();
        for key in [&b"\"records\""[..], b"\"indicators\"", b"\"history\""] {
            if rest.starts_with(key) {
                return InputRole::ScoringInputs;
            }
        }
        InputRole::Records
    }

    /// A whole scoring-inputs-like object: `{"indicators": …}` alone is indicator figures,
    /// `{"history": …}` alone history (as `kaoping demo responses` writes them).
    fn by_keys(bytes: &[u8]) -> InputRole {
        let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
        let keys: Vec<String> =
            match serde_json::from_slice::<BTreeMap<String, serde::de::IgnoredAny>>(text) {
                Ok(m) => m.into_keys().collect(),
                Err(_) => return InputRole::ScoringInputs,
            };
        match keys.as_slice() {
            [k] if k == "indicators" => InputRole::Indicators,
            [k] if k == "history" => InputRole::History,
            _ => InputRole::ScoringInputs,
        }
    }
}

/// One input file: its name (as the manifest will record it), role and bytes.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub role: InputRole,
    pub bytes: &'a [u8],
}

impl<'a> InputFile<'a> {
    /// An input with its role as given, or, when none is, as [`InputRole::detect`] tells it
    /// from the bytes.
    pub fn new(name: &'a str, role: Option<InputRole>, bytes: &'a [u8]) -> Self {
        let role = role.unwrap_or_else(|| InputRole::detect(bytes));
        InputFile { name, role, bytes }
    }
}

/// An output file's name and bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

/// Why an aggregation could not run (rows that are wrong are rejections, not errors).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum AggregateError {
    #[error("{file}: not a valid plan ({count} problem(s); first: {first}); run `kaoping validate {file}`")]
    PlanInvalid {
        file: String,
        count: usize,
        first: String,
    },
    #[error("{file}: not UTF-8 text (invalid byte at offset {offset})")]
    NotUtf8 { file: String, offset: usize },
    #[error("{file}: not {what}: {why}")]
    BadInput {
        file: String,
        what: &'static str,
        why: String,
    },
    #[error("{file} is not this engine's plan (fingerprint {found}, the engine's {expected})")]
    OtherPlan {
        file: String,
        found: String,
        expected: String,
    },
    #[error("scoring failed: {0}")]
    Score(#[from] score::ScoreError),
    #[error("{0}")]
    Session(IngestError),
}

/// Everything one aggregation produces.
#[derive(Debug, Clone)]
pub struct Aggregation {
    pub plan: Plan,
    pub ingest: IngestReport,
    pub result: EvaluationResult,
    /// The output files, in the order of [`output_names`].
    pub outputs: Vec<OutputFile>,
    /// The manifest, with the outputs' hashes.
    pub manifest: Manifest,
}

impl AggregateError {
    /// The file the error is about, when it is about one.
    pub fn file(&self) -> Option<&str> {
        match self {
            AggregateError::PlanInvalid { file, .. }
            | AggregateError::NotUtf8 { file, .. }
            | AggregateError::BadInput { file, .. }
            | AggregateError::OtherPlan { file, .. } => Some(file),
            AggregateError::Score(_) | AggregateError::Session(_) => None,
        }
    }
}

impl From<IngestError> for AggregateError {
    fn from(e: IngestError) -> Self {
        match e {
            IngestError::Score(e) => AggregateError::Score(e),
            e => AggregateError::Session(e),
        }
    }
}

fn text<'a>(name: &str, bytes: &'a [u8]) -> Result<&'a str, AggregateError> {
    std::str::from_utf8(bytes).map_err(|e| AggregateError::NotUtf8 {
        file: name.to_owned(),
        offset: e.valid_up_to(),
    })
}

fn bad(file: &str, what: &'static str, e: impl std::fmt::Display) -> AggregateError {
    AggregateError::BadInput {
        file: file.to_owned(),
        what,
        why: e.to_string(),
    }
}

/// A list given bare or under one key: `[...]` or `{"key": [...]}`.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
enum ListOr<T> {
    Bare(Vec<T>),
    Indicators { indicators: Vec<T> },
    History { history: Vec<T> },
}

impl<T> ListOr<T> {
    fn into_vec(self) -> Vec<T> {
        match self {
            ListOr::Bare(v)
            | ListOr::Indicators { indicators: v }
            | ListOr::History { history: v } => v,
        }
    }
}

/// Read and check the plan file of an aggregation (errors name the file and the first problem).
pub fn read_plan(name: &str, bytes: &[u8], lang: &str) -> Result<Plan, AggregateError> {
    let plan_text = text(name, bytes)?;
    let report = crate::validate::validate_plan(plan_text);
    report.plan.ok_or_else(|| AggregateError::PlanInvalid {
        file: name.to_owned(),
        count: report.problems.len(),
        first: report
            .problems
            .first()
            .map(|p| {
                let path = if p.path.is_empty() { "/" } else { &p.path };
                format!("{path} {}", p.message.get(lang))
            })
            .unwrap_or_default(),
    })
}

/// Read the plan and the inputs, ingest, score, write the outputs and the manifest.
/// `progress(done, total)` is called with input bytes processed after each file.
/// (A wrapper over [`AggregateRun`], each file pushed whole.)
pub fn aggregate(
    plan_name: &str,
    plan_bytes: &[u8],
    inputs: &[InputFile],
    params: &Parameters,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Aggregation, AggregateError> {
    let plan = read_plan(plan_name, plan_bytes, &params.lang)?;
    let total: u64 = inputs.iter().map(|f| f.bytes.len() as u64).sum();
    let mut run = AggregateRun::new(&plan, plan_name, plan_bytes, params.clone())?;
    for f in inputs {
        run.begin(f.name, Some(f.role), FileOptions::default())?;
        run.push(f.bytes)?;
        run.end()?;
        progress(run.progress().bytes, total);
    }
    run.finish()
}

/// SHA-256 and size of bytes given in pieces.
#[derive(Clone, Default)]
pub struct FileHash {
    hasher: Sha256,
    size: u64,
}

impl FileHash {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn update(&mut self, bytes: &[u8]) {
        self.hasher.update(bytes);
        self.size += bytes.len() as u64;
    }

    /// The size in bytes and the lower-case hex SHA-256.
    pub fn finish(self) -> (u64, String) {
        (self.size, crate::canonical::hex(&self.hasher.finalize()))
    }
}

/// UTF-8 checked across chunks (a character may be split between two).
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    offset: usize,
}

impl Utf8Check {
    /// `Err(offset)` of the first invalid byte.
    fn push(&mut self, chunk: &[u8]) -> Result<(), usize> {
        let mut rest = chunk;
        if !self.carry.is_empty() {
            // Complete the split character with at most 3 more bytes.
            let take = rest.len().min(4 - self.carry.len());
            self.carry.extend_from_slice(&rest[..take]);
            match std::str::from_utf8(&self.carry) {
                Ok(_) => {
                    self.offset += self.carry.len();
                    self.carry.clear();
                    rest = &rest[take..];
                }
                Err(e) if e.valid_up_to() > 0 => {
                    let used = e.valid_up_to() - (self.carry.len() - take);
                    self.offset += e.valid_up_to();
                    self.carry.clear();
                    rest = &rest[used..];
                }
                Err(e) if e.error_len().is_none() && rest.len() == take => return Ok(()),
                Err(_) => return Err(self.offset),
            }
        }
        match std::str::from_utf8(rest) {
            Ok(_) => self.offset += rest.len(),
            Err(e) if e.error_len().is_none() => {
                self.offset += e.valid_up_to();
                self.carry.extend_from_slice(&rest[e.valid_up_to()..]);
            }
            Err(e) => return Err(self.offset + e.valid_up_to()),
        }
        Ok(())
    }

    fn end(&self) -> Result<(), usize> {
        if self.carry.is_empty() {
            Ok(())
        } else {
            Err(self.offset)
        }
    }
}

/// Running totals of an [`AggregateRun`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default, schemars::JsonSchema)]
pub struct AggregateProgress {
    /// Input bytes pushed so far (all files).
    pub bytes: u64,
    /// Records or rows read, accepted and rejected so far.
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

enum Mode {
    /// Role or format not known yet: the first bytes held.
    Sniff(Vec<u8>),
    /// Records streamed into the ingest session (`utf8`: JSON text is checked as it comes).
    Records { utf8: Option<Utf8Check> },
    /// A small JSON file (scoring inputs, indicator figures, history), read at the end.
    Buffer(Vec<u8>),
    /// An Excel workbook of records (a table in the flat layout), read at the end: a ZIP
    /// cannot be read before its end. Its first sheet goes through the CSV path.
    Xlsx(Vec<u8>),
}

struct OpenInput {
    name: String,
    role: Option<InputRole>,
    /// The role was detected from the first key (refined from all keys at the end).
    detected: bool,
    options: FileOptions,
    hash: FileHash,
    mode: Mode,
}

/// A streaming aggregation: for each input file `begin`, `push` its bytes in chunks of any
/// size, `end`; then `finish`. Record files (JSON, JSON Lines, CSV) are ingested and scored as
/// they come (memory does not grow with their size, apart from the duplicate set of
/// [`IngestSession`]); scoring-inputs, indicator and history files are small and read at their
/// end. Every file is hashed as it comes for the manifest. The same files give the same
/// [`Aggregation`] however they are cut into chunks.
pub struct AggregateRun<'p> {
    plan: &'p Plan,
    plan_entry: FileEntry,
    params: Parameters,
    session: IngestSession<'p>,
    indicators: Vec<IndicatorInput>,
    history: Vec<HistoryEntry>,
    inputs: Vec<FileEntry>,
    open: Option<OpenInput>,
    bytes: u64,
}

/// How many bytes after `{` decide the role (see [`InputRole::detect`]).
const SNIFF_KEY: usize = 16;

impl<'p> AggregateRun<'p> {
    /// A run for `plan` (see [`read_plan`]), read from the file `plan_name` with `plan_bytes`.
    pub fn new(
        plan: &'p Plan,
        plan_name: &str,
        plan_bytes: &[u8],
        params: Parameters,
    ) -> Result<Self, AggregateError> {
        Ok(AggregateRun {
            plan,
            plan_entry: FileEntry::of(plan_name, None, plan_bytes, None),
            params,
            session: IngestSession::scoring(plan)?,
            indicators: Vec::new(),
            history: Vec::new(),
            inputs: Vec::new(),
            open: None,
            bytes: 0,
        })
    }

    /// A run for a plan already loaded (the office page's engine), whose file `plan_name`
    /// with `plan_bytes` is recorded in the manifest: the file is read and checked, and must
    /// be that plan (the same fingerprint). `lang`: the tables' language.
    pub fn for_plan(
        plan: &'p Plan,
        plan_name: &str,
        plan_bytes: &[u8],
        lang: &str,
    ) -> Result<Self, AggregateError> {
        let lang = crate::text::ui_lang(lang).to_owned();
        let read = read_plan(plan_name, plan_bytes, &lang)?;
        if read.sha256 != plan.sha256 {
            return Err(AggregateError::OtherPlan {
                file: plan_name.to_owned(),
                found: read.sha256,
                expected: plan.sha256.clone(),
            });
        }
        Self::new(plan, plan_name, plan_bytes, Parameters { lang })
    }

    /// Start an input file. `role`: `None` detects it from the first bytes (a JSON object whose
    /// first key is `records`, `indicators` or `history` is not a record file). `options`
    /// apply to record files (format, and for CSV encoding, instrument, mapping).
    pub fn begin(
        &mut self,
        name: &str,
        role: Option<InputRole>,
        options: FileOptions,
    ) -> Result<(), AggregateError> {
        if self.open.is_some() {
            return Err(IngestError::FileOpen.into());
        }
        self.open = Some(OpenInput {
            name: name.to_owned(),
            role,
            detected: role.is_none(),
            options,
            hash: FileHash::new(),
            mode: Mode::Sniff(Vec::new()),
        });
        Ok(())
    }

    /// Sizes the duplicate set for `bytes` bytes of record files still to come, so that it
    /// need not grow while they are read ([`IngestSession::expect_bytes`]). Optional.
    pub fn expect_bytes(&mut self, bytes: u64) {
        self.session.expect_bytes(bytes);
    }

    /// The next bytes of the open file.
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), AggregateError> {
        let mut open = self.open.take().ok_or(IngestError::NoFile)?;
        open.hash.update(chunk);
        self.bytes += chunk.len() as u64;
        let r = self.feed(&mut open, chunk, false);
        self.open = Some(open);
        r
    }

    fn feed(
        &mut self,
        open: &mut OpenInput,
        chunk: &[u8],
        end: bool,
    ) -> Result<(), AggregateError> {
        match &mut open.mode {
            Mode::Sniff(held) => {
                held.extend_from_slice(chunk);
                if crate::xlsx::is_workbook(&open.name, held) {
                    let held = std::mem::take(held);
                    open.role = Some(InputRole::Records);
                    open.mode = Mode::Xlsx(held);
                    return Ok(());
                }
                if held.len() < 4 && !end {
                    return Ok(());
                }
                if let Some((role, format)) =
                    decide(&open.name, open.role, &open.options, held, end)
                {
                    let held = std::mem::take(held);
                    open.role = Some(role);
                    if role == InputRole::Records {
                        let json = format != Format::Csv;
                        let options = FileOptions {
                            format,
                            ..open.options.clone()
                        };
                        self.session.begin(&open.name, options)?;
                        open.mode = Mode::Records {
                            utf8: json.then(Utf8Check::default),
                        };
                    } else {
                        open.mode = Mode::Buffer(Vec::new());
                    }
                    return self.feed(open, &held, end);
                }
            }
            Mode::Records { utf8 } => {
                if let Some(u) = utf8 {
                    u.push(chunk).map_err(|offset| AggregateError::NotUtf8 {
                        file: open.name.clone(),
                        offset,
                    })?;
                }
                self.session.push(chunk)?;
            }
            Mode::Buffer(buf) | Mode::Xlsx(buf) => buf.extend_from_slice(chunk),
        }
        Ok(())
    }

    /// Whether the open file is a CSV record file whose rest can come as prepared blocks
    /// ([`IngestSession::shard_point`]).
    pub fn shard_point(&self) -> bool {
        matches!(
            self.open.as_ref().map(|o| &o.mode),
            Some(Mode::Records { utf8: None })
        ) && self.session.shard_point()
    }

    /// The next block of the open file, prepared by a [`crate::ingest::CsvShard`]: taken with
    /// its bytes (hashed, counted) when its rows can be used
    /// ([`IngestSession::take_prepared`]); false when not: then give its bytes with `push`.
    pub fn take_prepared(&mut self, bytes: &[u8], prepared: &[u8]) -> Result<bool, AggregateError> {
        let open = self.open.as_mut().ok_or(IngestError::NoFile)?;
        if !matches!(open.mode, Mode::Records { utf8: None }) {
            return Err(IngestError::Prepared.into());
        }
        let taken = self.session.take_prepared(prepared)?;
        if taken {
            open.hash.update(bytes);
            self.bytes += bytes.len() as u64;
        }
        Ok(taken)
    }

    /// The plan of the run.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The end of the open file: its manifest entry (name, role, size, SHA-256, counts).
    pub fn end(&mut self) -> Result<FileEntry, AggregateError> {
        let mut open = self.open.take().ok_or(IngestError::NoFile)?;
        if matches!(open.mode, Mode::Sniff(_)) {
            self.feed(&mut open, &[], true)?;
        }
        let role = open.role.unwrap_or(InputRole::Records);
        let name = &open.name.clone();
        let counts = match std::mem::replace(&mut open.mode, Mode::Buffer(Vec::new())) {
            Mode::Sniff(_) => None,
            Mode::Records { utf8 } => {
                if let Some(u) = utf8 {
                    u.end().map_err(|offset| AggregateError::NotUtf8 {
                        file: name.clone(),
                        offset,
                    })?;
                }
                Some(self.session.end()?)
            }
            Mode::Xlsx(bytes) => {
                let text = crate::xlsx::read_csv_text(&bytes, None)
                    .map_err(|e| bad(name, "XLSX workbook", e))?;
                drop(bytes);
                let options = FileOptions {
                    format: Format::Csv,
                    ..open.options.clone()
                };
                self.session.begin(name, options)?;
                self.session.push(text.as_bytes())?;
                Some(self.session.end()?)
            }
            Mode::Buffer(bytes) => {
                let role = match role {
                    InputRole::ScoringInputs if open.detected => InputRole::by_keys(&bytes),
                    r => r,
                };
                open.role = Some(role);
                self.read_small(name, role, &bytes)?
            }
        };
        let (size, sha256) = open.hash.finish();
        let entry = FileEntry {
            name: open.name,
            role: Some(open.role.unwrap_or(role)),
            size,
            sha256,
            records: counts.map(|c| RecordCounts {
                read: c.read,
                accepted: c.accepted,
                rejected: c.rejected,
            }),
        };
        self.inputs.push(entry.clone());
        Ok(entry)
    }

    /// A scoring-inputs, indicator or history file, whole.
    fn read_small(
        &mut self,
        name: &str,
        role: InputRole,
        bytes: &[u8],
    ) -> Result<Option<FileCount>, AggregateError> {
        match role {
            InputRole::Records => unreachable!("record files are streamed"),
            InputRole::ScoringInputs => {
                // Checked whole first (nothing kept), then read once: each record of `records`
                // goes to the ingest session as it is parsed (row = its position), so the
                // records are never all in memory; indicators and history are kept.
                serde_json::from_slice::<serde::de::IgnoredAny>(bytes)
                    .map_err(|e| bad(name, "scoring inputs JSON", e))?;
                let options = FileOptions {
                    format: Format::Json,
                    ..FileOptions::default()
                };
                self.session.begin(name, options)?;
                let mut pushed = Ok(());
                let session = &mut self.session;
                let read = serde::Deserializer::deserialize_map(
                    &mut serde_json::Deserializer::from_slice(bytes),
                    InputsVisitor {
                        on_record: |row, v: Result<serde_json::Value, serde_json::Error>| {
                            if pushed.is_ok() {
                                pushed = match v {
                                    Ok(v) => session.push_value(row, v),
                                    Err(e) => session.push_invalid(row, &e),
                                };
                            }
                        },
                        indicators: &mut self.indicators,
                        history: &mut self.history,
                    },
                );
                read.map_err(|e| bad(name, "scoring inputs JSON", e))?;
                pushed?;
                Ok(Some(self.session.end()?))
            }
            InputRole::Indicators => {
                let list: ListOr<IndicatorInput> = serde_json::from_slice(bytes)
                    .map_err(|e| bad(name, "indicator figures (a JSON array)", e))?;
                self.indicators.extend(list.into_vec());
                Ok(None)
            }
            InputRole::History => {
                let list: ListOr<HistoryEntry> = serde_json::from_slice(bytes)
                    .map_err(|e| bad(name, "history (a JSON array)", e))?;
                self.history.extend(list.into_vec());
                Ok(None)
            }
        }
    }

    /// Bytes pushed and records read, accepted and rejected so far.
    pub fn progress(&self) -> AggregateProgress {
        let p = self.session.progress();
        AggregateProgress {
            bytes: self.bytes,
            read: p.read,
            accepted: p.accepted,
            rejected: p.rejected,
        }
    }

    /// The rejections so far.
    pub fn rejections(&self) -> &[Rejection] {
        self.session.rejections()
    }

    /// Score, write the outputs and the manifest (a file still open is ended first).
    pub fn finish(mut self) -> Result<Aggregation, AggregateError> {
        if self.open.is_some() {
            self.end()?;
        }
        let plan = self.plan;
        let outcome = self.session.finish()?;
        let ingest = outcome.report;
        let mut state = match outcome.state {
            Some(s) => s,
            None => ScoreState::new(plan)?,
        };
        for i in &self.indicators {
            state.add_indicator(i)?;
        }
        for h in &self.history {
            state.add_history(h)?;
        }
        let result = state.finish()?;
        let outputs = outputs(plan, &result, &ingest, &self.params.lang);
        let manifest = Manifest {
            format: crate::manifest::MANIFEST_FORMAT.to_owned(),
            engine_version: crate::ENGINE_VERSION.to_owned(),
            plan: PlanEntry {
                file: self.plan_entry,
                id: plan.id.clone(),
                version: plan.version.clone(),
                sha256: plan.sha256.clone(),
            },
            inputs: self.inputs,
            parameters: self.params,
            counts: crate::manifest::Counts {
                read: ingest.read,
                accepted: ingest.accepted,
                rejected: ingest.rejected.len(),
                indicator_inputs: self.indicators.len(),
                history_entries: self.history.len(),
            },
            result: ResultEntry {
                format: result.format.clone(),
                sha256: crate::canonical::fingerprint(&result),
            },
            outputs: outputs
                .iter()
                .map(|o| FileEntry::of(&o.name, None, &o.bytes, None))
                .collect(),
        };
        Ok(Aggregation {
            plan: plan.clone(),
            ingest,
            result,
            outputs,
            manifest,
        })
    }
}

/// The role and (for record files) the format of a file from its name, the role and options
/// given, and its first bytes; `None` while more bytes are needed.
fn decide(
    name: &str,
    role: Option<InputRole>,
    options: &FileOptions,
    held: &[u8],
    end: bool,
) -> Option<(InputRole, Format)> {
    let lower = name.to_ascii_lowercase();
    let by_name = match options.format {
        Format::Auto if lower.ends_with(".csv") || lower.ends_with(".tsv") => Some(Format::Csv),
        Format::Auto if lower.ends_with(".jsonl") || lower.ends_with(".ndjson") => {
            Some(Format::Jsonl)
        }
        Format::Auto if lower.ends_with(".json") => Some(Format::Json),
        Format::Auto => None,
        f => Some(f),
    };
    let body = held.strip_prefix(b"\xef\xbb\xbf").unwrap_or(held);
    let first = body.iter().position(|b| !b.is_ascii_whitespace());
    if first.is_none() && !end {
        return None;
    }
    let c = first.map(|i| body[i]);
    let role = match role {
        Some(r) => r,
        None if by_name == Some(Format::Csv) => InputRole::Records,
        None if c == Some(b'{') => {
            let at = first.unwrap_or(0) + 1;
            let after = body[at..].iter().position(|b| !b.is_ascii_whitespace());
            match after {
                Some(k) if body.len() - at - k >= SNIFF_KEY || end => InputRole::by_first_key(held),
                _ if end => InputRole::by_first_key(held),
                _ => return None,
            }
        }
        None => InputRole::Records,
    };
    // Record files whose name does not tell: JSON when they start like JSON, else CSV.
    let format = by_name.unwrap_or(match c {
        Some(b'{') | Some(b'[') | None => Format::Json,
        _ => Format::Csv,
    });
    Some((role, format))
}
/// The file name of the result JSON among the outputs.
pub const RESULT_FILE: &str = "result.json";
/// The file name of the workbook among the outputs.
pub const XLSX_FILE: &str = "result.xlsx";

/// Every table an aggregation publishes: the result tables, then the rejections and the
/// per-file counts.
pub fn all_tables(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: &IngestReport,
    lang: &str,
) -> Vec<Table> {
    let summary = export::IngestSummary::of(ingest);
    export::tables_with_ingest(plan, result, Some(&summary), lang)
}

/// The output files: `result.json` (canonical JSON), one CSV per table, `result.xlsx` (one
/// sheet per table). The same inputs give the same bytes.
pub fn outputs(
    plan: &Plan,
    result: &EvaluationResult,
    ingest: &IngestReport,
    lang: &str,
) -> Vec<OutputFile> {
    let tables = all_tables(plan, result, ingest, lang);
    let mut out = vec![OutputFile {
        name: RESULT_FILE.into(),
        bytes: export::json(result).into_bytes(),
    }];
    for t in &tables {
        out.push(OutputFile {
            name: format!("{}.csv", t.id),
            bytes: to_csv(t).into_bytes(),
        });
    }
    out.push(OutputFile {
        name: XLSX_FILE.into(),
        bytes: crate::xlsx::write_tables(&tables),
    });
    out
}

/// The names of the output files, in order.
pub fn output_names() -> Vec<String> {
    let mut names = vec![RESULT_FILE.to_owned()];
    names.extend(export::RESULT_TABLES.iter().map(|t| format!("{t}.csv")));
    names.push(format!("{}.csv", export::REJECTIONS_TABLE));
    names.push(format!("{}.csv", export::INGEST_FILES_TABLE));
    names.push(XLSX_FILE.to_owned());
    names
}

/// The keys of a scoring-inputs file ([`ScoringInputs`](crate::score::ScoringInputs)): `records` element by element to
/// `on_record`, `indicators` and `history` appended; other keys read past.
struct InputsVisitor<'a, F> {
    on_record: F,
    indicators: &'a mut Vec<IndicatorInput>,
    history: &'a mut Vec<HistoryEntry>,
}

impl<'de, F: FnMut(usize, Result<serde_json::Value, serde_json::Error>)> serde::de::Visitor<'de>
    for InputsVisitor<'_, F>
{
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("an object with records, indicators and history")
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(mut self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "records" => {
                    map.next_value_seed(crate::ingest::EachElement(&mut self.on_record))?;
                }
                "indicators" => self
                    .indicators
                    .extend(map.next_value::<Vec<IndicatorInput>>()?),
                "history" => self.history.extend(map.next_value::<Vec<HistoryEntry>>()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::ScoringInputs;

    #[test]
    fn roles_are_told_by_the_first_key() {
        assert_eq!(
            InputRole::detect(b"\xef\xbb\xbf {\n \"records\": []}"),
            InputRole::ScoringInputs
        );
        assert_eq!(
            InputRole::detect(b"{\"indicators\":[]}"),
            InputRole::Indicators
        );
        assert_eq!(
            InputRole::detect(b"{ \"history\": [] }"),
            InputRole::History
        );
        assert_eq!(
            InputRole::detect(b"{\"indicators\":[], \"history\": []}"),
            InputRole::ScoringInputs
        );
        assert_eq!(
            InputRole::detect(b"{\"format\":\"kaoping.response/1\"}"),
            InputRole::Records
        );
        assert_eq!(InputRole::detect(b"[{\"records\":1}]"), InputRole::Records);
        assert_eq!(InputRole::detect(b""), InputRole::Records);
    }

    /// Indicator figures and history given apart, bare or under their key, count as in one
    /// scoring-inputs file; a file that is not JSON is named in the error.
    #[test]
    fn indicator_and_history_files() {
        let demo = crate::score::demo_inputs(1, 0);
        let plan = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
        let bare = serde_json::to_vec(&demo.indicators).unwrap();
        let keyed = serde_json::to_vec(&serde_json::json!({ "history": demo.history })).unwrap();
        let params = Parameters { lang: "en".into() };
        let files = [
            InputFile {
                name: "ind.json",
                role: InputRole::Indicators,
                bytes: &bare,
            },
            InputFile {
                name: "hist.json",
                role: InputRole::History,
                bytes: &keyed,
            },
        ];
        let agg = aggregate("plan.json", plan, &files, &params, &mut |_, _| {}).unwrap();
        assert_eq!(agg.manifest.counts.indicator_inputs, demo.indicators.len());
        assert_eq!(agg.manifest.counts.history_entries, demo.history.len());
        assert_eq!(agg.manifest.counts.read, 0);
        assert!(agg.manifest.inputs.iter().all(|i| i.records.is_none()));
        let bad = [InputFile {
            name: "ind.json",
            role: InputRole::Indicators,
            bytes: b"{",
        }];
        let err = aggregate("plan.json", plan, &bad, &params, &mut |_, _| {}).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("ind.json: not indicator figures"),
            "{err}"
        );
    }

    /// The demo responses (CSV, JSON Lines, indicators, history) plus a scoring-inputs file
    /// with a record array, a JSON array of records and a non-UTF-8 CSV cell.
    fn demo_set() -> Vec<(String, Vec<u8>)> {
        let files = crate::score::demo_files(3);
        let mut public = Vec::new();
        crate::score::demo_public_csv(3, 300, 12, &mut |b| public.extend_from_slice(b));
        let mut inputs = crate::score::demo_inputs(5, 4);
        let array = serde_json::to_vec(&inputs.records[..3]).unwrap();
        inputs.indicators.clear();
        inputs.history.clear();
        let scoring = serde_json::to_vec(&inputs).unwrap();
        vec![
            ("public.csv".into(), public),
            ("expert.jsonl".into(), files.expert_jsonl.into_bytes()),
            ("cadre.csv".into(), files.cadre_csv.into_bytes()),
            ("records.json".into(), array),
            ("inputs.json".into(), scoring),
            ("indicators.json".into(), files.indicators_json.into_bytes()),
            ("history.json".into(), files.history_json.into_bytes()),
        ]
    }

    /// Pushed in random chunks (a row, a UTF-8 character or the first key of a JSON object
    /// split anywhere), with roles detected, the run gives the same manifest, outputs and
    /// rejections as with each file whole.
    #[test]
    fn random_chunks_give_the_same_aggregation() {
        let set = demo_set();
        let plan = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
        let params = Parameters { lang: "en".into() };
        let files: Vec<InputFile> = set
            .iter()
            .map(|(name, bytes)| InputFile {
                name,
                role: InputRole::detect(bytes),
                bytes,
            })
            .collect();
        let whole = aggregate("plan.json", plan, &files, &params, &mut |_, _| {}).unwrap();
        assert_eq!(
            whole
                .manifest
                .inputs
                .iter()
                .map(|i| i.role.unwrap())
                .collect::<Vec<_>>(),
            [
                InputRole::Records,
                InputRole::Records,
                InputRole::Records,
                InputRole::Records,
                InputRole::ScoringInputs,
                InputRole::Indicators,
                InputRole::History
            ]
        );
        assert!(
            whole.manifest.counts.rejected >= 12,
            "{:?}",
            whole.manifest.counts
        );
        let parsed = read_plan("plan.json", plan, "en").unwrap();
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        for round in 0..6 {
            let mut run = AggregateRun::new(&parsed, "plan.json", plan, params.clone()).unwrap();
            for (name, bytes) in &set {
                run.begin(name, None, FileOptions::default()).unwrap();
                let mut rest = &bytes[..];
                while !rest.is_empty() {
                    seed ^= seed << 13;
                    seed ^= seed >> 7;
                    seed ^= seed << 17;
                    // Round 0: one byte at a time for the first 64 KiB, then big pieces.
                    let max = if round == 0 && bytes.len() - rest.len() < 65_536 {
                        1
                    } else {
                        1 + (seed % 4096) as usize
                    };
                    let n = max.min(rest.len());
                    run.push(&rest[..n]).unwrap();
                    rest = &rest[n..];
                }
                run.end().unwrap();
            }
            assert_eq!(
                run.progress().bytes,
                set.iter().map(|f| f.1.len() as u64).sum::<u64>()
            );
            let streamed = run.finish().unwrap();
            assert_eq!(streamed.manifest, whole.manifest, "round {round}");
            assert_eq!(streamed.outputs, whole.outputs, "round {round}");
            assert_eq!(streamed.ingest, whole.ingest, "round {round}");
        }
    }

    /// The streamed run (CSV public rows on the compiled path, records scored as they come)
    /// gives the result, counts and rejections of the former whole-file way: every record kept
    /// by [`Ingest`], then [`score::evaluate`].
    #[test]
    fn the_run_gives_the_result_of_ingest_then_evaluate() {
        let set = demo_set();
        let plan_bytes = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
        let plan = read_plan("plan.json", plan_bytes, "en").unwrap();
        let mut ingest = crate::ingest::Ingest::new(&plan);
        let mut inputs = ScoringInputs::default();
        for (name, bytes) in &set {
            match InputRole::detect(bytes) {
                InputRole::Records => ingest.add_file(name, std::str::from_utf8(bytes).unwrap()),
                InputRole::ScoringInputs => {
                    let s: ScoringInputs = serde_json::from_slice(bytes).unwrap();
                    ingest.add_file(name, &serde_json::to_string(&s.records).unwrap());
                }
                InputRole::Indicators => {
                    let l: ListOr<IndicatorInput> = serde_json::from_slice(bytes).unwrap();
                    inputs.indicators.extend(l.into_vec());
                }
                InputRole::History => {
                    let l: ListOr<HistoryEntry> = serde_json::from_slice(bytes).unwrap();
                    inputs.history.extend(l.into_vec());
                }
            }
        }
        let mut report = ingest.finish();
        inputs.records = std::mem::take(&mut report.records);
        let result = score::evaluate(&plan, &inputs).unwrap();
        let params = Parameters { lang: "en".into() };
        let mut run = AggregateRun::new(&plan, "plan.json", plan_bytes, params).unwrap();
        for (name, bytes) in &set {
            run.begin(name, None, FileOptions::default()).unwrap();
            run.push(bytes).unwrap();
            run.end().unwrap();
        }
        let agg = run.finish().unwrap();
        assert_eq!(export::json(&agg.result), export::json(&result));
        assert_eq!(agg.ingest, report);
        assert!(report.accepted > 600 && !report.rejected.is_empty());
    }

    /// A scoring-inputs file whose record array holds an element that is not a JSON value
    /// (`1e400`, out of f64's range) loses only that element: it is read and rejected as
    /// `json_syntax` at its position, the records after it are read (read = accepted +
    /// rejected), as in a record array file.
    #[test]
    fn a_bad_element_of_a_scoring_inputs_file_is_rejected_alone() {
        let plan_bytes = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
        let plan = read_plan("plan.json", plan_bytes, "en").unwrap();
        let inputs = crate::score::demo_inputs(5, 4);
        let r = |i: usize| serde_json::to_string(&inputs.records[i]).unwrap();
        let text = format!(
            "{{\"records\": [{}, 1e400, {}], \"indicators\": []}}",
            r(0),
            r(1)
        );
        let params = Parameters { lang: "en".into() };
        let mut run = AggregateRun::new(&plan, "plan.json", plan_bytes, params).unwrap();
        run.begin("inputs.json", None, FileOptions::default())
            .unwrap();
        run.push(text.as_bytes()).unwrap();
        run.end().unwrap();
        let agg = run.finish().unwrap();
        assert_eq!((agg.ingest.read, agg.ingest.accepted), (3, 2));
        assert_eq!(agg.ingest.rejected.len(), 1);
        let bad = &agg.ingest.rejected[0];
        assert_eq!(
            (bad.file.as_str(), bad.row, bad.code),
            ("inputs.json", 2, "json_syntax")
        );
        assert_eq!(bad.column.as_deref(), Some("element 2"));
        assert!(
            bad.message.get("en").contains("number out of range"),
            "{bad:?}"
        );
    }

    /// A record file that is not UTF-8 JSON is named with the offset of the first bad byte,
    /// also when the bad byte arrives split across chunks.
    #[test]
    fn invalid_utf8_in_json_is_an_error_with_its_offset() {
        let plan_bytes = crate::plan::DEMO_PLAN_SOURCE.as_bytes();
        let plan = read_plan("plan.json", plan_bytes, "en").unwrap();
        let params = Parameters { lang: "en".into() };
        // "é" split between chunks is fine; 0xFF at offset 9 is not.
        let text: &[u8] = b"{\"a\":\"\xc3\xa9\xff\"}";
        let mut run = AggregateRun::new(&plan, "plan.json", plan_bytes, params).unwrap();
        run.begin("r.json", Some(InputRole::Records), FileOptions::default())
            .unwrap();
        run.push(&text[..7]).unwrap();
        run.push(&text[7..8]).unwrap();
        let err = run.push(&text[8..]).unwrap_err();
        assert_eq!(
            err,
            AggregateError::NotUtf8 {
                file: "r.json".into(),
                offset: 8
            }
        );
    }
}
