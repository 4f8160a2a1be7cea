//! What an ingest reports (counts per file, rejections with file, row, column and reason),
//! the options a file is read with, and why a session call is refused.

use crate::record::ResponseRecord;
use crate::score::ScoreError;
use crate::table::decode::Encoding;
use crate::table::{Mapping, MappingReport};
use crate::text::Text;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Why a record was not accepted.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Rejection {
    pub file: String,
    pub row: usize,
    /// The field the problem is in, when there is one (a question id, `checksum`, the CSV
    /// header, …).
    pub column: Option<String>,
    /// Records: `json_syntax`, `not_a_record`, `another_plan`, `incompatible_version` (an
    /// earlier version of the plan whose records of the instrument did not stay valid),
    /// `checksum_mismatch`, `bad_respondent_id` (a control character in it),
    /// `duplicate_response`, `unknown_instrument`, `unknown_unit`, `invalid_answer`.
    /// CSV rows: `csv_syntax`, `encoding`, `another_plan`, `unknown_unit`, `required_missing`,
    /// `invalid_answer`, `duplicate_response`.
    /// Who may rate (`crate::trust`): `unsigned`, `bad_signature`, `bad_token`,
    /// `revoked_key`, `token_mismatch`, `token_expired`, `outside_assignment`, `other_key`,
    /// `invalid_trust`; `code_missing`, `code_unknown`, `code_reused`, and
    /// `code_batch_invalid` (file = the batch, row 0).
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
    /// Accepted records per version of the plan they answered (the plan's own and those its
    /// amendments replaced); only for a plan with amendments, else empty and left out.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub versions: BTreeMap<String, usize>,
    /// Signed sheets accepted but not counted: a later sheet of the same (instrument, rater)
    /// counts instead (`crate::trust::settle`). Left out when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub superseded: Vec<Superseded>,
    /// Per instrument that needs a one-time code: codes issued (in the valid batches given),
    /// used, unknown and reused, and responses without a code. Left out when empty.
    #[cfg(feature = "office")]
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub codes: BTreeMap<String, crate::trust::codes::CodeCounts>,
    #[serde(skip)]
    pub records: Vec<ResponseRecord>,
}

/// A signed sheet that a later one of the same (instrument, rater) replaced: both passed
/// every check, the later counts (a correction). Counted as accepted, not scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Superseded {
    pub file: String,
    pub row: usize,
    pub instrument: String,
    pub rater: String,
    pub submitted_at: String,
    /// Where the sheet that counts is, and when it was submitted.
    pub counted_file: String,
    pub counted_row: usize,
    pub counted_submitted_at: String,
}

impl IngestReport {
    /// An empty report.
    pub fn empty() -> Self {
        IngestReport {
            read: 0,
            accepted: 0,
            files: Vec::new(),
            rejected: Vec::new(),
            versions: BTreeMap::new(),
            superseded: Vec::new(),
            #[cfg(feature = "office")]
            codes: BTreeMap::new(),
            records: Vec::new(),
        }
    }

    /// Counts a record accepted under the plan `sha256` (`plan` with amendments only; the
    /// plan's own version is counted at the end, by [`IngestReport::settle_versions`]).
    pub(crate) fn count_version(&mut self, plan: &crate::plan::Plan, sha256: &str) {
        if sha256 != plan.sha256 {
            if let Some(v) = plan.version_of(sha256) {
                *self.versions.entry(v.to_owned()).or_default() += 1;
            }
        }
    }

    /// The plan's own version gets every accepted record not counted under an earlier one.
    pub(crate) fn settle_versions(&mut self, plan: &crate::plan::Plan) {
        if plan.amendments.is_empty() {
            return;
        }
        let earlier: usize = self.versions.values().sum();
        *self.versions.entry(plan.version.clone()).or_default() +=
            self.accepted.saturating_sub(earlier);
    }
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
    /// Tables: `{column_key: reading}`, how a survey tool's cells are read (values, labels,
    /// option numbers; `table::preview` decides them from the whole file).
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub readings: crate::table::recode::Readings,
    /// Tables: `{column_key: {value: target}}`, the office's recoding of values that match no
    /// option (`table::recode::Recodes`; `""` is an empty answer). Unrecoded values still
    /// reject their rows.
    #[serde(skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub recode: crate::table::recode::Recodes,
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
    #[error("code batches are given before the first file")]
    BatchAfterFiles,
}
