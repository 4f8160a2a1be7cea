//! The office build's methods (`--features office`): plan validation, record checks, scoring.

use crate::{from_js, into_error, to_js, Engine, FacadeError, IResponseRecord};
use kaoping_core::aggregate::verify::{self, NamedBytes};
use kaoping_core::aggregate::{AggregateRun, Aggregation, InputFile};
use kaoping_core::export::{self, IngestSummary};
use kaoping_core::ingest::{CsvShard, FileOptions, IngestSession};
use kaoping_core::invite::{self, InvitationLink, PrintedInvitation};
use kaoping_core::manifest::{InputRole, Manifest, Parameters};
use kaoping_core::plan::Plan;
use kaoping_core::roster::RosterOptions;
use kaoping_core::trust::InvitationDraft;
use kaoping_core::{record, score, validate};
use serde::{Deserialize, Serialize};
use std::rc::Rc;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IPlanReport")]
    pub type IPlanReport;
    #[wasm_bindgen(typescript_type = "IPlanDiff")]
    pub type IPlanDiff;
    #[wasm_bindgen(typescript_type = "IAmended")]
    pub type IAmended;
    #[wasm_bindgen(typescript_type = "IText")]
    pub type ITextValue;
    #[wasm_bindgen(typescript_type = "IScoringInputs")]
    pub type IScoringInputs;
    #[wasm_bindgen(typescript_type = "IEvaluationResult")]
    pub type IEvaluationResult;
    #[wasm_bindgen(typescript_type = "Record<string, number>")]
    pub type IUnitConfidences;
    #[wasm_bindgen(typescript_type = "IDemoSettingsCheck")]
    pub type IDemoSettingsCheck;
    #[wasm_bindgen(typescript_type = "ISatisfactionAnswers[]")]
    pub type ISatisfactionAnswersList;
    #[wasm_bindgen(typescript_type = "ICategoryOrientations[]")]
    pub type ICategoryOrientationsList;
    #[wasm_bindgen(typescript_type = "IRecordFile[]")]
    pub type IRecordFiles;
    #[wasm_bindgen(typescript_type = "IRecordsEvaluation")]
    pub type IRecordsEvaluation;
    #[wasm_bindgen(typescript_type = "IInvitationDraft")]
    pub type IInvitationDraft;
    #[wasm_bindgen(typescript_type = "IInvitationLink")]
    pub type IInvitationLink;
    #[wasm_bindgen(typescript_type = "IInvitationLink[]")]
    pub type IInvitationLinks;
    #[wasm_bindgen(typescript_type = "IRosterOptions")]
    pub type IRosterOptions;
    #[wasm_bindgen(typescript_type = "IRosterPayloads")]
    pub type IRosterPayloads;
    #[wasm_bindgen(typescript_type = "number[][]")]
    pub type IPayloadBytes;
    #[wasm_bindgen(typescript_type = "IPrintedInvitation[]")]
    pub type IPrintedInvitations;
    #[wasm_bindgen(typescript_type = "IFileOptions | undefined")]
    pub type IFileOptions;
    #[wasm_bindgen(typescript_type = "IFileCount")]
    pub type IFileCount;
    #[wasm_bindgen(typescript_type = "IIngestProgress")]
    pub type IIngestProgress;
    #[wasm_bindgen(typescript_type = "ITrackFiles")]
    pub type ITrackFiles;
    #[wasm_bindgen(typescript_type = "ITrackOutput")]
    pub type ITrackOutput;
    #[wasm_bindgen(typescript_type = "IYearEndRequest")]
    pub type IYearEndRequest;
    #[wasm_bindgen(typescript_type = "IYearEndOutput")]
    pub type IYearEndOutput;
    #[wasm_bindgen(typescript_type = "IDemoPeriods")]
    pub type IDemoPeriods;
    #[wasm_bindgen(typescript_type = "ITable[]")]
    pub type ITables;
    #[wasm_bindgen(typescript_type = "IIngestSummary | null | undefined")]
    pub type IIngestReportArg;
    #[wasm_bindgen(typescript_type = "IIngestSummary")]
    pub type IIngestReport;
    #[wasm_bindgen(typescript_type = "IFileBytes")]
    pub type IFileBytes;
    #[wasm_bindgen(typescript_type = "IFileBytes[]")]
    pub type IInputFiles;
    #[wasm_bindgen(typescript_type = "IFileBytes[] | null | undefined")]
    pub type IFileBytesListArg;
    #[wasm_bindgen(typescript_type = "IAggregationResult")]
    pub type IAggregation;
    #[wasm_bindgen(typescript_type = "IInputRole | null | undefined")]
    pub type IInputRoleArg;
    #[wasm_bindgen(typescript_type = "IFileEntry")]
    pub type IFileEntry;
    #[wasm_bindgen(typescript_type = "IAggregateProgress")]
    pub type IAggregateProgress;
    #[wasm_bindgen(typescript_type = "IManifest")]
    pub type IManifest;
    #[wasm_bindgen(typescript_type = "IVerification")]
    pub type IVerification;
    #[wasm_bindgen(typescript_type = "IGivenVerification")]
    pub type IGivenVerification;
    #[wasm_bindgen(typescript_type = "IFileSetVerification")]
    pub type IFileSetVerification;
    #[wasm_bindgen(typescript_type = "IFileBytes[]")]
    pub type IFileBytesList;
}

/// A file from the page: `{name, bytes: Uint8Array, role?}` (`role`: an aggregation's input,
/// detected when absent).
#[derive(Deserialize, schemars::JsonSchema)]
#[schemars(rename = "FileBytes")]
pub struct JsFile {
    pub name: String,
    #[serde(with = "serde_bytes")]
    #[schemars(with = "String", extend("tsType" = "Uint8Array"))]
    pub bytes: Vec<u8>,
    #[serde(default)]
    pub role: Option<InputRole>,
}

/// An output file for the page: `{name, bytes: Uint8Array}`.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "OutputBytes")]
pub struct JsOutput<'a> {
    pub name: &'a str,
    #[serde(with = "serde_bytes")]
    #[schemars(with = "String", extend("tsType" = "Uint8Array"))]
    pub bytes: &'a [u8],
}

/// What an aggregation gives the page: `{manifest, result, ingest, outputs}`, where `outputs`
/// are the files `kaoping aggregate` writes.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "AggregationResult")]
pub struct JsAggregation<'a> {
    #[schemars(with = "Manifest")]
    pub manifest: serde_json::Value,
    #[schemars(with = "kaoping_core::score::EvaluationResult")]
    pub result: serde_json::Value,
    #[schemars(with = "kaoping_core::ingest::IngestReport")]
    pub ingest: serde_json::Value,
    pub outputs: Vec<JsOutput<'a>>,
}

/// Files straight through serde-wasm-bindgen: their bytes stay a `Uint8Array` (through
/// `serde_json::Value` they would become arrays of numbers).
pub(crate) fn files_of(list: JsValue) -> Result<Vec<JsFile>, JsValue> {
    serde_wasm_bindgen::from_value(list).map_err(FacadeError::convert)
}

fn named(v: &[JsFile]) -> Vec<NamedBytes<'_>> {
    v.iter()
        .map(|f| NamedBytes {
            name: &f.name,
            bytes: &f.bytes,
        })
        .collect()
}

fn aggregation_js(agg: &Aggregation) -> Result<IAggregation, JsValue> {
    let out = JsAggregation {
        manifest: serde_json::to_value(&agg.manifest).map_err(FacadeError::convert)?,
        result: serde_json::to_value(&agg.result).map_err(FacadeError::convert)?,
        ingest: serde_json::to_value(&agg.ingest).map_err(FacadeError::convert)?,
        outputs: agg
            .outputs
            .iter()
            .map(|o| JsOutput {
                name: &o.name,
                bytes: &o.bytes,
            })
            .collect(),
    };
    let js = out
        .serialize(
            &serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false),
        )
        .map_err(FacadeError::convert)?;
    Ok(js.unchecked_into())
}

/// A demo data set's number of public responses, refused over `MAX_DEMO_PUBLIC` as
/// `demoSettings` refuses it (more would not fit in WASM's memory).
fn demo_count(n_public: u32) -> Result<usize, JsValue> {
    use score::demo_settings::{DemoSettingError, MAX_DEMO_PUBLIC};
    if n_public > MAX_DEMO_PUBLIC {
        return Err(into_error(DemoSettingError::N {
            text: n_public.to_string(),
            max: MAX_DEMO_PUBLIC,
        }));
    }
    Ok(n_public as usize)
}

#[wasm_bindgen]
impl Engine {
    /// The engine version.
    pub fn version() -> String {
        kaoping_core::ENGINE_VERSION.to_owned()
    }

    /// The built-in demo plan's JSON text.
    #[wasm_bindgen(js_name = demoPlanJson)]
    pub fn demo_plan_json() -> String {
        kaoping_core::plan::DEMO_PLAN_JSON.to_owned()
    }

    /// Validate a plan text: every problem with its JSON path and line:column.
    #[wasm_bindgen(js_name = validatePlan)]
    pub fn validate_plan(text: &str) -> Result<IPlanReport, JsValue> {
        Ok(to_js(&validate::validate_plan(text))?.unchecked_into())
    }

    /// What changed between two versions of a plan (texts) and whether each instrument's
    /// earlier records stay valid.
    #[wasm_bindgen(js_name = planDiff)]
    pub fn plan_diff(old: &str, new: &str) -> Result<IPlanDiff, JsValue> {
        let diff = kaoping_core::amend::diff_plan_texts(old, new).map_err(into_error)?;
        Ok(to_js(&diff)?.unchecked_into())
    }

    /// The new version of a plan with its amendment (date `YYYY-MM-DD`, reason in every
    /// language of the plan) appended: its JSON, the amendment and the diff.
    #[wasm_bindgen(js_name = amendPlan)]
    pub fn amend_plan(
        old: &str,
        new: &str,
        date: &str,
        reason: ITextValue,
    ) -> Result<IAmended, JsValue> {
        let reason: kaoping_core::text::Text = from_js(reason.into())?;
        let amended =
            kaoping_core::amend::amend_plan(old, new, date, reason).map_err(into_error)?;
        Ok(to_js(&amended)?.unchecked_into())
    }

    /// Whether a record's checksum matches its content.
    #[wasm_bindgen(js_name = verifyRecord)]
    pub fn verify_record(rec: IResponseRecord) -> Result<bool, JsValue> {
        let rec: record::ResponseRecord = from_js(rec.into())?;
        Ok(record::verify_record(&rec))
    }

    /// Score the plan: records, indicator figures and history in, the full result out.
    #[wasm_bindgen(js_name = evaluatePlan)]
    pub fn evaluate_plan(&self, inputs: IScoringInputs) -> Result<IEvaluationResult, JsValue> {
        let inputs: score::ScoringInputs = from_js(inputs.into())?;
        let result = score::evaluate(self.plan_ref(), &inputs).map_err(into_error)?;
        Ok(to_js(&result)?.unchecked_into())
    }

    /// The demo form's settings as typed (`n` public responses, `seed`): the numbers for
    /// `evaluateDemo`, or the field refused and why (`score::demo_settings`).
    #[wasm_bindgen(js_name = demoSettings)]
    pub fn demo_settings(n: &str, seed: &str) -> Result<IDemoSettingsCheck, JsValue> {
        Ok(to_js(&score::demo_settings::check_demo_settings(n, seed))?.unchecked_into())
    }

    /// Score the synthetic demo data set without leaving WASM (fast for large `n_public`, up
    /// to `MAX_DEMO_PUBLIC`; more is refused as `demoSettings` refuses it).
    #[wasm_bindgen(js_name = evaluateDemo)]
    pub fn evaluate_demo(&self, seed: u32, n_public: u32) -> Result<IEvaluationResult, JsValue> {
        let inputs = score::demo_inputs(u64::from(seed), demo_count(n_public)?);
        let result = score::evaluate(self.plan_ref(), &inputs).map_err(into_error)?;
        Ok(to_js(&result)?.unchecked_into())
    }

    /// Read record files (`[{name, text}]`), then score the accepted records: the ingest report
    /// (every rejection with file, row, column, reason) and the result.
    #[wasm_bindgen(js_name = evaluateRecords)]
    pub fn evaluate_records(&self, files: IRecordFiles) -> Result<IRecordsEvaluation, JsValue> {
        let files: Vec<kaoping_core::ingest::RecordFile> = from_js(files.into())?;
        let out =
            kaoping_core::ingest::evaluate_files(self.plan_ref(), &files).map_err(into_error)?;
        Ok(to_js(&out)?.unchecked_into())
    }

    /// A streaming ingest of response files for this plan: `begin(name, options)`, `push(chunk)`
    /// as often as needed, `end()` per file, then `finish()` (see [`IngestRun`]).
    #[wasm_bindgen(js_name = ingestStart)]
    pub fn ingest_start(&self) -> Result<IngestRun, JsValue> {
        let session = OwnedSession::try_new(self.plan_rc(), |plan| {
            IngestSession::scoring(plan).map(Some)
        })
        .map_err(into_error)?;
        Ok(IngestRun { session })
    }

    /// A reader of blocks of a large CSV file for another worker's [`IngestRun`] or
    /// [`AggregateRunJs`] (see [`ShardRun`]): `name` and `options` as the file was begun
    /// with, `header` its bytes up to and including the first LF.
    #[wasm_bindgen(js_name = shardStart)]
    pub fn shard_start(
        &self,
        name: &str,
        options: IFileOptions,
        header: &[u8],
    ) -> Result<ShardRun, JsValue> {
        let options = file_options(options)?;
        let shard = OwnedShard::try_new(self.plan_rc(), |plan| {
            CsvShard::new(plan, name, &options, header)
        })
        .map_err(into_error)?;
        Ok(ShardRun { shard })
    }

    /// A streaming aggregation as `kaoping aggregate` does it, for this engine's plan read from
    /// the file `plan_name` (`plan_bytes`: its bytes, recorded in the manifest; they must be
    /// this engine's plan): `begin(name, role?, options?)`, `push(chunk)` as often as needed,
    /// `end()` per file, then `finish()` (see [`AggregateRunJs`]). `lang`: the tables'
    /// language.
    #[wasm_bindgen(js_name = aggregateStart)]
    pub fn aggregate_start(
        &self,
        plan_name: &str,
        plan_bytes: &[u8],
        lang: &str,
    ) -> Result<AggregateRunJs, JsValue> {
        let run = OwnedAggregate::try_new(self.plan_rc(), |plan| {
            AggregateRun::for_plan(plan, plan_name, plan_bytes, lang).map(Some)
        })
        .map_err(into_error)?;
        Ok(AggregateRunJs { run })
    }

    /// The synthetic demo data set (deterministic for a seed; `n_public` as for
    /// `evaluateDemo`).
    #[wasm_bindgen(js_name = demoInputs)]
    pub fn demo_inputs(seed: u32, n_public: u32) -> Result<IScoringInputs, JsValue> {
        let inputs = score::demo_inputs(u64::from(seed), demo_count(n_public)?);
        Ok(to_js(&inputs)?.unchecked_into())
    }

    /// The bytes of an invitation for the office key to sign; throws what the plan refuses
    /// of the draft (unknown unit or group, a key not the plan's, …).
    #[wasm_bindgen(js_name = invitationPayload)]
    pub fn invitation_payload(&self, draft: IInvitationDraft) -> Result<Vec<u8>, JsValue> {
        let draft: InvitationDraft = from_js(draft.into())?;
        invite::invitation_payload(self.plan_ref(), &draft).map_err(into_error)
    }

    /// The token and link of an invitation from its payload and the office's signature
    /// (base64url), checked as the review page will check it; `base` is the site's address
    /// (ending in `/`), `planUrl` where the plan is published.
    #[wasm_bindgen(js_name = invitationLink)]
    pub fn invitation_link(
        &self,
        payload: &[u8],
        signature: &str,
        base: &str,
        plan_url: &str,
    ) -> Result<IInvitationLink, JsValue> {
        let link = invite::invitation_link(self.plan_ref(), payload, signature, base, plan_url)
            .map_err(into_error)?;
        Ok(to_js(&link)?.unchecked_into())
    }

    /// A roster file (CSV or XLSX, named `file`) read into every rater's invitation payload
    /// for the office key `key` (its id) to sign, serials from the caller's 16 random hex
    /// characters `seed`; with any problem (by row and cell) no payload. Throws when the file
    /// cannot be read as a roster at all.
    #[wasm_bindgen(js_name = invitationsFromRoster)]
    pub fn invitations_from_roster(
        &self,
        file: &str,
        bytes: &[u8],
        options: IRosterOptions,
        key: &str,
        seed: &str,
    ) -> Result<IRosterPayloads, JsValue> {
        let options: RosterOptions = from_js(options.into())?;
        let read = invite::roster_payloads(self.plan_ref(), file, bytes, &options, key, seed)
            .map_err(into_error)?;
        Ok(to_js(&read)?.unchecked_into())
    }

    /// The invitations of signed roster payloads (`signatures`, base64url, one per payload in
    /// order), each with its link and QR code (SVG).
    #[wasm_bindgen(js_name = rosterInvitations)]
    pub fn roster_invitations(
        &self,
        payloads: IPayloadBytes,
        signatures: Vec<String>,
        base: &str,
        plan_url: &str,
    ) -> Result<IPrintedInvitations, JsValue> {
        let payloads: Vec<Vec<u8>> = from_js(payloads.into())?;
        let printed =
            invite::roster_invitations(self.plan_ref(), &payloads, &signatures, base, plan_url)
                .map_err(into_error)?;
        Ok(to_js(&printed)?.unchecked_into())
    }

    /// The list of invitations as CSV text (headers in `lang`).
    #[wasm_bindgen(js_name = invitationsCsv)]
    pub fn invitations_csv(&self, links: IInvitationLinks, lang: &str) -> Result<String, JsValue> {
        let links: Vec<InvitationLink> = from_js(links.into())?;
        Ok(invite::invitations_csv(self.plan_ref(), &links, lang))
    }

    /// The printable HTML page of QR cards, one per invitation, text in `lang`, its style linked
    /// from `stylesheet` (an absolute URL of `css/invite-sheet.css`: the page allows no inline style).
    #[wasm_bindgen(js_name = invitationSheet)]
    pub fn invitation_sheet(
        &self,
        printed: IPrintedInvitations,
        lang: &str,
        stylesheet: &str,
    ) -> Result<String, JsValue> {
        let printed: Vec<PrintedInvitation> = from_js(printed.into())?;
        Ok(invite::print_sheet(
            self.plan_ref(),
            &printed,
            lang,
            Some(stylesheet),
        ))
    }

    /// The result's tables (ranking, components, …) with titles, headers and rows in `lang`;
    /// with an ingest report, also its rejections and per-file counts.
    #[wasm_bindgen(js_name = exportTables)]
    pub fn export_tables(
        &self,
        result: IEvaluationResult,
        lang: &str,
        ingest: IIngestReportArg,
    ) -> Result<ITables, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        let ingest: Option<IngestSummary> = from_js(ingest.into())?;
        let tables = export::checked_tables(self.plan_ref(), &result, ingest.as_ref(), lang)
            .map_err(into_error)?;
        Ok(to_js(&tables)?.unchecked_into())
    }

    /// One result table as CSV text (UTF-8 with BOM, CRLF, formula injection neutralised).
    #[wasm_bindgen(js_name = exportCsv)]
    pub fn export_csv(
        &self,
        result: IEvaluationResult,
        table: &str,
        lang: &str,
    ) -> Result<String, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        export::checked_csv(self.plan_ref(), &result, table, lang).map_err(into_error)
    }

    /// The rejection report (file, row, column, code, reason) of an ingest as CSV text.
    #[wasm_bindgen(js_name = exportRejectionsCsv)]
    pub fn export_rejections_csv(ingest: IIngestReport, lang: &str) -> Result<String, JsValue> {
        let ingest: IngestSummary = from_js(ingest.into())?;
        Ok(export::csv::to_csv(&export::rejections_table(
            &ingest, lang,
        )))
    }

    /// The workbook: one sheet per result table, plus the rejections and the per-file counts
    /// when the ingest report is given.
    #[wasm_bindgen(js_name = exportXlsx)]
    pub fn export_xlsx(
        &self,
        result: IEvaluationResult,
        ingest: IIngestReportArg,
        lang: &str,
    ) -> Result<Vec<u8>, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        let ingest: Option<IngestSummary> = from_js(ingest.into())?;
        export::checked_xlsx(self.plan_ref(), &result, ingest.as_ref(), lang).map_err(into_error)
    }

    /// The public results page (公示) of a result of the engine's plan: one HTML file, zh-CN
    /// then English, no script, small cells withheld (`publish::public_page`).
    #[wasm_bindgen(js_name = publicPage)]
    pub fn public_page(&self, result: IEvaluationResult) -> Result<String, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        kaoping_core::publish::public_page(self.plan_ref(), &result).map_err(into_error)
    }

    /// Each unit's feedback letter (HTML, zh-CN then English) in one ZIP, for a result of the
    /// engine's plan (`publish::letters::letters_zip`).
    #[wasm_bindgen(js_name = unitLettersZip)]
    pub fn unit_letters_zip(&self, result: IEvaluationResult) -> Result<Vec<u8>, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        kaoping_core::publish::letters::letters_zip(self.plan_ref(), &result).map_err(into_error)
    }

    /// The result as canonical JSON text (its SHA-256 is the manifest's result fingerprint).
    #[wasm_bindgen(js_name = exportJson)]
    pub fn export_json(result: IEvaluationResult) -> Result<String, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        Ok(export::json(&result))
    }

    /// Each unit's confidence level, by unit id, for the intervals of its view: its first
    /// component's with an interval, else the rules' (`score::satisfaction::unit_confidence`).
    #[wasm_bindgen(js_name = unitConfidences)]
    pub fn unit_confidences(result: IEvaluationResult) -> Result<IUnitConfidences, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        Ok(to_js(&score::satisfaction::unit_confidences(&result))?.unchecked_into())
    }

    /// Each unit's answers to the satisfaction question with their shares, highest score
    /// first, as the office page's unit dialog draws them
    /// (`score::satisfaction::satisfaction_answers`).
    #[wasm_bindgen(js_name = satisfactionAnswers)]
    pub fn satisfaction_answers(
        result: IEvaluationResult,
    ) -> Result<ISatisfactionAnswersList, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        Ok(to_js(&score::satisfaction::satisfaction_answers(&result))?.unchecked_into())
    }

    /// Subtotals by orientation (目标/职责/问题导向) of every category of the result under this
    /// engine's plan: each unit's and the category's mean
    /// (`score::orientation::orientation_subtotals`).
    #[wasm_bindgen(js_name = orientationSubtotals)]
    pub fn orientation_subtotals(
        &self,
        result: IEvaluationResult,
    ) -> Result<ICategoryOrientationsList, JsValue> {
        let result: score::EvaluationResult = from_js(result.into())?;
        let table = score::orientation::orientation_subtotals(self.plan_ref(), &result);
        Ok(to_js(&table)?.unchecked_into())
    }

    /// Lower-case hex SHA-256 of bytes (the same function as the manifest's).
    pub fn sha256(bytes: &[u8]) -> String {
        kaoping_core::canonical::sha256_hex(bytes)
    }

    /// Aggregate files as `kaoping aggregate` does: the plan file and the input files
    /// (`role` optional: detected) in, `{manifest, result, ingest, outputs}` out, where
    /// `outputs` are the files `kaoping aggregate` writes (`{name, bytes}`).
    #[wasm_bindgen(js_name = buildManifest)]
    pub fn build_manifest(
        plan: IFileBytes,
        inputs: IInputFiles,
        lang: &str,
    ) -> Result<IAggregation, JsValue> {
        let plan: JsFile =
            serde_wasm_bindgen::from_value(plan.into()).map_err(FacadeError::convert)?;
        let files = files_of(inputs.into())?;
        let inputs: Vec<InputFile> = files
            .iter()
            .map(|f| InputFile::new(&f.name, f.role, &f.bytes))
            .collect();
        let params = Parameters {
            lang: kaoping_core::text::ui_lang(lang).to_owned(),
        };
        let agg = kaoping_core::aggregate::aggregate(
            &plan.name,
            &plan.bytes,
            &inputs,
            &params,
            &mut |_, _| {},
        )
        .map_err(into_error)?;
        aggregation_js(&agg)
    }

    /// Recompute an aggregation from its manifest and the same files (`{name, bytes}`, names as
    /// in the manifest: the plan and every input), and compare; `outputs` (the files written
    /// beside the manifest) are compared too when given.
    #[wasm_bindgen(js_name = verifyManifest)]
    pub fn verify_manifest(
        manifest: IManifest,
        files: IInputFiles,
        outputs: IFileBytesListArg,
    ) -> Result<IVerification, JsValue> {
        let m: Manifest = from_js(manifest.into())?;
        let files = files_of(files.into())?;
        let outputs: JsValue = outputs.into();
        let outputs = if outputs.is_null() || outputs.is_undefined() {
            None
        } else {
            Some(files_of(outputs)?)
        };
        let given = named(&files);
        let outs = outputs.as_deref().map(named);
        let v = verify::verify(&m, &given, outs.as_deref(), verify::DEFAULT_DIFF_LIMIT);
        Ok(to_js(&v)?.unchecked_into())
    }

    /// Checks a manifest against the files a person gave (under their bare names): plan and
    /// inputs matched by base name, the engine's own demo plan (the bytes `demoPlanJson`
    /// gives) when no plan file is given and it is the one recorded, outputs compared only
    /// when `result.json` is among the files (`verify::verify_given`).
    #[wasm_bindgen(js_name = verifyGiven)]
    pub fn verify_given(
        manifest: IManifest,
        files: IInputFiles,
    ) -> Result<IGivenVerification, JsValue> {
        let m: Manifest = from_js(manifest.into())?;
        let files = files_of(files.into())?;
        let v = verify::verify_given(
            &m,
            &named(&files),
            Some(kaoping_core::plan::DEMO_PLAN_JSON.as_bytes()),
            verify::DEFAULT_DIFF_LIMIT,
        );
        Ok(to_js(&v)?.unchecked_into())
    }

    /// The audit check of the files a person gave: the one manifest among them found
    /// (`found`: `no_manifest`, `many_manifests`, or `verified` with what
    /// `verifyGiven` gives and the manifest's name) and the others checked against it.
    #[wasm_bindgen(js_name = verifyFiles)]
    pub fn verify_files(files: IFileBytesList) -> Result<IFileSetVerification, JsValue> {
        let files = files_of(files.into())?;
        let v = verify::verify_files(
            &named(&files),
            Some(kaoping_core::plan::DEMO_PLAN_JSON.as_bytes()),
            verify::DEFAULT_DIFF_LIMIT,
        )
        .map_err(into_error)?;
        Ok(to_js(&v)?.unchecked_into())
    }

    /// Tracking through the year: period, project and event files in (CSV or JSON text), the
    /// report (every rejection, series, projects, events, warnings), the warning CSV and a
    /// printable notice per warned unit out.
    pub fn track(&self, files: ITrackFiles) -> Result<ITrackOutput, JsValue> {
        let files: kaoping_core::track::TrackFiles = from_js(files.into())?;
        let out = kaoping_core::track::track_files(self.plan_ref(), &files).map_err(into_error)?;
        Ok(to_js(&out)?.unchecked_into())
    }

    /// The year's indicator figures made from the tracking files in one step (年终指标数据):
    /// every unit × indicator with its sources, the gaps, the overrides applied (each with a
    /// reason), and the JSON file the aggregation reads.
    #[wasm_bindgen(js_name = yearEnd)]
    pub fn year_end(&self, request: IYearEndRequest) -> Result<IYearEndOutput, JsValue> {
        let request: kaoping_core::track::YearEndRequest = from_js(request.into())?;
        let out =
            kaoping_core::track::year_end_files(self.plan_ref(), &request).map_err(into_error)?;
        Ok(to_js(&out)?.unchecked_into())
    }

    /// The warning list of a tracking run as an Excel workbook (one sheet), in `files.lang`.
    #[wasm_bindgen(js_name = trackWarningsXlsx)]
    pub fn track_warnings_xlsx(&self, files: ITrackFiles) -> Result<Vec<u8>, JsValue> {
        let files: kaoping_core::track::TrackFiles = from_js(files.into())?;
        let out = kaoping_core::track::track_files(self.plan_ref(), &files).map_err(into_error)?;
        let lang = kaoping_core::text::ui_lang(files.lang.as_deref().unwrap_or("zh-CN"));
        Ok(kaoping_core::track::warnings_xlsx(
            self.plan_ref(),
            &out.report,
            lang,
        ))
    }

    /// A tracking file's text: an XLSX workbook's first sheet as CSV text (cells as they are),
    /// else the bytes decoded (UTF-8 with or without BOM, UTF-16 with BOM, else GB18030).
    #[wasm_bindgen(js_name = fileText)]
    pub fn file_text(name: &str, bytes: &[u8]) -> Result<String, JsValue> {
        kaoping_core::xlsx::file_text(name, bytes).map_err(into_error)
    }

    /// The demo plan's synthetic tracking files up to a month (`2026-09`; none: the year).
    #[wasm_bindgen(js_name = demoPeriods)]
    pub fn demo_periods(seed: u32, through: Option<String>) -> Result<IDemoPeriods, JsValue> {
        let d = kaoping_core::track::demo_periods(u64::from(seed), through.as_deref())
            .map_err(into_error)?;
        Ok(to_js(&d)?.unchecked_into())
    }
}

/// `IFileOptions` (or nothing: the defaults).
pub(crate) fn file_options(options: IFileOptions) -> Result<FileOptions, JsValue> {
    let v: JsValue = options.into();
    if v.is_undefined() || v.is_null() {
        Ok(FileOptions::default())
    } else {
        from_js(v)
    }
}

// The runs below borrow the engine's plan for as long as the page keeps them, which is
// longer than any borrow of the engine: each keeps the plan (`Rc`, shared with the engine)
// together with what borrows it (self_cell). `None` once finished.
type MaybeSession<'p> = Option<IngestSession<'p>>;
type MaybeAggregate<'p> = Option<AggregateRun<'p>>;

self_cell::self_cell!(
    struct OwnedSession {
        owner: Rc<Plan>,
        #[not_covariant]
        dependent: MaybeSession,
    }
);

self_cell::self_cell!(
    struct OwnedAggregate {
        owner: Rc<Plan>,
        #[not_covariant]
        dependent: MaybeAggregate,
    }
);

self_cell::self_cell!(
    struct OwnedShard {
        owner: Rc<Plan>,
        #[not_covariant]
        dependent: CsvShard,
    }
);

/// Prepares blocks of a large CSV file in one worker for the run in another
/// (`kaoping_core::ingest::CsvShard`): blocks cut at line ends, each prepared here, then given
/// to the run's `takePrepared` in the file's order.
#[wasm_bindgen]
pub struct ShardRun {
    shard: OwnedShard,
}

#[wasm_bindgen]
impl ShardRun {
    /// Whether rows can be prepared here (the header fits the compiled path).
    pub fn ready(&self) -> bool {
        self.shard.with_dependent(|_, s| s.ready())
    }

    /// Prepares a block (from a row start to just after a LF, or to the end of the file when
    /// `last`), for the run's `takePrepared`.
    #[wasm_bindgen(js_name = prepareBlock)]
    pub fn prepare_block(&mut self, block: &[u8], last: bool) -> Vec<u8> {
        self.shard
            .with_dependent_mut(|_, s| s.prepare_block(block, last))
    }
}

/// A streaming ingest (office build): files pushed in chunks, rows scored as they come.
#[wasm_bindgen]
pub struct IngestRun {
    session: OwnedSession,
}

impl IngestRun {
    /// `f` on the open session; an error once the run is finished.
    fn with<R>(
        &mut self,
        f: impl FnOnce(&mut IngestSession<'_>) -> Result<R, JsValue>,
    ) -> Result<R, JsValue> {
        self.session.with_dependent_mut(|_, s| match s {
            Some(s) => f(s),
            None => Err(into_error(FacadeError::IngestFinished)),
        })
    }
}

#[wasm_bindgen]
impl IngestRun {
    /// Start a file: `options` as `IFileOptions` (format, encoding, instrument, mapping).
    pub fn begin(&mut self, name: &str, options: IFileOptions) -> Result<(), JsValue> {
        let options = file_options(options)?;
        self.with(|s| s.begin(name, options).map_err(into_error))
    }

    /// The next bytes of the file (any size; a row may be split anywhere).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.with(|s| s.push(chunk).map_err(into_error))
    }

    /// The end of the file: its counts, encoding and header mapping.
    pub fn end(&mut self) -> Result<IFileCount, JsValue> {
        let count = self.with(|s| s.end().map_err(into_error))?;
        Ok(to_js(&count)?.unchecked_into())
    }

    /// Sizes the duplicate set for `bytes` bytes still to come (optional; saves its growth).
    #[wasm_bindgen(js_name = expectBytes)]
    pub fn expect_bytes(&mut self, bytes: f64) -> Result<(), JsValue> {
        self.with(|s| {
            s.expect_bytes(bytes as u64);
            Ok(())
        })
    }

    /// Whether the open CSV file can go on with blocks prepared by a [`ShardRun`].
    #[wasm_bindgen(js_name = shardPoint)]
    pub fn shard_point(&mut self) -> Result<bool, JsValue> {
        self.with(|s| Ok(s.shard_point()))
    }

    /// The next block of the open file, prepared by a [`ShardRun`] (in the file's order):
    /// false when its rows cannot be used (a cut inside a quoted field): then `push` its bytes.
    #[wasm_bindgen(js_name = takePrepared)]
    pub fn take_prepared(&mut self, prepared: &[u8]) -> Result<bool, JsValue> {
        self.with(|s| s.take_prepared(prepared).map_err(into_error))
    }

    /// Rows read, accepted and rejected so far.
    pub fn progress(&self) -> Result<IIngestProgress, JsValue> {
        let p = self
            .session
            .with_dependent(|_, s| s.as_ref().map(|s| s.progress()).unwrap_or_default());
        Ok(to_js(&p)?.unchecked_into())
    }

    /// Everything read: the ingest report and the evaluation of the accepted rows.
    pub fn finish(&mut self) -> Result<IRecordsEvaluation, JsValue> {
        let eval = self.session.with_dependent_mut(|_, s| {
            let session = s
                .take()
                .ok_or_else(|| into_error(FacadeError::IngestFinished))?;
            session.evaluate().map_err(into_error)
        })?;
        Ok(to_js(&eval)?.unchecked_into())
    }
}

/// A streaming aggregation (office build): input files pushed in chunks, hashed and scored as
/// they come; the result, ingest report, output files and manifest at the end.
#[wasm_bindgen(js_name = AggregateRun)]
pub struct AggregateRunJs {
    run: OwnedAggregate,
}

impl AggregateRunJs {
    /// `f` on the open run; an error once it is finished.
    fn with<R>(
        &mut self,
        f: impl FnOnce(&mut AggregateRun<'_>) -> Result<R, JsValue>,
    ) -> Result<R, JsValue> {
        self.run.with_dependent_mut(|_, r| match r {
            Some(r) => f(r),
            None => Err(into_error(FacadeError::AggregateFinished)),
        })
    }
}

#[wasm_bindgen(js_class = AggregateRun)]
impl AggregateRunJs {
    /// Start an input file: `role` (`records`, `scoring_inputs`, `indicators`, `history`;
    /// none: detected from the first bytes), `options` as `IFileOptions` for record files.
    pub fn begin(
        &mut self,
        name: &str,
        role: IInputRoleArg,
        options: IFileOptions,
    ) -> Result<(), JsValue> {
        let role: Option<InputRole> = from_js(role.into())?;
        let options = file_options(options)?;
        self.with(|r| r.begin(name, role, options).map_err(into_error))
    }

    /// The next bytes of the file (any size).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.with(|r| r.push(chunk).map_err(into_error))
    }

    /// The end of the file: its manifest entry (name, role, size, sha256, records counts).
    pub fn end(&mut self) -> Result<IFileEntry, JsValue> {
        let entry = self.with(|r| r.end().map_err(into_error))?;
        Ok(to_js(&entry)?.unchecked_into())
    }

    /// Sizes the duplicate set for `bytes` bytes of input still to come (optional; saves its
    /// growth).
    #[wasm_bindgen(js_name = expectBytes)]
    pub fn expect_bytes(&mut self, bytes: f64) -> Result<(), JsValue> {
        self.with(|r| {
            r.expect_bytes(bytes as u64);
            Ok(())
        })
    }

    /// Whether the open CSV file can go on with blocks prepared by a [`ShardRun`].
    #[wasm_bindgen(js_name = shardPoint)]
    pub fn shard_point(&mut self) -> Result<bool, JsValue> {
        self.with(|r| Ok(r.shard_point()))
    }

    /// The next block of the open file: its bytes (hashed) and its rows as a [`ShardRun`]
    /// prepared them (in the file's order); false when its rows cannot be used (a cut inside
    /// a quoted field): then `push` its bytes.
    #[wasm_bindgen(js_name = takePrepared)]
    pub fn take_prepared(&mut self, bytes: &[u8], prepared: &[u8]) -> Result<bool, JsValue> {
        self.with(|r| r.take_prepared(bytes, prepared).map_err(into_error))
    }

    /// Bytes pushed and rows read, accepted and rejected so far.
    pub fn progress(&self) -> Result<IAggregateProgress, JsValue> {
        let p = self
            .run
            .with_dependent(|_, r| r.as_ref().map(|r| r.progress()).unwrap_or_default());
        Ok(to_js(&p)?.unchecked_into())
    }

    /// Score and write: `{manifest, result, ingest, outputs: [{name, bytes}]}`.
    pub fn finish(&mut self) -> Result<IAggregation, JsValue> {
        let agg = self.run.with_dependent_mut(|_, r| {
            let run = r
                .take()
                .ok_or_else(|| into_error(FacadeError::AggregateFinished))?;
            run.finish().map_err(into_error)
        })?;
        aggregation_js(&agg)
    }
}
