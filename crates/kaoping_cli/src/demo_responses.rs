//! `kaoping demo responses`: the demo data set as the files an evaluation office receives.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::PathBuf;

#[derive(clap::Args)]
pub struct ResponsesArgs {
    /// Number of public survey responses (rows of public.csv).
    #[arg(long, default_value_t = 2000)]
    pub n: usize,
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Spoil this many public rows (unknown unit, out of range, missing answer, duplicate id,
    /// not an option, a field missing), to try the rejection report.
    #[arg(long, default_value_t = 0)]
    pub bad_rows: usize,
    /// The folder to write into (created if needed).
    #[arg(long)]
    pub out: PathBuf,
}

pub fn run(args: ResponsesArgs) -> Result<()> {
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join("public.csv");
    let file =
        std::fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = std::io::BufWriter::new(file);
    let mut err = None;
    kaoping_core::score::demo_public_csv(args.seed, args.n, args.bad_rows, &mut |b| {
        if err.is_none() {
            err = w.write_all(b).err();
        }
    });
    if let Some(e) = err {
        return Err(e).with_context(|| format!("cannot write {}", path.display()));
    }
    w.flush()?;
    let files = kaoping_core::score::demo_files(args.seed);
    for (name, text) in [
        ("expert.jsonl", &files.expert_jsonl),
        ("cadre.csv", &files.cadre_csv),
        ("indicators.json", &files.indicators_json),
        ("history.json", &files.history_json),
    ] {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    Ok(())
}
