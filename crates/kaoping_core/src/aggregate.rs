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

use crate::export::{self, csv::to_csv, Table};
use crate::ingest::{Ingest, IngestReport};
use crate::manifest::{FileEntry, Manifest, Parameters, PlanEntry, ResultEntry};
use crate::plan::Plan;
use crate::score::{self, EvaluationResult, HistoryEntry, IndicatorInput, ScoringInputs};
use serde::{Deserialize, Serialize};

/// What an input file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputRole {
    /// Response records: one JSON record, a JSON array of records, or JSON Lines.
    Records,
    /// `{"records": [...], "indicators": [...], "history": [...]}` (each optional).
    ScoringInputs,
    /// Indicator figures: a JSON array, or `{"indicators": [...]}`.
    Indicators,
    /// Earlier years' results: a JSON array, or `{"history": [...]}`.
    History,
}

impl InputRole {
    /// `ScoringInputs` when the file is a JSON object whose first key is `records`,
    /// `indicators` or `history`; otherwise `Records`.
    pub fn detect(bytes: &[u8]) -> InputRole {
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
}

/// One input file: its name (as the manifest will record it), role and bytes.
#[derive(Debug, Clone, Copy)]
pub struct InputFile<'a> {
    pub name: &'a str,
    pub role: InputRole,
    pub bytes: &'a [u8],
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
    #[error("scoring failed: {0}")]
    Score(#[from] score::ScoreError),
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
#[derive(Deserialize)]
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

/// Read the plan and the inputs, ingest, score, write the outputs and the manifest.
/// `progress(done, total)` is called with input bytes processed after each file.
pub fn aggregate(
    plan_name: &str,
    plan_bytes: &[u8],
    inputs: &[InputFile],
    params: &Parameters,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<Aggregation, AggregateError> {
    let plan_text = text(plan_name, plan_bytes)?;
    let report = crate::validate::validate_plan(plan_text);
    let plan = report.plan.ok_or_else(|| AggregateError::PlanInvalid {
        file: plan_name.to_owned(),
        count: report.problems.len(),
        first: report
            .problems
            .first()
            .map(|p| {
                let path = if p.path.is_empty() { "/" } else { &p.path };
                format!("{path} {}", p.message.get(&params.lang))
            })
            .unwrap_or_default(),
    })?;
    let total: u64 = inputs.iter().map(|f| f.bytes.len() as u64).sum();
    let mut done = 0u64;
    let mut ingest = Ingest::new(&plan);
    let mut indicators: Vec<IndicatorInput> = Vec::new();
    let mut history: Vec<HistoryEntry> = Vec::new();
    for f in inputs {
        match f.role {
            InputRole::Records => ingest.add_file(f.name, text(f.name, f.bytes)?),
            InputRole::ScoringInputs => {
                let ScoringInputs {
                    records,
                    indicators: figures,
                    history: past,
                } = serde_json::from_slice(f.bytes)
                    .map_err(|e| bad(f.name, "scoring inputs JSON", e))?;
                indicators.extend(figures);
                history.extend(past);
                // The records pass the same checks as any record file (row = position in
                // `records`); the typed copy is dropped before the text is read again.
                let text = serde_json::to_string(&records)
                    .map_err(|e| bad(f.name, "scoring inputs JSON", e))?;
                drop(records);
                ingest.add_file(f.name, &text);
            }
            InputRole::Indicators => {
                let list: ListOr<IndicatorInput> = serde_json::from_slice(f.bytes)
                    .map_err(|e| bad(f.name, "indicator figures (a JSON array)", e))?;
                indicators.extend(list.into_vec());
            }
            InputRole::History => {
                let list: ListOr<HistoryEntry> = serde_json::from_slice(f.bytes)
                    .map_err(|e| bad(f.name, "history (a JSON array)", e))?;
                history.extend(list.into_vec());
            }
        }
        done += f.bytes.len() as u64;
        progress(done, total);
    }
    let mut ingest = ingest.finish();
    let scoring = ScoringInputs {
        records: std::mem::take(&mut ingest.records),
        indicators,
        history,
    };
    let result = score::evaluate(&plan, &scoring)?;
    let outputs = outputs(&plan, &result, &ingest, &params.lang);
    let manifest = Manifest {
        format: crate::manifest::MANIFEST_FORMAT.to_owned(),
        engine_version: crate::ENGINE_VERSION.to_owned(),
        plan: PlanEntry {
            file: FileEntry::of(plan_name, None, plan_bytes, None),
            id: plan.id.clone(),
            version: plan.version.clone(),
            sha256: plan.sha256.clone(),
        },
        inputs: inputs
            .iter()
            .map(|f| {
                let counts = ingest.files.iter().find(|c| c.file == f.name).cloned();
                FileEntry::of(f.name, Some(f.role), f.bytes, counts)
            })
            .collect(),
        parameters: params.clone(),
        counts: crate::manifest::Counts {
            read: ingest.read,
            accepted: ingest.accepted,
            rejected: ingest.rejected.len(),
            indicator_inputs: scoring.indicators.len(),
            history_entries: scoring.history.len(),
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
        plan,
        ingest,
        result,
        outputs,
        manifest,
    })
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
    let mut tables = export::tables(plan, result, lang);
    let summary = export::IngestSummary::of(ingest);
    tables.push(export::rejections_table(&summary, lang));
    tables.push(export::ingest_files_table(&summary, lang));
    tables
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_are_told_by_the_first_key() {
        assert_eq!(
            InputRole::detect(b"\xef\xbb\xbf {\n \"records\": []}"),
            InputRole::ScoringInputs
        );
        assert_eq!(
            InputRole::detect(b"{\"indicators\":[]}"),
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
}
