//! Every file of `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` run through its
//! target (`kaoping_fuzz::TARGETS`), so that `cargo test` keeps what the fuzzers found. A
//! regression the core does not survive yet would be listed in [`KNOWN`] with its reason and
//! left out of the replay until the core is fixed; the list is empty: every corpus and
//! regression file is replayed.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

/// Regression files (target/file name) that still crash the core, and why; empty, and a
/// checker below fails on an entry naming a missing file.
const KNOWN: &[(&str, &str)] = &[];

fn fuzz_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

/// The files of `fuzz/<kind>/<target>/` for every target: (target, path).
fn files(kind: &str) -> Vec<(&'static str, PathBuf)> {
    let mut out = Vec::new();
    for (target, _) in kaoping_fuzz::TARGETS {
        let dir = fuzz_dir().join(kind).join(target);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut paths: Vec<PathBuf> = entries.map(|e| e.unwrap().path()).collect();
        paths.sort();
        out.extend(
            paths
                .into_iter()
                .filter(|p| p.is_file())
                .map(|p| (*target, p)),
        );
    }
    out
}

fn key(target: &str, path: &Path) -> String {
    format!("{target}/{}", path.file_name().unwrap().to_string_lossy())
}

/// Runs each file through its target; the files that panicked, with the message.
fn replay(files: &[(&'static str, PathBuf)]) -> Vec<String> {
    let mut failures = Vec::new();
    for (target, path) in files {
        let bytes = std::fs::read(path).unwrap();
        let run = kaoping_fuzz::target(target).unwrap();
        if let Err(e) = catch_unwind(AssertUnwindSafe(|| run(&bytes))) {
            let msg = e
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            failures.push(format!("{}: {msg}", key(target, path)));
        }
    }
    failures
}

#[test]
fn every_corpus_file_replays() {
    let files = files("corpus");
    for (target, _) in kaoping_fuzz::TARGETS {
        assert!(
            files.iter().any(|f| f.0 == *target),
            "fuzz/corpus/{target}/ is empty"
        );
    }
    let failures = replay(&files);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_regression_replays() {
    let all = files("regressions");
    for (k, why) in KNOWN {
        assert!(
            all.iter().any(|(t, p)| key(t, p) == *k),
            "KNOWN lists {k} ({why}), which is not in fuzz/regressions/"
        );
    }
    let fixed: Vec<_> = all
        .into_iter()
        .filter(|(t, p)| !KNOWN.iter().any(|k| k.0 == key(t, p)))
        .collect();
    let failures = replay(&fixed);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Replays one known regression (`target/file`) alone.
#[allow(dead_code)]
fn known(k: &str) {
    let (target, name) = k.split_once('/').unwrap();
    let path = fuzz_dir().join("regressions").join(target).join(name);
    let failures = replay(&[(
        kaoping_fuzz::TARGETS
            .iter()
            .find(|t| t.0 == target)
            .unwrap()
            .0,
        path,
    )]);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
