//! `cargo xtask package`: what portal developers install. From the built site
//! (`target/www/`, [`web::site`]) it makes
//!
//! - `target/package/kaoping-embed-VERSION.tgz`, the npm package `@kaoping/embed` (`npm pack`
//!   over a staged directory; publishing it is the maintainers' step), and
//! - `target/package/dist/kaoping-VERSION/`, the same files as a static bundle for portals
//!   without npm, with the precompressed copies beside them and `integrity.json`, the SRI
//!   hash (sha384) of every file, whose README has the `<script integrity=…>` lines to copy.
//!
//! Both carry the custom element (`js/embed.js`), the iframe page (`embed.html`, `js/frame.js`,
//! and the service worker with the respondent's shell it installs), the forms build of the
//! engine with its glue and TypeScript declarations, the CSS, and a README for portal
//! developers (docs/embed.md). What goes in is decided by one function, [`package_files`],
//! over the built site as it is, so renamed or hashed files follow their references.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use base64::Engine as _;
use sha2::{Digest, Sha384};

use crate::cmd::Cmd;
use crate::compress::{self, Encoding};
use crate::web;

/// The npm package's name.
pub const NAME: &str = "@kaoping/embed";
/// Where the tarball and `dist/` go.
pub const OUT: &str = "target/package";
/// The README for portal developers, in zh-CN and English; the package's README.md.
const README: &str = "docs/embed.md";

/// The pages and scripts a portal loads itself: the custom element, and the iframe's page.
const ENTRIES: [&str; 2] = ["js/embed.js", "embed.html"];
/// The engine builds the package carries, whole (glue, WASM, declarations). `embed.js` and
/// `frame.js` load the engine through `engine.js` without naming a build, which is the forms
/// build (`pkg/`) only; its path is made in a template there, so it is named here rather than
/// found by [`references`]. The review and office builds are for kaoping's own pages.
const BUILDS: [&str; 1] = ["pkg"];
/// The module the package's `types` entry names when the element's own declarations exist
/// (`www/js/embed.d.ts`); until then the engine's (`pkg/kaoping_wasm.d.ts`).
const ELEMENT_TYPES: &str = "js/embed.d.ts";
const ENGINE_TYPES: &str = "pkg/kaoping_wasm.d.ts";

pub fn run(root: &Path) -> Result<()> {
    let site = root.join(web::SITE);
    if !site.join(ENTRIES[0]).is_file() || !site.join(BUILDS[0]).is_dir() {
        bail!(
            "{} has no built site with {}/ (run `cargo xtask build-web` first)",
            web::SITE,
            BUILDS[0]
        );
    }
    let version = workspace_version(root)?;
    let files = package_files(&site)?;
    let out = root.join(OUT);
    let stage = out.join("stage");
    let dist = out.join("dist").join(format!("kaoping-{version}"));
    // Afresh: one tarball and one bundle, of this version (the tests install "the" tarball).
    if out.exists() {
        std::fs::remove_dir_all(&out).with_context(|| format!("cannot clear {}", out.display()))?;
    }
    copy_files(&site, &stage, &files, false)?;
    copy_files(&site, &dist, &files, true)?;

    let readme = root.join(README);
    let readme_text = std::fs::read_to_string(&readme)
        .with_context(|| format!("cannot read {}", readme.display()))?;
    write(&stage.join("README.md"), &readme_text)?;
    write(
        &stage.join("package.json"),
        &package_json(&version, &files)?,
    )?;
    let tarball = pack(&stage, &out, &files)?;

    let hashes = integrity(&dist, &files)?;
    write(&dist.join("integrity.json"), &integrity_json(&hashes)?)?;
    write(
        &dist.join("README.md"),
        &dist_readme(&version, &hashes, &readme_text),
    )?;

    let tgz = std::fs::metadata(&tarball)?.len();
    println!(
        "package: {NAME} {version} -> {} ({:.1} KB, {} files)",
        rel(root, &tarball),
        kb(tgz),
        files.len() + 2
    );
    println!(
        "package: {} ({} files, integrity.json and README.md with the SRI lines)",
        rel(root, &dist),
        files.len()
    );
    report_sizes(&dist, &files)
}

/// The site paths the package carries: [`ENTRIES`], the service worker with its manifest and
/// the respondent's shell it installs (the iframe page registers it), every file of
/// [`BUILDS`], the declarations in `js/`, and everything these reference, transitively
/// ([`references`]). Precompressed copies are not listed (see [`copy_files`]). A reference to
/// a file the site does not have is an error naming both.
pub fn package_files(site: &Path) -> Result<BTreeSet<String>> {
    let mut all = Vec::new();
    web::list_files(site, site, &mut all)?;
    all.retain(|p| !compress::is_precompressed(p));
    let have: BTreeSet<String> = all.into_iter().collect();

    let in_a_build = |p: &str| BUILDS.iter().any(|b| p.starts_with(&format!("{b}/")));
    // The shell names the builds' files by their names before the build named them by content
    // (`hashed.rs`); every file of a build is taken below, whatever its name.
    let mut todo: Vec<String> = ENTRIES
        .iter()
        .chain(web::SHELL.iter().filter(|p| !in_a_build(p)))
        .chain([web::SERVICE_WORKER, web::MANIFEST].iter())
        .map(|s| s.to_string())
        .collect();
    for p in &have {
        let in_build = in_a_build(p);
        let declaration = p.starts_with("js/") && p.ends_with(".d.ts");
        if in_build || declaration {
            todo.push(p.clone());
        }
    }
    let mut files = BTreeSet::new();
    while let Some(path) = todo.pop() {
        if !have.contains(&path) {
            bail!("{}/ has no {path}, which the package needs", web::SITE);
        }
        if !files.insert(path.clone()) {
            continue;
        }
        if path.ends_with(".js") || path.ends_with(".html") {
            let text = std::fs::read_to_string(site.join(&path))
                .with_context(|| format!("cannot read {}/{path}", web::SITE))?;
            for r in references(&path, &text) {
                if !have.contains(&r) {
                    bail!("{path} refers to {r}, which {}/ does not have", web::SITE);
                }
                todo.push(r);
            }
        }
    }
    Ok(files)
}

/// The files of the site that `text` (the file at site path `from`) refers to by a relative
/// path: in a script, the literals starting with `./` or `../` of `import`, `from`, `import(`
/// and `new URL(` (with `import.meta.url`); not other strings (the glue's import object names
/// `./kaoping_wasm_bg.js`, which is no file); in a page, `src` and `href` values that are not absolute, data or
/// fragment URLs. Only names ending in `.js`, `.css`, `.wasm`, `.html` or `.json` count.
pub fn references(from: &str, text: &str) -> Vec<String> {
    let dir = from.rsplit_once('/').map_or("", |(d, _)| d);
    let html = from.ends_with(".html");
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let q = bytes[i];
        if q != b'"' && q != b'\'' {
            i += 1;
            continue;
        }
        let Some(len) = text[i + 1..].find(q as char) else {
            break;
        };
        let lit = &text[i + 1..i + 1 + len];
        let before = text[..i].trim_end();
        let relative = if html {
            let attr = before.trim_end_matches('=');
            (attr.ends_with("src") || attr.ends_with("href"))
                && !lit.contains(':')
                && !lit.starts_with(['#', '/'])
        } else {
            ["from", "import", "import(", "URL("]
                .iter()
                .any(|w| before.ends_with(w))
                && (lit.starts_with("./") || lit.starts_with("../"))
        };
        let kind = [".js", ".css", ".wasm", ".html", ".json"]
            .iter()
            .any(|e| lit.ends_with(e));
        if relative && kind && !lit.contains(char::is_whitespace) {
            if let Some(p) = join(dir, lit) {
                out.push(p);
            }
        }
        i += len + 2;
    }
    out
}

/// `rel` resolved against the site directory `dir` (`a/b`), or None when it leaves the site.
fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in rel.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

/// Copy `files` from `site` to `to`, with their precompressed copies when `copies`.
fn copy_files(site: &Path, to: &Path, files: &BTreeSet<String>, copies: bool) -> Result<()> {
    for f in files {
        let mut names = vec![f.clone()];
        if copies {
            for e in [Encoding::Brotli, Encoding::Gzip] {
                let c = format!("{f}{}", e.suffix());
                if site.join(&c).is_file() {
                    names.push(c);
                }
            }
        }
        for n in names {
            let (from, dest) = (site.join(&n), to.join(&n));
            if let Some(dir) = dest.parent() {
                std::fs::create_dir_all(dir)
                    .with_context(|| format!("cannot create {}", dir.display()))?;
            }
            std::fs::copy(&from, &dest)
                .with_context(|| format!("cannot copy {} to {}", from.display(), dest.display()))?;
        }
    }
    Ok(())
}

/// The workspace's version (`[workspace.package] version` in the root Cargo.toml).
pub fn workspace_version(root: &Path) -> Result<String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    version_in(&text).context("the root Cargo.toml has no [workspace.package] version")
}

fn version_in(cargo_toml: &str) -> Option<String> {
    let mut section = "";
    for line in cargo_toml.lines().map(str::trim) {
        if line.starts_with('[') {
            section = line;
        } else if section == "[workspace.package]" {
            let Some((key, value)) = line.split_once('=') else {
                continue;
            };
            if key.trim() == "version" {
                return Some(value.trim().trim_matches('"').to_string());
            }
        }
    }
    None
}

/// package.json: the element as the main export, every file reachable by its path (a portal
/// serves them as they are), the declarations as `types`.
fn package_json(version: &str, files: &BTreeSet<String>) -> Result<String> {
    let types = if files.contains(ELEMENT_TYPES) {
        ELEMENT_TYPES
    } else {
        ENGINE_TYPES
    };
    let mut listed: Vec<String> = files.iter().map(|f| f.to_string()).collect();
    listed.push("README.md".into());
    // Written out, not through serde_json's map, whose keys come out sorted: the order of
    // conditions matters (`types` first, then `default`), as it does to a person reading it.
    let text = |s: &str| serde_json::Value::from(s).to_string();
    Ok(format!(
        r#"{{
  "name": {name},
  "version": {version},
  "description": {description},
  "license": "MIT OR Apache-2.0",
  "type": "module",
  "main": "./js/embed.js",
  "module": "./js/embed.js",
  "types": "./{types}",
  "exports": {{
    ".": {{ "types": "./{types}", "default": "./js/embed.js" }},
    "./engine": {{ "types": "./{ENGINE_TYPES}", "default": "./js/engine.js" }},
    "./package.json": "./package.json",
    "./*": "./*"
  }},
  "files": {files},
  "sideEffects": ["./js/embed.js", "./js/frame.js", "./sw.js", "*.css"],
  "keywords": ["kaoping", "survey", "custom-element", "web-component", "wasm"]
}}
"#,
        name = text(NAME),
        version = text(version),
        description = text(
            "考评问卷嵌入组件 <kaoping-form> 与 iframe 页面，含 WASM 引擎 · The <kaoping-form> \
             custom element and iframe page of kaoping, with its WASM engine, for portals"
        ),
        files = serde_json::to_string(&listed)?,
    ))
}

/// `npm pack` the staged package into `out`; check the tarball lists every file. Returns its path.
fn pack(stage: &Path, out: &Path, files: &BTreeSet<String>) -> Result<PathBuf> {
    let json = Cmd::new("npm")
        .args(["pack", "--json", "--pack-destination"])
        .arg(out)
        .dir(stage)
        .read()
        .context("npm pack failed")?;
    let v: serde_json::Value =
        serde_json::from_str(&json).with_context(|| format!("npm pack printed {json:?}"))?;
    let packed = &v[0];
    let name = packed["filename"]
        .as_str()
        .context("npm pack named no tarball")?;
    let inside: BTreeSet<&str> = packed["files"]
        .as_array()
        .map(|a| a.iter().filter_map(|f| f["path"].as_str()).collect())
        .unwrap_or_default();
    for f in files
        .iter()
        .map(String::as_str)
        .chain(["package.json", "README.md"])
    {
        if !inside.contains(f) {
            bail!("npm pack left {f} out of {name}");
        }
    }
    Ok(out.join(name))
}

/// The SRI hash (`sha384-` and base64) of each file of the bundle.
fn integrity(dist: &Path, files: &BTreeSet<String>) -> Result<Vec<(String, String)>> {
    files
        .iter()
        .map(|f| {
            let bytes = std::fs::read(dist.join(f))
                .with_context(|| format!("cannot read {}", dist.join(f).display()))?;
            let sum = base64::engine::general_purpose::STANDARD.encode(Sha384::digest(&bytes));
            Ok((f.clone(), format!("sha384-{sum}")))
        })
        .collect()
}

fn integrity_json(hashes: &[(String, String)]) -> Result<String> {
    let files: serde_json::Map<String, serde_json::Value> = hashes
        .iter()
        .map(|(f, h)| (f.clone(), h.clone().into()))
        .collect();
    let json = serde_json::json!({ "algorithm": "sha384", "files": files });
    Ok(serde_json::to_string_pretty(&json)? + "\n")
}

/// The bundle's README: where the files go, the lines to copy with their integrity, every
/// file's hash, then the package README.
fn dist_readme(version: &str, hashes: &[(String, String)], readme: &str) -> String {
    let sri = |f: &str| {
        hashes
            .iter()
            .find(|(p, _)| p == f)
            .map_or("", |(_, h)| h.as_str())
    };
    let base = format!("https://STATIC-HOST/kaoping-{version}");
    let mut s = format!(
        "# kaoping {version}: static bundle · 静态文件包\n\n\
         把本目录原样放到门户的静态文件服务器上（或 kaoping 的主机上），然后复制下面的行，\
         把 `{base}` 换成实际地址。文件的 SRI 散列（sha384）在 `integrity.json` 和下表中；\
         `.br` 与 `.gz` 是预压缩副本，服务器可直接发送（nginx `gzip_static`，Caddy `precompressed`）。\n\n\
         Put this folder as it is on the portal's static file server (or kaoping's host), then copy \
         the lines below with `{base}` replaced by its real address. Every file's SRI hash (sha384) \
         is in `integrity.json` and in the table below; the `.br` and `.gz` files are precompressed \
         copies a server may send as they are (nginx `gzip_static`, Caddy `precompressed`).\n\n\
         ```html\n\
         <script type=\"module\" src=\"{base}/js/embed.js\" integrity=\"{}\" crossorigin=\"anonymous\"></script>\n\
         <kaoping-form instrument=\"public\" lang=\"zh-CN\" endpoint=\"https://KAOPING-HOST/api/responses\"></kaoping-form>\n\
         ```\n\n\
         `integrity` 只覆盖 `embed.js` 本身；它再加载的模块和 WASM 由同一目录提供，\
         其散列见下表（可用于 import map 的 `integrity` 或部署检查）。\n\
         `integrity` covers `embed.js` itself; the modules and the WASM it loads come from the \
         same folder, their hashes below (for an import map's `integrity`, or a deployment check).\n\n\
         | file | integrity |\n|---|---|\n",
        sri("js/embed.js")
    );
    for (f, h) in hashes {
        s.push_str(&format!("| `{f}` | `{h}` |\n"));
    }
    s.push_str("\n---\n\n");
    s.push_str(readme);
    s
}

/// Print the bundle's size over the wire (each file's precompressed copy, else compressed
/// here), what the element alone loads, and beside them the respondent page's shell
/// ([`web::SHELL`]) counted the same way; `cargo xtask size` measures the page in a browser.
fn report_sizes(dist: &Path, files: &BTreeSet<String>) -> Result<()> {
    let closure = element_closure(dist)?;
    let element: BTreeSet<String> = wire(files)
        .into_iter()
        .filter(|f| closure.contains(f) || BUILDS.iter().any(|b| f.starts_with(&format!("{b}/"))))
        .collect();
    // The shell names the build's glue and WASM by their names before they were named by
    // content: count the build's files as the bundle has them.
    let in_a_build = |p: &str| BUILDS.iter().any(|b| p.starts_with(&format!("{b}/")));
    let shell: BTreeSet<String> = web::SHELL
        .iter()
        .filter(|p| !in_a_build(p))
        .map(|s| s.to_string())
        .chain(wire(files).into_iter().filter(|f| in_a_build(f)))
        .collect();
    println!("package: size over the wire (1 KB = 1024 bytes)");
    println!(
        "  {:<44} {:>5} {:>10} {:>10} {:>10}",
        "", "files", "raw KB", "gzip KB", "brotli KB"
    );
    for (label, set) in [
        ("bundle (every file but declarations)", wire(files)),
        ("the element (embed.js and what it loads)", element),
        ("respondent page's shell (web::SHELL)", shell),
    ] {
        let (raw, gz, br) = measure(dist, &set)?;
        println!(
            "  {label:<44} {:>5} {:>10.1} {:>10.1} {:>10.1}",
            set.len(),
            kb(raw),
            kb(gz),
            kb(br)
        );
    }
    Ok(())
}

/// What goes over the wire of `files`: not the declarations.
fn wire(files: &BTreeSet<String>) -> BTreeSet<String> {
    files
        .iter()
        .filter(|f| !f.ends_with(".d.ts"))
        .cloned()
        .collect()
}

/// `js/embed.js` and the files it references, transitively, and the CSS it links.
fn element_closure(dist: &Path) -> Result<BTreeSet<String>> {
    let mut todo = vec![ENTRIES[0].to_string()];
    let mut seen = BTreeSet::new();
    while let Some(p) = todo.pop() {
        if !seen.insert(p.clone()) || !p.ends_with(".js") {
            continue;
        }
        let text = std::fs::read_to_string(dist.join(&p))?;
        todo.extend(references(&p, &text));
    }
    Ok(seen)
}

/// Raw, gzip and brotli bytes of `set` in `dir`, from the precompressed copies where present.
fn measure(dir: &Path, set: &BTreeSet<String>) -> Result<(u64, u64, u64)> {
    let (mut raw, mut gz, mut br) = (0, 0, 0);
    for f in set {
        let bytes =
            std::fs::read(dir.join(f)).with_context(|| format!("cannot read {f} in the bundle"))?;
        raw += bytes.len() as u64;
        let copy = |e: Encoding| -> Result<u64> {
            match std::fs::metadata(dir.join(format!("{f}{}", e.suffix()))) {
                Ok(m) => Ok(m.len()),
                Err(_) => Ok(match e {
                    Encoding::Brotli => compress::brotli(&bytes)?.len(),
                    Encoding::Gzip => compress::gzip(&bytes)?.len(),
                } as u64),
            }
        };
        gz += copy(Encoding::Gzip)?;
        br += copy(Encoding::Brotli)?;
    }
    Ok((raw, gz, br))
}

fn write(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn kb(bytes: u64) -> f64 {
    bytes as f64 / 1024.0
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root).unwrap_or(p).display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_relative_references() {
        let js = r#"import{a}from"./engine.js";import"./i18n.js";const s=new URL("../css/app.css",import.meta.url).href;const t="./not a file.js",u="https://x/y.js",v=new URL('../pkg/x.wasm',import.meta.url),w={"./glue_bg.js":1};"#;
        assert_eq!(
            references("js/embed.js", js),
            ["js/engine.js", "js/i18n.js", "css/app.css", "pkg/x.wasm"]
        );
        let html = r##"<link rel="icon" href="data:,"><link rel="stylesheet" href="css/app.css"><script type="module" src="js/frame.js"></script><a href="#main">x</a><a href="/abs.html">"##;
        assert_eq!(
            references("embed.html", html),
            ["css/app.css", "js/frame.js"]
        );
        assert_eq!(
            references("js/x.js", r#""../../../escape.js""#),
            Vec::<String>::new()
        );
    }

    #[test]
    fn reads_the_workspace_version() {
        let toml = "[workspace]\nmembers = []\n\n[workspace.package]\nedition = \"2021\"\nversion = \"1.2.3\"\n[package]\nversion = \"9\"\n";
        assert_eq!(version_in(toml).as_deref(), Some("1.2.3"));
        assert_eq!(version_in("[package]\nversion = \"9\"\n"), None);
    }

    #[test]
    fn packs_the_closure_and_refuses_a_missing_file() {
        let dir = std::env::temp_dir().join(format!("xtask-package-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let files = [
            (
                "js/embed.js",
                r#"import"./engine.js";new URL("../css/app.css",import.meta.url)"#,
            ),
            ("js/engine.js", "x"),
            ("js/office.js", "not packed"),
            ("embed.html", r#"<script src="js/frame.js"></script>"#),
            ("js/frame.js", r#"import"./offline.js""#),
            ("js/offline.js", r#"new URL("../sw.js",import.meta.url)"#),
            ("css/app.css", "x"),
            ("pkg/kaoping_wasm.js", "glue"),
            ("pkg/kaoping_wasm_bg.wasm", "wasm"),
            ("pkg/kaoping_wasm_bg.wasm.br", "copy"),
            ("pkg-office/kaoping_wasm.js", "not packed"),
            ("js/embed.d.ts", "export {}"),
            ("sw.js", "x"),
            ("build.json", "{}"),
        ];
        let shell = web::SHELL.map(|s| (s, "x"));
        for (p, text) in files.iter().chain(shell.iter()) {
            let path = dir.join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            if !path.exists() {
                std::fs::write(&path, text).unwrap();
            }
        }
        let got = package_files(&dir).unwrap();
        for p in [
            "js/frame.js",
            "js/offline.js",
            "js/embed.d.ts",
            "pkg/kaoping_wasm_bg.wasm",
        ] {
            assert!(got.contains(p), "{p} in {got:?}");
        }
        for p in [
            "js/office.js",
            "pkg-office/kaoping_wasm.js",
            "pkg/kaoping_wasm_bg.wasm.br",
        ] {
            assert!(!got.contains(p), "{p} not in {got:?}");
        }
        let json = package_json("1.2.3", &got).unwrap();
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["types"], "./js/embed.d.ts");
        assert_eq!(v["version"], "1.2.3");
        assert!(v["files"]
            .as_array()
            .unwrap()
            .contains(&"js/frame.js".into()));
        let conditions = json.find(r#""types": "./js/embed.d.ts", "default""#);
        assert!(conditions.is_some(), "types before default: {json}");
        assert_eq!(v["exports"]["."]["default"], "./js/embed.js");

        std::fs::write(dir.join("js/frame.js"), r#"import"./gone.js""#).unwrap();
        let e = package_files(&dir).unwrap_err().to_string();
        assert!(e.contains("js/frame.js") && e.contains("js/gone.js"), "{e}");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
