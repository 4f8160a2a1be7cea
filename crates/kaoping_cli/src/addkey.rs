//! `kaoping plan add-key plan.json --key office-key.json --date D --reason R`: the office's
//! public key put into the plan's `trust.keys` (or a key revoked, an instrument's access
//! changed) as an amendment of the plan (see docs/plan.md, 信任设置).

use crate::amend::Amendment;
use crate::yearend::{read, say, write};
use anyhow::{bail, Context, Result};
use clap::Args;
use kaoping_core::amend::trust::{amend_trust, TrustEdit, TrustEditError};
use kaoping_core::trust::Access;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub struct AddKeyArgs {
    /// The plan in force (JSON).
    pub plan: PathBuf,
    /// The office key's backup file (`kaoping keys new`): its public key goes into the plan.
    #[arg(long, conflicts_with = "public")]
    pub key: Option<PathBuf>,
    /// The office's public key text, `ed25519:…` (instead of --key).
    #[arg(long)]
    pub public: Option<String>,
    /// Revoke the key with this id (repeatable): invitations and codes it signed stop counting.
    #[arg(long, value_name = "KEYID")]
    pub revoke: Vec<String>,
    /// An instrument's access, `INSTRUMENT=open|invitation|code` (repeatable).
    #[arg(long, value_name = "INSTRUMENT=ACCESS")]
    pub access: Vec<String>,
    #[command(flatten)]
    pub amendment: Amendment,
    /// The new version (default: the plan's version with its last number increased).
    #[arg(long)]
    pub version: Option<String>,
    /// Where to write the amended plan (default: over the plan's file).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// `expert=invitation` as an instrument id and its access.
fn access(text: &str, lang: &str) -> Result<(String, Access)> {
    let parsed = text.split_once('=').and_then(|(ins, a)| {
        let a = match a.trim() {
            "open" => Access::Open,
            "invitation" => Access::Invitation,
            "code" => Access::Code,
            _ => return None,
        };
        Some((ins.trim().to_owned(), a)).filter(|(ins, _)| !ins.is_empty())
    });
    match parsed {
        Some(p) => Ok(p),
        None if lang == "en" => {
            bail!("--access {text}: write INSTRUMENT=ACCESS, the access open, invitation or code")
        }
        None => bail!("--access {text}：应写作 问卷=准入方式，准入方式为 open、invitation 或 code"),
    }
}

/// `kaoping plan add-key`: writes the amended plan and prints the diff.
pub fn run(args: AddKeyArgs, lang: &str) -> Result<ExitCode> {
    let text = |p: &PathBuf| -> Result<String> {
        String::from_utf8(read(p)?).with_context(|| format!("{} is not UTF-8 text", p.display()))
    };
    let key = match (&args.key, &args.public) {
        (Some(file), _) => Some(text(file)?),
        (None, public) => public.clone(),
    };
    if key.is_none() && args.revoke.is_empty() && args.access.is_empty() {
        if lang == "en" {
            bail!("give the key (--key FILE or --public ed25519:…), --revoke KEYID or --access");
        }
        bail!("请给出密钥（--key 文件 或 --public ed25519:…）、--revoke 密钥编号或 --access");
    }
    let edit = TrustEdit {
        key,
        revoke: args.revoke.clone(),
        access: args
            .access
            .iter()
            .map(|a| access(a, lang))
            .collect::<Result<_>>()?,
        version: args.version.clone(),
    };
    let a = &args.amendment;
    let amended = amend_trust(&text(&args.plan)?, &edit, &a.date, a.reason()).map_err(|e| {
        let amend = match &e {
            TrustEditError::Amend(inner) => Some(inner),
            _ => None,
        };
        a.error(&e, amend, lang)
    })?;
    let out = args.out.unwrap_or(args.plan);
    write(&out, amended.json.as_bytes())?;
    crate::amend::print_diff(&amended.diff, lang);
    let out = out.display();
    let sha = &amended.diff.new_sha256;
    say(
        lang,
        format!("已写入 {out}（sha256 {sha}）"),
        format!("wrote {out} (sha256 {sha})"),
    );
    Ok(ExitCode::SUCCESS)
}
