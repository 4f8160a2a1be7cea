//! The office build's one-time codes (`docs/trust.md`): the instruments that take codes, a new
//! batch from the page's random bytes, and its files once the page has signed it. Also the
//! password rule of the office key's backup file, which the page asks before encrypting.

use crate::{from_js, into_error, to_js, Engine};
use kaoping_core::trust::issue;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "ICodedInstrument[]")]
    pub type ICodedInstruments;
    #[wasm_bindgen(typescript_type = "ICodeIssue")]
    pub type ICodeIssue;
    #[wasm_bindgen(typescript_type = "ICodeFiles")]
    pub type ICodeFiles;
}

#[wasm_bindgen]
impl Engine {
    /// Throws unless `password` may protect an office key's backup file (at least 12
    /// characters, as `kaoping keys new` asks).
    #[wasm_bindgen(js_name = checkKeyPassword)]
    pub fn check_key_password(password: &str) -> Result<(), JsValue> {
        kaoping_core::trust::keys::check_backup_password(password).map_err(into_error)
    }

    /// The plan's instruments that take one-time codes, titled in `lang`.
    #[wasm_bindgen(js_name = codedInstruments)]
    pub fn coded_instruments(&self, lang: &str) -> Result<ICodedInstruments, JsValue> {
        let list = issue::coded_instruments(self.plan_ref(), lang);
        Ok(to_js(&list)?.unchecked_into())
    }

    /// A new batch of `random.length / 8` codes (random from `crypto.getRandomValues`): the
    /// codes, the unsigned batch and the bytes for the office key `key` to sign.
    #[wasm_bindgen(js_name = issueCodes)]
    pub fn issue_codes(
        &self,
        instrument: &str,
        batch: &str,
        created: &str,
        key: &str,
        random: &[u8],
    ) -> Result<ICodeIssue, JsValue> {
        let issued = issue::issue_codes(self.plan_ref(), instrument, batch, created, key, random)
            .map_err(into_error)?;
        Ok(to_js(&issued)?.unchecked_into())
    }

    /// The files of a batch with its signature (base64url) put in and checked: the batch JSON
    /// and the slips (CSV, printable HTML naming `respond_url`).
    #[wasm_bindgen(js_name = codeFiles)]
    pub fn code_files(
        &self,
        issued: ICodeIssue,
        signature: &str,
        respond_url: Option<String>,
    ) -> Result<ICodeFiles, JsValue> {
        let issued: issue::CodeIssue = from_js(issued.into())?;
        let files = issue::sign_issue(self.plan_ref(), &issued, signature, respond_url.as_deref())
            .map_err(into_error)?;
        Ok(to_js(&files)?.unchecked_into())
    }
}
