//! `kaoping stats ...`: agreement, reliability and interval statistics on CSV files.
//!
//! FILE layout: one row per rater and one column per unit (first row: unit names; first
//! column: rater names); an empty cell is a missing rating. For `cronbach`, rows are
//! respondents and columns are items.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use kaoping_core::stats::{
    cronbach::cronbach_alpha,
    icc::icc,
    interval::wilson_interval,
    kendall::kendall_w,
    krippendorff::{krippendorff_alpha, Metric},
    RatingMatrix,
};
use kaoping_core::table::ratings::read_rating_matrix;
use serde_json::Value;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum MetricArg {
    Nominal,
    Ordinal,
    Interval,
    Ratio,
}

impl From<MetricArg> for Metric {
    fn from(m: MetricArg) -> Self {
        match m {
            MetricArg::Nominal => Metric::Nominal,
            MetricArg::Ordinal => Metric::Ordinal,
            MetricArg::Interval => Metric::Interval,
            MetricArg::Ratio => Metric::Ratio,
        }
    }
}

#[derive(Debug, Args)]
pub struct Output {
    /// Print the result as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Subcommand)]
pub enum StatsCommand {
    /// Krippendorff's alpha (rows = raters, columns = units; empty = missing).
    Alpha {
        /// Level of measurement.
        #[arg(long, value_enum, default_value = "interval")]
        metric: MetricArg,
        file: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Kendall's W with tie correction (rows = raters, columns = units).
    Kendall {
        file: PathBuf,
        /// Do not correct for tied ranks.
        #[arg(long)]
        no_tie_correction: bool,
        #[command(flatten)]
        out: Output,
    },
    /// Shrout & Fleiss ICCs (rows = judges, columns = targets).
    Icc {
        file: PathBuf,
        /// Confidence level of the intervals.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        #[command(flatten)]
        out: Output,
    },
    /// Cronbach's alpha (rows = respondents, columns = items).
    Cronbach {
        file: PathBuf,
        #[command(flatten)]
        out: Output,
    },
    /// Wilson score interval for SUCCESSES out of TOTAL.
    Wilson {
        successes: u64,
        total: u64,
        /// Confidence level.
        #[arg(long, default_value_t = 0.95)]
        level: f64,
        #[command(flatten)]
        out: Output,
    },
    /// AHP weights from a square pairwise comparison matrix (header row of criteria), with CR.
    Ahp {
        file: std::path::PathBuf,
        /// Random-index table: saaty1980 (the default, as in a plan's `indicator_weights`),
        /// saaty2005, alonso-lamata2006, donegan-dodd1991.
        #[arg(long, default_value = "saaty1980")]
        random_index: String,
        #[command(flatten)]
        out: Output,
    },
}

fn read_matrix(path: &Path) -> Result<RatingMatrix> {
    let bytes = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
    read_rating_matrix(&bytes).with_context(|| format!("parsing {}", path.display()))
}

fn emit(json: bool, value: Value, table: Vec<(String, String)>) -> Result<()> {
    if json {
        println!("{}", serde_json::to_string_pretty(&value)?);
    } else {
        let w = table
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        for (k, v) in table {
            println!("{k:<w$}  {v}");
        }
    }
    Ok(())
}

fn row(k: &str, v: impl std::fmt::Display) -> (String, String) {
    (k.to_string(), v.to_string())
}

fn f4(x: f64) -> String {
    format!("{x:.4}")
}

/// Runs one `kaoping stats` subcommand, printing to stdout.
pub fn run(cmd: StatsCommand) -> Result<()> {
    match cmd {
        StatsCommand::Alpha { metric, file, out } => {
            let m = read_matrix(&file)?;
            let r = krippendorff_alpha(&m, metric.into())?;
            let table = vec![
                row("method", "Krippendorff's alpha"),
                row("metric", r.metric.name()),
                row("alpha", f4(r.alpha)),
                row("level", format!("{:?}", r.level).to_lowercase()),
                row("observed disagreement", f4(r.observed_disagreement)),
                row("expected disagreement", f4(r.expected_disagreement)),
                row("raters", r.raters),
                row("units used", r.units_used),
                row("units dropped (<2 values)", r.units_dropped),
                row("pairable values", r.pairable_values),
            ];
            emit(out.json, serde_json::to_value(&r)?, table)
        }
        StatsCommand::Kendall {
            file,
            no_tie_correction,
            out,
        } => {
            let m = read_matrix(&file)?;
            let r = kendall_w(&m, !no_tie_correction)?;
            let table = vec![
                row("method", "Kendall's W"),
                row("W", f4(r.w)),
                row("chi-square", f4(r.chi_square)),
                row("df", r.df),
                row("p-value", format!("{:.4e}", r.p_value)),
                row("raters", r.raters),
                row("units used", r.units_used),
                row("units dropped (missing)", r.units_dropped),
                row("tie corrected", r.tie_corrected),
                row("ties present", r.has_ties),
            ];
            emit(out.json, serde_json::to_value(&r)?, table)
        }
        StatsCommand::Icc { file, level, out } => {
            let m = read_matrix(&file)?;
            let r = icc(&m, level)?;
            if out.json {
                return emit(true, serde_json::to_value(&r)?, vec![]);
            }
            println!(
                "Shrout & Fleiss ICCs: {} targets x {} judges ({} targets dropped for missing ratings)",
                r.targets, r.judges, r.targets_dropped
            );
            let pct = r.level * 100.0;
            println!(
                "{:<9} {:>7} {:>8} {:>6} {:>8} {:>10} {:>8} {:>8}",
                "form", "ICC", "F", "df1", "df2", "p", "lower", "upper"
            );
            for f in &r.forms {
                println!(
                    "{:<9} {:>7.4} {:>8.3} {:>6} {:>8.2} {:>10.3e} {:>8.4} {:>8.4}",
                    f.name, f.value, f.f, f.df1, f.df2, f.p_value, f.lower, f.upper
                );
            }
            println!("({pct}% F-based confidence intervals)");
            Ok(())
        }
        StatsCommand::Cronbach { file, out } => {
            let m = read_matrix(&file)?;
            let r = cronbach_alpha(&m)?;
            let table = vec![
                row("method", "Cronbach's alpha"),
                row("alpha", f4(r.alpha)),
                row("items", r.items),
                row("respondents used", r.respondents_used),
                row("respondents dropped (missing)", r.respondents_dropped),
                row("total-score variance", f4(r.total_variance)),
            ];
            emit(out.json, serde_json::to_value(&r)?, table)
        }
        StatsCommand::Ahp {
            file,
            random_index,
            out,
        } => crate::ahp::run(&file, &random_index, out.json),
        StatsCommand::Wilson {
            successes,
            total,
            level,
            out,
        } => {
            let r = wilson_interval(successes, total, level)?;
            let table = vec![
                row("method", "Wilson score interval"),
                row("proportion", f4(r.estimate)),
                row("lower", f4(r.lower)),
                row("upper", f4(r.upper)),
                row("level", r.level),
                row("n", r.n),
            ];
            emit(out.json, serde_json::to_value(&r)?, table)
        }
    }
}
