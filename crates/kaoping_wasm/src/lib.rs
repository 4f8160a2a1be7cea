//! The wasm-bindgen facade over `kaoping_core`: one [`Engine`], each method converts JS values
//! in, calls the core, converts the result out. No logic lives here.

use kaoping_core::form::Answers;
use kaoping_core::plan::{demo_plan, Plan, DEMO_PLAN_JSON};
use kaoping_core::record::Submission;
use kaoping_core::review::{ReviewAnswers, ReviewSubmission};
use kaoping_core::{form, record, review, validate};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &str = include_str!("../types.d.ts");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IPlan")]
    pub type IPlan;
    #[wasm_bindgen(typescript_type = "IAnswers")]
    pub type IAnswers;
    #[wasm_bindgen(typescript_type = "IFormState")]
    pub type IFormState;
    #[wasm_bindgen(typescript_type = "ISubmission")]
    pub type ISubmission;
    #[wasm_bindgen(typescript_type = "IResponseRecord")]
    pub type IResponseRecord;
    #[wasm_bindgen(typescript_type = "IPlanReport")]
    pub type IPlanReport;
    #[wasm_bindgen(typescript_type = "IReviewSheet")]
    pub type IReviewSheet;
    #[wasm_bindgen(typescript_type = "IReviewAnswers")]
    pub type IReviewAnswers;
    #[wasm_bindgen(typescript_type = "IReviewState")]
    pub type IReviewState;
    #[wasm_bindgen(typescript_type = "IReviewSubmission")]
    pub type IReviewSubmission;
}

#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The one error path: any core error becomes a JS `Error` with the core's message.
fn into_error(e: impl std::fmt::Display) -> JsError {
    JsError::new(&e.to_string())
}

// Conversions go through `serde_json::Value`: serde-wasm-bindgen is then instantiated for one
// type only, and the core's own JSON code is reused, which keeps the WASM small.

fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsError> {
    serde_json::to_value(value)
        .map_err(into_error)?
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(into_error)
}

fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsError> {
    let json: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(into_error)?;
    serde_json::from_value(json).map_err(into_error)
}

/// One loaded plan and everything the pages ask of it.
#[wasm_bindgen]
pub struct Engine {
    plan: Plan,
    plan_sha256: String,
}

#[wasm_bindgen]
impl Engine {
    /// Load a plan from its JSON text; without text, the built-in demo plan. Throws with every
    /// problem listed when the plan is invalid.
    #[wasm_bindgen(constructor)]
    pub fn new(plan_json: Option<String>) -> Result<Engine, JsError> {
        let report = validate::validate_plan(plan_json.as_deref().unwrap_or(DEMO_PLAN_JSON));
        match (report.plan, report.sha256) {
            (Some(plan), Some(plan_sha256)) => Ok(Engine { plan, plan_sha256 }),
            _ => Err(into_error(
                report
                    .problems
                    .iter()
                    .map(|p| format!("{}: {}", p.path, p.message.get("en")))
                    .collect::<Vec<_>>()
                    .join("\n"),
            )),
        }
    }

    /// The engine version.
    pub fn version() -> String {
        kaoping_core::ENGINE_VERSION.to_owned()
    }

    /// The built-in demo plan's JSON text.
    #[wasm_bindgen(js_name = demoPlanJson)]
    pub fn demo_plan_json() -> String {
        DEMO_PLAN_JSON.to_owned()
    }

    /// Validate a plan text: every problem with its path and line:column.
    #[wasm_bindgen(js_name = validatePlan)]
    pub fn validate_plan(text: &str) -> Result<IPlanReport, JsError> {
        Ok(to_js(&validate::validate_plan(text))?.unchecked_into())
    }

    /// The loaded plan.
    pub fn plan(&self) -> Result<IPlan, JsError> {
        Ok(to_js(&self.plan)?.unchecked_into())
    }

    /// SHA-256 of the canonical plan JSON.
    #[wasm_bindgen(getter, js_name = planSha256)]
    pub fn plan_sha256(&self) -> String {
        self.plan_sha256.clone()
    }

    /// Shown sections and questions, issues and progress for the answers so far.
    pub fn evaluate(
        &self,
        instrument: &str,
        answers: IAnswers,
        lang: &str,
    ) -> Result<IFormState, JsError> {
        let ins = self
            .plan
            .instrument(instrument)
            .ok_or_else(|| into_error(format!("the plan has no instrument \"{instrument}\"")))?;
        let answers: Answers = from_js(answers.into())?;
        Ok(to_js(&form::evaluate(ins, &answers, lang))?.unchecked_into())
    }

    /// The response record of a complete submission; throws when answers are incomplete.
    pub fn submit(&self, submission: ISubmission) -> Result<IResponseRecord, JsError> {
        let sub: Submission = from_js(submission.into())?;
        let rec = record::build_record(&self.plan, &self.plan_sha256, &sub).map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }

    /// The units × indicators of a review instrument, units grouped by category.
    #[wasm_bindgen(js_name = reviewSheet)]
    pub fn review_sheet(&self, instrument: &str) -> Result<IReviewSheet, JsError> {
        let layout = review::sheet(&self.plan, instrument).map_err(into_error)?;
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
        let state =
            review::evaluate_review(&self.plan, instrument, &answers, lang).map_err(into_error)?;
        Ok(to_js(&state)?.unchecked_into())
    }

    /// The record of a complete review sheet; throws when it is incomplete.
    #[wasm_bindgen(js_name = submitReview)]
    pub fn submit_review(&self, submission: IReviewSubmission) -> Result<IResponseRecord, JsError> {
        let sub: ReviewSubmission = from_js(submission.into())?;
        let rec =
            review::build_review_record(&self.plan, &self.plan_sha256, &sub).map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }

    /// Whether a record's checksum matches its content.
    #[wasm_bindgen(js_name = verifyRecord)]
    pub fn verify_record(rec: IResponseRecord) -> Result<bool, JsError> {
        let rec: record::ResponseRecord = from_js(rec.into())?;
        Ok(record::verify_record(&rec))
    }
}

/// The demo plan, for tests.
pub fn demo() -> Plan {
    demo_plan()
}
