//! `kaoping codes new`: a batch of one-time codes for an instrument that takes them
//! (docs/trust.md): the signed batch of their hashes (public) and the codes themselves as
//! CSV and printable slips (secret until handed out).

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use kaoping_core::text::Bilingual;
use kaoping_core::trust::issue::{file_stem, issue_codes, slips_csv, slips_html};
use kaoping_core::trust::keys::{key_id, public_from_seed};
use std::path::{Path, PathBuf};

#[derive(Subcommand)]
pub enum CodesCommand {
    /// Make a batch of one-time codes: codes-NAME.json (the signed batch of hashes, for
    /// ingest) and codes-NAME.csv + codes-NAME.html (the codes, to print and cut into slips).
    New(NewArgs),
}

#[derive(Args)]
pub struct NewArgs {
    /// The plan (JSON) whose trust section says the instrument takes codes and holds the key.
    #[arg(long)]
    plan: PathBuf,
    /// The office key file (kaoping.key/1, from `kaoping keys new` or the office page).
    #[arg(long)]
    key: PathBuf,
    /// The instrument the codes are for, e.g. cadre.
    #[arg(long)]
    instrument: String,
    /// How many codes.
    #[arg(long)]
    count: usize,
    /// The batch's name, e.g. "2026-12 会议"; the files are named after it.
    #[arg(long)]
    batch: String,
    /// The folder the three files are written to (made if missing; existing files are not
    /// overwritten).
    #[arg(long)]
    out: PathBuf,
    /// The address of the questionnaire page (respond.html) printed on each slip.
    #[arg(long)]
    url: Option<String>,
    /// Read the key file's password from this environment variable instead of the terminal.
    #[arg(long)]
    password_env: Option<String>,
    /// Tests only: the random bytes (hex, 8 per code) instead of the OS's.
    #[arg(long, hide = true)]
    random_hex: Option<String>,
    /// Tests only: the batch's creation time instead of now.
    #[arg(long, hide = true)]
    created: Option<String>,
}

fn t(lang: &str, zh: &str, en: &str) -> String {
    if lang == "en" { en } else { zh }.to_owned()
}

pub fn run(cmd: CodesCommand, lang: &str) -> Result<std::process::ExitCode> {
    let CodesCommand::New(args) = cmd;
    let plan = crate::load_plan_arg(Some(args.plan.clone()))?;
    let random = random_bytes(&args, lang)?;
    let created = match &args.created {
        Some(c) => c.clone(),
        None => kaoping_core::record::rfc3339(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)?
                .as_millis() as f64,
        ),
    };
    let kf = crate::keys::read_key_file(&args.key).map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    let say = |e: kaoping_core::trust::TrustError| {
        anyhow::anyhow!(if lang == "en" { e.to_string() } else { e.zh() })
    };
    // Everything but the signature is checked before the password is asked for.
    let issue = issue_codes(
        &plan,
        &args.instrument,
        &args.batch,
        &created,
        &kf.id,
        &random,
    )
    .map_err(say)?;
    let name = file_stem(&issue.batch.batch);
    let paths = ["json", "csv", "html"].map(|ext| args.out.join(format!("{name}.{ext}")));
    if let Some(p) = paths.iter().find(|p| p.exists()) {
        bail!(t(
            lang,
            &format!("{} 已存在：不覆盖（换一个批次名称）", p.display()),
            &format!(
                "{} exists: not overwritten (choose another batch name)",
                p.display()
            ),
        ));
    }
    let password = crate::keys::unlock_password(args.password_env.as_deref(), lang)?;
    let seed = crate::keys::open(&kf, &password, &args.key.display().to_string())
        .map_err(|e| anyhow::anyhow!(e.message(lang)))?;
    if key_id(&public_from_seed(&seed)) != kf.id {
        bail!("{}: the key does not match its id", args.key.display());
    }
    let batch = issue.batch.clone().signed(&seed);
    std::fs::create_dir_all(&args.out).with_context(|| args.out.display().to_string())?;
    let json = serde_json::to_string_pretty(&batch)? + "\n";
    write_new(&paths[0], &json, false)?;
    write_new(&paths[1], &slips_csv(&batch, &issue.codes), true)?;
    let html = slips_html(&plan, &batch, &issue.codes, args.url.as_deref());
    write_new(&paths[2], &html, true)?;
    for p in &paths {
        println!("{}", p.display());
    }
    eprintln!(
        "{}",
        t(
            lang,
            &format!(
                "已生成 {} 个评价码。{} 和 {} 含评价码本身：发放前须保密，打印裁开后删除；\
                 {} 只含散列值，交给数据汇总（ingest --codes）。",
                issue.codes.len(),
                paths[1].display(),
                paths[2].display(),
                paths[0].display()
            ),
            &format!(
                "Made {} codes. {} and {} hold the codes themselves: keep them secret until \
                 handed out, and delete them once printed and cut; {} holds only hashes, for \
                 ingest (--codes).",
                issue.codes.len(),
                paths[1].display(),
                paths[2].display(),
                paths[0].display()
            ),
        )
    );
    Ok(std::process::ExitCode::SUCCESS)
}

/// `count * 8` bytes from the OS (or `--random-hex`).
fn random_bytes(args: &NewArgs, lang: &str) -> Result<Vec<u8>> {
    let limit = kaoping_core::trust::MAX_BATCH_CODES;
    if args.count == 0 || args.count > limit {
        bail!(t(
            lang,
            &format!("--count 须在 1 至 {limit} 之间"),
            &format!("--count must be between 1 and {limit}"),
        ));
    }
    if let Some(hex) = &args.random_hex {
        let bytes: Option<Vec<u8>> = (0..hex.len() / 2)
            .map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
            .collect();
        return match bytes {
            Some(b) if b.len() == args.count * 8 && hex.len() % 2 == 0 => Ok(b),
            _ => bail!("--random-hex: {} hex bytes expected", args.count * 8),
        };
    }
    let mut random = vec![0u8; args.count * 8];
    getrandom::getrandom(&mut random).map_err(|e| anyhow::anyhow!("getrandom: {e}"))?;
    Ok(random)
}

/// Writes a new file (never an existing one); the codes readable by their owner only on Unix.
fn write_new(path: &Path, text: &str, secret: bool) -> Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(if secret { 0o600 } else { 0o644 });
    }
    #[cfg(not(unix))]
    let _ = secret;
    let mut f = options
        .open(path)
        .with_context(|| path.display().to_string())?;
    f.write_all(text.as_bytes())
        .with_context(|| path.display().to_string())
}
