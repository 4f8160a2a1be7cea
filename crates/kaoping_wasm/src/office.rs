//! The office build's methods (`--features office`): plan validation, record checks, scoring.

use crate::{from_js, into_error, to_js, Engine, IResponseRecord};
use kaoping_core::ingest::{FileOptions, IngestSession, RecordsEvaluation};
use kaoping_core::plan::Plan;
use kaoping_core::review::{ReviewAnswers, ReviewSubmission};
use kaoping_core::{record, review, score, validate};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IPlanReport")]
    pub type IPlanReport;
    #[wasm_bindgen(typescript_type = "IScoringInputs")]
    pub type IScoringInputs;
    #[wasm_bindgen(typescript_type = "IEvaluationResult")]
    pub type IEvaluationResult;
    #[wasm_bindgen(typescript_type = "IRecordFiles")]
    pub type IRecordFiles;
    #[wasm_bindgen(typescript_type = "IRecordsEvaluation")]
    pub type IRecordsEvaluation;
    #[wasm_bindgen(typescript_type = "IReviewSheet")]
    pub type IReviewSheet;
    #[wasm_bindgen(typescript_type = "IReviewAnswers")]
    pub type IReviewAnswers;
    #[wasm_bindgen(typescript_type = "IReviewState")]
    pub type IReviewState;
    #[wasm_bindgen(typescript_type = "IReviewSubmission")]
    pub type IReviewSubmission;
    #[wasm_bindgen(typescript_type = "IFileOptions | undefined")]
    pub type IFileOptions;
    #[wasm_bindgen(typescript_type = "IFileCount")]
    pub type IFileCount;
    #[wasm_bindgen(typescript_type = "IIngestProgress")]
    pub type IIngestProgress;
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
    pub fn validate_plan(text: &str) -> Result<IPlanReport, JsError> {
        Ok(to_js(&validate::validate_plan(text))?.unchecked_into())
    }

    /// Whether a record's checksum matches its content.
    #[wasm_bindgen(js_name = verifyRecord)]
    pub fn verify_record(rec: IResponseRecord) -> Result<bool, JsError> {
        let rec: record::ResponseRecord = from_js(rec.into())?;
        Ok(record::verify_record(&rec))
    }

    /// Score the plan: records, indicator figures and history in, the full result out.
    #[wasm_bindgen(js_name = evaluatePlan)]
    pub fn evaluate_plan(&self, inputs: IScoringInputs) -> Result<IEvaluationResult, JsError> {
        let inputs: score::ScoringInputs = from_js(inputs.into())?;
        let result = score::evaluate(self.plan_ref(), &inputs).map_err(into_error)?;
        Ok(to_js(&result)?.unchecked_into())
    }

    /// Score the synthetic demo data set without leaving WASM (fast for large `n_public`).
    #[wasm_bindgen(js_name = evaluateDemo)]
    pub fn evaluate_demo(&self, seed: u32, n_public: u32) -> Result<IEvaluationResult, JsError> {
        let inputs = score::demo_inputs(u64::from(seed), n_public as usize);
        let result = score::evaluate(self.plan_ref(), &inputs).map_err(into_error)?;
        Ok(to_js(&result)?.unchecked_into())
    }

    /// Read record files (`[{name, text}]`), then score the accepted records: the ingest report
    /// (every rejection with file, row, column, reason) and the result.
    #[wasm_bindgen(js_name = evaluateRecords)]
    pub fn evaluate_records(&self, files: IRecordFiles) -> Result<IRecordsEvaluation, JsError> {
        let files: Vec<kaoping_core::ingest::RecordFile> = from_js(files.into())?;
        let out =
            kaoping_core::ingest::evaluate_files(self.plan_ref(), &files).map_err(into_error)?;
        Ok(to_js(&out)?.unchecked_into())
    }

    /// A streaming ingest of response files for this plan: `begin(name, options)`, `push(chunk)`
    /// as often as needed, `end()` per file, then `finish()` (see [`IngestRun`]).
    #[wasm_bindgen(js_name = ingestStart)]
    pub fn ingest_start(&self) -> Result<IngestRun, JsError> {
        let plan = static_plan(self.plan_ref());
        Ok(IngestRun {
            session: Some(IngestSession::scoring(plan).map_err(into_error)?),
        })
    }

    /// The synthetic demo data set (deterministic for a seed).
    #[wasm_bindgen(js_name = demoInputs)]
    pub fn demo_inputs(seed: u32, n_public: u32) -> Result<IScoringInputs, JsError> {
        Ok(to_js(&score::demo_inputs(u64::from(seed), n_public as usize))?.unchecked_into())
    }

    /// The units × indicators of a review instrument, units grouped by category.
    #[wasm_bindgen(js_name = reviewSheet)]
    pub fn review_sheet(&self, instrument: &str) -> Result<IReviewSheet, JsError> {
        let layout = review::sheet(self.plan_ref(), instrument).map_err(into_error)?;
        Ok(to_js(&layout)?.unchecked_into())
    }

    /// Cells done, per-unit progress and issues for an expert's answers so far.
    #[wasm_bindgen(js_name = evaluateReview)]
    pub fn evaluate_review(
        &self,
        instrument: &str,
        answers: IReviewAnswers,
        lang: &str,
    ) -> Result<IReviewState, JsError> {
        let answers: ReviewAnswers = from_js(answers.into())?;
        let state = review::evaluate_review(self.plan_ref(), instrument, &answers, lang)
            .map_err(into_error)?;
        Ok(to_js(&state)?.unchecked_into())
    }

    /// The record of a complete review sheet; throws when it is incomplete.
    #[wasm_bindgen(js_name = submitReview)]
    pub fn submit_review(&self, submission: IReviewSubmission) -> Result<IResponseRecord, JsError> {
        let sub: ReviewSubmission = from_js(submission.into())?;
        let rec = review::build_review_record(self.plan_ref(), &self.plan_sha256(), &sub)
            .map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }
}

thread_local! {
    /// Plans that ingest runs borrow for the life of the page (one per distinct plan).
    static PLANS: RefCell<Vec<&'static Plan>> = const { RefCell::new(Vec::new()) };
}

/// A `'static` copy of the plan for an [`IngestRun`] (a run outlives any borrow of its
/// engine); one copy per distinct plan is kept for the life of the page.
fn static_plan(plan: &Plan) -> &'static Plan {
    PLANS.with(|p| {
        let mut p = p.borrow_mut();
        if let Some(found) = p.iter().find(|x| ***x == *plan) {
            return *found;
        }
        let leaked: &'static Plan = Box::leak(Box::new(plan.clone()));
        p.push(leaked);
        leaked
    })
}

/// A streaming ingest (office build): files pushed in chunks, rows scored as they come.
#[wasm_bindgen]
pub struct IngestRun {
    session: Option<IngestSession<'static>>,
}

#[wasm_bindgen]
impl IngestRun {
    fn session(&mut self) -> Result<&mut IngestSession<'static>, JsError> {
        self.session
            .as_mut()
            .ok_or_else(|| into_error("the ingest run is finished"))
    }

    /// Start a file: `options` as `IFileOptions` (format, encoding, instrument, mapping).
    pub fn begin(&mut self, name: &str, options: IFileOptions) -> Result<(), JsError> {
        let v: wasm_bindgen::JsValue = options.into();
        let options: FileOptions = if v.is_undefined() || v.is_null() {
            FileOptions::default()
        } else {
            from_js(v)?
        };
        self.session()?.begin(name, options).map_err(into_error)
    }

    /// The next bytes of the file (any size; a row may be split anywhere).
    pub fn push(&mut self, chunk: &[u8]) -> Result<(), JsError> {
        self.session()?.push(chunk).map_err(into_error)
    }

    /// The end of the file: its counts, encoding and header mapping.
    pub fn end(&mut self) -> Result<IFileCount, JsError> {
        let count = self.session()?.end().map_err(into_error)?;
        Ok(to_js(&count)?.unchecked_into())
    }

    /// Rows read, accepted and rejected so far.
    pub fn progress(&self) -> Result<IIngestProgress, JsError> {
        let p = self
            .session
            .as_ref()
            .map(|s| s.progress())
            .unwrap_or_default();
        Ok(to_js(&p)?.unchecked_into())
    }

    /// Everything read: the ingest report and the evaluation of the accepted rows.
    pub fn finish(&mut self) -> Result<IRecordsEvaluation, JsError> {
        let session = self
            .session
            .take()
            .ok_or_else(|| into_error("the ingest run is finished"))?;
        let out = session.finish().map_err(into_error)?;
        let state = out
            .state
            .ok_or_else(|| into_error("the ingest run has no scoring state"))?;
        let result = state.finish().map_err(into_error)?;
        let eval = RecordsEvaluation {
            ingest: out.report,
            result,
        };
        Ok(to_js(&eval)?.unchecked_into())
    }
}
