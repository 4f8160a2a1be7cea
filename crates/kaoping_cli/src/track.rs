//! `kaoping track` and `kaoping demo periods`: tracking through the year, as files.

use anyhow::{Context, Result};
use kaoping_core::plan::Plan;
use kaoping_core::track::{
    demo_periods, notice_html, warned_units, warnings_csv, warnings_xlsx, InputKind, TrackReport,
    Tracker,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Arguments of `kaoping track`.
#[derive(clap::Args)]
pub struct TrackArgs {
    /// The plan (JSON) with a `tracking` section; the built-in demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// Period files (CSV or JSON): unit, indicator, period, actual, last_year, peer_city, target.
    #[arg(long, num_args = 1.., required = true)]
    periods: Vec<PathBuf>,
    /// Project reports (CSV or JSON): milestones reached and quarterly site-check ratings; and
    /// the sealed records of the plan's site-check sheets (JSON, arrays or JSON Lines, as the
    /// review page downloads them).
    #[arg(long, num_args = 1..)]
    projects: Vec<PathBuf>,
    /// Constraint events (CSV or JSON): unit, indicator, date, veto, evidence, description.
    #[arg(long)]
    events: Option<PathBuf>,
    /// The latest period analysed (e.g. 2026-09); default the latest with a figure.
    #[arg(long)]
    through: Option<String>,
    /// Folder for tracking.json, warnings.csv, warnings.xlsx, notice-UNIT.html (and
    /// notices.csv with --register or --issue); with --year-end, the year-end figures file
    /// (.json).
    #[arg(long)]
    out: PathBuf,
    /// Write the year's indicator figures (年终指标数据) made from the tracking year to --out
    /// instead: a JSON file `kaoping aggregate` reads, each figure with its sources, every gap
    /// listed. The data must reach the year's last period.
    #[arg(long)]
    year_end: bool,
    /// With --year-end: the office's overrides (CSV or XLSX; unit, indicator, field, value,
    /// reason: 单位, 指标, 调整项, 调整后, 调整原因), each with a reason.
    #[arg(long, requires = "year_end")]
    overrides: Option<PathBuf>,
    #[command(flatten)]
    register: crate::notices::RegisterArgs,
}

/// Adds a tracking file: CSV or JSON (the engine detects the encoding), or an XLSX workbook's
/// first sheet as CSV.
fn add(tracker: &mut Tracker, kind: InputKind, path: &Path) -> Result<()> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let name = path.display().to_string();
    let text = kaoping_core::xlsx::file_text(&name, &bytes)
        .with_context(|| format!("{}: not a readable XLSX workbook", path.display()))?;
    tracker.add_file(kind, &name, &text);
    Ok(())
}

/// Runs `kaoping track`; exit 1 when rows were rejected.
pub fn run(args: TrackArgs, plan: Plan, lang: &str) -> Result<ExitCode> {
    let mut tracker = Tracker::new(&plan)?;
    for f in &args.periods {
        add(&mut tracker, InputKind::Periods, f)?;
    }
    for f in &args.projects {
        add(&mut tracker, InputKind::Projects, f)?;
    }
    if let Some(f) = &args.events {
        add(&mut tracker, InputKind::Events, f)?;
    }
    let report = tracker.finish(args.through.as_deref())?;
    if args.year_end {
        print_reading(&report, lang);
        crate::close::write(&plan, &report, args.overrides.as_deref(), &args.out, lang)?;
        return Ok(exit(&report));
    }
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let write = |name: &str, text: &str| -> Result<()> {
        let p = args.out.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))
    };
    write(
        "tracking.json",
        &(serde_json::to_string_pretty(&report)? + "\n"),
    )?;
    write("warnings.csv", &warnings_csv(&plan, &report, lang))?;
    let xlsx = args.out.join("warnings.xlsx");
    std::fs::write(&xlsx, warnings_xlsx(&plan, &report, lang))
        .with_context(|| format!("cannot write {}", xlsx.display()))?;
    let register = crate::notices::run(&args.register, &plan, &report, &args.out, lang)?;
    let through = report.through.to_string();
    let units = warned_units(&plan, &report);
    for u in &units {
        let entry = register
            .iter()
            .find(|e| &e.unit == u && e.period == through);
        if let Some(html) = notice_html(&plan, &report, u, entry, lang) {
            write(&format!("notice-{u}.html"), &html)?;
        }
    }
    let en = lang == "en";
    print_reading(&report, lang);
    if report.after_through > 0 {
        if en {
            println!(
                "{} accepted row(s) after {} are not analysed",
                report.after_through, report.through
            );
        } else {
            println!(
                "{} 之后的 {} 行已接受，未纳入本次分析",
                report.through, report.after_through
            );
        }
    }
    let missing: usize = report.series.iter().map(|s| s.missing.len()).sum();
    let gaps: Vec<_> = report
        .series
        .iter()
        .filter(|s| !s.missing.is_empty())
        .collect();
    for s in gaps.iter().take(10) {
        let periods: Vec<String> = s.missing.iter().map(|p| p.to_string()).collect();
        if en {
            println!("missing: {} {} {}", s.unit, s.indicator, periods.join(" "));
        } else {
            println!("缺报：{} {} {}", s.unit, s.indicator, periods.join(" "));
        }
    }
    if gaps.len() > 10 {
        if en {
            println!(
                "missing: … {} more series (see tracking.json)",
                gaps.len() - 10
            );
        } else {
            println!("缺报：……另有 {} 项（见 tracking.json）", gaps.len() - 10);
        }
    }
    for w in &report.warnings {
        println!("{}", w.message.get(lang));
    }
    if en {
        println!(
            "through {}: {} warning(s) to {} unit(s), {} missing period(s); written to {}",
            report.through,
            report.warnings.len(),
            units.len(),
            missing,
            args.out.display()
        );
    } else {
        println!(
            "截至 {}：预警 {} 条，涉及 {} 个单位，缺报 {} 期；已写入 {}",
            report.through,
            report.warnings.len(),
            units.len(),
            missing,
            args.out.display()
        );
    }
    Ok(exit(&report))
}

/// Exit 1 when a row was rejected.
fn exit(report: &TrackReport) -> ExitCode {
    if report.rejected.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// Prints every rejection and the counts per file.
fn print_reading(report: &TrackReport, lang: &str) {
    let en = lang == "en";
    for r in &report.rejected {
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
    for f in &report.files {
        if en {
            println!(
                "{}: read {}, accepted {}, rejected {}",
                f.file, f.read, f.accepted, f.rejected
            );
        } else {
            println!(
                "{}：读取 {}，接受 {}，拒绝 {}",
                f.file, f.read, f.accepted, f.rejected
            );
        }
        if !f.ignored_columns.is_empty() {
            if en {
                println!(
                    "{}: columns not used: {}",
                    f.file,
                    f.ignored_columns.join(", ")
                );
            } else {
                println!("{}：未使用的列：{}", f.file, f.ignored_columns.join("、"));
            }
        }
    }
    if let Some(line) = crate::report::versions_line(
        &report.versions,
        lang,
        "按方案版本接受的现场查核记录",
        "site-check records by plan version",
    ) {
        println!("{line}");
    }
}

/// `kaoping demo periods`: writes periods.csv, projects.json, site-checks.jsonl and events.json.
pub fn demo(seed: u64, through: Option<String>, out: &Path) -> Result<()> {
    let d = demo_periods(seed, through.as_deref())?;
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    for (name, text) in [
        ("periods.csv", &d.periods_csv),
        ("projects.json", &d.projects_json),
        ("site-checks.jsonl", &d.site_checks_jsonl),
        ("events.json", &d.events_json),
    ] {
        let p = out.join(name);
        std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?;
    }
    println!(
        "{}: periods.csv, projects.json, site-checks.jsonl, events.json (through {})",
        out.display(),
        d.through
    );
    Ok(())
}
