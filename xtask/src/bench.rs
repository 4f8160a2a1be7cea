//! `cargo xtask bench`: ingest speed, in the browser (WASM against a JavaScript baseline) and
//! natively (the CLI's MB/s and peak memory as the input grows tenfold). Prints figures; asserts
//! nothing about time.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;
use crate::{serve, size, tools, web};

pub struct Options {
    /// Public responses for the browser run.
    pub n: usize,
    /// Row counts of the native runs (each 10x the last, typically).
    pub native: Vec<usize>,
    pub runs: usize,
    pub build: bool,
    pub browser: bool,
}

/// The demo data set of `n` public responses, generated once into `target/bench/n<N>/`.
fn data(root: &Path, kaoping: &Path, n: usize) -> Result<PathBuf> {
    let dir = root.join(format!("target/bench/n{n}"));
    let csv = dir.join("public.csv");
    if !csv.is_file() {
        println!("generating {n} responses into {}", dir.display());
        Cmd::new(kaoping)
            .args([
                "demo",
                "responses",
                "--seed",
                "1",
                "--n",
                &n.to_string(),
                "--out",
            ])
            .arg(&dir)
            .run()?;
    }
    Ok(csv)
}

pub fn run(root: &Path, o: &Options) -> Result<()> {
    Cmd::cargo()
        .args(["build", "--release", "-p", "kaoping_cli"])
        .dir(root)
        .run()?;
    let kaoping = root.join("target/release/kaoping");
    if o.browser {
        browser(root, &kaoping, o)?;
    }
    for n in &o.native {
        native(root, &kaoping, *n, o.runs)?;
    }
    Ok(())
}

fn browser(root: &Path, kaoping: &Path, o: &Options) -> Result<()> {
    let csv = data(root, kaoping, o.n)?;
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
    for f in ["blocks.js", "shard-worker.js", "read-worker.js"] {
        std::fs::copy(www.join("js").join(f), site.join("js").join(f))
            .with_context(|| format!("cannot copy www/js/{f}"))?;
    }
    for f in [
        "bench.html",
        "bench.js",
        "bench-wasm-worker.js",
        "bench-js-worker.js",
    ] {
        std::fs::copy(root.join("xtask/bench").join(f), site.join(f))
            .with_context(|| format!("cannot copy xtask/bench/{f}"))?;
    }
    std::fs::copy(
        root.join("node_modules/papaparse/papaparse.min.js"),
        site.join("papaparse.min.js"),
    )
    .context("papaparse is missing: run `npm ci`")?;
    let name = format!("public-{}.csv", o.n);
    if std::fs::hard_link(&csv, site.join(&name)).is_err() {
        std::fs::copy(&csv, site.join(&name))?;
    }
    let (_server, port) = serve::start(&site, 0)?;
    println!(
        "browser: {} responses ({:.1} MB), best of {} runs each",
        o.n,
        std::fs::metadata(&csv)?.len() as f64 / 1e6,
        o.runs
    );
    Cmd::new("node")
        .arg("xtask/bench/run.mjs")
        .arg(format!("http://127.0.0.1:{port}/"))
        .arg(&name)
        .arg(o.runs.to_string())
        .env("CHROMIUM", size::chromium())
        .dir(root)
        .run()
}

/// Peak resident memory of a process so far (VmHWM), in KiB.
fn vm_hwm(pid: u32) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// `runs` timed runs of `kaoping ingest --summary` on `n` rows: each run's time, then the best
/// and the peak memory of all.
fn native(root: &Path, kaoping: &Path, n: usize, runs: usize) -> Result<()> {
    let csv = data(root, kaoping, n)?;
    let bytes = std::fs::metadata(&csv)?.len();
    // Read once so that the page cache holds the file for the timed run.
    let _ = std::process::Command::new(kaoping)
        .args(["ingest", "--summary", "--lang", "en"])
        .arg(&csv)
        .stdout(std::process::Stdio::null())
        .status();
    let (mut best, mut peak) = (f64::INFINITY, 0);
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let (secs, p) = timed(kaoping, &csv)?;
        times.push(format!("{secs:.2}"));
        best = best.min(secs);
        peak = peak.max(p);
    }
    println!(
        "native: kaoping ingest --summary {} rows ({:.1} MB): best of {} {:.2} s, {:.0} MB/s (runs: {} s), peak RSS {:.1} MB",
        n,
        bytes as f64 / 1e6,
        times.len(),
        best,
        bytes as f64 / 1e6 / best,
        times.join(", "),
        peak as f64 / 1024.0
    );
    Ok(())
}

/// One run: its wall time in seconds and its peak RSS in KiB.
fn timed(kaoping: &Path, csv: &Path) -> Result<(f64, u64)> {
    let start = Instant::now();
    let mut child = std::process::Command::new(kaoping)
        .args(["ingest", "--summary", "--lang", "en"])
        .arg(csv)
        .stdout(std::process::Stdio::null())
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
    if !status.success() {
        bail!("kaoping ingest failed on {} ({status})", csv.display());
    }
    Ok((secs, peak))
}
