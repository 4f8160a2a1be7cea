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

mod inputs;
mod outputs;
mod roles;
mod run;
pub mod verify;

pub use outputs::{all_tables, output_names, outputs, RESULT_FILE, XLSX_FILE};
pub use roles::{reads_as_table, TABLE_HEAD_BYTES};
pub use run::{AggregateProgress, AggregateRun, FileHash};

use crate::ingest::{FileOptions, IngestError, IngestReport};
use crate::manifest::{InputRole, Manifest, Parameters};
use crate::plan::Plan;
use crate::score::{self, EvaluationResult};
use serde::Deserialize;

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
    #[error("{0}")]
    YearEnd(#[from] crate::yearend::YearEndError),
    #[error("scoring failed: {0}")]
    Score(#[from] score::ScoreError),
    #[error("{0}")]
    Session(IngestError),
    /// A cadre roster that cannot be read at all (no workbook, a column missing).
    #[error("{0}")]
    CadreRosterUnreadable(crate::roster::RosterError, String),
    /// A cadre roster with rows that are wrong: every problem, with its cell.
    #[error("{file}: the cadre roster has {} problem(s): {}", problems.len(), describe_problems(problems, "en"))]
    CadreRoster {
        file: String,
        problems: Vec<crate::roster::RosterProblem>,
    },
}

/// How many of a cadre roster's problems an error's message lists (all are in the error).
pub const CADRE_PROBLEMS_SHOWN: usize = 10;

/// The first [`CADRE_PROBLEMS_SHOWN`] problems, `; `-separated, in `lang`.
pub(crate) fn describe_problems(problems: &[crate::roster::RosterProblem], lang: &str) -> String {
    let mut parts: Vec<String> = problems
        .iter()
        .take(CADRE_PROBLEMS_SHOWN)
        .map(|p| p.describe(lang))
        .collect();
    if problems.len() > CADRE_PROBLEMS_SHOWN {
        parts.push("…".into());
    }
    parts.join("; ")
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
            | AggregateError::OtherPlan { file, .. }
            | AggregateError::CadreRoster { file, .. }
            | AggregateError::CadreRosterUnreadable(_, file) => Some(file),
            AggregateError::YearEnd(e) => Some(e.file()),
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

/// What ingest will make of an input table before the run ([`crate::ingest::preview_table`]):
/// a workbook's first sheet is read to CSV text first, as the run reads it. `None` when the
/// run does not read the file as a response table (a year-end table, by its header row, as
/// [`InputRole::of_header`] tells it), or when it has no header or fits no instrument.
pub fn preview_file(
    plan: &Plan,
    name: &str,
    bytes: &[u8],
    options: &FileOptions,
) -> Result<Option<crate::table::preview::Preview>, crate::xlsx::XlsxError> {
    let text;
    let table = if crate::xlsx::is_workbook(name, bytes) {
        text = crate::xlsx::read_csv_text(bytes, None)?;
        text.as_bytes()
    } else {
        bytes
    };
    if InputRole::detect(table) != InputRole::Records {
        return Ok(None);
    }
    Ok(crate::ingest::preview_table(plan, name, table, options))
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
#[cfg(test)]
mod yearend_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export;
    use crate::score::{HistoryEntry, IndicatorInput, ScoringInputs};

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
                InputRole::CodeBatch | InputRole::CadreRoster => unreachable!("never detected"),
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
