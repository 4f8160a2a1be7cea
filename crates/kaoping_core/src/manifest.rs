//! The audit manifest (审计清单) of an aggregation: its types, what each file's entry holds.
//!
//! An aggregation ([`crate::aggregate::aggregate`]) writes `manifest.json`: the engine version,
//! the plan (file name, size, SHA-256 of its bytes, and its canonical fingerprint), every input
//! file (name, role, size, SHA-256 of its bytes, records read/accepted/rejected), every
//! parameter, the counts, the SHA-256 of the canonical result JSON and of each output file.
//! `crate::aggregate::verify` recomputes everything from the same files and lists each
//! difference precisely; see `docs/audit.md`. Hashing is of bytes given by the caller: no IO
//! here.

use crate::canonical::sha256_hex;
use crate::ingest::FileCount;
use crate::yearend::IndicatorOverride;
use serde::{Deserialize, Serialize};

/// The format tag of a manifest.
pub const MANIFEST_FORMAT: &str = "kaoping.manifest/1";

/// The manifest of one aggregation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Manifest {
    pub format: String,
    pub engine_version: String,
    pub plan: PlanEntry,
    /// The input files, in the order they were read (the order matters: of two records with
    /// the same response id, the first is kept).
    pub inputs: Vec<FileEntry>,
    pub parameters: Parameters,
    pub counts: Counts,
    pub result: ResultEntry,
    /// The files written beside the manifest.
    pub outputs: Vec<FileEntry>,
}

/// The plan file and the plan's own fingerprint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct PlanEntry {
    pub file: FileEntry,
    pub id: String,
    pub version: String,
    /// SHA-256 of the canonical JSON of the plan as written (`Plan.sha256`).
    pub sha256: String,
}

/// A file: its name (a path relative to the manifest), size in bytes and SHA-256 of its bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct FileEntry {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role: Option<InputRole>,
    pub size: u64,
    pub sha256: String,
    /// Records read, accepted and rejected from this file (record and scoring-inputs files).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub records: Option<RecordCounts>,
    /// Rows of an indicator-figures or history table (CSV or XLSX, not JSON): those that gave
    /// an entry and those left blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub table_rows: Option<TableRowCounts>,
    /// The office's overrides that an indicator-figures file made from tracking carries
    /// (`kaoping track --year-end`): each field's value before and after, and why.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<IndicatorOverride>,
}

/// The rows of a year-end table ([`crate::yearend`]): `used` gave an entry each, `blank` named
/// a unit with every value cell empty (a template row not filled in).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableRowCounts {
    pub used: usize,
    pub blank: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecordCounts {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
}

impl FileEntry {
    /// The entry of a file from its bytes.
    pub fn of(
        name: &str,
        role: Option<InputRole>,
        bytes: &[u8],
        counts: Option<FileCount>,
    ) -> FileEntry {
        FileEntry {
            name: name.to_owned(),
            role,
            size: bytes.len() as u64,
            sha256: sha256_hex(bytes),
            records: counts.map(|c| RecordCounts {
                read: c.read,
                accepted: c.accepted,
                rejected: c.rejected,
            }),
            table_rows: None,
            overrides: Vec::new(),
        }
    }
}

/// Every parameter of an aggregation that is not in a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Parameters {
    /// Language of the tables' titles, headers and words (`zh-CN` or `en`); the result JSON
    /// does not depend on it.
    pub lang: String,
}

/// Totals of the aggregation: records read = accepted + rejected.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Counts {
    pub read: usize,
    pub accepted: usize,
    pub rejected: usize,
    pub indicator_inputs: usize,
    pub history_entries: usize,
    /// Accepted records per version of the plan they answered; only for a plan with
    /// amendments (`docs/plan.md`, 修订), else left out.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub versions: std::collections::BTreeMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ResultEntry {
    pub format: String,
    /// SHA-256 of the canonical JSON of the result (= of `result.json`'s bytes).
    pub sha256: String,
}

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum InputRole {
    /// Response records: one JSON record, a JSON array of records, or JSON Lines.
    Records,
    /// `{"records": [...], "indicators": [...], "history": [...]}` (each optional).
    ScoringInputs,
    /// Indicator figures: a JSON array, or `{"indicators": [...]}` (with `overrides` and the
    /// other keys of a year-end figures file made from tracking).
    Indicators,
    /// Earlier years' results: a JSON array, or `{"history": [...]}`.
    History,
    /// A batch of one-time codes the office signed (`kaoping.codes/1`, `crate::trust::codes`):
    /// given before the record files, so that `kaoping verify` checks the codes again.
    CodeBatch,
    /// The people appraised (干部名单, `roster::read_cadre_roster`): a CSV or XLSX table,
    /// given by the caller (`kaoping aggregate --cadres`), never detected.
    CadreRoster,
}
