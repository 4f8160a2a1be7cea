//! The streaming aggregation: files pushed in chunks, hashed, checked as UTF-8 and fed to an
//! [`IngestSession`] (record files) or held whole (the small inputs, `inputs.rs`), then
//! scored, published and recorded in the manifest.

use super::outputs::outputs;
use super::roles::decide;
use super::{bad, read_plan, AggregateError, Aggregation};
use crate::ingest::{FileOptions, Format, IngestError, IngestSession, Rejection};
use crate::manifest::{
    FileEntry, InputRole, Manifest, Parameters, PlanEntry, RecordCounts, ResultEntry,
};
use crate::plan::Plan;
use crate::score::{HistoryEntry, IndicatorInput, ScoreState};
use serde::Serialize;
use sha2::{Digest, Sha256};

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
    pub(super) session: IngestSession<'p>,
    pub(super) indicators: Vec<IndicatorInput>,
    pub(super) history: Vec<HistoryEntry>,
    /// The cadre roster, when one was given (`InputRole::CadreRoster`).
    pub(super) cadres: Option<crate::score::cadres::CadreRoster>,
    /// The overrides of the file being read (a year-end figures file), for its entry.
    pub(super) overrides: Vec<crate::yearend::IndicatorOverride>,
    inputs: Vec<FileEntry>,
    open: Option<OpenInput>,
    bytes: u64,
}
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
            cadres: None,
            overrides: Vec::new(),
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
                    open.role = open.role.or(Some(InputRole::Records));
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
        let (counts, table_rows) = match std::mem::replace(&mut open.mode, Mode::Buffer(Vec::new()))
        {
            Mode::Sniff(_) => (None, None),
            Mode::Records { utf8 } => {
                if let Some(u) = utf8 {
                    u.end().map_err(|offset| AggregateError::NotUtf8 {
                        file: name.clone(),
                        offset,
                    })?;
                }
                (Some(self.session.end()?), None)
            }
            Mode::Xlsx(bytes)
                if matches!(
                    role,
                    InputRole::Indicators | InputRole::History | InputRole::CadreRoster
                ) =>
            {
                self.read_small(name, role, &bytes)?.counts()
            }
            Mode::Xlsx(bytes) => {
                // A workbook's role is told by its first sheet's header row (a ZIP cannot be
                // read before its end).
                let text = crate::xlsx::read_csv_text(&bytes, None)
                    .map_err(|e| bad(name, "XLSX workbook", e))?;
                match InputRole::of_header(&crate::yearend::header_cells(&text)) {
                    role @ (InputRole::Indicators | InputRole::History) => {
                        open.role = Some(role);
                        self.read_small(name, role, &bytes)?.counts()
                    }
                    _ => {
                        drop(bytes);
                        let options = FileOptions {
                            format: Format::Csv,
                            ..open.options.clone()
                        };
                        self.session.begin(name, options)?;
                        self.session.push(text.as_bytes())?;
                        (Some(self.session.end()?), None)
                    }
                }
            }
            Mode::Buffer(bytes) => {
                let role = match role {
                    InputRole::ScoringInputs if open.detected => InputRole::by_keys(&bytes),
                    r => r,
                };
                open.role = Some(role);
                self.read_small(name, role, &bytes)?.counts()
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
            table_rows,
            overrides: std::mem::take(&mut self.overrides),
        };
        self.inputs.push(entry.clone());
        Ok(entry)
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
        // Signed sheets are decided at the end (`ingest::trust`): the record files' counts
        // as the session has them now.
        let mut files = ingest.files.iter();
        for entry in self.inputs.iter_mut() {
            if let Some(c) = entry.records.as_mut() {
                if let Some(f) = files.next().filter(|f| f.file == entry.name) {
                    (c.read, c.accepted, c.rejected) = (f.read, f.accepted, f.rejected);
                }
            }
        }
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
        if let Some(r) = self.cadres.take() {
            state.set_cadre_roster(r)?;
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
                versions: ingest.versions.clone(),
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
