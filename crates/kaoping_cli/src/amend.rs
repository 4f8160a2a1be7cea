//! `kaoping plan diff old.json new.json` and `kaoping plan amend old.json new.json`: what
//! changed between two versions of a plan and whether records made under the old one stay
//! valid; the new version written with its amendment appended (see docs/plan.md, 修订).

use crate::yearend::{in_lang, read, say, write};
use anyhow::{bail, Context, Result};
use clap::Args;
use kaoping_core::amend::PlanDiff;
use kaoping_core::text::{Bilingual, Text};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct DiffArgs {
    /// The earlier version of the plan (JSON).
    pub old: PathBuf,
    /// The later version (JSON).
    pub new: PathBuf,
    /// Print the diff as JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Args)]
pub struct AmendArgs {
    /// The plan in force (JSON).
    pub old: PathBuf,
    /// The edited plan, with a new `version` (JSON).
    pub new: PathBuf,
    #[command(flatten)]
    pub amendment: Amendment,
    /// Where to write the amended plan (default: over the new plan's file).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// What every amendment of the plan takes on the command line (`plan amend`, `plan add-key`):
/// its day and its reason in the plan's languages.
#[derive(Args)]
pub struct Amendment {
    /// The day of the amendment, YYYY-MM-DD.
    #[arg(long)]
    pub date: String,
    /// Why, in Chinese (the plan's zh-CN).
    #[arg(long)]
    pub reason: String,
    /// Why, in English (needed when the plan is also in English).
    #[arg(long)]
    pub reason_en: Option<String>,
}

impl Amendment {
    /// The reason as the plan's text: zh-CN from --reason, English from --reason-en.
    pub fn reason(&self) -> Text {
        let mut reason = Text::default();
        reason.0.insert("zh-CN".into(), self.reason.clone());
        if let Some(en) = &self.reason_en {
            reason.0.insert("en".into(), en.clone());
        }
        reason
    }

    /// The core's refusal `e` in `lang`; when it is the amendment error `amend` asking for an
    /// English reason, with a hint at --reason-en (the option the core does not know about).
    pub fn error(
        &self,
        e: &dyn Bilingual,
        amend: Option<&kaoping_core::amend::AmendError>,
        lang: &str,
    ) -> anyhow::Error {
        let hint = match amend {
            Some(kaoping_core::amend::AmendError::Reason(langs))
                if langs.split(", ").any(|l| l == "en") =>
            {
                if lang == "en" {
                    " (give the English reason with --reason-en)"
                } else {
                    "（英文理由用 --reason-en 给出）"
                }
            }
            _ => "",
        };
        anyhow::anyhow!("{}{hint}", in_lang(e, lang))
    }
}

fn text(path: &Path) -> Result<String> {
    String::from_utf8(read(path)?).with_context(|| format!("{} is not UTF-8 text", path.display()))
}

fn plan(path: &Path) -> Result<kaoping_core::plan::Plan> {
    let report = kaoping_core::validate::validate_plan(&text(path)?);
    match report.plan {
        Some(plan) if report.ok => Ok(plan),
        _ => bail!(
            "{} is not a valid plan ({} problem(s)); run `kaoping validate {}`",
            path.display(),
            report.problems.len(),
            path.display()
        ),
    }
}

/// The diff as lines a person reads: each change (`!` where records do not stay valid), then
/// each instrument's verdict.
pub(crate) fn print_diff(diff: &PlanDiff, lang: &str) {
    let en = lang == "en";
    say(
        lang,
        format!(
            "方案 {} → {}：{} 处改动",
            diff.old_version,
            diff.new_version,
            diff.changes.len()
        ),
        format!(
            "plan {} → {}: {} change(s)",
            diff.old_version,
            diff.new_version,
            diff.changes.len()
        ),
    );
    for c in &diff.changes {
        let mark = if c.compatible { ' ' } else { '!' };
        println!("{mark} {} [{}] {}", c.code, c.path, c.message.get(lang));
    }
    for v in &diff.instruments {
        let verdict = match (&v.reason, en) {
            (None, true) => "records stay valid".to_owned(),
            (None, false) => "旧版答卷仍然有效".to_owned(),
            (Some(r), true) => format!("records do not stay valid: {}", r.get(lang)),
            (Some(r), false) => format!("旧版答卷不再有效：{}", r.get(lang)),
        };
        println!("{}: {verdict}", v.instrument);
    }
}

/// `kaoping plan diff`: exit code 0 when every instrument's records stay valid, 1 otherwise.
pub fn diff(args: DiffArgs, lang: &str) -> Result<ExitCode> {
    let (old, new) = (plan(&args.old)?, plan(&args.new)?);
    let diff = kaoping_core::amend::diff_plans(&old, &new);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&diff)?);
    } else {
        print_diff(&diff, lang);
    }
    Ok(if diff.compatible {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `kaoping plan amend`: writes the amended plan and prints the diff.
pub fn amend(args: AmendArgs, lang: &str) -> Result<ExitCode> {
    let (old, new) = (text(&args.old)?, text(&args.new)?);
    let a = &args.amendment;
    let amended = kaoping_core::amend::amend_plan(&old, &new, &a.date, a.reason())
        .map_err(|e| a.error(&e, Some(&e), lang))?;
    let out = args.out.unwrap_or(args.new);
    write(&out, amended.json.as_bytes())?;
    print_diff(&amended.diff, lang);
    let out = out.display();
    let sha = &amended.diff.new_sha256;
    say(
        lang,
        format!("已写入 {out}（sha256 {sha}）"),
        format!("wrote {out} (sha256 {sha})"),
    );
    Ok(ExitCode::SUCCESS)
}
