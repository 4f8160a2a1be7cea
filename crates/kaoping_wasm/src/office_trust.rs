//! The office build's trust section of the plan (docs/plan.md, 信任设置): what the office page
//! offers to change in it, and the plan with the office's key put in, keys revoked or
//! instruments' access changed, as the new version its amendment panel takes.

use crate::{from_js, into_error, to_js, Engine};
use kaoping_core::amend::trust;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ITrustEdit")]
    pub type ITrustEdit;
    #[wasm_bindgen(typescript_type = "ITrustChoices")]
    pub type ITrustChoices;
}

#[wasm_bindgen]
impl Engine {
    /// The plan's keys, and each instrument's access with the accesses it may take.
    #[wasm_bindgen(js_name = trustChoices)]
    pub fn trust_choices(&self) -> Result<ITrustChoices, JsValue> {
        let choices = trust::trust_choices(self.plan_ref()).map_err(into_error)?;
        Ok(to_js(&choices)?.unchecked_into())
    }

    /// The plan `text` with its `trust` section changed by `edit` (the office's public key
    /// put in, keys revoked, instruments' access changed) and a new version, not yet amended:
    /// the new plan `planDiff` and `amendPlan` take.
    #[wasm_bindgen(js_name = planWithTrust)]
    pub fn plan_with_trust(text: &str, edit: ITrustEdit) -> Result<String, JsValue> {
        let edit: trust::TrustEdit = from_js(edit.into())?;
        trust::edit_trust(text, &edit).map_err(into_error)
    }
}
