//! The built-in demo plan: Wuhan's annual comprehensive evaluation, 16 units in four categories.

use super::Plan;

/// The demo plan as the office would write it (JSON, zh-CN and en): `plans/demo.json`,
/// embedded without its indentation (`build.rs`).
pub const DEMO_PLAN_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.min.json"));

/// The demo plan, parsed. It is validated by the test suite, so this cannot fail at run time.
pub fn demo_plan() -> Plan {
    super::load_plan(DEMO_PLAN_JSON).expect("the embedded demo plan is valid (tested)")
}

/// The demo plan's source text, indented as written (for people: `kaoping demo plan`).
pub const DEMO_PLAN_SOURCE: &str = include_str!("../../plans/demo.json");
