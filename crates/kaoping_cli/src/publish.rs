//! `kaoping publish`: the public results page (公示) of a year's result.json.

use crate::yearend::{in_lang, read, say, write};
use anyhow::{Context, Result};
use clap::Args;
use kaoping_core::publish::{html, letters, publication};
use std::path::PathBuf;

#[derive(Args)]
pub struct PublishArgs {
    /// The year's result.json (from `kaoping aggregate`).
    pub result: PathBuf,
    /// The plan of the result (JSON); the built-in demo plan when omitted. Its
    /// `publication.min_publish_n` (default 10) says which figures have too few answers.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The page to write: one HTML file, zh-CN then English, no script (e.g. 公示.html).
    #[arg(long)]
    pub out: PathBuf,
}

/// `kaoping letters result.json --plan plan.json --out letters.zip`: each unit's feedback
/// letter (HTML) in one ZIP.
#[derive(Args)]
pub struct LettersArgs {
    /// The year's result.json (from `kaoping aggregate`).
    pub result: PathBuf,
    /// The plan of the result (JSON); the built-in demo plan when omitted. Its
    /// `publication.rectify_within_days` (default 30) is the letters' deadline.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The ZIP to write, one `NN-unit.html` per unit (e.g. 反馈函.zip).
    #[arg(long)]
    pub out: PathBuf,
}

fn read_result(
    path: &std::path::Path,
    lang: &str,
) -> Result<kaoping_core::score::EvaluationResult> {
    let bytes = read(path)?;
    serde_json::from_slice(&bytes).with_context(|| {
        if lang == "en" {
            format!("{} is not a kaoping result.json", path.display())
        } else {
            format!("{} 不是 kaoping 的 result.json", path.display())
        }
    })
}

/// `kaoping letters`.
pub fn run_letters(args: LettersArgs, plan: &kaoping_core::plan::Plan, lang: &str) -> Result<()> {
    let result = read_result(&args.result, lang)?;
    let all = letters::letters(plan, &result)
        .map_err(|e| anyhow::anyhow!("{}: {}", args.result.display(), in_lang(&e, lang)))?;
    let zip = letters::letters_zip(plan, &result)
        .map_err(|e| anyhow::anyhow!("{}: {}", args.result.display(), in_lang(&e, lang)))?;
    write(&args.out, &zip)?;
    let out = args.out.display();
    let n = all.len();
    say(
        lang,
        format!("已写入 {out}：{n} 份反馈函"),
        format!("wrote {out}: {n} letters"),
    );
    for l in &all {
        println!("  {}", l.file);
    }
    Ok(())
}

/// `kaoping publish result.json --plan plan.json --out 公示.html`.
pub fn run(args: PublishArgs, plan: &kaoping_core::plan::Plan, lang: &str) -> Result<()> {
    let result = read_result(&args.result, lang)?;
    let public = publication(plan, &result)
        .map_err(|e| anyhow::anyhow!("{}: {}", args.result.display(), in_lang(&e, lang)))?;
    write(&args.out, html::public_page(plan, &public).as_bytes())?;
    let (few, withheld) = public.suppressed();
    let out = args.out.display();
    let n = public.min_publish_n;
    say(
        lang,
        format!("已写入 {out}：{} 个类别；满意度数值不公布：答卷少于 {n} 份 {few} 个，补充隐去 {withheld} 个", public.categories.len()),
        format!("wrote {out}: {} categories; satisfaction figures not shown: {few} with fewer than {n} answers, {withheld} withheld to protect them", public.categories.len()),
    );
    Ok(())
}
