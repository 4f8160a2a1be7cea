//! `kaoping track … --register notices.csv --issue DATE`: the notice register (通知单台账)
//! kept from month to month: notices issued to the units warned at the period analysed, each
//! with its document number and reply deadline, and every notice's status on the day.

use crate::yearend::say;
use anyhow::{bail, Context, Result};
use kaoping_core::plan::Plan;
use kaoping_core::track::register::{update_register, NoticeStatus, RegisterEntry};
use kaoping_core::track::{register_csv, Date, TrackReport};
use std::path::{Path, PathBuf};

/// The register's options of `kaoping track`.
#[derive(clap::Args)]
pub struct RegisterArgs {
    /// The notice register kept so far (CSV as this command writes it, or the same saved as
    /// an XLSX workbook, with the office's replies filled in); it is written back, updated, as
    /// notices.csv in --out.
    #[arg(long)]
    pub register: Option<PathBuf>,
    /// Issue notices dated this day (YYYY-MM-DD) to the units warned at the period analysed
    /// that have none for it yet; without it the register's statuses are only brought up to date.
    #[arg(long, value_name = "DATE")]
    pub issue: Option<String>,
    /// The day the statuses are for (YYYY-MM-DD); default today in China.
    #[arg(long, value_name = "DATE")]
    pub today: Option<String>,
}

impl RegisterArgs {
    fn wanted(&self) -> bool {
        self.register.is_some() || self.issue.is_some()
    }
}

/// Today in China (UTC+8), from the system clock.
fn china_today() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let (y, m, d) = kaoping_core::date::civil_from_days((secs + 8 * 3600).div_euclid(86_400));
    Date {
        year: y as i32,
        month: m,
        day: d,
    }
}

/// Reads, issues, writes notices.csv into `out` and prints what changed; returns the entries
/// (for the numbered notices). Nothing when neither --register nor --issue is given.
pub fn run(
    args: &RegisterArgs,
    plan: &Plan,
    report: &TrackReport,
    out: &Path,
    lang: &str,
) -> Result<Vec<RegisterEntry>> {
    if !args.wanted() {
        return Ok(Vec::new());
    }
    let en = lang == "en";
    let text = match &args.register {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
            // A register saved as a workbook: its first sheet.
            Some(
                kaoping_core::xlsx::file_text(&path.display().to_string(), &bytes)
                    .with_context(|| format!("{}: not a readable XLSX workbook", path.display()))?,
            )
        }
        None => None,
    };
    // Statuses are for today in China unless a day is given (the core's default, the issue
    // day, applies when notices are issued).
    let today = match (&args.today, &args.issue) {
        (Some(t), _) => Some(t.clone()),
        (None, Some(_)) => None,
        (None, None) => Some(china_today().to_string()),
    };
    let register = match update_register(
        plan,
        report,
        text.as_deref(),
        args.issue.as_deref(),
        today.as_deref(),
    ) {
        Ok(r) => r,
        Err(problems) => {
            let name = args
                .register
                .as_ref()
                .map_or_else(|| "--issue/--today".to_owned(), |p| p.display().to_string());
            for p in &problems {
                let place = match (&p.column, p.row, en) {
                    (_, 0, _) => String::new(),
                    (Some(c), r, true) => format!(", row {r}, column {c}"),
                    (Some(c), r, false) => format!("，第 {r} 行“{c}”列"),
                    (None, r, true) => format!(", row {r}"),
                    (None, r, false) => format!("，第 {r} 行"),
                };
                eprintln!("{name}{place}: {}", p.message.get(lang));
            }
            if en {
                bail!(
                    "{name}: the register is not read ({} problem(s)); nothing was issued",
                    problems.len()
                );
            }
            bail!(
                "{name}：台账未读入（{} 处问题），未下发任何通知单",
                problems.len()
            );
        }
    };
    let entries: Vec<RegisterEntry> = register.rows.iter().map(|r| r.entry.clone()).collect();
    let path = out.join("notices.csv");
    std::fs::write(&path, register_csv(plan, &register, lang))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let unit = |id: &str| {
        plan.unit(id)
            .map_or(id.to_owned(), |u| u.name.get(lang).to_owned())
    };
    for r in &register.rows {
        let e = &r.entry;
        let (level, u, by) = (
            e.level.name().get(lang).to_owned(),
            unit(&e.unit),
            &e.deadline,
        );
        if register.issued_now.contains(&e.number) {
            let n = &e.number;
            say(
                lang,
                format!("下发：{level} {n} → {u}，答复期限 {by}"),
                format!("issued: {level} {n} to {u}, reply by {by}"),
            );
        }
    }
    for r in register
        .rows
        .iter()
        .filter(|r| r.status == NoticeStatus::Overdue)
    {
        let e = &r.entry;
        let (level, u, by, n) = (
            e.level.name().get(lang).to_owned(),
            unit(&e.unit),
            &e.deadline,
            &e.number,
        );
        say(
            lang,
            format!("逾期未答复：{n} {u}（{level}），答复期限 {by}"),
            format!("overdue: {n} {u} ({level}), reply was due {by}"),
        );
    }
    let (day, all, now, late) = (
        &register.today,
        register.rows.len(),
        register.issued_now.len(),
        register.overdue,
    );
    let out = path.display();
    say(
        lang,
        format!("通知单台账（{day}）：共 {all} 份，本次下发 {now} 份，逾期未答复 {late} 份；已写入 {out}"),
        format!("notice register on {day}: {all} notice(s), {now} issued now, {late} overdue; written to {out}"),
    );
    Ok(entries)
}
