//! Content-hashed names for the large immutable files of the site, and the caching that goes
//! with them (issue 19: reviewers on a phone).
//!
//! `cargo xtask build-web` ([`crate::web::site`]) renames each build's WASM and JS glue in
//! `target/www/pkg*/` to `kaoping_wasm_bg.HASH.wasm` and `kaoping_wasm.HASH.js` (HASH: the
//! first [`web::DIGEST_HEX`] hex digits of the file's SHA-256; the glue's after the WASM's name
//! is written into it), then writes the new names into the scripts that name them
//! (`js/engine.js`, and `js/review.js`'s offline list), and fails if any script or page still
//! names an old one. A hashed file's bytes never change under its name, so servers send it
//! with [`IMMUTABLE`]: a year in the browser's cache, never revalidated. Everything else keeps
//! its name (the pages, `sw.js`, `build.json`, the other scripts and styles, and the entries a
//! portal links to: `js/embed.js`, `embed.html`) and is sent [`REVALIDATE`]: asked again each
//! time, a 304 when unchanged (the servers send an ETag).
//!
//! Why only these: they are 90 % of a page's bytes (the review page: 238 KB of 266 KB gzip);
//! the other scripts are small ES modules that import one another by relative name, so hashing
//! them would mean rewriting every import in dependency order, and an import map cannot help
//! (the CSP forbids inline scripts and module workers do not read import maps).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{bail, Context, Result};
use sha2::{Digest, Sha256};

use crate::web;

/// `Cache-Control` of a file whose name carries its content's hash.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of everything else: revalidated on every use (sw.js above all).
pub const REVALIDATE: &str = "no-cache";

/// The files of each build (in `pkg/`, `pkg-review/`, `pkg-office/`) that are renamed: the
/// WASM first, as the glue names it.
const WASM: &str = "kaoping_wasm_bg.wasm";
const GLUE: &str = "kaoping_wasm.js";

/// Whether the last segment of `path` is `STEM.HASH.EXT` with HASH of [`web::DIGEST_HEX`]
/// lowercase hex digits: a name [`name_by_content`] gave.
pub fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let mut parts = name.rsplitn(3, '.');
    let (Some(ext), Some(hash), Some(stem)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !ext.is_empty()
        && !stem.is_empty()
        && hash.len() == web::DIGEST_HEX
        && hash.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The `Cache-Control` for the file at `path` (a URL or site path).
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        IMMUTABLE
    } else {
        REVALIDATE
    }
}

/// `name` with `.HASH` put before its extension (`a/b.js` → `a/b.0123456789ab.js`).
fn with_hash(name: &str, bytes: &[u8]) -> String {
    let hex: String = Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let hash = &hex[..web::DIGEST_HEX];
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// Rename each build's WASM and glue under `site` by content, write the new names into the
/// scripts that name them, and check that no script or page names an old one. Returns the
/// renames, old site path → new site path. A build that is not there (www/pkg-office not
/// built yet) is skipped.
pub fn name_by_content(site: &Path) -> Result<BTreeMap<String, String>> {
    let mut renames = BTreeMap::new();
    for dir in web::BUILD_DIRS {
        let wasm_path = site.join(dir).join(WASM);
        let glue_path = site.join(dir).join(GLUE);
        if !wasm_path.is_file() || !glue_path.is_file() {
            continue;
        }
        let wasm = read(&wasm_path)?;
        let wasm_name = with_hash(WASM, &wasm);
        let glue = std::fs::read_to_string(&glue_path)
            .with_context(|| format!("cannot read {}", glue_path.display()))?;
        // The glue's default URL of the module (engine.js passes its own, others may not).
        let glue = glue.replace(WASM, &wasm_name);
        let glue_name = with_hash(GLUE, glue.as_bytes());
        rename(&wasm_path, &site.join(dir).join(&wasm_name))?;
        write(&site.join(dir).join(&glue_name), glue.as_bytes())?;
        std::fs::remove_file(&glue_path)
            .with_context(|| format!("cannot remove {}", glue_path.display()))?;
        renames.insert(format!("{dir}/{WASM}"), format!("{dir}/{wasm_name}"));
        renames.insert(format!("{dir}/{GLUE}"), format!("{dir}/{glue_name}"));
    }
    if renames.is_empty() {
        return Ok(renames);
    }
    let mut files = Vec::new();
    scripts_and_pages(site, site, &mut files)?;
    let mut named = BTreeMap::<&str, usize>::new();
    for rel in &files {
        let path = site.join(rel);
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let (new, counts) = rewrite(&text, &renames);
        for (old, n) in counts {
            *named.entry(old).or_default() += n;
        }
        if new != text {
            write(&path, new.as_bytes())?;
        }
        if let Some(old) = stale_name(&new) {
            bail!(
                "{}/{rel} names {old}, which the build renamed by content: load the engine's \
                 files through js/engine.js (engineFiles), whose quoted paths the build rewrites",
                web::SITE
            );
        }
    }
    // The loader must know every build's files, or a page would ask for a name that is gone.
    if let Some(old) = renames.keys().find(|old| !named.contains_key(old.as_str())) {
        bail!(
            "no script of {} names {old}: js/engine.js should",
            web::SITE
        );
    }
    Ok(renames)
}

/// `text` with every quoted relative path to an old name (`'pkg/kaoping_wasm.js'`,
/// `"../pkg/kaoping_wasm.js"`) given its new name, and how many of each were rewritten.
fn rewrite<'a>(
    text: &str,
    renames: &'a BTreeMap<String, String>,
) -> (String, Vec<(&'a str, usize)>) {
    let mut out = text.to_string();
    let mut counts = Vec::new();
    for (old, new) in renames {
        let mut n = 0;
        for q in ['"', '\'', '`'] {
            for prefix in ["", "../", "./"] {
                let from = format!("{q}{prefix}{old}{q}");
                n += out.matches(&from).count();
                out = out.replace(&from, &format!("{q}{prefix}{new}{q}"));
            }
        }
        if n > 0 {
            counts.push((old.as_str(), n));
        }
    }
    (out, counts)
}

/// An old name still in `text`, if any.
fn stale_name(text: &str) -> Option<&'static str> {
    [GLUE, WASM].into_iter().find(|name| {
        text.match_indices(name).any(|(i, _)| {
            // Not part of a longer name (`kaoping_wasm_bg.wasm.d.ts` is not loaded).
            let after = text[i + name.len()..].chars().next();
            !after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '.' || c == '_')
        })
    })
}

/// The `.js`, `.mjs` and `.html` files under `dir` outside the builds' own directories, as
/// site paths.
fn scripts_and_pages(base: &Path, dir: &Path, out: &mut Vec<String>) -> Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let path = entry?.path();
        let rel = path
            .strip_prefix(base)
            .unwrap_or(&path)
            .to_string_lossy()
            .replace('\\', "/");
        if path.is_dir() {
            if !web::BUILD_DIRS.contains(&rel.as_str()) {
                scripts_and_pages(base, &path, out)?;
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("js" | "mjs" | "html")
        ) {
            out.push(rel);
        }
    }
    Ok(())
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

fn rename(from: &Path, to: &Path) -> Result<()> {
    std::fs::rename(from, to)
        .with_context(|| format!("cannot rename {} to {}", from.display(), to.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_are_recognised() {
        assert!(is_hashed("pkg/kaoping_wasm_bg.0123456789ab.wasm"));
        assert!(is_hashed("/pkg-review/kaoping_wasm.abcdef012345.js"));
        assert!(!is_hashed("pkg/kaoping_wasm.js"));
        assert!(
            !is_hashed("pkg/kaoping_wasm.ABCDEF012345.js"),
            "lowercase only"
        );
        assert!(!is_hashed("pkg/kaoping_wasm.abcdef01234.js"), "11 digits");
        assert!(!is_hashed("js/embed.js"));
        assert!(!is_hashed(".0123456789ab.js"), "no stem");
        assert_eq!(cache_control("respond.html"), REVALIDATE);
        assert_eq!(cache_control("sw.js"), REVALIDATE);
        assert_eq!(
            cache_control("pkg/kaoping_wasm_bg.0123456789ab.wasm"),
            IMMUTABLE
        );
    }

    fn site(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-hashed-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for d in ["pkg", "pkg-review", "js"] {
            std::fs::create_dir_all(dir.join(d)).unwrap();
        }
        for d in ["pkg", "pkg-review"] {
            std::fs::write(dir.join(d).join(WASM), format!("\0asm {d}")).unwrap();
            std::fs::write(
                dir.join(d).join(GLUE),
                format!("new URL(\"{WASM}\",import.meta.url);// {d}"),
            )
            .unwrap();
        }
        dir
    }

    #[test]
    fn the_builds_are_renamed_and_their_loader_rewritten() {
        let dir = site("ok");
        let engine = r#"const F={forms:["../pkg/kaoping_wasm.js","../pkg/kaoping_wasm_bg.wasm"],review:["../pkg-review/kaoping_wasm.js","../pkg-review/kaoping_wasm_bg.wasm"]};"#;
        std::fs::write(dir.join("js/engine.js"), engine).unwrap();
        std::fs::write(
            dir.join("js/review.js"),
            "x(['pkg-review/kaoping_wasm_bg.wasm'])",
        )
        .unwrap();
        let renames = name_by_content(&dir).unwrap();
        assert_eq!(renames.len(), 4);
        let wasm = &renames["pkg/kaoping_wasm_bg.wasm"];
        // sha256("\0asm pkg")
        let want = with_hash(WASM, b"\0asm pkg");
        assert_eq!(wasm, &format!("pkg/{want}"));
        assert!(is_hashed(wasm), "{wasm}");
        assert!(!dir.join("pkg").join(WASM).exists());
        assert!(!dir.join("pkg").join(GLUE).exists());
        let glue_path = &renames["pkg/kaoping_wasm.js"];
        let glue = std::fs::read(dir.join(glue_path)).unwrap();
        assert_eq!(
            String::from_utf8_lossy(&glue),
            format!("new URL(\"{want}\",import.meta.url);// pkg"),
            "the glue names the hashed WASM"
        );
        assert_eq!(glue_path, &format!("pkg/{}", with_hash(GLUE, &glue)));
        let engine = std::fs::read_to_string(dir.join("js/engine.js")).unwrap();
        for new in renames.values() {
            assert!(engine.contains(&format!("\"../{new}\"")), "{engine}");
        }
        assert_eq!(stale_name(&engine), None);
        let review = std::fs::read_to_string(dir.join("js/review.js")).unwrap();
        assert_eq!(
            review,
            format!("x(['{}'])", renames["pkg-review/kaoping_wasm_bg.wasm"])
        );
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_name_left_behind_is_an_error() {
        // Built from pieces: the rewrite cannot see the review build's WASM.
        let stale = site("stale");
        std::fs::write(
            stale.join("js/engine.js"),
            r#"["../pkg/kaoping_wasm.js","../pkg/kaoping_wasm_bg.wasm","../pkg-review/kaoping_wasm.js",`../pkg-review/${"kaoping_wasm_bg.wasm"}`]"#,
        )
        .unwrap();
        let e = name_by_content(&stale).unwrap_err().to_string();
        assert!(e.contains("js/engine.js names kaoping_wasm_bg.wasm"), "{e}");

        // No script names the review build: its pages would ask for names that are gone.
        let unnamed = site("unnamed");
        std::fs::write(
            unnamed.join("js/engine.js"),
            r#"["../pkg/kaoping_wasm.js"]"#,
        )
        .unwrap();
        let e = name_by_content(&unnamed).unwrap_err().to_string();
        assert!(
            e.contains("no script of target/www names pkg-review/kaoping_wasm.js"),
            "{e}"
        );
        for dir in [stale, unnamed] {
            let _ = std::fs::remove_dir_all(dir);
        }
    }

    #[test]
    fn a_longer_name_is_not_stale() {
        assert_eq!(stale_name("kaoping_wasm_bg.wasm.d.ts"), None);
        assert_eq!(stale_name("my_kaoping_wasm.json"), None);
        assert_eq!(stale_name("'kaoping_wasm.js'"), Some(GLUE));
    }
}
