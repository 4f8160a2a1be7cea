//! The office build's methods for the office's own files (`--features office`): the preview of
//! a response table before a run, the year-end files (templates, next year's history), and a
//! questionnaire from another tool imported into the plan.

use crate::office::{files_of, IFileBytes, IFileOptions, JsFile};
use crate::{from_js, into_error, to_js, Engine, FacadeError};
use kaoping_core::import::{self, ImportOptions};
use kaoping_core::score::HistoryEntry;
use kaoping_core::yearend::{self, NamedFile, TemplateKind};
use serde::Serialize;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IPreview | null")]
    pub type IPreviewOrNull;
    #[wasm_bindgen(typescript_type = "ITemplateKind")]
    pub type ITemplateKind;
    #[wasm_bindgen(typescript_type = "ICarriedForward")]
    pub type ICarriedForward;
    #[wasm_bindgen(typescript_type = "INextYear")]
    pub type INextYear;
    #[wasm_bindgen(typescript_type = "IImportOptions | undefined")]
    pub type IImportOptions;
    #[wasm_bindgen(typescript_type = "IFormImport")]
    pub type IFormImport;
}

/// Next year's history for the page: the file's bytes and its entries.
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "CarriedForward")]
pub struct JsCarried<'a> {
    #[serde(with = "serde_bytes")]
    #[schemars(with = "String", extend("tsType" = "Uint8Array"))]
    pub bytes: &'a [u8],
    pub entries: &'a [HistoryEntry],
}

fn named(f: &JsFile) -> NamedFile<'_> {
    NamedFile {
        name: &f.name,
        bytes: &f.bytes,
    }
}

#[wasm_bindgen]
impl Engine {
    /// The questionnaire `bytes` (an XLSForm workbook, or SurveyJS JSON), named `file_name`,
    /// added to the plan `plan_json` as an instrument: the new plan, every item not imported
    /// with its reason, and the new plan's validation.
    #[wasm_bindgen(js_name = importForm)]
    pub fn import_form(
        bytes: &[u8],
        file_name: &str,
        plan_json: &str,
        options: IImportOptions,
    ) -> Result<IFormImport, JsValue> {
        let options: JsValue = options.into();
        let options: ImportOptions = if options.is_undefined() || options.is_null() {
            ImportOptions::default()
        } else {
            from_js(options)?
        };
        let got = import::import_form(file_name, bytes, plan_json, &options).map_err(into_error)?;
        Ok(to_js(&got)?.unchecked_into())
    }

    /// Whether a run reads the file `name` as a table (CSV, TSV or XLSX), from its name and
    /// `head`, its first bytes (`tableHeadBytes()` of them are enough): the files the page
    /// checks with `previewTable` and gives column options.
    #[wasm_bindgen(js_name = readsAsTable)]
    pub fn reads_as_table(name: &str, head: &[u8]) -> bool {
        kaoping_core::aggregate::reads_as_table(name, head)
    }

    /// How many first bytes of a file `readsAsTable` looks at.
    #[wasm_bindgen(js_name = tableHeadBytes)]
    pub fn table_head_bytes() -> usize {
        kaoping_core::aggregate::TABLE_HEAD_BYTES
    }

    /// What a run will make of the response table `name` (CSV, TSV or XLSX) read with
    /// `options`: the header mapping, each column's reading, every value that matches no
    /// option; `null` when it fits no instrument. Give its `readings` back in the file's
    /// options for the run.
    #[wasm_bindgen(js_name = previewTable)]
    pub fn preview_table(
        &self,
        name: &str,
        bytes: &[u8],
        options: IFileOptions,
    ) -> Result<IPreviewOrNull, JsValue> {
        let options = crate::office::file_options(options)?;
        let preview = kaoping_core::aggregate::preview_file(self.plan_ref(), name, bytes, &options)
            .map_err(into_error)?;
        Ok(to_js(&preview)?.unchecked_into())
    }

    /// A year-end template of this plan (`figures` or `history`), its labels in `lang`, as
    /// the file `file_name` (`.csv` or `.xlsx`).
    #[wasm_bindgen(js_name = yearEndTemplate)]
    pub fn year_end_template(
        &self,
        kind: ITemplateKind,
        lang: &str,
        file_name: &str,
    ) -> Result<Vec<u8>, JsValue> {
        let kind: TemplateKind = from_js(kind.into())?;
        let (bytes, _rows) =
            yearend::template_file(self.plan_ref(), kind, lang, file_name).map_err(into_error)?;
        Ok(bytes)
    }

    /// Next year's history as the file `out_name` (`.csv`, `.xlsx` or `.json`): this year's
    /// grades from `result` (result.json of this plan) and the entries of this year's
    /// `history` files.
    #[wasm_bindgen(js_name = carryForward)]
    pub fn carry_forward(
        &self,
        result: IFileBytes,
        history: crate::office::IInputFiles,
        lang: &str,
        out_name: &str,
    ) -> Result<ICarriedForward, JsValue> {
        let result: JsFile =
            serde_wasm_bindgen::from_value(result.into()).map_err(FacadeError::convert)?;
        let history = files_of(history.into())?;
        let history: Vec<NamedFile> = history.iter().map(named).collect();
        let (bytes, entries) =
            yearend::carry_forward_file(self.plan_ref(), named(&result), &history, lang, out_name)
                .map_err(into_error)?;
        let out = JsCarried {
            bytes: &bytes,
            entries: &entries,
        };
        // Through serde-wasm-bindgen: the bytes stay a Uint8Array.
        out.serialize(
            &serde_wasm_bindgen::Serializer::json_compatible().serialize_bytes_as_arrays(false),
        )
        .map(JsCast::unchecked_into)
        .map_err(FacadeError::convert)
    }
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "IPlanFile")]
    pub type IPlanFile;
}

/// A plan file read for the page: the plan's JSON text to validate and load (`ok`), or every
/// problem of the workbook at its cell (`problems`; warnings too when `ok`).
#[derive(Serialize, schemars::JsonSchema)]
#[schemars(rename = "PlanFile")]
pub struct JsPlanFile {
    pub ok: bool,
    pub json: Option<String>,
    pub sha256: Option<String>,
    pub problems: Vec<kaoping_core::planbook::Problem>,
}

#[wasm_bindgen]
impl Engine {
    /// A plan as a workbook (`lang`: `en` names sheets and columns in English, else zh-CN).
    #[wasm_bindgen(js_name = planToXlsx)]
    pub fn plan_to_xlsx(plan_json: &str, lang: &str) -> Result<Vec<u8>, JsValue> {
        let (value, _) = kaoping_core::plan::read_plan_value(plan_json).map_err(into_error)?;
        Ok(kaoping_core::planbook::plan_to_xlsx(
            &value,
            kaoping_core::planbook::BookLang::parse(lang),
        ))
    }

    /// A plan file the office gives (a workbook or a JSON text): see [`JsPlanFile`].
    #[wasm_bindgen(js_name = planFromFile)]
    pub fn plan_from_file(name: &str, bytes: &[u8]) -> Result<IPlanFile, JsValue> {
        let out = match kaoping_core::planbook::plan_text_of_file(name, bytes) {
            Ok(read) => JsPlanFile {
                ok: true,
                json: Some(read.json),
                sha256: Some(read.sha256),
                problems: read.warnings,
            },
            Err(problems) => JsPlanFile {
                ok: false,
                json: None,
                sha256: None,
                problems,
            },
        };
        Ok(to_js(&out)?.unchecked_into())
    }

    /// Next year's plan from this one (the plan's JSON as written), with each change made.
    #[wasm_bindgen(js_name = nextYearPlan)]
    pub fn next_year_plan(plan_json: &str) -> Result<INextYear, JsValue> {
        let next = kaoping_core::plan::next_year(plan_json).map_err(into_error)?;
        Ok(to_js(&next)?.unchecked_into())
    }

    /// A blank plan workbook (`lang` as in `planToXlsx`).
    #[wasm_bindgen(js_name = planTemplateXlsx)]
    pub fn plan_template_xlsx(lang: &str) -> Vec<u8> {
        kaoping_core::planbook::template_xlsx(kaoping_core::planbook::BookLang::parse(lang))
    }
}
