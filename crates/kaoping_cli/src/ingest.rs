//! `kaoping ingest`: response files (records or CSV) streamed through the core's
//! [`IngestSession`]: every row accepted or rejected with its file, row, column and reason.

use anyhow::{Context, Result};
use kaoping_core::ingest::{FileOptions, Format, IngestReport, IngestSession};
use kaoping_core::plan::Plan;
use kaoping_core::table::decode::Encoding;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct IngestArgs {
    /// The plan (JSON); the built-in demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,
    /// Print only the counts (and the first 20 rejections), not every rejection.
    #[arg(long)]
    pub summary: bool,
    /// How to read the files: auto (from the name), json, jsonl or csv. An Excel workbook
    /// (.xlsx) is read whole, its first sheet as CSV.
    #[arg(long, default_value = "auto")]
    pub format: String,
    /// Text encoding of CSV files: auto (detect), utf-8, gb18030 (also gbk), utf-16le, utf-16be.
    #[arg(long, default_value = "auto")]
    pub encoding: String,
    /// The instrument CSV rows answer (default: the one their headers fit best).
    #[arg(long)]
    pub instrument: Option<String>,
    /// A JSON file {"header": "column_key", …} mapping CSV headers to the plan's columns.
    #[arg(long)]
    pub mapping: Option<PathBuf>,
    /// Read nothing: print, for each table file (CSV, XLSX), what each column became, how its
    /// cells are read (option values, labels or numbers, as survey tools export them) and every
    /// value that matches no option, with its count; exit 1 when there is such a value.
    #[arg(long)]
    pub preview: bool,
    /// A CSV file (column,value,to) recoding values that match no option: `column` the column
    /// key the preview lists, `value` the file's value, `to` an option's value (`1` in an
    /// option column) or empty for an empty answer. Values not in it still reject their rows.
    #[arg(long)]
    pub recode: Option<PathBuf>,
    /// A batch of one-time codes the office signed (`kaoping.codes/1` JSON), for the plan's
    /// instruments that need a code; repeat for several. An invalid batch is rejected once
    /// and issues no code.
    #[arg(long = "codes", value_name = "FILE")]
    pub codes: Vec<PathBuf>,
}

/// Gives the session each code batch file (before any record file).
pub fn add_code_batches(session: &mut IngestSession, files: &[PathBuf]) -> Result<()> {
    for f in files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        session.add_code_batch(&f.display().to_string(), &bytes)?;
    }
    Ok(())
}

/// The options given on the command line, for every file.
pub fn file_options(args: &IngestArgs, lang: &str) -> Result<FileOptions> {
    let format = match args.format.as_str() {
        "auto" => Format::Auto,
        "json" => Format::Json,
        "jsonl" => Format::Jsonl,
        "csv" => Format::Csv,
        f => anyhow::bail!("unknown format {f:?} (auto, json, jsonl, csv)"),
    };
    let encoding = Encoding::parse(&args.encoding).with_context(|| {
        format!(
            "unknown encoding {:?} (auto, utf-8, gb18030, gbk, utf-16le, utf-16be)",
            args.encoding
        )
    })?;
    let mapping = match &args.mapping {
        Some(p) => {
            let t = std::fs::read_to_string(p)
                .with_context(|| format!("cannot read {}", p.display()))?;
            serde_json::from_str(&t).with_context(|| {
                format!(
                    "{} is not a mapping {{\"header\": \"column_key\"}}",
                    p.display()
                )
            })?
        }
        None => Default::default(),
    };
    let recode = match &args.recode {
        Some(p) => {
            let bytes = std::fs::read(p).with_context(|| format!("cannot read {}", p.display()))?;
            kaoping_core::table::recodes::parse_recodes(&bytes).map_err(|e| {
                anyhow::anyhow!("{}: {}", p.display(), crate::yearend::in_lang(&e, lang))
            })?
        }
        None => Default::default(),
    };
    Ok(FileOptions {
        format,
        encoding,
        instrument: args.instrument.clone(),
        mapping,
        readings: Default::default(),
        recode,
    })
}

/// Streams one file into the session in 1 MiB chunks. An Excel workbook (`.xlsx`, or a ZIP
/// file) is read whole: its first sheet goes through the CSV path.
pub fn stream_file(session: &mut IngestSession, path: &Path, options: FileOptions) -> Result<()> {
    let mut f =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let mut magic = [0u8; 4];
    let n = f.read(&mut magic).unwrap_or(0);
    if kaoping_core::xlsx::is_workbook(&name, &magic[..n]) {
        let mut bytes = magic[..n].to_vec();
        f.read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {name}"))?;
        let text = kaoping_core::xlsx::read_csv_text(&bytes, None)
            .with_context(|| format!("{name}: cannot read the Excel workbook"))?;
        session.begin(
            &name,
            FileOptions {
                format: Format::Csv,
                ..options
            },
        )?;
        session.push(text.as_bytes())?;
        session.end()?;
        return Ok(());
    }
    session.begin(&name, options.clone())?;
    session.push(&magic[..n])?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    let lower = name.to_ascii_lowercase();
    let csv = !matches!(options.format, Format::Json | Format::Jsonl)
        && !lower.ends_with(".json")
        && !lower.ends_with(".jsonl");
    if !(csv && crate::blocks::read_file(session, &mut f, path, &name, &options, n as u64, len)?) {
        crate::blocks::copy_range(session, &mut f, n as u64, u64::MAX, path)?;
    }
    session.end()?;
    Ok(())
}

pub fn run(args: IngestArgs, plan: &Plan, lang: &str) -> Result<ExitCode> {
    let options = file_options(&args, lang)?;
    if args.preview {
        return preview(&args, plan, &options, lang);
    }
    let mut session = IngestSession::scoring(plan)?;
    let total: u64 = args
        .files
        .iter()
        .filter_map(|f| std::fs::metadata(f).ok())
        .map(|m| m.len())
        .sum();
    session.expect_bytes(total);
    add_code_batches(&mut session, &args.codes)?;
    for f in &args.files {
        stream_file(&mut session, f, options.clone())?;
    }
    let report = session.finish()?.report;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_report(&report, lang, args.summary);
    }
    Ok(if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_report(report: &IngestReport, lang: &str, summary: bool) {
    let shown = if summary { 20 } else { usize::MAX };
    for r in report.rejected.iter().take(shown) {
        println!(
            "{}",
            crate::report::rejection_line(
                &r.file,
                r.row,
                r.code,
                r.column.as_deref(),
                r.message.get(lang)
            )
        );
    }
    if report.rejected.len() > shown {
        let more = report.rejected.len() - shown;
        if lang == "en" {
            println!("… and {more} more rejection(s) (without --summary: all)");
        } else {
            println!("……另有 {more} 条拒绝（去掉 --summary 可全部列出）");
        }
    }
    for f in &report.files {
        let enc = f.encoding.map(|e| format!(" ({e})")).unwrap_or_default();
        if lang == "en" {
            println!(
                "{}{enc}: read {}, accepted {}, rejected {}",
                f.file, f.read, f.accepted, f.rejected
            );
        } else {
            println!(
                "{}{enc}：读取 {}，接受 {}，拒绝 {}",
                f.file, f.read, f.accepted, f.rejected
            );
        }
        if let Some(m) = &f.mapping {
            if !m.unmapped_headers.is_empty() {
                if lang == "en" {
                    println!("  headers not used: {}", m.unmapped_headers.join(", "));
                } else {
                    println!("  未使用的表头：{}", m.unmapped_headers.join("，"));
                }
            }
            let missing: Vec<String> = m
                .missing
                .iter()
                .filter(|c| c.required)
                .map(|c| c.key.clone())
                .collect();
            if !missing.is_empty() {
                if lang == "en" {
                    println!("  required columns missing: {}", missing.join(", "));
                } else {
                    println!("  缺少必答列：{}", missing.join("，"));
                }
            }
        }
    }
    if summary || report.files.len() > 1 {
        if lang == "en" {
            println!(
                "total: read {}, accepted {}, rejected {}",
                report.read,
                report.accepted,
                report.rejected.len()
            );
        } else {
            println!(
                "合计：读取 {}，接受 {}，拒绝 {}",
                report.read,
                report.accepted,
                report.rejected.len()
            );
        }
    }
    for line in crate::report::trust_lines(report, lang) {
        println!("{line}");
    }
    if let Some(line) = crate::report::versions_line(
        &report.versions,
        lang,
        "按方案版本接受",
        "accepted by plan version",
    ) {
        println!("{line}");
    }
}

/// `kaoping ingest --preview`: each table file's columns, readings and unmatched values.
fn preview(args: &IngestArgs, plan: &Plan, options: &FileOptions, lang: &str) -> Result<ExitCode> {
    let en = lang == "en";
    let mut unmatched = 0;
    for f in &args.files {
        let bytes = std::fs::read(f).with_context(|| format!("cannot read {}", f.display()))?;
        let name = f.display().to_string();
        let Some(p) = kaoping_core::ingest::preview_table(plan, &name, &bytes, options) else {
            if en {
                println!("{name}: not a table (CSV or XLSX) of this plan's instruments");
            } else {
                println!("{name}：不是本方案问卷的表格（CSV 或 XLSX）");
            }
            continue;
        };
        let (rows, ins, enc) = (p.rows, &p.mapping.instrument, p.encoding);
        if en {
            println!("{name}: {rows} row(s), instrument {ins}, encoding {enc}");
        } else {
            println!("{name}：{rows} 行，问卷 {ins}，编码 {enc}");
        }
        for h in p
            .mapping
            .headers
            .iter()
            .filter(|h| h.key.is_some() || h.by != Some("tool"))
        {
            let to = h
                .key
                .as_deref()
                .unwrap_or(if en { "(not used)" } else { "（不使用）" });
            let reading = p.columns.iter().find(|c| Some(&c.key) == h.key.as_ref());
            let how = reading
                .map(|c| format!(" [{}]", reading_word(&word(&c.reading), en)))
                .unwrap_or_default();
            println!("  {} → {to}{how}", h.header);
        }
        for r in &p.mapping.recognised {
            let used = if r.used {
                ""
            } else if en {
                " (dropped)"
            } else {
                "（丢弃）"
            };
            println!("  {} → {}{used}", r.header, word(&r.role));
        }
        for m in &p.mapping.missing {
            if en {
                println!("  missing column {}", m.key);
            } else {
                println!("  缺少列 {}", m.key);
            }
        }
        for u in &p.unmatched {
            let (h, v, n, opts) = (&u.header, &u.value, u.count, u.options.join(", "));
            if let Some(to) = options.recode.get(&u.key).and_then(|m| m.get(v)) {
                if en {
                    println!("  recoded: {h}: {v:?} × {n} → {to:?}");
                } else {
                    println!("  重新编码：{h}：“{v}” × {n} → “{to}”");
                }
                continue;
            }
            unmatched += 1;
            if en {
                println!("  unmatched: {h}: {v:?} × {n} (options: {opts})");
            } else {
                println!("  无法匹配：{h}：“{v}” × {n}（可选：{opts}）");
            }
        }
    }
    Ok(if unmatched > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// How a column's cells are read, in words.
fn reading_word(reading: &str, en: bool) -> &str {
    match (reading.to_ascii_lowercase().as_str(), en) {
        ("values", true) => "option values",
        ("values", false) => "选项值",
        ("labels", true) => "option labels",
        ("labels", false) => "选项文字",
        ("numbers", true) => "option numbers",
        ("numbers", false) => "选项序号",
        ("skips", true) => "numbers, -3 and -2 as skipped",
        ("skips", false) => "数值（-3、-2 为跳过）",
        _ => reading,
    }
}

/// An enum's name as its JSON says it (`labels`, `ip`).
fn word<T: serde::Serialize>(t: &T) -> String {
    match serde_json::to_value(t) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}
