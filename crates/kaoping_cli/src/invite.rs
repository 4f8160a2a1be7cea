//! `kaoping invite`: a roster (CSV or XLSX) made into signed invitations with the office key:
//! `invitations.csv` (the list, one link per rater) and `invitations.html` (the printable sheet
//! of QR codes), both from the core (`kaoping_core::invite`) as the office page makes them.
//! Every roster problem is printed with its row and cell, and then nothing is written.

use crate::keys::{load_key, read_key_file};
use anyhow::{bail, Context, Result};
use clap::Args;
use kaoping_core::invite::{
    invitations_csv, print_sheet, roster_invitations, roster_payloads, InvitationLink,
};
use kaoping_core::roster::RosterOptions;
use kaoping_core::text::Bilingual;
use kaoping_core::trust::keys::{b64u, sign};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct InviteArgs {
    /// The plan (JSON) whose trust.keys lists the office key.
    #[arg(long)]
    plan: PathBuf,
    /// The office key's backup file (`kaoping keys new`).
    #[arg(long)]
    key: PathBuf,
    /// The roster: CSV (UTF-8, UTF-16 or GB18030) or an Excel workbook (.xlsx).
    roster: PathBuf,
    /// The site's address where review.html is published, e.g. https://portal/kaoping/.
    #[arg(long)]
    base: String,
    /// The plan's address as the review page loads it (relative to --base or absolute).
    #[arg(long)]
    plan_url: String,
    /// The instrument of rows that name none.
    #[arg(long)]
    instrument: Option<String>,
    /// First valid day (YYYY-MM-DD, China time) of rows that give none.
    #[arg(long)]
    valid_from: Option<String>,
    /// Last valid day (YYYY-MM-DD, China time) of rows that give none.
    #[arg(long)]
    valid_until: Option<String>,
    /// The folder to write invitations.csv and invitations.html into (made if missing).
    #[arg(long)]
    out: PathBuf,
    /// Read the key file's password from this environment variable instead of asking.
    #[arg(long)]
    password_env: Option<String>,
}

impl InviteArgs {
    pub fn plan_path(&self) -> &std::path::Path {
        &self.plan
    }
}

fn t(lang: &str, zh: &str, en: &str) -> String {
    if lang == "en" { en } else { zh }.to_owned()
}

pub fn run(args: InviteArgs, plan: &kaoping_core::plan::Plan, lang: &str) -> Result<ExitCode> {
    let bytes = std::fs::read(&args.roster)
        .with_context(|| format!("cannot read {}", args.roster.display()))?;
    let file = args.roster.file_name().map_or_else(
        || args.roster.display().to_string(),
        |n| n.to_string_lossy().into_owned(),
    );
    let options = RosterOptions {
        instrument: args.instrument.clone(),
        valid_from: args.valid_from.clone(),
        valid_until: args.valid_until.clone(),
    };
    let kf = read_key_file(&args.key).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let mut random = [0u8; 8];
    getrandom::getrandom(&mut random).map_err(|e| anyhow::anyhow!("getrandom: {e}"))?;
    let seed_hex: String = random.iter().map(|b| format!("{b:02x}")).collect();
    let read = roster_payloads(plan, &file, &bytes, &options, &kf.id, &seed_hex)
        .map_err(|e| anyhow::anyhow!(roster_error(&e, lang)))?;
    if !read.problems.is_empty() {
        for p in &read.problems {
            eprintln!("{file}: {}", p.describe(lang));
        }
        eprintln!(
            "{}",
            t(
                lang,
                &format!("名单有 {} 个问题：未写出任何邀请", read.problems.len()),
                &format!(
                    "the roster has {} problem(s): no invitation written",
                    read.problems.len()
                ),
            )
        );
        return Ok(ExitCode::from(1));
    }
    if read.payloads.is_empty() {
        bail!(t(lang, "名单中没有评审人", "the roster names no rater"));
    }
    let password = crate::keys::unlock_password(args.password_env.as_deref(), lang)?;
    let seed = load_key(&args.key, &password).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let payloads: Vec<Vec<u8>> = read.payloads.into_iter().map(|p| p.payload).collect();
    let signatures: Vec<String> = payloads.iter().map(|p| b64u(&sign(&seed, p))).collect();
    let printed = roster_invitations(plan, &payloads, &signatures, &args.base, &args.plan_url)
        .map_err(|e| anyhow::anyhow!(if lang == "en" { e.to_string() } else { e.zh() }))?;
    let links: Vec<InvitationLink> = printed.iter().map(|x| x.invitation.clone()).collect();
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot make {}", args.out.display()))?;
    let csv = args.out.join("invitations.csv");
    let html = args.out.join("invitations.html");
    std::fs::write(&csv, invitations_csv(plan, &links, lang))
        .with_context(|| csv.display().to_string())?;
    std::fs::write(&html, print_sheet(plan, &printed, lang, None))
        .with_context(|| html.display().to_string())?;
    println!(
        "{}",
        t(
            lang,
            &format!(
                "已写出 {} 份邀请：{} 和 {}（打印用）。链接即凭证：只交给本人。",
                links.len(),
                csv.display(),
                html.display()
            ),
            &format!(
                "wrote {} invitations: {} and {} (to print). Each link is a credential: give it only to its rater.",
                links.len(),
                csv.display(),
                html.display()
            ),
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn roster_error(e: &kaoping_core::roster::RosterError, lang: &str) -> String {
    if lang == "en" {
        e.to_string()
    } else {
        e.zh()
    }
}
