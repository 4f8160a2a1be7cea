//! Where one ingest's time goes, step by step (issue 19), for `cargo xtask bench`:
//!
//! ```sh
//! cargo run --release -p kaoping_core --all-features --example ingest_steps -- PLAN FILE [RUNS]
//! ```
//!
//! The core keeps no clock (no IO), and reads, checks and counts a row in one pass, so the
//! steps are timed as successively longer passes over the same bytes, one thread, best of
//! RUNS (default 3) each:
//!
//! 1. `tokenise`: the CSV tokenizer alone (rows and field bounds);
//! 2. `cells`: the same, and every field's bytes read;
//! 3. `rows`: the ingest session's whole row pass (decoding, the header mapping, every
//!    check, the counts, the duplicate set), pushed in 1 MiB chunks as the pages push them;
//! 4. `finish`: the session's `finish` (merging the counts, the report).
//!
//! It prints one JSON line: each step's milliseconds, what a step adds to the one before it
//! (`parse_cells` = cells − tokenise, `check_count_duplicates` = rows − cells), and the rows
//! counted, so a reader can check that every pass read the same file.

use kaoping_core::ingest::{FileOptions, IngestSession};
use kaoping_core::table::csv::Tokenizer;
use std::time::Instant;

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (f64, T) {
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let r = f();
        best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        out = Some(r);
    }
    (best, out.expect("at least one run"))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let [_, plan_path, file, rest @ ..] = args.as_slice() else {
        return Err("usage: ingest_steps PLAN FILE [RUNS]".into());
    };
    let runs: usize = rest.first().map(|r| r.parse()).transpose()?.unwrap_or(3);
    let plan_text = std::fs::read_to_string(plan_path)?;
    let plan = kaoping_core::plan::load_plan(&plan_text)?;
    let bytes = std::fs::read(file)?;
    let delimiter = if file.to_ascii_lowercase().ends_with(".tsv") {
        b'\t'
    } else {
        b','
    };

    let (tokenise, rows) = best(runs, || {
        let mut tok = Tokenizer::new(delimiter);
        let mut n = 0u64;
        let mut count = |_: &kaoping_core::table::csv::Row| n += 1;
        tok.feed(&bytes, &mut count);
        tok.finish(&mut count);
        n
    });
    let (cells, cell_bytes) = best(runs, || {
        let mut tok = Tokenizer::new(delimiter);
        let mut sum = 0u64;
        let mut read = |row: &kaoping_core::table::csv::Row| {
            for i in 0..row.len() {
                let f = row.field(i);
                sum += f.len() as u64 + u64::from(f.first().copied().unwrap_or(0));
            }
        };
        tok.feed(&bytes, &mut read);
        tok.finish(&mut read);
        sum
    });
    let name = std::path::Path::new(file)
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("file.csv")
        .to_owned();
    let mut pass = f64::INFINITY;
    let mut finish = f64::INFINITY;
    let mut read = 0;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let mut session = IngestSession::scoring(&plan)?;
        session.begin(&name, FileOptions::default())?;
        for chunk in bytes.chunks(1 << 20) {
            session.push(chunk)?;
        }
        session.end()?;
        pass = pass.min(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let outcome = session.finish()?;
        finish = finish.min(t.elapsed().as_secs_f64() * 1000.0);
        read = outcome.report.read;
    }
    let ms = |x: f64| (x * 10.0).round() / 10.0;
    let out = serde_json::json!({
        "runs": runs,
        "csv_rows": rows,
        "records_read": read,
        "cell_bytes": cell_bytes,
        "tokenise": ms(tokenise),
        "cells": ms(cells),
        "rows": ms(pass),
        "finish": ms(finish),
        "parse_cells": ms(cells - tokenise),
        "check_count_duplicates": ms(pass - cells),
        "total": ms(pass + finish),
    });
    println!("{out}");
    Ok(())
}
