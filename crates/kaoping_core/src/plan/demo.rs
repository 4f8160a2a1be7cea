//! The built-in demo plan: Wuhan's annual comprehensive evaluation, 16 units in four categories.

use super::Plan;

/// The demo plan as the office would write it (JSON, zh-CN and en): `plans/demo.json`,
/// embedded without its indentation (`build.rs`).
pub const DEMO_PLAN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.min.json"));

/// The demo plan, parsed. It is validated by the test suite, so this cannot fail at run time.
pub fn demo_plan() -> Plan {
    super::load_plan(DEMO_PLAN_JSON).expect("the embedded demo plan is valid (tested)")
}

/// The demo plan's part for the forms: the plan without its `tracking` section (compact, keys
/// sorted), embedded by the respondent's build instead of [`DEMO_PLAN_JSON`] to keep that WASM
/// within its size budget. Read it with [`demo_form_plan`], which fingerprints it as the whole
/// demo plan.
pub const DEMO_FORMS_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.forms.min.json"));

/// The fingerprint of the whole demo plan as written (computed when the crate is built).
pub const DEMO_PLAN_SHA256: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.sha256"));

/// The demo plan for the forms: [`DEMO_FORMS_JSON`] read as a [`super::FormPlan`], with the whole
/// demo plan's fingerprint, so that its records are records of the demo plan.
pub fn demo_form_plan() -> Result<(serde_json::Value, super::FormPlan), super::PlanLoadError> {
    let (json, form) = super::load_form_plan(DEMO_FORMS_JSON)?;
    Ok((
        json,
        super::FormPlan {
            sha256: DEMO_PLAN_SHA256.to_owned(),
            ..form
        },
    ))
}

/// The demo plan's source text, indented as written (for people: `kaoping demo plan`).
pub const DEMO_PLAN_SOURCE: &str = include_str!("../../plans/demo.json");
