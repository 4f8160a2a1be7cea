//! `kaoping stats ahp FILE.csv`: AHP weights, λmax, CI and CR of a pairwise matrix.
//!
//! The CSV has a header row of criterion names and, optionally, a first column of names
//! (then the header starts with an empty corner cell). Cells may be `3`, `0.5` or `1/3`.
//! Parsing and every number come from `kaoping_core::stats::ahp`; this file only reads
//! the file and prints.

use std::path::Path;

use anyhow::{bail, Context};
use kaoping_core::stats::ahp::{self, AhpOptions, RandomIndexTable};

/// Runs the command. Prints the figures (a table, or JSON with `json`) and fails with
/// a non-zero exit when CR ≥ 0.10, after printing them.
pub fn run(file: &Path, random_index: &str, json: bool) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let matrix = ahp::parse_pairwise_csv(&text)
        .with_context(|| format!("{}: not a valid pairwise matrix", file.display()))?;
    let table: RandomIndexTable = random_index.parse().with_context(|| {
        format!(
            "--random-index: use one of {}",
            RandomIndexTable::NAMES.join(", ")
        )
    })?;
    let opts = AhpOptions {
        random_index: table,
        ..AhpOptions::default()
    };
    let r = ahp::ahp_weights_unchecked(&matrix, &opts)
        .with_context(|| format!("{}: AHP failed", file.display()))?;
    let consistent = r.cr < opts.cr_threshold;
    if json {
        let mut v = serde_json::to_value(&r)?;
        if let Some(o) = v.as_object_mut() {
            o.insert("consistent".into(), serde_json::Value::Bool(consistent));
            o.insert("cr_threshold".into(), serde_json::json!(opts.cr_threshold));
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        let width = r
            .names
            .iter()
            .map(|n| n.chars().count())
            .max()
            .unwrap_or(0)
            .max("Criterion".len());
        println!("{:<width$}  {:>8}", "Criterion", "Weight");
        for (name, w) in r.names.iter().zip(&r.weights) {
            let pad = width.saturating_sub(name.chars().count());
            println!("{name}{}  {w:>8.4}", " ".repeat(pad));
        }
        println!();
        println!("n      = {}", r.names.len());
        println!("λmax   = {:.4}", r.lambda_max);
        println!("CI     = {:.4}", r.ci);
        println!("RI     = {} ({})", r.random_index, table_name(r.table));
        println!(
            "CR     = {:.4}  ({})",
            r.cr,
            if consistent {
                "acceptable: CR < 0.10"
            } else {
                "NOT acceptable: CR ≥ 0.10"
            }
        );
    }
    if !consistent {
        bail!(
            "{}: the judgements are inconsistent (CR = {:.4} ≥ {}); revise the comparisons",
            file.display(),
            r.cr,
            opts.cr_threshold
        );
    }
    Ok(())
}

fn table_name(t: RandomIndexTable) -> &'static str {
    match t {
        RandomIndexTable::Saaty1980 => "Saaty 1980",
        RandomIndexTable::Saaty2005 => "Saaty 2005",
        RandomIndexTable::AlonsoLamata2006 => "Alonso & Lamata 2006",
        RandomIndexTable::DoneganDodd1991 => "Donegan & Dodd 1991",
    }
}
