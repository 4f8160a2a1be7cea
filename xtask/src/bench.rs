//! `cargo xtask bench`: ingest speed over several layouts (`bench_layouts.rs`), in the browser
//! (WASM against PapaParse, fastMode and quote-aware, and a hand-tuned JavaScript byte loop,
//! all checked to read, accept and reject the same rows) and natively (the CLI). Prints a table
//! per layout and appends the run to `xtask/bench/history.jsonl`; asserts nothing about time.
//! `--native N,M`: the demo layout natively at those row counts too (MB/s and peak memory as
//! the input grows tenfold).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use serde_json::{json, Value};

use crate::bench_layouts::{self, Data, Layout};
use crate::cmd::Cmd;
use crate::{serve, size, tools, web};

pub struct Options {
    /// Rows of every layout.
    pub n: usize,
    /// Layouts by name (all when empty).
    pub layouts: Vec<String>,
    /// Row counts of extra native runs of the demo layout (each 10x the last, typically).
    pub native: Vec<usize>,
    pub runs: usize,
    pub build: bool,
    pub browser: bool,
    /// Append the run to the history file.
    pub history: bool,
}

/// The release binary, in the target directory cargo builds into.
fn kaoping(root: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"))
        .join("release/kaoping")
}

/// One native run's figures.
struct Native {
    best: f64,
    peak_kib: u64,
    counts: [u64; 3],
    /// Where one thread's time goes (`examples/ingest_steps.rs`): milliseconds per step.
    steps: Value,
}

pub fn run(root: &Path, o: &Options) -> Result<()> {
    Cmd::cargo()
        .args(["build", "--release", "-p", "kaoping_cli"])
        .dir(root)
        .run()?;
    Cmd::cargo()
        .args(["build", "--release", "-p", "kaoping_core", "--all-features"])
        .args(["--example", "ingest_steps"])
        .dir(root)
        .run()?;
    let kaoping = kaoping(root);
    let layouts = bench_layouts::select(&o.layouts)?;
    let mut data = Vec::new();
    for l in &layouts {
        data.push(bench_layouts::data(root, &kaoping, l, o.n)?);
    }
    let browser = if o.browser {
        browser(root, &layouts, &data, o)?
    } else {
        Value::Null
    };
    let mut native = Vec::new();
    for (l, d) in layouts.iter().zip(&data) {
        let mut r = native_run(&kaoping, &d.csv, Some(&d.plan), o.runs)?;
        println!(
            "native {}: kaoping ingest --summary {} rows ({:.1} MB): best of {} {:.3} s, {:.0} MB/s, peak RSS {:.1} MB; read {}, accepted {}, rejected {}",
            l.name, o.n, mb(&d.csv), o.runs, r.best, mb(&d.csv) / r.best, r.peak_kib as f64 / 1024.0,
            r.counts[0], r.counts[1], r.counts[2]
        );
        r.steps = steps(root, d, o.runs)?;
        let st = |k: &str| r.steps[k].as_f64().unwrap_or(f64::NAN);
        println!(
            "native {} steps (one thread, ms, best of {}): tokenise {}, parse cells {}, check + count + duplicates {}, finish {}; total {}",
            l.name, o.runs, st("tokenise"), st("parse_cells"), st("check_count_duplicates"),
            st("finish"), st("total")
        );
        if r.steps["records_read"].as_u64() != Some(r.counts[0]) {
            bail!(
                "{}: the steps' session read {} records, the CLI {}",
                l.name,
                r.steps["records_read"],
                r.counts[0]
            );
        }
        if let Some(w) = browser.get(l.name) {
            let wasm = [
                &w["wasm"]["read"],
                &w["wasm"]["accepted"],
                &w["wasm"]["rejected"],
            ]
            .map(|v| v.as_u64().unwrap_or_default());
            if wasm != r.counts {
                bail!(
                    "{}: the CLI counted {:?} (read, accepted, rejected), the WASM build {wasm:?}",
                    l.name,
                    r.counts
                );
            }
        }
        native.push(r);
    }
    for n in &o.native {
        let d = bench_layouts::data(root, &kaoping, &bench_layouts::LAYOUTS[0], *n)?;
        let r = native_run(&kaoping, &d.csv, Some(&d.plan), o.runs)?;
        println!(
            "native demo: kaoping ingest --summary {n} rows ({:.1} MB): best of {} {:.2} s, {:.0} MB/s, peak RSS {:.1} MB",
            mb(&d.csv), o.runs, r.best, mb(&d.csv) / r.best, r.peak_kib as f64 / 1024.0
        );
    }
    let rows = table(&layouts, &data, &browser, &native, o);
    if o.history {
        history(root, o, &rows)?;
    }
    Ok(())
}

fn mb(p: &Path) -> f64 {
    std::fs::metadata(p)
        .map(|m| m.len() as f64 / 1e6)
        .unwrap_or(0.0)
}

/// The table, one line per layout, and the same figures as JSON for the history.
fn table(
    layouts: &[&Layout],
    data: &[Data],
    browser: &Value,
    native: &[Native],
    o: &Options,
) -> Vec<Value> {
    println!();
    println!("rows {} per layout, best of {}; ratios: the baseline's time over kaoping WASM's, and kaoping WASM's over the byte loop's", o.n, o.runs);
    println!("| layout | rows | MB | kaoping WASM s | PapaParse fastMode s (×) | PapaParse quote-aware s (×) | byte loop s (kaoping ×) | native s | rejected |");
    println!("|---|---|---|---|---|---|---|---|---|");
    let mut out = Vec::new();
    for ((l, d), n) in layouts.iter().zip(data).zip(native) {
        let b = &browser[l.name];
        let s = |m: &str| b[m]["s"].as_f64();
        let mut row = json!({"layout": l.name, "rows": o.n, "mb": (mb(&d.csv) * 10.0).round() / 10.0,
            "native_s": n.best, "rejected": n.counts[2], "native_steps_ms": n.steps});
        let cells = match (s("wasm"), s("js-fast"), s("js"), s("bytes")) {
            (Some(w), Some(f), Some(q), Some(y)) => {
                row["wasm_s"] = json!(w);
                row["wasm_1_s"] = json!(s("wasm-1"));
                row["papa_fast_s"] = json!(f);
                row["papa_quote_s"] = json!(q);
                row["bytes_s"] = json!(y);
                row["wasm_steps_ms"] = b["wasm"]["stats"].clone();
                format!(
                    "{w:.3} | {f:.3} ({:.1}×) | {q:.3} ({:.1}×) | {y:.3} ({:.1}×)",
                    f / w,
                    q / w,
                    w / y
                )
            }
            _ => "– | – | – | –".to_owned(),
        };
        println!(
            "| {} | {} | {:.1} | {cells} | {:.3} | {} |",
            l.name,
            o.n,
            mb(&d.csv),
            n.best,
            n.counts[2]
        );
        out.push(row);
    }
    for l in layouts {
        println!("{}: {}", l.name, l.about);
    }
    // The office path's own steps (js/blocks.js), milliseconds in the best WASM run. The core
    // keeps no clock (no IO, and its rows are read, checked and counted in one pass), so it
    // cannot say how long tokenising, checking or counting took apart.
    for l in layouts {
        if let Some(st) = browser[l.name]["wasm"]["stats"].as_object() {
            let steps: Vec<String> = st.iter().map(|(k, v)| format!("{k} {v}")).collect();
            println!("{}: WASM steps (ms): {}", l.name, steps.join(", "));
        }
    }
    out
}

/// One line appended to `xtask/bench/history.jsonl`: when, which commit, which machine, the
/// figures.
fn history(root: &Path, o: &Options, rows: &[Value]) -> Result<()> {
    let commit = Cmd::new("git")
        .args(["rev-parse", "--short=12", "HEAD"])
        .dir(root)
        .read()?;
    let dirty = !Cmd::new("git")
        .args(["status", "--porcelain"])
        .dir(root)
        .read()?
        .trim()
        .is_empty();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_default();
    let line = json!({
        "date": Cmd::new("date").args(["-u", "+%Y-%m-%dT%H:%M:%SZ"]).read()?.trim(),
        "commit": commit.trim(),
        "dirty": dirty,
        "arch": Cmd::new("uname").arg("-m").read()?.trim(),
        "cpu": cpu,
        "cores": std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
        "runs": o.runs,
        "layouts": rows,
    });
    let path = root.join("xtask/bench/history.jsonl");
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)?;
    writeln!(f, "{line}")?;
    println!("appended to {}", path.display());
    Ok(())
}

/// The browser runs of every layout: the best run of each mode, as run.mjs writes them.
fn browser(root: &Path, layouts: &[&Layout], data: &[Data], o: &Options) -> Result<Value> {
    if o.build {
        tools::ensure(root, tools::Needs::WEB)?;
        web::build(root)?;
    } else {
        tools::ensure(root, tools::Needs::NPM)?;
    }
    tools::ensure(root, tools::Needs::BROWSER)?;
    let www = web::site(root)?;
    // Its own site: the office engine, PapaParse, the bench page and the data. Never part of
    // target/www/ (what the app serves).
    let site = root.join("target/bench/site");
    let _ = std::fs::remove_dir_all(&site);
    std::fs::create_dir_all(site.join("pkg-office"))?;
    for e in std::fs::read_dir(www.join("pkg-office"))? {
        let p = e?.path();
        if p.is_file() {
            std::fs::copy(
                &p,
                site.join("pkg-office")
                    .join(p.file_name().unwrap_or_default()),
            )?;
        }
    }
    std::fs::create_dir_all(site.join("js"))?;
    for f in [
        "blocks.js",
        "engine.js",
        "shard-worker.js",
        "read-worker.js",
    ] {
        std::fs::copy(www.join("js").join(f), site.join("js").join(f))
            .with_context(|| format!("cannot copy www/js/{f}"))?;
    }
    for f in [
        "bench.html",
        "bench.js",
        "bench-wasm-worker.js",
        "bench-js-worker.js",
        "bench-bytes-worker.js",
    ] {
        std::fs::copy(root.join("xtask/bench").join(f), site.join(f))
            .with_context(|| format!("cannot copy xtask/bench/{f}"))?;
    }
    std::fs::copy(
        root.join("node_modules/papaparse/papaparse.min.js"),
        site.join("papaparse.min.js"),
    )
    .context("papaparse is missing: run `npm ci`")?;
    for (l, d) in layouts.iter().zip(data) {
        let dir = site.join(l.name);
        std::fs::create_dir_all(&dir)?;
        let csv = dir.join(format!("{}.csv", l.name));
        if std::fs::hard_link(&d.csv, &csv).is_err() {
            std::fs::copy(&d.csv, &csv)?;
        }
        std::fs::copy(&d.plan, dir.join("plan.json"))?;
        std::fs::copy(&d.spec, dir.join("spec.json"))?;
    }
    let (_server, port) = serve::start(&site, 0)?;
    println!(
        "browser: {} rows per layout, best of {} runs each",
        o.n, o.runs
    );
    let out = root.join("target/bench/browser.json");
    Cmd::new("node")
        .arg("xtask/bench/run.mjs")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(o.runs.to_string())
        .arg(&out)
        .args(layouts.iter().map(|l| l.name))
        .env("CHROMIUM", size::chromium())
        .dir(root)
        .run()?;
    let text = std::fs::read_to_string(&out)?;
    Ok(serde_json::from_str(&text)?)
}

/// Peak resident memory of a process so far (VmHWM), in KiB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `runs` timed runs of `kaoping ingest --summary` of `csv` with its plan: the best time, the
/// peak memory of all, and the rows read, accepted and rejected.
fn native_run(kaoping: &Path, csv: &Path, plan: Option<&Path>, runs: usize) -> Result<Native> {
    // Once untimed, so that the page cache holds the file for the timed runs.
    let (_, _, out) = timed(kaoping, csv, plan)?;
    let counts =
        counts(&out).with_context(|| format!("no totals in kaoping ingest's output:\n{out}"))?;
    let (mut best, mut peak_kib) = (f64::INFINITY, 0);
    for _ in 0..runs.max(1) {
        let (secs, p, _) = timed(kaoping, csv, plan)?;
        best = best.min(secs);
        peak_kib = peak_kib.max(p);
    }
    Ok(Native {
        best,
        peak_kib,
        counts,
        steps: Value::Null,
    })
}

/// The steps of one thread's ingest of `d`'s file (`examples/ingest_steps.rs`), best of `runs`.
fn steps(root: &Path, d: &Data, runs: usize) -> Result<Value> {
    let exe = root.join("target/release/examples/ingest_steps");
    let out = Cmd::new(exe)
        .arg(&d.plan)
        .arg(&d.csv)
        .arg(runs.max(1).to_string())
        .read()?;
    serde_json::from_str(out.trim()).with_context(|| format!("ingest_steps printed {out}"))
}

/// "total: read R, accepted A, rejected J" of `kaoping ingest --summary --lang en`.
fn counts(out: &str) -> Option<[u64; 3]> {
    let line = out.lines().find_map(|l| l.strip_prefix("total: read "))?;
    let mut n = line
        .split(", ")
        .map(|p| p.rsplit(' ').next().and_then(|v| v.parse().ok()));
    Some([n.next()??, n.next()??, n.next()??])
}

/// One run: its wall time in seconds, its peak RSS in KiB and what it printed.
fn timed(kaoping: &Path, csv: &Path, plan: Option<&Path>) -> Result<(f64, u64, String)> {
    let printed = csv.with_extension("out");
    let start = Instant::now();
    let mut cmd = std::process::Command::new(kaoping);
    cmd.args(["ingest", "--summary", "--lang", "en"]);
    if let Some(p) = plan {
        cmd.arg("--plan").arg(p);
    }
    let mut child = cmd
        .arg(csv)
        .stdout(std::fs::File::create(&printed)?)
        .spawn()
        .with_context(|| format!("cannot run {}", kaoping.display()))?;
    let pid = child.id();
    // Sampled every 2 ms: VmHWM only grows, so the last sample is the peak up to then.
    let mut peak = 0;
    let status = loop {
        if let Some(k) = vm_hwm(pid) {
            peak = peak.max(k);
        }
        if let Some(s) = child.try_wait()? {
            break s;
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let secs = start.elapsed().as_secs_f64();
    // 1: rows were rejected, as the generated layouts mean them to be.
    if !matches!(status.code(), Some(0 | 1)) {
        bail!("kaoping ingest failed on {} ({status})", csv.display());
    }
    Ok((secs, peak, std::fs::read_to_string(&printed)?))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_totals_are_read_from_the_summary() {
        let out = "a.csv: read 5, accepted 4, rejected 1\ntotal: read 5, accepted 4, rejected 1\n";
        assert_eq!(super::counts(out), Some([5, 4, 1]));
        assert_eq!(
            super::counts("a.csv: read 5, accepted 4, rejected 1\n"),
            None
        );
    }
}
