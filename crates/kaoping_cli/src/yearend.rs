//! `kaoping template`, `kaoping carry-forward` and `kaoping plan next-year`: the year-end
//! tables an office fills in Excel, next year's history from this year's result, and next
//! year's plan from this year's.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use kaoping_core::text::Bilingual;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum TemplateKind {
    /// Indicator figures: one row per unit and indicator that applies to it.
    Figures,
    /// Last year's grades: one row per unit.
    History,
}

#[derive(Args)]
pub struct TemplateArgs {
    pub kind: TemplateKind,
    /// The plan (JSON); the built-in demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The file to write: .csv (UTF-8 with BOM, as Excel opens it) or .xlsx.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct CarryForwardArgs {
    /// This year's result.json (from `kaoping aggregate`).
    pub result: PathBuf,
    /// This year's history files (JSON, CSV or XLSX), carried on with this year's grades.
    #[arg(long = "history", num_args = 1..)]
    pub history: Vec<PathBuf>,
    /// The plan of the result (JSON), to read history tables; the demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The file to write: .json, .csv or .xlsx.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Next year's plan from this one: year, id and title moved on, version 1, indicators
    /// added during the year applying from the start, tracking dates a year later.
    NextYear {
        plan: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
    /// Add a questionnaire from another tool to a plan: an XLSForm workbook (.xlsx) or a
    /// SurveyJS JSON. Prints every item that could not be imported, with its reason.
    ImportForm(crate::import_form::ImportFormArgs),
    /// What changed between two versions of a plan, and whether records made under the old
    /// one stay valid. Exit code 0 when every instrument's records stay valid, 1 otherwise.
    Diff(crate::amend::DiffArgs),
    /// Write the new version of a plan with its amendment (date, reason, what changed, which
    /// instruments' earlier records stay valid) appended to its history.
    Amend(crate::amend::AmendArgs),
    /// Put the office's public key into the plan's `trust` (or revoke a key, change an
    /// instrument's access: open, invitation, code) as an amendment.
    AddKey(crate::addkey::AddKeyArgs),
    /// The plan as a workbook to edit in Excel or WPS (sheets named in the message language:
    /// `--lang en` for English).
    ToXlsx(crate::planbook::ToXlsxArgs),
    /// A plan workbook back to the plan's JSON; every problem with its cell (`指标!D7`) and
    /// JSON path, and nothing written when there is one.
    FromXlsx(crate::planbook::FromXlsxArgs),
    /// A blank plan workbook: every sheet with its columns.
    TemplateXlsx(crate::planbook::TemplateXlsxArgs),
}

/// `kaoping template figures|history`.
pub fn template(args: TemplateArgs, plan: &kaoping_core::plan::Plan, lang: &str) -> Result<()> {
    let kind = match args.kind {
        TemplateKind::Figures => kaoping_core::yearend::TemplateKind::Figures,
        TemplateKind::History => kaoping_core::yearend::TemplateKind::History,
    };
    let out = args.out.display().to_string();
    let (bytes, n) = kaoping_core::yearend::template_file(plan, kind, lang, &out)
        .map_err(|e| anyhow::anyhow!("{}", in_lang(&e, lang)))?;
    write(&args.out, &bytes)?;
    say(
        lang,
        format!("已写入 {out}（{n} 行）"),
        format!("wrote {out} ({n} rows)"),
    );
    Ok(())
}

/// `kaoping carry-forward result.json --history … --out …`.
pub fn carry_forward(
    args: CarryForwardArgs,
    plan: &kaoping_core::plan::Plan,
    lang: &str,
) -> Result<()> {
    use kaoping_core::yearend::NamedFile;
    let result = (args.result.display().to_string(), read(&args.result)?);
    let mut history = Vec::new();
    for path in &args.history {
        history.push((path.display().to_string(), read(path)?));
    }
    let files: Vec<NamedFile> = history
        .iter()
        .map(|(name, bytes)| NamedFile { name, bytes })
        .collect();
    let out = args.out.display().to_string();
    let result_file = NamedFile {
        name: &result.0,
        bytes: &result.1,
    };
    let (bytes, next) =
        kaoping_core::yearend::carry_forward_file(plan, result_file, &files, lang, &out)
            .map_err(|e| anyhow::anyhow!("{}", in_lang(&e, lang)))?;
    write(&args.out, &bytes)?;
    let n = next.len();
    let y = next.iter().map(|h| h.year).max().unwrap_or_default();
    say(
        lang,
        format!("已写入 {out}：{n} 条历史记录（至 {y} 年）"),
        format!("wrote {out}: {n} history entries (up to {y})"),
    );
    Ok(())
}

/// `kaoping plan next-year | import-form | diff | amend | to-xlsx | from-xlsx | template-xlsx`.
pub fn plan(cmd: PlanCommand, lang: &str) -> Result<std::process::ExitCode> {
    match cmd {
        PlanCommand::Diff(args) => crate::amend::diff(args, lang),
        PlanCommand::Amend(args) => crate::amend::amend(args, lang),
        PlanCommand::AddKey(args) => crate::addkey::run(args, lang),
        PlanCommand::ImportForm(args) => {
            crate::import_form::run(args, lang)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        PlanCommand::ToXlsx(args) => {
            crate::planbook::to_xlsx(args, lang)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        PlanCommand::FromXlsx(args) => {
            crate::planbook::from_xlsx(args, lang)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        PlanCommand::TemplateXlsx(args) => {
            crate::planbook::template_xlsx(args, lang)?;
            Ok(std::process::ExitCode::SUCCESS)
        }
        PlanCommand::NextYear { plan, out } => {
            let text = String::from_utf8(read(&plan)?)
                .with_context(|| format!("{} is not UTF-8 text", plan.display()))?;
            let next = kaoping_core::plan::next_year(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", plan.display(), in_lang(&e, lang)))?;
            let report = kaoping_core::validate::validate_plan(&next.json);
            write(&out, next.json.as_bytes())?;
            for c in &next.changes {
                println!("{}", c.get(lang));
            }
            if !report.ok {
                bail!(
                    "{} was written but is not a valid plan ({} problem(s)); run `kaoping validate {}`",
                    out.display(),
                    report.problems.len(),
                    out.display()
                );
            }
            let out = out.display();
            say(lang, format!("已写入 {out}"), format!("wrote {out}"));
            Ok(std::process::ExitCode::SUCCESS)
        }
    }
}

pub(crate) fn in_lang(e: &dyn Bilingual, lang: &str) -> String {
    if lang == "en" {
        e.to_string()
    } else {
        e.zh()
    }
}

pub(crate) fn say(lang: &str, zh: String, en: String) {
    println!("{}", if lang == "en" { en } else { zh });
}

pub(crate) fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

pub(crate) fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
