//! The streaming session: each file begun, pushed in chunks of any size and ended; its format
//! found from the name or the first bytes; then the report and the scoring state.

use super::report::{
    FileCount, FileOptions, Format, IngestError, IngestReport, Progress, Rejection,
};
use super::table_rows::{CsvCtx, CsvFile};
use super::{RecordsEvaluation, Sink};
use crate::plan::Plan;
use crate::score::ScoreState;
use crate::table::csv::{Row, Tokenizer};
use crate::table::decode::Decoder;
use serde_json::Value;

pub(super) enum Reader {
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

pub(super) struct Open {
    pub(super) file: usize,
    pub(super) options: FileOptions,
    pub(super) reader: Reader,
    pub(super) before: (usize, usize),
}

/// A streaming ingest: for each file `begin`, `push` its bytes in chunks of any size, `end`;
/// then `finish`.
pub struct IngestSession<'p> {
    pub(super) sink: Sink<'p>,
    pub(super) open: Option<Open>,
    pub(super) fast: bool,
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
                report: IngestReport::empty(),
                keep_records,
                state,
                tallies: None,
                fast_rows: 0,
                #[cfg(feature = "office")]
                trust: super::trust::TrustGate::of(plan),
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

    /// Gives the session one of the office's batches of one-time codes (`kaoping.codes/1`
    /// JSON, [`crate::trust::codes::CodeBatch`]), before the first file: each is checked; one
    /// that is not valid is rejected once (`code_batch_invalid`, its name as the file, row 0)
    /// and issues no code.
    #[cfg(feature = "office")]
    pub fn add_code_batch(&mut self, name: &str, text: &[u8]) -> Result<(), IngestError> {
        if !self.sink.files.is_empty() {
            return Err(IngestError::BatchAfterFiles);
        }
        match serde_json::from_slice::<crate::trust::codes::CodeBatch>(text) {
            Ok(batch) => self.sink.add_code_batch(name, &batch),
            Err(_) => self
                .sink
                .add_code_batch(name, &super::trust::not_a_batch(name)),
        }
        Ok(())
    }

    /// [`IngestSession::add_code_batch`] for each (name, text).
    #[cfg(feature = "office")]
    pub fn with_code_batches<N: AsRef<str>, T: AsRef<[u8]>>(
        mut self,
        batches: &[(N, T)],
    ) -> Result<Self, IngestError> {
        for (n, t) in batches {
            self.add_code_batch(n.as_ref(), t.as_ref())?;
        }
        Ok(self)
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
                        readings: options.readings.clone(),
                        recode: options.recode.clone(),
                        recoder: None,
                        layout: None,
                        unit_question: None,
                        compiled: None,
                        allow_fast: self.fast,
                        invitation: false,
                        code_field: None,
                        needs_code: false,
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
        #[cfg(feature = "office")]
        let held = sink.trust.as_ref().map_or(0, |t| t.held_in(open.file));
        #[cfg(not(feature = "office"))]
        let held = 0;
        // Signed sheets held for the end count as accepted until then (`trust.rs`).
        let accepted = sink.report.accepted - open.before.1 + held;
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
        if let (Some(state), Some(tallies)) = (sink.state.as_mut(), sink.tallies.take()) {
            tallies.merge_into(state);
        }
        #[cfg(feature = "office")]
        {
            sink.settle_signed();
            sink.report.codes = sink.code_counts();
        }
        sink.report.settle_versions(sink.plan);
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
