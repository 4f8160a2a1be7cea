//! `kaoping aggregate` (plan + inputs → result, tables, rejections, manifest) and
//! `kaoping verify` (recompute from the manifest's files and compare).
//!
//! Exit codes: 0 done (aggregate: every record accepted; verify: identical); 1 aggregate wrote
//! everything but rejected some records (see rejections.csv), verify found differences;
//! 2 bad usage, an unreadable file, an invalid plan or inputs that cannot be scored.

use anyhow::{Context, Result};
use clap::Args;
use kaoping_core::aggregate::{aggregate, AggregateError, InputFile, InputRole};
use kaoping_core::manifest::{verify, Manifest, NamedBytes, Parameters, DEFAULT_DIFF_LIMIT};
use std::io::{IsTerminal, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Args)]
pub struct AggregateArgs {
    /// The plan (JSON).
    #[arg(long)]
    plan: PathBuf,
    /// Earlier years' results (JSON array of {unit, year, grade, team_grade}).
    #[arg(long)]
    history: Vec<PathBuf>,
    /// Indicator figures (JSON array of {unit, indicator, actual, target} and the like).
    #[arg(long)]
    indicators: Vec<PathBuf>,
    /// Response record files (JSON, arrays, JSON Lines) and scoring-inputs files (as from
    /// `kaoping demo inputs`), read in this order.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Folder for result.json, the CSV tables, rejections.csv and manifest.json.
    #[arg(long)]
    out: PathBuf,
    /// Show a progress bar on stderr even when it is not a terminal.
    #[arg(long)]
    progress: bool,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The manifest.json written by `kaoping aggregate`.
    manifest: PathBuf,
    /// How many differing result values to list.
    #[arg(long, default_value_t = DEFAULT_DIFF_LIMIT)]
    limit: usize,
    /// Print the verification as JSON.
    #[arg(long)]
    json: bool,
}

fn named<'a>(v: &'a [(&'a str, Vec<u8>)]) -> Vec<NamedBytes<'a>> {
    v.iter()
        .map(|(name, bytes)| NamedBytes { name, bytes })
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

/// `path` relative to the folder `base` (both made absolute), with `/` separators.
fn relative_to(path: &Path, base: &Path) -> Result<String> {
    let abs = |p: &Path| -> Result<PathBuf> {
        p.canonicalize()
            .with_context(|| format!("cannot read {}", p.display()))
    };
    let (path, base) = (abs(path)?, abs(base)?);
    let p: Vec<Component> = path.components().collect();
    let b: Vec<Component> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    Ok(parts.join("/"))
}

struct Progress {
    on: bool,
}

impl Progress {
    fn show(&self, done: u64, total: u64) {
        if !self.on || total == 0 {
            return;
        }
        let width = 30;
        let filled = (done as f64 / total as f64 * width as f64) as usize;
        let mut err = std::io::stderr();
        let _ = write!(
            err,
            "\r[{}{}] {:>3}% {:.1}/{:.1} MB",
            "#".repeat(filled),
            " ".repeat(width - filled.min(width)),
            done * 100 / total,
            done as f64 / 1e6,
            total as f64 / 1e6
        );
        if done >= total {
            let _ = writeln!(err);
        }
        let _ = err.flush();
    }
}

fn error_file(e: &AggregateError) -> Option<&str> {
    match e {
        AggregateError::PlanInvalid { file, .. }
        | AggregateError::NotUtf8 { file, .. }
        | AggregateError::BadInput { file, .. } => Some(file),
        AggregateError::Score(_) => None,
    }
}

pub fn run_aggregate(args: AggregateArgs, lang: &str) -> Result<ExitCode> {
    let en = lang == "en";
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let plan_name = relative_to(&args.plan, &args.out)?;
    let plan_bytes = read(&args.plan)?;
    let mut files: Vec<(String, Option<InputRole>, Vec<u8>)> = Vec::new();
    for p in &args.inputs {
        files.push((relative_to(p, &args.out)?, None, read(p)?));
    }
    for p in &args.indicators {
        let role = Some(InputRole::Indicators);
        files.push((relative_to(p, &args.out)?, role, read(p)?));
    }
    for p in &args.history {
        files.push((
            relative_to(p, &args.out)?,
            Some(InputRole::History),
            read(p)?,
        ));
    }
    let inputs: Vec<InputFile> = files
        .iter()
        .map(|(name, role, bytes)| InputFile {
            name,
            role: role.unwrap_or_else(|| InputRole::detect(bytes)),
            bytes,
        })
        .collect();
    let progress = Progress {
        on: args.progress || std::io::stderr().is_terminal(),
    };
    let params = Parameters {
        lang: lang.to_owned(),
    };
    let agg = aggregate(&plan_name, &plan_bytes, &inputs, &params, &mut |d, t| {
        progress.show(d, t)
    })
    .map_err(|e| {
        // Name the file as the user typed it, not relative to the output folder.
        let typed = std::iter::once((&plan_name, &args.plan))
            .chain(
                files.iter().map(|f| &f.0).zip(
                    args.inputs
                        .iter()
                        .chain(&args.indicators)
                        .chain(&args.history),
                ),
            )
            .find(|(name, _)| error_file(&e) == Some(name.as_str()))
            .map(|(name, path)| (name.clone(), path.display().to_string()));
        match typed {
            Some((name, path)) => anyhow::anyhow!(e.to_string().replace(&name, &path)),
            None => anyhow::anyhow!(e),
        }
    })?;
    for o in &agg.outputs {
        let path = args.out.join(&o.name);
        std::fs::write(&path, &o.bytes)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    let manifest_path = args.out.join(MANIFEST_FILE);
    let manifest = serde_json::to_string_pretty(&agg.manifest)? + "\n";
    std::fs::write(&manifest_path, manifest)
        .with_context(|| format!("cannot write {}", manifest_path.display()))?;

    let m = &agg.manifest;
    let c = &m.counts;
    if en {
        println!(
            "plan {} {} (sha256 {})",
            m.plan.id, m.plan.version, m.plan.sha256
        );
        println!(
            "records: read {}, accepted {}, rejected {}; indicator figures {}, history entries {}",
            c.read, c.accepted, c.rejected, c.indicator_inputs, c.history_entries
        );
        println!("result sha256 {}", m.result.sha256);
        println!(
            "wrote {} files and {} to {}",
            agg.outputs.len(),
            MANIFEST_FILE,
            args.out.display()
        );
        if c.rejected > 0 {
            println!("{} record(s) rejected: see rejections.csv", c.rejected);
        }
    } else {
        println!(
            "方案 {} {}（sha256 {}）",
            m.plan.id, m.plan.version, m.plan.sha256
        );
        println!(
            "答卷记录：读取 {}，接受 {}，拒收 {}；指标数据 {} 条，历史记录 {} 条",
            c.read, c.accepted, c.rejected, c.indicator_inputs, c.history_entries
        );
        println!("结果 sha256 {}", m.result.sha256);
        println!(
            "已写入 {} 个文件及 {} 到 {}",
            agg.outputs.len(),
            MANIFEST_FILE,
            args.out.display()
        );
        if c.rejected > 0 {
            println!("拒收 {} 条记录：见 rejections.csv", c.rejected);
        }
    }
    Ok(if c.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

pub fn run_verify(args: VerifyArgs, lang: &str) -> Result<ExitCode> {
    let en = lang == "en";
    let text = read(&args.manifest)?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a kaoping manifest", args.manifest.display()))?;
    let dir = args.manifest.parent().unwrap_or(Path::new("."));
    let load = |name: &str| -> Option<Vec<u8>> { std::fs::read(dir.join(name)).ok() };
    let mut names: Vec<&str> = vec![&manifest.plan.file.name];
    names.extend(manifest.inputs.iter().map(|i| i.name.as_str()));
    let inputs: Vec<(&str, Vec<u8>)> = names
        .iter()
        .filter_map(|n| load(n).map(|b| (*n, b)))
        .collect();
    let outputs: Vec<(&str, Vec<u8>)> = manifest
        .outputs
        .iter()
        .filter_map(|o| load(&o.name).map(|b| (o.name.as_str(), b)))
        .collect();
    let (given, outs) = (named(&inputs), named(&outputs));
    // Every output is checked: an output file that is gone is a difference too.
    let v = verify(&manifest, &given, Some(&outs), args.limit);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else if v.identical {
        let sha = v.result_sha256.as_deref().unwrap_or_default();
        if en {
            println!(
                "identical: {} input file(s), the plan and {} output file(s) as recorded; result sha256 {sha}",
                manifest.inputs.len(),
                manifest.outputs.len()
            );
        } else {
            println!(
                "一致：{} 个输入文件、方案及 {} 个输出文件均与清单相符；结果 sha256 {sha}",
                manifest.inputs.len(),
                manifest.outputs.len()
            );
        }
    } else {
        for d in &v.differences {
            let subject = if d.subject.is_empty() {
                String::new()
            } else {
                format!(" [{}]", d.subject)
            };
            println!("{}{subject} {}", d.code, d.message.get(lang));
        }
        if en {
            println!("{} difference(s)", v.differences.len());
        } else {
            println!("共 {} 处不同", v.differences.len());
        }
    }
    Ok(if v.identical {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
