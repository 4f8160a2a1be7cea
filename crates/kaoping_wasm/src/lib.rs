//! The wasm-bindgen facade over `kaoping_core`: one [`Engine`], each method converts JS values
//! in, calls the core, converts the result out. No logic lives here.
//!
//! Three builds of this one facade: the default (respondent) build has what the forms need;
//! `--features review` adds the review page's sheets and invitations (`review.rs`);
//! `--features office` adds those and what the office needs (plan validation, record checks,
//! scoring).

use kaoping_core::form::Answers;
#[cfg(feature = "office")]
use kaoping_core::plan::load_plan_as_written;
#[cfg(feature = "review")]
use kaoping_core::plan::DEMO_PLAN_JSON;
use kaoping_core::plan::{FormPlan, Instrument};
use kaoping_core::record::{RecordError, Submission};
use kaoping_core::text::Bilingual;
use kaoping_core::{form, record};
#[cfg(feature = "review")]
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[cfg(feature = "office")]
mod office;
#[cfg(feature = "office")]
mod office_codes;
#[cfg(feature = "office")]
mod office_files;
#[cfg(feature = "office")]
mod office_trust;
#[cfg(feature = "review")]
mod review;
#[cfg(feature = "office")]
pub use office::{JsAggregation, JsFile, JsOutput};
#[cfg(feature = "office")]
pub use office_files::{JsCarried, JsPlanFile};

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
    #[wasm_bindgen(typescript_type = "IFormDiff")]
    pub type IFormDiff;
    #[wasm_bindgen(typescript_type = "ISubmission")]
    pub type ISubmission;
    #[wasm_bindgen(typescript_type = "IResponseRecord")]
    pub type IResponseRecord;
    #[wasm_bindgen(typescript_type = "ICarryOver")]
    pub type ICarryOver;
    #[wasm_bindgen(typescript_type = "Record<string, unknown>")]
    pub type IPrefill;
    #[wasm_bindgen(typescript_type = "IPrefillIssue[]")]
    pub type IPrefillIssues;
}

#[wasm_bindgen(start)]
pub fn start() {
    // The office build logs a panic's message to the console. The forms build does not: the
    // hook costs 0.85 KB gzip of the respondent page's budget (measured: 140,090 against
    // 139,234 bytes of gzipped, wasm-opt'd WASM), and the core returns errors, not panics
    // (fuzzed, docs/limits.md); a panic there is still an exception, without the message.
    #[cfg(feature = "office")]
    console_error_panic_hook::set_once();
}

/// The one error path: an error becomes a JS `Error` whose `message` is the English text and
/// whose `text` is `{"zh-CN": …, "en": …}`, for the pages to show in their language, in both
/// builds. The core's errors give their own zh-CN text (`kaoping_core::text::Bilingual`); the
/// facade's own are a [`FacadeError`]. In the forms build the zh texts cost 0.6 KB gzip, paid
/// for by its wasm-opt settings (`xtask/src/web.rs`, `settings`).
pub(crate) fn into_error(e: impl Bilingual) -> JsValue {
    js_error(e.to_string(), e.zh())
}

/// `into_error` without its type: one copy in the WASM, not one per error type.
fn js_error(en: String, zh: String) -> JsValue {
    let err = js_sys::Error::new(&en);
    let text = js_sys::Object::new();
    // Setting a property of a fresh object cannot fail.
    let _ = js_sys::Reflect::set(&text, &"zh-CN".into(), &zh.into());
    let _ = js_sys::Reflect::set(&text, &"en".into(), &en.into());
    let _ = js_sys::Reflect::set(&err, &"text".into(), &text);
    err.into()
}

/// An error of the facade itself, not of the core.
#[derive(Debug)]
pub(crate) enum FacadeError {
    /// A value from JavaScript that is not what the core takes, or a result that does not
    /// convert back (serde's message, in English: it names the Rust field).
    Convert(String),
    /// A call on an ingest run after its `finish()`.
    #[cfg(feature = "office")]
    IngestFinished,
    /// A call on an aggregate run after its `finish()`.
    #[cfg(feature = "office")]
    AggregateFinished,
}

impl FacadeError {
    pub(crate) fn convert(e: impl std::fmt::Display) -> JsValue {
        into_error(FacadeError::Convert(e.to_string()))
    }
}

impl std::fmt::Display for FacadeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FacadeError::Convert(why) => f.write_str(why),
            #[cfg(feature = "office")]
            FacadeError::IngestFinished => f.write_str("the ingest run is finished"),
            #[cfg(feature = "office")]
            FacadeError::AggregateFinished => f.write_str("the aggregate run is finished"),
        }
    }
}

impl Bilingual for FacadeError {
    fn zh(&self) -> String {
        match self {
            FacadeError::Convert(why) => format!("传入的数据格式有误：{why}"),
            #[cfg(feature = "office")]
            FacadeError::IngestFinished => "本次导入已结束".to_owned(),
            #[cfg(feature = "office")]
            FacadeError::AggregateFinished => "本次汇总已结束".to_owned(),
        }
    }
}

// Conversions go through JSON text: `JSON.stringify` and `JSON.parse` on the JavaScript side,
// serde_json's reader and writer (which the core has anyway, for plans and records) on this
// side. One generic path and no code per JS value kind keeps the WASM and its glue small:
// against serde-wasm-bindgen it took 5.1 KB gzip off the respondent's page and 5.7 KB off the
// review page (docs/size.md). The office build still uses serde-wasm-bindgen for byte arrays.

pub(crate) fn to_js<T: Serialize>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_string(value).map_err(FacadeError::convert)?;
    js_sys::JSON::parse(&text)
}

#[cfg(feature = "review")]
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Result<T, JsValue> {
    // From the borrowed value, as the plan is read (`load_form_plan`): one of serde_json's two
    // value deserializers in the WASM, not both.
    T::deserialize(&json_of(value)?).map_err(FacadeError::convert)
}

/// A value from JavaScript read by one of the core's hand readers (`Answers::from_value`,
/// `Submission::from_value`): serde's errors without serde's code per type, so that the forms
/// build links no derived `Deserialize` at all (docs/size.md). The review and office builds
/// read them the same way; the hand readers and serde's derive give the same values and
/// error texts (`kaoping_core/tests/hand_readers.rs`).
pub(crate) fn read_js<T>(
    value: JsValue,
    read: fn(&serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, JsValue> {
    read(&json_of(value)?).map_err(FacadeError::convert)
}

/// A JavaScript value as JSON: `undefined` is `null`, and what JSON cannot hold is dropped as
/// `JSON.stringify` drops it (an `undefined` member, a function) or is an error (a `BigInt`,
/// a cycle).
pub(crate) fn json_of(value: JsValue) -> Result<serde_json::Value, JsValue> {
    let text = js_sys::JSON::stringify(&value)
        .map_err(|_| FacadeError::convert("a value JSON cannot hold (a BigInt, or a cycle)"))?;
    match text.as_string() {
        Some(text) => serde_json::from_str(&text).map_err(FacadeError::convert),
        None => Ok(serde_json::Value::Null),
    }
}

/// One loaded plan and everything the pages ask of it.
#[wasm_bindgen]
pub struct Engine {
    /// The plan as written, for the pages to draw.
    json: serde_json::Value,
    /// What the forms need of it.
    form: FormPlan,
    /// The whole typed plan (review and office builds: sheets, validation, scoring), shared
    /// with the runs that borrow it (an ingest or aggregate run outlives any borrow of its
    /// engine).
    #[cfg(feature = "review")]
    plan: std::rc::Rc<kaoping_core::plan::Plan>,
}

#[wasm_bindgen]
impl Engine {
    /// Load a plan from its JSON text; without text, the built-in demo plan. Throws, with the
    /// line and column, when the text is not a plan.
    #[wasm_bindgen(constructor)]
    pub fn new(plan_json: Option<String>) -> Result<Engine, JsValue> {
        // The review and office builds embed the whole demo plan and read it whole, once;
        // the forms build only its forms part (fingerprinted as the whole plan), which keeps
        // the respondent's WASM small.
        #[cfg(feature = "review")]
        {
            let text = plan_json.as_deref().unwrap_or(DEMO_PLAN_JSON);
            // The review build reads the plan's types from the value (one deserializer of
            // them, not two: its size budget); the office's locates a content error.
            #[cfg(feature = "office")]
            let (json, plan) = load_plan_as_written(text).map_err(into_error)?;
            #[cfg(not(feature = "office"))]
            let (json, plan) =
                kaoping_core::plan::load_plan_from_value(text).map_err(into_error)?;
            Ok(Engine {
                json,
                form: FormPlan::of(&plan),
                plan: std::rc::Rc::new(plan),
            })
        }
        #[cfg(not(feature = "review"))]
        {
            let loaded = kaoping_core::plan::form_plan_or_demo(plan_json.as_deref());
            let (json, form) = loaded.map_err(into_error)?;
            Ok(Engine { json, form })
        }
    }

    /// The loaded plan, as written (keys left out for their defaults stay left out).
    pub fn plan(&self) -> Result<IPlan, JsValue> {
        Ok(to_js(&self.json)?.unchecked_into())
    }

    /// SHA-256 of the canonical plan JSON.
    #[wasm_bindgen(getter, js_name = planSha256)]
    pub fn plan_sha256(&self) -> String {
        self.form.sha256.clone()
    }

    /// Shown sections and questions, issues and progress for the answers so far.
    pub fn evaluate(
        &self,
        instrument: &str,
        answers: IAnswers,
        lang: &str,
    ) -> Result<IFormState, JsValue> {
        let ins = self.instrument(instrument)?;
        let answers = read_js(answers.into(), Answers::from_value)?;
        Ok(to_js(&form::evaluate(ins, &answers, lang))?.unchecked_into())
    }

    /// A form being filled in with the answers so far, kept between answers: each answer set
    /// in it re-evaluates only what reads it (the page's path; `evaluate` gives the same state).
    // Not in the review build: its page draws no survey (its size budget).
    #[cfg(any(feature = "office", not(feature = "review")))]
    #[wasm_bindgen(js_name = formSession)]
    pub fn form_session(
        &self,
        instrument: &str,
        answers: IAnswers,
        lang: &str,
    ) -> Result<FormSession, JsValue> {
        let ins = self.instrument(instrument)?;
        let answers = read_js(answers.into(), Answers::from_value)?;
        Ok(FormSession(form::FormSession::new(ins, answers, lang)))
    }

    /// A draft's answers, made under another version of the plan, carried over to this one:
    /// what still fits, and the rest listed with the reason.
    #[wasm_bindgen(js_name = carryOver)]
    pub fn carry_over(&self, instrument: &str, answers: IAnswers) -> Result<ICarryOver, JsValue> {
        let ins = self.instrument(instrument)?;
        let answers = read_js(answers.into(), Answers::from_value)?;
        Ok(to_js(&form::carry_over(ins, &answers))?.unchecked_into())
    }

    /// The response record of a complete submission; throws when answers are incomplete or
    /// the instrument takes a one-time code and `code` is not one.
    pub fn submit(&self, submission: ISubmission) -> Result<IResponseRecord, JsValue> {
        let sub = read_js(submission.into(), Submission::from_value)?;
        let rec = record::build_form_record(&self.form, &sub).map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }

    /// A portal's prefilled answers (answer per question id) checked against the instrument,
    /// with the answers so far: every problem in both languages, none when the form may take
    /// them (`record::check_prefill`).
    // Not in the review build: its pages take no prefill (the review page's budget).
    #[cfg(any(not(feature = "review"), feature = "office"))]
    #[wasm_bindgen(js_name = checkPrefill)]
    pub fn check_prefill(
        &self,
        instrument: &str,
        answers: IAnswers,
        prefill: IPrefill,
    ) -> Result<IPrefillIssues, JsValue> {
        let ins = self.instrument(instrument)?;
        let answers = read_js(answers.into(), Answers::from_value)?;
        let prefill = read_js(prefill.into(), record::answer_map)?;
        Ok(to_js(&record::check_prefill(ins, &answers, &prefill))?.unchecked_into())
    }

    /// Whether the instrument takes a one-time code (the page asks for it before the questions).
    #[wasm_bindgen(js_name = needsCode)]
    pub fn needs_code(&self, instrument: &str) -> bool {
        self.form.needs_code(instrument)
    }
}

/// One respondent's form between answers (`Engine.formSession`).
#[cfg(any(feature = "office", not(feature = "review")))]
#[wasm_bindgen]
pub struct FormSession(form::FormSession);

#[cfg(any(feature = "office", not(feature = "review")))]
#[wasm_bindgen]
impl FormSession {
    /// The whole state of the form: shown sections and questions, issues and progress.
    pub fn state(&self) -> Result<IFormState, JsValue> {
        Ok(to_js(&self.0.state())?.unchecked_into())
    }

    /// Every question's status, the shown sections and the counts: what the page draws first.
    pub fn all(&self) -> Result<IFormDiff, JsValue> {
        Ok(to_js(&self.0.all())?.unchecked_into())
    }

    /// Set one answer (`null` or `undefined` clears it); what changed.
    #[wasm_bindgen(js_name = setAnswer)]
    pub fn set_answer(&mut self, question: &str, value: JsValue) -> Result<IFormDiff, JsValue> {
        let value = json_of(value)?;
        Ok(to_js(&self.0.set_answer(question, value))?.unchecked_into())
    }

    /// Set one written reason (`undefined` clears it); what changed.
    #[wasm_bindgen(js_name = setReason)]
    pub fn set_reason(
        &mut self,
        question: &str,
        text: Option<String>,
    ) -> Result<IFormDiff, JsValue> {
        Ok(to_js(&self.0.set_reason(question, text))?.unchecked_into())
    }
}

impl Engine {
    fn instrument(&self, id: &str) -> Result<&Instrument, JsValue> {
        self.form
            .instrument(id)
            .ok_or_else(|| into_error(RecordError::UnknownInstrument(id.to_owned())))
    }

    #[cfg(feature = "review")]
    pub(crate) fn plan_ref(&self) -> &kaoping_core::plan::Plan {
        &self.plan
    }

    /// The plan, shared, for a run that keeps it.
    #[cfg(feature = "office")]
    pub(crate) fn plan_rc(&self) -> std::rc::Rc<kaoping_core::plan::Plan> {
        std::rc::Rc::clone(&self.plan)
    }
}
