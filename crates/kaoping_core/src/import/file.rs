//! The whole import of one file into a plan, as the CLI (`kaoping plan import-form`) and the
//! office page do it: the file read by its kind, the instrument added, the new plan checked.

use super::{add_to_plan, import_surveyjs, import_xlsform, ImportError, Skipped};
use crate::validate::{validate_plan, PlanReport};
use serde::{Deserialize, Serialize};

/// What the office chooses for an import.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportOptions {
    /// The instrument's id in the plan (default: the XLSForm's form_id, else `imported`).
    #[serde(default)]
    pub id: Option<String>,
}

/// A questionnaire file added to a plan: the new plan, what the instrument holds, what was
/// not imported, and the new plan's validation.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FormImport {
    /// The plan with the instrument added (pretty JSON with a final newline).
    pub plan_json: String,
    /// The new instrument's id.
    pub instrument: String,
    /// How many sections the instrument has.
    pub sections: usize,
    /// How many questions the instrument has.
    pub questions: usize,
    /// Every item of the form that is not in the instrument, or not wholly, with its reason.
    pub skipped: Vec<Skipped>,
    /// How many texts lacked one of the plan's languages and were copied from another.
    pub texts_filled: usize,
    /// The new plan checked: when not `ok`, it should not replace the plan.
    pub report: PlanReport,
}

/// Imports the form `bytes` (named `file_name`: an XLSForm workbook `.xlsx`, else SurveyJS
/// JSON text) into the plan `plan_json`. Errors when the file is neither, when it has no
/// usable question, when the plan is not JSON or already has the instrument's id; a plan that
/// does not validate with the instrument is returned with its problems in `report`.
pub fn import_form(
    file_name: &str,
    bytes: &[u8],
    plan_json: &str,
    options: &ImportOptions,
) -> Result<FormImport, ImportError> {
    let imported = if crate::xlsx::is_workbook(file_name, bytes) {
        import_xlsform(bytes)?
    } else {
        let text = std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8(e.to_string()))?;
        import_surveyjs(text.strip_prefix('\u{feff}').unwrap_or(text))?
    };
    let added = add_to_plan(plan_json, &imported, options.id.as_deref())?;
    let report = validate_plan(&added.json);
    let ins = &imported.instrument;
    Ok(FormImport {
        instrument: options.id.clone().unwrap_or_else(|| ins.id.clone()),
        sections: ins.sections.len(),
        questions: ins.sections.iter().map(|s| s.questions.len()).sum(),
        plan_json: added.json,
        skipped: imported.skipped,
        texts_filled: added.texts_filled,
        report,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::DEMO_PLAN_JSON;

    const SURVEY: &str = r#"{"pages":[{"name":"p1","elements":[
        {"type":"text","name":"age","title":"Age","inputType":"number"},
        {"type":"signaturepad","name":"sig","title":"Sign"}]}]}"#;

    #[test]
    fn a_surveyjs_file_is_added_to_the_plan_and_checked() {
        let opts = ImportOptions {
            id: Some("intake".into()),
        };
        let got = import_form("form.json", SURVEY.as_bytes(), DEMO_PLAN_JSON, &opts).unwrap();
        assert_eq!(got.instrument, "intake");
        assert_eq!((got.sections, got.questions), (1, 1));
        assert!(got.report.ok, "{:?}", got.report.problems);
        assert!(got.plan_json.contains("\"intake\""));
        assert!(got.skipped.iter().any(|s| s.what.contains("signaturepad")));
        assert!(got.texts_filled > 0);
    }

    #[test]
    fn bytes_that_are_not_text_nor_a_workbook_are_refused() {
        let err = import_form(
            "form.json",
            &[0xff, 0xfe, 0x00],
            DEMO_PLAN_JSON,
            &Default::default(),
        );
        assert!(matches!(err, Err(ImportError::NotUtf8(_))));
        let err = import_form("form.json", SURVEY.as_bytes(), "[1]", &Default::default());
        assert!(matches!(err, Err(ImportError::NotAPlan(_))));
    }

    #[test]
    fn an_id_the_plan_has_is_refused() {
        let opts = ImportOptions {
            id: Some("public".into()),
        };
        let err = import_form("f.json", SURVEY.as_bytes(), DEMO_PLAN_JSON, &opts);
        assert_eq!(err, Err(ImportError::DuplicateInstrument("public".into())));
    }
}
