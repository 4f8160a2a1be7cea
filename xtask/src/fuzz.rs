//! `cargo xtask fuzz [--seconds N] [TARGET…]`: the cargo-fuzz targets of `fuzz/` (bodies in
//! `crates/kaoping_fuzz`), built once on the nightly toolchain and run one after another,
//! each for N seconds, one process at a time under `nice`. New inputs go into
//! `fuzz/corpus/<target>/`, crashes into `fuzz/artifacts/<target>/` (not committed: minimise
//! one with `cargo +nightly fuzz tmin`, keep it in `fuzz/regressions/<target>/`). The smoke
//! step of `cargo xtask test` runs each target briefly without touching the corpus. See
//! `fuzz/README.md`.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;
use crate::tools;

/// Every target and its longest input (bytes): large enough for the seeds that matter (the
/// demo plan is 50 KB, a workbook 10–40 KB, an aggregation's result.json 150 KB), small
/// enough that a run is not spent on huge inputs.
pub const TARGETS: [(&str, usize); 9] = [
    ("plan", 65_536),
    ("expr", 4_096),
    ("pattern", 16_384),
    ("csv", 8_192),
    ("json", 16_384),
    ("xlsx", 65_536),
    ("zip", 65_536),
    ("manifest", 160_000),
    ("trust", 32_768),
];

/// The smoke step of `cargo xtask test` runs each target for a fixed number of inputs from a
/// fixed seed, not for a time: the same code then explores the same inputs on every machine
/// and every run, so CI is repeatable (a 15-second run found a new bug on one CI run and not
/// on the next). New bugs are the long runs' job (`cargo xtask fuzz`). About 5–10 s each at
/// the speeds of fuzz/README.md.
const SMOKE_RUNS: [(&str, u64); 9] = [
    ("plan", 20_000),
    ("expr", 100_000),
    ("pattern", 100_000),
    ("csv", 1_500),
    ("json", 10_000),
    ("xlsx", 8_000),
    ("zip", 4_000),
    ("manifest", 150),
    ("trust", 3_000),
];
/// A cap on one smoke run's seconds, for a machine far slower than this one.
pub const SMOKE_SECONDS: u64 = 120;
/// The fuzz builds' own target folder (they use other compiler flags than the workspace).
const TARGET_DIR: &str = "target/fuzz";
/// Memory one input may use, and seconds it may take, before the fuzzer calls it a crash.
const RSS_LIMIT_MB: u32 = 2048;
const TIMEOUT_SECONDS: u32 = 10;

/// Which targets a run names (all when none), checked against [`TARGETS`].
pub fn select(names: &[String]) -> Result<Vec<(&'static str, usize)>> {
    if names.is_empty() {
        return Ok(TARGETS.to_vec());
    }
    names
        .iter()
        .map(|n| {
            TARGETS.iter().copied().find(|t| t.0 == n).with_context(|| {
                let all: Vec<&str> = TARGETS.iter().map(|t| t.0).collect();
                format!(
                    "unknown fuzz target {n:?}; the targets are {}",
                    all.join(", ")
                )
            })
        })
        .collect()
}

/// `cargo +nightly fuzz <sub> …` with the flags every call shares, run under `nice -n 19`
/// (the fuzzers share the machine).
fn cargo_fuzz(sub: &str) -> Cmd {
    // The rustup proxy `cargo`, not `$CARGO`: only the proxy understands `+nightly`.
    Cmd::new("nice")
        .args(["-n", "19", "cargo", "+nightly", "fuzz", sub])
        .args([
            // No sanitizer: the core forbids unsafe code; debug assertions and overflow checks on.
            "--sanitizer=none",
            "--debug-assertions",
            "--target-dir",
            TARGET_DIR,
        ])
}

fn build(root: &Path) -> Result<()> {
    tools::ensure_fuzz()?;
    cargo_fuzz("build").dir(root).run()
}

/// The built binary of `target`, copied aside for this run, so that every target of a run
/// tests the core of the one build at its start. `cargo fuzz run` builds its target again from
/// the working tree when it starts, so a run of several targets beside other work tested a
/// different core with each target (fuzz/README.md, run 11).
fn frozen(root: &Path, target: &str) -> Result<PathBuf> {
    let dir = root.join(TARGET_DIR);
    let built = std::fs::read_dir(&dir)
        .with_context(|| format!("no fuzz build in {}", dir.display()))?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("release").join(target))
        .find(|p| p.is_file())
        .with_context(|| format!("no built fuzz target {target} under {}", dir.display()))?;
    let aside = dir.join("frozen").join(std::process::id().to_string());
    std::fs::create_dir_all(&aside)?;
    let copy = aside.join(target);
    std::fs::copy(&built, &copy)
        .with_context(|| format!("cannot copy {} to {}", built.display(), copy.display()))?;
    Ok(copy)
}

/// The libFuzzer options of a run of `seconds` of a target whose inputs are at most `max_len`.
fn options(
    root: &Path,
    target: &str,
    seconds: u64,
    max_len: usize,
    artifacts: &Path,
) -> Vec<String> {
    // A target's dictionary of tokens, when it has one.
    let dict = root.join("fuzz/dict").join(format!("{target}.dict"));
    let dict = dict.is_file().then(|| format!("-dict={}", dict.display()));
    dict.into_iter()
        .chain([
            format!("-max_total_time={seconds}"),
            format!("-max_len={max_len}"),
            format!("-rss_limit_mb={RSS_LIMIT_MB}"),
            format!("-timeout={TIMEOUT_SECONDS}"),
            format!("-artifact_prefix={}/", artifacts.display()),
            "-print_final_stats=1".into(),
        ])
        .collect()
}

/// `cargo xtask fuzz`: builds, then runs each target for `seconds`, growing its corpus; a
/// crash does not stop the run (libFuzzer's fork mode, one job at a time), it is listed at
/// the end. With `quiet` (minutes), a target stops sooner once its edge coverage has not
/// grown for that long: the bar, "until it finds nothing new for 30 minutes".
pub fn run(root: &Path, seconds: u64, quiet: Option<u64>, names: &[String]) -> Result<()> {
    let targets = select(names)?;
    build(root)?;
    // Every target of the run as this build made it, before the first one starts.
    let binaries = targets
        .iter()
        .map(|(t, _)| frozen(root, t))
        .collect::<Result<Vec<_>>>()?;
    let mut found = Vec::new();
    for ((target, max_len), binary) in targets.into_iter().zip(binaries) {
        let corpus = root.join("fuzz/corpus").join(target);
        let artifacts = root.join("fuzz/artifacts").join(target);
        std::fs::create_dir_all(&corpus)?;
        std::fs::create_dir_all(&artifacts)?;
        let before = listing(&artifacts);
        let mut progress = Progress::default();
        Cmd::new("nice")
            .args(["-n", "19"])
            .arg(&binary)
            .dir(root)
            .args(options(root, target, seconds, max_len, &artifacts))
            .args([
                "-fork=1",
                "-ignore_crashes=1",
                "-ignore_ooms=1",
                "-ignore_timeouts=1",
            ])
            .arg(&corpus)
            .run_watched(|line| {
                progress.read(line);
                quiet.is_none_or(|m| progress.quiet_seconds() < m * 60)
            })?;
        println!("fuzz: {target}: {}", progress.summary(quiet));
        found.extend(
            listing(&artifacts)
                .into_iter()
                .filter(|p| !before.contains(p)),
        );
    }
    // The copies are this run's alone (about 55 MB each).
    let _ = std::fs::remove_dir_all(
        root.join(TARGET_DIR)
            .join("frozen")
            .join(std::process::id().to_string()),
    );
    if found.is_empty() {
        println!("fuzz: no crash found");
        return Ok(());
    }
    for p in &found {
        println!("fuzz: found {}", p.display());
    }
    bail!(
        "{} crashing input(s) found: minimise each with `cargo +nightly fuzz tmin --sanitizer=none \
         --debug-assertions TARGET FILE`, keep it in fuzz/regressions/TARGET/ and note it in \
         fuzz/README.md",
        found.len()
    )
}

/// The smoke step of `cargo xtask test`: one build, then each target for its [`SMOKE_RUNS`]
/// inputs from seed 1 (at most [`SMOKE_SECONDS`])
/// from its committed corpus (read only: new inputs go to `target/fuzz/smoke/`); any crash
/// fails the step.
pub fn smoke(root: &Path) -> Result<()> {
    build(root)?;
    for (target, max_len) in TARGETS {
        let scratch = root.join(TARGET_DIR).join("smoke").join(target);
        let artifacts = root.join(TARGET_DIR).join("smoke-artifacts").join(target);
        // A fresh scratch corpus each time: libFuzzer writes its finds into the first folder.
        let _ = std::fs::remove_dir_all(&scratch);
        std::fs::create_dir_all(&scratch)?;
        std::fs::create_dir_all(&artifacts)?;
        let runs = SMOKE_RUNS
            .iter()
            .find(|r| r.0 == target)
            .map_or(1_000, |r| r.1);
        cargo_fuzz("run")
            .arg(target)
            .arg(&scratch)
            .arg(root.join("fuzz/corpus").join(target))
            .dir(root)
            .arg("--")
            .args(options(root, target, SMOKE_SECONDS, max_len, &artifacts))
            .args(["-seed=1".to_string(), format!("-runs={runs}")])
            .run()
            .with_context(|| {
                format!(
                    "fuzz target {target} crashed (the input is in {})",
                    artifacts.display()
                )
            })?;
    }
    Ok(())
}

/// What libFuzzer's status lines in fork mode say of a run
/// (`#N: cov: C ft: F corp: K exec/s: E oom/timeout/crash: a/b/c time: Ts …`).
#[derive(Debug, Default, PartialEq)]
struct Progress {
    execs: u64,
    cov: u64,
    seconds: u64,
    /// The run time of the last line whose `cov` rose.
    grew_at: u64,
    crashes: u64,
}

impl Progress {
    fn read(&mut self, line: &str) {
        let Some(rest) = line.strip_prefix('#') else {
            return;
        };
        let field = |name: &str| {
            let at = rest.find(name)? + name.len();
            let word = rest[at..].split_whitespace().next()?;
            Some(word.trim_end_matches('s'))
        };
        let number = |name: &str| field(name).and_then(|w| w.parse::<u64>().ok());
        let (Some(execs), Some(cov), Some(seconds)) = (
            rest.split(':').next().and_then(|n| n.parse().ok()),
            number(" cov: "),
            number(" time: "),
        ) else {
            return;
        };
        if cov > self.cov {
            self.cov = cov;
            self.grew_at = seconds;
        }
        self.execs = execs;
        self.seconds = seconds;
        if let Some(c) = field(" oom/timeout/crash: ").and_then(|w| w.split('/').nth(2)) {
            self.crashes = c.parse().unwrap_or(self.crashes);
        }
    }

    /// Seconds since the edge coverage last grew.
    fn quiet_seconds(&self) -> u64 {
        self.seconds - self.grew_at
    }

    fn summary(&self, quiet: Option<u64>) -> String {
        let rate = self.execs / self.seconds.max(1);
        let levelled = match quiet {
            Some(m) if self.quiet_seconds() >= m * 60 => format!(", levelled off ({m} min quiet)"),
            Some(m) => format!(", NOT levelled off (bar: {m} min quiet)"),
            None => String::new(),
        };
        format!(
            "{} s, {} inputs ({rate}/s), cov {}, last cov growth at {} s, {} crash(es){levelled}",
            self.seconds, self.execs, self.cov, self.grew_at, self.crashes
        )
    }
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|d| d.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_fork_mode_status_lines() {
        let mut p = Progress::default();
        for line in [
            "INFO: Seed: 1",
            "#376: cov: 831 ft: 4223 corp: 461 exec/s: 188 oom/timeout/crash: 0/0/0 time: 2s job: 1 dft_time: 0",
            "#2633: cov: 849 ft: 4288 corp: 483 exec/s: 300 oom/timeout/crash: 0/0/1 time: 10s job: 3 dft_time: 0",
            "#4106: cov: 849 ft: 4324 corp: 509 exec/s: 294 oom/timeout/crash: 0/0/1 time: 75s job: 4 dft_time: 0",
        ] {
            p.read(line);
        }
        assert_eq!(
            p,
            Progress {
                execs: 4106,
                cov: 849,
                seconds: 75,
                grew_at: 10,
                crashes: 1
            }
        );
        assert_eq!(p.quiet_seconds(), 65);
        assert!(p.summary(Some(1)).contains("levelled off (1 min quiet)"));
        assert!(p.summary(Some(2)).contains("NOT levelled off"));
    }

    #[test]
    fn targets_are_selected_by_name() {
        assert_eq!(select(&[]).unwrap().len(), TARGETS.len());
        let one = select(&["csv".to_string()]).unwrap();
        assert_eq!(one, vec![("csv", 8_192)]);
        let err = select(&["nope".to_string()]).unwrap_err().to_string();
        assert!(err.contains("unknown fuzz target \"nope\""), "{err}");
    }

    #[test]
    fn every_target_has_a_smoke_run() {
        for (t, _) in TARGETS {
            assert!(
                SMOKE_RUNS.iter().any(|r| r.0 == t),
                "{t} has no SMOKE_RUNS entry"
            );
        }
    }

    #[test]
    fn every_target_has_a_source_and_a_corpus() {
        let root = crate::project_root();
        for (t, _) in TARGETS {
            assert!(
                root.join(format!("fuzz/fuzz_targets/{t}.rs")).is_file(),
                "{t}"
            );
            assert!(root.join(format!("fuzz/corpus/{t}")).is_dir(), "{t}");
        }
    }

    /// A run's targets are copies of the build at its start: a rebuild of the same target
    /// afterwards (the working tree changed) does not change what the run executes.
    #[test]
    fn a_run_keeps_its_build_s_binaries() {
        let root = std::env::temp_dir().join(format!("kaoping-frozen-{}", std::process::id()));
        let release = root.join(TARGET_DIR).join("some-triple/release");
        std::fs::create_dir_all(&release).unwrap();
        std::fs::write(release.join("zip"), b"build 1").unwrap();
        let copy = frozen(&root, "zip").unwrap();
        std::fs::remove_file(release.join("zip")).unwrap();
        std::fs::write(release.join("zip"), b"build 2").unwrap();
        assert_eq!(std::fs::read(&copy).unwrap(), b"build 1");
        assert!(frozen(&root, "csv").is_err(), "a target that was not built");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
