//! The built-in demo plan: Wuhan's annual comprehensive evaluation, 16 units in four categories.

use super::Plan;

/// The demo plan as the office would write it (JSON, zh-CN and en): `plans/demo.json`,
/// embedded without its indentation (`build.rs`).
pub const DEMO_PLAN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.min.json"));

/// The demo plan, parsed. It is validated by the test suite, so this cannot fail at run time.
pub fn demo_plan() -> Plan {
    super::load_plan(DEMO_PLAN_JSON).expect("the embedded demo plan is valid (tested)")
}

/// The demo plan's part for the forms: the plan without its `scoring` and `tracking` sections
/// (compact), embedded by the respondent's build instead of [`DEMO_PLAN_JSON`] to keep that WASM
/// within its size budget. Read it with [`form_plan_or_demo`], which fingerprints it as the whole
/// demo plan.
pub const DEMO_FORMS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.forms.min.json"));

/// The fingerprint of the whole demo plan as written (computed when the crate is built).
pub const DEMO_PLAN_SHA256: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.sha256"));

/// A plan read for answering from its text, or, without one, the demo plan's forms part
/// ([`DEMO_FORMS_JSON`]) fingerprinted as the whole demo plan, so that its records are records
/// of the demo plan.
pub fn form_plan_or_demo(
    text: Option<&str>,
) -> Result<(serde_json::Value, super::FormPlan), super::PlanLoadError> {
    let (json, mut form) = super::load_form_plan(text.unwrap_or(DEMO_FORMS_JSON))?;
    if text.is_none() {
        form.sha256 = DEMO_PLAN_SHA256.to_owned();
    }
    Ok((json, form))
}

/// The demo plan's source text, indented as written (for people: `kaoping demo plan`).
pub const DEMO_PLAN_SOURCE: &str = include_str!("../../plans/demo.json");
