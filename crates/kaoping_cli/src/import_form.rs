//! `kaoping plan import-form FILE --into plan.json`: a questionnaire from another tool
//! (XLSForm workbook or SurveyJS JSON) added to a plan as an instrument.

use crate::yearend::{in_lang, read, say, write};
use anyhow::{bail, Context, Result};
use clap::Args;
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
    let imported = if kaoping_core::xlsx::is_workbook(&name, &bytes) {
        kaoping_core::import::import_xlsform(&bytes)
    } else {
        let text = String::from_utf8(bytes).with_context(|| format!("{name} is not UTF-8 text"))?;
        kaoping_core::import::import_surveyjs(&text)
    }
    .map_err(|e| anyhow::anyhow!("{name}: {}", in_lang(&e, lang)))?;
    let plan_text = String::from_utf8(read(&args.into)?)
        .with_context(|| format!("{} is not UTF-8 text", args.into.display()))?;
    let added = kaoping_core::import::add_to_plan(&plan_text, &imported, args.id.as_deref())
        .map_err(|e| anyhow::anyhow!("{}: {}", args.into.display(), in_lang(&e, lang)))?;
    let report = kaoping_core::validate::validate_plan(&added.json);
    let out = args.out.unwrap_or(args.into);
    let ins = &imported.instrument;
    let questions: usize = ins.sections.iter().map(|s| s.questions.len()).sum();
    let n = imported.skipped.len();
    let id = args.id.as_deref().unwrap_or(&ins.id);
    say(
        lang,
        format!("{name}：问卷 {id}，{} 节 {questions} 题；未导入 {n} 项", ins.sections.len()),
        format!(
            "{name}: instrument {id}, {} section(s), {questions} question(s); {n} item(s) not imported",
            ins.sections.len()
        ),
    );
    for s in &imported.skipped {
        println!("  {}  {}: {}", s.item, s.what, s.reason.get(lang));
    }
    if added.texts_filled > 0 {
        let k = added.texts_filled;
        say(
            lang,
            format!("{k} 处文字缺少方案的某些语言，已照抄现有语言，请翻译"),
            format!("{k} text(s) lacked some of the plan's languages and were copied from another; translate them"),
        );
    }
    if !report.ok {
        for p in &report.problems {
            eprintln!("{}: {}", p.path, p.message.get(lang));
        }
        bail!(
            "the plan with the form is not valid ({} problem(s)); nothing was written",
            report.problems.len()
        );
    }
    write(&out, added.json.as_bytes())?;
    let out = out.display();
    say(lang, format!("已写入 {out}"), format!("wrote {out}"));
    Ok(())
}
