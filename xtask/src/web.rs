//! `cargo xtask build-web`: the wasm engine and its JS glue into `www/pkg/`.

use std::path::Path;

use anyhow::{Context, Result};

use crate::cmd::Cmd;
use crate::tools::WASM_TARGET;

const CRATE: &str = "kaoping_wasm";
/// The cargo profile for the browser build (`[profile.wasm]` in the root Cargo.toml).
const PROFILE: &str = "wasm";

/// Features every wasm-opt run enables: what rustc's wasm32 output uses
/// (see `rustc --print cfg --target wasm32-unknown-unknown`), all supported by current Chromium.
const BASE_FEATURES: [&str; 6] = [
    "bulk-memory",
    "nontrapping-float-to-int",
    "sign-ext",
    "mutable-globals",
    "reference-types",
    "multivalue",
];

pub fn build(root: &Path) -> Result<()> {
    Cmd::cargo()
        .args(["build", "-p", CRATE, "--target", WASM_TARGET])
        .args(["--profile", PROFILE])
        .run()?;

    let out_dir = root.join("www/pkg");
    let input = root
        .join("target")
        .join(WASM_TARGET)
        .join(PROFILE)
        .join(format!("{CRATE}.wasm"));
    let bg = out_dir.join(format!("{CRATE}_bg.wasm"));
    let features = wasm_opt_features();

    // wasm-bindgen + wasm-opt take ~30 s here: skip them when the input and the settings
    // are exactly those of the last successful run and its outputs are still there.
    let stamp_path = root.join("target/xtask-build-web.stamp");
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let stamp = stamp_for(&input, &wasm_opt, &features)?;
    let outputs = [
        bg.clone(),
        out_dir.join(format!("{CRATE}.js")),
        out_dir.join(format!("{CRATE}.d.ts")),
    ];
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
        && outputs.iter().all(|p| p.is_file())
    {
        println!("build-web: www/pkg/ is up to date with {}", input.display());
        return Ok(());
    }
    let _ = std::fs::remove_file(&stamp_path);
    // Start clean so a renamed export cannot leave stale glue behind.
    if out_dir.exists() {
        std::fs::remove_dir_all(&out_dir)
            .with_context(|| format!("cannot clear {}", out_dir.display()))?;
    }
    Cmd::new("wasm-bindgen")
        .args(["--target", "web", "--out-dir"])
        .arg(&out_dir)
        .arg(&input)
        .run()?;

    let before = file_len(&bg)?;
    let tmp = out_dir.join(format!("{CRATE}_bg.opt.wasm"));
    Cmd::new(&wasm_opt)
        .arg("-Oz")
        .args(features.iter().map(|f| format!("--enable-{f}")))
        .arg("-o")
        .arg(&tmp)
        .arg(&bg)
        .run()
        .context("wasm-opt (npm binaryen) failed; `npm ci` installs it")?;
    std::fs::rename(&tmp, &bg).with_context(|| format!("cannot replace {}", bg.display()))?;
    let after = file_len(&bg)?;

    // The optimised module must still compile in V8 (Node shares Chromium's engine).
    Cmd::new("node")
        .args([
            "-e",
            "WebAssembly.compile(require('fs').readFileSync(process.argv[1]))\
             .catch(e => { console.error(String(e)); process.exit(1); })",
        ])
        .arg(&bg)
        .read()
        .context("the wasm-opt output does not compile in V8")?;

    std::fs::write(&stamp_path, &stamp)
        .with_context(|| format!("cannot write {}", stamp_path.display()))?;
    println!(
        "build-web: {} ({} -> {} bytes after wasm-opt -Oz), glue and .d.ts in www/pkg/",
        bg.strip_prefix(root).unwrap_or(&bg).display(),
        before,
        after
    );
    Ok(())
}

/// The base features plus anything else rustc enables by default for wasm32 that binaryen knows.
fn wasm_opt_features() -> Vec<String> {
    let mut features: Vec<String> = BASE_FEATURES.iter().map(|s| s.to_string()).collect();
    let cfg = Cmd::new("rustc")
        .args(["--print", "cfg", "--target", WASM_TARGET])
        .try_read()
        .unwrap_or_default();
    for line in cfg.lines() {
        if let Some(f) = line.strip_prefix("target_feature=") {
            let f = match f.trim_matches('"') {
                "nontrapping-fptoint" => "nontrapping-float-to-int",
                other => other,
            };
            if binaryen_knows(f) && !features.iter().any(|x| x == f) {
                features.push(f.to_string());
            }
        }
    }
    features
}

fn binaryen_knows(feature: &str) -> bool {
    matches!(
        feature,
        "bulk-memory"
            | "bulk-memory-opt"
            | "call-indirect-overlong"
            | "nontrapping-float-to-int"
            | "sign-ext"
            | "mutable-globals"
            | "reference-types"
            | "multivalue"
            | "simd"
            | "tail-call"
            | "extended-const"
    )
}

fn file_len(p: &Path) -> Result<u64> {
    Ok(std::fs::metadata(p)
        .with_context(|| format!("missing {}", p.display()))?
        .len())
}

/// What the outputs in `www/pkg/` were made from: the input module (size, mtime) and the tools.
fn stamp_for(input: &Path, wasm_opt: &Path, features: &[String]) -> Result<String> {
    let meta = std::fs::metadata(input).with_context(|| format!("missing {}", input.display()))?;
    let mtime = meta
        .modified()?
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default()
        .as_nanos();
    let bindgen = Cmd::new("wasm-bindgen")
        .arg("--version")
        .try_read()
        .unwrap_or_default();
    let opt = Cmd::new(wasm_opt)
        .arg("--version")
        .try_read()
        .unwrap_or_default();
    Ok(format!(
        "input {} {} {mtime}\n{}\n{} -Oz {}\n",
        input.display(),
        meta.len(),
        bindgen.trim(),
        opt.trim(),
        features.join(" ")
    ))
}
