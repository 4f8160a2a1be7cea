//! The office build's methods (`--features office`): plan validation, record checks, scoring.

use crate::{from_js, into_error, to_js, Engine, IResponseRecord};
use kaoping_core::review::{ReviewAnswers, ReviewSubmission};
use kaoping_core::{record, review, score, validate};
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
    #[wasm_bindgen(typescript_type = "ITrackFiles")]
    pub type ITrackFiles;
    #[wasm_bindgen(typescript_type = "ITrackOutput")]
    pub type ITrackOutput;
    #[wasm_bindgen(typescript_type = "IDemoPeriods")]
    pub type IDemoPeriods;
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

    /// Tracking through the year: period, project and event files in (CSV or JSON text), the
    /// report (every rejection, series, projects, events, warnings), the warning CSV and a
    /// printable notice per warned unit out.
    pub fn track(&self, files: ITrackFiles) -> Result<ITrackOutput, JsError> {
        let files: kaoping_core::track::TrackFiles = from_js(files.into())?;
        let out = kaoping_core::track::track_files(self.plan_ref(), &files).map_err(into_error)?;
        Ok(to_js(&out)?.unchecked_into())
    }

    /// The demo plan's synthetic tracking files up to a month (`2026-09`; none: the year).
    #[wasm_bindgen(js_name = demoPeriods)]
    pub fn demo_periods(seed: u32, through: Option<String>) -> Result<IDemoPeriods, JsError> {
        let d = kaoping_core::track::demo_periods(u64::from(seed), through.as_deref())
            .map_err(into_error)?;
        Ok(to_js(&d)?.unchecked_into())
    }
}
