//! `kaoping template`, `kaoping carry-forward` and `kaoping plan next-year`: the year-end
//! tables an office fills in Excel, next year's history from this year's result, and next
//! year's plan from this year's.

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use kaoping_core::cells::{Cell, Table};
use kaoping_core::score::{EvaluationResult, HistoryEntry};
use kaoping_core::text::Bilingual;
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, ValueEnum)]
pub enum TemplateKind {
    /// Indicator figures: one row per unit and indicator that applies to it.
    Figures,
    /// Last year's grades: one row per unit.
    History,
}

#[derive(Args)]
pub struct TemplateArgs {
    pub kind: TemplateKind,
    /// The plan (JSON); the built-in demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The file to write: .csv (UTF-8 with BOM, as Excel opens it) or .xlsx.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Args)]
pub struct CarryForwardArgs {
    /// This year's result.json (from `kaoping aggregate`).
    pub result: PathBuf,
    /// This year's history files (JSON, CSV or XLSX), carried on with this year's grades.
    #[arg(long = "history", num_args = 1..)]
    pub history: Vec<PathBuf>,
    /// The plan of the result (JSON), to read history tables; the demo plan when omitted.
    #[arg(long)]
    pub plan: Option<PathBuf>,
    /// The file to write: .json, .csv or .xlsx.
    #[arg(long)]
    pub out: PathBuf,
}

#[derive(Subcommand)]
pub enum PlanCommand {
    /// Next year's plan from this one: year, id and title moved on, version 1, indicators
    /// added during the year applying from the start, tracking dates a year later.
    NextYear {
        plan: PathBuf,
        #[arg(long)]
        out: PathBuf,
    },
}

/// `kaoping template figures|history`.
pub fn template(args: TemplateArgs, plan: &kaoping_core::plan::Plan, lang: &str) -> Result<()> {
    let table = match args.kind {
        TemplateKind::Figures => kaoping_core::yearend::figures_template(plan, lang),
        TemplateKind::History => kaoping_core::yearend::history_template(plan, lang),
    };
    write_table(&table, &args.out)?;
    let (n, out) = (table.rows.len(), args.out.display());
    say(
        lang,
        format!("已写入 {out}（{n} 行）"),
        format!("wrote {out} ({n} rows)"),
    );
    Ok(())
}

/// `kaoping carry-forward result.json --history … --out …`.
pub fn carry_forward(
    args: CarryForwardArgs,
    plan: &kaoping_core::plan::Plan,
    lang: &str,
) -> Result<()> {
    let text = read(&args.result)?;
    let result: EvaluationResult = serde_json::from_slice(&text)
        .with_context(|| format!("{} is not a kaoping result.json", args.result.display()))?;
    if result.plan_sha256 != plan.sha256 && args.plan.is_some() {
        bail!(
            "{} was scored with another plan (fingerprint {}, the plan given has {})",
            args.result.display(),
            result.plan_sha256,
            plan.sha256
        );
    }
    let mut previous = Vec::new();
    for path in &args.history {
        previous.extend(read_history(plan, path, lang)?);
    }
    let next = kaoping_core::yearend::carry_forward(&result, &previous);
    let lower = args.out.to_string_lossy().to_ascii_lowercase();
    if lower.ends_with(".json") {
        let json = serde_json::to_string_pretty(&serde_json::json!({ "history": next }))? + "\n";
        write(&args.out, json.as_bytes())?;
    } else {
        let mut next_plan = plan.clone();
        next_plan.year = result.year + 1;
        let mut table = kaoping_core::yearend::history_template(&next_plan, lang);
        table.rows = next.iter().map(|h| history_row(plan, h, lang)).collect();
        write_table(&table, &args.out)?;
    }
    let (n, y, out) = (next.len(), result.year, args.out.display());
    say(
        lang,
        format!("已写入 {out}：{n} 条历史记录（含 {y} 年）"),
        format!("wrote {out}: {n} history entries (with {y})"),
    );
    Ok(())
}

/// `kaoping plan next-year plan.json --out next.json`.
pub fn plan(cmd: PlanCommand, lang: &str) -> Result<()> {
    match cmd {
        PlanCommand::NextYear { plan, out } => {
            let text = String::from_utf8(read(&plan)?)
                .with_context(|| format!("{} is not UTF-8 text", plan.display()))?;
            let next = kaoping_core::plan::next_year(&text)
                .map_err(|e| anyhow::anyhow!("{}: {}", plan.display(), in_lang(&e, lang)))?;
            let report = kaoping_core::validate::validate_plan(&next.json);
            write(&out, next.json.as_bytes())?;
            for c in &next.changes {
                println!("{}", c.get(lang));
            }
            if !report.ok {
                bail!(
                    "{} was written but is not a valid plan ({} problem(s)); run `kaoping validate {}`",
                    out.display(),
                    report.problems.len(),
                    out.display()
                );
            }
            let out = out.display();
            say(lang, format!("已写入 {out}"), format!("wrote {out}"));
            Ok(())
        }
    }
}

fn read_history(
    plan: &kaoping_core::plan::Plan,
    path: &Path,
    lang: &str,
) -> Result<Vec<HistoryEntry>> {
    let bytes = read(path)?;
    let body = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(&bytes);
    if matches!(
        body.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    ) {
        let v: serde_json::Value = serde_json::from_slice(body)
            .with_context(|| format!("{} is not JSON", path.display()))?;
        let list = v.get("history").cloned().unwrap_or(v);
        return serde_json::from_value(list)
            .with_context(|| format!("{} is not history JSON", path.display()));
    }
    let name = path.display().to_string();
    kaoping_core::yearend::read_history(plan, &name, &bytes)
        .map(|r| r.entries)
        .map_err(|e| anyhow::anyhow!("{}", in_lang(&e, lang)))
}

fn history_row(plan: &kaoping_core::plan::Plan, h: &HistoryEntry, lang: &str) -> Vec<Cell> {
    let name = plan.units.iter().find(|u| u.id == h.unit);
    vec![
        Cell::Text(h.unit.clone()),
        name.map_or(Cell::Empty, |u| Cell::Text(u.name.get(lang).to_owned())),
        Cell::Number(f64::from(h.year)),
        Cell::Text(h.grade.clone()),
        h.team_grade.clone().map_or(Cell::Empty, Cell::Text),
    ]
}

fn write_table(table: &Table, out: &Path) -> Result<()> {
    let lower = out.to_string_lossy().to_ascii_lowercase();
    let bytes = if lower.ends_with(".xlsx") {
        kaoping_core::xlsx::write_tables(std::slice::from_ref(table))
    } else if lower.ends_with(".csv") {
        kaoping_core::export::csv::to_csv(table).into_bytes()
    } else {
        bail!("{}: write a .csv or an .xlsx file", out.display());
    };
    write(out, &bytes)
}

fn in_lang(e: &dyn Bilingual, lang: &str) -> String {
    if lang == "en" {
        e.to_string()
    } else {
        e.zh()
    }
}

fn say(lang: &str, zh: String, en: String) {
    println!("{}", if lang == "en" { en } else { zh });
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}
