//! `kaoping plan to-xlsx | from-xlsx | template-xlsx`: the plan as a workbook and back.

use crate::yearend::{read, say, write};
use anyhow::{bail, Context, Result};
use clap::Args;
use kaoping_core::planbook::{self, BookLang, Problem};
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ToXlsxArgs {
    /// The plan (JSON).
    pub plan: PathBuf,
    /// The workbook to write (default: the plan's name with .xlsx).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct FromXlsxArgs {
    /// The plan workbook (.xlsx).
    pub book: PathBuf,
    /// The plan JSON to write (default: the workbook's name with .json).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

#[derive(Args)]
pub struct TemplateXlsxArgs {
    /// The blank workbook to write.
    #[arg(long, default_value = "plan-template.xlsx")]
    pub out: PathBuf,
}

fn book_lang(lang: &str) -> BookLang {
    BookLang::parse(lang)
}

/// `kaoping plan to-xlsx plan.json [--out F]` (sheets named in the message language).
pub fn to_xlsx(args: ToXlsxArgs, lang: &str) -> Result<()> {
    let text = String::from_utf8(read(&args.plan)?)
        .with_context(|| format!("{} is not UTF-8 text", args.plan.display()))?;
    let (value, _) = kaoping_core::plan::read_plan_value(&text).map_err(|e| {
        anyhow::anyhow!(
            "{}: {}",
            args.plan.display(),
            crate::yearend::in_lang(&e, lang)
        )
    })?;
    let out = args.out.unwrap_or_else(|| args.plan.with_extension("xlsx"));
    write(&out, &planbook::plan_to_xlsx(&value, book_lang(lang)))?;
    let out = out.display();
    say(lang, format!("已写入 {out}"), format!("wrote {out}"));
    Ok(())
}

/// Every problem, one line each: cell, code, JSON path, message.
pub fn print_problems(file: &Path, problems: &[Problem], lang: &str) {
    for p in problems {
        let at = if p.cell.is_empty() {
            file.display().to_string()
        } else {
            format!("{}:{}", file.display(), p.cell)
        };
        let path = if p.path.is_empty() { "/" } else { &p.path };
        let sev = match (p.severity, lang) {
            (planbook::Severity::Error, "en") => "error",
            (planbook::Severity::Error, _) => "错误",
            (planbook::Severity::Warning, "en") => "warning",
            (planbook::Severity::Warning, _) => "警告",
        };
        println!("{at}: {sev} {} [{path}] {}", p.code, p.message.get(lang));
    }
}

/// `kaoping plan from-xlsx plan.xlsx [--out F]`: the plan's JSON, or every problem.
pub fn from_xlsx(args: FromXlsxArgs, lang: &str) -> Result<()> {
    let bytes = read(&args.book)?;
    match planbook::plan_from_xlsx(&bytes) {
        Ok(read) => {
            print_problems(&args.book, &read.warnings, lang);
            let out = args.out.unwrap_or_else(|| args.book.with_extension("json"));
            write(&out, format!("{}\n", read.json).as_bytes())?;
            let out = out.display();
            let sha = read.sha256;
            say(
                lang,
                format!("已写入 {out}（sha256 {sha}）"),
                format!("wrote {out} (sha256 {sha})"),
            );
            Ok(())
        }
        Err(problems) => {
            print_problems(&args.book, &problems, lang);
            let n = problems
                .iter()
                .filter(|p| p.severity == planbook::Severity::Error)
                .count();
            if lang == "en" {
                bail!("{}: {n} problem(s); no plan written", args.book.display())
            }
            bail!("{}：共 {n} 个问题，未写出方案", args.book.display())
        }
    }
}

/// `kaoping plan template-xlsx [--out F]`.
pub fn template_xlsx(args: TemplateXlsxArgs, lang: &str) -> Result<()> {
    write(&args.out, &planbook::template_xlsx(book_lang(lang)))?;
    let out = args.out.display();
    say(lang, format!("已写入 {out}"), format!("wrote {out}"));
    Ok(())
}

/// `kaoping validate plan.xlsx`: the workbook read and validated, every problem at its cell.
pub fn validate_book(
    file: &Path,
    bytes: &[u8],
    json: bool,
    lang: &str,
) -> Result<std::process::ExitCode> {
    let (ok, problems, sha) = match planbook::plan_from_xlsx(bytes) {
        Ok(read) => (true, read.warnings, Some(read.sha256)),
        Err(problems) => (false, problems, None),
    };
    if json {
        let report = serde_json::json!({"ok": ok, "sha256": sha, "problems": problems});
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_problems(file, &problems, lang);
        let f = file.display();
        match sha {
            Some(sha) => say(
                lang,
                format!("{f}：方案有效（sha256 {sha}）"),
                format!("{f}: valid plan (sha256 {sha})"),
            ),
            None => say(
                lang,
                format!("共 {} 个问题", problems.len()),
                format!("{} problem(s)", problems.len()),
            ),
        }
    }
    Ok(if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::from(1)
    })
}
