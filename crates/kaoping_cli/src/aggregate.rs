//! `kaoping aggregate` (plan + inputs → result, tables, rejections, manifest) and
//! `kaoping verify` (recompute from the manifest's files and compare).
//!
//! Exit codes: 0 done (aggregate: every record accepted; verify: identical); 1 aggregate wrote
//! everything but rejected some records (see rejections.csv), verify found differences;
//! 2 bad usage, an unreadable file, an invalid plan or inputs that cannot be scored.

use anyhow::{Context, Result};
use clap::Args;
use kaoping_core::aggregate::verify::{verify_recomputed, Found, NamedBytes, DEFAULT_DIFF_LIMIT};
use kaoping_core::aggregate::{read_plan, AggregateError, AggregateRun, FileHash};
use kaoping_core::ingest::FileOptions;
use kaoping_core::manifest::{InputRole, Manifest, Parameters};
use kaoping_core::text::Bilingual;
use std::io::{IsTerminal, Read, Write};
use std::path::{Component, Path, PathBuf};
use std::process::ExitCode;

/// The manifest's file name in the output folder.
pub const MANIFEST_FILE: &str = "manifest.json";

#[derive(Args)]
pub struct AggregateArgs {
    /// The plan (JSON).
    #[arg(long)]
    plan: PathBuf,
    /// Earlier years' results: a JSON array of {unit, year, grade, team_grade}, or a table
    /// (CSV or XLSX) with the columns of `kaoping template history`.
    #[arg(long)]
    history: Vec<PathBuf>,
    /// Indicator figures: a JSON array of {unit, indicator, actual, target} and the like, or a
    /// table (CSV or XLSX) with the columns of `kaoping template figures`.
    #[arg(long)]
    indicators: Vec<PathBuf>,
    /// Response record files (JSON, arrays, JSON Lines, CSV or XLSX in the flat layout) and
    /// scoring-inputs, indicator or history files (as from `kaoping demo inputs` and
    /// `kaoping demo responses`, or tables as from `kaoping template`; told apart by their
    /// first bytes or header row), streamed in this order.
    #[arg(required = true)]
    inputs: Vec<PathBuf>,
    /// Folder for result.json, the CSV tables, rejections.csv and manifest.json.
    #[arg(long)]
    out: PathBuf,
    /// Show a progress bar on stderr even when it is not a terminal.
    #[arg(long)]
    progress: bool,
    /// A batch of one-time codes the office signed (`kaoping.codes/1` JSON), read before the
    /// records and named in the manifest (role `code_batch`) so that `kaoping verify` checks
    /// the codes again; repeat for several.
    #[arg(long = "codes", value_name = "FILE")]
    codes: Vec<PathBuf>,
    /// The cadre roster (干部名单, CSV or XLSX: 单位/unit, 岗位/role, 姓名/name, 职务/post,
    /// 人员编号/person): the people graded under the cadre question's rows, named in the
    /// results (role `cadre_roster` in the manifest).
    #[arg(long = "cadres", value_name = "FILE")]
    cadres: Option<PathBuf>,
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

/// How many bytes are read at a time.
const CHUNK: usize = 1 << 20;

/// Reads a file in chunks of `buf`'s size.
fn stream(path: &Path, buf: &mut [u8], each: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<()> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    loop {
        let n = f
            .read(buf)
            .with_context(|| format!("cannot read {}", path.display()))?;
        if n == 0 {
            return Ok(());
        }
        each(&buf[..n])?;
    }
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

/// A large CSV record file read by every core ([`crate::blocks`]). False (nothing read) when
/// the file is not read in blocks.
fn in_blocks(
    run: &mut AggregateRun,
    name: &str,
    path: &Path,
    progress: &Progress,
    total: u64,
) -> Result<bool> {
    let lower = name.to_ascii_lowercase();
    if lower.ends_with(".json") || lower.ends_with(".jsonl") {
        return Ok(false);
    }
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let len = f
        .metadata()
        .with_context(|| format!("cannot read {}", path.display()))?
        .len();
    let mut target = crate::blocks::Aggregating {
        run,
        progress: |r: &AggregateRun| progress.show(r.progress().bytes, total),
    };
    let options = FileOptions::default();
    crate::blocks::read_file(&mut target, &mut f, path, name, &options, 0, len)
}

pub fn run_aggregate(args: AggregateArgs, lang: &str) -> Result<ExitCode> {
    let en = lang == "en";
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let plan_name = relative_to(&args.plan, &args.out)?;
    let plan_bytes = read(&args.plan)?;
    let mut files: Vec<(String, Option<InputRole>, &PathBuf)> = Vec::new();
    // Code batches first: the records claim their codes from them.
    for p in &args.codes {
        files.push((relative_to(p, &args.out)?, Some(InputRole::CodeBatch), p));
    }
    for p in &args.inputs {
        files.push((relative_to(p, &args.out)?, None, p));
    }
    for p in &args.indicators {
        files.push((relative_to(p, &args.out)?, Some(InputRole::Indicators), p));
    }
    for p in &args.history {
        files.push((relative_to(p, &args.out)?, Some(InputRole::History), p));
    }
    if let Some(p) = &args.cadres {
        files.push((relative_to(p, &args.out)?, Some(InputRole::CadreRoster), p));
    }
    let progress = Progress {
        on: args.progress || std::io::stderr().is_terminal(),
    };
    let params = Parameters {
        lang: lang.to_owned(),
    };
    // Name the file as the user typed it, not relative to the output folder.
    let typed = |e: AggregateError| -> anyhow::Error {
        let typed = std::iter::once((&plan_name, &args.plan))
            .chain(files.iter().map(|f| (&f.0, f.2)))
            .find(|(name, _)| e.file() == Some(name.as_str()))
            .map(|(name, path)| (name.clone(), path.display().to_string()));
        let text = if en { e.to_string() } else { e.zh() };
        match typed {
            Some((name, path)) => anyhow::anyhow!(text.replace(&name, &path)),
            None => anyhow::anyhow!(text),
        }
    };
    let mut total = 0u64;
    for (_, _, p) in &files {
        total += std::fs::metadata(p)
            .with_context(|| format!("cannot read {}", p.display()))?
            .len();
    }
    let plan = read_plan(&plan_name, &plan_bytes, lang).map_err(typed)?;
    let mut run = AggregateRun::new(&plan, &plan_name, &plan_bytes, params).map_err(typed)?;
    run.expect_bytes(total);
    let mut buf = vec![0u8; CHUNK];
    for (name, role, path) in &files {
        run.begin(name, *role, FileOptions::default())
            .map_err(typed)?;
        if role.is_none() && in_blocks(&mut run, name, path, &progress, total)? {
            run.end().map_err(typed)?;
            continue;
        }
        stream(path, &mut buf, &mut |chunk| {
            run.push(chunk).map_err(typed)?;
            progress.show(run.progress().bytes, total);
            Ok(())
        })?;
        run.end().map_err(typed)?;
    }
    progress.show(total, total);
    let agg = run.finish().map_err(typed)?;
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
    let say = |zh: String, en_text: String| println!("{}", if en { en_text } else { zh });
    let (id, version, sha) = (&m.plan.id, &m.plan.version, &m.plan.sha256);
    say(
        format!("方案 {id} {version}（sha256 {sha}）"),
        format!("plan {id} {version} (sha256 {sha})"),
    );
    let (r, a, x, i, h) = (
        c.read,
        c.accepted,
        c.rejected,
        c.indicator_inputs,
        c.history_entries,
    );
    say(
        format!("答卷记录：读取 {r}，接受 {a}，拒收 {x}；指标数据 {i} 条，历史记录 {h} 条"),
        format!("records: read {r}, accepted {a}, rejected {x}; indicator figures {i}, history entries {h}"),
    );
    let result = &m.result.sha256;
    say(
        format!("结果 sha256 {result}"),
        format!("result sha256 {result}"),
    );
    let (n, dir) = (agg.outputs.len(), args.out.display());
    say(
        format!("已写入 {n} 个文件及 {MANIFEST_FILE} 到 {dir}"),
        format!("wrote {n} files and {MANIFEST_FILE} to {dir}"),
    );
    if x > 0 {
        say(
            format!("拒收 {x} 条记录：见 rejections.csv"),
            format!("{x} record(s) rejected: see rejections.csv"),
        );
    }
    for line in crate::report::trust_lines(&agg.ingest, lang) {
        println!("{line}");
    }
    if agg.result.units.iter().any(|u| u.talks.is_some()) {
        let cadres = || agg.result.units.iter().flat_map(|u| &u.cadres);
        let talks = || agg.result.units.iter().filter_map(|u| u.talks.as_ref());
        let people = cadres().filter(|c| c.name.is_some()).count();
        let capped = cadres().filter(|c| c.excellent_capped).count();
        let adm: usize = talks().map(|t| t.admonition.len()).sum();
        let rem: usize = talks().map(|t| t.reminder.len()).sum();
        say(
            format!("干部名单 {people} 人：诫勉谈话 {adm} 人，一对一谈话提醒 {rem} 人，因优秀比例限制评为称职 {capped} 人；见 cadres.csv、talks.csv"),
            format!("cadre roster: {people} people; admonition talks {adm}, reminder talks {rem}, held to competent by the cap on excellent {capped}; see cadres.csv, talks.csv"),
        );
    }
    for e in m.inputs.iter().filter(|e| !e.overrides.is_empty()) {
        let (n, name) = (e.overrides.len(), &e.name);
        say(
            format!("{name}：人工调整 {n} 处（原值、调整后、原因见 {MANIFEST_FILE}）"),
            format!("{name}: {n} override(s) (before, after and reason in {MANIFEST_FILE})"),
        );
    }
    let superseded = agg.ingest.superseded.len();
    if superseded > 0 {
        say(
            format!("被取代的评分表 {superseded} 份：见 superseded.csv"),
            format!("{superseded} sheet(s) superseded: see superseded.csv"),
        );
    }
    Ok(if c.rejected > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One step of a recomputation; the first error stops it (and is what it gives).
fn feed<'p>(
    run: &mut Option<Result<AggregateRun<'p>, AggregateError>>,
    step: impl FnOnce(&mut AggregateRun<'p>) -> Result<(), AggregateError>,
) {
    if let Some(Ok(r)) = run {
        if let Err(e) = step(r) {
            *run = Some(Err(e));
        }
    }
}

pub fn run_verify(args: VerifyArgs, lang: &str) -> Result<ExitCode> {
    let en = lang == "en";
    let text = read(&args.manifest)?;
    let manifest: Manifest = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a kaoping manifest", args.manifest.display()))?;
    let dir = args.manifest.parent().unwrap_or(Path::new("."));
    let load = |name: &str| -> Option<Vec<u8>> { std::fs::read(dir.join(name)).ok() };
    let present = |name: &str| std::fs::File::open(dir.join(name)).is_ok();
    let plan_name = &manifest.plan.file.name;
    let plan_bytes = load(plan_name);
    let all_present = plan_bytes.is_some() && manifest.inputs.iter().all(|i| present(&i.name));
    // The aggregation is recomputed as the files are read (when they are all there).
    let plan = match (&plan_bytes, all_present) {
        (Some(b), true) => Some(read_plan(plan_name, b, &manifest.parameters.lang)),
        _ => None,
    };
    let mut run: Option<Result<AggregateRun, AggregateError>> = match (&plan, &plan_bytes) {
        (Some(Ok(p)), Some(b)) => Some(AggregateRun::new(
            p,
            plan_name,
            b,
            manifest.parameters.clone(),
        )),
        (Some(Err(e)), _) => Some(Err(e.clone())),
        _ => None,
    };
    let mut found = Found {
        plan: plan_bytes.as_deref().map(|b| {
            let mut h = FileHash::new();
            h.update(b);
            h.finish()
        }),
        inputs: Vec::new(),
    };
    let mut buf = vec![0u8; CHUNK];
    for entry in &manifest.inputs {
        let path = dir.join(&entry.name);
        if !present(&entry.name) {
            found.inputs.push(None);
            continue;
        }
        let mut hash = FileHash::new();
        let role = Some(entry.role.unwrap_or(InputRole::Records));
        feed(&mut run, |r| {
            r.begin(&entry.name, role, FileOptions::default())
        });
        stream(&path, &mut buf, &mut |chunk| {
            hash.update(chunk);
            feed(&mut run, |r| r.push(chunk));
            Ok(())
        })?;
        feed(&mut run, |r| r.end().map(|_| ()));
        found.inputs.push(Some(hash.finish()));
    }
    let recomputed = run.map(|r| r.and_then(AggregateRun::finish));
    let outputs: Vec<(&str, Vec<u8>)> = manifest
        .outputs
        .iter()
        .filter_map(|o| load(&o.name).map(|b| (o.name.as_str(), b)))
        .collect();
    let outs = named(&outputs);
    // Every output is checked: an output file that is gone is a difference too.
    let v = verify_recomputed(&manifest, &found, recomputed, Some(&outs), args.limit);
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
