//! The review page's part of the facade: the review and site-check sheets, their state, their
//! records, and the invitations that open them and have them signed (`docs/trust.md`). In the
//! review build (`--features review`, www/pkg-review: what review.html loads) and in the
//! office build, which has all of it.

use crate::{from_js, into_error, read_js, to_js, Engine, IResponseRecord};
use kaoping_core::invite;
use kaoping_core::record;
use kaoping_core::review::{self, ReviewAnswers, ReviewSheetLayout, ReviewSubmission};
use kaoping_core::track::sheet;
use kaoping_core::trust;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IReviewSheetLayout")]
    pub type IReviewSheet;
    #[wasm_bindgen(typescript_type = "IReviewAnswers")]
    pub type IReviewAnswers;
    #[wasm_bindgen(typescript_type = "IReviewState")]
    pub type IReviewState;
    #[wasm_bindgen(typescript_type = "IReviewCarryOver")]
    pub type IReviewCarryOver;
    #[wasm_bindgen(typescript_type = "IReviewSubmission")]
    pub type IReviewSubmission;
    #[wasm_bindgen(typescript_type = "IInvitedSheet")]
    pub type IInvitedSheet;
}

#[wasm_bindgen]
impl Engine {
    /// The units × indicators of a review instrument, units grouped by category; or the
    /// projects × criteria of a site-check sheet of the plan's tracking section.
    #[wasm_bindgen(js_name = reviewSheet)]
    pub fn review_sheet(&self, instrument: &str) -> Result<IReviewSheet, JsValue> {
        let layout = sheet::sheet(self.plan_ref(), instrument).map_err(into_error)?;
        Ok(to_js(&layout)?.unchecked_into())
    }

    /// Cells done, per-unit progress and issues for an expert's answers so far.
    #[wasm_bindgen(js_name = evaluateReview)]
    pub fn evaluate_review(
        &self,
        instrument: &str,
        answers: IReviewAnswers,
        lang: &str,
    ) -> Result<IReviewState, JsValue> {
        let answers = read_js(answers.into(), ReviewAnswers::from_value)?;
        let state = sheet::evaluate_review(self.plan_ref(), instrument, &answers, lang)
            .map_err(into_error)?;
        Ok(to_js(&state)?.unchecked_into())
    }

    /// What of a sheet begun under another version of the plan still has its place on this
    /// one (kept), and what not (listed with its reason).
    #[wasm_bindgen(js_name = carryOverReview)]
    pub fn carry_over_review(
        &self,
        instrument: &str,
        answers: IReviewAnswers,
    ) -> Result<IReviewCarryOver, JsValue> {
        let answers = read_js(answers.into(), ReviewAnswers::from_value)?;
        let c =
            sheet::carry_over_review(self.plan_ref(), instrument, &answers).map_err(into_error)?;
        Ok(to_js(&c)?.unchecked_into())
    }

    /// The record of a complete review sheet; throws when it is incomplete.
    #[wasm_bindgen(js_name = submitReview)]
    pub fn submit_review(&self, submission: IReviewSubmission) -> Result<IResponseRecord, JsValue> {
        let sub = read_js(submission.into(), ReviewSubmission::from_value)?;
        let rec = sheet::build_review_record(self.plan_ref(), &self.plan_sha256(), &sub)
            .map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }

    /// The review sheet an office invitation opens at `now_ms` (ms since the epoch): the
    /// invitation and the sheet with only its units. Throws why it is refused (another
    /// office's or damaged token, revoked key, another plan or instrument, not valid now).
    #[wasm_bindgen(js_name = openInvitation)]
    pub fn open_invitation(
        &self,
        instrument: &str,
        token: &str,
        now_ms: f64,
    ) -> Result<IInvitedSheet, JsValue> {
        let sheet = invite::invited_sheet(self.plan_ref(), instrument, token, now_ms)
            .map_err(into_error)?;
        Ok(to_js(&sheet)?.unchecked_into())
    }

    /// `evaluateReview` against a given layout (an invited sheet's, from `openInvitation`).
    #[wasm_bindgen(js_name = evaluateReviewLayout)]
    pub fn evaluate_review_layout(
        &self,
        layout: IReviewSheet,
        answers: IReviewAnswers,
        lang: &str,
    ) -> Result<IReviewState, JsValue> {
        let layout: ReviewSheetLayout = from_js(layout.into())?;
        let answers = read_js(answers.into(), ReviewAnswers::from_value)?;
        Ok(to_js(&review::evaluate_layout(&layout, &answers, lang))?.unchecked_into())
    }

    /// The record of a complete invited sheet under `token`, with the device's public key
    /// `key` and a blank signature, for the device to sign (`sheetMessage`).
    #[wasm_bindgen(js_name = submitInvited)]
    pub fn submit_invited(
        &self,
        layout: IReviewSheet,
        submission: IReviewSubmission,
        token: &str,
        key: &str,
    ) -> Result<IResponseRecord, JsValue> {
        let layout: ReviewSheetLayout = from_js(layout.into())?;
        let sub = read_js(submission.into(), ReviewSubmission::from_value)?;
        let rec = invite::invited_record(
            self.plan_ref(),
            &self.plan_sha256(),
            &layout,
            &sub,
            token,
            key,
        )
        .map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }

    /// The bytes the rater's device signs for a prepared record (`"kaoping.sheet/1\n"` +
    /// its checksum).
    #[wasm_bindgen(js_name = sheetMessage)]
    pub fn sheet_message(&self, record: IResponseRecord) -> Result<Vec<u8>, JsValue> {
        let rec: record::ResponseRecord = from_js(record.into())?;
        Ok(trust::sheet_message(&rec))
    }

    /// The record with the device's signature (base64url) put in; throws when it does not
    /// verify under the record's device key.
    #[wasm_bindgen(js_name = attachSignature)]
    pub fn attach_signature(
        &self,
        record: IResponseRecord,
        signature: &str,
    ) -> Result<IResponseRecord, JsValue> {
        let rec: record::ResponseRecord = from_js(record.into())?;
        let rec = trust::attach_signature(rec, signature).map_err(into_error)?;
        Ok(to_js(&rec)?.unchecked_into())
    }
}
