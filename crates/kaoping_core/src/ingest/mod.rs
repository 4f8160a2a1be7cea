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

#[cfg(feature = "office")]
mod receive;
mod records;
mod report;
mod session;
mod shard;
mod table_rows;
#[cfg(feature = "office")]
mod trust;

#[cfg(feature = "office")]
pub use receive::{Received, Receiver, Refusal};
#[cfg(feature = "office")]
pub(crate) use records::EachElement;
pub use report::{
    FileCount, FileOptions, Format, IngestError, IngestReport, Progress, Rejection, Superseded,
};
pub use session::{IngestSession, SessionOutcome};
pub use shard::CsvShard;
pub use table_rows::table_record;

use crate::ids::{pack, unpack};
use crate::plan::Plan;
use crate::record::ResponseRecord;
use crate::score::ScoreState;
use crate::table::compiled;
use crate::text::Text;
use serde::Serialize;

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
    /// The counters of the compiled public-survey path, merged into `state` at the end.
    pub tallies: Option<compiled::PublicTallies>,
    /// Rows accepted by the compiled path.
    pub fast_rows: u64,
    /// Who may rate: signed sheets checked and held, codes claimed (`None`: the plan has no
    /// `trust` section).
    #[cfg(feature = "office")]
    pub trust: Option<Box<trust::TrustGate>>,
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

    /// A record that passed the plan's checks: who may rate (signed sheets checked, an
    /// invitation instrument's held for the end), dedup, its one-time code claimed, then
    /// scored or kept. `id_column` names the respondent id's column in the rejection,
    /// `code_column` the code's.
    fn accept(&mut self, file: usize, row: usize, rec: ResponseRecord, columns: Columns) {
        #[cfg(feature = "office")]
        let Some(rec) = self.trust_gate(file, row, rec) else {
            return;
        };
        if let Some(first) = self.first_seen(&rec.instrument, &rec.respondent_id, file, row as u64)
        {
            self.duplicate(file, row, &rec.respondent_id, first);
            if let (Some(c), Some(last)) = (columns.id, self.report.rejected.last_mut()) {
                last.column = Some(c);
            }
            return;
        }
        #[cfg(feature = "office")]
        if !self.claim_code(file, row, &rec, columns.code) {
            return;
        }
        self.admit(file, row, rec);
    }

    /// A record that counts: scored (or rejected when it cannot be) or kept; whether accepted.
    fn admit(&mut self, file: usize, row: usize, rec: ResponseRecord) -> bool {
        if let Some(state) = self.state.as_mut() {
            if let Err(e) = state.add(&rec) {
                let msg = e.to_string();
                self.reject(
                    file,
                    row,
                    None,
                    "invalid_answer",
                    &format!("无法计分：{msg}"),
                    &format!("Cannot be scored: {msg}"),
                );
                return false;
            }
        }
        self.report.accepted += 1;
        if !self.plan.amendments.is_empty() {
            self.report.count_version(self.plan, &rec.plan_sha256);
        }
        if self.keep_records {
            self.report.records.push(rec);
        }
        true
    }
}

/// The columns a table row's rejection names: the respondent id's and the one-time code's.
#[derive(Default)]
pub(crate) struct Columns {
    pub id: Option<String>,
    #[cfg_attr(not(feature = "office"), allow(dead_code))]
    pub code: Option<String>,
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
            Err(_) => IngestReport::empty(),
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

/// What ingest will make of a response table (CSV; a workbook read to CSV text first), read
/// whole before a run: its header mapping, how each column will be read and every value that
/// matches no option ([`crate::table::preview`]). Give its `readings` back in the file's
/// options so that ingest reads each column so. `None` when the file has no header or fits no
/// instrument.
pub fn preview_table(
    plan: &Plan,
    name: &str,
    bytes: &[u8],
    options: &FileOptions,
) -> Option<crate::table::preview::Preview> {
    let table = crate::table::preview::TableOptions {
        encoding: options.encoding,
        instrument: options.instrument.as_deref(),
        mapping: &options.mapping,
    };
    crate::table::preview::preview(plan, name, bytes, table)
}
