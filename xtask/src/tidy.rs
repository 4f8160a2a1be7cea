//! `cargo xtask tidy`: the core's layers and sizes, and the dictionaries' keys.
//!
//! - **Layers.** Every top-level module of `crates/kaoping_core` has a layer in [`LAYERS`]. A
//!   module may use (`crate::x`) modules of lower layers, and of its own layer only when that
//!   closes no cycle; never of a higher one. The scan is a small lexer: comments (doc comments
//!   too) are skipped, string literals too except inside attributes (so that
//!   `#[schemars(with = "crate::score::ScoringRules")]` counts), and so is the body of a
//!   `#[cfg(test)] mod` (inline, or its file): tests may use a higher layer's helpers.
//!   `super::` paths, which stay inside their module, are not followed.
//! - **Sizes.** No core file over [`MAX_FILE_LINES`] lines and no `fn` over [`MAX_FN_LINES`]
//!   (from the line of `fn` to that of its closing brace), except the entries of
//!   [`LARGE_FILES`] and [`LARGE_FNS`], each with its reason. An entry that is no longer needed
//!   fails too, so that the lists only shrink.
//! - **Dictionaries.** `node tests/tidy/dictionaries.mjs`, when that file exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

use crate::cmd::Cmd;

mod scan;
use scan::{scan, Scan};

/// The core's top-level modules, bottom layer first. See ARCHITECTURE.md, "Layers".
pub const LAYERS: &[&[&str]] = &[
    &[
        "text",
        "json_read",
        "canonical",
        "date",
        "stats",
        "expr",
        "pattern",
        "locate",
        "random",
        "ids",
        "cells",
        "qr",
    ],
    &["plan", "duplicates"],
    &["form"],
    &["record"],
    &["trust"],
    &["score"],
    &["table"],
    &["ingest"],
    &["review"],
    &["xlsx"],
    &["export", "yearend", "roster", "publish"],
    &["track"],
    &["validate", "schema", "amend"],
    &["import", "invite"],
    &["manifest", "planbook"],
    &["aggregate"],
    &["messages"],
];

pub const MAX_FILE_LINES: usize = 700;
pub const MAX_FN_LINES: usize = 120;

/// Core files over [`MAX_FILE_LINES`] (path under `crates/kaoping_core/src/`), with why.
pub const LARGE_FILES: &[(&str, &str)] = &[];

/// Core functions over [`MAX_FN_LINES`] (file, function name), with why.
pub const LARGE_FNS: &[(&str, &str, &str)] = &[];

const CORE_SRC: &str = "crates/kaoping_core/src";
const DICTIONARIES: &str = "tests/tidy/dictionaries.mjs";

pub fn run(root: &Path) -> Result<()> {
    let src = root.join(CORE_SRC);
    let files = core_files(&src)?;
    let mut problems = Vec::new();
    problems.extend(check_layers(&src, &files)?);
    problems.extend(check_sizes(&files));
    for p in &problems {
        eprintln!("{p}");
    }
    if !problems.is_empty() {
        bail!(
            "tidy: {} problem(s) in {CORE_SRC} (layers: ARCHITECTURE.md, \"Layers\"; \
             adding a module: CONTRIBUTING.md)",
            problems.len()
        );
    }
    println!("tidy: {} core files: layers and sizes ok", files.len());
    if root.join(DICTIONARIES).exists() {
        Cmd::new("node").arg(DICTIONARIES).dir(root).run()?;
    }
    Ok(())
}

/// A core source file: its path under `src/` (with `/`) and its text.
struct SourceFile {
    rel: String,
    text: String,
}

fn core_files(src: &Path) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    let mut dirs = vec![src.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries =
            std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))?;
        for entry in entries {
            let path: PathBuf = entry?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path)
                    .with_context(|| format!("cannot read {}", path.display()))?;
                let rel = path.strip_prefix(src).unwrap_or(&path);
                let rel = rel.to_string_lossy().replace('\\', "/");
                out.push(SourceFile { rel, text });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    Ok(out)
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|l| l.contains(&module))
}

/// The top-level module a file belongs to (`score/finish.rs` → `score`); `None` for `lib.rs`.
fn module_of(rel: &str) -> Option<&str> {
    let first = rel.split('/').next().unwrap_or(rel);
    match first.strip_suffix(".rs") {
        Some("lib") => None,
        Some(m) => Some(m),
        None => Some(first),
    }
}

/// The file of `mod name;` declared in `rel` (`a/mod.rs` or `a.rs` → `a/name.rs`, or
/// `a/name/mod.rs`; `lib.rs` → `name.rs` or `name/mod.rs`).
fn child_files(rel: &str, name: &str) -> [String; 2] {
    let dir = match rel.rsplit_once('/') {
        _ if rel == "lib.rs" => String::new(),
        Some((d, "mod.rs")) => format!("{d}/"),
        _ => format!("{}/", rel.trim_end_matches(".rs")),
    };
    [format!("{dir}{name}.rs"), format!("{dir}{name}/mod.rs")]
}

fn check_layers(src: &Path, files: &[SourceFile]) -> Result<Vec<String>> {
    let lib = files
        .iter()
        .find(|f| f.rel == "lib.rs")
        .with_context(|| format!("no lib.rs in {}", src.display()))?;
    let declared = scan(&lib.text).modules;
    let mut problems = Vec::new();
    for m in &declared {
        if layer_of(m).is_none() {
            problems.push(format!(
                "{CORE_SRC}/lib.rs: module `{m}` has no layer: add it to LAYERS in \
                 xtask/src/tidy.rs and to ARCHITECTURE.md's table"
            ));
        }
    }
    for m in LAYERS.iter().flat_map(|l| l.iter()) {
        if !declared.iter().any(|d| d == m) {
            problems.push(format!(
                "xtask/src/tidy.rs: LAYERS names `{m}`, which lib.rs does not declare"
            ));
        }
    }
    // Files that are `#[cfg(test)] mod x;` of another: not scanned.
    let scans: BTreeMap<&str, Scan> = files
        .iter()
        .map(|f| (f.rel.as_str(), scan(&f.text)))
        .collect();
    let test_files: BTreeSet<String> = scans
        .iter()
        .flat_map(|(rel, s)| s.test_mods.iter().flat_map(|m| child_files(rel, m)))
        .collect();
    // Same-layer edges, to look for cycles among them.
    let mut sideways: BTreeMap<&str, BTreeMap<&str, (String, usize)>> = BTreeMap::new();
    for f in files {
        let Some(from) = module_of(&f.rel) else {
            continue;
        };
        if test_files.contains(&f.rel) {
            continue;
        }
        let (Some(lf), s) = (layer_of(from), &scans[f.rel.as_str()]) else {
            continue;
        };
        for r in &s.refs {
            let to = r.target.as_str();
            if to == from || !declared.contains(&r.target) {
                continue; // its own module, or an item of lib.rs
            }
            let Some(lt) = layer_of(to) else { continue };
            if lt > lf {
                problems.push(format!(
                    "{CORE_SRC}/{}:{}: `{from}` (layer {}) uses `{to}` (layer {}), a higher \
                     layer: move what both need down into a lower module",
                    f.rel,
                    r.line,
                    lf + 1,
                    lt + 1
                ));
            } else if lt == lf {
                let first = sideways.entry(from).or_default();
                first.entry(to).or_insert((f.rel.clone(), r.line));
            }
        }
    }
    problems.extend(sideways_cycles(&sideways));
    Ok(problems)
}

/// Cycles among imports within one layer: each reported once, at its first edge.
fn sideways_cycles(edges: &BTreeMap<&str, BTreeMap<&str, (String, usize)>>) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for (&from, tos) in edges {
        for (&to, (file, line)) in tos {
            // A path back from `to` to `from` closes a cycle.
            let Some(back) = path(edges, to, from) else {
                continue;
            };
            let mut cycle: Vec<&str> = vec![from];
            cycle.extend(back);
            // The same cycle seen from another of its modules: the same set.
            let key: BTreeSet<&str> = cycle.iter().copied().collect();
            if seen.insert(key) {
                out.push(format!(
                    "{CORE_SRC}/{file}:{line}: `{from}` uses `{to}` of its own layer, which closes \
                     the cycle {}: put one of them in a lower layer",
                    cycle.join(" → ")
                ));
            }
        }
    }
    out
}

/// A path of edges from `a` to `b` (the modules after `a`, ending with `b`).
fn path<'a>(
    edges: &BTreeMap<&'a str, BTreeMap<&'a str, (String, usize)>>,
    a: &'a str,
    b: &'a str,
) -> Option<Vec<&'a str>> {
    let mut prev: BTreeMap<&str, &str> = BTreeMap::new();
    let mut todo = vec![a];
    while let Some(x) = todo.pop() {
        if x == b {
            let mut p = vec![b];
            let mut at = b;
            while let Some(&q) = prev.get(at) {
                p.push(q);
                at = q;
            }
            p.reverse();
            return Some(p);
        }
        for &y in edges.get(x).map(|m| m.keys()).into_iter().flatten() {
            if y != a && !prev.contains_key(y) {
                prev.insert(y, x);
                todo.push(y);
            }
        }
    }
    None
}

fn check_sizes(files: &[SourceFile]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut used_files = BTreeSet::new();
    let mut used_fns = BTreeSet::new();
    for f in files {
        let lines = f.text.lines().count();
        if lines > MAX_FILE_LINES {
            if LARGE_FILES.iter().any(|e| e.0 == f.rel) {
                used_files.insert(f.rel.as_str());
            } else {
                problems.push(format!(
                    "{CORE_SRC}/{}: {lines} lines, over {MAX_FILE_LINES}: split it by what \
                     its parts are for",
                    f.rel
                ));
            }
        }
        for func in scan(&f.text).fns {
            if func.lines <= MAX_FN_LINES {
                continue;
            }
            if LARGE_FNS.iter().any(|e| e.0 == f.rel && e.1 == func.name) {
                used_fns.insert((f.rel.as_str(), func.name));
            } else {
                problems.push(format!(
                    "{CORE_SRC}/{}:{}: fn {} has {} lines, over {MAX_FN_LINES}",
                    f.rel, func.line, func.name, func.lines
                ));
            }
        }
    }
    for e in LARGE_FILES {
        if !used_files.contains(e.0) {
            problems.push(format!(
                "xtask/src/tidy.rs: LARGE_FILES entry {:?} is no longer needed: remove it",
                e.0
            ));
        }
    }
    for e in LARGE_FNS {
        if !used_fns.iter().any(|u| u.0 == e.0 && u.1 == e.1) {
            problems.push(format!(
                "xtask/src/tidy.rs: LARGE_FNS entry ({:?}, {:?}) is no longer needed: remove it",
                e.0, e.1
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lib.rs declaring every module of [`LAYERS`], and `files` beside it.
    fn crate_of(files: &[(&str, &str)]) -> Vec<SourceFile> {
        let mut lib: String = LAYERS
            .iter()
            .flat_map(|l| l.iter())
            .map(|m| format!("pub mod {m};\n"))
            .collect();
        lib.push_str("pub const ENGINE_VERSION: &str = \"0\";\n");
        let mut out = vec![SourceFile {
            rel: "lib.rs".into(),
            text: lib,
        }];
        for (rel, text) in files {
            out.push(SourceFile {
                rel: (*rel).into(),
                text: (*text).into(),
            });
        }
        out
    }

    fn layer_problems(files: &[(&str, &str)]) -> Vec<String> {
        check_layers(Path::new("src"), &crate_of(files)).unwrap()
    }

    #[test]
    fn lower_layers_and_root_items_may_be_used() {
        let p = layer_problems(&[
            (
                "ingest.rs",
                "use crate::table::csv::Row;\nuse crate::{ids, text::Text};\n",
            ),
            (
                "score/state.rs",
                "fn v() -> &'static str { crate::ENGINE_VERSION }\n",
            ),
            // a test module may use a higher layer's helpers
            (
                "plan/mod.rs",
                "#[cfg(test)]\nmod tests { use crate::validate::validate_plan; }\n",
            ),
        ]);
        assert_eq!(p, Vec::<String>::new());
    }

    #[test]
    fn an_import_up_a_layer_is_named_with_file_and_line() {
        let p = layer_problems(&[(
            "duplicates.rs",
            "\n\nfn f() { crate::ingest::fingerprint(&[]); }\n",
        )]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].starts_with(
                "crates/kaoping_core/src/duplicates.rs:3: `duplicates` (layer 2) uses `ingest`"
            ),
            "{}",
            p[0]
        );
    }

    #[test]
    fn a_cycle_within_a_layer_is_named() {
        let p = layer_problems(&[
            ("plan/mod.rs", "use crate::duplicates::SeenSet;\n"),
            ("duplicates.rs", "use crate::plan::Plan;\n"),
        ]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(
            p[0].contains("the cycle duplicates → plan → duplicates"),
            "{}",
            p[0]
        );
        // one way round is fine
        assert_eq!(
            layer_problems(&[("duplicates.rs", "use crate::plan::Plan;\n")]),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_module_without_a_layer_is_named() {
        let mut files = crate_of(&[]);
        files[0].text.push_str("mod extra;\n");
        let p = check_layers(Path::new("src"), &files).unwrap();
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].contains("module `extra` has no layer"), "{}", p[0]);
    }

    #[test]
    fn files_of_test_modules_are_not_scanned() {
        let p = layer_problems(&[
            ("expr/mod.rs", "#[cfg(test)]\nmod tests;\n"),
            ("expr/tests.rs", "use crate::validate::validate_plan;\n"),
        ]);
        assert_eq!(p, Vec::<String>::new());
    }

    #[test]
    fn every_layer_names_distinct_modules() {
        let all: Vec<&str> = LAYERS.iter().flat_map(|l| l.iter().copied()).collect();
        let unique: BTreeSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), unique.len());
    }
}
