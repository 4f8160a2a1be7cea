//! `cargo xtask build-web`: the wasm engine and its JS glue into `www/pkg/`, then the served
//! site in `target/www/` (a copy of `www/` with its JavaScript and CSS minified), whose service
//! worker (`sw.js`) is stamped with the build's hash and the digest of every file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use sha2::{Digest, Sha256};

use crate::cmd::Cmd;
use crate::tools::WASM_TARGET;
use crate::{compress, hashed};

const CRATE: &str = "kaoping_wasm";
/// The cargo profile of the respondent build (`[profile.wasm]` in the root Cargo.toml: the
/// smallest code).
const PROFILE: &str = "wasm";
/// The cargo profile of the office build (`[profile.wasm-office]`: the fastest code; the office
/// page is not under the size budget and ingests millions of rows).
const PROFILE_OFFICE: &str = "wasm-office";

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

/// The three browser builds of the one facade: the respondent build (forms, records; small,
/// under the size budget), the review build (review.html: the review and site-check sheets,
/// invitations and signed sheets; under the review page's budget) and the office build (all
/// of that plus plan validation, scoring, statistics, ingest).
const VARIANTS: [(&str, Option<&str>); 3] = [
    ("www/pkg", None),
    ("www/pkg-review", Some("review")),
    ("www/pkg-office", Some("office")),
];
/// Where the three builds are in the site (the directories of [`VARIANTS`] under `www/`).
pub const BUILD_DIRS: [&str; 3] = ["pkg", "pkg-review", "pkg-office"];

/// The cargo profile and the wasm-opt options of a build.
///
/// The respondent build uses `-Os --low-memory-unused`, measured on its 1,134,407-byte
/// module (wasm-bindgen output, gzip -9 after wasm-opt 132): `-Oz` 139,534 bytes, `-Os`
/// 139,102, `-Oz --low-memory-unused` 138,524, `-Os --low-memory-unused` 138,336 (−1.2 KB).
/// `--low-memory-unused` lets wasm-opt fold constant offsets into loads and stores, which is
/// sound when nothing lives in the first 1 KiB of memory: rustc's wasm32 layout puts the
/// 1 MiB stack first (it grows down from 1,048,576 towards 0) and the data after it, so only
/// a stack within 1 KiB of overflowing would reach there.
///
/// The review build takes the respondent's settings: it is for reviewers on a phone, under a
/// budget of its own (`cargo xtask size`), and its work (one sheet, one signature) is small.
fn settings(feature: Option<&str>) -> (&'static str, &'static str) {
    match feature {
        Some("office") => (PROFILE_OFFICE, "-O3"),
        _ => (PROFILE, "-Os --low-memory-unused"),
    }
}

/// What the dev server, the browser tests and the size report serve: `www/` as it goes over
/// the wire. The sources in `www/` stay as written.
pub const SITE: &str = "target/www";

pub fn build(root: &Path) -> Result<()> {
    for (dir, feature) in VARIANTS {
        build_variant(root, dir, feature)?;
    }
    site(root)?;
    Ok(())
}

/// Only the forms build (`www/pkg/`): what the respondent's page loads.
pub fn build_forms(root: &Path) -> Result<()> {
    let (dir, feature) = VARIANTS[0];
    build_variant(root, dir, feature)
}

/// Make `target/www/` afresh: a copy of `www/` (with the builds in `pkg/`, `pkg-review/` and
/// `pkg-office/`)
/// whose `.js` and `.css` files are minified by esbuild (npm), file by file, no bundling: the
/// same files under the same names, so the pages' tags and the Content-Security-Policy hold as
/// they are. Then each build's WASM and glue are named by their content
/// ([`hashed::name_by_content`]: cached for a year), the service worker is stamped and every
/// text file precompressed. Takes a few seconds (brotli over the office's WASM).
pub fn site(root: &Path) -> Result<PathBuf> {
    let src = root.join("www");
    let out = root.join(SITE);
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    let mut minify = Vec::new();
    copy_tree(&src, &out, &mut minify)?;
    if !src.join("pkg/kaoping_wasm.js").is_file() {
        println!("site: www/pkg/ is not built yet (`cargo xtask build-web`)");
    }
    let esbuild = root.join("node_modules/.bin/esbuild");
    Cmd::new(&esbuild)
        .args(&minify)
        .args(["--minify", "--charset=utf8", "--log-level=warning"])
        .arg(format!("--outbase={}", src.display()))
        .arg(format!("--outdir={}", out.display()))
        .run()
        .context("esbuild (npm) failed; `npm ci` installs it")?;
    println!(
        "site: {SITE}/ = www/ with {} .js/.css files minified",
        minify.len()
    );
    // The API's TypeScript types are generated (crates/kaoping_wasm/tests/types.rs); esbuild
    // parses them as TypeScript, so a generator slip that breaks the syntax fails here.
    let types: Vec<PathBuf> = ["pkg", "pkg-review", "pkg-office"]
        .iter()
        .map(|d| src.join(d).join("kaoping_wasm.d.ts"))
        .filter(|p| p.is_file())
        .collect();
    if !types.is_empty() {
        Cmd::new(&esbuild)
            .args(&types)
            .arg("--log-level=warning")
            .arg(format!(
                "--outdir={}",
                root.join("target/dts-check").display()
            ))
            .run()
            .context("the generated kaoping_wasm.d.ts is not valid TypeScript")?;
        println!("site: {} .d.ts file(s) parse as TypeScript", types.len());
    }
    let renames = hashed::name_by_content(&out)?;
    println!(
        "site: {} files of the builds named by content ({})",
        renames.len(),
        renames
            .values()
            .filter(|p| p.starts_with("pkg/"))
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
    );
    let (hash, files) = stamp_service_worker(&out, &renames)?;
    println!(
        "site: build {hash} ({files} files) stamped into {SITE}/{SERVICE_WORKER} and {SITE}/{MANIFEST}"
    );
    // Last, so that the copies are of the stamped sw.js and build.json too.
    let w = compress::precompress(&out)?;
    println!(
        "site: .br and .gz beside {} files ({} KB: {} KB brotli, {} KB gzip)",
        w.files,
        w.raw / 1024,
        w.brotli / 1024,
        w.gzip / 1024
    );
    Ok(out)
}

/// The service worker's file, which [`stamp_service_worker`] stamps; not part of the build hash.
pub const SERVICE_WORKER: &str = "sw.js";
/// Every file of the build with its digest, which the worker reads when a page asks for a file
/// outside the shell; not part of the build hash.
pub const MANIFEST: &str = "build.json";
/// The respondent's shell: what respond.html loads, installed with the worker as one unit (all
/// of them or none); the build's two files under the names [`hashed::name_by_content`] gives. Every other file of the build joins the same cache when a page loads it or
/// asks for it (the review and office pages), checked against [`MANIFEST`]. Kept short: the
/// worker carries these digests, and sw.js counts against the respondent's size budget.
pub const SHELL: [&str; 12] = [
    "respond.html",
    "css/app.css",
    "js/dom.js",
    "js/engine.js",
    "js/form.js",
    "js/form-view.js",
    "js/i18n.js",
    "js/store.js",
    "js/respond.js",
    "js/offline.js",
    "pkg/kaoping_wasm.js",
    "pkg/kaoping_wasm_bg.wasm",
];
/// Hex digits kept of each SHA-256 (48 bits): the service worker uses them to tell one build's
/// files from another's (an accident such as a deploy during an install), not to resist forgery.
pub const DIGEST_HEX: usize = 12;

/// Stamp the build into `site`: the build's hash (over the paths and bytes of all its files and
/// the worker's code; not the precompressed copies, [`compress::is_precompressed`]) and each file's digest go into [`MANIFEST`] (`{"hash", "files": {path: digest}}`), and the
/// hash with the [`SHELL`]'s digests before the (minified) worker:
/// `self.KAOPING_BUILD={"hash":…,"shell":{path: digest,…}};`. The worker caches one build as a
/// unit under a cache named by the hash and accepts a file into it only when its digest
/// matches. A new build changes the hash, so the worker's bytes change and browsers install it.
/// Returns the hash and the number of files.
pub fn stamp_service_worker(
    site: &Path,
    renames: &BTreeMap<String, String>,
) -> Result<(String, usize)> {
    let mut paths = Vec::new();
    list_files(site, site, &mut paths)?;
    paths.retain(|p| p != SERVICE_WORKER && p != MANIFEST && !compress::is_precompressed(p));
    paths.sort();
    let mut build = Sha256::new();
    let mut files = serde_json::Map::new();
    for rel in &paths {
        let path = site.join(rel);
        let bytes =
            std::fs::read(&path).with_context(|| format!("cannot read {}", path.display()))?;
        for part in [
            rel.as_bytes(),
            &[0],
            &(bytes.len() as u64).to_le_bytes(),
            &bytes,
        ] {
            build.update(part);
        }
        files.insert(rel.clone(), hex(&Sha256::digest(&bytes)).into());
    }
    // The worker's own code too: a new worker is a new build with a cache of its own.
    let sw_path = site.join(SERVICE_WORKER);
    let worker = std::fs::read_to_string(&sw_path)
        .with_context(|| format!("cannot read {}", sw_path.display()))?;
    build.update(SERVICE_WORKER.as_bytes());
    build.update(worker.as_bytes());
    let hash = hex(&build.finalize());
    let mut shell = serde_json::Map::new();
    for p in SHELL {
        // The builds' files under the names the build gave them.
        let p = renames.get(p).map_or(p, String::as_str);
        let Some(digest) = files.get(p) else {
            anyhow::bail!(
                "the service worker's shell (web::SHELL) lists {p}, which is not in the build; \
                 the worker would never install"
            );
        };
        shell.insert(p.to_string(), digest.clone());
    }
    let manifest = serde_json::json!({ "hash": hash, "files": files });
    let manifest_path = site.join(MANIFEST);
    std::fs::write(&manifest_path, manifest.to_string())
        .with_context(|| format!("cannot write {}", manifest_path.display()))?;
    let info = serde_json::json!({ "hash": hash, "shell": shell });
    std::fs::write(&sw_path, format!("self.KAOPING_BUILD={info};\n{worker}"))
        .with_context(|| format!("cannot write {}", sw_path.display()))?;
    Ok((hash, paths.len()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()[..DIGEST_HEX].to_string()
}

/// The files under `dir` as paths relative to `base`, with `/` between parts.
pub fn list_files(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))?;
    for entry in entries {
        let path = entry?.path();
        if path.is_dir() {
            list_files(base, &path, out)?;
        } else if let Ok(rel) = path.strip_prefix(base) {
            let parts: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            out.push(parts.join("/"));
        }
    }
    Ok(())
}

/// Copy the files under `from` to `to`, noting the `.js` and `.css` ones.
fn copy_tree(from: &Path, to: &Path, minify: &mut Vec<PathBuf>) -> Result<()> {
    std::fs::create_dir_all(to).with_context(|| format!("cannot create {}", to.display()))?;
    let entries =
        std::fs::read_dir(from).with_context(|| format!("cannot read {}", from.display()))?;
    for entry in entries {
        let path = entry?.path();
        let dest = to.join(path.file_name().unwrap_or_default());
        if path.is_dir() {
            copy_tree(&path, &dest, minify)?;
        } else {
            std::fs::copy(&path, &dest)
                .with_context(|| format!("cannot copy {} to {}", path.display(), dest.display()))?;
            if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("js" | "css")
            ) {
                minify.push(path);
            }
        }
    }
    Ok(())
}

fn build_variant(root: &Path, dir: &str, feature: Option<&str>) -> Result<()> {
    let (profile, level) = settings(feature);
    let mut cargo = Cmd::cargo()
        .args(["build", "-p", CRATE, "--target", WASM_TARGET])
        .args(["--profile", profile]);
    if let Some(f) = feature {
        cargo = cargo.args(["--features", f]);
    }
    cargo.run()?;

    let out_dir = root.join(dir);
    // Where cargo put it: under `CARGO_TARGET_DIR` when set (relative to the workspace, as
    // cargo reads it; a worktree with its own target directory), else `target/`.
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |d| root.join(d));
    let input = target
        .join(WASM_TARGET)
        .join(profile)
        .join(format!("{CRATE}.wasm"));
    let bg = out_dir.join(format!("{CRATE}_bg.wasm"));
    let features = wasm_opt_features();

    // wasm-bindgen + wasm-opt take ~30 s here: skip them when the input and the settings
    // are exactly those of the last successful run and its outputs are still there.
    let stamp_path = root.join(format!(
        "target/xtask-build-web-{}.stamp",
        feature.unwrap_or("default")
    ));
    let wasm_opt = root.join("node_modules/.bin/wasm-opt");
    let stamp = stamp_for(&input, &wasm_opt, level, &features)?;
    let outputs = [
        bg.clone(),
        out_dir.join(format!("{CRATE}.js")),
        out_dir.join(format!("{CRATE}.d.ts")),
    ];
    if std::fs::read_to_string(&stamp_path).ok().as_deref() == Some(stamp.as_str())
        && outputs.iter().all(|p| p.is_file())
    {
        println!("build-web: {dir}/ is up to date with {}", input.display());
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
        .args(level.split(' '))
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

    if let Some(dir) = stamp_path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(&stamp_path, &stamp)
        .with_context(|| format!("cannot write {}", stamp_path.display()))?;
    println!(
        "build-web: {} ({} -> {} bytes after wasm-opt {level}), glue and .d.ts in {dir}/",
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
fn stamp_for(input: &Path, wasm_opt: &Path, level: &str, features: &[String]) -> Result<String> {
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
        "input {} {} {mtime}\n{}\n{} {level} {}\n",
        input.display(),
        meta.len(),
        bindgen.trim(),
        opt.trim(),
        features.join(" ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_is_stamped_with_the_build() {
        let dir = std::env::temp_dir().join(format!("xtask-stamp-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for p in SHELL {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, p).unwrap();
        }
        std::fs::write(dir.join("pkg/kaoping_wasm.js"), "glue").unwrap();
        std::fs::write(dir.join("office.html"), "office").unwrap();
        std::fs::write(dir.join("sw.js"), "worker();").unwrap();
        // The WASM as the build names it: the shell lists it under that name.
        let hashed_wasm = "pkg/kaoping_wasm_bg.0123456789ab.wasm";
        std::fs::rename(dir.join("pkg/kaoping_wasm_bg.wasm"), dir.join(hashed_wasm)).unwrap();
        let renames: BTreeMap<String, String> = [(
            "pkg/kaoping_wasm_bg.wasm".to_string(),
            hashed_wasm.to_string(),
        )]
        .into();
        let (hash, n) = stamp_service_worker(&dir, &renames).unwrap();
        assert_eq!((hash.len(), n), (DIGEST_HEX, SHELL.len() + 1));
        let sw = std::fs::read_to_string(dir.join("sw.js")).unwrap();
        let (head, body) = sw.split_once('\n').unwrap();
        assert_eq!(body, "worker();");
        let json = head
            .strip_prefix("self.KAOPING_BUILD=")
            .and_then(|j| j.strip_suffix(';'))
            .unwrap();
        let v: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(v["hash"], hash.as_str());
        // sha256("glue")
        assert_eq!(v["shell"]["pkg/kaoping_wasm.js"], "99552de9998a");
        // sha256("pkg/kaoping_wasm_bg.wasm")
        assert_eq!(v["shell"][hashed_wasm], "a322b54c3a03");
        assert_eq!(
            v["shell"].as_object().unwrap().len(),
            SHELL.len(),
            "the shell only"
        );
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(dir.join(MANIFEST)).unwrap()).unwrap();
        assert_eq!(manifest["hash"], hash.as_str());
        assert_eq!(manifest["files"]["pkg/kaoping_wasm.js"], "99552de9998a");
        // sha256("office")
        assert_eq!(manifest["files"]["office.html"], "5cc3f82838ba");
        let listed = manifest["files"].as_object().unwrap();
        assert_eq!(listed.len(), n, "neither sw.js nor build.json");

        // Stamping again does not count the manifest as a file of the build; one changed byte
        // in any file is another build.
        std::fs::write(dir.join("sw.js"), "worker();").unwrap();
        assert_eq!(stamp_service_worker(&dir, &renames).unwrap().0, hash);
        std::fs::write(dir.join("sw.js"), "worker();").unwrap();
        std::fs::write(dir.join("office.html"), "offica").unwrap();
        let other = stamp_service_worker(&dir, &renames).unwrap().0;
        assert_ne!(other, hash);
        std::fs::write(dir.join("sw.js"), "worker(2);").unwrap();
        assert_ne!(
            stamp_service_worker(&dir, &renames).unwrap().0,
            other,
            "a new worker"
        );

        // A shell file missing from the build is an error that names it.
        std::fs::remove_file(dir.join("js/store.js")).unwrap();
        let e = stamp_service_worker(&dir, &renames)
            .unwrap_err()
            .to_string();
        assert!(e.contains("js/store.js"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
