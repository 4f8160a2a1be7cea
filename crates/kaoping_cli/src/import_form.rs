//! `kaoping plan import-form FILE --into plan.json`: a questionnaire from another tool
//! (XLSForm workbook or SurveyJS JSON) added to a plan as an instrument.

use crate::yearend::{in_lang, read, say, write};
use anyhow::{bail, Context, Result};
use clap::Args;
use kaoping_core::import::{import_form, ImportError, ImportOptions};
use std::path::PathBuf;

#[derive(Args)]
pub struct ImportFormArgs {
    /// The form: an XLSForm workbook (.xlsx) or a SurveyJS survey JSON.
    pub file: PathBuf,
    /// The plan (JSON) to add the instrument to.
    #[arg(long)]
    pub into: PathBuf,
    /// The instrument's id in the plan (default: the XLSForm's form_id, else "imported").
    #[arg(long)]
    pub id: Option<String>,
    /// Where to write the new plan (default: over --into).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: ImportFormArgs, lang: &str) -> Result<()> {
    let bytes = read(&args.file)?;
    let name = args.file.display().to_string();
    let plan_text = String::from_utf8(read(&args.into)?)
        .with_context(|| format!("{} is not UTF-8 text", args.into.display()))?;
    let options = ImportOptions { id: args.id };
    let got = import_form(&name, &bytes, &plan_text, &options).map_err(|e| {
        // The plan's errors name the plan, the form's the form.
        let plan_error = matches!(
            e,
            ImportError::NotAPlan(_) | ImportError::DuplicateInstrument(_)
        );
        let at = if plan_error {
            args.into.display().to_string()
        } else {
            name.clone()
        };
        anyhow::anyhow!("{at}: {}", in_lang(&e, lang))
    })?;
    let out = args.out.unwrap_or(args.into);
    let (id, sections, questions) = (&got.instrument, got.sections, got.questions);
    let n = got.skipped.len();
    say(
        lang,
        format!("{name}：问卷 {id}，{sections} 节 {questions} 题；未导入 {n} 项"),
        format!(
            "{name}: instrument {id}, {sections} section(s), {questions} question(s); {n} item(s) not imported"
        ),
    );
    for s in &got.skipped {
        println!("  {}  {}: {}", s.item, s.what, s.reason.get(lang));
    }
    if got.texts_filled > 0 {
        let k = got.texts_filled;
        say(
            lang,
            format!("{k} 处文字缺少方案的某些语言，已照抄现有语言，请翻译"),
            format!("{k} text(s) lacked some of the plan's languages and were copied from another; translate them"),
        );
    }
    if !got.report.ok {
        for p in &got.report.problems {
            eprintln!("{}: {}", p.path, p.message.get(lang));
        }
        bail!(
            "the plan with the form is not valid ({} problem(s)); nothing was written",
            got.report.problems.len()
        );
    }
    write(&out, got.plan_json.as_bytes())?;
    let out = out.display();
    say(lang, format!("已写入 {out}"), format!("wrote {out}"));
    Ok(())
}
